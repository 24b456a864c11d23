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

use super::command::{self, Command};
use super::event::{AppEvent, CheckJob, Effect};
use super::keymap::{Action, KeyMap};
use super::snapshot::Snapshot;
use super::theme::Theme;
use super::view;
use crate::engine::check::{CheckReport, ExampleResult};
use crate::engine::Event;

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
            AppEvent::Terminate => {
                self.quit = true;
                vec![Effect::Cancel, Effect::Quit]
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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
            Some(Overlay::Help) => {
                if matches!(
                    key.code,
                    KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q')
                ) {
                    self.overlay = None;
                }
                return Vec::new();
            }
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
        }
    }

    fn run_command(&mut self, line: &str) -> Vec<Effect> {
        match command::parse(line) {
            Err(message) => {
                self.say(message, Tone::Error);
                Vec::new()
            }
            Ok(Command::Compile(holes)) if holes.is_empty() => self.apply(Action::CompileAll),
            Ok(Command::Compile(holes)) => {
                if let Some(bad) = holes.iter().find(|h| !self.snapshot.holes.contains_key(*h)) {
                    self.say(format!("no hole named `{bad}`"), Tone::Error);
                    return Vec::new();
                }
                self.compile(Some(holes))
            }
            Ok(Command::Run) => self.apply(Action::Run),
            Ok(Command::Trace(None)) => self.apply(Action::Trace),
            Ok(Command::Trace(Some(n))) => {
                let count = self.snapshot.examples_of(self.entry()).len();
                if n > count {
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
                self.apply(Action::Trace)
            }
            Ok(Command::Export(path)) => {
                if let Some(effects) = self.refuse_while_busy() {
                    return effects;
                }
                let generation = self.next_generation();
                self.operation = Some(Operation {
                    label: format!("export to {path}"),
                    generation,
                    job: None,
                });
                vec![Effect::Export { generation, path }]
            }
            Ok(Command::Help) => self.apply(Action::Help),
            Ok(Command::Quit) => self.apply(Action::Quit),
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
        format!(
            "the entry `{}` has no examples: add a doctest (>>> {}(...) and the expected value) or pass --examples FILE",
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
            Pane::Trace => self.trace_scroll = shift(self.trace_scroll as usize, 10_000) as u16,
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
