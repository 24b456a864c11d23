//! Running where a layer is missing (issue 12): no `unshare` on PATH (macOS, minimal
//! images), namespaces refused by the kernel, no Landlock. The pool must start with the
//! layers it has, name each missing one with its reason, keep secrets out with what remains,
//! and never fail with an empty message. CI runs this file as root and as an ordinary user.

mod exec_support;

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anpl::exec::{ExecConfig, ExecError, Runner, Verdict};
use exec_support::*;

/// The interpreter itself (not a shim that needs PATH), so tests can empty PATH.
fn real_python() -> PathBuf {
    let out = std::process::Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    write_file(&path, body);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    path
}

/// `home`'s configuration with `path` as the only PATH the pool sees.
fn with_path(home: &Home, path: &Path) -> ExecConfig {
    let mut config = home.config(&home.project.join("sketch.py"));
    config.python = real_python();
    config.base_env = vec![
        (OsString::from("PATH"), path.as_os_str().to_owned()),
        (OsString::from("HOME"), home.home.clone().into_os_string()),
    ];
    config
}

/// What must hold whatever layers are missing: honest checks pass, a loop times out, the
/// report names what is missing, and (where the kernel has Landlock) secrets stay unreadable
/// and the project unwritable.
async fn smoke(runner: &Runner, home: &Home, missing_because: &str) {
    let report = runner.sandbox_report();
    let warnings = report.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("process-tree kill") && w.contains(missing_because)),
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().all(|w| !w.trim_end().ends_with(':')),
        "{warnings:#?}"
    );
    let req = request(
        "from helpers import double\ndef f(x):\n    return double(x)\n",
        &[("f(21)", Some("42"))],
    );
    let outcome = check(runner, &req).await;
    assert!(outcome.passed(&req), "{outcome:#?}");
    let looping = request(
        "def f():\n    while True:\n        pass\n",
        &[("f()", None)],
    );
    let outcome = check(runner, &looping).await;
    assert_eq!(outcome.verdict, Verdict::Timeout { seconds: 2.0 });
    if report
        .layer("reads limited to the project and Python")
        .is_some_and(|l| l.active)
    {
        let program = format!(
            "def f():\n    return open({}).read()\ndef g():\n    open('helpers.py', 'w').write('x')\n",
            py_str(&home.home.join(".ssh/id_rsa"))
        );
        let outcome = check(runner, &request(&program, &[("f()", None), ("g()", None)])).await;
        assert!(
            answer(&outcome, 0).starts_with("PermissionError"),
            "{outcome:#?}"
        );
        assert!(
            answer(&outcome, 1).starts_with("PermissionError"),
            "{outcome:#?}"
        );
    } else {
        eprintln!("NOTE: this kernel has no Landlock; the read checks ran in other tests");
    }
}

#[tokio::test]
async fn checks_run_without_unshare_on_path() {
    let home = Home::new();
    let bin = temp_dir();
    let runner = runner(with_path(&home, bin.path()), "from helpers import double\n").await;
    smoke(&runner, &home, "`unshare` was not found on PATH").await;
}

#[tokio::test]
async fn checks_run_when_namespaces_are_refused() {
    let home = Home::new();
    let bin = temp_dir();
    // what util-linux prints where user namespaces are disabled or seccomp forbids unshare(2)
    script(
        bin.path(),
        "unshare",
        "#!/bin/sh\necho 'unshare: unshare failed: Operation not permitted' >&2\nexit 1\n",
    );
    let runner = runner(with_path(&home, bin.path()), "from helpers import double\n").await;
    smoke(&runner, &home, "unshare failed: Operation not permitted").await;
}

#[tokio::test]
async fn without_landlock_the_mount_fallback_hides_the_home() {
    let home = Home::new();
    let mut config = home.config(&home.project.join("sketch.py"));
    config.sandbox.landlock = false;
    let runner = runner(config, "").await;
    let reads = runner
        .sandbox_report()
        .layer("reads limited to the project and Python")
        .cloned();
    if !runner
        .sandbox_report()
        .layer("private /proc")
        .is_some_and(|l| l.active)
    {
        // no mount namespace either: the report must say reads are not limited
        assert!(reads.is_some_and(|l| !l.active && l.detail.contains("every file")));
        return;
    }
    assert!(reads.is_some_and(|l| l.active && l.detail.contains("mount namespace")));
    let program = "def f(path):\n    try:\n        return open(path).read()\n    except OSError as e:\n        return type(e).__name__\n";
    let secrets = [
        home.home.join(".ssh/id_rsa"),
        home.home.join(".config/anpl/config.toml"),
        home.home.join("other-project/notes.txt"),
        home.project.join(".env"),
    ];
    let calls: Vec<String> = secrets
        .iter()
        .map(|p| format!("f({})", py_str(p)))
        .collect();
    let mut specs: Vec<(&str, Option<&str>)> = calls.iter().map(|c| (c.as_str(), None)).collect();
    specs.push(("f('data.csv')", Some("'name,age\\nada,36\\n'")));
    let outcome = check(&runner, &request(program, &specs)).await;
    for (i, call) in calls.iter().enumerate() {
        let seen = answer(&outcome, i);
        assert!(!seen.contains(SECRET), "{call}: {seen}");
    }
    assert_eq!(
        outcome.calls[secrets.len()].passed,
        Some(true),
        "{outcome:#?}"
    );
    let write = request(
        "def f():\n    open('helpers.py', 'w').write('x')\n",
        &[("f()", None)],
    );
    let outcome = check(&runner, &write).await;
    assert!(
        answer(&outcome, 0).contains("Read-only file system"),
        "{outcome:#?}"
    );
    assert_eq!(
        std::fs::read_to_string(home.project.join("helpers.py"))
            .ok()
            .as_deref(),
        Some("def double(x):\n    return 2 * x\n")
    );
}

// Regression: without a usable launcher the error was `could not start a Python worker
// with …/python3: ` and nothing after the colon.
#[tokio::test]
async fn worker_start_failure_is_never_an_empty_message() {
    let bin = temp_dir();
    let silent = script(bin.path(), "python3", "#!/bin/sh\nexit 3\n");
    let mut config = ExecConfig::new(silent, base_env());
    config.workers = 1;
    let err = match Runner::start(config, "").await {
        Ok(_) => panic!("a python that exits at once started"),
        Err(e) => e,
    };
    assert!(matches!(err, ExecError::WorkerStart { .. }), "{err:?}");
    let text = err.to_string();
    assert!(!text.trim_end().ends_with(':'), "{text}");
    assert!(text.contains("exit code 3"), "{text}");
}
