//! The UI state and its update function (the Elm architecture): [`App`] is a plain struct,
//! [`App::update`] applies one [`AppEvent`] and returns the [`Effect`]s the loop must carry
//! out, and `view::draw` renders it without side effects. Nothing here touches a terminal,
//! the engine or a task, so every behaviour is testable by feeding events.
//!
//! Background results are tagged with the generation they were started under; a result
//! whose generation is no longer current (the user moved on, or cancelled) is dropped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossterm::event::{
    Event as Input, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use super::event::{AppEvent, CheckJob, Effect};
use super::keymap::{Action, KeyMap};
use super::repair::{EditPurpose, Editor, EditorOutcome, RepairOp, Review};
use super::snapshot::Snapshot;
use super::theme::Theme;
use super::view;
use crate::engine::check::{CheckReport, ExampleResult};
use crate::engine::Event;
use crate::repl::command::{self, Command, DecomposeFrom};

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

/// A hole's own examples, checked in the background when it is selected.
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
    pub tick: u64,
    pub generation: u64,
    pub hole_check: Option<HoleCheck>,
    /// The last run of every entry example.
    pub program: Option<CheckReport>,
    /// The entry example the trace pane shows (0-based) and its traced result.
    pub trace_example: usize,
    pub trace: Option<(usize, ExampleResult)>,
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
            trace_scroll: 0,
            example_cursor: 0,
            overlay: None,
            command: None,
            message: None,
            operation: None,
            live: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            live_tokens: (0, 0),
            tick: 0,
            generation: 0,
            hole_check: None,
            program: None,
            trace_example: 0,
            trace: None,
            trace_cursor: 0,
            editor: None,
            review: None,
            version_cursor: 0,
            help_scroll: 0,
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
                    match result {
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

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if let Some(editor) = self.editor.as_mut() {
            return match editor.key(key) {
                EditorOutcome::Continue => Vec::new(),
                EditorOutcome::Cancel => {
                    self.editor = None;
                    self.say("edit dropped", Tone::Info);
                    Vec::new()
                }
                EditorOutcome::Submit(text) => {
                    let purpose = editor.purpose.clone();
                    self.editor = None;
                    self.repair(purpose.op(text))
                }
                EditorOutcome::External(text) => {
                    let purpose = editor.purpose.clone();
                    self.editor = None;
                    vec![Effect::ExternalEditor { purpose, text }]
                }
            };
        }
        if let Some(text) = self.command.as_mut() {
            match key.code {
                KeyCode::Esc => self.command = None,
                KeyCode::Enter => {
                    let line = std::mem::take(text);
                    self.command = None;
                    return self.run_command(&line);
                }
                // Backspace on an empty line closes it, as in vi.
                KeyCode::Backspace if text.pop().is_none() => self.command = None,
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.command = None
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            }
            return Vec::new();
        }
        match self.overlay {
            Some(Overlay::ConfirmQuit) => {
                return match key.code {
                    KeyCode::Char('y') | KeyCode::Char('Y') => self.apply(Action::ForceQuit),
                    _ => {
                        self.overlay = None;
                        Vec::new()
                    }
                };
            }
            Some(Overlay::Help) | Some(Overlay::History) => {
                match key.code {
                    KeyCode::Char('j') | KeyCode::Down => {
                        self.help_scroll = self.help_scroll.saturating_add(1)
                    }
                    KeyCode::Char('k') | KeyCode::Up => {
                        self.help_scroll = self.help_scroll.saturating_sub(1)
                    }
                    KeyCode::PageDown | KeyCode::Char(' ') => {
                        self.help_scroll = self.help_scroll.saturating_add(10)
                    }
                    KeyCode::PageUp => self.help_scroll = self.help_scroll.saturating_sub(10),
                    _ => {}
                }
                if matches!(
                    key.code,
                    KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Char('H')
                ) {
                    self.overlay = None;
                }
                return Vec::new();
            }
            Some(Overlay::Versions) => return self.versions_key(key),
            Some(Overlay::Review) => return self.review_key(key),
            None => {}
        }
        match self.keymap.action(&key) {
            Some(action) => self.apply(action),
            None => Vec::new(),
        }
    }

    /// Carry out one action: from a key, a mouse gesture or a command.
    pub fn apply(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => {
                if self.is_busy() {
                    self.overlay = Some(Overlay::ConfirmQuit);
                    Vec::new()
                } else {
                    self.quit = true;
                    vec![Effect::Quit]
                }
            }
            Action::ForceQuit => {
                self.quit = true;
                vec![Effect::Cancel, Effect::Quit]
            }
            Action::Help => {
                self.help_scroll = 0;
                self.overlay = Some(Overlay::Help);
                Vec::new()
            }
            Action::Escape => {
                if self.overlay.take().is_some() {
                    return Vec::new();
                }
                if let Some(op) = self.operation.take() {
                    self.live
                        .retain(|_, l| matches!(l, Live::Filled | Live::Failed));
                    self.in_flight.clear();
                    self.say(format!("cancelled {}", op.label), Tone::Info);
                    return vec![Effect::Cancel];
                }
                self.message = None;
                Vec::new()
            }
            Action::NextPane => {
                self.focus = self.focus.next(1);
                Vec::new()
            }
            Action::PrevPane => {
                self.focus = self.focus.next(-1);
                Vec::new()
            }
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-10),
            Action::PageDown => self.move_by(10),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::CompileAll => self.compile(None),
            Action::CompileHole => match self.selected_name() {
                Some(name) if self.snapshot.holes.contains_key(name) => {
                    let name = name.to_string();
                    self.compile(Some(vec![name]))
                }
                _ => {
                    self.say(
                        "select a hole first: the selected row is sketch code",
                        Tone::Error,
                    );
                    Vec::new()
                }
            },
            Action::Run => self.check(CheckJob::Run),
            Action::Trace => self.check(CheckJob::Trace(self.trace_example)),
            Action::NextExample | Action::PrevExample => {
                let count = self.snapshot.examples_of(self.entry()).len();
                if count == 0 {
                    self.say(self.no_examples(), Tone::Error);
                } else {
                    let step = if action == Action::NextExample {
                        1
                    } else {
                        count - 1
                    };
                    self.trace_example = (self.trace_example + step) % count;
                    self.say(
                        format!(
                            "example {} of {} chosen: t traces it",
                            self.trace_example + 1,
                            count
                        ),
                        Tone::Info,
                    );
                }
                Vec::new()
            }
            Action::CommandLine(prefill) => {
                self.command = Some(prefill);
                Vec::new()
            }
            Action::EditDescription | Action::EditExternal | Action::Decompose => {
                let Some(hole) = self.selected_hole() else {
                    return self.need_hole();
                };
                let (purpose, text) = if action == Action::Decompose {
                    let text = self.decompose_stub(&hole);
                    (EditPurpose::Decompose(hole), text)
                } else {
                    let text = self
                        .snapshot
                        .sketch
                        .hole(&hole)
                        .map(|h| h.description.clone())
                        .unwrap_or_default();
                    (EditPurpose::Description(hole), text)
                };
                if let Some(effects) = self.refuse_while_busy() {
                    return effects;
                }
                if action == Action::EditExternal {
                    return vec![Effect::ExternalEditor { purpose, text }];
                }
                self.editor = Some(Editor::new(purpose, &text));
                Vec::new()
            }
            Action::AddExample => match self.selected_name() {
                Some(name) => {
                    self.command = Some(format!("example add {name} {name}("));
                    Vec::new()
                }
                None => self.need_hole(),
            },
            Action::RemoveExample => {
                let Some(name) = self.selected_name().map(str::to_string) else {
                    return self.need_hole();
                };
                if self.snapshot.examples_of(&name).is_empty() {
                    self.say(format!("{name} has no examples to remove"), Tone::Error);
                    return Vec::new();
                }
                self.repair(RepairOp::RemoveExample {
                    function: name,
                    n: self.example_cursor + 1,
                })
            }
            Action::PinCall => {
                let calls = self.trace_calls();
                let Some((_, call)) = calls.get(self.trace_cursor).map(|c| (c.0, c.1.clone()))
                else {
                    self.say(
                        "no call to pin: t traces an example, then Tab to the trace pane and choose a call with j/k",
                        Tone::Error,
                    );
                    return Vec::new();
                };
                let example = self.trace.as_ref().map_or(0, |(n, _)| *n) + 1;
                self.repair(RepairOp::Pin {
                    hole: call.function,
                    example,
                    call: call.id,
                    expected: None,
                    docstring: false,
                })
            }
            Action::Resynthesize => match self.selected_hole() {
                Some(hole) => self.repair(RepairOp::Resynthesize {
                    hole,
                    samples: None,
                }),
                None => self.need_hole(),
            },
            Action::SuggestDecompose => match self.selected_hole() {
                Some(hole) => self.repair(RepairOp::Suggest { hole }),
                None => self.need_hole(),
            },
            Action::Undo => self.repair(RepairOp::Undo),
            Action::Redo => self.repair(RepairOp::Redo),
            Action::Versions => {
                let Some(hole) = self.selected_hole() else {
                    return self.need_hole();
                };
                let versions = self
                    .snapshot
                    .versions
                    .get(&hole)
                    .map_or(&[][..], Vec::as_slice);
                if versions.is_empty() {
                    self.say(
                        format!("{hole} has no versions yet: c fills it"),
                        Tone::Error,
                    );
                    return Vec::new();
                }
                self.version_cursor = versions.iter().position(|v| v.current).unwrap_or(0);
                self.overlay = Some(Overlay::Versions);
                Vec::new()
            }
            Action::History => {
                self.overlay = Some(Overlay::History);
                Vec::new()
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

    /// What the decomposition editor starts with: the hole's stub (as the REPL offers it)
    /// with a hint to replace by the steps, calling new holes.
    fn decompose_stub(&self, hole: &str) -> String {
        let stub = self
            .snapshot
            .sketch
            .hole(hole)
            .map(crate::sketch::stub)
            .unwrap_or_default();
        format!("{stub}    # Replace this comment by the steps, calling new holes, e.g.\n    # parts = \"split the input into ...\"(x)\n")
    }

    /// The trace calls the trace pane lists (the selected hole's, or every call), with
    /// their position in the trace.
    pub fn trace_calls(&self) -> Vec<(usize, crate::exec::TraceEvent)> {
        let Some((_, result)) = &self.trace else {
            return Vec::new();
        };
        let hole = self.selected_hole();
        result
            .trace
            .iter()
            .enumerate()
            .filter(|(_, c)| hole.as_deref().is_none_or(|h| c.function == h))
            .map(|(i, c)| (i, c.clone()))
            .collect()
    }

    /// Start a repair operation in the engine task.
    pub fn repair(&mut self, op: RepairOp) -> Vec<Effect> {
        if let Some(effects) = self.refuse_while_busy() {
            return effects;
        }
        let generation = self.next_generation();
        if op.needs_model() {
            self.live.clear();
            self.in_flight.clear();
            self.live_tokens = (0, 0);
        }
        self.message = None;
        self.operation = Some(Operation {
            label: op.label(),
            generation,
            job: None,
        });
        vec![Effect::Repair { generation, op }]
    }

    fn versions_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(hole) = self.selected_hole() else {
            self.overlay = None;
            return Vec::new();
        };
        let versions = self
            .snapshot
            .versions
            .get(&hole)
            .cloned()
            .unwrap_or_default();
        let last = versions.len().saturating_sub(1);
        let chosen = versions.get(self.version_cursor).map(|v| v.number);
        let current = versions.iter().find(|v| v.current).map(|v| v.number);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('v') => self.overlay = None,
            KeyCode::Char('j') | KeyCode::Down => {
                self.version_cursor = (self.version_cursor + 1).min(last)
            }
            KeyCode::Char('k') | KeyCode::Up => {
                self.version_cursor = self.version_cursor.saturating_sub(1)
            }
            KeyCode::Char('d') | KeyCode::Enter => {
                if let Some(b) = chosen {
                    // Against the one in use; the one in use against the one before it.
                    let a = match current {
                        Some(c) if c != b => c,
                        _ => b.saturating_sub(1).max(1),
                    };
                    let (a, b) = (a.min(b), a.max(b));
                    self.overlay = None;
                    return self.repair(RepairOp::Diff { hole, a, b });
                }
            }
            KeyCode::Char('o') => {
                if let Some(version) = chosen {
                    self.overlay = None;
                    return self.repair(RepairOp::UseVersion { hole, version });
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn review_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(review) = self.review.as_mut() else {
            self.overlay = None;
            return Vec::new();
        };
        match key.code {
            KeyCode::Char('j') | KeyCode::Down => review.scroll = review.scroll.saturating_add(1),
            KeyCode::Char('k') | KeyCode::Up => review.scroll = review.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => {
                review.scroll = review.scroll.saturating_add(10)
            }
            KeyCode::PageUp => review.scroll = review.scroll.saturating_sub(10),
            KeyCode::Char('y') | KeyCode::Enter if review.accept.is_some() => {
                let op = review.accept.take();
                self.review = None;
                self.overlay = None;
                if let Some(op) = op {
                    return self.repair(op);
                }
            }
            KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('q') => {
                let rejected = review.accept.is_some();
                self.review = None;
                self.overlay = None;
                if rejected {
                    self.say("suggestion rejected; the sketch is unchanged", Tone::Info);
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// A hole named as the REPL names them: its id, or its number in the sketch (`3`, `#3`).
    fn resolve_hole(&mut self, word: &str) -> Option<String> {
        let sketch = &self.snapshot.sketch;
        if sketch.hole(word).is_some() {
            return Some(word.to_string());
        }
        let by_number = word
            .trim_start_matches('#')
            .parse::<usize>()
            .ok()
            .and_then(|n| sketch.holes.get(n.wrapping_sub(1)))
            .map(|h| h.id.clone());
        if by_number.is_none() {
            self.say(format!("no hole named `{word}`"), Tone::Error);
        }
        by_number
    }

    /// A function or hole that can have examples.
    fn resolve_function(&mut self, word: &str) -> Option<String> {
        if self
            .snapshot
            .sketch
            .functions
            .iter()
            .any(|f| f.name == word)
        {
            return Some(word.to_string());
        }
        self.resolve_hole(word)
    }

    /// Run a `:` line: every REPL command, parsed by the REPL's own parser.
    fn run_command(&mut self, line: &str) -> Vec<Effect> {
        let command = match command::parse(line, None) {
            Err(e) => {
                self.say(e.to_string(), Tone::Error);
                return Vec::new();
            }
            Ok(None) => return Vec::new(),
            Ok(Some(command)) => command,
        };
        match command {
            Command::Holes => {
                self.focus = Pane::Tree;
                let holes = self.snapshot.holes.len();
                self.say(format!("{holes} hole(s): the tree on the left"), Tone::Info);
                Vec::new()
            }
            Command::Show(word) => {
                let Some(name) = self.resolve_function(&word) else {
                    return Vec::new();
                };
                match self.snapshot.tree.iter().position(|r| r.name == name) {
                    Some(row) if row != self.selected => {
                        self.selected = row;
                        self.selection_changed()
                    }
                    _ => Vec::new(),
                }
            }
            Command::Compile(words) if words.is_empty() => self.apply(Action::CompileAll),
            Command::Compile(words) => {
                let mut holes = Vec::new();
                for w in &words {
                    match self.resolve_hole(w) {
                        Some(h) => holes.push(h),
                        None => return Vec::new(),
                    }
                }
                self.compile(Some(holes))
            }
            Command::Run => self.apply(Action::Run),
            Command::Trace {
                call: Some(call), ..
            } => {
                self.say(
                    format!("trace {call}: the screen traces the entry's examples; give one as `trace N`, or add it with `example add`"),
                    Tone::Error,
                );
                Vec::new()
            }
            Command::Trace { example, hole, .. } => {
                if let Some(word) = hole {
                    let Some(name) = self.resolve_hole(&word) else {
                        return Vec::new();
                    };
                    if let Some(row) = self.snapshot.tree.iter().position(|r| r.name == name) {
                        self.selected = row;
                    }
                }
                if let Some(n) = example {
                    let count = self.snapshot.examples_of(self.entry()).len();
                    if n == 0 || n > count {
                        self.say(
                            format!(
                                "trace {n}: the entry `{}` has {count} example(s)",
                                self.entry()
                            ),
                            Tone::Error,
                        );
                        return Vec::new();
                    }
                    self.trace_example = n - 1;
                }
                self.apply(Action::Trace)
            }
            Command::Edit { hole, text } => {
                let Some(hole) = self.resolve_hole(&hole) else {
                    return Vec::new();
                };
                match text {
                    Some(text) => self.repair(RepairOp::EditDescription { hole, text }),
                    None => {
                        self.select(&hole);
                        self.apply(Action::EditDescription)
                    }
                }
            }
            Command::ExampleAdd {
                function,
                example,
                docstring,
            } => {
                let Some(function) = self.resolve_function(&function) else {
                    return Vec::new();
                };
                match example {
                    Some((call, expected)) => self.repair(RepairOp::AddExample {
                        function,
                        call,
                        expected,
                        docstring,
                    }),
                    None => {
                        self.command = Some(format!("example add {function} {function}("));
                        self.say("write the example as CALL => EXPECTED", Tone::Info);
                        Vec::new()
                    }
                }
            }
            Command::ExampleRm { function, n } => match self.resolve_function(&function) {
                Some(function) => self.repair(RepairOp::RemoveExample { function, n }),
                None => Vec::new(),
            },
            Command::ExamplePin {
                hole,
                call,
                expected,
                docstring,
            } => {
                let Some(hole) = self.resolve_hole(&hole) else {
                    return Vec::new();
                };
                let example = self.trace.as_ref().map_or(self.trace_example, |(n, _)| *n) + 1;
                self.repair(RepairOp::Pin {
                    hole,
                    example,
                    call,
                    expected,
                    docstring,
                })
            }
            Command::Resynth { hole, samples } => match self.resolve_hole(&hole) {
                Some(hole) => self.repair(RepairOp::Resynthesize { hole, samples }),
                None => Vec::new(),
            },
            Command::Decompose { hole, how } => {
                let Some(hole) = self.resolve_hole(&hole) else {
                    return Vec::new();
                };
                match how {
                    DecomposeFrom::Editor => {
                        self.select(&hole);
                        self.apply(Action::Decompose)
                    }
                    DecomposeFrom::Suggest => self.repair(RepairOp::Suggest { hole }),
                    DecomposeFrom::Text(text) => self.repair(RepairOp::Decompose { hole, text }),
                    DecomposeFrom::File(path) => match std::fs::read_to_string(&path) {
                        Ok(text) => self.repair(RepairOp::Decompose { hole, text }),
                        Err(e) => {
                            self.say(
                                format!("{}: cannot read it: {e}", path.display()),
                                Tone::Error,
                            );
                            Vec::new()
                        }
                    },
                }
            }
            Command::Questions(_) => {
                // The screen has no question overlay yet; the other front ends have them.
                self.say(
                    "questions are listed and answered outside the screen for now: `anpl questions SKETCH`, or `questions` and `answer N VALUE` in `anpl repl SKETCH`".to_string(),
                    Tone::Error,
                );
                Vec::new()
            }
            Command::Undo => self.apply(Action::Undo),
            Command::Redo => self.apply(Action::Redo),
            Command::History => self.apply(Action::History),
            Command::Diff { hole, versions } => {
                let Some(hole) = self.resolve_hole(&hole) else {
                    return Vec::new();
                };
                let (a, b) = match versions {
                    Some(pair) => pair,
                    None => {
                        let current = self.snapshot.holes.get(&hole).and_then(|h| h.version);
                        match current {
                            Some(c) if c > 1 => (c - 1, c),
                            _ => {
                                self.say(
                                    format!("{hole} has no earlier version to diff with: give two, `diff {hole} A B`"),
                                    Tone::Error,
                                );
                                return Vec::new();
                            }
                        }
                    }
                };
                self.repair(RepairOp::Diff { hole, a, b })
            }
            Command::Use { hole, version } => match self.resolve_hole(&hole) {
                Some(hole) => self.repair(RepairOp::UseVersion { hole, version }),
                None => Vec::new(),
            },
            Command::Export { output, tests } => {
                if let Some(effects) = self.refuse_while_busy() {
                    return effects;
                }
                let generation = self.next_generation();
                let path = output.display().to_string();
                self.operation = Some(Operation {
                    label: format!("export to {path}"),
                    generation,
                    job: None,
                });
                vec![Effect::Export {
                    generation,
                    path,
                    tests: tests.map(|t| t.display().to_string()),
                }]
            }
            Command::Help(_) => self.apply(Action::Help),
            Command::Quit => self.apply(Action::Quit),
        }
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

    fn compile(&mut self, only: Option<Vec<String>>) -> Vec<Effect> {
        if let Some(effects) = self.refuse_while_busy() {
            return effects;
        }
        let generation = self.next_generation();
        let label = match &only {
            Some(holes) => format!("compile {}", holes.join(", ")),
            None => "compile".to_string(),
        };
        self.live.clear();
        self.in_flight.clear();
        self.live_tokens = (0, 0);
        self.message = None;
        self.operation = Some(Operation {
            label,
            generation,
            job: None,
        });
        vec![Effect::Compile { generation, only }]
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

    fn check(&mut self, job: CheckJob) -> Vec<Effect> {
        if let Some(effects) = self.refuse_while_busy() {
            return effects;
        }
        if self.snapshot.examples_of(self.entry()).is_empty() {
            self.say(self.no_examples(), Tone::Error);
            return Vec::new();
        }
        let generation = self.next_generation();
        let label = match &job {
            CheckJob::Trace(n) => format!("trace of example {}", n + 1),
            _ => "run".to_string(),
        };
        self.operation = Some(Operation {
            label,
            generation,
            job: Some(job.clone()),
        });
        vec![Effect::Check { job, generation }]
    }

    fn move_by(&mut self, step: isize) -> Vec<Effect> {
        let shift = |v: usize, max: usize| -> usize {
            (v as isize).saturating_add(step).clamp(0, max as isize) as usize
        };
        match self.focus {
            Pane::Tree => {
                let last = self.snapshot.tree.len().saturating_sub(1);
                let before = self.selected;
                self.selected = shift(self.selected, last);
                if self.selected != before {
                    return self.selection_changed();
                }
            }
            Pane::Code => self.code_scroll = shift(self.code_scroll as usize, 10_000) as u16,
            Pane::Trace => {
                let calls = self.trace_calls().len();
                if calls == 0 {
                    self.trace_scroll = shift(self.trace_scroll as usize, 10_000) as u16;
                } else {
                    self.trace_cursor = shift(self.trace_cursor, calls - 1);
                }
            }
            Pane::Examples => {
                let count = self.selected_examples_len();
                self.example_cursor = shift(self.example_cursor, count.saturating_sub(1));
            }
        }
        Vec::new()
    }

    fn selected_examples_len(&self) -> usize {
        self.selected_name()
            .map_or(0, |n| self.snapshot.examples_of(n).len())
    }

    /// A new row is selected: reset its panes and check a hole's examples in the
    /// background (the newest selection wins; older results are dropped).
    fn selection_changed(&mut self) -> Vec<Effect> {
        self.code_scroll = 0;
        self.trace_scroll = 0;
        self.example_cursor = 0;
        let Some(name) = self.selected_name().map(str::to_string) else {
            return Vec::new();
        };
        let has_code = self
            .snapshot
            .holes
            .get(&name)
            .is_some_and(|h| h.code.is_some());
        if !has_code || self.snapshot.examples_of(&name).is_empty() {
            self.hole_check = None;
            return Vec::new();
        }
        let generation = self.next_generation();
        self.hole_check = Some(HoleCheck {
            hole: name.clone(),
            generation,
            report: None,
        });
        vec![Effect::Check {
            job: CheckJob::Hole(name),
            generation,
        }]
    }

    fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        let Some(panes) = view::layout(Rect::new(0, 0, self.width, self.height)) else {
            return Vec::new();
        };
        let at = Position::new(mouse.column, mouse.row);
        let pane = [
            (Pane::Tree, panes.tree),
            (Pane::Code, panes.code),
            (Pane::Examples, panes.examples),
            (Pane::Trace, panes.trace),
        ]
        .into_iter()
        .find(|(_, r)| r.contains(at))
        .map(|(p, _)| p);
        let Some(pane) = pane else {
            return Vec::new();
        };
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                self.focus = pane;
                if pane == Pane::Tree {
                    let inner_top = panes.tree.y + 1;
                    let height = panes.tree.height.saturating_sub(2) as usize;
                    if mouse.row >= inner_top {
                        let offset = view::tree_offset(self.selected, height);
                        let row = offset + (mouse.row - inner_top) as usize;
                        if row < self.snapshot.tree.len() && row != self.selected {
                            self.selected = row;
                            return self.selection_changed();
                        }
                    }
                }
                Vec::new()
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let step = if mouse.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                let focus = std::mem::replace(&mut self.focus, pane);
                let effects = self.move_by(if pane == Pane::Tree { step / 3 } else { step });
                self.focus = focus;
                effects
            }
            _ => Vec::new(),
        }
    }

    fn on_engine(&mut self, event: Event) {
        match event {
            Event::HoleQueued { hole } => {
                self.live.insert(hole, Live::Queued);
            }
            Event::RequestSent { hole, cached, .. } => {
                if !cached {
                    *self.in_flight.entry(hole.clone()).or_default() += 1;
                }
                self.live.insert(hole, Live::Generating);
            }
            Event::Tokens {
                hole,
                input,
                output,
            } => {
                self.answered(&hole);
                self.live_tokens.0 += input;
                self.live_tokens.1 += output;
            }
            Event::CandidateRejected { hole, .. }
            | Event::CandidateChecked { hole, .. }
            | Event::RepairRound { hole, .. } => {
                self.answered(&hole);
                self.live.insert(hole, Live::Generating);
            }
            Event::HoleFilled { hole, .. } => {
                self.in_flight.remove(&hole);
                self.live.insert(hole, Live::Filled);
            }
            Event::HoleFailed { hole, reason } => {
                self.in_flight.remove(&hole);
                let first = reason.lines().next().unwrap_or("").to_string();
                self.say(format!("{hole}: {first}"), Tone::Error);
                self.live.insert(hole, Live::Failed);
            }
            Event::CombinationSearch { tried, budget } => self.say(
                format!("trying combinations of candidates: {tried} of {budget}"),
                Tone::Info,
            ),
            Event::ProgramChecked { passed, total } => self.say(
                format!("program: {passed} of {total} example(s) pass"),
                if passed == total {
                    Tone::Success
                } else {
                    Tone::Error
                },
            ),
            Event::Message { text } => self.say(text, Tone::Info),
        }
    }

    /// A request for `hole` was answered (the count is a floor at zero: providers that
    /// report no tokens are settled by the candidate that follows).
    fn answered(&mut self, hole: &str) {
        if let Some(n) = self.in_flight.get_mut(hole) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.in_flight.remove(hole);
            }
        }
    }

    fn on_snapshot(&mut self, snapshot: Snapshot) -> Vec<Effect> {
        let keep = self.selected_name().map(str::to_string);
        self.snapshot = Arc::new(snapshot);
        self.live.clear();
        self.live_tokens = (0, 0);
        self.selected = keep
            .and_then(|name| self.snapshot.tree.iter().position(|r| r.name == name))
            .unwrap_or(0)
            .min(self.snapshot.tree.len().saturating_sub(1));
        let count = self.snapshot.examples_of(self.entry()).len();
        if self.trace_example >= count {
            self.trace_example = 0;
        }
        self.selection_changed()
    }

    fn on_checked(&mut self, job: CheckJob, generation: u64, result: Result<CheckReport, String>) {
        if let CheckJob::Hole(hole) = &job {
            if let Some(check) = self.hole_check.as_mut() {
                if check.generation == generation && &check.hole == hole {
                    match result {
                        Ok(report) => check.report = Some(report),
                        Err(e) => self.say(format!("checking {hole}: {e}"), Tone::Error),
                    }
                }
            }
            return;
        }
        if self.operation.as_ref().map(|o| o.generation) != Some(generation) {
            return;
        }
        self.operation = None;
        let report = match result {
            Ok(report) => report,
            Err(e) => {
                self.say(e, Tone::Error);
                return;
            }
        };
        let passed = report.passed_count();
        let total = report.results.len();
        let fatal = report.fatal.clone();
        match job {
            CheckJob::Run => {
                self.trace = report
                    .results
                    .get(self.trace_example)
                    .cloned()
                    .map(|r| (self.trace_example, r));
                self.program = Some(report);
                match fatal {
                    Some(f) => self.say(f, Tone::Error),
                    None => self.say(
                        format!("run: {passed} of {total} example(s) pass"),
                        if passed == total {
                            Tone::Success
                        } else {
                            Tone::Error
                        },
                    ),
                }
            }
            CheckJob::Trace(n) => {
                self.trace = report.results.first().cloned().map(|r| (n, r));
                self.trace_scroll = 0;
                self.trace_cursor = 0;
                let calls = self.trace.as_ref().map_or(0, |(_, r)| r.trace.len());
                match fatal {
                    Some(f) => self.say(f, Tone::Error),
                    None => self.say(
                        format!("traced example {}: {calls} hole call(s)", n + 1),
                        Tone::Info,
                    ),
                }
            }
            CheckJob::Hole(_) => {}
        }
    }
}
