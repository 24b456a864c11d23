//! Checks and traces through the real worker pool: equality, traces, errors, isolation of
//! state between checks, and the startup errors a user can hit.

mod exec_support;

use anpl::exec::{CheckRequest, ExecConfig, ExecError, Runner, Verdict};
use exec_support::*;
use pretty_assertions::assert_eq;

const GRID: &str = r#"
import numpy as np

def flip(grid):
    return grid[::-1]

def main(grid):
    return flip(grid)
"#;

#[tokio::test]
async fn numpy_results_compare_by_shape_and_elements() {
    let runner = runner(config(1), "import numpy as np\n").await;
    let req = request(
        GRID,
        &[
            (
                "main(np.array([[1, 2], [3, 4]]))",
                Some("np.array([[3, 4], [1, 2]])"),
            ),
            ("main(np.array([[1, 2], [3, 4]]))", Some("[[3, 4], [1, 2]]")),
            (
                "main(np.array([[1, 2], [3, 4]]))",
                Some("np.array([3, 4, 1, 2])"),
            ),
            ("main(np.array([[1, 2], [3, 4]]))", Some("[[3, 4], [1, 9]]")),
            ("[main(np.array([1, 2]))]", Some("[np.array([2, 1])]")),
        ],
    );
    let outcome = check(&runner, &req).await;
    let passed: Vec<Option<bool>> = outcome.calls.iter().map(|c| c.passed).collect();
    assert_eq!(
        passed,
        vec![Some(true), Some(true), Some(false), Some(false), Some(true)]
    );
    assert_eq!(value(&outcome, 0), "np.array([[3, 4], [1, 2]])");
    assert!(!outcome.passed(&req));
}

#[tokio::test]
async fn python_equality_keeps_its_meaning() {
    let runner = runner(config(1), "").await;
    let req = request(
        "def f(x):\n    return x\n",
        &[
            ("f({1: (2, 3)})", Some("{1: (2, 3)}")),
            ("f([1, 2])", Some("(1, 2)")),
            ("f({1, 2})", Some("{2, 1}")),
            ("f(1)", Some("1.0")),
            ("f(None)", None),
        ],
    );
    let outcome = check(&runner, &req).await;
    let passed: Vec<Option<bool>> = outcome.calls.iter().map(|c| c.passed).collect();
    assert_eq!(
        passed,
        vec![Some(true), Some(false), Some(true), Some(true), None]
    );
}

#[tokio::test]
async fn trace_records_nested_calls_in_order() {
    let runner = runner(config(1), "").await;
    let program = r#"
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def push(xs, x):
    xs.append(x)

def main(n):
    xs = []
    push(xs, n)
    return fib(n), xs
"#;
    let mut req = request(program, &[("main(3)", Some("(2, [3])"))]);
    req.traced = vec!["fib".into(), "push".into(), "main".into()];
    let outcome = check(&runner, &req).await;
    assert!(outcome.passed(&req), "{outcome:#?}");
    let trace = &outcome.calls[0].trace;
    let shape: Vec<(usize, Option<usize>, &str, String)> = trace
        .iter()
        .map(|e| {
            let args = e
                .args
                .iter()
                .map(|(n, v)| format!("{n}={}", v.src))
                .collect::<Vec<_>>();
            (e.id, e.parent, e.function.as_str(), args.join(","))
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (0, None, "main", "n=3".to_string()),
            (1, Some(0), "push", "xs=[],x=3".to_string()),
            (2, Some(0), "fib", "n=3".to_string()),
            (3, Some(2), "fib", "n=2".to_string()),
            (4, Some(3), "fib", "n=1".to_string()),
            (5, Some(3), "fib", "n=0".to_string()),
            (6, Some(2), "fib", "n=1".to_string()),
        ]
    );
    // the in-place edit is visible without rewriting what the hole received
    let push = &trace[1];
    assert_eq!(push.args[0].1.src, "[]");
    assert_eq!(
        push.args_after.as_ref().map(|a| a[0].src.clone()),
        Some("[3]".to_string())
    );
    assert_eq!(
        trace[0].result.as_ref().map(|v| v.src.as_str()),
        Some("(2, [3])")
    );
}

