//! jwt-workbench: a terminal workbench for JSON Web Tokens.
#![deny(unsafe_code)]

pub mod app;
pub mod audit;
#[cfg(test)]
mod citations;
pub mod cli;
pub mod clipboard;
pub mod color_depth;
pub mod config;
pub mod flow;
pub mod jose;
pub mod key_file;
pub mod lab;
pub mod net;
pub mod screenshot;
pub mod teach;
pub mod tui;
pub mod ui;
pub mod untrusted;
pub mod workbench;
