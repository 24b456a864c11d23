//! An ARC-style sketch compiled through the `anpl` binary against the standalone
//! `anpl-fake-model` server, the way a user runs anpl against a local OpenAI-compatible
//! server: inline holes answered under the answer's own function names, examples from an ARC
//! task file, numpy grids.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(table: &Path) -> (Server, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_anpl-fake-model"))
        .arg(table)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let port: u16 = line.trim().parse().unwrap();
    (Server(child), port)
}

#[test]
fn arc_sketch_compiles_against_a_local_openai_compatible_server() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for name in ["arc_recolor.py", "arc_recolor.json"] {
        std::fs::copy(root.join("examples").join(name), dir.path().join(name)).unwrap();
    }
    let (_server, port) = start_server(&root.join("tests/data/arc_recolor_answers.json"));
    let base = format!("http://127.0.0.1:{port}/v1");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_anpl"))
            .args(args)
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .env_remove("ANPL_MODEL")
            .output()
            .unwrap()
    };
    let out = run(&[
        "compile",
        "arc_recolor.py",
        "--examples",
        "arc_recolor.json",
        "--model",
        "openai-compatible:fake",
        "--base-url",
        &base,
        "--json",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["success"], serde_json::json!(true));
    assert_eq!(doc["report"]["usage"]["requests"], serde_json::json!(2));

    // Unchanged: answered from the session, no request.
    let again = run(&[
        "compile",
        "arc_recolor.py",
        "--examples",
        "arc_recolor.json",
        "--model",
        "openai-compatible:fake",
        "--base-url",
        &base,
        "--json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(doc["report"]["usage"]["requests"], serde_json::json!(0));

    let runs = run(&["run", "arc_recolor.py", "--examples", "arc_recolor.json"]);
    let text = String::from_utf8_lossy(&runs.stdout);
    assert!(runs.status.success(), "{text}");
    assert!(text.contains("3 of 3 passed"), "{text}");
}
