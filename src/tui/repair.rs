//! The repair operations as the UI sees them: [`RepairOp`] is what the driver asks the
//! engine to do (edit, examples, resynthesize, decompose, undo/redo, use a version; list,
//! answer or skip questions), the in-TUI multi-line [`Editor`] that descriptions and
//! sub-sketches are written in, and the [`Review`] a diff is shown in before it is accepted
//! (a suggested decomposition) or just read (two versions of a hole). All of it is plain data updated by keys, so the app's
//! tests drive it without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use similar::TextDiff;

use super::questions::AskOp;

/// One engine operation that changes the sketch or the session (or, for `Diff` and
/// `Suggest`, reads them for a review). The driver runs it in the engine task after
/// reloading the sketch if the file changed on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepairOp {
    EditDescription {
        hole: String,
        text: String,
    },
    AddExample {
        function: String,
        call: String,
        expected: String,
        docstring: bool,
    },
    /// `n` counts from 1, as the examples table numbers them.
    RemoveExample {
        function: String,
        n: usize,
    },
    /// Trace entry example `example` (from 1) and take call `call` as an example of `hole`.
    Pin {
        hole: String,
        example: usize,
        call: usize,
        expected: Option<String>,
        docstring: bool,
    },
    Resynthesize {
        hole: String,
        samples: Option<u32>,
    },
    Decompose {
        hole: String,
        text: String,
    },
    /// Ask the model for a decomposition and show it as a diff to accept or reject.
    Suggest {
        hole: String,
    },
    Undo,
    Redo,
    /// Show the diff between two versions (from 1) of a hole's implementation.
    Diff {
        hole: String,
        a: usize,
        b: usize,
    },
    UseVersion {
        hole: String,
        version: usize,
    },
    /// List, answer or skip questions (`tui::questions`).
    Ask(AskOp),
}

impl RepairOp {
    /// What the status line calls it while it runs.
    pub fn label(&self) -> String {
        match self {
            RepairOp::EditDescription { hole, .. } => format!("edit {hole}"),
            RepairOp::AddExample { function, .. } => format!("example add {function}"),
            RepairOp::RemoveExample { function, n } => format!("example rm {function} {n}"),
            RepairOp::Pin { hole, call, .. } => format!("example pin {hole} #{call}"),
            RepairOp::Resynthesize { hole, .. } => format!("resynth {hole}"),
            RepairOp::Decompose { hole, .. } => format!("decompose {hole}"),
            RepairOp::Suggest { hole } => format!("decompose {hole} --suggest"),
            RepairOp::Undo => "undo".into(),
            RepairOp::Redo => "redo".into(),
            RepairOp::Diff { hole, a, b } => format!("diff {hole} {a} {b}"),
            RepairOp::UseVersion { hole, version } => format!("use {hole} {version}"),
            RepairOp::Ask(op) => op.label(),
        }
    }

    /// Whether it asks the model (and so needs a backend and can be cancelled).
    pub fn needs_model(&self) -> bool {
        matches!(
            self,
            RepairOp::Resynthesize { .. } | RepairOp::Suggest { .. }
        )
    }
}

/// What the editor's text is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditPurpose {
    Description(String),
    Decompose(String),
}

impl EditPurpose {
    pub fn title(&self) -> String {
        match self {
            EditPurpose::Description(hole) => format!("description of {hole}"),
            EditPurpose::Decompose(hole) => format!("decompose {hole}: its new body"),
        }
    }

    /// The operation that applies the finished text.
    pub fn op(&self, text: String) -> RepairOp {
        match self {
            EditPurpose::Description(hole) => RepairOp::EditDescription {
                hole: hole.clone(),
                text,
            },
            EditPurpose::Decompose(hole) => RepairOp::Decompose {
                hole: hole.clone(),
                text,
            },
        }
    }
}

/// What a key did to the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorOutcome {
    Continue,
    /// Ctrl-S: apply the text.
    Submit(String),
    /// Esc: drop it.
    Cancel,
    /// Ctrl-E: continue in `$EDITOR` with this text.
    External(String),
}

/// A small multi-line editor: arrows, Home/End, Enter, Backspace/Delete, Tab as four spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub purpose: EditPurpose,
    pub lines: Vec<String>,
    /// Cursor line and column (in characters).
    pub row: usize,
    pub col: usize,
}

fn byte_at(line: &str, col: usize) -> usize {
    line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
}

