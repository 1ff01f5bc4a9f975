//! jwt-workbench: a terminal workbench for JSON Web Tokens.
#![forbid(unsafe_code)]

pub mod app;
pub mod clipboard;
pub mod jose;
pub mod tui;
pub mod ui;
pub mod workbench;
