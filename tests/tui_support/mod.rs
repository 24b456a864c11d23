//! Fixtures shared by the TUI tests: sketches written into a temporary directory, engines
//! opened on them with real Python workers, a backend talking to the local fake model
//! server, and a screen drawn on ratatui's TestBackend.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anpl::engine::{Backend, Engine, EngineOptions, SearchSettings};
use anpl::exec::ExecConfig;
use anpl::llm::config::{resolve, ConfigFlags, ConfigPaths};
use anpl::llm::fake_server::FakeServer;
use anpl::llm::Client;
use anpl::tui::view;
use anpl::tui::{App, BackendFactory, Snapshot};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tokio_util::sync::CancellationToken;

pub const WORD_FREQ: &str = r#"import re
from collections import Counter


def count_words(text: str) -> dict[str, int]:
    """Count how often each word occurs, ignoring case and punctuation.

    >>> count_words("A a, b!")
    {'a': 2, 'b': 1}
    """


def main(text: str) -> list[str]:
    """The three most frequent words, capitalised.

    >>> main("b a b c a b")
    ['B', 'A', 'C']
    """
    counts = count_words(text)
    top = "the k most frequent words, ties broken alphabetically"(counts, 3)
    return `capitalize each word`(top)
"#;

pub const RECOLOR: &str = r#"import numpy as np


def recolor(grid: np.ndarray) -> np.ndarray:
    """Recolour every blue (1) cell red (2).

    >>> recolor(np.array([[0, 1, 1, 0], [1, 0, 0, 1], [0, 0, 1, 0]]))
    np.array([[0, 2, 2, 0], [2, 0, 0, 2], [0, 0, 2, 0]])
    """


def main(grid: np.ndarray) -> np.ndarray:
    """
    >>> main(np.array([[1, 0], [0, 1]]))
    np.array([[2, 0], [0, 2]])
    """
    return recolor(grid)
"#;

/// Recolours only the first row: two cells of the example come out wrong.
pub const RECOLOR_WRONG: &str =
    "def recolor(grid):\n    out = grid.copy()\n    out[0][out[0] == 1] = 2\n    return out";

pub fn code_answer(body: &str) -> String {
    format!("Here it is:\n\n```python\n{body}\n```\n")
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub sketch: PathBuf,
}

impl Fixture {
    pub fn new(source: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let sketch = dir.path().join("prog.py");
        std::fs::write(&sketch, source).unwrap();
        Fixture { dir, sketch }
    }

    pub fn options(&self, search: SearchSettings) -> EngineOptions {
        EngineOptions {
            sketch: self.sketch.clone(),
            session: Some(self.dir.path().join("sessions/prog.json")),
            entry: None,
            examples_file: None,
            exec: ExecConfig {
                workers: 2,
                ..ExecConfig::new("python3".into(), std::env::vars_os().collect())
            },
            search,
        }
    }

    pub fn engine(&self) -> Engine {
        Engine::open(self.options(quick())).unwrap()
    }

    pub fn app(&self, engine: &Engine) -> App {
        App::new(
            Snapshot::of(engine),
            "openai-compatible:fake".to_string(),
            Some(self.dir.path().to_path_buf()),
        )
    }
}

/// One sample, no repair: a wrong answer stays wrong, quickly.
pub fn quick() -> SearchSettings {
    SearchSettings {
        samples: 0,
        repair_rounds: 0,
        ..SearchSettings::default()
    }
}

pub fn backend(server: &FakeServer, cancel: &CancellationToken) -> Backend {
    let flags = ConfigFlags {
        model: Some("openai-compatible:fake".to_string()),
        base_url: Some(server.openai_base()),
        max_retries: Some(0),
        ..ConfigFlags::default()
    };
    let paths = ConfigPaths {
        project: Path::new("/nonexistent/anpl.toml").to_path_buf(),
        user: None,
    };
    let config = resolve(&flags, &HashMap::new(), &paths).unwrap();
    Backend::Model {
        name: "openai-compatible:fake".to_string(),
        client: Arc::new(Client::from_config(&config, cancel.clone()).unwrap()),
    }
}

pub fn factory(base: String) -> BackendFactory {
    Arc::new(move |cancel, _recorded| {
        let flags = ConfigFlags {
            model: Some("openai-compatible:fake".to_string()),
            base_url: Some(base.clone()),
            max_retries: Some(0),
            ..ConfigFlags::default()
        };
        let paths = ConfigPaths {
            project: Path::new("/nonexistent/anpl.toml").to_path_buf(),
            user: None,
        };
        let config = resolve(&flags, &HashMap::new(), &paths).map_err(|e| e.to_string())?;
        let client = Client::from_config(&config, cancel.clone()).map_err(|e| e.to_string())?;
        Ok(Backend::Model {
            name: "openai-compatible:fake".to_string(),
            client: Arc::new(client),
        })
    })
}

/// The app drawn on a `width`×`height` test terminal.
pub fn screen(app: &mut App, width: u16, height: u16) -> TestBackend {
    app.width = width;
    app.height = height;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(app, f)).unwrap();
    terminal.backend().clone()
}

/// The screen's text, one string per row.
pub fn rows(backend: &TestBackend) -> Vec<String> {
    let buffer = backend.buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect()
}
