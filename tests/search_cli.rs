//! The combination search as a user meets it: `anpl compile` through the binary, real
//! `python3`, and a local model server over HTTP whose answers for each hole are listed in
//! order (the first answers the greedy request, the next ones the samples, as a model
//! answering right only some of the time would).

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Output;

use anpl::llm::fake_server::{FakeRule, FakeServer, FakeTable};
use support::bin::{command, output, text};
use support::model::rule;

const PIPELINE: &str = r#"def double_all(values: list[int]) -> list[int]:
    """Multiply every value by two."""


def drop_negatives(values: list[int]) -> list[int]:
    """Keep only the values that are zero or more."""


def total(values: list[int]) -> int:
    """The sum of the values."""


def main(values: list[int]) -> int:
    """Twice the sum of the values that are not negative.

    >>> main([1, -2, 3])
    8
    >>> main([-1, -1])
    0
    """
    return total(drop_negatives(double_all(values)))
"#;

const DOUBLE_WRONG: &str = "def double_all(values):\n    return [v + 2 for v in values]";
const DOUBLE_WRONG_2: &str = "def double_all(values):\n    return values * 2";
const DOUBLE_RIGHT: [&str; 3] = [
    "def double_all(values):\n    return [v * 2 for v in values]",
    "def double_all(values):\n    return [2 * v for v in values]",
    "def double_all(values):\n    return list(map(lambda v: v * 2, values))",
];
const DROP_WRONG: &str = "def drop_negatives(values):\n    return [v for v in values if v < 0]";
const DROP_WRONG_2: &str = "def drop_negatives(values):\n    return [abs(v) for v in values]";
const DROP_RIGHT: [&str; 3] = [
    "def drop_negatives(values):\n    return [v for v in values if v >= 0]",
    "def drop_negatives(values):\n    return list(filter(lambda v: v >= 0, values))",
    "def drop_negatives(values):\n    return [v for v in values if not v < 0]",
];
const TOTAL_WRONG: &str = "def total(values):\n    return len(values)";
const TOTAL_WRONG_2: &str = "def total(values):\n    return max(values, default=0)";
const TOTAL_RIGHT: [&str; 3] = [
    "def total(values):\n    return sum(values)",
    "def total(values):\n    out = 0\n    for v in values:\n        out += v\n    return out",
    "from functools import reduce\n\ndef total(values):\n    return reduce(lambda a, b: a + b, values, 0)",
];

/// Every hole's first answer wrong; most of the samples right, in different words.
fn first_answers_wrong() -> Vec<FakeRule> {
    vec![
        rule(
            "Multiply every value by two",
            &[
                DOUBLE_WRONG,
                DOUBLE_RIGHT[0],
                DOUBLE_WRONG_2,
                DOUBLE_RIGHT[1],
                DOUBLE_RIGHT[2],
                DOUBLE_WRONG,
            ],
        ),
        rule(
            "Keep only the values that are zero or more",
            &[
                DROP_WRONG,
                DROP_RIGHT[0],
                DROP_RIGHT[1],
                DROP_WRONG_2,
                DROP_RIGHT[2],
                DROP_WRONG,
            ],
        ),
        rule(
            "The sum of the values",
            &[
                TOTAL_WRONG,
                TOTAL_RIGHT[0],
                TOTAL_WRONG_2,
                TOTAL_RIGHT[1],
                TOTAL_WRONG,
                TOTAL_RIGHT[2],
            ],
        ),
    ]
}

struct Fixture {
    dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
    server: FakeServer,
}

impl Fixture {
    fn new(sketch: &str, rules: Vec<FakeRule>) -> Fixture {
        let dir = support::bin::dir_with(&[("prog.py", sketch)]);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = rt
            .block_on(FakeServer::start(FakeTable {
                rules,
                supports_n: true,
                ..FakeTable::default()
            }))
            .unwrap();
        Fixture { dir, rt, server }
    }

