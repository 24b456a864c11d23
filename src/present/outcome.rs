//! Example outcomes as text, for the CLI and the REPL: which examples pass, and for each
//! failing one what was expected and what came back, or the error it raised. Short values
//! are shown on a line each; long ones are laid out from their structure (a grid one row
//! per line) and compared line by line, so a wrong cell in a 30×30 grid is found at a
//! glance rather than in one 3,000-character line. Values are never rewritten; long lines
//! are cut with a marker saying how much (`--json` has every value whole).

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::text::{cut_counted, fit_lines};
use super::value::{layout, one_line};
use crate::engine::check::{CheckReport, ExampleResult};

/// The widest a value is shown on its own line in text output.
pub const VALUE_WIDTH: usize = 100;
/// Values up to this long are shown as `expected:` / `actual:` lines, longer ones as a diff.
const SHORT: usize = 72;
/// Lines a diff of two long values may take before the rest is counted.
const MAX_DIFF_LINES: usize = 60;
/// Where the lines under an example's mark start.
const INDENT: &str = "         ";

/// A value on one line of at most `max` characters, cut with a counted marker.
pub fn value_line(src: &str, max: usize) -> String {
    cut_counted(&one_line(src), max).into_owned()
}

/// A value laid out on as many lines as its structure needs (at most `max_lines`), each
/// cut to [`VALUE_WIDTH`].
pub fn value_block(src: &str, max_lines: usize) -> Vec<String> {
    let lines = layout(src, VALUE_WIDTH)
        .into_iter()
        .map(|l| cut_counted(&l, VALUE_WIDTH).into_owned())
        .collect();
    fit_lines(lines, max_lines)
}

/// One example's outcome: `ok`/`FAIL`, the call, and for a failure the error or the
/// expected and actual values.
pub fn example_lines(index: usize, r: &ExampleResult) -> String {
    let mut out = String::new();
    let mark = if r.passed { "ok  " } else { "FAIL" };
    let _ = writeln!(
        out,
        "  {mark} {index}  {}",
        value_line(&r.call, VALUE_WIDTH)
    );
    if r.passed {
        return out;
    }
    if let Some(error) = &r.error {
        for line in error.lines() {
            let _ = writeln!(out, "{INDENT}{line}");
        }
        return out;
    }
    let expected = r.expected.as_deref().unwrap_or("");
    let actual = r.actual.as_deref().unwrap_or("");
    let (e, a) = (one_line(expected), one_line(actual));
    if e.chars().count() <= SHORT && a.chars().count() <= SHORT {
        let _ = writeln!(out, "{INDENT}expected: {e}");
        let _ = writeln!(out, "{INDENT}actual:   {a}");
    } else {
        out.push_str(&diff_lines(expected, actual));
    }
    out
}

/// Expected against actual, laid out from their structure and diffed line by line: only
/// the differing lines and a little context around them, at most [`MAX_DIFF_LINES`].
fn diff_lines(expected: &str, actual: &str) -> String {
    let width = VALUE_WIDTH - 2;
    let e = layout(expected, width);
    let a = layout(actual, width);
    let e: Vec<&str> = e.iter().map(String::as_str).collect();
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let diff = TextDiff::configure().diff_slices(&e, &a);
    let mut lines = Vec::new();
    let groups = diff.grouped_ops(2);
    if groups.is_empty() {
        // Same text, unequal in Python (a type, a float's last digit hidden by repr).
        lines.push("expected and actual are written the same; they differ in type".to_string());
        for line in &e {
            lines.push(format!("  {}", cut_counted(line, width)));
        }
    }
    for (i, group) in groups.iter().enumerate() {
        if i > 0 {
            lines.push("  ⋮".to_string());
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                lines.push(format!("{sign} {}", cut_counted(change.value(), width)));
            }
        }
    }
    let mut out = format!("{INDENT}--- expected  +++ actual\n");
    for line in fit_lines(lines, MAX_DIFF_LINES) {
        let _ = writeln!(out, "{INDENT}{line}");
    }
    out
}

/// Every example of a check, after the fatal error that stopped it, if any.
pub fn report_lines(report: &CheckReport) -> String {
    let mut out = String::new();
    if let Some(fatal) = &report.fatal {
        for line in fatal.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    for (i, r) in report.results.iter().enumerate() {
        out.push_str(&example_lines(i + 1, r));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn failed(expected: &str, actual: &str) -> ExampleResult {
        ExampleResult {
            call: "f('x  y')".into(),
            expected: Some(expected.into()),
            actual: Some(actual.into()),
            passed: false,
            error: None,
            trace: Vec::new(),
        }
    }

    #[test]
    fn short_values_are_shown_as_they_are() {
        assert_eq!(
            example_lines(1, &failed("'x  y!'", "'x  y'")),
            "  FAIL 1  f('x  y')\n         expected: 'x  y!'\n         actual:   'x  y'\n"
        );
    }

    #[test]
    fn long_grids_are_diffed_row_by_row() {
        let row = |x: u8| format!("[{}]", vec![x.to_string(); 12].join(", "));
        let grid = |rows: Vec<String>| format!("[{}]", rows.join(", "));
        let expected = grid((0..10).map(row).collect());
        let actual = grid(
            (0..10)
                .map(|i| row(if i == 1 || i == 8 { 9 } else { i }))
                .collect(),
        );
        let text = example_lines(2, &failed(&expected, &actual));
        assert!(text.contains(&format!("-  {},", row(1))), "{text}");
        assert!(text.contains(&format!("+  {},", row(9))), "{text}");
        // Only the changes and their context: the rows between them are elided.
        assert!(text.contains("⋮"), "{text}");
        assert!(!text.contains(&row(5)), "{text}");
    }

    #[test]
    fn a_string_holding_brackets_is_diffed_unchanged() {
        let expected = format!("['{}], [{}']", "a".repeat(40), "b".repeat(40));
        let actual = format!("['{}], [{}']", "a".repeat(40), "c".repeat(40));
        let text = example_lines(1, &failed(&expected, &actual));
        assert!(text.contains(&format!("- {expected}")), "{text}");
        assert!(text.contains(&format!("+ {actual}")), "{text}");
    }

    #[test]
    fn very_long_values_are_cut_with_a_count() {
        let long = format!("'{}'", "z".repeat(5000));
        let text = example_lines(1, &failed("'a'", &long));
        assert!(text.contains("chars]"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 120), "{text}");
    }
}
