//! Observed calls: the arguments a hole really received when the program ran on its
//! examples, so the model sees the values it will be called with (types, shapes of arrays
//! and grids, short reprs) rather than guessing them from a description.
//!
//! The engine traces one run of the entry's examples with the implementations in use
//! ([`Observations::from_report`]); an unfilled hole still records its arguments before it
//! raises, so every hole reached before the first unfilled one is observed. Calls are kept
//! distinct and spread over the examples. Where one of the hole's own examples (or a pinned
//! trace) has the same arguments, its expected result is shown too. The section says these
//! are observations, not a specification: they come from code that may itself be wrong.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::check::CheckReport;
use crate::exec::PyValue;
use crate::sketch::{Example, Hole};

use super::section::{Section, SectionKind};
use super::values::describe;

/// Calls kept per hole: enough to choose a few varied ones from.
const KEEP_PER_HOLE: usize = 8;
/// Calls shown in a prompt (the budget may show fewer).
const SHOW: usize = 3;
/// Characters one value may take (grids are drawn whole up to 30x30).
const VALUE_CHARS: usize = 300;

/// One call of a hole seen in a traced run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservedCall {
    /// The program example (1-based) it happened in.
    pub example: usize,
    /// Parameter names and values as the call received them.
    pub args: Vec<(String, PyValue)>,
    /// What the hole must return here, when one of its examples says so.
    pub expected: Option<String>,
}

/// Every hole's observed calls from one traced run of the program's examples.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Observations {
    pub calls: BTreeMap<String, Vec<ObservedCall>>,
    /// Whether a traced run happened at all (the entry has examples and Python ran).
    pub ran: bool,
    /// Time the traced run took, in milliseconds.
    pub millis: u64,
    /// Why the run observed nothing, when the program could not load or run at all.
    pub problem: Option<String>,
}

impl Observations {
    /// Collect the hole calls of a traced run; `examples_of` gives a hole's examples, to
    /// attach expected results to calls that match one.
    pub fn from_report(
        report: &CheckReport,
        holes: &[Hole],
        examples_of: impl Fn(&str) -> Vec<Example>,
    ) -> Observations {
        // Per hole, per example: distinct calls in call order.
        let mut found: BTreeMap<String, Vec<Vec<ObservedCall>>> = BTreeMap::new();
        for (i, result) in report.results.iter().enumerate() {
            for event in &result.trace {
                if !holes.iter().any(|h| h.id == event.function) {
                    continue;
                }
                let per_example = found.entry(event.function.clone()).or_default();
                while per_example.len() <= i {
                    per_example.push(Vec::new());
                }
                let seen = per_example.iter().flatten().any(|c| c.args == event.args);
                if !seen && per_example[i].len() < KEEP_PER_HOLE {
                    per_example[i].push(ObservedCall {
                        example: i + 1,
                        args: event.args.clone(),
                        expected: None,
                    });
                }
            }
        }
        let mut calls = BTreeMap::new();
        for (hole, per_example) in found {
            let examples = examples_of(&hole);
            let mut chosen = interleave(per_example, KEEP_PER_HOLE);
            for call in &mut chosen {
                call.expected = expected_for(&hole, call, &examples);
            }
            calls.insert(hole, chosen);
        }
        Observations {
            calls,
            ran: true,
            millis: 0,
            problem: report.fatal.clone(),
        }
    }

    pub fn of(&self, hole: &str) -> &[ObservedCall] {
        self.calls.get(hole).map_or(&[], Vec::as_slice)
    }
}

