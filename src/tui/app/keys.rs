//! Input: keys (to the open editor, the `:` line, an overlay, or the key table) and the
//! mouse (a click selects, the wheel scrolls the pane under it). Each becomes a state change
//! or an [`Action`] carried out by `actions.rs`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::{App, Overlay, Pane, Tone};
use crate::tui::event::Effect;
use crate::tui::keymap::Action;
use crate::tui::repair::{EditorOutcome, RepairOp};
use crate::tui::view;

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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
            Some(Overlay::Questions) => return self.questions_key(key),
            None => {}
        }
        match self.keymap.action(&key) {
            Some(action) => self.apply(action),
            None => Vec::new(),
        }
    }

    pub(super) fn versions_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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

    pub(super) fn review_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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

    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
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
}
