//! An ARC-style sketch compiled through the `anpl` binary against the standalone
//! `anpl-fake-model` server, the way a user runs anpl against a local OpenAI-compatible
//! server: inline holes answered under the answer's own function names, examples from an ARC
//! task file, numpy grids.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::bin::{anpl, dir_with_examples, repo_file, text};
use support::fake_model::FakeModel;

#[test]
fn arc_sketch_compiles_against_a_local_openai_compatible_server() {
    let dir = dir_with_examples(&["arc_recolor.py", "arc_recolor.json"]);
    let server = FakeModel::start(&repo_file("tests/data/arc_recolor_answers.json"));
    let base = server.base();
    let compile = || {
        anpl(
            dir.path(),
            &[
                "compile",
                "arc_recolor.py",
                "--examples",
                "arc_recolor.json",
                "--model",
                "openai-compatible:fake",
                "--base-url",
                &base,
                "--json",
            ],
        )
    };
    let out = compile();
    assert!(out.status.success(), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["success"], serde_json::json!(true));
    assert_eq!(doc["report"]["usage"]["requests"], serde_json::json!(2));

    // Unchanged: answered from the session, no request.
    let again = compile();
    let doc: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(doc["report"]["usage"]["requests"], serde_json::json!(0));

    let runs = anpl(
        dir.path(),
        &["run", "arc_recolor.py", "--examples", "arc_recolor.json"],
    );
    let text = String::from_utf8_lossy(&runs.stdout);
    assert!(runs.status.success(), "{text}");
    assert!(text.contains("3 of 3 passed"), "{text}");
}
