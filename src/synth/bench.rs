//! The synthesizer benchmark behind `anpl bench synth TASKS.json`: runs every task of a
//! `pbe-tasks/1` file through [`synthesize`] and counts a task as solved only when the
//! program also passes the task's held-back tests, checked in one real `python3` process
//! that is fed all programs and tests at once.
//!
//! The task file holds per task a `def` line without the colon, a one-sentence description,
//! `examples` the synthesizer sees and `tests` it must not see.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{synthesize, CancelFlag, SynthLimits, SynthTask};

#[derive(Debug, Clone, Deserialize)]
pub struct TaskFile {
    pub format: String,
    pub tasks: Vec<BenchTask>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BenchTask {
    pub name: String,
    pub signature: String,
    pub description: String,
    pub examples: Vec<Pair>,
    #[serde(default)]
    pub tests: Vec<Pair>,
    /// A Python expression computing the intended function (`lambda s: s[::-1]`), which
    /// answers questions about calls the tests do not list (`anpl bench synth --ask`).
    #[serde(default)]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Pair {
    pub call: String,
    pub expected: String,
}

#[derive(Debug, Error)]
pub enum BenchError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: not a task file: {message}")]
    Json {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: format is `{found}`, expected `pbe-tasks/1`")]
    Format { path: String, found: String },
    #[error("task `{task}`: signature `{signature}`: {message}")]
    Signature {
        task: String,
        signature: String,
        message: String,
    },
    #[error("could not run `{python}` to check the programs: {message}")]
    Python { python: String, message: String },
}

/// The outcome of one task.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TaskResult {
    pub name: String,
    /// Found a program and it passed every held-back test in Python.
    pub solved: bool,
    pub expression: Option<String>,
    pub size: Option<usize>,
    pub seconds: f64,
    pub candidates: u64,
    /// Why it is not solved: the synthesizer's reason or the first failing test.
    pub failure: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BenchReport {
    pub results: Vec<TaskResult>,
    pub solved: usize,
    pub total: usize,
    pub max_seconds: f64,
}

pub fn load(path: &Path) -> Result<TaskFile, BenchError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| BenchError::Read {
        path: shown.clone(),
        source,
    })?;
    let file: TaskFile = serde_json::from_str(&text).map_err(|e| BenchError::Json {
        path: shown.clone(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if file.format != "pbe-tasks/1" {
        return Err(BenchError::Format {
            path: shown,
            found: file.format,
        });
    }
    Ok(file)
}

/// Reads `def name(a: T, b) -> R` into a task skeleton.
pub fn parse_signature(task: &BenchTask) -> Result<SynthTask, BenchError> {
    let err = |message: &str| BenchError::Signature {
        task: task.name.clone(),
        signature: task.signature.clone(),
        message: message.to_string(),
    };
    let sig = task.signature.trim().trim_end_matches(':');
    let rest = sig
        .strip_prefix("def ")
        .ok_or_else(|| err("does not start with `def `"))?;
    let open = rest.find('(').ok_or_else(|| err("no `(`"))?;
    let close = rest.rfind(')').ok_or_else(|| err("no `)`"))?;
    if close < open {
        return Err(err("`)` before `(`"));
    }
    let name = rest[..open].trim().to_string();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(err("the function name is not an identifier"));
    }
    let after = rest[close + 1..].trim();
    let returns = match after.strip_prefix("->") {
        Some(r) if !r.trim().is_empty() => Some(r.trim().to_string()),
        Some(_) => return Err(err("`->` without a type")),
        None if after.is_empty() => None,
        None => return Err(err("unexpected text after the parameters")),
    };
    let mut params = Vec::new();
    for part in split_params(&rest[open + 1..close]) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let part = part.split('=').next().unwrap_or(part);
        let (pname, ann) = match part.split_once(':') {
            Some((n, a)) => (n.trim(), Some(a.trim().to_string())),
            None => (part.trim(), None),
        };
        if pname.is_empty() || !pname.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(err(&format!("parameter `{part}` is not an identifier")));
        }
        params.push((pname.to_string(), ann));
    }
    Ok(SynthTask {
        name,
        params,
        returns,
        description: task.description.clone(),
        examples: task
            .examples
            .iter()
            .map(|p| (p.call.clone(), p.expected.clone()))
            .collect(),
    })
}

