//! The command line: clap parses flags into `Cli`, each subcommand lives in its own file and
//! returns an exit code. All real work is in the library modules; this layer only wires them
//! together and prints.
//!
//! Exit codes: 0 success, 1 the sketch or program failed a check, 2 usage or I/O error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod bench_exec;
pub mod doctor;

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
    /// List which sandbox layers are active on this machine.
    Doctor(doctor::DoctorArgs),
    /// Measure performance.
    Bench {
        #[command(subcommand)]
        which: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Candidate checks per second through the sandboxed worker pool vs a fresh python3.
    Exec(bench_exec::BenchExecArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => Ok(ExitCode::SUCCESS),
        Some(Command::Doctor(args)) => doctor::run(args),
        Some(Command::Bench {
            which: BenchCommand::Exec(args),
        }) => bench_exec::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