#[tokio::test]
async fn unimplemented_hole_stops_the_run_and_keeps_the_trace() {
    let runner = runner(config(1), "").await;
    let program =
        "def helper(x):\n    return x + 1\n\ndef main(x):\n    y = helper(x)\n    return todo(y)\n";
    let mut req = request(program, &[("main(1)", None)]);
    req.traced = vec!["helper".into(), "todo".into()];
    let outcome = check(&runner, &req).await;
    let call = &outcome.calls[0];
    let err = call.error.as_ref().map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("NotImplementedError: hole todo is not implemented yet")
    );
    let functions: Vec<&str> = call.trace.iter().map(|e| e.function.as_str()).collect();
    assert_eq!(functions, vec!["helper", "todo"]);
    assert_eq!(
        call.trace[0].result.as_ref().map(|v| v.src.as_str()),
        Some("2")
    );
    assert!(call.trace[1].error.is_some());
    assert_eq!(call.error.as_ref().and_then(|e| e.program_line()), Some(6));
}

#[tokio::test]
async fn exceptions_carry_program_lines() {
    let runner = runner(config(1), "").await;
    let program = "def inner(d):\n    return d['missing']\n\ndef main():\n    return inner({})\n";
    let outcome = check(&runner, &request(program, &[("main()", Some("1"))])).await;
    let err = outcome.calls[0].error.clone();
    let Some(err) = err else {
        panic!("no error: {outcome:#?}")
    };
    assert_eq!(err.exc_type, "KeyError");
    let lines: Vec<(String, usize, bool)> = err
        .frames
        .iter()
        .map(|f| (f.function.clone(), f.line, f.in_program))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("<module>".to_string(), 1, false),
            ("main".to_string(), 5, true),
            ("inner".to_string(), 2, true),
        ]
    );
    assert_eq!(outcome.calls[0].passed, Some(false));
}

#[tokio::test]
async fn syntax_error_is_a_load_error_with_position() {
    let runner = runner(config(1), "").await;
    let req = request("x = 1\ndef f(:\n    pass\n", &[("f()", None)]);
    let outcome = check(&runner, &req).await;
    let err = outcome.load_error.clone();
    let Some(err) = err else {
        panic!("no load error: {outcome:#?}")
    };
    assert_eq!(
        (err.exc_type.as_str(), err.line, err.column),
        ("SyntaxError", Some(2), Some(7))
    );
    assert!(outcome.calls.is_empty());
    assert!(!outcome.passed(&req));
}

#[tokio::test]
async fn state_does_not_leak_between_checks() {
    let runner = runner(config(1), "import json\nSEEN = []\n").await;
    let program = "import json\nSEEN = []\ndef f():\n    SEEN.append(1)\n    json.dumps = None\n    return len(SEEN)\n";
    for _ in 0..3 {
        let outcome = check(&runner, &request(program, &[("f()", Some("1"))])).await;
        assert_eq!(outcome.calls[0].passed, Some(true), "{outcome:#?}");
    }
}

#[tokio::test]
async fn stop_at_first_failure_skips_the_rest() {
    let runner = runner(config(1), "").await;
    let mut req = request(
        "def f(x):\n    return x\n",
        &[
            ("f(1)", Some("1")),
            ("f(2)", Some("3")),
            ("f(3)", Some("3")),
        ],
    );
    req.stop_at_first_failure = true;
    let outcome = check(&runner, &req).await;
    assert_eq!(outcome.calls.len(), 2);
    assert_eq!(outcome.verdict, Verdict::Completed);
}

#[tokio::test]
async fn many_concurrent_checks_all_answer() {
    let runner = runner(config(2), "import numpy as np\n").await;
    let reqs: Vec<CheckRequest> = (0..40)
        .map(|i| {
            request(
                GRID,
                &[(
                    &format!("main(np.array([{i}, 1]))"),
                    Some(&format!("np.array([1, {i}])")),
                )],
            )
        })
        .collect::<Vec<_>>();
    let outcomes = futures::future::join_all(reqs.iter().map(|r| runner.check(r))).await;
    for (req, outcome) in reqs.iter().zip(outcomes) {
        let outcome = outcome.unwrap_or_else(|e| panic!("{e}"));
        assert!(outcome.passed(req), "{outcome:#?}");
    }
}

