//! The question overlay: the open questions as the engine last computed them, one shown at
//! a time with its answers to choose from (or another typed as Python source), and the
//! `:questions`, `:answer N VALUE` and `:skip N` commands, numbered as the list is.
//!
//! Listing, answering and skipping are engine operations (`tui::questions`), run one at a
//! time like every repair; what they changed comes back as an [`Asked`] just before the
//! snapshot that ends them. A compile lists the questions too, and its message points to
//! them. A snapshot that changes the implementations or the examples, from any other
//! operation, makes the list out of date, so it is dropped rather than shown wrong.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Overlay, Tone};
use crate::command::Asking;
use crate::engine::questions::Question;
use crate::tui::event::Effect;
use crate::tui::keymap::Action;
use crate::tui::questions::{AskOp, Asked};
use crate::tui::repair::RepairOp;

#[derive(Debug, Clone, Default)]
pub struct Questions {
    /// The open questions, numbered from 1 as `:answer N` counts them.
    pub list: Vec<Question>,
    /// The question the overlay shows (index into `list`).
    pub current: usize,
    /// The row under the cursor: an answer, or the last row, "type another answer…".
    pub choice: usize,
    /// The answer being typed (Python source), while the one-line input is open. Kept
    /// until the engine takes it, so a mistake is corrected rather than typed again.
    pub typing: Option<String>,
    /// Why the last question operation failed, shown in the overlay.
    pub error: Option<String>,
    /// The generation of the question operation running.
    pub pending: Option<u64>,
    /// The operation the list comes from: the snapshot it ends with leaves the list be.
    pub listed_by: Option<u64>,
    /// Open the overlay when the list arrives (asked for), not only point to it (compile).
    pub open_on_list: bool,
    /// A compile listed questions: its message says how many and which key shows them.
    pub hint: bool,
    /// An answer or a skip left no question: the message says so.
    pub emptied: bool,
}

impl Questions {
    /// The question the overlay shows.
    pub fn shown(&self) -> Option<&Question> {
        self.list.get(self.current)
    }

    /// Rows to choose from: every answer, then "type another answer…".
    pub fn rows(&self) -> usize {
        self.shown().map_or(0, |q| q.answers.len() + 1)
    }

    fn reset_choice(&mut self) {
        self.choice = 0;
        self.typing = None;
        self.error = None;
    }

    /// Put the hole's next question (or nothing) where `answered` was.
    fn replace(&mut self, answered: &Question, next: Option<Question>) {
        let at = self
            .list
            .iter()
            .position(|q| q.hole == answered.hole && q.call == answered.call);
        match (at, next) {
            (Some(i), Some(next)) => self.list[i] = next,
            (Some(i), None) => {
                self.list.remove(i);
                if i < self.current {
                    self.current -= 1;
                }
            }
            (None, Some(next)) => self.list.push(next),
            (None, None) => {}
        }
        if at.is_none_or(|i| i == self.current) {
            self.reset_choice();
        }
        self.current = self.current.min(self.list.len().saturating_sub(1));
    }
}

impl App {
    /// The key for the overlay, as hints name it.
    fn questions_key_name(&self) -> String {
        self.keymap
            .key_for(&Action::Questions)
            .unwrap_or_else(|| ":questions".to_string())
    }

    /// `Q`: the questions already listed at once, else computed and then shown.
    pub(super) fn show_questions(&mut self) -> Vec<Effect> {
        if self.questions.list.is_empty() {
            return self.list_questions();
        }
        self.questions.current = self.questions.current.min(self.questions.list.len() - 1);
        self.questions.error = None;
        self.overlay = Some(Overlay::Questions);
        Vec::new()
    }

    fn list_questions(&mut self) -> Vec<Effect> {
        let effects = self.start_ask(AskOp::List);
        if !effects.is_empty() {
            self.questions.open_on_list = true;
        }
        effects
    }

    /// `:questions`, `:answer N VALUE`, `:skip N`.
    pub(super) fn asking_command(&mut self, asking: Asking) -> Vec<Effect> {
        match asking {
            Asking::List => self.list_questions(),
            Asking::Answer {
                n,
                value,
                docstring,
            } => match self.listed(n) {
                Some(question) => self.start_ask(AskOp::Answer {
                    question,
                    value,
                    docstring,
                }),
                None => Vec::new(),
            },
            Asking::Skip(n) => match self.listed(n) {
                Some(question) => self.start_ask(AskOp::Skip(question)),
                None => Vec::new(),
            },
        }
    }

