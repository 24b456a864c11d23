//! The harness's own pieces, tested in Python: each script in `harness_selftest/` loads the
//! joined harness as a module (importing it runs nothing) and asserts what it promises.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use super::runner::HARNESS;

fn run(script: &str) {
    let dir = tempfile::tempdir().unwrap();
    let harness = dir.path().join("harness.py");
    let test = dir.path().join("test.py");
    std::fs::write(&harness, HARNESS).unwrap();
    std::fs::write(&test, script).unwrap();
    let out = Command::new("python3")
        .arg("-I")
        .arg(&test)
        .arg(&harness)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_tracers_binder_names_arguments_as_inspect_does() {
    run(include_str!("harness_selftest/bind.py"));
}
