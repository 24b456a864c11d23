//! Regression tests for verdicts through the `anpl` binary, each named after the defect it
//! pins: grids for ANPL programs, notes on types chosen by a rule, timed-out examples,
//! load-time holes, candidates deferred behind an empty hole, usage counts, unfilled holes
//! that say why, inline holes sharing a description, and identifiers in any script.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A fake model answering from `rules` (pairs of text to find and the code to answer),
/// logging every request it answers to `dir/requests.jsonl`.
fn server(dir: &Path, rules: &[(&str, &str)]) -> (Server, String) {
    let rules: Vec<serde_json::Value> = rules
        .iter()
        .map(|(contains, answer)| {
            let answer = if answer.contains("def ") {
                format!("Here you go:\n\n```python\n{answer}\n```\n")
            } else {
                answer.to_string()
            };
            serde_json::json!({"contains": contains, "answer": answer})
        })
        .collect();
    let table = dir.join("answers.json");
    std::fs::write(&table, serde_json::json!({ "rules": rules }).to_string()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_anpl-fake-model"))
        .arg(&table)
        .arg("--log")
        .arg(dir.join("requests.jsonl"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = format!("http://127.0.0.1:{}/v1", line.trim());
    (Server(child), base)
}

fn anpl(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anpl"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("ANPL_MODEL")
        .output()
        .unwrap()
}

fn compile(dir: &Path, base: &str, extra: &[&str]) -> (Output, serde_json::Value) {
    let mut args = vec![
        "compile",
        "prog.py",
        "--model",
        "openai-compatible:fake",
        "--base-url",
        base,
        "--max-retries",
        "0",
        "--json",
    ];
    args.extend(extra);
    let out = anpl(dir, &args);
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("no JSON ({e}): {}", text(&out));
    });
    (out, doc)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn requests(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("requests.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn unannotated_arc_main_receives_numpy_grids() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("prog.py"),
        "import numpy as np\n\ndef main(input):\n    h, w = input.shape\n    return np.where(input == 1, 2, input)\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("task.json"),
        r#"{"train": [{"input": [[1, 0], [0, 1]], "output": [[2, 0], [0, 2]]}], "test": [{"input": [[1, 3]], "output": [[2, 3]]}]}"#,
    )
    .unwrap();
    let out = anpl(dir.path(), &["run", "prog.py", "--examples", "task.json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("2 of 2 passed"), "{}", text(&out));
}

#[test]
fn a_type_chosen_by_the_grid_rule_is_named_in_the_failure_with_the_annotation_that_changes_it() {
    let dir = tempfile::tempdir().unwrap();
    let listy =
        "import numpy as np\n\ndef main(input):\n    input.append([0, 0])\n    return input\n";
    std::fs::write(dir.path().join("prog.py"), listy).unwrap();
    std::fs::write(
        dir.path().join("pair.json"),
        r#"{"input": [[1, 1]], "output": [[1, 1], [0, 0]]}"#,
    )
    .unwrap();
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
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("prog.py"),
        "def main(n):\n    \"\"\"Loops on 2.\n\n    >>> main(1)\n    1\n    >>> main(2)\n    2\n    >>> main(3)\n    3\n    \"\"\"\n    while n == 2:\n        pass\n    return n\n",
    )
    .unwrap();
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
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("prog.py"),
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
    )
    .unwrap();
    let (_server, base) = server(
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
    let out = anpl(
        dir.path(),
        &[
            "compile",
            "prog.py",
            "--model",
            "openai-compatible:fake",
            "--base-url",
            &base,
        ],
    );
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        !t.contains("rejected") && !t.contains("candidate failed"),
        "{t}"
    );
    assert!(t.contains("3 request(s)"), "{t}");
    // One greedy answer per hole, nothing burnt on samples or repairs.
    assert_eq!(requests(dir.path()).len(), 3, "{t}");
    let (_, doc) = compile(dir.path(), &base, &[]);
    assert_eq!(doc["success"], serde_json::json!(true), "{doc}");
}

#[test]
fn a_candidate_that_needed_an_unfilled_hole_is_rechecked_and_never_called_wrong() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("prog.py"),
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
    )
    .unwrap();
    let (_server, base) = server(
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
    let (out, doc) = compile(dir.path(), &base, &[]);
    let t = text(&out);
    assert_eq!(doc["success"], serde_json::json!(true), "{t}");
    let sent = requests(dir.path());
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
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("prog.py"),
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
    )
    .unwrap();
    let table = serde_json::json!({"rules": [
        {"contains": "def line_total", "answer": "```python\ndef line_total(item):\n    return item['qty'] * item['price']\n```"},
        {"contains": "def order_total", "answer": "```python\ndef order_total(order):\n    return sum(line_total(i) for i in order)\n```"},
        {"contains": "apply the ten percent discount", "answers": [
            "```python\ndef discount(total):\n    return total - 1\n```",
            "```python\ndef discount(total):\n    return total * 90 // 100\n```"
        ]}
    ]});
    std::fs::write(dir.path().join("answers.json"), table.to_string()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_anpl-fake-model"))
        .arg(dir.path().join("answers.json"))
        .arg("--log")
        .arg(dir.path().join("requests.jsonl"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _server = Server(child);
    let base = format!("http://127.0.0.1:{}/v1", line.trim());
    let (out, doc) = compile(dir.path(), &base, &[]);
    let t = text(&out);
    assert_eq!(doc["success"], serde_json::json!(true), "{t}");
    let sent = requests(dir.path()).len() as u64;
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
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("prog.py"),
        "def main(x):\n    return \"double the number\"(x)\n",
    )
    .unwrap();
    let (_server, base) = server(
        dir.path(),
        &[(
            "double the number",
            "I would rather not write code for that.",
        )],
    );
    let out = anpl(
        dir.path(),
        &[
            "compile",
            "prog.py",
            "--model",
            "openai-compatible:fake",
            "--base-url",
            &base,
            "--max-retries",
            "0",
        ],
    );
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
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("prog.py"),
        "def main(g, h):\n    a = \"the biggest object\"(g)\n    b = \"the biggest object\"(g, h)\n    return a, b\n",
    )
    .unwrap();
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
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("prog.py"),
        "def main(xs):\n    a = \"Grüße an alle Nutzer, höflich\"(xs)\n    return \"最大の物体を見つける。\"(a)\n",
    )
    .unwrap();
    let out = anpl(dir.path(), &["holes", "prog.py", "--json"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("grüße_an_alle_nutzer"), "{t}");
    assert!(t.contains("最大の物体を見つける"), "{t}");
    assert!(!t.contains("gr_e"), "{t}");
}
