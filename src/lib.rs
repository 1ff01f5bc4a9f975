//! jwt-workbench: a terminal workbench for JSON Web Tokens.
#![forbid(unsafe_code)]

pub mod audit;
pub mod jose;
