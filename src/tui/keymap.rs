//! Keys as data: every [`Action`] the UI can take, and the default table binding keys to
//! them. `App::update` looks keys up here and the help overlay is drawn from the same table,
//! so a key cannot exist without being documented, and new engine operations are new rows.
//! Keys outside the table do nothing.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Everything a key (or a `:` command) can ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Quit without asking, even while an operation runs (Ctrl-C).
    ForceQuit,
    Help,
    /// Close the overlay, or cancel the running operation, or clear the message.
    Escape,
    NextPane,
    PrevPane,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Scroll the code pane sideways (code lines are never wrapped).
    ScrollLeft,
    ScrollRight,
    /// Fill every hole that needs it.
    CompileAll,
    /// Fill the selected hole again, even if it passes.
    CompileHole,
    /// Run the program on every example of its entry.
    Run,
    /// Trace the program on one example of its entry and show every hole call.
    Trace,
    /// Choose the next / previous entry example for `Trace`.
    NextExample,
    PrevExample,
    /// Open the `:` command line, with this text already typed.
    CommandLine(String),
    /// Reword the selected hole in the in-TUI editor / in `$EDITOR`.
    EditDescription,
    EditExternal,
    /// `:example add HOLE ` with the selected hole filled in.
    AddExample,
    /// Remove the example under the cursor in the examples pane.
    RemoveExample,
    /// Take the trace pane's selected call as an example of its hole.
    PinCall,
    Resynthesize,
    /// Write the selected hole's new body (calling new holes) in the editor.
    Decompose,
    /// Ask the model for a decomposition and review it as a diff.
    SuggestDecompose,
    Undo,
    Redo,
    /// The selected hole's versions: diff two, use an older one.
    Versions,
    /// Every operation recorded for undo.
    History,
    /// The open questions: what should a call return, where the candidates disagree.
    Questions,
}

impl Action {
    /// The line the help overlay shows for this action.
    pub fn help(&self) -> &'static str {
        match self {
            Action::Quit => "quit (asks first while an operation runs)",
            Action::ForceQuit => "quit now, cancelling what runs",
            Action::Help => "this help",
            Action::Escape => "close overlay / cancel the running operation",
            Action::NextPane => "focus the next pane",
            Action::PrevPane => "focus the previous pane",
            Action::Up => "select up / scroll up",
            Action::Down => "select down / scroll down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first hole / top",
            Action::Bottom => "last hole / bottom",
            Action::ScrollLeft => "scroll the code left",
            Action::ScrollRight => "scroll the code right (long lines end in ›)",
            Action::CompileAll => "compile: fill every hole that needs it",
            Action::CompileHole => "compile the selected hole again",
            Action::Run => "run the program on its examples",
            Action::Trace => "trace the program on the chosen example",
            Action::NextExample => "choose the next example to trace",
            Action::PrevExample => "choose the previous example to trace",
            Action::CommandLine(prefill) if prefill.starts_with("export") => {
                "export the program and its tests (:export -o FILE)"
            }
            Action::CommandLine(_) => "command line: every REPL command (:help lists them)",
            Action::EditDescription => "edit the hole's description (C-s applies, C-e $EDITOR)",
            Action::EditExternal => "edit the hole's description in $EDITOR",
            Action::AddExample => "add an example (:example add HOLE CALL => EXPECTED)",
            Action::RemoveExample => "remove the example under the cursor",
            Action::PinCall => "pin the selected trace call as an example of its hole",
            Action::Resynthesize => "resynthesize the hole: fresh samples, then repair",
            Action::Decompose => "decompose: write the hole's new body in the editor",
            Action::SuggestDecompose => "decompose: ask the model, review the diff (y/n)",
            Action::Undo => "undo the last change",
            Action::Redo => "redo what undo undid",
            Action::Versions => "versions: d diffs with the one in use, o uses it",
            Action::History => "history of changes recorded for undo",
            Action::Questions => "open questions: pick what a call returns (Enter), skip (Esc)",
        }
    }
}

/// One row of the key table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
    pub action: Action,
}

#[derive(Debug, Clone)]
pub struct KeyMap {
    pub bindings: Vec<Binding>,
}

fn key(code: KeyCode, action: Action) -> Binding {
    Binding {
        code,
        modifiers: KeyModifiers::NONE,
        action,
    }
}

fn ctrl(c: char, action: Action) -> Binding {
    Binding {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
        action,
    }
}

