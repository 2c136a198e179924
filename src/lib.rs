//! crossfoot checks published statistical tables for internal consistency.
//!
//! Data flows one way: source files → [`table`]s and rules ([`lang`]) → checks ([`engine`],
//! [`checks`]) → [`finding`]s → reports ([`report`]).

pub mod baseline;
pub mod blame;
pub mod checks;
pub mod claims;
pub mod cli;
pub mod decode;
pub mod docx;
pub mod drafts;
pub mod engine;
pub mod excerpt;
pub mod finding;
pub mod format;
#[doc(hidden)]
pub mod fuzz;
pub mod heap;
pub mod import;
pub mod infer;
pub mod input_file;
pub mod interval;
pub mod lang;
pub mod lint;
pub mod made_once;
pub mod number;
pub mod output;
pub mod pages;
pub mod report;
pub mod run;
pub mod source;
pub mod table;
mod tally;
pub mod watch;
