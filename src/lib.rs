//! crossfoot checks published statistical tables for internal consistency.
//!
//! Data flows one way: source files → [`table`]s and rules ([`lang`]) → checks ([`engine`],
//! [`checks`]) → [`finding`]s → reports ([`report`]).

pub mod interval;
pub mod number;
pub mod source;
pub mod table;
pub mod lang;
