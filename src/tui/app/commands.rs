//! The `:` line: every command of the shared command language ([`crate::command`]),
//! parsed by the same parser as the REPL's and carried out as the matching action or
//! repair operation. Holes are named as in the REPL (identifier, prefix or number).

use super::{App, Operation, Pane, Tone};
use crate::command::{self, resolve_function, resolve_hole, Command, DecomposeFrom};
use crate::tui::event::Effect;
use crate::tui::keymap::Action;
use crate::tui::repair::RepairOp;

impl App {
    /// A hole named as the REPL names them (identifier, unique prefix, number); an
    /// unknown one is said on the bottom line.
    pub(super) fn resolve_hole(&mut self, word: &str) -> Option<String> {
        match resolve_hole(&self.snapshot.sketch, word) {
            Ok(hole) => Some(hole),
            Err(e) => {
                self.say(e, Tone::Error);
                None
            }
        }
    }

    /// A function or hole that can have examples.
    pub(super) fn resolve_function(&mut self, word: &str) -> Option<String> {
        match resolve_function(&self.snapshot.sketch, word) {
            Ok(name) => Some(name),
            Err(e) => {
                self.say(e, Tone::Error);
                None
            }
        }
    }

    /// Run a `:` line: every command of the language the REPL speaks, parsed by the same parser.
    pub(super) fn run_command(&mut self, line: &str) -> Vec<Effect> {
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
            Command::Export {
                output,
                tests,
                allow_partial,
                allow_failing,
            } => {
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
                    allow_partial,
                    allow_failing,
                }]
            }
            Command::Questions(asking) => self.asking_command(asking),
            Command::Help(_) => self.apply(Action::Help),
            Command::Quit => self.apply(Action::Quit),
        }
    }
}
