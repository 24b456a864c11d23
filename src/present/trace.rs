//! Traces as people read them: every hole call in call order, nested under the call that
//! made it, with its arguments and what it returned or raised. [`calls`] is the shared
//! reading of a trace (the TUI draws from it); [`trace_lines`] and [`result_lines`] are the
//! text the CLI and the REPL print. Values are shown as written, cut with a marker where
//! they are long, and marked where the sandbox kept only their beginning.

use std::fmt::Write as _;

use super::outcome::{value_block, value_line};
use super::text::clip;
use crate::engine::check::ExampleResult;
use crate::exec::{PyValue, TraceEvent};

/// How wide an argument may be in a call line of text output, and a result.
const ARG_WIDTH: usize = 60;
const RESULT_WIDTH: usize = 100;
/// Lines the program's own result may take under a trace.
const RESULT_LINES: usize = 40;

/// One call of a trace as the front ends list it.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// Its position in the trace.
    pub index: usize,
    pub event: &'a TraceEvent,
    /// How many calls it is nested in (0 when only one hole's calls are listed).
    pub depth: usize,
}

/// What a call came to.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    Returned(&'a PyValue),
    Raised(&'a crate::exec::PyError),
    /// The run stopped inside it (a timeout, a crash, an unfilled hole below it).
    DidNotReturn,
}

impl<'a> Call<'a> {
    pub fn outcome(&self) -> Outcome<'a> {
        match (&self.event.result, &self.event.error) {
            (_, Some(error)) => Outcome::Raised(error),
            (Some(value), None) => Outcome::Returned(value),
            (None, None) => Outcome::DidNotReturn,
        }
    }
}

/// The calls of `trace`, or only those of the hole `only`, in call order.
pub fn calls<'a>(trace: &'a [TraceEvent], only: Option<&str>) -> Vec<Call<'a>> {
    trace
        .iter()
        .enumerate()
        .filter(|(_, e)| only.is_none_or(|h| e.function == h))
        .map(|(index, event)| Call {
            index,
            event,
            depth: if only.is_some() {
                0
            } else {
                depth_of(trace, event)
            },
        })
        .collect()
}

fn depth_of(trace: &[TraceEvent], event: &TraceEvent) -> usize {
    let mut depth = 0;
    let mut parent = event.parent;
    while let Some(p) = parent {
        depth += 1;
        if depth > trace.len() {
            break;
        }
        parent = trace.iter().find(|e| e.id == p).and_then(|e| e.parent);
    }
    depth
}

/// A traced value on one line of at most `max` characters (plus a note when the sandbox
/// recorded only its beginning).
pub fn traced_value(value: &PyValue, max: usize) -> String {
    let mut text = value_line(&value.src, max);
    if value.truncated {
        text.push_str("…[not recorded whole]");
    }
    text
}

/// `name=value, …` for a call's arguments, each at most `max` characters.
pub fn arguments(event: &TraceEvent, max: usize) -> String {
    event
        .args
        .iter()
        .map(|(name, value)| format!("{name}={}", traced_value(value, max)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every call as `#id hole(args)` with `-> result`, `raised …` or `(did not return)` under
/// it, nested by two spaces a level.
pub fn trace_lines(trace: &[TraceEvent], only: Option<&str>) -> String {
    let mut out = String::new();
    for call in calls(trace, only) {
        let indent = "  ".repeat(call.depth + 1);
        let event = call.event;
        let _ = writeln!(
            out,
            "{indent}#{} {}({})",
            event.id,
            event.function,
            arguments(event, ARG_WIDTH)
        );
        let _ = match call.outcome() {
            Outcome::Raised(error) => writeln!(
                out,
                "{indent}  raised {}: {}",
                error.exc_type,
                clip(&error.message, RESULT_WIDTH)
            ),
            Outcome::Returned(value) => {
                writeln!(out, "{indent}  -> {}", traced_value(value, RESULT_WIDTH))
            }
            Outcome::DidNotReturn => writeln!(out, "{indent}  (did not return)"),
        };
    }
    out
}

/// What the traced run came to: `raised …`, or `=> value` laid out from its structure,
/// then `expected …` when it returned something else.
pub fn result_lines(result: &ExampleResult) -> String {
    let mut out = String::new();
    match (&result.error, &result.actual) {
        (Some(error), _) => {
            let _ = writeln!(out, "raised {error}");
        }
        (None, Some(value)) => block(&mut out, "=> ", value),
        _ => {}
    }
    if let (Some(expected), false, None) = (&result.expected, result.passed, &result.error) {
        if !expected.is_empty() {
            block(&mut out, "expected ", expected);
        }
    }
    out
}

fn block(out: &mut String, label: &str, value: &str) {
    let pad = " ".repeat(label.chars().count());
    for (i, line) in value_block(value, RESULT_LINES).iter().enumerate() {
        let head = if i == 0 { label } else { &pad };
        let _ = writeln!(out, "{head}{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn value(src: &str) -> PyValue {
        PyValue {
            src: src.into(),
            truncated: false,
        }
    }

    fn event(
        id: usize,
        parent: Option<usize>,
        function: &str,
        arg: &str,
        result: &str,
    ) -> TraceEvent {
        TraceEvent {
            id,
            parent,
            function: function.into(),
            args: vec![("s".into(), value(arg))],
            result: Some(value(result)),
            error: None,
            args_after: None,
            finished: true,
        }
    }

    #[test]
    fn calls_nest_and_keep_their_values() {
        let trace = vec![
            event(0, None, "spread", "'x  y'", "'x  y'"),
            event(1, Some(0), "inner", "'], ['", "['a', 'b']"),
        ];
        assert_eq!(
            trace_lines(&trace, None),
            "  #0 spread(s='x  y')\n    -> 'x  y'\n    #1 inner(s='], [')\n      -> ['a', 'b']\n"
        );
        assert_eq!(
            trace_lines(&trace, Some("inner")),
            "  #1 inner(s='], [')\n    -> ['a', 'b']\n"
        );
    }

    #[test]
    fn long_and_partly_recorded_values_are_marked() {
        let mut e = event(0, None, "f", &format!("'{}'", "a".repeat(500)), "1");
        e.result = Some(PyValue {
            src: "[1, 2, 3".into(),
            truncated: true,
        });
        let text = trace_lines(&[e], None);
        assert!(text.contains("chars]"), "{text}");
        assert!(text.contains("-> [1, 2, 3…[not recorded whole]"), "{text}");
    }

    #[test]
    fn results_are_laid_out_and_compared() {
        let row = format!("[{}]", vec!["7"; 30].join(", "));
        let grid = format!("[{}]", [row.as_str(); 3].join(", "));
        let result = ExampleResult {
            call: "main()".into(),
            expected: Some("'x  y'".into()),
            actual: Some(grid),
            passed: false,
            error: None,
            trace: Vec::new(),
        };
        let text = result_lines(&result);
        assert_eq!(
            text,
            format!("=> [{row},\n    {row},\n    {row}]\nexpected 'x  y'\n")
        );
    }
}
