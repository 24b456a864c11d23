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

/// A user's home as a test builds it: secrets where real ones live, another project, and
/// the sketch's project `proj` (a git repository) with a sibling module and a data file.
pub struct Home {
    pub _dir: tempfile::TempDir,
    pub home: PathBuf,
    pub project: PathBuf,
}

pub const SECRET: &str = "anpl-test-secret-7f3a";

pub fn write_file(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

impl Home {
    pub fn new() -> Home {
        let dir = temp_dir();
        let home = dir
            .path()
            .canonicalize()
            .unwrap_or_else(|e| panic!("{e}"))
            .join("home/me");
        write_file(
            &home.join(".ssh/id_rsa"),
            &format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{SECRET}\n"),
        );
        write_file(
            &home.join(".config/anpl/config.toml"),
            &format!("model = \"openai:gpt-4o\"\n[providers.openai]\napi_key = \"sk-{SECRET}\"\n"),
        );
        write_file(&home.join(".aws/credentials"), SECRET);
        write_file(&home.join(".bash_history"), SECRET);
        write_file(&home.join("other-project/notes.txt"), SECRET);
        let project = home.join("proj");
        std::fs::create_dir_all(project.join(".git")).unwrap_or_else(|e| panic!("{e}"));
        write_file(&project.join(".git/config"), SECRET);
        write_file(&project.join(".env"), SECRET);
        write_file(
            &project.join("helpers.py"),
            "def double(x):\n    return 2 * x\n",
        );
        write_file(&project.join("data.csv"), "name,age\nada,36\n");
        write_file(&project.join("sketch.py"), "from helpers import double\n");
        Home {
            _dir: dir,
            home,
            project,
        }
    }

    /// The pool as `anpl` configures it for `sketch`, with this home as `HOME`.
    pub fn config(&self, sketch: &Path) -> ExecConfig {
        self.config_with(sketch, &anpl::exec::SandboxFlags::default())
    }

    pub fn config_with(&self, sketch: &Path, flags: &anpl::exec::SandboxFlags) -> ExecConfig {
        let mut env = base_env();
        env.push(("HOME".into(), self.home.clone().into_os_string()));
        let mut config = ExecConfig::for_sketch(sketch, None, flags, env);
        assert_eq!(config.problem, None);
        config.workers = 1;
        config.timeout = Duration::from_secs(2);
        config
    }
}

/// The text a call returned, or its exception's type and message.
pub fn answer(outcome: &CheckOutcome, i: usize) -> String {
    match outcome.calls.get(i) {
        Some(c) => match (&c.value, &c.error) {
            (Some(v), _) => v.src.clone(),
            (None, Some(e)) => format!("{}: {}", e.exc_type, e.message),
            (None, None) => format!("{outcome:#?}"),
        },
        None => format!("call {i} did not run: {outcome:#?}"),
    }
}