/// More than the pipes hold at once: a megabyte and a half of trace and a hundred kilobytes of
/// printing. The worker lets a check run undisturbed at first, so one that fills a pipe has to
/// be drained once it blocks, and nothing of it may be lost.
#[tokio::test]
async fn a_check_that_writes_more_than_a_pipe_holds_arrives_whole() {
    let runner = runner(config(1), "").await;
    let program = r#"
def pad(i):
    return "x" * 2500 + str(i)

def main(n):
    for i in range(n):
        print("line %04d " % i + "y" * 200)
    return sum(len(pad(i)) for i in range(n))
"#;
    let mut req = request(
        program,
        &[("main(600)", Some("600 * 2500 + 10 + 90 * 2 + 500 * 3"))],
    );
    req.traced = vec!["pad".into()];
    let outcome = check(&runner, &req).await;
    assert_eq!(outcome.verdict, Verdict::Completed, "{outcome:#?}");
    assert!(outcome.passed(&req), "{outcome:#?}");
    let trace = &outcome.calls[0].trace;
    assert_eq!(trace.len(), 600);
    assert!(trace.iter().all(|e| e.finished));
    let last = trace[599]
        .result
        .as_ref()
        .map(|v| v.src.clone())
        .unwrap_or_default();
    assert!(
        last.ends_with("599'"),
        "{}",
        &last[last.len().saturating_sub(20)..]
    );
    assert_eq!(
        outcome.stdout_bytes,
        600 * ("line 0000 ".len() as u64 + 200 + 1)
    );
}

#[tokio::test]
async fn missing_module_in_the_prelude_is_named() {
    let err = Runner::start(
        config(1),
        "import numpy as np\nimport anpl_no_such_module.sub\n",
    )
    .await
    .err()
    .map(|e| e.to_string());
    let err = err.unwrap_or_default();
    assert!(
        err.starts_with("anpl_no_such_module is not installed for ") && err.contains("python3"),
        "{err}"
    );
}

#[tokio::test]
async fn failing_prelude_names_the_line() {
    let err = Runner::start(config(1), "x = 1\ny = 1 / 0\n").await.err();
    match err {
        Some(ExecError::Prelude { exc_type, line, .. }) => {
            assert_eq!((exc_type.as_str(), line), ("ZeroDivisionError", 2))
        }
        other => panic!("expected a prelude error, got {other:?}"),
    }
}

#[tokio::test]
async fn missing_interpreter_is_a_clear_error() {
    let mut config = ExecConfig::new("/nonexistent/bin/python3".into(), base_env());
    config.workers = 1;
    let err = Runner::start(config, "").await.err().map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("python interpreter /nonexistent/bin/python3 not found (pass --python, set ANPL_PYTHON, or create a .venv beside the sketch)")
    );
}

#[tokio::test]
async fn every_layer_is_active_on_this_machine_or_named() {
    let runner = runner(config(1), "").await;
    let report = runner.sandbox_report();
    for layer in &report.layers {
        if !layer.active {
            let warning = report
                .warnings()
                .into_iter()
                .find(|w| w.contains(&layer.name));
            assert!(
                warning.is_some(),
                "missing layer {} has no warning",
                layer.name
            );
        }
    }
    assert!(report.layers.len() >= 11);
}

/// Each worker runs, with its checks, on a CPU of its own (docs/benchmarks.md, "Workers on
/// their own CPUs"): two checks running at once see one CPU each, and not the same one.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_worker_and_its_checks_keep_to_a_cpu_of_their_own() {
    let mine = std::thread::available_parallelism().map_or(1, |n| n.get());
    if mine < 2 {
        eprintln!("skipped: this process may use only one CPU, so nothing is pinned");
        return;
    }
    let runner = runner(config(2), "").await;
    // Long enough that the two checks overlap, so each runs on its own worker.
    let req = request(
        "import os, time\ndef cpus():\n    time.sleep(0.5)\n    return sorted(os.sched_getaffinity(0))\n",
        &[("cpus()", None)],
    );
    let (a, b) = tokio::join!(check(&runner, &req), check(&runner, &req));
    let (a, b) = (value(&a, 0), value(&b, 0));
    assert!(!a.contains(',') && !b.contains(','), "{a} {b}");
    assert_ne!(a, b);
}
