//! The engine: every operation on a sketch and its session, for every front end.
//!
//! An `Engine` owns one parsed sketch, its locked session, the examples from every source,
//! and (started on first use) the pool of Python workers. Operations (`compile`, `run`,
//! `trace`, `export`) report progress as `Event`s and save the session when they complete,
//! so nothing learned is lost if the process dies between operations. The CLI, REPL and TUI
//! all drive this same API.

pub mod advice;
mod answers;
pub mod check;
pub mod compile;
mod defer;
pub mod events;
pub mod export;
pub mod extras;
pub mod fingerprint;
mod front;
pub mod guess;
pub mod history;
mod judge;
pub mod observe;
pub mod ops;
pub mod prompt;
pub mod questions;
pub mod repr;
pub mod sample;
pub mod schedule;
pub mod search;
pub mod status;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OnceCell;

use crate::exec::{ExecConfig, ExecError, Runner};
use crate::session::{
    default_session_path, HoleRecord, HoleStatus, SessionError, SessionFile, Store, Usage,
};
use crate::sketch::{self, Example, ParseOptions, Sketch, SketchError};

pub use events::{Event, Events};
pub use front::FrontEnd;
pub use observe::PromptPreview;
pub use sample::Backend;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Sketch(#[from] SketchError),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Exec(#[from] ExecError),
    #[error("{0}")]
    Render(String),
    #[error("no function or hole named `{0}` in the sketch")]
    UnknownFunction(String),
    #[error(transparent)]
    Op(#[from] ops::OpError),
    /// An export refused because tests it would write fail.
    #[error("{0}")]
    FailingTests(String),
    #[error("{0}")]
    Other(String),
}

/// How hard compile searches. Defaults follow DESIGN.md "Compile".
#[derive(Debug, Clone)]
pub struct SearchSettings {
    /// Holes requested at once.
    pub jobs: usize,
    /// Extra samples drawn when the first candidate fails.
    pub samples: u32,
    pub temperature: f32,
    pub repair_rounds: u32,
    pub max_tokens: u32,
    /// Program checks one compile may spend trying combinations of candidates; `None`:
    /// `search::plan::auto_budget`, which grows with the holes and candidates searched.
    pub search_budget: Option<usize>,
    /// Time the offline synthesizer may spend on one hole.
    pub synth_budget: Duration,
    /// Estimated tokens one request may take before context sections are dropped.
    pub prompt_budget: usize,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings {
            jobs: 8,
            samples: 5,
            temperature: 0.8,
            repair_rounds: 2,
            max_tokens: 2048,
            search_budget: None,
            synth_budget: Duration::from_secs(2),
            prompt_budget: prompt::DEFAULT_BUDGET,
        }
    }
}

#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub sketch: PathBuf,
    pub session: Option<PathBuf>,
    pub entry: Option<String>,
    pub examples_file: Option<PathBuf>,
    pub exec: ExecConfig,
    pub search: SearchSettings,
}

/// The worker pool, started once on first use and shared by every clone.
#[derive(Clone)]
pub(crate) struct Pool {
    pub(crate) cell: Arc<OnceCell<Arc<Runner>>>,
    config: ExecConfig,
    /// Set once the missing sandbox layers have been reported (`sandbox_notice`).
    noticed: Arc<std::sync::atomic::AtomicBool>,
}

impl Pool {
    pub(crate) async fn runner(&self, prelude: &str) -> Result<Arc<Runner>, EngineError> {
        let runner = self
            .cell
            .get_or_try_init(|| async {
                Runner::start(self.config.clone(), prelude)
                    .await
                    .map(Arc::new)
            })
            .await?;
        Ok(runner.clone())
    }

    /// The sandbox layers this machine lacks, as one line, the first time it is asked after
    /// the pool started; `None` afterwards and when every layer is in force.
    pub(crate) fn sandbox_notice(&self) -> Option<String> {
        let runner = self.cell.get()?;
        let warnings = runner.sandbox_report().warnings();
        if warnings.is_empty()
            || self
                .noticed
                .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            return None;
        }
        Some(format!(
            "{}; `anpl doctor` shows what checks can read and write",
            warnings.join("; ")
        ))
    }

    /// Why the check failed on a file the sandbox withholds, if it did (see
    /// `exec::Workspace::explain_denied`).
    pub(crate) fn denied_access(&self, outcome: &crate::exec::CheckOutcome) -> Option<String> {
        let ws = self.config.workspace.as_ref()?;
        let calls = outcome.calls.iter().filter_map(|c| c.error.as_ref());
        outcome
            .load_error
            .iter()
            .chain(calls)
            .find_map(|e| ws.explain_denied(e))
    }
}