    fn anpl(&self, args: &[&str]) -> Output {
        let base = self.server.openai_base();
        let _guard = self.rt.enter();
        output(
            command(self.dir.path())
                .args(args)
                .args(["--model", "openai:gpt-test", "--base-url", &base])
                .env("OPENAI_API_KEY", "sk-test"),
        )
    }

    /// A command that takes no model flags.
    fn plain(&self, args: &[&str]) -> Output {
        output(command(self.dir.path()).args(args))
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

#[test]
fn three_holes_whose_first_answers_were_all_wrong_are_found_by_consensus() {
    let fx = Fixture::new(PIPELINE, first_answers_wrong());
    let out = fx.anpl(&["compile", "prog.py"]);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("program examples: 2 of 2 pass"), "{shown}");
    assert!(
        shown.contains("passed with the combination above"),
        "{shown}"
    );
    // Three right answers in different words behave alike: one group of three, tried first
    // (the repeated wrong answer is the same text, so one candidate).
    assert!(
        shown.contains("double_all      5 candidate(s) in 3 group(s) [3, 1, 1]; passing: group 1"),
        "{shown}"
    );
    assert!(
        shown.contains("requests: first answers 3, samples 3"),
        "{shown}"
    );
    // 3 greedy requests, then one request of 5 samples per hole.
    assert_eq!(fx.server.request_count(), 6);
    // Every hole's largest group was the right one.
    for hole in ["drop_negatives", "total"] {
        assert!(
            shown.contains(&format!(
                "{hole:<14}  5 candidate(s) in 3 group(s) [3, 1, 1]; passing: group 1"
            )),
            "{shown}"
        );
    }
    let run = fx.plain(&["run", "prog.py"]);
    assert!(run.status.success(), "{}", text(&run));
}

#[test]
fn a_recompile_resumes_the_search_without_a_request_when_the_candidates_suffice() {
    // `drop_negatives` is right only in a minority of its samples, so the first
    // combination (every hole's largest group) fails.
    let mut rules = first_answers_wrong();
    rules[1] = rule(
        "Keep only the values that are zero or more",
        &[
            DROP_WRONG,
            DROP_RIGHT[0],
            "def drop_negatives(values):\n    return [x for x in values if x < 0]",
            DROP_RIGHT[1],
            "def drop_negatives(values):\n    return list(filter(lambda v: v < 0, values))",
            DROP_WRONG_2,
        ],
    );
    let fx = Fixture::new(PIPELINE, rules);
    let json = |out: &Output| -> serde_json::Value {
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
    };
    // A budget of one program check: the candidates are drawn, one combination is tried.
    let first = fx.anpl(&["compile", "prog.py", "--search-budget", "1", "--json"]);
    let doc = json(&first);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    let requests = fx.server.request_count();
    assert_eq!(requests, 6);
    let search = &doc["report"]["search"];
    assert_eq!(search["budget"], 1);
    assert_eq!(search["tried"], 1);
    assert_eq!(search["stopped"], "budget");
    if search["passed"] == true {
        panic!("one check should not have been enough here: {doc:#}");
    }

    let second = fx.anpl(&["compile", "prog.py"]);
    let shown = text(&second);
    assert!(second.status.success(), "{shown}");
    assert!(shown.contains("resuming"), "{shown}");
    assert!(shown.contains("resumed from an earlier compile"), "{shown}");
    assert_eq!(fx.server.request_count(), requests, "{shown}");
}

#[test]
fn a_hole_no_sample_gets_right_is_repaired_from_its_traced_call() {
    // `total` is wrong in every sample; only a repair that shows it its traced call and
    // the program's expectation brings the right answer.
    let mut rules = first_answers_wrong();
    rules[0] = rule("Multiply every value by two", &[DOUBLE_RIGHT[0]]);
    rules[1] = rule(
        "Keep only the values that are zero or more",
        &[DROP_RIGHT[0]],
    );
    let mut total: Vec<&str> = vec![
        TOTAL_WRONG,
        TOTAL_WRONG_2,
        TOTAL_WRONG,
        TOTAL_WRONG_2,
        TOTAL_WRONG,
        TOTAL_WRONG_2,
    ];
    total.extend(TOTAL_RIGHT.iter().cycle().take(6));
    rules[2] = rule("The sum of the values", &total);
    let fx = Fixture::new(PIPELINE, rules);
    let out = fx.anpl(&["compile", "prog.py"]);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains("total") && shown.contains("blamed"),
        "{shown}"
    );
    let repairs: Vec<String> = fx
        .server
        .requests()
        .iter()
        .filter_map(|r| r.body["messages"].as_array().cloned())
        .filter(|m| m.iter().any(|m| m["role"] == "assistant"))
        .filter_map(|m| m.last()?["content"].as_str().map(str::to_string))
        .collect();
    assert_eq!(repairs.len(), 1, "{repairs:?}");
    let repair = &repairs[0];
    assert!(repair.contains("must return 8"), "{repair}");
    assert!(
        repair.contains("was called as `total(values=[2, 6])`"),
        "{repair}"
    );
    assert!(repair.trim_end().ends_with("```"), "{repair}");
    // Only the blamed hole was asked again: 3 first answers, 3 rounds of samples, then a
    // round of samples and a repair for `total`.
    assert_eq!(fx.server.request_count(), 8, "{shown}");
}

