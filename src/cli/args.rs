//! Flags shared by the commands that open a sketch, and turning them into engine options.
//!
//! Two stages, as ripgrep does it: clap fills these raw structs, then `engine_options` and
//! `backend` validate them and build what the engine needs before any work starts, so a bad
//! flag is reported before a Python worker or a request is started.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use tokio_util::sync::CancellationToken;

use super::models::ModelFlags;
use crate::engine::{Backend, EngineOptions, SearchSettings};
use crate::exec::ExecConfig;
use crate::llm::config::ResolvedConfig;
use crate::llm::{Client, ModelSpec};

#[derive(Debug, Clone, Args)]
pub struct SketchArgs {
    /// The Python sketch file.
    pub sketch: PathBuf,
    /// Session file (default: sessions/<sketch stem>.json in the current directory).
    #[arg(long, value_name = "PATH")]
    pub session: Option<PathBuf>,
    /// The entry function, when more than one function could be it.
    #[arg(long, value_name = "NAME")]
    pub entry: Option<String>,
    /// More examples, JSON: {"examples": [...]}, {"input":…, "output":…} or ARC {"train":…, "test":…}.
    #[arg(long, value_name = "FILE")]
    pub examples: Option<PathBuf>,
    /// The Python interpreter (default: ANPL_PYTHON, a .venv beside the sketch, then python3).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Seconds one check may run before it is killed.
    #[arg(long = "timeout", value_name = "SECS")]
    pub check_timeout: Option<f64>,
    /// Python worker processes (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
}

/// The process environment as a map, read once at the edge so the library never reads it.
pub fn environment() -> HashMap<String, String> {
    std::env::vars().collect()
}

impl SketchArgs {
    pub fn exec_config(&self, env: &HashMap<String, String>) -> ExecConfig {
        let sketch_dir = self
            .sketch
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_default();
        let python = ExecConfig::resolve_python(
            self.python.as_deref(),
            env.get("ANPL_PYTHON").map(|s| s.as_str()),
            &sketch_dir,
        );
        let base_env = env.iter().map(|(k, v)| (k.into(), v.into())).collect();
        let mut config = ExecConfig::new(python, base_env);
        if let Some(t) = self.check_timeout {
            config.timeout = Duration::from_secs_f64(t.max(0.01));
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
