//! The command line: clap parses flags into `Cli`, each subcommand lives in its own file and
//! returns an exit code. All real work is in the library modules; this layer only wires them
//! together and prints.
//!
//! Exit codes: 0 success, 1 the sketch or program failed a check, 2 usage or I/O error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod models;

#[derive(Debug, Parser)]
#[command(
    name = "anpl",
    version,
    about = "Natural programming: Python sketches with holes filled by language models and checked against examples"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the configured model and where each setting came from (keys masked).
    Models(models::ModelsArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => ExitCode::SUCCESS,
        Some(Command::Models(args)) => models::run(&args),
    }
}