fn split_params(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

/// The check run in Python: for each program, define it, run its tests, report the first
/// failure. A test passes when the result equals the expected value and has its type, as a
/// doctest printing the value would require.
const CHECKER: &str = r#"
import json, signal, sys

def _alarm(signum, frame):
    raise TimeoutError("test took longer than 5 s")

signal.signal(signal.SIGALRM, _alarm)
jobs = json.load(sys.stdin)
out = []
for job in jobs:
    failure = None
    ns = {}
    try:
        signal.alarm(5)
        exec(job["code"], ns)
        for call, expected in job["tests"]:
            want = eval(expected, {})
            got = eval(call, ns)
            if type(got) is not type(want) or got != want:
                failure = "%s returned %r, expected %s" % (call, got, expected)
                break
    except BaseException as e:
        failure = "%s: %s" % (type(e).__name__, e)
    finally:
        signal.alarm(0)
    out.append(failure)
json.dump(out, sys.stdout)
"#;

/// Runs bare calls: per job, define the code, evaluate each call, answer its `repr` or
/// `None` when it raised.
const RUNNER: &str = r#"
import json, signal, sys

def _alarm(signum, frame):
    raise TimeoutError("call took longer than 5 s")

signal.signal(signal.SIGALRM, _alarm)
jobs = json.load(sys.stdin)
out = []
for job in jobs:
    ns = {}
    answers = []
    try:
        signal.alarm(5)
        exec(job["code"], ns)
        signal.alarm(0)
    except BaseException:
        out.append([None] * len(job["calls"]))
        continue
    for call in job["calls"]:
        try:
            signal.alarm(5)
            answers.append(repr(eval(call, ns)))
        except BaseException:
            answers.append(None)
        finally:
            signal.alarm(0)
    out.append(answers)
json.dump(out, sys.stdout)
"#;

/// Evaluates calls on programs in one `python3`: per job `(code, calls)`, the `repr` of
/// each call's value, `None` where it raised.
pub fn run_in_python(
    python: &str,
    jobs: &[(String, Vec<String>)],
) -> Result<Vec<Vec<Option<String>>>, BenchError> {
    let payload: Vec<serde_json::Value> = jobs
        .iter()
        .map(|(code, calls)| serde_json::json!({"code": code, "calls": calls}))
        .collect();
    let results: Vec<Vec<Option<String>>> = python_json(python, RUNNER, &payload)?;
    if results.len() != jobs.len() {
        return Err(BenchError::Python {
            python: python.to_string(),
            message: format!("answered {} of {} programs", results.len(), jobs.len()),
        });
    }
    Ok(results)
}

/// The reference expression of a task as a definition of the task's function.
pub fn reference_code(task: &BenchTask) -> Option<String> {
    let reference = task.reference.as_ref()?;
    let name = parse_signature(task).ok()?.name;
    Some(format!(
        "def {name}(*args, **kwargs):\n    return ({reference})(*args, **kwargs)\n"
    ))
}

/// Feeds `payload` as JSON to `script` in `python3 -I` and reads its JSON answer.
fn python_json<T: serde::de::DeserializeOwned>(
    python: &str,
    script: &str,
    payload: &[serde_json::Value],
) -> Result<T, BenchError> {
    let perr = |message: String| BenchError::Python {
        python: python.to_string(),
        message,
    };
    let input = serde_json::to_vec(payload).map_err(|e| perr(e.to_string()))?;
    let mut child = Command::new(python)
        .args(["-I", "-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| perr(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(&input).map_err(|e| perr(e.to_string()))?;
    }
    let output = child.wait_with_output().map_err(|e| perr(e.to_string()))?;
    if !output.status.success() {
        return Err(perr(format!(
            "exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| perr(format!("unreadable answer: {e}")))
}

/// Runs the programs' tests in one `python3`; one entry per job, `None` when all passed.
pub fn check_in_python(
    python: &str,
    jobs: &[(String, Vec<Pair>)],
) -> Result<Vec<Option<String>>, BenchError> {
    let payload: Vec<serde_json::Value> = jobs
        .iter()
        .map(|(code, tests)| {
            serde_json::json!({
                "code": code,
                "tests": tests.iter().map(|t| [&t.call, &t.expected]).collect::<Vec<_>>(),
            })
        })
        .collect();
    let results: Vec<Option<String>> = python_json(python, CHECKER, &payload)?;
    if results.len() != jobs.len() {
        return Err(BenchError::Python {
            python: python.to_string(),
            message: format!("answered {} of {} programs", results.len(), jobs.len()),
        });
    }
    Ok(results)
}

/// Synthesizes every task, then checks all programs in one Python process.
pub fn run(file: &TaskFile, limits: &SynthLimits, python: &str) -> Result<BenchReport, BenchError> {
    let mut results = Vec::new();
    let mut jobs = Vec::new();
    let mut job_of = Vec::new();
    for task in &file.tasks {
        let synth_task = parse_signature(task)?;
        let outcome = synthesize(&synth_task, limits, &CancelFlag::new());
        let result = match outcome {
            Ok(sol) => {
                job_of.push(results.len());
                jobs.push((sol.code.clone(), task.tests.clone()));
                TaskResult {
                    name: task.name.clone(),
                    solved: false,
                    expression: Some(sol.expression),
                    size: Some(sol.size),
                    seconds: sol.elapsed.as_secs_f64(),
                    candidates: sol.candidates_tried,
                    failure: None,
                }
            }
            Err(e) => TaskResult {
                name: task.name.clone(),
                solved: false,
                expression: None,
                size: None,
                seconds: match &e {
                    super::SynthFailure::Exhausted { seconds, .. } => *seconds,
                    _ => 0.0,
                },
                candidates: match &e {
                    super::SynthFailure::Exhausted { candidates, .. } => *candidates,
                    _ => 0,
                },
                failure: Some(e.to_string()),
            },
        };
        results.push(result);
    }
    let checks = check_in_python(python, &jobs)?;
    for (idx, failure) in job_of.into_iter().zip(checks) {
        results[idx].solved = failure.is_none();
        results[idx].failure = failure;
    }
    let solved = results.iter().filter(|r| r.solved).count();
    let max_seconds = results.iter().map(|r| r.seconds).fold(0.0, f64::max);
    Ok(BenchReport {
        total: results.len(),
        results,
        solved,
        max_seconds,
    })
}

/// The default per-hole budget the benchmark uses.
pub fn default_limits(budget: Option<Duration>) -> SynthLimits {
    let mut l = SynthLimits::default();
    if let Some(b) = budget {
        l.time_budget = b;
    }
    l
}
