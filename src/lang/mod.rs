//! The rules language: statisticians' declarative rules, parsed into a typed AST with spans.
//!
//! The grammar is written down in the README ("Rules language").

pub mod ast;
pub mod error;
pub mod lexer;
pub mod parser;

pub use error::RuleError;
