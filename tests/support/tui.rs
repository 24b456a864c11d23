//! The terminal UI on an engine: the app over a `Fixture`'s engine, a backend factory for the
//! driver, and the screen drawn on ratatui's TestBackend.

use std::sync::Arc;

use anpl::engine::Engine;
use anpl::llm::fake_server::FakeTable;
use anpl::tui::view;
use anpl::tui::{App, BackendFactory, Snapshot};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::bin::repo_file;
use super::engine::{model_backend, Fixture};
use super::model::FAKE;
use super::sketches::{WORD_FREQ, WORD_FREQ_TABLE};

impl Fixture {
    /// The app showing `engine`, named for the fake model.
    pub fn app(&self, engine: &Engine) -> App {
        App::new(
            Snapshot::of(engine),
            FAKE.to_string(),
            Some(self.dir.path().to_path_buf()),
        )
    }
}

/// `WORD_FREQ` in a fixture, an engine on it (`quick` search) and the app showing it.
pub fn word_freq_app() -> (Fixture, Engine, App) {
    let fx = Fixture::new(WORD_FREQ);
    let engine = fx.engine();
    let app = fx.app(&engine);
    (fx, engine, app)
}

/// Backends for the driver: the fake model at `base` (an OpenAI base URL).
pub fn factory(base: String) -> BackendFactory {
    Arc::new(move |cancel, _recorded| model_backend(FAKE, base.clone(), None, cancel))
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

/// The fake model's answers for `WORD_FREQ` (`sketches::WORD_FREQ_TABLE`), each after
/// `delay_ms`.
pub fn word_freq_table(delay_ms: u64) -> FakeTable {
    let path = repo_file(WORD_FREQ_TABLE);
    let mut table: FakeTable =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    table.delay_ms = delay_ms;
    table
}
