//! The UI state and its update function (the Elm architecture): [`App`] is a plain struct,
//! [`App::update`] applies one [`AppEvent`] and returns the [`Effect`]s the loop must carry
//! out, and `view::draw` renders it without side effects. Nothing here touches a terminal,
//! the engine or a task, so every behaviour is testable by feeding events.
//!
//! Background results are tagged with the generation they were started under; a result
//! whose generation is no longer current (the user moved on, or cancelled) is dropped.
//!
//! Split by concern: this file holds the state and `update`'s dispatch; `keys.rs` reads
//! input, `actions.rs` carries out actions and starts background work, `commands.rs` runs
//! the `:` line, `jobs.rs` takes background results in, `questions.rs` holds the question
//! overlay's state and keys. A new overlay is a variant of
//! [`Overlay`], a key handler in `keys.rs` and a drawing in `view`.

mod actions;
mod commands;
mod jobs;
mod keys;
mod questions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossterm::event::{Event as Input, KeyEventKind};

use super::event::{AppEvent, CheckJob, Effect};
use super::keymap::{Action, KeyMap};
use super::repair::{Editor, Review};
use super::snapshot::Snapshot;
use super::theme::Theme;
use crate::engine::check::{CheckReport, ExampleResult};
pub use questions::Questions;

/// The panes focus cycles through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Tree,
    Code,
    Examples,
    Trace,
}

impl Pane {
    const ORDER: [Pane; 4] = [Pane::Tree, Pane::Code, Pane::Examples, Pane::Trace];

    fn index(self) -> usize {
        Pane::ORDER.iter().position(|p| *p == self).unwrap_or(0)
    }

    fn next(self, step: isize) -> Pane {
        let n = Pane::ORDER.len() as isize;
        Pane::ORDER[((self.index() as isize + step).rem_euclid(n)) as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    ConfirmQuit,
    /// The selected hole's versions, `version_cursor` on one.
    Versions,
    /// The operations recorded for undo.
    History,
    /// `App::review`: a diff to read or accept.
    Review,
    /// `App::questions`: one open question, its answers to pick from.
    Questions,
}

/// What a hole is doing in the running compile, between snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Live {
    Queued,
    Generating,
    Filled,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Error,
}

/// The engine operation or check the status line shows as running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub label: String,
    pub generation: u64,
    /// Which check it is, for run and trace (compile and export have none).
    pub job: Option<CheckJob>,
}

/// The selected row's examples (a hole's or a function's), checked in the background when
/// it is selected and again when the implementations or examples change.
#[derive(Debug, Clone)]
pub struct HoleCheck {
    pub hole: String,
    pub generation: u64,
    pub report: Option<CheckReport>,
}

#[derive(Debug, Clone)]
pub struct App {
    pub snapshot: Arc<Snapshot>,
    pub keymap: KeyMap,
    pub theme: Theme,
    /// The model as the status line names it.
    pub model: String,
    /// Paths are shown relative to this directory when they are inside it.
    pub cwd: Option<PathBuf>,
    pub width: u16,
    pub height: u16,
    pub focus: Pane,
    /// Index into `snapshot.tree`.
    pub selected: usize,
    pub code_scroll: u16,
    /// How many columns the code pane is scrolled to the right (code is never wrapped).
    pub code_hscroll: u16,
    pub trace_scroll: u16,
    /// The example row under the cursor in the examples pane.
    pub example_cursor: usize,
    pub overlay: Option<Overlay>,
    /// The `:` command line while it is open.
    pub command: Option<String>,
    pub message: Option<(String, Tone)>,
    pub operation: Option<Operation>,
    pub live: BTreeMap<String, Live>,
    /// Requests sent and not yet answered, by hole.
    pub in_flight: BTreeMap<String, u32>,
    /// Tokens reported since the last snapshot (the snapshot holds the saved total).
    pub live_tokens: (u64, u64),
    /// Tokens of answers still streaming in, by hole.
    pub receiving: BTreeMap<String, u64>,
    pub tick: u64,
    pub generation: u64,
    pub hole_check: Option<HoleCheck>,
    /// The last run of every entry example.
    pub program: Option<CheckReport>,
    /// The entry example the trace pane shows (0-based) and its traced result.
    pub trace_example: usize,
    pub trace: Option<(usize, ExampleResult)>,
    /// The implementations or examples changed since the trace was taken.
    pub trace_outdated: bool,
    /// The selected call in the trace pane (index into `App::trace_calls`), for pinning.
    pub trace_cursor: usize,
    /// The in-TUI editor while it is open.
    pub editor: Option<Editor>,
    /// The diff the review overlay shows.
    pub review: Option<Review>,
    /// The version (index) under the cursor in the versions overlay.
    pub version_cursor: usize,
    /// How far the help overlay is scrolled (it is taller than small terminals).
    pub help_scroll: u16,
    /// The open questions and the question overlay.
    pub questions: Questions,
    pub quit: bool,
}

