//! `anpl repl SKETCH`: the repair operations as an interactive line REPL, or a script when
//! stdin is not a terminal (`anpl repl prog.py < script.txt`).
//!
//! This edge reads the environment (`$EDITOR`), builds the engine and the model backend
//! from the shared flags, picks the input (line editor or plain lines) and hands stdout to
//! the library's REPL. Exit codes: 0 when every command succeeded, 1 when one failed (a
//! script goes on after an error unless `--strict`), 2 when the REPL could not start.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use clap::Args;
use tokio_util::sync::CancellationToken;

use super::args::{backend, environment, search_settings, SketchArgs, SynthFlags};
use super::models::{load_config, ModelFlags};
use super::runtime;
use crate::repl::{Input, Out, Repl, ReplOptions};

#[derive(Debug, Args)]
pub struct ReplArgs {
    #[command(flatten)]
    pub sketch: SketchArgs,
    #[command(flatten)]
    pub model: ModelFlags,
    #[command(flatten)]
    pub synth: SynthFlags,
    /// Stop at the first command that fails (for scripts).
    #[arg(long)]
    pub strict: bool,
}

pub fn run(args: &ReplArgs) -> Result<ExitCode> {
    let env = environment();
    let config = load_config(&args.model)?;
    let engine = args.sketch.open_engine(
        &env,
        args.synth.apply(search_settings(&config, &args.model)),
    )?;
    let recorded = super::compile::recorded_models(&engine);
    let backend = backend(&config, &CancellationToken::new(), &recorded)?;
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        if let Some(notice) = config.offline_notice() {
            eprintln!("note: {notice}");
        }
    }
    super::check::print_notes(&engine.sketch);
    let history_file = Some(engine.session_path().with_extension("history"));
    let names = Arc::new(Mutex::new(Repl::completion_names(&engine)));
    let input = if interactive {
        Input::terminal(names.clone(), history_file.as_ref())?
    } else {
        Input::lines(Box::new(std::io::BufReader::new(std::io::stdin())))
    };
    let out: Out = Arc::new(Mutex::new(Box::new(std::io::stdout())));
    let options = ReplOptions {
        strict: args.strict,
        color: std::io::stdout().is_terminal() && !env.contains_key("NO_COLOR"),
        editor: env
            .get("VISUAL")
            .or_else(|| env.get("EDITOR"))
            .filter(|e| !e.trim().is_empty())
            .cloned(),
        history_file,
    };
    let summary = Repl::new(engine, backend, runtime()?, input, names, out, options).run();
    Ok(if summary.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
