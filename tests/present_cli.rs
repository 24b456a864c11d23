//! Values as they are, through the real binary: `run`, `trace` and the REPL's `show` and
//! `trace` print what Python returned byte for byte (two spaces stay two spaces; a string
//! holding `], [` is never split), lay long values out from their structure, cut what is
//! too long with a marker saying how much, and leave the whole value to `--json`. The
//! holes are filled by the offline synthesizer, so no model is needed.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Output;

use support::bin::{anpl_stdin, text};

const SPREAD: &str = r#"def spread(s: str) -> str:
    """Return the text as it is.

    >>> spread('a')
    'a'
    >>> spread('b  c')
    'b  c'
    """


def main(s: str) -> list:
    """Twelve copies of the text.

    >>> main('x  y')
    ['x  y!']
    """
    return [spread(s)] * (1 if len(s) < 5 else 12)
"#;

fn anpl(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    anpl_stdin(dir, args, stdin.unwrap_or(""))
}

/// The sketch in a fresh directory with its holes filled offline.
fn compiled() -> tempfile::TempDir {
    let dir = support::bin::dir_with(&[("prog.py", SPREAD)]);
    let out = anpl(
        dir.path(),
        &["compile", "prog.py", "--synth-budget", "20"],
        None,
    );
    let all = text(&out);
    assert!(all.contains("spread"), "{all}");
    assert!(
        !all.contains("not filled"),
        "the synthesizer fills spread: {all}"
    );
    dir
}

#[test]
fn double_spaces_in_values_are_kept_by_run_trace_and_show() {
    let dir = compiled();
    let run = text(&anpl(dir.path(), &["run", "prog.py"], None));
    assert!(run.contains("FAIL 1  main('x  y')"), "{run}");
    assert!(run.contains("expected: ['x  y!']"), "{run}");
    assert!(run.contains("actual:   ['x  y']"), "{run}");

    let trace = text(&anpl(dir.path(), &["trace", "prog.py"], None));
    assert!(trace.contains("#0 spread(s='x  y')"), "{trace}");
    assert!(trace.contains("-> 'x  y'"), "{trace}");
    assert!(trace.contains("=> ['x  y']"), "{trace}");
    assert!(trace.contains("expected ['x  y!']"), "{trace}");

    let repl = text(&anpl(
        dir.path(),
        &["repl", "prog.py"],
        Some("show spread\ntrace\n"),
    ));
    assert!(repl.contains("ok   2  spread('b  c')"), "{repl}");
    assert!(repl.contains("#0 spread(s='x  y')"), "{repl}");
    assert!(repl.contains("=> ['x  y']"), "{repl}");
    for out in [&run, &trace, &repl] {
        assert!(!out.contains("'x y"), "a collapsed space: {out}");
    }
}

#[test]
fn a_string_holding_brackets_is_never_split_and_long_values_are_laid_out() {
    let dir = compiled();
    let call = "main('a], [b')";
    let trace = anpl(dir.path(), &["trace", "prog.py", "--call", call], None);
    let t = text(&trace);
    assert!(trace.status.success(), "{t}");
    // Twelve copies do not fit one line: broken between items, each string whole (the
    // call, the hole's argument and result, then the twelve).
    assert!(
        t.lines().filter(|l| l.contains("'a], [b'")).count() >= 5,
        "{t}"
    );
    assert_eq!(t.matches("'a], [b'").count(), 15, "{t}");
    assert!(t.starts_with(call), "{t}");
    assert!(t.contains("=> ['a], [b',"), "{t}");
    assert!(!t.contains("'a],\n"), "a string split at `], [`: {t}");

    // Too long for a line: cut, saying how much, and whole in --json.
    let long = format!("main('{}')", "q  ".repeat(60));
    let trace = text(&anpl(
        dir.path(),
        &["trace", "prog.py", "--call", &long],
        None,
    ));
    assert!(trace.contains(" chars]"), "{trace}");
    assert!(trace.contains("spread(s='q  q  q  "), "{trace}");
    let json = anpl(
        dir.path(),
        &["trace", "prog.py", "--call", &long, "--json"],
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let arg = &doc["report"]["results"][0]["trace"][0]["args"][0][1]["src"];
    assert_eq!(arg, &format!("'{}'", "q  ".repeat(60)));
}
