//! Running one parsed command against the engine.
//!
//! Commands that change something are wrapped in one engine history group, so `edit`
//! and the compile it triggers are undone together. Hole arguments are resolved here: an
//! identifier, a unique prefix of one, or the number `holes` shows. Long operations run
//! on the runtime with a Ctrl-C watcher that cancels only them, and their events are
//! printed while they run.

use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::command::{resolve_function, resolve_hole, Command, DecomposeFrom, COMMANDS};
use crate::engine::export::ExportOptions;
use crate::engine::ops::TraceTarget;
use crate::engine::{Backend, Engine, EngineError, Events};
use crate::present;
use crate::session::HoleStatus;

use super::{view, Next, Repl};

pub(super) type Result<T> = std::result::Result<T, String>;

pub(super) fn text(e: EngineError) -> String {
    e.to_string()
}

impl Repl {
    /// A hole by identifier, unique prefix, or number in `holes`.
    fn hole(&self, word: &str) -> Result<String> {
        resolve_hole(&self.engine.sketch, word)
    }

    /// A hole or a sketch function (examples belong to both).
    fn function(&self, word: &str) -> Result<String> {
        resolve_function(&self.engine.sketch, word)
    }

    /// Run `op` on the runtime: Ctrl-C cancels it, its events are printed as they come.
    pub(super) fn block<'a, T, F>(
        &'a mut self,
        op: impl FnOnce(&'a mut Engine, Backend, Events, CancellationToken) -> F,
    ) -> T
    where
        F: Future<Output = T> + 'a,
    {
        let Repl {
            engine,
            backend,
            rt,
            out,
            ..
        } = self;
        let cancel = CancellationToken::new();
        let (sender, mut receiver) = mpsc::unbounded_channel();
        let events = Events::new(sender);
        let out = out.clone();
        let printer = rt.spawn(async move {
            while let Some(event) = receiver.recv().await {
                if let Some(line) = view::event(&event) {
                    if let Ok(mut out) = out.lock() {
                        let _ = writeln!(out, "{line}");
                        let _ = out.flush();
                    }
                }
            }
        });
        let token = cancel.clone();
        let watcher = rt.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                token.cancel();
            }
        });
        let result = rt.block_on(op(engine, backend.clone(), events, cancel));
        watcher.abort();
        let _ = rt.block_on(printer);
        result
    }

    /// Ask for one more line (a prompt on a terminal, the next line of a script).
    fn ask(&mut self, prompt: &str) -> Result<String> {
        match self.input.next(prompt) {
            Next::Line(line) => Ok(line),
            Next::Interrupted | Next::End => Err("cancelled".to_string()),
        }
    }

    /// Let the user write text in `$EDITOR`, starting from `initial`.
    fn editor(&mut self, initial: &str) -> Result<String> {
        let Some(editor) = self
            .options
            .editor
            .clone()
            .filter(|_| self.input.is_terminal())
        else {
            return Err("no editor: set $EDITOR, or give the text on the line (or after `<<END`, ended by a line `END`)".to_string());
        };
        crate::editor::edit_in(&editor, initial)
    }

    /// Compile what needs it (after an edit or a decomposition) and say how it went.
    fn compile_now(&mut self, only: Option<Vec<String>>) -> Result<()> {
        let report = self
            .block(|engine, backend, events, cancel| async move {
                engine
                    .compile(&backend, only.as_deref(), &events, &cancel)
                    .await
            })
            .map_err(text)?;
        let mut out = String::new();
        for h in report
            .holes
            .iter()
            .filter(|h| h.changed || !h.status.is_ok())
        {
            match &h.guess {
                Some(why) => {
                    out.push_str(&format!("{:<32} {} — {why}\n", h.hole, h.status.label()))
                }
                None => out.push_str(&format!("{:<32} {}\n", h.hole, h.status.label())),
            }
        }
        if let Some(p) = &report.program {
            out.push_str(&format!(
                "program: {} of {} example(s) pass\n",
                p.passed_count(),
                p.results.len()
            ));
        }
        if let Some(search) = &report.search {
            let cannot_draw = self.backend.model_name().is_none()
                || matches!(self.backend, crate::engine::Backend::Replay { .. });
            for line in search.lines(cannot_draw) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        let u = &report.usage;
        if u.requests > 0 {
            out.push_str(&u.summary());
            out.push('\n');
        }
        self.say(&out);
        Ok(())
    }

    /// Run one command, wrapping the ones that change something in one undo step.
    pub(super) fn dispatch(&mut self, command: Command) -> Result<()> {
        let changes = matches!(
            command,
            Command::Compile(_)
                | Command::Edit { .. }
                | Command::ExampleAdd { .. }
                | Command::ExampleRm { .. }
                | Command::ExamplePin { .. }
                | Command::Resynth { .. }
                | Command::Decompose { .. }
                | Command::Use { .. }
        );
        // Commands that print a compile's outcome say every status themselves.
        let compiles = matches!(
            command,
            Command::Compile(_) | Command::Edit { .. } | Command::Decompose { .. }
        );
        let before = self.engine.decided_statuses();
        if !changes {
            let shows_status = matches!(command, Command::Holes | Command::Show(_));
            if shows_status {
                // A status is shown only as decided on what the program is now.
                self.refresh_statuses()?;
                self.say_changes(&before);
            }
            let result = self.run_command(command);
            if result.is_ok() && !shows_status {
                // Undo, redo and the like change code or examples too.
                self.refresh_statuses()?;
                self.say_changes(&before);
            }
            return result;
        }
        let (label, hole) = describe(&command, |w| {
            self.function(w).unwrap_or_else(|_| w.to_string())
        });
        self.engine.begin(&label, hole.as_deref());
        let result = self.run_command(command);
        // Statuses are decided again inside the same undo step, so undo restores them too.
        let refreshed = self.refresh_statuses();
        let ended = self.engine.end().map_err(text);
        if !compiles {
            self.say_changes(&before);
        }
        result.and(refreshed).and(ended)
    }

    /// Decide again every status whose evidence changed.
    fn refresh_statuses(&mut self) -> Result<()> {
        self.block(|engine, _, _, _| async move { engine.refresh_statuses().await })
            .map_err(text)
            .map(drop)
    }

    /// One line per hole whose status is not what it was before the command.
    fn say_changes(&self, before: &BTreeMap<String, HoleStatus>) {
        let mut out = String::new();
        for (hole, now) in self.engine.statuses() {
            match before.get(&hole) {
                Some(was) if *was != now => out.push_str(&format!(
                    "{hole} is now {} (was {})\n",
                    now.label(),
                    was.label()
                )),
                _ => {}
            }
        }
        if !out.is_empty() {
            self.say(&out);
        }
    }

    fn run_command(&mut self, command: Command) -> Result<()> {
        match command {
            Command::Holes => {
                let text = view::holes(&self.engine);
                self.say(&text);
            }
            Command::Show(word) => {
                let id = self.hole(&word)?;
                let report = if self.engine.examples_for(&id).is_empty() {
                    None
                } else {
                    Some(
                        self.block(|engine, _, _, _| {
                            let id = id.clone();
                            async move { engine.check_function(&id).await }
                        })
                        .map_err(text)?,
                    )
                };
                let text = view::hole(&self.engine, &id, report.as_ref());
                self.say(&text);
            }
            Command::Compile(words) => {
                let only = if words.is_empty() {
                    None
                } else {
                    Some(
                        words
                            .iter()
                            .map(|w| self.hole(w))
                            .collect::<Result<Vec<_>>>()?,
                    )
                };
                self.compile_now(only)?;
            }
            Command::Run => {
                let report = self
                    .block(|engine, _, _, _| async move { engine.run_examples().await })
                    .map_err(text)?;
                let mut out = present::report_lines(&report);
                out.push_str(&format!(
                    "{} of {} passed\n",
                    report.passed_count(),
                    report.results.len()
                ));
                self.say(&out);
            }
            Command::Trace {
                example,
                call,
                hole,
            } => {
                let only = hole.map(|h| self.hole(&h)).transpose()?;
                let target = match call {
                    Some(c) => TraceTarget::Call(c),
                    None => TraceTarget::Example(example.unwrap_or(1)),
                };
                let report = self
                    .block(|engine, _, _, _| async move { engine.trace(&target).await })
                    .map_err(text)?;
                let mut out = String::new();
                if let Some(trace) = &self.engine.session().last_trace {
                    out.push_str(&format!("{}\n", trace.call));
                }
                if let Some(fatal) = &report.fatal {
                    out.push_str(&format!("  {fatal}\n"));
                }
                if let Some(r) = report.results.first() {
                    out.push_str(&present::trace_lines(&r.trace, only.as_deref()));
                    out.push_str(&present::result_lines(r));
                }
                self.say(&out);
            }
            Command::Edit { hole, text: given } => {
                let id = self.hole(&hole)?;
                let current = self
                    .engine
                    .sketch
                    .hole(&id)
                    .map(|h| h.description.clone())
                    .unwrap_or_default();
                let new = match given {
                    Some(t) => t,
                    None if self.options.editor.is_some() && self.input.is_terminal() => {
                        self.editor(&current)?
                    }
                    None => {
                        self.say(&format!("current: {current}"));
                        self.ask("new description: ")?
                    }
                };
                let new_id = self.engine.edit_description(&id, &new).map_err(text)?;
                if new_id != id {
                    self.say(&format!(
                        "{id} is now {new_id} (inline holes are named by their description)"
                    ));
                } else {
                    self.say(&format!("{id}: description updated"));
                }
                self.compile_now(None)?;
            }
            Command::ExampleAdd {
                function,
                example,
                docstring,
            } => {
                let name = self.function(&function)?;
                let (call, expected) = match example {
                    Some(e) => e,
                    None => (self.ask("call: ")?, self.ask("expected: ")?),
                };
                let n = self
                    .engine
                    .add_example(&name, &call, &expected, docstring)
                    .map_err(text)?;
                self.say(&format!(
                    "{name}: example {n} added{}",
                    if docstring { " to the docstring" } else { "" }
                ));
                self.check_after_example(&name)?;
            }
            Command::ExampleRm { function, n } => {
                let name = self.function(&function)?;
                self.engine.remove_example(&name, n).map_err(text)?;
                self.say(&format!("{name}: example {n} removed"));
            }
            Command::ExamplePin {
                hole,
                call,
                expected,
                docstring,
            } => {
                let id = self.hole(&hole)?;
                let n = self
                    .engine
                    .pin_example(&id, call, expected.as_deref(), docstring)
                    .map_err(text)?;
                self.say(&format!("{id}: call #{call} pinned as example {n}"));
                self.check_after_example(&id)?;
            }
            Command::Resynth { hole, samples } => {
                let id = self.hole(&hole)?;
                let samples = samples.unwrap_or(self.engine.search.samples.max(1));
                let report = self
                    .block(|engine, backend, events, cancel| {
                        let id = id.clone();
                        async move {
                            engine
                                .resynthesize(&backend, &id, samples, &events, &cancel)
                                .await
                        }
                    })
                    .map_err(text)?;
                let line = match (&report.failure, report.replaced) {
                    (_, true) => format!(
                        "{id}: new implementation, {} ({} candidate(s) tried)",
                        report.status.label(),
                        report.tried
                    ),
                    (Some(f), false) => format!(
                        "{id}: no candidate passed ({} tried): {}",
                        report.tried,
                        present::clip(f, 200)
                    ),
                    (None, false) => format!("{id}: unchanged"),
                };
                self.say(&line);
            }
            Command::Decompose { hole, how } => self.decompose(&hole, how)?,
            Command::Undo => {
                let entry = self.engine.undo().map_err(text)?;
                self.say(&format!("undid {}", entry.operation));
            }
            Command::Redo => {
                let entry = self.engine.redo().map_err(text)?;
                self.say(&format!("redid {}", entry.operation));
            }
            Command::History => {
                let text = view::history(&self.engine.history());
                self.say(&text);
            }
            Command::Diff { hole, versions } => {
                let id = self.hole(&hole)?;
                let (a, b) = match versions {
                    Some(v) => v,
                    None => {
                        let versions = self.engine.versions(&id);
                        let current = versions
                            .iter()
                            .find(|v| v.current)
                            .map_or(versions.len(), |v| v.number);
                        if current < 2 {
                            return Err(format!("{id} has no earlier version to compare with"));
                        }
                        (current - 1, current)
                    }
                };
                let diff = self.engine.diff(&id, a, b).map_err(text)?;
                let text = if diff.is_empty() {
                    format!("v{a} and v{b} are the same\n")
                } else {
                    view::diff(&diff, self.options.color)
                };
                self.say(&text);
            }
            Command::Use { hole, version } => {
                let id = self.hole(&hole)?;
                let status = self
                    .block(|engine, _, _, _| {
                        let id = id.clone();
                        async move { engine.use_version(&id, version).await }
                    })
                    .map_err(text)?;
                self.say(&format!("{id}: using v{version}, {}", status.label()));
            }
            Command::Export {
                output,
                tests,
                allow_partial,
                allow_failing,
            } => {
                let options = ExportOptions {
                    output,
                    tests,
                    allow_partial,
                    allow_failing,
                    front: crate::engine::FrontEnd::Repl,
                };
                let report = self
                    .block(|engine, _, _, _| async move { engine.export_files(&options).await })
                    .map_err(text)?;
                let mut out = String::new();
                for line in report.warnings() {
                    out.push_str(&format!("warning: {line}\n"));
                }
                out.push_str(&report.summary());
                self.say(&out);
            }
            Command::Questions(asking) => self.asking(asking)?,
            Command::Help(topic) => self.say(&help(topic.as_deref())?),
            Command::Quit => {}
        }
        Ok(())
    }

    fn check_after_example(&mut self, name: &str) -> Result<()> {
        if self.engine.session().current_code(name).is_none()
            && self.engine.sketch.hole(name).is_some()
        {
            return Ok(());
        }
        let name_owned = name.to_string();
        let report = self
            .block(|engine, _, _, _| async move { engine.check_function(&name_owned).await })
            .map_err(text)?;
        let mut out = format!(
            "{name}: {} of {} example(s) pass with the code in use\n",
            report.passed_count(),
            report.results.len()
        );
        if !report.passed() && self.engine.sketch.hole(name).is_some() {
            out.push_str(&present::report_lines(&report));
            out.push_str(&format!(
                "`resynth {name}` draws new candidates against them\n"
            ));
        }
        self.say(&out);
        Ok(())
    }

    fn decompose(&mut self, hole: &str, how: DecomposeFrom) -> Result<()> {
        let id = self.hole(hole)?;
        let body = match how {
            DecomposeFrom::Text(t) => t,
            DecomposeFrom::File(path) => std::fs::read_to_string(&path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?,
            DecomposeFrom::Editor => {
                let stub = self
                    .engine
                    .sketch
                    .hole(&id)
                    .map(crate::sketch::stub)
                    .unwrap_or_default();
                let initial = format!("{stub}    # Replace this comment by the steps, calling new holes, e.g.\n    # parts = \"split the input into ...\"(x)\n");
                self.editor(&initial)?
            }
            DecomposeFrom::Suggest => {
                let suggestion = self
                    .block(|engine, backend, events, cancel| {
                        let id = id.clone();
                        async move {
                            engine
                                .suggest_decomposition(&backend, &id, &events, &cancel)
                                .await
                        }
                    })
                    .map_err(text)?;
                let before = self.engine.sketch.file_text(&self.engine.sketch.source);
                let after = self
                    .engine
                    .decomposed_source(&id, &suggestion)
                    .map_err(text)?;
                let diff = similar::TextDiff::from_lines(&before, &after)
                    .unified_diff()
                    .header(
                        &self.engine.sketch.file,
                        &format!("{} (suggested)", self.engine.sketch.file),
                    )
                    .to_string();
                self.say(&view::diff(&diff, self.options.color));
                let answer = self.ask("accept, edit or reject? [a/e/r] ")?;
                match answer.trim() {
                    "a" | "accept" | "y" | "yes" => suggestion,
                    "e" | "edit" => self.editor(&suggestion)?,
                    _ => {
                        self.say("rejected; nothing changed");
                        return Ok(());
                    }
                }
            }
        };
        let done = self.engine.decompose(&id, &body).map_err(text)?;
        self.say(&format!(
            "{id} is now the function {} with {} new hole(s): {}",
            done.function,
            done.new_holes.len(),
            done.new_holes.join(", ")
        ));
        self.compile_now(None)
    }
}

/// A short label for the history: the command and its first argument.
fn describe(command: &Command, resolve: impl Fn(&str) -> String) -> (String, Option<String>) {
    let (name, hole) = match command {
        Command::Compile(h) => ("compile", h.first().cloned()),
        Command::Edit { hole, .. } => ("edit", Some(hole.clone())),
        Command::ExampleAdd { function, .. } => ("example add", Some(function.clone())),
        Command::ExampleRm { function, .. } => ("example rm", Some(function.clone())),
        Command::ExamplePin { hole, .. } => ("example pin", Some(hole.clone())),
        Command::Resynth { hole, .. } => ("resynth", Some(hole.clone())),
        Command::Decompose { hole, .. } => ("decompose", Some(hole.clone())),
        Command::Use { hole, version } => {
            let hole = resolve(hole);
            return (format!("use {hole} v{version}"), Some(hole));
        }
        _ => ("command", None),
    };
    let hole = hole.map(|h| resolve(&h));
    match &hole {
        Some(h) => (format!("{name} {h}"), hole),
        None => (name.to_string(), None),
    }
}

fn help(topic: Option<&str>) -> Result<String> {
    match topic {
        None => {
            let mut out = String::from(
                "HOLE is a hole's identifier, a unique prefix of it, or its number in `holes`.\n",
            );
            for (_, synopsis, what) in COMMANDS {
                out.push_str(&format!("  {synopsis}\n      {what}\n"));
            }
            out.push_str(
                "Multi-line text: end a line with <<END, then the lines, then a line END.\n",
            );
            Ok(out)
        }
        Some(name) => COMMANDS
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, synopsis, what)| format!("{synopsis}\n  {what}\n"))
            .ok_or_else(|| format!("no command `{name}`; `help` lists them")),
    }
}
