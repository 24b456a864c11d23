//! The bench set of tests/data/programs, end to end through the binaries: ANPL-style ARC
//! programs (`def main(input):` with numpy, helper holes without examples, load-time holes,
//! descriptions in German and Japanese, an ARC task file each) and everyday sketches
//! (classes, dataclasses, recursion, generators, default arguments, numpy vectors, a hole
//! whose answer calls another hole). Each is compiled against `anpl-fake-model` answering
//! every hole correctly, the way real models word answers; then exported, and the exported
//! program and its pytest file must pass under plain `python3` (ARC programs must reproduce
//! every output of their task when called with numpy grids, as ANPL called them). The
//! requests the server saw must be the requests the compile reported.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::bin::{anpl, repo_file, text};
use support::fake_model::FakeModel;

/// Checks the exported ARC program against every pair of its task under plain python3.
const ARC_DRIVER: &str = r#"
import inspect, json, sys
import numpy as np
import done
task = json.load(open("task.json"))
param = list(inspect.signature(done.main).parameters.values())[0]
as_list = param.annotation is list
bad = 0
for pair in task["train"] + task["test"]:
    grid = pair["input"] if as_list else np.array(pair["input"])
    out = done.main(grid)
    if not (np.asarray(out).shape == np.asarray(pair["output"]).shape and np.array_equal(np.asarray(out), np.asarray(pair["output"]))):
        bad += 1
        print("wrong output for", pair["input"], "->", out)
sys.exit(1 if bad else 0)
"#;

/// Runs one program of the set; returns what went wrong, if anything.
fn run_program(dir: &Path) -> Result<(), String> {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    std::fs::copy(dir.join("sketch.py"), w.join("sketch.py")).unwrap();
    let arc = dir.join("task.json").is_file();
    if arc {
        std::fs::copy(dir.join("task.json"), w.join("task.json")).unwrap();
    }
    let server = FakeModel::logged(&dir.join("answers.json"), &w.join("requests.jsonl"));
    let base = server.base();
    let anpl = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        if arc {
            all.extend(["--examples", "task.json"]);
        }
        anpl(w, &all)
    };
    let compile = anpl(&[
        "compile",
        "sketch.py",
        "--model",
        "openai-compatible:fake",
        "--base-url",
        &base,
        "--max-retries",
        "0",
        "--json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&compile.stdout)
        .map_err(|e| format!("{name}: compile printed no JSON ({e}): {}", text(&compile)))?;
    if doc["success"] != serde_json::json!(true) || !compile.status.success() {
        return Err(format!("{name}: compile failed:\n{}", text(&compile)));
    }
    let sent = server.requests().len() as u64;
    let reported = doc["report"]["usage"]["requests"]
        .as_u64()
        .unwrap_or(u64::MAX);
    if sent != reported {
        return Err(format!(
            "{name}: the server answered {sent} request(s) but the compile reported {reported}"
        ));
    }
    let export = anpl(&["export", "sketch.py", "-o", "done.py"]);
    if !export.status.success() {
        return Err(format!("{name}: export failed:\n{}", text(&export)));
    }
    let program = std::fs::read_to_string(w.join("done.py")).unwrap();
    if program.contains("anpl") || program.contains('`') {
        return Err(format!(
            "{name}: the exported program is not plain Python:\n{program}"
        ));
    }
    let python = |args: &[&str]| {
        Command::new("python3")
            .args(args)
            .current_dir(w)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .unwrap()
    };
    let pytest = python(&[
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "test_done.py",
    ]);
    if !pytest.status.success() {
        return Err(format!(
            "{name}: the exported tests fail under pytest:\n{}\n{program}",
            text(&pytest)
        ));
    }
    let run = if arc {
        python(&["-c", ARC_DRIVER])
    } else {
        python(&["done.py"])
    };
    if !run.status.success() {
        return Err(format!(
            "{name}: the exported program fails under python3:\n{}",
            text(&run)
        ));
    }
    Ok(())
}

fn programs() -> Vec<PathBuf> {
    let root = repo_file("tests/data/programs");
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("sketch.py").is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn every_program_of_the_bench_set_compiles_exports_and_runs_under_plain_python() {
    let all = programs();
    assert!(all.len() >= 24, "the bench set shrank to {}", all.len());
    // A few at a time: most of each program's time is spent waiting on python3 processes.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(program) = all.get(i) else { break };
                if let Err(e) = run_program(program) {
                    failures.lock().unwrap().push(e);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} programs failed:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}
