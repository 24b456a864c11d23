//! What a check asks for and what it found. `CheckRequest` goes to a worker as JSON; the
//! worker answers with the JSON form of `CheckOutcome`, which deserialises straight into these
//! types. `sanitize` then neutralises every string that untrusted code could have shaped, so
//! front ends can print any field as it is. The types are serialisable for `--json` output
//! and for storing traces in a session.

use serde::{Deserialize, Serialize};

use super::escape::neutralize;

/// One check: load `program`, wrap the functions named in `traced`, evaluate `calls` in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRequest {
    /// The full program text, prelude included. Line numbers in errors refer to it.
    pub program: String,
    /// Functions (holes) whose every call is recorded. A name the program does not define is
    /// bound to a function raising `NotImplementedError("hole NAME is not implemented yet")`.
    /// `Class.method` traces a method of a top-level class, recorded under `method`.
    pub traced: Vec<String>,
    pub calls: Vec<CallSpec>,
    /// Stop after the first call that fails (or raises), as candidate filtering wants.
    pub stop_at_first_failure: bool,
}

/// A call as a Python expression (`main(np.array([[1, 2]]))`) and, optionally, the value it
/// must equal, also a Python expression. Both are evaluated in the program's namespace, with
/// `np`/`numpy` available when numpy is loaded and the program did not bind those names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallSpec {
    pub call: String,
    pub expected: Option<String>,
    /// The expected value was read from JSON: compared the way docs/values.md says JSON
    /// outputs are (lists, tuples and arrays by their elements, keys by their JSON text).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub json: bool,
}

impl CallSpec {
    pub fn new(call: impl Into<String>, expected: Option<&str>) -> CallSpec {
        CallSpec {
            call: call.into(),
            expected: expected.map(str::to_string),
            json: false,
        }
    }
}

/// A Python value as source text (`repr`, with numpy arrays as `np.array([...])`), cut at
/// the configured size cap when `truncated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PyValue {
    pub src: String,
    pub truncated: bool,
}

/// A Python exception with its traceback. Frames in the program have `file == "<program>"`
/// and `in_program`, with 1-based lines of `CheckRequest::program`; `<call>` and `<expected>`
/// are the call and expected expressions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PyError {
    #[serde(rename = "type")]
    pub exc_type: String,
    pub message: String,
    pub frames: Vec<Frame>,
    /// For a `SyntaxError`: where the parser stopped.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl PyError {
    /// The innermost frame in the program: where the program itself went wrong.
    pub fn program_line(&self) -> Option<usize> {
        self.frames
            .iter()
            .rev()
            .find(|f| f.in_program)
            .map(|f| f.line)
    }
}

impl std::fmt::Display for PyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.exc_type)
        } else {
            write!(f, "{}: {}", self.exc_type, self.message)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    pub file: String,
    pub line: usize,
    pub function: String,
    pub in_program: bool,
}

/// One call of a traced function, in call order. `parent` is the traced call that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEvent {
    pub id: usize,
    pub parent: Option<usize>,
    pub function: String,
    /// Argument names and values as they were when the call started.
    pub args: Vec<(String, PyValue)>,
    pub result: Option<PyValue>,
    pub error: Option<PyError>,
    /// The arguments after the call, present only when the call changed one in place.
    pub args_after: Option<Vec<PyValue>>,
    /// False when the check ended (timeout, crash) while this call was still running.
    pub finished: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallOutcome {
    /// Index into `CheckRequest::calls`.
    pub index: usize,
    /// `Some(true)` when the value equals the expected one; `None` when nothing was expected.
    pub passed: Option<bool>,
    pub value: Option<PyValue>,
    /// The exception the call raised.
    pub error: Option<PyError>,
    /// The expected-value expression itself failed to evaluate.
    pub expected_error: Option<PyError>,
    /// Comparing the value with the expected one raised.
    pub compare_error: Option<PyError>,
    /// The check ended (see the verdict) while this call was running.
    pub interrupted: bool,
    pub trace: Vec<TraceEvent>,
}

/// How the check's process ended. Anything but `Completed` means the calls after the last
/// `CallOutcome` did not run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    Completed,
    /// A phase (loading, or one call) ran past the wall-clock timeout; everything it started
    /// was killed.
    Timeout {
        seconds: f64,
    },
    /// The CPU-time limit (RLIMIT_CPU) ended it.
    CpuLimit {
        seconds: u64,
    },
    /// It wrote more than the output limit to stdout, stderr or the result channel.
    OutputLimit {
        bytes: u64,
    },
    /// Killed by a signal it did not ask for: a C-level crash (SIGSEGV), `signal.alarm`, …
    Crashed {
        signal: i32,
        name: String,
    },
    /// The process exited (`os._exit`, a killed harness) before reporting every result.
    ExitedEarly {
        code: i32,
    },
    /// Something wrote a malformed line on the result channel: a forged result.
    Tampered,
    /// The sandbox could not be entered; the program never ran.
    SandboxFailed {
        error: PyError,
    },
    /// The worker itself died (the program killed it); the pool replaced it.
    WorkerLost {
        reason: String,
    },
}

