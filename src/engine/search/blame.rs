//! Reading a failed run: how close it came, which holes it called in what order, and which
//! hole's output could have changed its result.
//!
//! A run's hole calls come from the trace of the program on its examples. The *point of
//! divergence* of a failed combination is the first hole call where another group of that
//! hole's candidates returns something else on the very input the call received (known from
//! `probe`); swapping in those alternatives, one hole at a time with the others fixed, is
//! where a different result can start. Holes whose alternatives all agree on the inputs of
//! the run cannot change it and are not swapped. A hole is *blamed* when one of its swaps
//! did change the program's result; blamed holes are the ones sampled and repaired when
//! no combination passes.

use std::cmp::Ordering;

use crate::exec::TraceEvent;

use super::super::check::CheckReport;
use super::consensus::{is_opaque, Group, Outcome};

/// How close a run came: fewer failing examples, then a smaller difference between the
/// actual and the expected values (0 equal, 1 nothing alike, 2 for an exception).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Closeness {
    pub failing: usize,
    pub distance: f64,
}

impl Closeness {
    pub fn of(report: &CheckReport) -> Closeness {
        if report.fatal.is_some() {
            return Closeness {
                failing: usize::MAX,
                distance: f64::MAX,
            };
        }
        let mut out = Closeness {
            failing: 0,
            distance: 0.0,
        };
        for r in &report.results {
            if r.passed {
                continue;
            }
            out.failing += 1;
            out.distance += match (&r.actual, &r.expected, &r.error) {
                (Some(actual), Some(expected), None) => value_distance(actual, expected),
                _ => 2.0,
            };
        }
        out
    }

    pub fn better_than(&self, other: &Closeness) -> bool {
        self.cmp_key(other) == Ordering::Less
    }

    fn cmp_key(&self, other: &Closeness) -> Ordering {
        self.failing.cmp(&other.failing).then(
            self.distance
                .partial_cmp(&other.distance)
                .unwrap_or(Ordering::Equal),
        )
    }
}

/// 0 for equal texts, towards 1 as they share less (character diff ratio).
pub fn value_distance(actual: &str, expected: &str) -> f64 {
    if actual == expected {
        return 0.0;
    }
    // Numbers: how far apart, relative to their size (2 is nearer 8 than 0 is).
    if let (Ok(a), Ok(e)) = (actual.trim().parse::<f64>(), expected.trim().parse::<f64>()) {
        let d = (a - e).abs() / (a.abs() + e.abs()).max(1e-9);
        return d.clamp(1e-6, 1.0);
    }
    // Long values are compared on their first few thousand characters: enough to rank
    // near misses, and the diff stays cheap.
    let cut = |s: &str| s.chars().take(4000).collect::<String>();
    let (a, e) = (cut(actual), cut(expected));
    let ratio = similar::TextDiff::from_chars(a.as_str(), e.as_str()).ratio();
    (1.0 - f64::from(ratio)).clamp(0.0, 1.0).max(1e-6)
}

/// What the run returned on each example (value or exception), to tell whether a swap
/// changed the program's result.
pub fn results(report: &CheckReport) -> Vec<String> {
    let mut out: Vec<String> = report
        .results
        .iter()
        .map(|r| match (&r.error, &r.actual) {
            (Some(e), _) => format!("! {}", e.lines().next().unwrap_or("")),
            (None, Some(v)) => format!("= {v}"),
            (None, None) => "-".to_string(),
        })
        .collect();
    if let Some(f) = &report.fatal {
        out.push(format!("fatal {f}"));
    }
    out
}

/// One traced call of a hole: which hole, its arguments as a Python tuple, and what it
/// returned or raised.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub hole: String,
    pub input: String,
    pub raised: bool,
}

/// A traced call's arguments as a Python tuple expression, or `None` when a value was cut
/// (too long to rebuild).
pub fn input_of(event: &TraceEvent) -> Option<String> {
    if event.args.iter().any(|(_, v)| v.truncated) {
        return None;
    }
    let parts: Vec<&str> = event.args.iter().map(|(_, v)| v.src.as_str()).collect();
    Some(match parts.len() {
        0 => "()".to_string(),
        _ => format!("({},)", parts.join(", ")),
    })
}

/// Every hole call of the run, in call order, over all examples.
pub fn calls(report: &CheckReport) -> Vec<Call> {
    let mut out = Vec::new();
    for r in &report.results {
        for event in &r.trace {
            let Some(input) = input_of(event) else {
                continue;
            };
            out.push(Call {
                hole: event.function.clone(),
                input,
                raised: event.error.is_some(),
            });
        }
    }
    out
}

/// What every candidate of one hole did on the inputs probed so far.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub inputs: Vec<String>,
    /// `outcomes[candidate][input]`.
    pub outcomes: Vec<Vec<Outcome>>,
}

