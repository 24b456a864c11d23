//! Exit codes through the real `anpl` binary (`docs/exit-codes.md`): a sketch error is 1 in
//! every command that opens a sketch, usage and I/O errors are 2, and Ctrl-C (SIGINT) during
//! a compile saves what it has and exits 130.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use anpl::llm::fake_server::{FakeRule, FakeServer, FakeTable, Fault};
use support::bin::{anpl, command, output, text};

// Regression: `check` and `holes` exited 1 on a syntax error, but `compile`, `run` and every
// other command that opens a sketch exited 2, the code for usage and I/O errors.
#[test]
fn syntax_error_exited_2_outside_check() {
    let dir = support::bin::dir_with(&[(
        "bad.py",
        "def main(x):\n    \"\"\"\n    >>> main(1)\n    1\n    \"\"\"\n    return (x\n",
    )]);
    let commands: &[&[&str]] = &[
        &["check", "bad.py"],
        &["holes", "bad.py"],
        &["compile", "bad.py"],
        &["run", "bad.py"],
        &["trace", "bad.py"],
        &["export", "bad.py", "-o", "out.py"],
        &["repl", "bad.py"],
        &["bad.py"],
    ];
    for args in commands {
        let out = anpl(dir.path(), args);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {t}");
        assert!(t.contains("bad.py:6:"), "{args:?}: {t}");
        assert!(
            !t.contains("error: bad.py"),
            "no prefix before the position: {t}"
        );
        assert!(!t.contains("panicked"), "{args:?}: {t}");
    }
    // Nothing was written for a sketch that did not parse.
    assert!(!dir.path().join("sessions").exists());
    assert!(!dir.path().join("out.py").exists());
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["run", "missing.py"], "missing.py: cannot read the sketch"),
        (
            &["check", "missing.py"],
            "missing.py: cannot read the sketch",
        ),
        (&["compile", "--no-such-flag", "x.py"], "--no-such-flag"),
        (&[], "Usage"),
    ];
    for (args, want) in cases {
        let out = anpl(dir.path(), args);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {t}");
        assert!(t.contains(want), "{args:?}: {t}");
        // An I/O cause is said once, not repeated by the error chain.
        assert!(t.matches("No such file").count() <= 1, "{t}");
    }
}

const TWO_HOLES: &str = r#"def first_step(x: int) -> int:
    """Add one to the number."""


def second_step(x: int) -> int:
    """Double the number."""


def main(x: int) -> int:
    return second_step(first_step(x))
"#;

/// Wait for `child` up to `limit`; `None` if it is still running.
async fn wait(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

// Regression: Ctrl-C during a compile waiting on a slow model exited 1 (or died by the
// signal), like a failed compile; it must save the hole already filled, leave no lock, and
// exit 130.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_during_compile_was_not_exit_130() {
    let table = FakeTable {
        rules: vec![
            FakeRule::new(
                "Add one to the number",
                "Here it is:\n```python\ndef first_step(x: int) -> int:\n    return x + 1\n```",
            ),
            FakeRule::new(
                "Double the number",
                "```python\ndef second_step(x: int) -> int:\n    return 2 * x\n```",
            ),
        ],
        ..FakeTable::default()
    };
    let server = FakeServer::start(table).await.unwrap();
    // The first request is answered at once, the second only after ten minutes.
    server.push_fault(Fault::Delay(Duration::ZERO));
    server.push_fault(Fault::Delay(Duration::from_secs(600)));
    let dir = support::bin::dir_with(&[("prog.py", TWO_HOLES)]);
    let mut child = command(dir.path())
        .args(["compile", "prog.py", "--jobs", "1", "--max-retries", "0"])
        .args(["--model", "openai-compatible:slow", "--base-url"])
        .arg(server.openai_base())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let session = dir.path().join("sessions/prog.json");
    let start = Instant::now();
    while server.request_count() < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the second request never came"
        );
        assert!(child.try_wait().unwrap().is_none(), "compile ended early");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The first hole was saved before the second was asked for.
    let saved = std::fs::read_to_string(&session).unwrap();
    assert!(saved.contains("return x + 1"), "{saved}");

    // SAFETY: kill(2) on the child's pid; no memory is shared.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(rc, 0);
    let code = wait(&mut child, Duration::from_secs(60)).await;
    if code.is_none() {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    let t = text(&out);
    assert_eq!(code, Some(130), "{t}");
    assert!(t.contains("interrupted"), "{t}");
    assert!(!t.contains("panicked"), "{t}");

    let session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&session).unwrap()).unwrap();
    let first = &session["holes"]["first_step"];
    assert_ne!(first["current"], serde_json::Value::Null, "{session:#}");
    assert_eq!(
        session["holes"]["second_step"]["current"],
        serde_json::Value::Null
    );
    assert_eq!(session["transcripts"].as_object().unwrap().len(), 1);
    assert!(!dir.path().join("sessions/prog.json.lock").exists());

    // What was saved is used: the next compile asks only for the second hole.
    let before = server.request_count();
    let out = output(
        command(dir.path())
            .args(["compile", "prog.py", "--jobs", "1", "--max-retries", "0"])
            .args(["--model", "openai-compatible:slow", "--base-url"])
            .arg(server.openai_base()),
    );
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    let asked: Vec<String> = server.requests()[before..]
        .iter()
        .map(|r| r.body.to_string())
        .collect();
    assert_eq!(asked.len(), 1, "{asked:#?}");
    assert!(asked[0].contains("Double the number"), "{asked:#?}");
}
