//! Shared setup for the exec integration tests: a real `python3` worker pool with explicit
//! configuration (the tests never read or change the process environment for settings).

#![allow(dead_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anpl::exec::{CallSpec, CheckOutcome, CheckRequest, ExecConfig, Runner};

/// The test process's PATH and LANG only: enough to find python3, nothing secret.
pub fn base_env() -> Vec<(OsString, OsString)> {
    std::env::vars_os()
        .filter(|(k, _)| k == "PATH" || k == "LANG")
        .collect()
}

pub fn config(workers: usize) -> ExecConfig {
    let mut config = ExecConfig::new(PathBuf::from("python3"), base_env());
    config.workers = workers;
    config.timeout = Duration::from_secs(2);
    config
}

pub async fn runner(config: ExecConfig, prelude: &str) -> Runner {
    match Runner::start(config, prelude).await {
        Ok(r) => r,
        Err(e) => panic!("runner failed to start: {e}"),
    }
}

pub fn request(program: &str, calls: &[(&str, Option<&str>)]) -> CheckRequest {
    CheckRequest {
        program: program.to_string(),
        traced: Vec::new(),
        calls: calls.iter().map(|(c, e)| CallSpec::new(*c, *e)).collect(),
        stop_at_first_failure: false,
    }
}

pub async fn check(runner: &Runner, request: &CheckRequest) -> CheckOutcome {
    match runner.check(request).await {
        Ok(o) => o,
        Err(e) => panic!("check failed to run: {e}"),
    }
}

/// The value source of call `i`, or a panic naming what happened instead.
pub fn value(outcome: &CheckOutcome, i: usize) -> String {
    match outcome.calls.get(i).and_then(|c| c.value.as_ref()) {
        Some(v) => v.src.clone(),
        None => panic!("call {i} has no value: {outcome:#?}"),
    }
}

pub fn error_type(outcome: &CheckOutcome, i: usize) -> String {
    match outcome.calls.get(i).and_then(|c| c.error.as_ref()) {
        Some(e) => e.exc_type.clone(),
        None => panic!("call {i} raised nothing: {outcome:#?}"),
    }
}

pub fn require_layer(runner: &Runner, name: &str) {
    let report = runner.sandbox_report();
    match report.layer(name) {
        Some(l) if l.active => {}
        other => panic!("this test needs the sandbox layer {name:?}: {other:?}"),
    }
}

pub fn temp_dir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    }
}

pub fn py_str(path: &Path) -> String {
    format!("{:?}", path.to_string_lossy())
}
