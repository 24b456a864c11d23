//! One warm Python worker: a `harness.py` process (usually PID 1 of its own namespaces)
//! that has run the prelude and forks a confined child per check. This file speaks the
//! JSON-lines protocol with it over stdin/stdout; the pool in `runner.rs` decides when to
//! start, reuse and replace workers.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::task::JoinHandle;

use super::cpus::{pin_on_start, CpuClaim, CpuSlots};
use super::error::ExecError;
use super::outcome::{CheckOutcome, PyError};
use super::sandbox::Access;

/// Everything needed to start identical workers.
#[derive(Debug, Clone)]
pub(crate) struct WorkerSpec {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(OsString, OsString)>,
    pub cwd: PathBuf,
    pub setup_line: String,
    pub python: PathBuf,
    pub startup_timeout: Duration,
    /// The CPUs workers are spread over, shared by every worker of the pool.
    pub cpus: Arc<CpuSlots>,
}

pub(crate) enum StartFailure {
    /// A clear error for the user (prelude import failed, interpreter missing, ...).
    Fatal(ExecError),
    /// The process died before the harness spoke; `stderr` says why (e.g. `unshare` refused).
    Launch { stderr: String },
}

#[derive(Deserialize)]
struct Ready {
    layers: BTreeMap<String, serde_json::Value>,
    python: String,
    #[serde(default)]
    access: Vec<Access>,
    #[serde(default)]
    covered: Vec<PathBuf>,
    #[serde(default)]
    executable: PathBuf,
}

#[derive(Deserialize)]
struct PreludeError {
    error: PyError,
    module: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Hello {
    Ready(Ready),
    PreludeError(PreludeError),
}

#[derive(Deserialize)]
struct OutcomeLine {
    outcome: CheckOutcome,
}

const STDERR_CAP: usize = 16 << 10;

pub(crate) struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    stderr: Arc<Mutex<String>>,
    stderr_task: Option<JoinHandle<()>>,
    pub layers: BTreeMap<String, serde_json::Value>,
    pub python_version: String,
    pub access: Vec<Access>,
    pub covered: Vec<PathBuf>,
    /// `sys.executable` of the worker: the real interpreter behind a wrapper or shim.
    pub executable: PathBuf,
    /// The CPU this worker and its checks run on, while it lives.
    _cpu: Option<CpuClaim>,
}