impl App {
    pub fn new(snapshot: Snapshot, model: String, cwd: Option<PathBuf>) -> App {
        let selected = snapshot
            .tree
            .iter()
            .position(|r| r.is_hole)
            .unwrap_or_default();
        App {
            snapshot: Arc::new(snapshot),
            keymap: KeyMap::default(),
            theme: Theme::default(),
            model,
            cwd,
            width: 80,
            height: 24,
            focus: Pane::Tree,
            selected,
            code_scroll: 0,
            code_hscroll: 0,
            trace_scroll: 0,
            example_cursor: 0,
            overlay: None,
            command: None,
            message: None,
            operation: None,
            live: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            live_tokens: (0, 0),
            receiving: BTreeMap::new(),
            tick: 0,
            generation: 0,
            hole_check: None,
            program: None,
            trace_example: 0,
            trace: None,
            trace_outdated: false,
            trace_cursor: 0,
            editor: None,
            review: None,
            version_cursor: 0,
            help_scroll: 0,
            questions: Questions::default(),
            quit: false,
        }
    }

    /// Effects to start with: check the initially selected hole's examples.
    pub fn start(&mut self) -> Vec<Effect> {
        self.selection_changed()
    }

    pub fn is_busy(&self) -> bool {
        self.operation.is_some()
    }

    /// The name of the selected function or hole.
    pub fn selected_name(&self) -> Option<&str> {
        self.snapshot
            .tree
            .get(self.selected)
            .map(|r| r.name.as_str())
    }

    pub fn entry(&self) -> &str {
        &self.snapshot.sketch.entry
    }