/// Take calls from each example in turn, so a hole called a hundred times in the first
/// example still shows the others.
fn interleave(per_example: Vec<Vec<ObservedCall>>, max: usize) -> Vec<ObservedCall> {
    let mut iters: Vec<_> = per_example.into_iter().map(Vec::into_iter).collect();
    let mut out = Vec::new();
    loop {
        let mut any = false;
        for it in &mut iters {
            if out.len() >= max {
                return out;
            }
            if let Some(call) = it.next() {
                out.push(call);
                any = true;
            }
        }
        if !any {
            return out;
        }
    }
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The expected value of the hole's example whose call has exactly these arguments.
fn expected_for(hole: &str, call: &ObservedCall, examples: &[Example]) -> Option<String> {
    if call.args.iter().any(|(_, v)| v.truncated) {
        return None;
    }
    let positional: Vec<&str> = call.args.iter().map(|(_, v)| v.src.as_str()).collect();
    let keywords: Vec<String> = call
        .args
        .iter()
        .map(|(n, v)| format!("{n}={}", v.src))
        .collect();
    let forms = [
        squeeze(&format!("{hole}({})", positional.join(","))),
        squeeze(&format!("{hole}({})", keywords.join(","))),
    ];
    examples
        .iter()
        .find(|e| forms.contains(&squeeze(&e.call)))
        .map(|e| e.expected.clone())
}

/// The observed calls section for `hole`.
pub fn section(hole: &Hole, calls: &[ObservedCall]) -> Option<Section> {
    if calls.is_empty() {
        return None;
    }
    let items: Vec<String> = calls
        .iter()
        .take(SHOW)
        .enumerate()
        .map(|(i, c)| item(hole, i + 1, c))
        .collect();
    let mut section = Section::new(
        SectionKind::Observed,
        format!(
            "Calls of `{}` observed when the program ran on its examples with the code written so far. \
They show the arguments it really receives; they are observations, not a specification:",
            hole.id
        ),
        items,
    );
    section.min_items = 1;
    Some(section)
}

/// One call: its arguments, each described, and the expected result where known.
pub fn item(hole: &Hole, n: usize, call: &ObservedCall) -> String {
    let names: Vec<&str> = call.args.iter().map(|(name, _)| name.as_str()).collect();
    let mut out = format!(
        "Call {n} (program example {}): {}({})",
        call.example,
        hole.id,
        names.join(", ")
    );
    for (name, value) in &call.args {
        out.push_str(&format!(
            "\n  {name}: {}",
            describe(&value.src, value.truncated, VALUE_CHARS, "    ")
        ));
    }
    if let Some(expected) = &call.expected {
        out.push_str(&format!(
            "\n  expected result (from its examples): {}",
            describe(expected, false, VALUE_CHARS, "    ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::check::ExampleResult;
    use crate::exec::TraceEvent;
    use crate::sketch::{HoleKind, Param};
    use pretty_assertions::assert_eq;

    fn value(src: &str) -> PyValue {
        PyValue {
            src: src.to_string(),
            truncated: false,
        }
    }

    fn hole(id: &str) -> Hole {
        Hole {
            id: id.to_string(),
            kind: HoleKind::Named,
            description: "d".into(),
            params: vec![Param {
                name: "grid".into(),
                annotation: None,
                default: None,
            }],
            returns: None,
            is_async: false,
            examples: Vec::new(),
            line: 1,
            col: 1,
            desc_span: 0..0,
            def_span: None,
            sites: Vec::new(),
            callers: Vec::new(),
            parent: None,
        }
    }

    fn event(function: &str, arg: &str) -> TraceEvent {
        TraceEvent {
            id: 0,
            parent: None,
            function: function.to_string(),
            args: vec![("grid".into(), value(arg))],
            result: None,
            error: None,
            args_after: None,
            finished: true,
        }
    }

    fn result(trace: Vec<TraceEvent>) -> ExampleResult {
        ExampleResult {
            call: String::new(),
            expected: None,
            actual: None,
            passed: false,
            error: None,
            trace,
        }
    }

    #[test]
    fn calls_are_distinct_spread_over_examples_and_matched_with_examples() {
        let report = CheckReport {
            results: vec![
                result(vec![
                    event("f", "[[1]]"),
                    event("f", "[[1]]"),
                    event("f", "[[2]]"),
                ]),
                result(vec![event("f", "[[3]]"), event("g", "1")]),
            ],
            fatal: None,
            needs_hole: None,
            stdout: String::new(),
            environment: None,
        };
        let holes = vec![hole("f")];
        let obs = Observations::from_report(&report, &holes, |_| {
            vec![Example {
                call: "f([[3]])".into(),
                expected: "[[4]]".into(),
                ..Example::default()
            }]
        });
        let calls = obs.of("f");
        let args: Vec<(&str, usize)> = calls
            .iter()
            .map(|c| (c.args[0].1.src.as_str(), c.example))
            .collect();
        assert_eq!(args, vec![("[[1]]", 1), ("[[3]]", 2), ("[[2]]", 1)]);
        assert_eq!(calls[1].expected.as_deref(), Some("[[4]]"));
        assert!(obs.of("g").is_empty(), "g is not a hole");
    }

    #[test]
    fn the_section_describes_values_and_says_they_are_not_a_specification() {
        let h = hole("f");
        let calls = vec![ObservedCall {
            example: 1,
            args: vec![("grid".into(), value("np.array([[0, 1], [1, 0]])"))],
            expected: Some("2".into()),
        }];
        let s = section(&h, &calls).unwrap();
        assert!(s.heading.contains("not a specification"));
        assert_eq!(
            s.items[0],
            "Call 1 (program example 1): f(grid)\n  grid: np.ndarray grid 2x2:\n    01\n    10\n  expected result (from its examples): int = 2"
        );
    }
}
