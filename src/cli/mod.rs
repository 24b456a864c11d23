//! The command line: clap parses flags into `Cli`, each subcommand lives in its own file and
//! returns an exit code. All real work is in the library modules; this layer only wires them
//! together and prints.
//!
//! Exit codes: 0 success, 1 the sketch or program failed a check, 2 usage or I/O error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod bench_synth;

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
    /// Measure parts of anpl on benchmark files.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// The model-free synthesizer on a `pbe-tasks/1` file.
    Synth(bench_synth::BenchSynthArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => return ExitCode::SUCCESS,
        Some(Command::Bench(BenchCommand::Synth(args))) => bench_synth::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
