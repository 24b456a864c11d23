//! Printing results for people: example outcomes, values, diffs and traces.
//!
//! Long values are pretty-printed one row per line and compared with a line diff, so a
//! wrong cell in a 30×30 grid is found at a glance rather than in one 3,000-character line.

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use crate::engine::check::{CheckReport, ExampleResult};
use crate::exec::TraceEvent;

const SHORT: usize = 72;

/// Break a Python repr of nested lists or an array into one row per line.
pub fn pretty(value: &str) -> String {
    let v = value.trim();
    if v.len() <= SHORT {
        return v.to_string();
    }
    // np.array([[...], [...]]) and [[...], [...]]: split between the inner rows.
    v.replace("], [", "],\n [")
        .replace("],\n       [", "],\n [")
}

pub fn example_lines(index: usize, r: &ExampleResult) -> String {
    let mut out = String::new();
    let mark = if r.passed { "ok  " } else { "FAIL" };
    let _ = writeln!(out, "  {mark} {index}  {}", short(&r.call, 100));
    if r.passed {
        return out;
    }
    if let Some(error) = &r.error {
        for line in error.lines() {
            let _ = writeln!(out, "         {line}");
        }
        return out;
    }
    let expected = r.expected.as_deref().unwrap_or("");
    let actual = r.actual.as_deref().unwrap_or("");
    if expected.len() <= SHORT && actual.len() <= SHORT {
        let _ = writeln!(out, "         expected: {expected}");
        let _ = writeln!(out, "         actual:   {actual}");
    } else {
        let _ = writeln!(out, "         --- expected  +++ actual");
        let (e, a) = (pretty(expected), pretty(actual));
        let diff = TextDiff::from_lines(&e, &a);
        for change in diff.iter_all_changes() {
            let sign = match change.tag() {
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
                ChangeTag::Equal => ' ',
            };
            let _ = write!(out, "         {sign} {}", change.value());
            if !change.value().ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

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

pub fn short(text: &str, max: usize) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= max {
        one
    } else {
        let cut: String = one.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// Hole calls in call order, each nested under the call that made it.
pub fn trace_lines(trace: &[TraceEvent], only: Option<&str>) -> String {
    let mut out = String::new();
    for event in trace {
        if only.is_some_and(|h| h != event.function) {
            continue;
        }
        let depth = if only.is_some() {
            0
        } else {
            depth_of(trace, event)
        };
        let indent = "  ".repeat(depth + 1);
        let args: Vec<String> = event
            .args
            .iter()
            .map(|(name, value)| format!("{name}={}", short(&value.src, 60)))
            .collect();
        let _ = writeln!(
            out,
            "{indent}#{} {}({})",
            event.id,
            event.function,
            args.join(", ")
        );
        match (&event.result, &event.error) {
            (_, Some(error)) => {
                let _ = writeln!(
                    out,
                    "{indent}  raised {}: {}",
                    error.exc_type,
                    short(&error.message, 100)
                );
            }
            (Some(value), None) => {
                let _ = writeln!(out, "{indent}  -> {}", short(&value.src, 100));
            }
            (None, None) => {
                let _ = writeln!(out, "{indent}  (did not return)");
            }
        }
    }
    out
}

fn depth_of(trace: &[TraceEvent], event: &TraceEvent) -> usize {
    let mut depth = 0;
    let mut parent = event.parent;
    while let Some(p) = parent {
        depth += 1;
        parent = trace.iter().find(|e| e.id == p).and_then(|e| e.parent);
        if depth > trace.len() {
            break;
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_grids_split_by_row() {
        let v = format!("[{}]", ["[1, 2, 3, 4, 5, 6, 7, 8, 9]"; 4].join(", "));
        assert_eq!(pretty(&v).lines().count(), 4);
    }

    #[test]
    fn short_values_stay_on_one_line() {
        assert_eq!(pretty("[1, 2]"), "[1, 2]");
        assert_eq!(short("a\n  b", 10), "a b");
        assert_eq!(short("abcdefghijkl", 5), "abcd…");
    }
}
