//! The sections built from example calls: the program's own examples (what the whole
//! program must produce, for a hole with no examples of its own) and, in a repair, the
//! failing call with its arguments and the expected and actual values.
//!
//! Both read an example's call text back into its arguments so each can be described on
//! its own line (ARC grids drawn as rows of digits) instead of as one long expression.

use crate::sketch::{Example, Hole, Sketch};

use super::section::{Section, SectionKind};
use super::values::{describe, describe_value, read, Lit};

/// Characters one value may take outside grids.
const VALUE_CHARS: usize = 400;

/// The entry's examples, when the hole has none of its own and is part of what the entry
/// runs.
pub fn program_examples(
    sketch: &Sketch,
    hole: &Hole,
    own_examples: &[Example],
    program: &[Example],
) -> Option<Section> {
    if !own_examples.is_empty() || program.is_empty() || hole.id == sketch.entry {
        return None;
    }
    if !sketch
        .holes_under(&sketch.entry)
        .contains(&hole.id.as_str())
    {
        return None;
    }
    let params = param_names(sketch, &sketch.entry);
    let items: Vec<String> = program
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut out = format!("Example {}: {}", i + 1, call_lines(&e.call, &params, "  "));
            out.push_str(&format!(
                "\n  expected result: {}",
                describe(&e.expected, false, VALUE_CHARS, "    ")
            ));
            out
        })
        .collect();
    let mut section = Section::new(
        SectionKind::ProgramExamples,
        format!(
            "The whole program (entry `{}`) must do this; `{}` is one step of it:",
            sketch.entry, hole.id
        ),
        items,
    );
    section.min_items = 1;
    Some(section)
}

fn param_names(sketch: &Sketch, name: &str) -> Vec<String> {
    sketch
        .params_of(name)
        .map(|ps| {
            ps.iter()
                .filter(|p| p.is_plain())
                .map(|p| p.name.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// `f(a, b)` followed by one line per argument describing it; the call as written when it
/// cannot be read.
pub fn call_lines(call: &str, params: &[String], indent: &str) -> String {
    let Lit::Call { name, args } = read(call) else {
        return crate::engine::repr::cut(call, VALUE_CHARS).into_owned();
    };
    let named: Vec<(String, Lit)> = args
        .into_iter()
        .enumerate()
        .map(|(i, (key, value))| {
            let label = key
                .or_else(|| params.get(i).cloned())
                .unwrap_or_else(|| format!("argument {}", i + 1));
            (label, value)
        })
        .collect();
    let labels: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
    let mut out = format!("{name}({})", labels.join(", "));
    for (label, value) in &named {
        out.push_str(&format!(
            "\n{indent}{label}: {}",
            describe_lit(value, &format!("{indent}  "))
        ));
    }
    out
}

fn describe_lit(value: &Lit, indent: &str) -> String {
    describe_value(value, false, VALUE_CHARS, indent)
}

/// The failing check of a repair: the call with its arguments described, the expected
/// value and the actual one (or the error, with its traceback on the sketch's lines).
pub fn failure(hole: &Hole, failure: &str, examples: &[Example]) -> Section {
    let params: Vec<String> = hole
        .params
        .iter()
        .filter(|p| p.is_plain())
        .map(|p| p.name.clone())
        .collect();
    // `describe_failure` starts with the call as written: find the example it was.
    let example = examples
        .iter()
        .filter(|e| failure.starts_with(e.call.as_str()))
        .max_by_key(|e| e.call.len());
    let text = match example {
        Some(e) => {
            let rest = &failure[e.call.len()..];
            let mut out = format!("Failing call: {}", call_lines(&e.call, &params, "  "));
            out.push_str(&format!(
                "\n  expected: {}",
                describe(&e.expected, false, VALUE_CHARS, "    ")
            ));
            match rest.split_once("actual:") {
                Some((_, actual)) => out.push_str(&format!(
                    "\n  actual: {}",
                    describe(actual.trim(), false, VALUE_CHARS, "    ")
                )),
                None => {
                    out.push('\n');
                    out.push_str(rest.trim_start());
                }
            }
            out
        }
        None => failure.trim_end().to_string(),
    };
    Section::new(
        SectionKind::Failure,
        "That implementation is wrong. When run, it failed like this:",
        vec![text],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::check::{describe_failure, ExampleResult};
    use crate::sketch::{parse_source, ParseOptions};
    use pretty_assertions::assert_eq;

    const ARC: &str = "import numpy as np\n\ndef main(input_grid: np.ndarray) -> np.ndarray:\n    return `flip the grid`(input_grid)\n";

    fn example(call: &str, expected: &str) -> Example {
        Example {
            call: call.into(),
            expected: expected.into(),
            ..Example::default()
        }
    }

    #[test]
    fn program_examples_draw_arc_grids_as_rows_of_digits() {
        let s = parse_source("arc.py", ARC, &ParseOptions::default()).unwrap();
        let hole = &s.holes[0];
        let program = vec![example(
            "main(np.array([[0, 1], [2, 3]]))",
            "np.array([[1, 0], [3, 2]])",
        )];
        let section = program_examples(&s, hole, &[], &program).unwrap();
        assert_eq!(
            section.items[0],
            "Example 1: main(input_grid)\n  input_grid: np.ndarray grid 2x2:\n    01\n    23\n  expected result: np.ndarray grid 2x2:\n    10\n    32"
        );
        // A hole with its own examples does not need them.
        assert!(program_examples(&s, hole, &program, &program).is_none());
    }

    #[test]
    fn a_failure_shows_the_call_arguments_expected_and_actual() {
        let s = parse_source("arc.py", ARC, &ParseOptions::default()).unwrap();
        let hole = &s.holes[0];
        let e = example("flip_the_grid([[1, 2]])", "[[2, 1]]");
        let text = describe_failure(&ExampleResult {
            call: e.call.clone(),
            expected: Some(e.expected.clone()),
            actual: Some("[[1, 2]]".into()),
            passed: false,
            error: None,
            trace: Vec::new(),
        });
        let section = failure(hole, &text, &[e]);
        assert_eq!(
            section.items[0],
            "Failing call: flip_the_grid(input_grid)\n  input_grid: list[list[int]] = [[1, 2]]\n  expected: list[list[int]] = [[2, 1]]\n  actual: list[list[int]] = [[1, 2]]"
        );
        let raised = failure(
            hole,
            "flip_the_grid([[1]]) raised ValueError: x",
            &[example("flip_the_grid([[1]])", "[[1]]")],
        );
        assert!(
            raised.items[0].ends_with("\nraised ValueError: x"),
            "{}",
            raised.items[0]
        );
    }
}
