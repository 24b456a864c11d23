//! Flags shared by the commands that open a sketch, and turning them into engine options.
//!
//! Two stages, as ripgrep does it: clap fills these raw structs, then `engine_options` and
//! `backend` validate them and build what the engine needs before any work starts, so a bad
//! flag is reported before a Python worker or a request is started.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use tokio_util::sync::CancellationToken;

use super::models::ModelFlags;
use crate::engine::{Backend, Engine, EngineOptions, SearchSettings};
use crate::exec::ExecConfig;
use crate::llm::config::ResolvedConfig;
use crate::llm::{Client, ModelSpec};
use crate::session;

#[derive(Debug, Clone, Args)]
pub struct SketchArgs {
    /// The Python sketch file.
    pub sketch: PathBuf,
    /// Session file (default: sessions/<folder>/<sketch stem>.json in the sketch's project root).
    #[arg(long, value_name = "PATH")]
    pub session: Option<PathBuf>,
    /// The entry function, when more than one function could be it.
    #[arg(long, value_name = "NAME")]
    pub entry: Option<String>,
    /// More examples, JSON: {"examples": [{"function", "inputs", "output"}]}, {"input",
    /// "output"} or ARC {"train", "test"} (docs/examples-file.md; `anpl check --examples`
    /// validates a file).
    #[arg(long, value_name = "FILE")]
    pub examples: Option<PathBuf>,
    /// The Python interpreter (default: ANPL_PYTHON, a .venv beside the sketch, then python3).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Seconds one check of a program may run in the sandbox (loading it, then each
    /// example's call) before it is killed (default 5). A slow model is
    /// --request-timeout's business.
    #[arg(long = "check-timeout", value_name = "SECS", value_parser = positive_seconds)]
    pub check_timeout: Option<f64>,
    /// `--timeout` once meant the check limit here and the request limit in messages; it
    /// now names both replacements instead of guessing which one was meant.
    #[arg(long = "timeout", value_name = "SECS", hide = true, value_parser = removed_timeout)]
    pub removed_timeout: Option<f64>,
    /// Python worker processes (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

/// What checks may read and write beyond the sketch's project (also `[sandbox]` in anpl.toml).
#[derive(Debug, Clone, Default, Args)]
pub struct SandboxArgs {
    /// Let checks read PATH (a file or folder), as `[sandbox] read` in anpl.toml does.
    #[arg(long = "sandbox-read", value_name = "PATH")]
    pub read: Vec<PathBuf>,
    /// Let checks write into the folder DIR, as `[sandbox] write` in anpl.toml does.
    #[arg(long = "sandbox-write", value_name = "DIR")]
    pub write: Vec<PathBuf>,
}

impl SandboxArgs {
    pub fn flags(&self) -> crate::exec::SandboxFlags {
        crate::exec::SandboxFlags {
            read: self.read.clone(),
            write: self.write.clone(),
        }
    }
}

/// Flags of the commands that may fill holes with the offline synthesizer (`compile`,
/// `repl`, the UI).
#[derive(Debug, Clone, Default, Args)]
pub struct SynthFlags {
    /// Seconds the offline synthesizer may spend on one hole (default 2); more lets it
    /// reach larger programs.
    #[arg(long, value_name = "SECS", value_parser = positive_seconds)]
    pub synth_budget: Option<f64>,
}

impl SynthFlags {
    pub fn apply(&self, mut search: SearchSettings) -> SearchSettings {
        if let Some(secs) = self.synth_budget {
            search.synth_budget = Duration::from_secs_f64(secs);
        }
        search
    }
}

/// A positive, finite number of seconds (a `Duration` cannot hold more, and zero would kill
/// every check before it starts).
pub fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 86_400.0 => Ok(v),
        _ => Err("expected a positive number of seconds, at most 86400 (a day)".to_string()),
    }
}

/// The message for the retired `--timeout` flag.
pub const REMOVED_TIMEOUT: &str = "--timeout was split in two: --check-timeout SECS limits one check of a program in the sandbox (default 5), --request-timeout SECS one model request (default 120; `request_timeout` in anpl.toml)";

fn removed_timeout(_: &str) -> Result<f64, String> {
    Err(REMOVED_TIMEOUT.to_string())
}

