//! The line REPL (`anpl repl SKETCH`): the engine's repair operations as commands.
//!
//! A second front end beside the TUI over the same engine API. The loop reads a line (with
//! rustyline on a terminal: history kept per session, tab completion of commands and hole
//! names; plain lines when stdin is a pipe, so sessions can be scripted), reconciles the
//! sketch file if it was edited elsewhere, parses the line into a [`crate::command::Command`] and
//! runs it in `dispatch.rs`. Long operations run on the tokio runtime with engine events
//! printed as they come; Ctrl-C cancels the operation, not the REPL. Every command that
//! changes something is one undo step and is saved when it completes, so Ctrl-D, a crash
//! or a kill loses nothing. Output goes to the writer the caller gives (the CLI passes
//! stdout); this module never prints on its own.

pub mod complete;
mod dispatch;
mod questions;
pub mod view;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::Editor;
use tokio::runtime::Runtime;

use crate::command::{heredoc_tag, parse, strip_heredoc, Command};
use crate::engine::{Backend, Engine};

use complete::{Names, ReplHelper};

/// Where output goes: shared with the task that prints engine events.
pub type Out = Arc<Mutex<Box<dyn Write + Send>>>;

/// Choices made once, at the edge, from flags and the environment.
#[derive(Debug, Clone, Default)]
pub struct ReplOptions {
    /// Stop at the first command that fails (scripts).
    pub strict: bool,
    /// Colour diffs.
    pub color: bool,
    /// The user's editor command (`$EDITOR`), for multi-line input on a terminal.
    pub editor: Option<String>,
    /// Where the line editor keeps its history.
    pub history_file: Option<PathBuf>,
}

/// What the session came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplSummary {
    /// Commands that failed.
    pub errors: usize,
    /// Whether `--strict` stopped the script at an error.
    pub stopped: bool,
}

/// Where commands come from.
pub enum Input {
    Terminal(Box<Editor<ReplHelper, DefaultHistory>>),
    Lines {
        reader: Box<dyn BufRead>,
        line: usize,
    },
}

enum Next {
    Line(String),
    /// Ctrl-C at the prompt: drop the line, keep going.
    Interrupted,
    End,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplError {
    #[error("cannot start the line editor: {0}")]
    Editor(String),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}

impl Input {
    /// The line editor on a terminal, completing from `names`.
    pub fn terminal(names: Names, history: Option<&PathBuf>) -> Result<Input, ReplError> {
        let mut editor: Editor<ReplHelper, DefaultHistory> =
            Editor::new().map_err(|e| ReplError::Editor(e.to_string()))?;
        editor.set_helper(Some(ReplHelper { names }));
        if let Some(path) = history {
            // No history yet is normal on a first run.
            let _ = editor.load_history(path);
        }
        Ok(Input::Terminal(Box::new(editor)))
    }

    /// Lines from a script or a pipe.
    pub fn lines(reader: Box<dyn BufRead>) -> Input {
        Input::Lines { reader, line: 0 }
    }

    fn is_terminal(&self) -> bool {
        matches!(self, Input::Terminal(_))
    }

    /// The script line last read (0 on a terminal).
    fn line_number(&self) -> usize {
        match self {
            Input::Terminal(_) => 0,
            Input::Lines { line, .. } => *line,
        }
    }

    fn next(&mut self, prompt: &str) -> Next {
        match self {
            Input::Terminal(editor) => match editor.readline(prompt) {
                Ok(line) => {
                    if !line.trim().is_empty() {
                        let _ = editor.add_history_entry(line.as_str());
                    }
                    Next::Line(line)
                }
                Err(ReadlineError::Interrupted) => Next::Interrupted,
                Err(_) => Next::End,
            },
            Input::Lines { reader, line } => {
                let mut text = String::new();
                match reader.read_line(&mut text) {
                    Ok(0) | Err(_) => Next::End,
                    Ok(_) => {
                        *line += 1;
                        Next::Line(text.trim_end_matches(['\n', '\r']).to_string())
                    }
                }
            }
        }
    }