impl Verdict {
    /// A short phrase for one line of output.
    pub fn describe(&self) -> String {
        match self {
            Verdict::Completed => "completed".to_string(),
            Verdict::Timeout { seconds } => {
                format!("timed out after {seconds} s (the limit per check; --check-timeout SECS changes it)")
            }
            Verdict::CpuLimit { seconds } => format!("exceeded the CPU limit of {seconds} s"),
            Verdict::OutputLimit { bytes } => format!("wrote more than {bytes} bytes of output"),
            Verdict::Crashed { name, .. } => format!("crashed ({name})"),
            Verdict::ExitedEarly { code } => {
                format!("exited with code {code} before reporting its results")
            }
            Verdict::Tampered => "wrote a forged result; check rejected".to_string(),
            Verdict::SandboxFailed { error } => format!("could not enter the sandbox: {error}"),
            Verdict::WorkerLost { reason } => format!("killed its worker ({reason})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckOutcome {
    /// The program failed to load: a syntax error or an exception at top level.
    pub load_error: Option<PyError>,
    /// Traced calls made while the program loaded (top-level code calling a hole).
    pub load_trace: Vec<TraceEvent>,
    pub calls: Vec<CallOutcome>,
    pub verdict: Verdict,
    /// The program's output, cut at the output cap, with control characters neutralised.
    pub stdout: String,
    pub stderr: String,
    /// How much it really wrote.
    pub stdout_bytes: u64,
    pub stderr_bytes: u64,
    pub elapsed_seconds: f64,
}

impl CheckOutcome {
    /// True only when the program loaded, every call ran, and every call with an expected
    /// value matched it. `os._exit`, `sys.exit`, a crash or a timeout is never a pass.
    pub fn passed(&self, request: &CheckRequest) -> bool {
        self.verdict == Verdict::Completed
            && self.load_error.is_none()
            && self.calls.len() == request.calls.len()
            && self
                .calls
                .iter()
                .all(|c| c.error.is_none() && c.passed != Some(false) && !c.interrupted)
    }

    /// All trace events of the check in call order (load first).
    pub fn trace(&self) -> impl Iterator<Item = &TraceEvent> {
        self.load_trace
            .iter()
            .chain(self.calls.iter().flat_map(|c| c.trace.iter()))
    }

    pub(crate) fn worker_lost(reason: String) -> CheckOutcome {
        CheckOutcome {
            load_error: None,
            load_trace: Vec::new(),
            calls: Vec::new(),
            verdict: Verdict::WorkerLost { reason },
            stdout: String::new(),
            stderr: String::new(),
            stdout_bytes: 0,
            stderr_bytes: 0,
            elapsed_seconds: 0.0,
        }
    }

    /// Neutralise every string untrusted code could have shaped.
    pub(crate) fn sanitize(&mut self) {
        self.stdout = neutralize(&self.stdout);
        self.stderr = neutralize(&self.stderr);
        if let Some(e) = &mut self.load_error {
            e.sanitize();
        }
        if let Verdict::SandboxFailed { error } = &mut self.verdict {
            error.sanitize();
        }
        for event in &mut self.load_trace {
            event.sanitize();
        }
        for call in &mut self.calls {
            if let Some(v) = &mut call.value {
                v.sanitize();
            }
            for e in [
                &mut call.error,
                &mut call.expected_error,
                &mut call.compare_error,
            ]
            .into_iter()
            .flatten()
            {
                e.sanitize();
            }
            for event in &mut call.trace {
                event.sanitize();
            }
        }
    }
}

impl PyValue {
    fn sanitize(&mut self) {
        self.src = neutralize(&self.src);
    }
}

impl PyError {
    fn sanitize(&mut self) {
        self.exc_type = neutralize(&self.exc_type);
        self.message = neutralize(&self.message);
        for frame in &mut self.frames {
            frame.file = neutralize(&frame.file);
            frame.function = neutralize(&frame.function);
        }
    }
}

impl TraceEvent {
    fn sanitize(&mut self) {
        self.function = neutralize(&self.function);
        for (name, value) in &mut self.args {
            *name = neutralize(name);
            value.sanitize();
        }
        if let Some(v) = &mut self.result {
            v.sanitize();
        }
        if let Some(e) = &mut self.error {
            e.sanitize();
        }
        for v in self.args_after.iter_mut().flatten() {
            v.sanitize();
        }
    }
}