impl Editor {
    pub fn new(purpose: EditPurpose, text: &str) -> Editor {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        let row = lines.len() - 1;
        let col = lines[row].chars().count();
        Editor {
            purpose,
            lines,
            row,
            col,
        }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    fn len(&self, row: usize) -> usize {
        self.lines.get(row).map_or(0, |l| l.chars().count())
    }

    fn insert(&mut self, c: char) {
        let line = &mut self.lines[self.row];
        let at = byte_at(line, self.col);
        line.insert(at, c);
        self.col += 1;
    }

    pub fn key(&mut self, key: KeyEvent) -> EditorOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return EditorOutcome::Cancel,
            KeyCode::Char('s') if ctrl => return EditorOutcome::Submit(self.text()),
            KeyCode::Char('e') if ctrl => return EditorOutcome::External(self.text()),
            KeyCode::Char(_) if ctrl => {}
            KeyCode::Char(c) => self.insert(c),
            KeyCode::Tab => (0..4).for_each(|_| self.insert(' ')),
            KeyCode::Enter => {
                let line = &mut self.lines[self.row];
                let at = byte_at(line, self.col);
                let rest = line.split_off(at);
                self.lines.insert(self.row + 1, rest);
                self.row += 1;
                self.col = 0;
            }
            KeyCode::Backspace => {
                if self.col > 0 {
                    let line = &mut self.lines[self.row];
                    let at = byte_at(line, self.col - 1);
                    line.remove(at);
                    self.col -= 1;
                } else if self.row > 0 {
                    let line = self.lines.remove(self.row);
                    self.row -= 1;
                    self.col = self.len(self.row);
                    self.lines[self.row].push_str(&line);
                }
            }
            KeyCode::Delete => {
                if self.col < self.len(self.row) {
                    let line = &mut self.lines[self.row];
                    let at = byte_at(line, self.col);
                    line.remove(at);
                } else if self.row + 1 < self.lines.len() {
                    let next = self.lines.remove(self.row + 1);
                    self.lines[self.row].push_str(&next);
                }
            }
            KeyCode::Left if self.col > 0 => self.col -= 1,
            KeyCode::Left if self.row > 0 => {
                self.row -= 1;
                self.col = self.len(self.row);
            }
            KeyCode::Right if self.col < self.len(self.row) => self.col += 1,
            KeyCode::Right if self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = 0;
            }
            KeyCode::Up if self.row > 0 => {
                self.row -= 1;
                self.col = self.col.min(self.len(self.row));
            }
            KeyCode::Down if self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = self.col.min(self.len(self.row));
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.len(self.row),
            _ => {}
        }
        EditorOutcome::Continue
    }
}

/// A diff shown in an overlay; with `accept`, `y` runs it and `n` drops it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub title: String,
    pub diff: String,
    pub accept: Option<RepairOp>,
    pub scroll: u16,
}

/// A unified diff of two texts, three lines of context, headed by their names.
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn press(editor: &mut Editor, code: KeyCode) -> EditorOutcome {
        editor.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn editor_types_joins_and_splits_lines() {
        let mut e = Editor::new(EditPurpose::Description("f".into()), "ab\ncd");
        assert_eq!((e.row, e.col), (1, 2));
        press(&mut e, KeyCode::Home);
        press(&mut e, KeyCode::Backspace);
        assert_eq!(e.text(), "abcd");
        press(&mut e, KeyCode::Enter);
        press(&mut e, KeyCode::Char('é'));
        assert_eq!(e.text(), "ab\nécd");
        press(&mut e, KeyCode::Up);
        press(&mut e, KeyCode::End);
        press(&mut e, KeyCode::Delete);
        assert_eq!(e.text(), "abécd");
        assert_eq!(
            e.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            EditorOutcome::Submit("abécd".into())
        );
        assert_eq!(press(&mut e, KeyCode::Esc), EditorOutcome::Cancel);
    }

    #[test]
    fn purposes_become_their_operations() {
        let p = EditPurpose::Decompose("h".into());
        assert_eq!(
            p.op("x".into()),
            RepairOp::Decompose {
                hole: "h".into(),
                text: "x".into()
            }
        );
    }

    #[test]
    fn diff_marks_changed_lines() {
        let d = unified_diff("a\nb\n", "a\nc\n", "v1", "v2");
        assert!(d.contains("--- v1\n+++ v2\n"), "{d}");
        assert!(d.contains("-b\n+c\n"), "{d}");
    }
}