impl Default for KeyMap {
    fn default() -> Self {
        use KeyCode::{Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};
        KeyMap {
            bindings: vec![
                key(Char('?'), Action::Help),
                key(Esc, Action::Escape),
                key(Char('q'), Action::Quit),
                ctrl('c', Action::ForceQuit),
                key(Char('c'), Action::CompileAll),
                key(Char('C'), Action::CompileHole),
                key(Char('r'), Action::Run),
                key(Char('t'), Action::Trace),
                key(Char(']'), Action::NextExample),
                key(Char('['), Action::PrevExample),
                key(Char('x'), Action::CommandLine("export -o ".into())),
                key(Char(':'), Action::CommandLine(String::new())),
                key(Char('e'), Action::EditDescription),
                key(Char('E'), Action::EditExternal),
                key(Char('a'), Action::AddExample),
                key(Char('d'), Action::RemoveExample),
                key(Char('p'), Action::PinCall),
                key(Char('s'), Action::Resynthesize),
                key(Char('D'), Action::Decompose),
                key(Char('S'), Action::SuggestDecompose),
                key(Char('u'), Action::Undo),
                key(Char('U'), Action::Redo),
                ctrl('r', Action::Redo),
                key(Char('v'), Action::Versions),
                key(Char('H'), Action::History),
                key(Char('Q'), Action::Questions),
                key(Tab, Action::NextPane),
                key(KeyCode::BackTab, Action::PrevPane),
                key(Char('j'), Action::Down),
                key(Down, Action::Down),
                key(Char('k'), Action::Up),
                key(Up, Action::Up),
                key(PageDown, Action::PageDown),
                key(PageUp, Action::PageUp),
                key(Char('g'), Action::Top),
                key(Home, Action::Top),
                key(Char('G'), Action::Bottom),
                key(End, Action::Bottom),
                key(Char('h'), Action::ScrollLeft),
                key(Left, Action::ScrollLeft),
                key(Char('l'), Action::ScrollRight),
                key(Right, Action::ScrollRight),
                key(Enter, Action::NextPane),
            ],
        }
    }
}

impl KeyMap {
    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        // Terminals report Shift with upper-case letters and `?` inconsistently; a
        // character's own case already says it.
        let mods = match event.code {
            KeyCode::Char(_) | KeyCode::BackTab => event.modifiers - KeyModifiers::SHIFT,
            _ => event.modifiers,
        };
        self.bindings
            .iter()
            .find(|b| b.code == event.code && b.modifiers == mods)
            .map(|b| b.action.clone())
    }

    /// The first key bound to `action`, as the help overlay names it, for hints that tell
    /// the user which key to press (keys may be rebound).
    pub fn key_for(&self, action: &Action) -> Option<String> {
        self.bindings
            .iter()
            .find(|b| &b.action == action)
            .map(key_name)
    }

    /// Rows for the help overlay: the keys of each action (first binding order), joined.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        let mut rows: Vec<(String, Action)> = Vec::new();
        for b in &self.bindings {
            let name = key_name(b);
            match rows.iter_mut().find(|(_, a)| *a == b.action) {
                Some((keys, _)) => {
                    keys.push_str(" / ");
                    keys.push_str(&name);
                }
                None => rows.push((name, b.action.clone())),
            }
        }
        rows.into_iter().map(|(k, a)| (k, a.help())).collect()
    }
}

pub fn key_name(b: &Binding) -> String {
    let base = match b.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        other => format!("{other:?}"),
    };
    if b.modifiers.contains(KeyModifiers::CONTROL) {
        format!("C-{base}")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_binding_is_unique_and_documented() {
        let map = KeyMap::default();
        for (i, a) in map.bindings.iter().enumerate() {
            for b in &map.bindings[i + 1..] {
                assert!(
                    !(a.code == b.code && a.modifiers == b.modifiers),
                    "{:?} bound twice",
                    a.code
                );
            }
            assert!(!a.action.help().is_empty());
        }
    }

    #[test]
    fn shifted_letters_find_their_binding() {
        let map = KeyMap::default();
        let shifted = KeyEvent::new(KeyCode::Char('C'), KeyModifiers::SHIFT);
        assert_eq!(map.action(&shifted), Some(Action::CompileHole));
        let plain = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(map.action(&plain), Some(Action::CompileAll));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(map.action(&ctrl_c), Some(Action::ForceQuit));
        let unbound = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE);
        assert_eq!(map.action(&unbound), None);
    }
}
