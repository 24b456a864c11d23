//! Fitting text into the room a front end has, visibly: what is cut ends in `…` (with a
//! count where there is room for one), and nothing inside the text is rewritten. Spaces
//! are never collapsed, since messages quote values (`expected 'x  y'`) and a collapsed
//! space would show a value that was never there.

use std::borrow::Cow;

pub use crate::engine::repr::cut;

/// Like [`cut`], but saying how much was cut (`…[+1234 chars]`), for output that has room
/// for it (the CLI and the REPL; `--json` has the whole value).
pub fn cut_counted(text: &str, max: usize) -> Cow<'_, str> {
    let total = text.chars().count();
    if total <= max {
        return Cow::Borrowed(text);
    }
    // The marker's own width depends on the count; size it for the largest count.
    let marker_room = format!("…[+{total} chars]").chars().count();
    let keep = max.saturating_sub(marker_room).max(1);
    let head: String = text.chars().take(keep).collect();
    Cow::Owned(format!("{head}…[+{} chars]", total - keep))
}

/// A message on one line: its lines (trimmed at their ends, where no value is) joined by
/// `⏎`, then cut to `max` with [`cut`].
pub fn clip(text: &str, max: usize) -> String {
    let one = one_line_message(text);
    cut(&one, max).into_owned()
}

/// A message's lines joined by ` ⏎ `; a one-line message is returned as it is.
pub fn one_line_message(text: &str) -> Cow<'_, str> {
    let text = text.trim();
    if !text.contains('\n') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ⏎ "),
    )
}

/// At most `max_lines` lines; when there are more, the last one kept says how many more.
pub fn fit_lines(mut lines: Vec<String>, max_lines: usize) -> Vec<String> {
    let max = max_lines.max(1);
    if lines.len() > max {
        let hidden = lines.len() - max + 1;
        lines.truncate(max - 1);
        lines.push(format!("… {hidden} more line(s)"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn cutting_marks_what_was_cut_and_keeps_spaces() {
        assert_eq!(cut("'x  y'", 10), "'x  y'");
        assert_eq!(cut("abcdefghijkl", 5), "abcd…");
        let long = "a  b".repeat(100);
        let counted = cut_counted(&long, 40);
        assert!(counted.chars().count() <= 40, "{counted}");
        assert!(counted.starts_with("a  ba  b"), "{counted}");
        assert!(counted.ends_with(" chars]"), "{counted}");
        assert_eq!(cut_counted("short", 40), "short");
    }

    #[test]
    fn messages_keep_their_spaces_and_show_line_breaks() {
        assert_eq!(clip("expected 'x  y'", 80), "expected 'x  y'");
        assert_eq!(
            clip("f('a'):\n  expected: 'x  y'\n  actual:   'x'", 200),
            "f('a'): ⏎ expected: 'x  y' ⏎ actual:   'x'"
        );
    }

    #[test]
    fn fitted_lines_count_the_rest() {
        let lines: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        assert_eq!(
            fit_lines(lines.clone(), 3),
            vec!["0", "1", "… 8 more line(s)"]
        );
        assert_eq!(fit_lines(lines[..2].to_vec(), 3), vec!["0", "1"]);
    }
}
