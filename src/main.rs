//! `jwb`: parses the command line and hands it to the library.

use std::process::ExitCode;

use clap::Parser as _;
use jwt_workbench::cli::{Cli, run};

fn main() -> ExitCode {
    // A panic's message can quote the input: it is made inert like every other output.
    jwt_workbench::untrusted::install_panic_hook();
    // Started by the workbench to keep a copied text on the clipboard after it quits.
    if jwt_workbench::clipboard::is_keeper() {
        return jwt_workbench::clipboard::serve_from_stdin();
    }
    run(Cli::parse())
}
