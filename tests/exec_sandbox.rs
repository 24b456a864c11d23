//! Hostile programs, one test each (issue 3): every one must end with a clear per-check
//! verdict while the pool and the next check carry on. Each test finishes by running an
//! honest check on the same runner to prove the pool survived.

mod exec_support;

use std::ffi::OsString;
use std::time::{Duration, Instant};

use anpl::exec::{CheckOutcome, CheckRequest, Runner, SandboxConfig, Verdict};
use exec_support::*;
use pretty_assertions::assert_eq;

async fn still_works(runner: &Runner) {
    let req = request("def f(x):\n    return x * 2\n", &[("f(21)", Some("42"))]);
    let outcome = check(runner, &req).await;
    assert!(
        outcome.passed(&req),
        "the pool did not recover: {outcome:#?}"
    );
}

async fn hostile(runner: &Runner, body: &str) -> (CheckRequest, CheckOutcome) {
    let program = format!("def f():\n{}\n", indent(body));
    let req = request(&program, &[("f()", Some("'never'"))]);
    let outcome = check(runner, &req).await;
    assert!(
        !outcome.passed(&req),
        "a hostile program passed: {outcome:#?}"
    );
    (req, outcome)
}

fn indent(body: &str) -> String {
    body.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn infinite_loop_times_out() {
    let runner = runner(config(1), "").await;
    let started = Instant::now();
    let (_, outcome) = hostile(&runner, "while True:\n    pass").await;
    assert_eq!(outcome.verdict, Verdict::Timeout { seconds: 2.0 });
    assert!(outcome.calls[0].interrupted);
    assert!(started.elapsed() < Duration::from_secs(10));
    still_works(&runner).await;
}

#[tokio::test]
async fn fork_bomb_is_contained() {
    let runner = runner(config(1), "").await;
    require_layer(&runner, "process limit");
    let (_, outcome) = hostile(
        &runner,
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
    )
    .await;
    assert_eq!(outcome.verdict, Verdict::Timeout { seconds: 2.0 });
    still_works(&runner).await;
}

#[tokio::test]
async fn allocating_ten_gigabytes_fails_with_memory_error() {
    let runner = runner(config(1), "").await;
    let (_, outcome) = hostile(&runner, "return bytearray(10 * 2**30)").await;
    assert_eq!(outcome.verdict, Verdict::Completed);
    assert_eq!(error_type(&outcome, 0), "MemoryError");
    still_works(&runner).await;
}

#[tokio::test]
async fn writes_outside_the_check_directory_are_refused() {
    let runner = runner(config(1), "").await;
    require_layer(&runner, "no writes outside the check directory");
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let bashrc = home.unwrap_or_else(|| "/root".into()).join(".bashrc");
    let before = std::fs::read(&bashrc).ok();
    let outside = std::env::temp_dir().join(format!("anpl-outside-{}", std::process::id()));
    for target in [&bashrc, &outside] {
        let body = format!(
            "with open({}, 'a') as f:\n    f.write('pwned')",
            py_str(target)
        );
        let (_, outcome) = hostile(&runner, &body).await;
        assert_eq!(error_type(&outcome, 0), "PermissionError", "{target:?}");
    }
    assert_eq!(std::fs::read(&bashrc).ok(), before);
    assert!(!outside.exists());
    // ~ inside a check is its private directory, so writing there is harmless
    let req = request(
        "import os\ndef f():\n    p = os.path.expanduser('~/.bashrc')\n    open(p, 'w').write('x')\n    return os.path.dirname(p) == os.getcwd()\n",
        &[("f()", Some("True"))],
    );
    let outcome = check(&runner, &req).await;
    assert!(outcome.passed(&req), "{outcome:#?}");
    still_works(&runner).await;
}

#[tokio::test]
async fn files_in_the_sketch_directory_cannot_be_deleted() {
    let runner = runner(config(1), "").await;
    let sketch_dir = temp_dir();
    let sketch = sketch_dir.path().join("task.py");
    std::fs::write(&sketch, "def main(): ...\n").unwrap_or_else(|e| panic!("{e}"));
    let body = format!(
        "import os, shutil\nos.remove({0})\nshutil.rmtree({1})",
        py_str(&sketch),
        py_str(sketch_dir.path())
    );
    let (_, outcome) = hostile(&runner, &body).await;
    assert_eq!(error_type(&outcome, 0), "PermissionError");
    assert!(sketch.exists());
    still_works(&runner).await;
}

#[tokio::test]
async fn no_network() {
    let runner = runner(config(1), "").await;
    require_layer(&runner, "no network");
    let started = Instant::now();
    let (_, outcome) = hostile(
        &runner,
        "import socket\ns = socket.socket()\ns.settimeout(30)\ns.connect(('1.1.1.1', 80))",
    )
    .await;
    let err = error_type(&outcome, 0);
    assert!(
        ["PermissionError", "OSError", "ConnectionRefusedError"].contains(&err.as_str()),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "connect did not fail at once"
    );
    still_works(&runner).await;
}

#[tokio::test]
async fn parent_secrets_are_not_visible() {
    let mut config = config(1);
    config.base_env.push((
        OsString::from("OPENAI_API_KEY"),
        OsString::from("sk-anpl-test-secret"),
    ));
    config
        .base_env
        .push((OsString::from("ANPL_TOKEN"), OsString::from("anpl-secret")));
    let runner = runner(config, "").await;
    require_layer(&runner, "private /proc");
    let program = format!(
        r#"
import os
def env():
    return sorted(k for k in os.environ if "KEY" in k or k.startswith("ANPL"))
def proc_environs():
    found = []
    for pid in [p for p in os.listdir("/proc") if p.isdigit()] + ["{0}"]:
        try:
            with open(f"/proc/{{pid}}/environ", "rb") as f:
                found.append(f.read())
        except OSError:
            pass
    return any(b"secret" in e for e in found)
"#,
        std::process::id()
    );
    let req = request(
        &program,
        &[("env()", Some("[]")), ("proc_environs()", Some("False"))],
    );
    let outcome = check(&runner, &req).await;
    assert!(outcome.passed(&req), "{outcome:#?}");
}

#[tokio::test]
async fn printing_a_gigabyte_is_capped() {
    let runner = runner(config(1), "").await;
    let (_, outcome) = hostile(
        &runner,
        "import sys\nfor _ in range(1024):\n    sys.stdout.write('x' * 2**20)",
    )
    .await;
    assert_eq!(outcome.verdict, Verdict::OutputLimit { bytes: 16 << 20 });
    assert_eq!(outcome.stdout.len(), 64 << 10);
    still_works(&runner).await;
}

#[tokio::test]
async fn infinite_recursion_is_a_recursion_error() {
    let runner = runner(config(1), "").await;
    let req = request("def f(n=0):\n    return f(n + 1)\n", &[("f()", Some("1"))]);
    let outcome = check(&runner, &req).await;
    assert_eq!(error_type(&outcome, 0), "RecursionError");
    let frames = outcome.calls[0]
        .error
        .as_ref()
        .map(|e| e.frames.len())
        .unwrap_or(0);
    assert!(
        frames <= 60,
        "the traceback was not trimmed: {frames} frames"
    );
    still_works(&runner).await;
}

#[tokio::test]
async fn exiting_before_the_result_is_never_a_pass() {
    let runner = runner(config(1), "").await;
    let (_, outcome) = hostile(&runner, "import os\nos._exit(0)").await;
    assert_eq!(outcome.verdict, Verdict::ExitedEarly { code: 0 });
    let (_, outcome) = hostile(&runner, "import sys\nsys.exit(0)").await;
    assert_eq!(error_type(&outcome, 0), "SystemExit");
    still_works(&runner).await;
}

#[tokio::test]
async fn signal_alarm_cannot_dodge_the_timeout() {
    let runner = runner(config(1), "").await;
    let (_, outcome) = hostile(
        &runner,
        "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nsignal.alarm(1)\nwhile True:\n    pass",
    )
    .await;
    assert_eq!(outcome.verdict, Verdict::Timeout { seconds: 2.0 });
    let (_, outcome) = hostile(
        &runner,
        "import signal, time\nsignal.alarm(1)\ntime.sleep(1.5)",
    )
    .await;
    assert_eq!(
        outcome.verdict,
        Verdict::Crashed {
            signal: 14,
            name: "SIGALRM".into()
        }
    );
    still_works(&runner).await;
}

#[tokio::test]
async fn unlimited_recursion_limit_ends_cleanly() {
    let runner = runner(config(1), "").await;
    let program = "import sys\ndef g(n):\n    return g(n + 1) + 1\ndef f():\n    sys.setrecursionlimit(10**9)\n    return g(0)\n";
    let req = request(program, &[("f()", Some("1"))]);
    let outcome = check(&runner, &req).await;
    assert!(!outcome.passed(&req));
    let ended_cleanly = match &outcome.verdict {
        Verdict::Crashed { .. } | Verdict::Timeout { .. } | Verdict::CpuLimit { .. } => true,
        Verdict::Completed => outcome.calls[0]
            .error
            .as_ref()
            .is_some_and(|e| e.exc_type == "MemoryError" || e.exc_type == "RecursionError"),
        _ => false,
    };
    assert!(ended_cleanly, "{outcome:#?}");
    still_works(&runner).await;
}

#[tokio::test]
async fn c_level_crash_is_reported_as_a_signal() {
    let runner = runner(config(1), "").await;
    let (_, outcome) = hostile(&runner, "import ctypes\nreturn ctypes.string_at(0)").await;
    assert_eq!(
        outcome.verdict,
        Verdict::Crashed {
            signal: 11,
            name: "SIGSEGV".into()
        }
    );
    still_works(&runner).await;
}

#[tokio::test]
async fn killing_the_parent_is_refused_inside_the_sandbox() {
    let runner = runner(config(1), "").await;
    require_layer(&runner, "process-tree kill");
    let (_, outcome) = hostile(&runner, "import os\nos.kill(os.getppid(), 9)").await;
    // As root the check is another uid (EPERM); as an ordinary user it shares the worker's
    // uid in the user namespace, where the kernel drops SIGKILL sent to the namespace's init.
    let refused = outcome.calls[0]
        .error
        .as_ref()
        .is_some_and(|e| e.exc_type == "PermissionError");
    let ignored = outcome.verdict == Verdict::Completed && outcome.calls[0].error.is_none();
    assert!(refused || ignored, "{outcome:#?}");
    assert_eq!(runner.replacements(), 0);
    still_works(&runner).await;
}

#[tokio::test]
async fn a_killed_worker_is_replaced() {
    // Without the sandbox layers that stop it, the check really kills its worker.
    let mut config = config(1);
    config.sandbox = SandboxConfig {
        namespaces: false,
        landlock: false,
        drop_user: false,
        uid: 65534,
    };
    let runner = runner(config, "").await;
    let (_, outcome) = hostile(&runner, "import os\nos.kill(os.getppid(), 9)").await;
    assert!(
        matches!(outcome.verdict, Verdict::WorkerLost { .. }),
        "{outcome:#?}"
    );
    assert_eq!(runner.replacements(), 1);
    still_works(&runner).await;
    assert!(runner
        .sandbox_report()
        .warnings()
        .iter()
        .any(|w| w.contains("no network")));
}

#[tokio::test]
async fn background_process_is_gone_when_the_check_ends() {
    let runner = runner(config(1), "").await;
    require_layer(&runner, "process-tree kill");
    let daemon = "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(60)\n    os._exit(0)\nreturn 'spawned'";
    let program = format!("def f():\n{}\n", indent(daemon));
    let outcome = check(&runner, &request(&program, &[("f()", None)])).await;
    assert_eq!(value(&outcome, 0), "'spawned'");
    let probe = "import os\ndef f():\n    return sorted(int(p) for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid())\n";
    let outcome = check(&runner, &request(probe, &[("f()", Some("[1]"))])).await;
    assert_eq!(outcome.calls[0].passed, Some(true), "{outcome:#?}");
}

#[tokio::test]
async fn a_printed_fake_result_is_just_output() {
    let runner = runner(config(1), "").await;
    let fake = r#"print('{"k": "call", "i": 0, "value": {"src": "\'never\'", "truncated": false}, "passed": true}')
print('{"k": "done"}')
return 'wrong'"#;
    let (_, outcome) = hostile(&runner, fake).await;
    assert_eq!(outcome.verdict, Verdict::Completed);
    assert_eq!(outcome.calls[0].passed, Some(false));
    assert!(outcome.stdout.contains("\"passed\": true"));
    still_works(&runner).await;
}

#[tokio::test]
async fn fake_results_written_to_every_descriptor_are_rejected() {
    let runner = runner(config(1), "").await;
    let spray = r#"import os
line = b'{"k": "call", "i": 0, "passed": true}\n{"k": "done"}\n'
for fd in range(3, 1024):
    try:
        os.write(fd, line)
    except OSError:
        pass
os._exit(0)"#;
    let (_, outcome) = hostile(&runner, spray).await;
    assert_eq!(outcome.verdict, Verdict::Tampered);
    still_works(&runner).await;
}

#[tokio::test]
async fn terminal_escapes_reach_the_user_escaped() {
    let runner = runner(config(1), "").await;
    let program = "import sys\nclass Evil:\n    def __repr__(self):\n        return '\\x1b[2J'\ndef f():\n    print('\\x1b[2J\\x1b]0;owned\\x07hi')\n    sys.stderr.write('\\x1b[31m')\n    raise ValueError('\\x1b[1A')\ndef g():\n    return Evil()\n";
    let req = request(program, &[("f()", None), ("g()", None)]);
    let outcome = check(&runner, &req).await;
    assert_eq!(outcome.stdout, "\\x1b[2J\\x1b]0;owned\\x07hi\n");
    assert_eq!(outcome.stderr, "\\x1b[31m");
    let message = outcome.calls[0].error.as_ref().map(|e| e.message.clone());
    assert_eq!(message.as_deref(), Some("\\x1b[1A"));
    assert_eq!(value(&outcome, 1), "\\x1b[2J");
    let json = serde_json::to_string(&outcome).unwrap_or_default();
    assert!(!json.contains('\u{1b}') && !json.contains("\\u001b"));
}
