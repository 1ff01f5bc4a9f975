//! `jwb`: parses the command line and hands it to the library.

use std::process::ExitCode;

use clap::Parser as _;
use jwt_workbench::cli::{Cli, run};

fn main() -> ExitCode {
    run(Cli::parse())
}