    fn listed(&mut self, n: usize) -> Option<Question> {
        let list = &self.questions.list;
        if let Some(q) = n.checked_sub(1).and_then(|i| list.get(i)) {
            return Some(q.clone());
        }
        let text = if list.is_empty() {
            format!(
                "no questions listed: {} (or :questions) lists the open ones",
                self.questions_key_name()
            )
        } else {
            format!(
                "no question {n}: {} listed, numbered from 1",
                self.questions.list.len()
            )
        };
        self.say(text, Tone::Error);
        None
    }

    /// Start a question operation; while another runs, say so where the user looks.
    fn start_ask(&mut self, op: AskOp) -> Vec<Effect> {
        if let Some(running) = &self.operation {
            let text = format!("{} is running: wait for it to end", running.label);
            if self.overlay == Some(Overlay::Questions) {
                self.questions.error = Some(text);
            } else {
                self.say(text, Tone::Error);
            }
            return Vec::new();
        }
        let effects = self.repair(RepairOp::Ask(op));
        self.questions.pending = self.operation.as_ref().map(|o| o.generation);
        self.questions.error = None;
        effects
    }

    pub(super) fn questions_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(question) = self.questions.shown().cloned() else {
            self.overlay = None;
            return Vec::new();
        };
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return self.apply(Action::ForceQuit);
        }
        if self.questions.pending.is_some() {
            // The answer is being applied; only closing the overlay makes sense meanwhile.
            if self.questions.typing.is_none() && key.code == KeyCode::Char('q') {
                self.overlay = None;
            }
            return Vec::new();
        }
        if let Some(text) = self.questions.typing.as_mut() {
            match key.code {
                KeyCode::Esc => {
                    self.questions.typing = None;
                    self.questions.error = None;
                }
                KeyCode::Enter => {
                    let value = text.trim().to_string();
                    if value.is_empty() {
                        self.questions.error = Some(format!(
                            "type what {} should return, as Python source (e.g. 'b', 3, [1, 2])",
                            question.call
                        ));
                    } else {
                        return self.start_ask(AskOp::Answer {
                            question,
                            value,
                            docstring: false,
                        });
                    }
                }
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
                KeyCode::Char(c) => text.push(c),
                _ => {}
            }
            return Vec::new();
        }
        let rows = self.questions.rows();
        let count = self.questions.list.len();
        let asking = &mut self.questions;
        match key.code {
            KeyCode::Char('q') => {
                self.overlay = None;
                let text = format!(
                    "{count} open question(s) left: {} shows them again",
                    self.questions_key_name()
                );
                self.say(text, Tone::Info);
            }
            KeyCode::Up | KeyCode::Char('k') => asking.choice = asking.choice.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                asking.choice = (asking.choice + 1).min(rows.saturating_sub(1))
            }
            KeyCode::Char(d @ '1'..='9') => {
                let row = d as usize - '1' as usize;
                if row < rows {
                    asking.choice = row;
                }
            }
            KeyCode::Left | KeyCode::Char('h') if count > 1 => {
                asking.current = (asking.current + count - 1) % count;
                asking.reset_choice();
            }
            KeyCode::Right | KeyCode::Char('l') if count > 1 => {
                asking.current = (asking.current + 1) % count;
                asking.reset_choice();
            }
            KeyCode::Enter => match question.answers.get(asking.choice) {
                Some(answer) => {
                    let value = answer.value.clone();
                    return self.start_ask(AskOp::Answer {
                        question,
                        value,
                        docstring: false,
                    });
                }
                None => {
                    asking.typing = Some(String::new());
                    asking.error = None;
                }
            },
            KeyCode::Esc => return self.start_ask(AskOp::Skip(question)),
            _ => {}
        }
        Vec::new()
    }

    /// What a question operation (or a compile) changed. Results of an operation that is
    /// no longer the running one are dropped.
    pub(super) fn on_asked(&mut self, generation: u64, asked: Asked) {
        if self.operation.as_ref().map(|o| o.generation) != Some(generation) {
            return;
        }
        let asking = &mut self.questions;
        asking.listed_by = Some(generation);
        match asked {
            Asked::Listed(list) => {
                asking.list = list;
                asking.current = 0;
                asking.reset_choice();
                if std::mem::take(&mut asking.open_on_list) {
                    if !asking.list.is_empty() {
                        self.overlay = Some(Overlay::Questions);
                    }
                } else {
                    asking.hint = !asking.list.is_empty();
                }
            }
            Asked::Answered { question, next } => {
                asking.replace(&question, next);
                asking.emptied = asking.list.is_empty();
            }
            Asked::Skipped { question, next } => {
                asking.replace(&question, next);
                asking.emptied = asking.list.is_empty();
            }
        }
        if self.questions.list.is_empty() && self.overlay == Some(Overlay::Questions) {
            self.overlay = None;
        }
    }

    /// The message an operation ends with, with what it means for the questions: a failed
    /// question operation's error is shown in the overlay too; a compile that left
    /// questions open, or an answer that left none, says so first, since the rest may be
    /// cut at the screen's edge.
    pub(super) fn questions_done(
        &mut self,
        generation: u64,
        result: Result<String, String>,
    ) -> Result<String, String> {
        let asking = &mut self.questions;
        if asking.pending == Some(generation) {
            asking.pending = None;
            if let Err(e) = &result {
                asking.error = Some(e.clone());
            }
        }
        let hint = std::mem::take(&mut asking.hint);
        let emptied = std::mem::take(&mut asking.emptied);
        let count = asking.list.len();
        let key = self.questions_key_name();
        let adjust = |text: String| {
            if hint && count > 0 {
                let what = if count == 1 {
                    "1 open question".to_string()
                } else {
                    format!("{count} open questions")
                };
                format!("{what}: press {key} · {text}")
            } else if emptied {
                format!("no open questions left · {text}")
            } else {
                text
            }
        };
        result.map(adjust).map_err(adjust)
    }

    /// The implementations or examples changed: the list is out of date unless the
    /// running operation just computed it.
    pub(super) fn questions_outdated(&mut self) {
        let running = self.operation.as_ref().map(|o| o.generation);
        if running.is_some() && self.questions.listed_by == running {
            return;
        }
        self.questions.list.clear();
        self.questions.current = 0;
        self.questions.reset_choice();
        if self.overlay == Some(Overlay::Questions) {
            self.overlay = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::questions::AnswerCount;
    use pretty_assertions::assert_eq;

    fn question(hole: &str, call: &str) -> Question {
        Question {
            hole: hole.into(),
            call: call.into(),
            answers: vec![
                AnswerCount {
                    value: "1".into(),
                    count: 2,
                },
                AnswerCount {
                    value: "2".into(),
                    count: 1,
                },
            ],
            errors: 0,
            in_use: Some(0),
            candidates_hash: String::new(),
        }
    }

    fn calls(q: &Questions) -> Vec<&str> {
        q.list.iter().map(|q| q.call.as_str()).collect()
    }

    #[test]
    fn the_next_question_takes_the_answered_ones_place() {
        let mut q = Questions {
            list: vec![question("f", "f(1)"), question("g", "g(1)")],
            choice: 2,
            typing: Some("3".into()),
            ..Questions::default()
        };
        q.replace(&question("f", "f(1)"), Some(question("f", "f(2)")));
        assert_eq!(calls(&q), vec!["f(2)", "g(1)"]);
        // A new question starts at its first answer, with nothing typed.
        assert_eq!((q.current, q.choice, q.typing.clone()), (0, 0, None));
    }

    #[test]
    fn removing_a_question_keeps_the_shown_one_in_view() {
        let mut q = Questions {
            list: vec![
                question("f", "f(1)"),
                question("g", "g(1)"),
                question("h", "h(1)"),
            ],
            current: 2,
            choice: 1,
            ..Questions::default()
        };
        // Answered from the `:` line, before the shown one: the shown one stays shown,
        // and the cursor on it stays where it was.
        q.replace(&question("f", "f(1)"), None);
        assert_eq!(calls(&q), vec!["g(1)", "h(1)"]);
        assert_eq!((q.current, q.choice), (1, 1));
        // The shown one, last in the list: the one before it is shown next.
        q.replace(&question("h", "h(1)"), None);
        assert_eq!(calls(&q), vec!["g(1)"]);
        assert_eq!((q.current, q.choice), (0, 0));
        assert_eq!(q.rows(), 3);
    }
}
