//! The command language shared by the REPL and the TUI's `:` line: one line in, one
//! [`Command`] out, and hole names resolved against the sketch.
//!
//! It sits below both front ends (each imports it; neither imports the other) and above
//! the sketch. Parsing is separate from running so every command's syntax is tested
//! without an engine, and so completion, `help` and the TUI's help overlay read the same
//! table ([`COMMANDS`]). A new command is a variant, a row of the table and an arm of
//! [`parse`]; each front end then decides how to run it. Text arguments (a description,
//! an example, a body) take the rest of the line; `<<TAG` at the end of a line asks for
//! the following lines up to one holding just `TAG` (the REPL collects them before calling
//! [`parse`]), which is how scripts write multi-line descriptions and bodies.

mod parse;
mod resolve;

use std::path::PathBuf;

pub use parse::{heredoc_tag, parse, strip_heredoc, ParseError};
pub use resolve::{resolve_function, resolve_hole};

/// One command, with its arguments still as the user wrote them (hole names are
/// resolved against the sketch when the command runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Holes,
    Show(String),
    Compile(Vec<String>),
    Run,
    Trace {
        example: Option<usize>,
        call: Option<String>,
        hole: Option<String>,
    },
    /// `text` None: ask for it (inline, or `$EDITOR`).
    Edit {
        hole: String,
        text: Option<String>,
    },
    ExampleAdd {
        function: String,
        /// `CALL => EXPECTED`, None: ask for both.
        example: Option<(String, String)>,
        docstring: bool,
    },
    ExampleRm {
        function: String,
        n: usize,
    },
    ExamplePin {
        hole: String,
        call: usize,
        expected: Option<String>,
        docstring: bool,
    },
    Resynth {
        hole: String,
        samples: Option<u32>,
    },
    Decompose {
        hole: String,
        how: DecomposeFrom,
    },
    Undo,
    Redo,
    History,
    Questions(Asking),
    Diff {
        hole: String,
        versions: Option<(usize, usize)>,
    },
    Use {
        hole: String,
        version: usize,
    },
    Export {
        output: PathBuf,
        tests: Option<PathBuf>,
        /// Export with unfilled holes.
        allow_partial: bool,
        /// Export even when some tests fail.
        allow_failing: bool,
    },
    Help(Option<String>),
    Quit,
}

/// Where a decomposition's body comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecomposeFrom {
    /// `$EDITOR` on the hole's stub.
    Editor,
    File(PathBuf),
    /// Written on the following lines (`decompose HOLE <<END`).
    Text(String),
    /// Asked of the model, shown as a diff to accept, edit or reject.
    Suggest,
}

/// The question commands (`engine::questions`), numbered as `questions` lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asking {
    List,
    /// `docstring`: the answer goes into the hole's docstring as a doctest.
    Answer {
        n: usize,
        value: String,
        docstring: bool,
    },
    Skip(usize),
}

/// Every command with its synopsis and what it does: `help` prints this, completion
/// offers the names.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("holes", "holes", "the hole tree, numbered, with each hole's status"),
    ("show", "show HOLE", "a hole's description, examples (pass/fail), implementation and versions"),
    ("compile", "compile [HOLE...]", "fill the holes that need it (or just these, anew); Ctrl-C cancels"),
    ("run", "run", "run the program on every example of its entry"),
    ("trace", "trace [N | CALL] [HOLE]", "run example N (or a call) and show every hole call, numbered for `example pin`"),
    ("edit", "edit HOLE [TEXT | <<END]", "reword a hole (no text: $EDITOR or a prompt); it and its dependants are compiled again"),
    ("example", "example add NAME [CALL => EXPECTED] [--doc] | example rm NAME N | example pin HOLE #CALL [EXPECTED] [--doc]", "add an example (--doc: as a doctest in the docstring), remove one, or take a call from the last trace with a corrected value"),
    ("resynth", "resynth HOLE [--samples N]", "draw fresh samples until the hole's examples pass, then repair"),
    ("decompose", "decompose HOLE [--from FILE | --suggest | <<END]", "replace a hole by a body that calls new holes ($EDITOR without an option); --suggest asks the model"),
    ("questions", "questions", "open questions: calls where the implementations that pass a hole's examples disagree, numbered"),
    ("answer", "answer N VALUE [--doc]", "answer question N with a Python value: it becomes an example (--doc: as a doctest in the docstring), disagreeing candidates are dropped"),
    ("skip", "skip N", "do not ask question N again while its candidates stay the same"),
    ("undo", "undo", "undo the last command that changed the sketch or the session"),
    ("redo", "redo", "redo what undo undid"),
    ("history", "history", "every command recorded for undo, oldest first"),
    ("diff", "diff HOLE [A B]", "diff two versions of a hole's implementation (default: previous and current)"),
    ("use", "use HOLE VERSION", "go back (or forward) to another version of a hole's implementation"),
    ("export", "export -o FILE [--tests FILE] [--allow-partial] [--allow-failing]", "write the finished program as plain Python, and a pytest file (default test_<name>.py beside it)"),
    ("help", "help [COMMAND]", "this list, or one command"),
    ("quit", "quit", "leave (everything is saved already; Ctrl-D too)"),
];
