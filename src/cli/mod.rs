//! The command line: clap parses flags into `Cli`, each subcommand lives in its own file and
//! returns an exit code. All real work is in the library modules; this layer only wires them
//! together and prints.
//!
//! Exit codes (`docs/exit-codes.md`, the one place they are listed): 0 success; 1 a check
//! failed: the sketch or an examples file has an error (a syntax error included, in every
//! command that opens a sketch), an example fails, a hole is left unfilled; 2 usage,
//! configuration or I/O error; 3 `compile --ask` left questions open; 130 interrupted by Ctrl-C (SIGINT), after
//! saving what was done. A closed stdout (`anpl holes | head`) is success. `finish` maps a command's error to
//! its code, so a command returns the sketch's error and need not pick the code itself.

pub mod args;
pub mod bench_ask;
mod bench_compile;
pub mod bench_exec;
pub mod bench_models;
pub mod bench_prompts;
pub mod bench_search;
mod bench_server;
pub mod bench_synth;
pub mod check;
pub mod compile;
pub mod doctor;
pub mod example;
pub mod export;
pub mod holes;
pub mod interrupt;
pub mod models;
pub mod prompt;
pub mod questions;
pub mod repl;
pub mod run;
pub mod trace;
pub mod tui;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::engine::EngineError;
use crate::sketch::SketchError;

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
    /// Print the request the next compile of a hole would send (sends nothing).
    Prompt(prompt::PromptArgs),
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
    /// Streaming (time to first token shown) and prompt caching (tokens saved) against a local model.
    Models(bench_models::BenchModelsArgs),
    /// Prompt sizes of every hole, and the time spent tracing the program for prompts.
    Prompts(bench_prompts::BenchPromptsArgs),
    /// Programs solved, requests and tokens against a local model that is right only some
    /// of the time (the combination search).
    Search(bench_search::BenchSearchArgs),
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
        Some(Command::Prompt(args)) => prompt::run(&args),
        Some(Command::Questions(args)) => questions::run(&args),
        Some(Command::Example(args)) => example::run(&args),
        Some(Command::Export(args)) => export::run(&args),
        Some(Command::Models(args)) => Ok(models::run(&args)),
        Some(Command::Doctor(args)) => doctor::run(args),
        Some(Command::Bench(BenchCommand::Compile(args))) => bench_compile::run(&args),
        Some(Command::Bench(BenchCommand::Exec(args))) => bench_exec::run(args),
        Some(Command::Bench(BenchCommand::Synth(args))) => bench_synth::run(&args),
        Some(Command::Bench(BenchCommand::Models(args))) => bench_models::run(&args),
        Some(Command::Bench(BenchCommand::Prompts(args))) => bench_prompts::run(&args),
        Some(Command::Bench(BenchCommand::Search(args))) => bench_search::run(&args),
    };
    finish(result)
}

fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
    let code = match result {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) if error.downcast_ref::<interrupt::Interrupted>().is_some() => {
            ExitCode::from(interrupt::EXIT_INTERRUPTED)
        }
        Err(error) => match sketch_content_error(&error) {
            // Shown as `check` shows it: `file:line:col: message` lines that editors and
            // terminals can jump to, without an `error:` prefix in front of the file name.
            Some(sketch_error) => {
                check::print_error(sketch_error);
                ExitCode::from(1)
            }
            None => {
                eprintln!("error: {}", with_causes(&error));
                ExitCode::from(2)
            }
        },
    };
    if interrupt::interrupted() {
        eprintln!("interrupted: the session keeps everything finished before Ctrl-C");
        return ExitCode::from(interrupt::EXIT_INTERRUPTED);
    }
    code
}

/// The error and its causes, like `{:#}`, but without a cause whose text the message before
/// it already quotes (many errors say "cannot read X: {source}" and also name the source).
fn with_causes(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// The sketch's own error (its text, or its examples file) behind `error`, if that is what
/// stopped the command: exit code 1, like a failed check, in every command.
fn sketch_content_error(error: &anyhow::Error) -> Option<&SketchError> {
    error.chain().find_map(|cause| {
        let sketch = match cause.downcast_ref::<EngineError>() {
            Some(EngineError::Sketch(e)) => Some(e),
            _ => cause.downcast_ref::<SketchError>(),
        };
        sketch.filter(|e| e.is_content_error())
    })
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

/// `--json` output: the document pretty-printed on stdout, as [`outln`] writes.
pub fn print_json<T: serde::Serialize + ?Sized>(doc: &T) -> anyhow::Result<()> {
    outln(format_args!("{}", serde_json::to_string_pretty(doc)?))?;
    Ok(())
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
