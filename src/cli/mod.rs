//! The command line: clap parses flags into `Cli`, each subcommand lives in its own file and
//! returns an exit code. All real work is in the library modules; this layer only wires them
//! together and prints.
//!
//! Exit codes: 0 success; 1 the sketch, a hole or an example failed a check; 2 usage, I/O
//! or configuration error; 3 `compile --ask` left questions open. A closed stdout (`anpl holes | head`) is success.

pub mod args;
pub mod bench_ask;
mod bench_compile;
pub mod bench_exec;
pub mod bench_synth;
pub mod check;
pub mod compile;
pub mod doctor;
pub mod example;
pub mod export;
pub mod holes;
pub mod models;
pub mod questions;
pub mod repl;
pub mod run;
pub mod show;
pub mod trace;
pub mod tui;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "anpl",
    version,
    about = "Natural programming: Python sketches with holes filled by language models and checked against examples",
    override_usage = "anpl SKETCH [OPTIONS]   opens the terminal UI (see `anpl SKETCH --help`)\n       anpl <COMMAND>"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a sketch: print every problem as file:line:col, exit 1 if there is one.
    Check(check::CheckArgs),
    /// Show the sketch's functions and holes as a tree (or JSON with --json).
    Holes(holes::HolesArgs),
    /// Fill every hole with a model or the offline synthesizer, check it, save the session.
    Compile(compile::CompileArgs),
    /// Run the program on every example of its entry.
    Run(run::RunArgs),
    /// Repair the program hole by hole: an interactive REPL, or a script piped to stdin.
    Repl(repl::ReplArgs),
    /// Run once and show every hole call with its arguments and result.
    Trace(trace::TraceArgs),
    /// List open questions: calls where implementations that pass a hole's examples disagree.
    Questions(questions::QuestionsArgs),
    /// Add, remove or list the examples of a hole or function.
    Example(example::ExampleArgs),
    /// Write the finished program as plain Python, with a pytest file of its examples.
    Export(export::ExportArgs),
    /// Show the configured model and where each setting came from (keys masked).
    Models(models::ModelsArgs),
    /// List which sandbox layers are active on this machine.
    Doctor(doctor::DoctorArgs),
    /// Measure anpl: checks per second, the synthesizer, compile concurrency.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Compile time against a slow local model, concurrent and sequential, and an unchanged recompile.
    Compile(bench_compile::BenchCompileArgs),
    /// Candidate checks per second through the sandboxed worker pool vs a fresh python3.
    Exec(bench_exec::BenchExecArgs),
    /// The model-free synthesizer on a `pbe-tasks/1` file.
    Synth(bench_synth::BenchSynthArgs),
}

pub fn main() -> ExitCode {
    if let Some(args) = tui::open_args() {
        return finish(tui::run(&args));
    }
    let cli = Cli::parse();
    let result = match cli.command {
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            return ExitCode::from(2);
        }
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Holes(args)) => holes::run(&args),
        Some(Command::Compile(args)) => compile::run(&args),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Repl(args)) => repl::run(&args),
        Some(Command::Trace(args)) => trace::run(&args),
        Some(Command::Questions(args)) => questions::run(&args),
        Some(Command::Example(args)) => example::run(&args),
        Some(Command::Export(args)) => export::run(&args),
        Some(Command::Models(args)) => Ok(models::run(&args)),
        Some(Command::Doctor(args)) => doctor::run(args),
        Some(Command::Bench(BenchCommand::Compile(args))) => bench_compile::run(&args),
        Some(Command::Bench(BenchCommand::Exec(args))) => bench_exec::run(args),
        Some(Command::Bench(BenchCommand::Synth(args))) => bench_synth::run(&args),
    };
    finish(result)
}

fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
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

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// Write to stdout, returning the error instead of panicking, so a closed pipe
/// (`anpl run x.py | head -1`) ends the command quietly with success.
pub fn out(args: std::fmt::Arguments) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_fmt(args)?;
    stdout.flush()
}

/// `out` and a newline.
pub fn outln(args: std::fmt::Arguments) -> std::io::Result<()> {
    out(format_args!("{args}\n"))
}

/// The async runtime the commands run the engine on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    // Regression: two flattened argument groups once both defined `timeout`, which clap
    // only reports when the subcommand is first parsed.
    #[test]
    fn every_subcommand_has_consistent_arguments() {
        Cli::command().debug_assert();
    }
}