/// The process environment as a map, read once at the edge so the library never reads it.
pub fn environment() -> HashMap<String, String> {
    std::env::vars().collect()
}

impl SketchArgs {
    pub fn exec_config(&self, env: &HashMap<String, String>) -> ExecConfig {
        let base_env = env.iter().map(|(k, v)| (k.into(), v.into())).collect();
        let mut config = ExecConfig::for_sketch(
            &self.sketch,
            self.python.as_deref(),
            &self.sandbox.flags(),
            base_env,
        );
        if let Some(t) = self.check_timeout {
            config.timeout = Duration::from_secs_f64(t);
        }
        if let Some(w) = self.workers {
            config.workers = w.max(1);
        }
        config
    }

    pub fn engine_options(
        &self,
        env: &HashMap<String, String>,
        search: SearchSettings,
    ) -> EngineOptions {
        EngineOptions {
            sketch: self.sketch.clone(),
            session: self.session.clone(),
            entry: self.entry.clone(),
            examples_file: self.examples.clone(),
            exec: self.exec_config(env),
            search,
        }
    }
}

impl SketchArgs {
    /// Open the engine on this sketch. Without `--session`, the session is the one in the
    /// sketch's project (`session::default_session_path`), moved there first from where
    /// older versions kept it; what happened is said on stderr.
    pub fn open_engine(
        &self,
        env: &HashMap<String, String>,
        search: SearchSettings,
    ) -> Result<Engine> {
        let mut options = self.engine_options(env, search);
        let mut placement = session::Placement::Existing;
        if options.session.is_none() {
            let cwd = std::env::current_dir()
                .context("cannot read the current directory")?
                .canonicalize()
                .context("cannot resolve the current directory")?;
            let home = env.get("HOME").map(Path::new);
            let path = session::default_session_path(&self.sketch, home);
            // Shorter to read, and the same file: anpl never changes its directory.
            let path = path
                .strip_prefix(&cwd)
                .map(Path::to_path_buf)
                .unwrap_or(path);
            if self.sketch.is_file() {
                placement = session::adopt_legacy(&self.sketch, &path, &cwd)?;
            }
            options.session = Some(path);
        }
        let engine = Engine::open(options);
        // A move is said whatever follows; "no session yet" only for a sketch that opened.
        if engine.is_ok() || matches!(placement, session::Placement::Moved { .. }) {
            if let Some(notice) = placement.notice() {
                eprintln!("note: {notice}");
            }
        }
        Ok(engine?)
    }
}

pub fn search_settings(config: &ResolvedConfig, flags: &ModelFlags) -> SearchSettings {
    let defaults = SearchSettings::default();
    SearchSettings {
        jobs: config.jobs.value.max(1) as usize,
        samples: config.samples.value,
        temperature: config.temperature.value,
        repair_rounds: config.repair_rounds.value,
        max_tokens: config.max_tokens.value,
        prompt_budget: flags
            .prompt_budget
            .map_or(defaults.prompt_budget, |b| b as usize),
        search_budget: match config.search_budget.value {
            0 => None,
            n => Some(n as usize),
        },
        ..defaults
    }
}

/// Build the backend the resolved model names. `recorded` lists models with transcripts in
/// the session, newest last, for `replay`.
pub fn backend(
    config: &ResolvedConfig,
    cancel: &CancellationToken,
    recorded: &[String],
) -> Result<Backend> {
    let name = || {
        config
            .model
            .value
            .remote()
            .map(|m| m.to_string())
            .unwrap_or_default()
    };
    Ok(match &config.model.value {
        ModelSpec::Offline => Backend::Offline,
        ModelSpec::Replay => {
            let name = recorded.last().cloned().ok_or_else(|| {
                anyhow::anyhow!(
                    "replay answers only from recorded transcripts, and this session has none: compile once with a model first"
                )
            })?;
            Backend::Replay { name }
        }
        ModelSpec::Remote(_) => Backend::Model {
            name: name(),
            client: Arc::new(Client::from_config(config, cancel.clone())?),
        },
        ModelSpec::OfflineThen(_) => Backend::OfflineThenModel {
            name: name(),
            client: Arc::new(Client::from_config(config, cancel.clone())?),
        },
    })
}