impl Worker {
    pub(crate) async fn start(spec: &WorkerSpec) -> Result<Worker, StartFailure> {
        let mut cmd = Command::new(&spec.program);
        let cpu = spec.cpus.claim();
        if let Some(claim) = &cpu {
            pin_on_start(&mut cmd, claim.cpu());
        }
        let mut child = cmd
            .args(&spec.args)
            .env_clear()
            .envs(spec.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&spec.cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                StartFailure::Fatal(ExecError::WorkerStart {
                    python: spec.python.clone(),
                    message: format!("{}: {e}", spec.program.display()),
                })
            })?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(StartFailure::Fatal(ExecError::Protocol(
                "worker pipes were not created".into(),
            )));
        };
        let buffer = Arc::new(Mutex::new(String::new()));
        let stderr_task = tokio::spawn(collect_stderr(stderr, buffer.clone()));
        let mut worker = Worker {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            stderr: buffer,
            stderr_task: Some(stderr_task),
            layers: BTreeMap::new(),
            python_version: String::new(),
            access: Vec::new(),
            covered: Vec::new(),
            executable: PathBuf::new(),
            _cpu: cpu,
        };
        let fatal = |message: String| {
            StartFailure::Fatal(ExecError::WorkerStart {
                python: spec.python.clone(),
                message,
            })
        };
        if let Err(e) = worker.send(&spec.setup_line).await {
            // A process that exits at once closes its input before the harness is written:
            // how it ended says more than the broken pipe.
            let ended =
                match tokio::time::timeout(Duration::from_secs(5), worker.child.wait()).await {
                    Ok(Ok(status)) => format!(", {}", describe_status(status)),
                    _ => String::new(),
                };
            let fallback = format!(
                "{} stopped reading its input ({e}{ended}) and printed nothing",
                spec.program.display()
            );
            return Err(StartFailure::Launch {
                stderr: worker.finish_stderr(fallback).await,
            });
        }
        let mut line = String::new();
        match tokio::time::timeout(spec.startup_timeout, worker.stdout.read_line(&mut line)).await {
            Err(_) => {
                return Err(fatal(format!(
                    "no answer within {} s while running the prelude",
                    spec.startup_timeout.as_secs()
                )))
            }
            Ok(Err(e)) => return Err(fatal(e.to_string())),
            Ok(Ok(0)) => {
                // Never an empty message: without stderr, say how the process ended.
                let ended =
                    match tokio::time::timeout(Duration::from_secs(5), worker.child.wait()).await {
                        Ok(Ok(status)) => describe_status(status),
                        _ => "it closed its output".to_string(),
                    };
                let fallback = format!(
                    "{} ended before the harness answered ({ended}) and printed nothing",
                    spec.program.display()
                );
                let stderr = worker.finish_stderr(fallback).await;
                return Err(StartFailure::Launch { stderr });
            }
            Ok(Ok(_)) => {}
        }
        let hello: Hello = serde_json::from_str(&line)
            .map_err(|e| StartFailure::Fatal(ExecError::Protocol(format!("startup: {e}"))))?;
        match hello {
            Hello::Ready(ready) => {
                worker.layers = ready.layers;
                worker.python_version = ready.python;
                worker.access = ready.access.into_iter().map(Access::described).collect();
                worker.covered = ready.covered;
                worker.executable = ready.executable;
                Ok(worker)
            }
            Hello::PreludeError(p) => Err(StartFailure::Fatal(prelude_error(&spec.python, p))),
        }
    }

    async fn send(&mut self, line: &str) -> std::io::Result<()> {
        self.stdin.write_all(line.as_bytes()).await?;
        self.stdin.write_all(b"\n").await?;
        self.stdin.flush().await
    }

    async fn finish_stderr(&mut self, fallback: String) -> String {
        if let Some(task) = self.stderr_task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), task).await;
        }
        let text = self.stderr.lock().map(|s| s.clone()).unwrap_or_default();
        let text = text.trim();
        if text.is_empty() {
            fallback
        } else {
            text.to_string()
        }
    }

    /// Run one check. `Err` carries why the worker is gone; the caller drops and replaces it.
    pub(crate) async fn check(
        &mut self,
        request_line: &str,
        backstop: Duration,
    ) -> Result<CheckOutcome, String> {
        if let Err(e) = self.send(request_line).await {
            return Err(format!("could not send the check: {e}"));
        }
        let mut line = String::new();
        match tokio::time::timeout(backstop, self.stdout.read_line(&mut line)).await {
            Err(_) => Err(format!(
                "the worker did not answer within {} s",
                backstop.as_secs()
            )),
            Ok(Err(e)) => Err(format!("reading the worker: {e}")),
            Ok(Ok(0)) => {
                let status =
                    match tokio::time::timeout(Duration::from_secs(2), self.child.wait()).await {
                        Ok(Ok(status)) => describe_status(status),
                        _ => "it stopped answering".to_string(),
                    };
                Err(format!("worker process ended: {status}"))
            }
            Ok(Ok(_)) => {
                let parsed: OutcomeLine = serde_json::from_str(&line)
                    .map_err(|e| format!("unreadable answer from the worker: {e}"))?;
                let mut outcome = parsed.outcome;
                outcome.sanitize();
                Ok(outcome)
            }
        }
    }

    /// The launcher's process id (the `unshare` process, or python itself).
    pub(crate) fn pid(&self) -> Option<u32> {
        self.child.id()
    }
}

fn describe_status(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        _ => "unknown status".to_string(),
    }
}

fn prelude_error(python: &std::path::Path, p: PreludeError) -> ExecError {
    if let Some(module) = p.module {
        return ExecError::MissingModule {
            module: module.split('.').next().unwrap_or(&module).to_string(),
            python: python.to_path_buf(),
            message: p.error.message,
        };
    }
    let line = p
        .error
        .line
        .or_else(|| {
            p.error
                .frames
                .iter()
                .rev()
                .find(|f| f.file == "<prelude>")
                .map(|f| f.line)
        })
        .unwrap_or(0);
    ExecError::Prelude {
        python: python.to_path_buf(),
        exc_type: p.error.exc_type,
        message: p.error.message,
        line,
    }
}

async fn collect_stderr(mut stderr: tokio::process::ChildStderr, into: Arc<Mutex<String>>) {
    let mut chunk = vec![0u8; 8192];
    loop {
        match stderr.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if let Ok(mut s) = into.lock() {
                    if s.len() < STDERR_CAP {
                        let text = String::from_utf8_lossy(&chunk[..n]);
                        let room = STDERR_CAP - s.len();
                        let cut = text
                            .char_indices()
                            .map(|(i, _)| i)
                            .take_while(|i| *i <= room)
                            .last()
                            .unwrap_or(0);
                        s.push_str(if text.len() <= room {
                            &text
                        } else {
                            &text[..cut]
                        });
                    }
                }
            }
        }
    }
}
