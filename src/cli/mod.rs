//! The command line: clap parses flags into `Cli`, each subcommand lives in its own file and
//! returns an exit code. All real work is in the library modules; this layer only wires them
//! together and prints.
//!
//! Exit codes: 0 success; 1 the sketch, a hole or an example failed a check; 2 usage, I/O
//! or configuration error. A closed stdout (`anpl holes | head`) is success.

pub mod args;
pub mod compile;
pub mod export;
pub mod run;
pub mod show;
pub mod trace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Fill every hole with a model or the offline synthesizer, check it, save the session.
    Compile(compile::CompileArgs),
    /// Run the program on every example of its entry.
    Run(run::RunArgs),
    /// Run once and show every hole call with its arguments and result.
    Trace(trace::TraceArgs),
    /// Write the finished program as plain Python, with a pytest file of its examples.
    Export(export::ExportArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            return ExitCode::from(2);
        }
        Some(Command::Compile(args)) => compile::run(args),
        Some(Command::Run(args)) => run::run(args),
        Some(Command::Trace(args)) => trace::run(args),
        Some(Command::Export(args)) => export::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The async runtime the commands run the engine on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
