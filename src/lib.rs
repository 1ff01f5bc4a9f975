//! jwt-workbench: a terminal workbench for JSON Web Tokens.
#![deny(unsafe_code)]

pub mod app;
pub mod audit;
pub mod cli;
pub mod clipboard;
pub mod color_depth;
pub mod config;
pub mod flow;
/// The token engine, a crate of its own (`crates/jose`): no terminal, clock, network or files.
pub use jwb_jose as jose;
pub mod key_file;
pub mod lab;
pub mod net;
pub mod screenshot;
pub mod teach;
pub mod tui;
pub mod ui;
pub use jwb_jose::untrusted;
pub mod workbench;