    /// A path as the user would type it from where anpl was started.
    pub fn display_path(&self, path: &Path) -> String {
        self.cwd
            .as_deref()
            .and_then(|cwd| path.strip_prefix(cwd).ok())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    fn next_generation(&mut self) -> u64 {
        self.generation += 1;
        self.generation
    }

    fn say(&mut self, text: impl Into<String>, tone: Tone) {
        self.message = Some((text.into(), tone));
    }

    pub fn update(&mut self, event: AppEvent) -> Vec<Effect> {
        match event {
            AppEvent::Input(Input::Key(key)) if key.kind != KeyEventKind::Release => {
                self.on_key(key)
            }
            AppEvent::Input(Input::Mouse(mouse)) => self.on_mouse(mouse),
            AppEvent::Input(Input::Resize(w, h)) => {
                self.width = w;
                self.height = h;
                Vec::new()
            }
            AppEvent::Input(_) => Vec::new(),
            AppEvent::Tick => {
                self.tick = self.tick.wrapping_add(1);
                Vec::new()
            }
            AppEvent::Engine(event) => {
                self.on_engine(event);
                Vec::new()
            }
            AppEvent::Snapshot(snapshot) => self.on_snapshot(*snapshot),
            AppEvent::OperationDone { generation, result } => {
                if self.operation.as_ref().map(|o| o.generation) == Some(generation) {
                    self.operation = None;
                    self.in_flight.clear();
                    match self.questions_done(generation, result) {
                        Ok(text) => self.say(text, Tone::Success),
                        Err(text) => self.say(text, Tone::Error),
                    }
                }
                Vec::new()
            }
            AppEvent::Checked {
                job,
                generation,
                result,
            } => {
                self.on_checked(job, generation, result);
                Vec::new()
            }
            AppEvent::Review { generation, review } => {
                if self.operation.as_ref().map(|o| o.generation) == Some(generation) {
                    self.review = Some(*review);
                    self.overlay = Some(Overlay::Review);
                }
                Vec::new()
            }
            AppEvent::Asked { generation, asked } => {
                self.on_asked(generation, asked);
                Vec::new()
            }
            AppEvent::Edited { purpose, result } => match result {
                Ok(text) => self.repair(purpose.op(text)),
                Err(e) => {
                    self.say(e, Tone::Error);
                    Vec::new()
                }
            },
            AppEvent::Terminate => {
                self.quit = true;
                vec![Effect::Cancel, Effect::Quit]
            }
        }
    }

    /// The selected row, when it is a hole.
    pub fn selected_hole(&self) -> Option<String> {
        self.selected_name()
            .filter(|n| self.snapshot.holes.contains_key(*n))
            .map(str::to_string)
    }

    fn need_hole(&mut self) -> Vec<Effect> {
        self.say(
            "select a hole first: the selected row is sketch code",
            Tone::Error,
        );
        Vec::new()
    }

    /// The trace calls the trace pane lists (the selected hole's, or every call), with
    /// their position in the trace.
    pub fn trace_calls(&self) -> Vec<(usize, crate::exec::TraceEvent)> {
        let Some((_, result)) = &self.trace else {
            return Vec::new();
        };
        let hole = self.selected_hole();
        crate::present::trace::calls(&result.trace, hole.as_deref())
            .into_iter()
            .map(|c| (c.index, c.event.clone()))
            .collect()
    }

    /// The code the code pane shows: the selected hole's implementation in use, or the
    /// selected function's source.
    pub fn selected_code(&self) -> Option<&str> {
        let name = self.selected_name()?;
        if let Some(hole) = self.snapshot.holes.get(name) {
            return hole.code.as_deref();
        }
        let function = self.snapshot.sketch.function(name)?;
        self.snapshot.sketch.source.get(function.span.clone())
    }

    /// How far the code pane can scroll sideways: its longest line past the pane's width.
    pub fn code_overflow(&self) -> usize {
        let longest = self.selected_code().map_or(0, |code| {
            code.lines()
                .map(|l| {
                    l.chars()
                        .map(|c| if c == '\t' { 4 } else { 1 })
                        .sum::<usize>()
                })
                .max()
                .unwrap_or(0)
        });
        let pane = super::view::layout(ratatui::layout::Rect::new(0, 0, self.width, self.height))
            .map_or(0, |p| p.code.width.saturating_sub(2) as usize);
        longest.saturating_sub(pane)
    }

    /// Select a row by name (for commands that name their hole).
    fn select(&mut self, name: &str) {
        if let Some(row) = self.snapshot.tree.iter().position(|r| r.name == name) {
            self.selected = row;
        }
    }

    fn refuse_while_busy(&mut self) -> Option<Vec<Effect>> {
        let op = self.operation.as_ref()?;
        let text = format!("{} is running: wait, or Esc to cancel it", op.label);
        self.say(text, Tone::Error);
        Some(Vec::new())
    }

    fn no_examples(&self) -> String {
        let key = self
            .keymap
            .key_for(&Action::AddExample)
            .map_or(String::new(), |k| format!("press {k} on it, "));
        format!(
            "the entry `{}` has no examples: {key}add a doctest to its docstring (>>> {}(...) and the expected value), or pass --examples FILE",
            self.entry(),
            self.entry()
        )
    }
}
