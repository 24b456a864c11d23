//! The `anpl-fake-model` binary as a user runs it: a process serving a table file, which
//! prints the port it listens on as its first line. Built with `--features fake-server`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use super::bin::built_or;
use super::model::code;

/// The `anpl-fake-model` binary: `ANPL_TEST_FAKE_MODEL` when set, else the one cargo built.
pub fn exe() -> PathBuf {
    built_or(
        "ANPL_TEST_FAKE_MODEL",
        env!("CARGO_BIN_EXE_anpl-fake-model"),
    )
}

/// A running `anpl-fake-model`, killed when dropped.
pub struct FakeModel {
    child: Child,
    port: u16,
    log: Option<PathBuf>,
}

impl FakeModel {
    /// `anpl-fake-model TABLE`, for flags to be added before `spawn`.
    pub fn command(table: &Path) -> Command {
        let mut cmd = Command::new(exe());
        cmd.arg(table);
        cmd
    }

    /// Serving the table file `table`.
    pub fn start(table: &Path) -> FakeModel {
        FakeModel::spawn(FakeModel::command(table))
    }

    /// Serving `table`, logging every request it answers to `log` (see `requests`).
    pub fn logged(table: &Path, log: &Path) -> FakeModel {
        let mut cmd = FakeModel::command(table);
        cmd.arg("--log").arg(log);
        let mut model = FakeModel::spawn(cmd);
        model.log = Some(log.to_path_buf());
        model
    }

    /// Serving the table `table`, written to `dir/answers.json`, and logging every request to
    /// `dir/requests.jsonl`.
    pub fn serve(dir: &Path, table: &Value) -> FakeModel {
        let path = dir.join("answers.json");
        std::fs::write(&path, table.to_string()).unwrap();
        FakeModel::logged(&path, &dir.join("requests.jsonl"))
    }

    /// Serving `rules` (the text a request contains, and the answer) as `serve` does: an
    /// answer holding a `def` is code, sent in a fence as models do; any other answer is sent
    /// as it is.
    pub fn answering(dir: &Path, rules: &[(&str, &str)]) -> FakeModel {
        let rules: Vec<Value> = rules
            .iter()
            .map(|(contains, answer)| {
                let answer = if answer.contains("def ") {
                    code(answer)
                } else {
                    answer.to_string()
                };
                serde_json::json!({"contains": contains, "answer": answer})
            })
            .collect();
        FakeModel::serve(dir, &serde_json::json!({ "rules": rules }))
    }

    /// Starts `cmd` and waits for the port it prints.
    pub fn spawn(mut cmd: Command) -> FakeModel {
        let mut child = cmd
            .stdout(Stdio::piped())
            .spawn()
            .expect("anpl-fake-model starts (built with --features fake-server)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("anpl-fake-model prints its port");
        // Dropped here (killed) if there is no port, rather than left running.
        let mut model = FakeModel {
            child,
            port: 0,
            log: None,
        };
        model.port = line
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("anpl-fake-model printed no port ({line:?}): {e}"));
        model
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The base URL of its OpenAI-compatible API, for `--base-url`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    /// Every request logged so far (one JSON record each), oldest first.
    pub fn requests(&self) -> Vec<Value> {
        let log = self.log.as_ref().expect("started with a log");
        std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for FakeModel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