/// The swaps to try after a failed run of `base`, in the order of the run's hole calls:
/// for the first call of each searched hole where other groups answer differently on the
/// call's input, every such group's representative in place of the base's choice.
/// `holes[h]` names searched hole `h`; an input never probed counts as divergent for every
/// other group.
pub fn swaps(
    base: &[usize],
    holes: &[String],
    groups: &[Vec<Group>],
    tables: &[Table],
    run: &[Call],
) -> Vec<(usize, Vec<usize>)> {
    let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
    for call in run {
        let Some(h) = holes.iter().position(|id| *id == call.hole) else {
            continue;
        };
        if out.iter().any(|(seen, _)| *seen == h) {
            continue;
        }
        let table = &tables[h];
        let input = table.inputs.iter().position(|i| *i == call.input);
        let current = base[h];
        let own = groups[h].iter().position(|g| g.members.contains(&current));
        let alternatives: Vec<usize> = groups[h]
            .iter()
            .enumerate()
            .filter(|(g, _)| Some(*g) != own)
            .map(|(_, g)| g.representative())
            .filter(|&alt| match input {
                None => true,
                Some(i) => {
                    let a = table.outcomes.get(alt).and_then(|o| o.get(i));
                    let b = table.outcomes.get(current).and_then(|o| o.get(i));
                    match (a, b) {
                        (Some(a), Some(b)) => a != b || is_opaque(a),
                        _ => true,
                    }
                }
            })
            .collect();
        if !alternatives.is_empty() {
            out.push((h, alternatives));
        }
    }
    out
}

/// Holes to blame when no swap was tried: those that raised in the run first, then the
/// others from the last called (nearest the result) back.
pub fn suspects(run: &[Call], holes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for call in run.iter().filter(|c| c.raised) {
        if holes.contains(&call.hole) && !out.contains(&call.hole) {
            out.push(call.hole.clone());
        }
    }
    for call in run.iter().rev() {
        if holes.contains(&call.hole) && !out.contains(&call.hole) {
            out.push(call.hole.clone());
        }
    }
    for hole in holes {
        if !out.contains(hole) {
            out.push(hole.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::search::consensus::group;
    use pretty_assertions::assert_eq;

    fn call(hole: &str, input: &str) -> Call {
        Call {
            hole: hole.to_string(),
            input: input.to_string(),
            raised: false,
        }
    }

    fn table(inputs: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            outcomes: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn swaps_start_at_the_first_hole_whose_alternatives_answer_differently() {
        // `a` is called first but its two groups agree on the input it got in this run;
        // `b` is where the run could first go differently.
        let holes = vec!["a".to_string(), "b".to_string()];
        let tables = vec![
            table(&["(1,)", "(2,)"], &[&["= 1", "= 5"], &["= 1", "= 6"]]),
            table(&["(1,)"], &[&["= x"], &["= y"], &["= x"]]),
        ];
        let groups: Vec<Vec<Group>> = tables.iter().map(|t| group(&t.outcomes)).collect();
        let run = vec![call("a", "(1,)"), call("b", "(1,)"), call("a", "(1,)")];
        assert_eq!(
            swaps(&[0, 0], &holes, &groups, &tables, &run),
            vec![(1, vec![1])]
        );
    }

    #[test]
    fn an_unprobed_input_may_diverge_anywhere() {
        let holes = vec!["a".to_string()];
        let tables = vec![table(&["(1,)"], &[&["= 1"], &["= 2"], &["= 3"]])];
        let groups: Vec<Vec<Group>> = tables.iter().map(|t| group(&t.outcomes)).collect();
        let run = vec![call("a", "(9,)")];
        assert_eq!(
            swaps(&[1, 0, 0], &holes, &groups, &tables, &run),
            vec![(0, vec![0, 2])]
        );
    }

    #[test]
    fn closeness_counts_failures_then_distance() {
        use crate::engine::check::ExampleResult;
        let result = |actual: Option<&str>, passed: bool, error: Option<&str>| ExampleResult {
            call: "main()".into(),
            expected: Some("[1, 2, 3]".into()),
            actual: actual.map(str::to_string),
            passed,
            error: error.map(str::to_string),
            trace: Vec::new(),
        };
        let report = |results| CheckReport {
            results,
            fatal: None,
            needs_hole: None,
            stdout: String::new(),
            environment: None,
        };
        let near = Closeness::of(&report(vec![result(Some("[1, 2, 4]"), false, None)]));
        let far = Closeness::of(&report(vec![result(Some("'x'"), false, None)]));
        let raised = Closeness::of(&report(vec![result(None, false, Some("IndexError"))]));
        let two = Closeness::of(&report(vec![
            result(Some("[1, 2, 4]"), false, None),
            result(Some("[1, 2, 4]"), false, None),
        ]));
        assert!(near.better_than(&far));
        assert!(far.better_than(&raised));
        assert!(raised.better_than(&two));
        assert!(value_distance("2", "8") < value_distance("0", "8"));
    }

    #[test]
    fn suspects_put_the_hole_that_raised_first_then_the_last_called() {
        let holes: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let mut run = vec![call("a", "()"), call("b", "()"), call("c", "()")];
        assert_eq!(suspects(&run, &holes), vec!["c", "b", "a"]);
        run[0].raised = true;
        assert_eq!(suspects(&run, &holes), vec!["a", "c", "b"]);
    }
}
