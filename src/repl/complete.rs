//! Tab completion for the line editor: command names first, then `example` actions, then
//! hole identifiers and function names (kept current by the loop after every command,
//! since edits and decompositions rename and add holes).

use std::sync::{Arc, Mutex};

use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use crate::command::COMMANDS;

/// The names completion offers after the command word.
pub type Names = Arc<Mutex<Vec<String>>>;

pub struct ReplHelper {
    pub names: Names,
}

/// Candidates for the word ending at `pos` of `line`: where it starts, and the choices.
pub fn candidates(line: &str, pos: usize, names: &[String]) -> (usize, Vec<String>) {
    let head = line.get(..pos).unwrap_or(line);
    let start = head.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let partial = &head[start..];
    let before: Vec<&str> = head[..start].split_whitespace().collect();
    let pool: Vec<String> = match before.as_slice() {
        [] => COMMANDS.iter().map(|(n, _, _)| n.to_string()).collect(),
        ["example" | "examples"] => ["add", "rm", "pin"].iter().map(|s| s.to_string()).collect(),
        ["help"] => COMMANDS.iter().map(|(n, _, _)| n.to_string()).collect(),
        ["export", ..] | ["decompose", _, "--from"] => Vec::new(),
        _ => names.to_vec(),
    };
    let mut out: Vec<String> = pool
        .into_iter()
        .filter(|c| c.starts_with(partial))
        .collect();
    out.sort();
    out.dedup();
    (start, out)
}

impl Completer for ReplHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let names = self.names.lock().map(|n| n.clone()).unwrap_or_default();
        Ok(candidates(line, pos, &names))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Highlighter for ReplHelper {}

impl Validator for ReplHelper {}

impl Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn commands_then_actions_then_names() {
        let names = vec![
            "count_words".to_string(),
            "capitalize".to_string(),
            "main".to_string(),
        ];
        assert_eq!(
            candidates("re", 2, &names),
            (0, vec!["redo".into(), "resynth".into()])
        );
        assert_eq!(candidates("example p", 9, &names), (8, vec!["pin".into()]));
        assert_eq!(
            candidates("show c", 6, &names),
            (5, vec!["capitalize".into(), "count_words".into()])
        );
        assert_eq!(
            candidates("example add co", 14, &names),
            (12, vec!["count_words".into()])
        );
    }
}
