//! What the benches that compile against the local model server (`bench compile`, `bench
//! models`, `bench search`) set up alike: a backend that speaks to the server, and an
//! engine on a sketch in the bench's temporary folder, so their figures differ only in what
//! each measures.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use tokio_util::sync::CancellationToken;

use crate::engine::{Backend, Engine, EngineOptions, SearchSettings};
use crate::exec::ExecConfig;
use crate::llm::config::{resolve, ConfigFlags, ConfigPaths};
use crate::llm::fake_server::FakeServer;
use crate::llm::{Client, Secret};

/// A backend for `model` (`provider:name`) that asks `server`: Anthropic's wire format at
/// the server's root, the others at its OpenAI base. `project` is the `anpl.toml` read,
/// which need not exist; no user config file is read, so the machine's own settings play
/// no part.
pub(super) fn backend(
    server: &FakeServer,
    model: &str,
    api_key: Option<&str>,
    project: PathBuf,
) -> Result<Backend> {
    let flags = ConfigFlags {
        model: Some(model.to_string()),
        base_url: Some(if model.starts_with("anthropic:") {
            server.url()
        } else {
            server.openai_base()
        }),
        api_key: api_key.map(Secret::new),
        ..ConfigFlags::default()
    };
    let paths = ConfigPaths {
        project,
        user: None,
    };
    let config = resolve(&flags, &HashMap::new(), &paths)?;
    Ok(Backend::Model {
        name: model.to_string(),
        client: Arc::new(Client::from_config(&config, CancellationToken::new())?),
    })
}

/// An engine on `dir/sketch` keeping its session in `dir/session`, checking with the
/// `python3` on the path.
pub(super) fn engine(
    dir: &Path,
    sketch: &str,
    session: &str,
    search: SearchSettings,
) -> Result<Engine> {
    Ok(Engine::open(EngineOptions {
        sketch: dir.join(sketch),
        session: Some(dir.join(session)),
        entry: None,
        examples_file: None,
        exec: ExecConfig::new("python3".into(), std::env::vars_os().collect()),
        search,
    })?)
}
