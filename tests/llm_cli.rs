//! The binaries this module ships, run as a user runs them: `anpl models` (sources, masked
//! keys, exit codes) and `anpl-fake-model` (prints its port, answers from a table file).
//! Each child gets a cleared environment built here, so nothing leaks in from the machine.

#![cfg(feature = "fake-server")]

mod support;

use std::path::Path;
use std::process::Output;

use anpl::llm::provider::Endpoint;
use anpl::llm::providers;
use anpl::llm::{ChatRequest, Client, HttpSettings, Message};
use pretty_assertions::assert_eq;
use support::fake_model::FakeModel;
use tokio_util::sync::CancellationToken;

const KEY: &str = "sk-cli-KEY-0123456789abcdefWXYZ";

/// `anpl ARGS` in `dir` with PATH, HOME and `env` as its whole environment.
fn anpl(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    support::bin::output(support::bin::bare(dir).args(args).envs(env.iter().copied()))
}

fn tempdir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn models_says_offline_when_nothing_is_configured() {
    let dir = tempdir();
    let out = anpl(dir.path(), &["models"], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with("model           offline  default\n"),
        "{stdout}"
    );
    assert!(stdout.contains("note: no model configured"), "{stdout}");
}

#[test]
fn models_shows_sources_and_masks_keys() {
    let dir = tempdir();
    if let Err(e) = std::fs::write(dir.path().join("anpl.toml"), "samples = 3\n") {
        panic!("{e}");
    }
    let out = anpl(
        dir.path(),
        &["models", "--model", "openai:gpt-4o-mini", "--jobs", "2"],
        &[("OPENAI_API_KEY", KEY)],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains(KEY));
    let line = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    assert_eq!(line("model"), "model openai:gpt-4o-mini flag --model");
    assert_eq!(
        line("api_key"),
        "api_key ****WXYZ environment OPENAI_API_KEY"
    );
    assert_eq!(line("jobs"), "jobs 2 flag --jobs");
    assert!(
        line("samples").ends_with("anpl.toml"),
        "{}",
        line("samples")
    );

    let out = anpl(
        dir.path(),
        &[
            "models",
            "--json",
            "--api-key",
            KEY,
            "--model",
            "anthropic:claude-sonnet-4-5",
        ],
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains(KEY));
    let v: serde_json::Value = match serde_json::from_str(&stdout) {
        Ok(v) => v,
        Err(e) => panic!("{e}: {stdout}"),
    };
    assert_eq!(v["api_key"]["value"], "****WXYZ");
    assert_eq!(v["api_key"]["source"]["detail"], "--api-key");
    assert_eq!(v["samples"]["value"], 3);
    assert_eq!(v["problems"], serde_json::json!([]));
}

#[test]
fn models_exit_codes_for_problems_and_broken_config() {
    let dir = tempdir();
    let out = anpl(dir.path(), &["models", "--model", "openai:gpt-4o"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("problem: no API key for openai: set OPENAI_API_KEY"));

    let out = anpl(dir.path(), &["models", "--model", "gpt-4o"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "anpl: --model: model `gpt-4o` names no provider: write `provider:model`, e.g. `openai:gpt-4o`, `anthropic:gpt-4o` or `ollama:gpt-4o`"
    );
}

#[tokio::test]
async fn the_fake_model_binary_serves_a_table_file() {
    let dir = tempdir();
    let table = dir.path().join("table.json");
    let log = dir.path().join("requests.jsonl");
    let text = r#"{"rules": [{"contains": "reverse", "answer": "def f(x):\n    return x[::-1]"}], "default": "no idea"}"#;
    if let Err(e) = std::fs::write(&table, text) {
        panic!("{e}");
    }
    // It prints the port it listens on (`spawn` fails the test when it does not).
    let model = FakeModel::logged(&table, &log);
    let port = model.port();
    let info = match providers::builtin()
        .into_iter()
        .find(|p| p.name == "openai-compatible")
    {
        Some(i) => i,
        None => panic!("no openai-compatible row"),
    };
    let ep = Endpoint {
        provider: info,
        model: "fake".into(),
        base_url: format!("http://127.0.0.1:{port}/v1"),
        api_key: None,
        options: Default::default(),
    };
    let client = match Client::new(ep, HttpSettings::default(), CancellationToken::new()) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let ask = |text: &str| ChatRequest {
        system: "sys".into(),
        messages: vec![Message::user(text)],
        temperature: 0.0,
        max_tokens: 64,
        n: 1,
    };
    let got = client
        .complete(&ask("please reverse the list"))
        .await
        .map(|r| r.texts());
    assert_eq!(got, Ok(vec!["def f(x):\n    return x[::-1]".to_string()]));
    let got = client
        .complete(&ask("something else"))
        .await
        .map(|r| r.texts());
    assert_eq!(got, Ok(vec!["no idea".to_string()]));
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(logged.lines().count(), 2, "{logged}");
    assert!(logged.contains("please reverse the list"));
}

#[test]
fn the_fake_model_binary_reports_a_bad_table_with_its_position() {
    let dir = tempdir();
    let table = dir.path().join("table.json");
    if let Err(e) = std::fs::write(&table, "{\"rules\": [\n  {\"contains\": 1}\n]}") {
        panic!("{e}");
    }
    let out = FakeModel::command(&table).output();
    let out = match out {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!("anpl-fake-model: {}:2:", table.display())),
        "{stderr}"
    );
}
