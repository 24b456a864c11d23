//! A sketch `prog.py` in a temporary directory (which is also HOME) and the in-process fake
//! model, driven through the `anpl` binary: commands, and scripts piped into `anpl repl`.

use std::path::PathBuf;
use std::process::{Command, Output};

use anpl::llm::fake_server::{FakeRule, FakeServer};

use super::{bin, model};

pub struct Project {
    pub dir: tempfile::TempDir,
    pub server: FakeServer,
}

/// How a run of `anpl` ended and what it printed.
pub struct Run {
    /// The exit status; -1 when killed by a signal.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout, then stderr.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Project {
    /// `sketch` as `prog.py`, and a fake model answering from `rules`.
    pub async fn new(sketch: &str, rules: Vec<FakeRule>) -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("prog.py"), sketch).unwrap();
        let server = model::serve(rules).await;
        Project { dir, server }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The sketch's text as it is on disk now.
    pub fn text(&self) -> String {
        std::fs::read_to_string(self.path("prog.py")).unwrap()
    }

    /// The sketch's session, where anpl keeps it.
    pub fn session(&self) -> PathBuf {
        self.path("sessions/prog.json")
    }

    /// `anpl ARGS` in the project.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = bin::command(self.dir.path());
        cmd.args(args);
        cmd
    }

    /// `anpl ARGS` asking the fake model (see `model::flags`).
    pub fn model_command(&self, args: &[&str]) -> Command {
        let mut cmd = self.command(args);
        cmd.args(model::flags(&self.server.openai_base()));
        cmd
    }

    /// `anpl ARGS` with `stdin` as its input, run to the end.
    pub async fn run(&self, args: &[&str], stdin: &str) -> Run {
        bin::output_async(self.command(args), stdin.to_string())
            .await
            .into()
    }

    /// `anpl ARGS` asking the fake model, with `stdin` as its input, run to the end.
    pub async fn run_model(&self, args: &[&str], stdin: &str) -> Run {
        bin::output_async(self.model_command(args), stdin.to_string())
            .await
            .into()
    }
}
