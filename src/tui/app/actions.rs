//! Carrying out one [`Action`] (from a key, the mouse or a `:` command): moving the
//! selection and scrolling, and starting the background work a user asks for (compile,
//! run, trace, a repair operation), one at a time, each under a new generation.

use super::{App, HoleCheck, Live, Operation, Overlay, Pane, Tone};
use crate::tui::event::{CheckJob, Effect};
use crate::tui::keymap::Action;
use crate::tui::repair::{EditPurpose, Editor, RepairOp};

/// Columns one sideways scroll of the code pane moves.
const HSCROLL_STEP: u16 = 8;

impl App {
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
            Action::ScrollLeft => {
                self.code_hscroll = self.code_hscroll.saturating_sub(HSCROLL_STEP);
                Vec::new()
            }
            Action::ScrollRight => {
                let room = self.code_overflow().min(u16::MAX as usize) as u16;
                self.code_hscroll = (self.code_hscroll + HSCROLL_STEP).min(room);
                Vec::new()
            }
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
            Action::Questions => self.show_questions(),
        }
    }

    /// What the decomposition editor starts with: the hole's stub (as the REPL offers it)
    /// with a hint to replace by the steps, calling new holes.
    pub(super) fn decompose_stub(&self, hole: &str) -> String {
        let stub = self
            .snapshot
            .sketch
            .hole(hole)
            .map(crate::sketch::stub)
            .unwrap_or_default();
        format!("{stub}    # Replace this comment by the steps, calling new holes, e.g.\n    # parts = \"split the input into ...\"(x)\n")
    }

    /// Start a repair operation in the engine task.
    pub fn repair(&mut self, op: RepairOp) -> Vec<Effect> {
        if let Some(effects) = self.refuse_while_busy() {
            return effects;
        }
        let generation = self.start_operation(op.label(), op.needs_model());
        vec![Effect::Repair { generation, op }]
    }

    /// A new operation labelled `label` is running, the last message cleared; one that
    /// asks the model starts its progress (live answers, requests, tokens) from nothing.
    fn start_operation(&mut self, label: String, asks_model: bool) -> u64 {
        let generation = self.next_generation();
        if asks_model {
            self.live.clear();
            self.in_flight.clear();
            self.live_tokens = (0, 0);
            self.receiving.clear();
        }
        self.message = None;
        self.operation = Some(Operation {
            label,
            generation,
            job: None,
        });
        generation
    }

    pub(super) fn compile(&mut self, only: Option<Vec<String>>) -> Vec<Effect> {
        if let Some(effects) = self.refuse_while_busy() {
            return effects;
        }
        let label = match &only {
            Some(holes) => format!("compile {}", holes.join(", ")),
            None => "compile".to_string(),
        };
        let generation = self.start_operation(label, true);
        vec![Effect::Compile { generation, only }]
    }

    pub(super) fn check(&mut self, job: CheckJob) -> Vec<Effect> {
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

    pub(super) fn move_by(&mut self, step: isize) -> Vec<Effect> {
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

    pub(super) fn selected_examples_len(&self) -> usize {
        self.selected_name()
            .map_or(0, |n| self.snapshot.examples_of(n).len())
    }

    /// A new row is selected: reset its panes and check its examples.
    pub(super) fn selection_changed(&mut self) -> Vec<Effect> {
        self.code_scroll = 0;
        self.code_hscroll = 0;
        self.trace_scroll = 0;
        self.example_cursor = 0;
        self.check_selection()
    }

    /// Check the selected row's examples in the background (the newest check wins; older
    /// results are dropped): a hole's against its code, a function's with every hole in
    /// use. Nothing to run (no examples, an empty hole, a program with no hole filled yet)
    /// leaves the marks unchecked. The entry's last run stands while it is current.
    pub(super) fn check_selection(&mut self) -> Vec<Effect> {
        let Some(name) = self.selected_name().map(str::to_string) else {
            return Vec::new();
        };
        let runnable = match self.snapshot.holes.get(&name) {
            Some(hole) => hole.code.is_some(),
            None => !self.snapshot.implementations.is_empty() || self.snapshot.holes.is_empty(),
        };
        let ran = name == self.entry() && self.program.is_some();
        if !runnable || ran || self.snapshot.examples_of(&name).is_empty() {
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
            job: CheckJob::Examples(name),
            generation,
        }]
    }
}
