//! The engine in-process: a sketch in a temporary directory, an engine opened on it with real
//! Python workers, and backends talking to the fake model over real HTTP.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anpl::engine::compile::CompileReport;
use anpl::engine::{Backend, Engine, EngineOptions, Events, SearchSettings};
use anpl::exec::ExecConfig;
use anpl::llm::config::{resolve, ConfigFlags, ConfigPaths};
use anpl::llm::fake_server::FakeServer;
use anpl::llm::{Client, Secret};
use tokio_util::sync::CancellationToken;

use super::model::FAKE;

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub sketch: PathBuf,
    /// An `--examples` file for the sketch, if it has one.
    pub examples: Option<PathBuf>,
}

impl Fixture {
    /// `source` as `prog.py`.
    pub fn new(source: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let sketch = dir.path().join("prog.py");
        std::fs::write(&sketch, source).unwrap();
        Fixture {
            dir,
            sketch,
            examples: None,
        }
    }

    /// The engine's options: two Python workers, the session in `sessions/prog.json`.
    pub fn options(&self, search: SearchSettings) -> EngineOptions {
        EngineOptions {
            sketch: self.sketch.clone(),
            session: Some(self.session()),
            entry: None,
            examples_file: self.examples.clone(),
            exec: ExecConfig {
                workers: 2,
                ..ExecConfig::new("python3".into(), std::env::vars_os().collect())
            },
            search,
        }
    }

    pub fn open(&self, search: SearchSettings) -> Engine {
        Engine::open(self.options(search)).unwrap()
    }

    /// An engine with `quick` search settings.
    pub fn engine(&self) -> Engine {
        self.open(quick())
    }

    pub fn session(&self) -> PathBuf {
        self.dir.path().join("sessions/prog.json")
    }

    /// The sketch's text as it is on disk now.
    pub fn text(&self) -> String {
        std::fs::read_to_string(&self.sketch).unwrap()
    }
}

pub fn search(samples: u32, repair_rounds: u32) -> SearchSettings {
    SearchSettings {
        samples,
        repair_rounds,
        ..SearchSettings::default()
    }
}

/// One sample, no repair: a wrong answer stays wrong, quickly.
pub fn quick() -> SearchSettings {
    search(0, 0)
}

/// `model` at `base_url`, configured as the flags would, without retries, its requests
/// cancelled by `cancel`.
pub fn model_backend(
    model: &str,
    base_url: String,
    api_key: Option<Secret>,
    cancel: &CancellationToken,
) -> Result<Backend, String> {
    let flags = ConfigFlags {
        model: Some(model.to_string()),
        base_url: Some(base_url),
        api_key,
        max_retries: Some(0),
        ..ConfigFlags::default()
    };
    // No project or user file: only the flags count.
    let paths = ConfigPaths {
        project: Path::new("/nonexistent/anpl.toml").to_path_buf(),
        user: None,
    };
    let config = resolve(&flags, &HashMap::new(), &paths).map_err(|e| e.to_string())?;
    let client = Client::from_config(&config, cancel.clone()).map_err(|e| e.to_string())?;
    Ok(Backend::Model {
        name: model.to_string(),
        client: Arc::new(client),
    })
}

/// The fake model on `server`, its requests cancelled by `cancel`.
pub fn backend_with(server: &FakeServer, cancel: &CancellationToken) -> Backend {
    model_backend(FAKE, server.openai_base(), None, cancel).unwrap()
}

/// The fake model on `server`.
pub fn backend(server: &FakeServer) -> Backend {
    backend_with(server, &CancellationToken::new())
}

/// A compile of every hole that must not fail to run (its report may still say failing).
pub async fn compile(engine: &mut Engine, backend: &Backend) -> CompileReport {
    engine
        .compile(backend, None, &Events::none(), &CancellationToken::new())
        .await
        .unwrap()
}
