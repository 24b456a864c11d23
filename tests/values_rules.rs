//! The equality rules of docs/values.md, case by case, through the `anpl` binary: every row
//! of the page's "Cases" table becomes an example of a small program, `anpl run` must give
//! the verdict the row states, and so must the pytest file `anpl export` writes. The page
//! and the behaviour cannot drift apart.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Output;

use support::bin::anpl;
use support::pytest::pytest_with;

struct Case {
    actual: String,
    expected: String,
    json: bool,
    pass: bool,
}

fn cases() -> Vec<Case> {
    let page = std::fs::read_to_string(support::bin::repo_file("docs/values.md")).unwrap();
    let table = page
        .split("### Cases")
        .nth(1)
        .expect("docs/values.md has a Cases table");
    let mut out = Vec::new();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 4, "row {line}");
        let code = |c: &str| c.trim_matches('`').to_string();
        out.push(Case {
            actual: code(cells[0]),
            expected: code(cells[1]),
            json: match cells[2] {
                "json" => true,
                "python" => false,
                other => panic!("row {line}: `as` must be python or json, not {other}"),
            },
            pass: match cells[3] {
                "pass" => true,
                "fail" => false,
                other => panic!("row {line}: verdict must be pass or fail, not {other}"),
            },
        });
    }
    assert!(
        out.len() >= 40,
        "the Cases table shrank to {} rows",
        out.len()
    );
    out
}

/// A program whose `main(i)` returns case i's actual value.
fn program(cases: &[&Case], doctests: bool) -> String {
    let mut out = String::from(
        "import numpy as np\nfrom collections import Counter\n\n\ndef main(case):\n    \"\"\"Return the value of one case.\n",
    );
    if doctests {
        out.push('\n');
        for (i, c) in cases.iter().enumerate() {
            out.push_str(&format!("    >>> main({i})\n    {}\n", c.expected));
        }
    }
    out.push_str("    \"\"\"\n    values = [\n");
    for c in cases {
        out.push_str(&format!("        lambda: {},\n", c.actual));
    }
    out.push_str("    ]\n    return values[case]()\n");
    out
}

/// Verdicts by example number, from `anpl run`'s `ok   N` / `FAIL N` lines.
fn verdicts(out: &Output) -> Vec<bool> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            if l.starts_with("ok ") {
                Some(true)
            } else if l.starts_with("FAIL ") {
                Some(false)
            } else {
                None
            }
        })
        .collect()
}

/// Pass/fail of each exported test, by case index, from `pytest -rA` output.
fn pytest_verdicts(dir: &Path, tests: &str, n: usize) -> Vec<Option<bool>> {
    let out = pytest_with(dir, tests, &["-rA"]);
    let text = String::from_utf8_lossy(&out.stdout);
    (1..=n)
        .map(|i| {
            let name = format!("::test_main_{i} ");
            text.lines().find_map(|l| {
                let l = format!("{l} ");
                if !l.contains(&name) {
                    None
                } else if l.starts_with("PASSED") {
                    Some(true)
                } else if l.starts_with("FAILED") {
                    Some(false)
                } else {
                    None
                }
            })
        })
        .collect()
}

fn check(json: bool) {
    let all = cases();
    let chosen: Vec<&Case> = all.iter().filter(|c| c.json == json).collect();
    let dir = support::bin::dir_with(&[("cases.py", &program(&chosen, !json))]);
    let mut args = vec!["run", "cases.py"];
    if json {
        let examples: Vec<String> = chosen
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    "{{\"inputs\": {{\"case\": {i}}}, \"output\": {}}}",
                    c.expected
                )
            })
            .collect();
        std::fs::write(
            dir.path().join("cases.json"),
            format!("{{\"examples\": [{}]}}", examples.join(",\n")),
        )
        .unwrap();
        args.extend(["--examples", "cases.json"]);
    }
    let out = anpl(dir.path(), &args);
    let got = verdicts(&out);
    assert_eq!(
        got.len(),
        chosen.len(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Some cases fail on purpose: the exported tests must fail exactly where anpl's did.
    let mut export_args = vec![
        "export",
        "cases.py",
        "-o",
        "cases_done.py",
        "--allow-failing",
    ];
    if json {
        export_args.extend(["--examples", "cases.json"]);
    }
    let export = anpl(dir.path(), &export_args);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let exported = pytest_verdicts(dir.path(), "test_cases_done.py", chosen.len());
    let mut wrong = Vec::new();
    for (i, c) in chosen.iter().enumerate() {
        let want = if c.pass { "pass" } else { "fail" };
        if got[i] != c.pass {
            wrong.push(format!(
                "anpl run: {} against {} ({}) should {want}",
                c.actual,
                c.expected,
                if json { "json" } else { "python" }
            ));
        }
        if exported[i] != Some(c.pass) {
            wrong.push(format!(
                "exported pytest: {} against {} should {want}, got {:?}",
                c.actual, c.expected, exported[i]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn python_examples_follow_the_documented_equality_rules() {
    check(false);
}

#[test]
fn json_examples_follow_the_documented_equality_rules() {
    check(true);
}

#[test]
fn numpy_scalar_against_a_grid_fails_whatever_the_return_annotation() {
    let dir = tempfile::tempdir().unwrap();
    for (name, returns) in [
        ("plain", ""),
        ("array", " -> np.ndarray"),
        ("listed", " -> list"),
    ] {
        let source = format!(
            "import numpy as np\n\n\ndef main(xs){returns}:\n    \"\"\"A grid.\"\"\"\n    return np.int64(1)\n"
        );
        std::fs::write(dir.path().join(format!("{name}.py")), source).unwrap();
    }
    std::fs::write(
        dir.path().join("pair.json"),
        r#"{"input": [[1, 1], [1, 1]], "output": [[1, 1], [1, 1]]}"#,
    )
    .unwrap();
    for name in ["plain", "array", "listed"] {
        let out = anpl(
            dir.path(),
            &["run", &format!("{name}.py"), "--examples", "pair.json"],
        );
        assert_eq!(
            verdicts(&out),
            vec![false],
            "{name}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(out.status.code(), Some(1));
    }
}