    fn save_history(&mut self, path: Option<&PathBuf>) {
        if let (Input::Terminal(editor), Some(path)) = (self, path) {
            let _ = editor.save_history(path);
        }
    }
}

/// The REPL over one open engine.
pub struct Repl {
    engine: Engine,
    backend: Backend,
    rt: Runtime,
    out: Out,
    options: ReplOptions,
    names: Names,
    input: Input,
    /// The questions `questions` listed last, numbered from 1 for `answer` and `skip`.
    asked: Vec<crate::engine::questions::Question>,
}

impl Repl {
    pub fn new(
        engine: Engine,
        backend: Backend,
        rt: Runtime,
        input: Input,
        names: Names,
        out: Out,
        options: ReplOptions,
    ) -> Repl {
        let repl = Repl {
            engine,
            backend,
            rt,
            out,
            options,
            names,
            input,
            asked: Vec::new(),
        };
        repl.refresh_names();
        repl
    }

    /// The names completion offers: hole ids and function names.
    pub fn completion_names(engine: &Engine) -> Vec<String> {
        let mut names: Vec<String> = engine.sketch.holes.iter().map(|h| h.id.clone()).collect();
        names.extend(engine.sketch.functions.iter().map(|f| f.name.clone()));
        names
    }

    fn refresh_names(&self) {
        if let Ok(mut names) = self.names.lock() {
            *names = Repl::completion_names(&self.engine);
        }
    }

    fn say(&self, text: &str) {
        if let Ok(mut out) = self.out.lock() {
            let _ = out.write_all(text.as_bytes());
            if !text.is_empty() && !text.ends_with('\n') {
                let _ = out.write_all(b"\n");
            }
            let _ = out.flush();
        }
    }

    fn report_error(&mut self, message: &str) {
        let line = self.input.line_number();
        if line > 0 {
            self.say(&format!("error: line {line}: {message}"));
        } else {
            self.say(&format!("error: {message}"));
        }
    }

    /// Read and run commands until `quit`, the end of input, or (with `--strict`) an error.
    pub fn run(mut self) -> ReplSummary {
        let mut summary = ReplSummary::default();
        if self.input.is_terminal() {
            self.say(&format!(
                "anpl repl: {} ({} hole(s)), model {}, session {}. `help` lists the commands.",
                self.engine.sketch.file,
                self.engine.sketch.holes.len(),
                self.backend.describe(),
                self.engine.session_path().display()
            ));
        }
        loop {
            let line = match self.input.next("anpl> ") {
                Next::Line(line) => line,
                Next::Interrupted => continue,
                Next::End => break,
            };
            let opened_at = self.input.line_number();
            let body = match heredoc_tag(&line) {
                Some(tag) => match self.read_heredoc(tag) {
                    Some(body) => Some(body),
                    None => {
                        summary.errors += 1;
                        self.say(&format!(
                            "error: line {opened_at}: the input ended before the closing `{tag}`"
                        ));
                        break;
                    }
                },
                None => None,
            };
            let outcome = self.step(strip_heredoc(&line), body);
            match outcome {
                Ok(true) => {}
                Ok(false) => break,
                Err(message) => {
                    summary.errors += 1;
                    self.report_error(&message);
                    if self.options.strict {
                        summary.stopped = true;
                        break;
                    }
                }
            }
        }
        let history = self.options.history_file.clone();
        self.input.save_history(history.as_ref());
        if let Err(e) = self.engine.save() {
            summary.errors += 1;
            self.say(&format!("error: {e}"));
        }
        summary
    }

    /// The lines after a `<<TAG` line, up to one holding just the tag.
    fn read_heredoc(&mut self, tag: &str) -> Option<String> {
        let mut body = String::new();
        loop {
            match self.input.next("... ") {
                Next::Line(line) if line.trim() == tag => return Some(body),
                Next::Line(line) => {
                    body.push_str(&line);
                    body.push('\n');
                }
                Next::Interrupted | Next::End => return None,
            }
        }
    }

    /// Run one line. `Ok(false)` to leave.
    fn step(&mut self, line: &str, body: Option<String>) -> Result<bool, String> {
        let command = match parse(line, body) {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(true),
            Err(e) => return Err(e.to_string()),
        };
        if command == Command::Quit {
            return Ok(false);
        }
        // The user may have edited the sketch in another editor since the last command.
        match self.engine.reload() {
            Ok(Some(r)) => {
                let mut note = format!("{} changed on disk; reloaded", self.engine.sketch.file);
                for (what, list) in [("new", &r.added), ("gone", &r.removed), ("stale", &r.stale)] {
                    if !list.is_empty() {
                        note.push_str(&format!("; {what}: {}", list.join(", ")));
                    }
                }
                self.say(&note);
            }
            Ok(None) => {}
            Err(e) => return Err(format!("{e}\n(fix the sketch file and try again)")),
        }
        let result = self.dispatch(command);
        self.refresh_names();
        result.map(|()| true)
    }
}