pub struct Engine {
    pub sketch: Arc<Sketch>,
    store: Store,
    session: SessionFile,
    /// Examples from `--examples FILE`, by function name.
    file_examples: Vec<(String, Example)>,
    pool: Pool,
    pub search: SearchSettings,
    /// Holes whose saved implementation no longer matches the sketch.
    stale: Vec<String>,
    /// The sketch file and how it was parsed, to parse it again after an edit.
    sketch_path: PathBuf,
    parse_options: ParseOptions,
    /// The operation being recorded for undo, while one is open.
    group: Option<history::Group>,
    /// What the compile under way has used so far, by hole: every request it made,
    /// including resumed searches and the combination search's extra samples.
    run_usage: BTreeMap<String, Usage>,
}

impl Engine {
    /// Parse the sketch, lock and load its session, and reconcile the two: unchanged holes
    /// keep their implementations, changed ones are marked stale.
    pub fn open(options: EngineOptions) -> Result<Engine, EngineError> {
        options.exec.validate()?;
        let sketch = sketch::parse_file(
            &options.sketch,
            &ParseOptions {
                entry: options.entry.clone(),
            },
        )?;
        let file_examples = match &options.examples_file {
            Some(path) => sketch::load_examples_file(path, &sketch)?,
            None => Vec::new(),
        };
        // Front ends pass the path they resolved (with the user's home, and after moving a
        // session from where older versions kept it: `session::adopt_legacy`).
        let session_path = options
            .session
            .clone()
            .unwrap_or_else(|| default_session_path(&options.sketch, None));
        let store = Store::open(&session_path)?;
        let session = store.load(&options.sketch.display().to_string())?;
        let mut engine = Engine {
            sketch: Arc::new(sketch),
            store,
            session,
            file_examples,
            pool: Pool {
                cell: Arc::new(OnceCell::new()),
                config: options.exec,
                noticed: Arc::default(),
            },
            search: options.search,
            stale: Vec::new(),
            sketch_path: options.sketch.clone(),
            parse_options: ParseOptions {
                entry: options.entry.clone(),
            },
            group: None,
            run_usage: BTreeMap::new(),
        };
        engine.reconcile();
        Ok(engine)
    }

    fn reconcile(&mut self) {
        self.stale.clear();
        for hole in &self.sketch.holes {
            let print = fingerprint::fingerprint(hole);
            let record = self.session.holes.entry(hole.id.clone()).or_default();
            if record.fingerprint.is_empty() {
                record.fingerprint = print;
            } else if record.fingerprint != print {
                if record.current.is_some() {
                    record.status = HoleStatus::Stale;
                    self.stale.push(hole.id.clone());
                }
                record.fingerprint = print;
            } else if record.status == HoleStatus::Stale {
                self.stale.push(hole.id.clone());
            }
        }
    }

    pub fn session(&self) -> &SessionFile {
        &self.session
    }

    pub fn session_path(&self) -> &Path {
        self.store.path()
    }

    pub fn save(&self) -> Result<(), EngineError> {
        Ok(self.store.save(&self.session)?)
    }

    pub fn stale_holes(&self) -> &[String] {
        &self.stale
    }

    /// The pool of Python workers, started on first use with the sketch's prelude imported.
    pub async fn runner(&self) -> Result<Arc<Runner>, EngineError> {
        self.pool.runner(&self.sketch.prelude).await
    }

    /// Whether the Python worker pool has been started (it starts on the first check).
    pub fn python_started(&self) -> bool {
        self.pool.cell.initialized()
    }

    /// Every example of a function or hole: its doctests, the session's store, and the
    /// examples file, in that order.
    pub fn examples_for(&self, name: &str) -> Vec<Example> {
        let mut out: Vec<Example> = self.sketch.examples_of(name).to_vec();
        for stored in self.session.examples.iter().filter(|e| e.function == name) {
            out.push(Example::new(
                stored.call.clone(),
                stored.expected.clone(),
                0,
            ));
        }
        for (function, example) in &self.file_examples {
            if function == name {
                out.push(example.clone());
            }
        }
        out
    }

    /// Implementations in use: every hole with current code that is not stale.
    pub fn implementations(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for hole in &self.sketch.holes {
            if self.stale.contains(&hole.id) {
                continue;
            }
            if let Some(code) = self.session.current_code(&hole.id) {
                out.insert(hole.id.clone(), code.to_string());
            }
        }
        out
    }

    pub(crate) fn session_mut(&mut self) -> &mut SessionFile {
        &mut self.session
    }

    pub(crate) fn record_mut(&mut self, hole: &str) -> &mut HoleRecord {
        self.session.holes.entry(hole.to_string()).or_default()
    }

    pub(crate) fn clear_stale(&mut self, hole: &str) {
        self.stale.retain(|h| h != hole);
    }
}
