//! `anpl SKETCH`: open the terminal UI on a sketch. Resolves the model configuration and
//! opens the engine here (so a bad flag or sketch is reported before the screen is taken),
//! then hands the UI a factory that builds the model backend for each compile.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use clap::Args;

use super::args::{backend, environment, search_settings, SketchArgs, SynthFlags};
use super::models::{load_config, ModelFlags};
use super::runtime;
use crate::tui::{BackendFactory, TuiOptions};

#[derive(Debug, Clone, Args)]
pub struct TuiArgs {
    #[command(flatten)]
    pub sketch: SketchArgs,
    #[command(flatten)]
    pub model: ModelFlags,
    #[command(flatten)]
    pub synth: SynthFlags,
}

pub fn run(args: &TuiArgs) -> Result<ExitCode> {
    let env = environment();
    let config = load_config(&args.model)?;
    // A misconfigured model is reported now, not at the first compile inside the UI.
    if let Some(problem) = config.problems().first() {
        anyhow::bail!("{problem}");
    }
    let engine = args.sketch.open_engine(
        &env,
        args.synth.apply(search_settings(&config, &args.model)),
    )?;
    // The screen has one line for a first message: a `def` that is not the hole it looks
    // like matters more than the offline notice, which `anpl models` also gives.
    let notice = engine
        .sketch
        .empty_defs()
        .first()
        .map(|d| d.short_note())
        .or_else(|| config.offline_notice());
    let model = config.model.value.to_string();
    let factory: BackendFactory = Arc::new(move |cancel, recorded| {
        backend(&config, cancel, recorded).map_err(|e| format!("{e:#}"))
    });
    let rt = runtime()?;
    rt.block_on(crate::tui::run(TuiOptions {
        engine,
        model,
        backend: factory,
        cwd: std::env::current_dir().ok(),
        notice,
        editor: env
            .get("VISUAL")
            .or_else(|| env.get("EDITOR"))
            .filter(|e| !e.trim().is_empty())
            .cloned(),
    }))?;
    Ok(ExitCode::SUCCESS)
}

/// The parser for `anpl SKETCH [OPTIONS]`.
#[derive(Debug, clap::Parser)]
#[command(
    name = "anpl",
    version,
    about = "Open the terminal UI on a sketch (creating or resuming its session)"
)]
struct OpenCli {
    #[command(flatten)]
    args: TuiArgs,
}

/// `Some` when the first argument is a path rather than a subcommand or a flag: then the
/// command line is `anpl SKETCH [OPTIONS]` and is parsed (exiting on a usage error) here.
pub fn open_args() -> Option<TuiArgs> {
    use clap::{CommandFactory, Parser};
    let first = std::env::args_os().nth(1)?;
    let first = first.to_str().unwrap_or("-");
    let is_subcommand = super::Cli::command()
        .get_subcommands()
        .any(|c| c.get_name() == first || c.get_all_aliases().any(|a| a == first))
        || first == "help";
    if first.starts_with('-') || is_subcommand {
        return None;
    }
    // `anpl tui SKETCH` is how many users guess the UI opens: take it as `anpl SKETCH`,
    // unless a file named like the word is what they meant.
    if OPEN_WORDS.contains(&first) && !std::path::Path::new(first).exists() {
        let rest = std::env::args_os()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, a)| a);
        return Some(OpenCli::parse_from(rest).args);
    }
    Some(OpenCli::parse().args)
}

/// Words taken to mean "open the terminal UI" before a sketch.
const OPEN_WORDS: &[&str] = &["tui", "ui", "open"];

#[cfg(test)]
mod tests {
    use super::OpenCli;
    use clap::CommandFactory;

    #[test]
    fn open_arguments_are_consistent() {
        OpenCli::command().debug_assert();
    }
}