#[test]
fn regression_a_hole_failing_its_own_example_is_never_left_unchecked_with_exit_0() {
    // The search once swapped a hole that fails its own doctest for a candidate that made
    // the program pass, marked it `unchecked`, and exited 0.
    let sketch = r#"def scale(values: list[int]) -> list[int]:
    """Multiply every value by three.

    >>> scale([1, 2])
    [3, 6]
    """


def total(values: list[int]) -> int:
    """The sum of the values."""


def main(values: list[int]) -> int:
    """Three times the sum.

    >>> main([0, 0])
    0
    """
    return total(scale(values))
"#;
    let fx = Fixture::new(
        sketch,
        vec![
            rule(
                "Multiply every value by three",
                &[
                    "def scale(values):\n    return [v + 1 for v in values]",
                    "def scale(values):\n    return [v * 2 for v in values]",
                ],
            ),
            rule("The sum of the values", &[TOTAL_RIGHT[0]]),
        ],
    );
    let out = fx.anpl(&["compile", "prog.py", "--repair-rounds", "0"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("FAIL scale"), "{shown}");
    assert!(shown.contains("fails its own examples"), "{shown}");
    let again = fx.anpl(&["compile", "prog.py", "--repair-rounds", "0", "--json"]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    let doc: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(doc["success"], false);
    let statuses: Vec<(String, String)> = doc["report"]["holes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["hole"].as_str().unwrap().to_string(),
                h["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("scale".to_string(), "failing".to_string()),
            ("total".to_string(), "unchecked".to_string())
        ]
    );
}

#[test]
fn the_search_budget_is_a_flag_and_a_config_setting() {
    let fx = Fixture::new(PIPELINE, first_answers_wrong());
    std::fs::write(fx.path().join("anpl.toml"), "search_budget = 7\n").unwrap();
    let out = fx.anpl(&["models"]);
    let shown = text(&out);
    assert!(shown.contains("search_budget   7"), "{shown}");
    std::fs::write(fx.path().join("anpl.toml"), "search_budgt = 7\n").unwrap();
    let out = fx.anpl(&["models"]);
    assert!(
        text(&out).contains("did you mean `search_budget`"),
        "{}",
        text(&out)
    );
    std::fs::remove_file(fx.path().join("anpl.toml")).unwrap();
    let out = fx.anpl(&["models"]);
    assert!(
        text(&out).contains("search_budget   auto"),
        "{}",
        text(&out)
    );
}
