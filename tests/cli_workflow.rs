//! The README's workflow through the real `anpl` binary: compile offline, run, trace,
//! export, and the exported program under plain pytest.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};

use support::bin::{anpl, repo_file, text};
use support::pytest::pytest;

fn quickstart(dir: &Path) -> PathBuf {
    let src = repo_file("examples/quickstart.py");
    let dest = dir.join("quickstart.py");
    std::fs::copy(src, &dest).unwrap();
    dest
}

#[test]
fn offline_compile_fills_the_quickstart_and_the_export_passes_pytest() {
    let dir = tempfile::tempdir().unwrap();
    quickstart(dir.path());
    let out = anpl(
        dir.path(),
        &["compile", "quickstart.py", "--synth-budget", "30"],
    );
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("working offline"), "{all}");
    assert!(all.contains("program examples: 2 of 2 pass"), "{all}");
    assert!(dir.path().join("sessions/quickstart.json").is_file());

    let run = anpl(dir.path(), &["run", "quickstart.py"]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(text(&run).contains("2 of 2 passed"));

    let trace = anpl(dir.path(), &["trace", "quickstart.py", "--example", "2"]);
    let t = text(&trace);
    assert!(trace.status.success(), "{t}");
    assert!(t.contains("long_words(ws=['tiny', 'cats', 'nap'])"), "{t}");
    assert!(t.contains("=> 'TINY, CATS!'"), "{t}");

    let export = anpl(dir.path(), &["export", "quickstart.py", "-o", "done.py"]);
    assert!(export.status.success(), "{}", text(&export));
    let program = std::fs::read_to_string(dir.path().join("done.py")).unwrap();
    assert!(!program.contains("anpl"));
    let (passed, out) = pytest(dir.path(), "test_done.py");
    assert!(passed, "{out}");
}

#[test]
fn run_reports_a_wrong_implementation_with_expected_and_actual() {
    let dir = tempfile::tempdir().unwrap();
    quickstart(dir.path());
    assert!(anpl(
        dir.path(),
        &["compile", "quickstart.py", "--synth-budget", "30"]
    )
    .status
    .success());
    // The user changes the program's expectation: now the saved holes give the wrong answer.
    let path = dir.path().join("quickstart.py");
    let source = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, source.replace("'TINY, CATS!'", "'TINY CATS!'")).unwrap();
    let run = anpl(dir.path(), &["run", "quickstart.py"]);
    let t = text(&run);
    assert_eq!(run.status.code(), Some(1), "{t}");
    assert!(t.contains("FAIL 2"), "{t}");
    assert!(t.contains("expected: 'TINY CATS!'"), "{t}");
    assert!(t.contains("actual:   'TINY, CATS!'"), "{t}");
}

#[test]
fn trace_of_an_unfilled_hole_says_so_and_keeps_the_calls_before_it() {
    let dir = tempfile::tempdir().unwrap();
    quickstart(dir.path());
    let trace = anpl(dir.path(), &["trace", "quickstart.py"]);
    let t = text(&trace);
    assert_eq!(trace.status.code(), Some(1), "{t}");
    assert!(t.contains("hole words is not implemented yet"), "{t}");
}

#[test]
fn bad_input_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    quickstart(dir.path());
    let cases: &[(&[&str], &str)] = &[
        (&["run", "missing.py"], "missing.py"),
        (
            &["trace", "quickstart.py", "--example", "9"],
            "has 2 example(s)",
        ),
        (
            &["trace", "quickstart.py", "--hole", "nope"],
            "no hole named `nope`",
        ),
        (
            &["export", "quickstart.py", "-o", "done.py"],
            "--allow-partial",
        ),
        (
            &["compile", "quickstart.py", "--model", "nonsense"],
            "provider",
        ),
    ];
    for (args, want) in cases {
        let out = anpl(dir.path(), args);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {t}");
        assert!(t.contains(want), "{args:?}: {t}");
        assert!(!t.contains("panicked"), "{args:?}: {t}");
    }
}

#[test]
fn a_corrupt_session_is_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    quickstart(dir.path());
    std::fs::create_dir_all(dir.path().join("sessions")).unwrap();
    let session = dir.path().join("sessions/quickstart.json");
    std::fs::write(&session, "{ not json").unwrap();
    let out = anpl(
        dir.path(),
        &["compile", "quickstart.py", "--synth-budget", "30"],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        t.contains("quickstart.json:1:3: the session file is corrupt"),
        "{t}"
    );
    assert_eq!(std::fs::read_to_string(&session).unwrap(), "{ not json");
}
