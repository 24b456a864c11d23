//! Regression tests for verdicts through the `anpl` binary, each named after the defect it
//! pins: grids for ANPL programs, notes on types chosen by a rule, timed-out examples,
//! load-time holes, candidates deferred behind an empty hole, usage counts, unfilled holes
//! that say why, inline holes sharing a description, and identifiers in any script.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Output;

use support::bin::{anpl, dir_with, text};
use support::fake_model::FakeModel;

/// `anpl compile prog.py` against the fake model at `base`, plus `extra` flags.
fn compile_out(dir: &Path, base: &str, extra: &[&str]) -> Output {
    let model = [
        "compile",
        "prog.py",
        "--model",
        "openai-compatible:fake",
        "--base-url",
        base,
    ];
    anpl(dir, &[&model[..], extra].concat())
}

/// `compile_out` without retries and with `--json`: the output and its JSON document.
fn compile(dir: &Path, base: &str, extra: &[&str]) -> (Output, serde_json::Value) {
    let out = compile_out(
        dir,
        base,
        &[&["--max-retries", "0", "--json"], extra].concat(),
    );
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("no JSON ({e}): {}", text(&out));
    });
    (out, doc)
}

#[test]
fn unannotated_arc_main_receives_numpy_grids() {
    let dir = dir_with(&[
        (
            "prog.py",
            "import numpy as np\n\ndef main(input):\n    h, w = input.shape\n    return np.where(input == 1, 2, input)\n",
        ),
        (
            "task.json",
            r#"{"train": [{"input": [[1, 0], [0, 1]], "output": [[2, 0], [0, 2]]}], "test": [{"input": [[1, 3]], "output": [[2, 3]]}]}"#,
        ),
    ]);
    let out = anpl(dir.path(), &["run", "prog.py", "--examples", "task.json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("2 of 2 passed"), "{}", text(&out));
}

#[test]
fn a_type_chosen_by_the_grid_rule_is_named_in_the_failure_with_the_annotation_that_changes_it() {
    let listy =
        "import numpy as np\n\ndef main(input):\n    input.append([0, 0])\n    return input\n";
    let dir = dir_with(&[
        ("prog.py", listy),
        (
            "pair.json",
            r#"{"input": [[1, 1]], "output": [[1, 1], [0, 0]]}"#,
        ),
    ]);
    let out = anpl(dir.path(), &["run", "prog.py", "--examples", "pair.json"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("note: `input` received an np.ndarray"), "{t}");
    assert!(t.contains("annotate `input: list`"), "{t}");
    // The advice works: with the annotation the same program passes.
    std::fs::write(
        dir.path().join("prog.py"),
        listy.replace("def main(input):", "def main(input: list):"),
    )
    .unwrap();
    let out = anpl(dir.path(), &["run", "prog.py", "--examples", "pair.json"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn a_timed_out_example_says_it_timed_out_instead_of_a_one_sided_diff() {
    let dir = dir_with(&[(
        "prog.py",
        "def main(n):\n    \"\"\"Loops on 2.\n\n    >>> main(1)\n    1\n    >>> main(2)\n    2\n    >>> main(3)\n    3\n    \"\"\"\n    while n == 2:\n        pass\n    return n\n",
    )]);
    let out = anpl(dir.path(), &["run", "prog.py", "--check-timeout", "1"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("the call was stopped: the run timed out after 1 s (the limit per check; --check-timeout SECS changes it)"),
        "{t}"
    );
    assert!(
        t.contains("not run: the run stopped before reaching it; it timed out after 1 s"),
        "{t}"
    );
    assert!(!t.contains("actual:"), "{t}");
    assert!(t.contains("1 of 3 passed"), "{t}");
}

#[test]
fn a_load_time_hole_is_filled_first_and_no_other_candidate_is_rejected_for_it() {
    let dir = dir_with(&[(
        "prog.py",
        r#"UNIT = "the unit suffix for prices, a string"()


def price(cents, unit=`the currency symbol`()):
    """Format a price.

    >>> price(250)
    '€2.50 EUR'
    """
    return f'{unit}{"cents as euros with two decimals"(cents)}{UNIT}'


def main(cents):
    """Format a price.

    >>> main(5)
    '€0.05 EUR'
    """
    return price(cents)
"#,
    )]);
    let server = FakeModel::answering(
        dir.path(),
        &[
            ("the unit suffix", "def unit():\n    return ' EUR'"),
            ("the currency symbol", "def symbol():\n    return '€'"),
            (
                "cents as euros",
                "def euros(cents):\n    return f'{cents / 100:.2f}'",
            ),
        ],
    );
    let base = server.base();
    let out = compile_out(dir.path(), &base, &[]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        !t.contains("rejected") && !t.contains("candidate failed"),
        "{t}"
    );
    assert!(t.contains("3 request(s)"), "{t}");
    // One greedy answer per hole, nothing burnt on samples or repairs.
    assert_eq!(server.requests().len(), 3, "{t}");
    let (_, doc) = compile(dir.path(), &base, &[]);
    assert_eq!(doc["success"], serde_json::json!(true), "{doc}");
}

#[test]
fn a_candidate_that_needed_an_unfilled_hole_is_rechecked_and_never_called_wrong() {
    let dir = dir_with(&[(
        "prog.py",
        r#"def line_total(item):
    """Quantity times unit price.

    >>> line_total({'qty': 2, 'price': 3})
    6
    """


def order_total(order):
    """The sum of the order's line totals.

    >>> order_total([{'qty': 2, 'price': 3}, {'qty': 1, 'price': 4}])
    10
    """


def main(order):
    """Total.

    >>> main([{'qty': 3, 'price': 1}])
    3
    """
    return order_total(order)
"#,
    )]);
    let server = FakeModel::answering(
        dir.path(),
        &[
            (
                "def line_total",
                "def line_total(item):\n    return item['qty'] * item['price']",
            ),
            (
                "def order_total",
                "def order_total(order):\n    return sum(line_total(i) for i in order)",
            ),
        ],
    );
    let base = server.base();
    let (out, doc) = compile(dir.path(), &base, &[]);
    let t = text(&out);
    assert_eq!(doc["success"], serde_json::json!(true), "{t}");
    let sent = server.requests();
    assert!(
        sent.iter()
            .all(|r| !r.to_string().contains("That implementation is wrong")),
        "a repair prompt blamed a candidate for another hole's state: {sent:?}"
    );
    // One answer each, plus the round of samples a hole with fewer than three examples gets
    // to ask questions from (docs/questions.md); every one of them is counted.
    assert_eq!(
        sent.len() as u64,
        doc["report"]["usage"]["requests"].as_u64().unwrap_or(0),
        "{t}"
    );
    assert!(sent.len() <= 4, "{t}");
    let statuses: Vec<String> = doc["report"]["holes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}={}",
                h["hole"].as_str().unwrap(),
                h["status"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        statuses,
        // One example each: passing, but a guess until more pin them down.
        vec!["line_total=guess", "order_total=guess"],
        "{t}"
    );
}

#[test]
fn a_compile_with_resumed_holes_and_combination_sampling_counts_every_request() {
    let dir = dir_with(&[(
        "prog.py",
        r#"def line_total(item):
    """Quantity times unit price.

    >>> line_total({'qty': 2, 'price': 3})
    6
    """


def order_total(order):
    """The sum of the order's line totals.

    >>> order_total([{'qty': 2, 'price': 3}])
    6
    """


def main(order):
    """Total with a discount.

    >>> main([{'qty': 10, 'price': 10}])
    90
    """
    return "apply the ten percent discount"(order_total(order))
"#,
    )]);
    let table = serde_json::json!({"rules": [
        {"contains": "def line_total", "answer": "```python\ndef line_total(item):\n    return item['qty'] * item['price']\n```"},
        {"contains": "def order_total", "answer": "```python\ndef order_total(order):\n    return sum(line_total(i) for i in order)\n```"},
        {"contains": "apply the ten percent discount", "answers": [
            "```python\ndef discount(total):\n    return total - 1\n```",
            "```python\ndef discount(total):\n    return total * 90 // 100\n```"
        ]}
    ]});
    let server = FakeModel::serve(dir.path(), &table);
    let base = server.base();
    let (out, doc) = compile(dir.path(), &base, &[]);
    let t = text(&out);
    assert_eq!(doc["success"], serde_json::json!(true), "{t}");
    let sent = server.requests().len() as u64;
    assert!(sent >= 4, "the combination search drew no samples: {t}");
    assert_eq!(
        doc["report"]["usage"]["requests"].as_u64(),
        Some(sent),
        "{t}"
    );
    let per_hole: u64 = doc["report"]["holes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["usage"]["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(per_hole, sent, "{t}");
    let session: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("sessions/prog.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        session["usage"]["requests"].as_u64(),
        Some(sent),
        "{session}"
    );
}

#[test]
fn a_hole_whose_answers_are_all_rejected_says_how_many_and_why() {
    let dir = dir_with(&[(
        "prog.py",
        "def main(x):\n    return \"double the number\"(x)\n",
    )]);
    let server = FakeModel::answering(
        dir.path(),
        &[(
            "double the number",
            "I would rather not write code for that.",
        )],
    );
    let base = server.base();
    let out = compile_out(dir.path(), &base, &["--max-retries", "0"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    let line = t
        .lines()
        .find(|l| l.contains("not filled:"))
        .unwrap_or_else(|| panic!("{t}"));
    assert!(
        line.contains("answers were rejected") || line.contains("only answer was rejected"),
        "{line}"
    );
}

#[test]
fn inline_holes_sharing_a_description_with_different_uses_are_reported_with_both_places() {
    let dir = dir_with(&[(
        "prog.py",
        "def main(g, h):\n    a = \"the biggest object\"(g)\n    b = \"the biggest object\"(g, h)\n    return a, b\n",
    )]);
    let out = anpl(dir.path(), &["check", "prog.py"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("prog.py:3:"), "{t}");
    assert!(t.contains("the one at 2:"), "{t}");
    assert!(t.contains("give each its own description"), "{t}");

    std::fs::write(
        dir.path().join("prog.py"),
        "def main(g):\n    a, b = \"split the grid\"(g)\n    x, y, z = \"split the grid\"(g)\n    return a\n",
    )
    .unwrap();
    let out = anpl(dir.path(), &["check", "prog.py"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("unpacked into 3 names here and into 2 there"),
        "{t}"
    );
}

#[test]
fn descriptions_in_any_script_give_readable_hole_identifiers() {
    let dir = dir_with(&[(
        "prog.py",
        "def main(xs):\n    a = \"Grüße an alle Nutzer, höflich\"(xs)\n    return \"最大の物体を見つける。\"(a)\n",
    )]);
    let out = anpl(dir.path(), &["holes", "prog.py", "--json"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("grüße_an_alle_nutzer"), "{t}");
    assert!(t.contains("最大の物体を見つける"), "{t}");
    assert!(!t.contains("gr_e"), "{t}");
}
