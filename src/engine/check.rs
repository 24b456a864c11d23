//! Running implementations against examples.
//!
//! A candidate for one hole is checked with the rest of the program present: the sketch is
//! rendered with every implementation in use plus the candidate, and the hole's examples
//! are evaluated in a forked child of a warm worker. Program runs and traces use the same
//! path with the entry's examples. Failures are turned into the short text shown to users
//! and sent back to the model in repair rounds, on the user's own sketch lines.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::exec::{CallSpec, CheckOutcome, CheckRequest, PyError, TraceEvent, Verdict};
use crate::sketch::{self, Example, RenderMode, Rendered};

use std::sync::Arc;

use crate::sketch::Sketch;

use super::{Engine, EngineError};

/// What checking needs, cheap to clone into concurrent tasks. The worker pool starts on
/// the first check, so work that needs no Python (an unchanged recompile) never pays for it.
#[derive(Clone)]
pub struct Checker {
    pub sketch: Arc<Sketch>,
    pool: super::Pool,
}

impl Engine {
    pub async fn checker(&self) -> Result<Checker, EngineError> {
        Ok(Checker {
            sketch: self.sketch.clone(),
            pool: self.pool.clone(),
        })
    }
}

/// The marker the rendered program raises when an unfilled hole is called.
const NOT_IMPLEMENTED: &str = "is not implemented yet";

/// How one example went.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleResult {
    pub call: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub passed: bool,
    /// The exception, with the traceback on sketch lines where it maps to them.
    pub error: Option<String>,
    pub trace: Vec<TraceEvent>,
}

/// How a whole check went.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub results: Vec<ExampleResult>,
    /// The program did not load, or the run ended abnormally (timeout, crash, memory).
    pub fatal: Option<String>,
    /// An unfilled hole that the run needed, if that is why it failed.
    pub needs_hole: Option<String>,
    pub stdout: String,
    /// The run failed on a file the sandbox keeps from checks: a problem of the
    /// environment, with the setting that lifts it, never a wrong implementation.
    pub environment: Option<String>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.fatal.is_none() && self.results.iter().all(|r| r.passed)
    }

    /// The report of a check that passed before on exactly this program and these
    /// examples, rebuilt without running it again (no trace: nothing ran).
    pub fn remembered(examples: &[Example]) -> CheckReport {
        CheckReport {
            results: examples
                .iter()
                .map(|e| ExampleResult {
                    call: e.call.clone(),
                    expected: Some(e.expected.clone()),
                    actual: Some(e.expected.clone()),
                    passed: true,
                    error: None,
                    trace: Vec::new(),
                })
                .collect(),
            fatal: None,
            needs_hole: None,
            stdout: String::new(),
            environment: None,
        }
    }

    pub fn passed_count(&self) -> usize {
        self.results.iter().filter(|r| r.passed).count()
    }

    /// The first failure as a few lines of text: for events, the CLI and repair prompts.
    pub fn first_failure(&self) -> Option<String> {
        if let Some(environment) = &self.environment {
            return Some(environment.clone());
        }
        if let Some(fatal) = &self.fatal {
            return Some(fatal.clone());
        }
        let r = self.results.iter().find(|r| !r.passed)?;
        Some(describe_failure(r))
    }
}

pub fn describe_failure(r: &ExampleResult) -> String {
    match (&r.error, &r.actual) {
        (Some(error), _) => format!("{} raised {}", r.call, error),
        (None, Some(actual)) => format!(
            "{}\n  expected: {}\n  actual:   {}",
            r.call,
            r.expected.as_deref().unwrap_or("(nothing)"),
            actual
        ),
        (None, None) => format!("{} gave no result", r.call),
    }
}

impl Checker {
    /// The machine's missing sandbox layers, once per pool (see `Pool::sandbox_notice`).
    pub fn sandbox_notice(&self) -> Option<String> {
        self.pool.sandbox_notice()
    }

    /// Render the program with `impls`, mapping a render problem to an engine error.
    pub fn render(&self, impls: &BTreeMap<String, String>) -> Result<Rendered, EngineError> {
        sketch::render(&self.sketch, impls, RenderMode::Run)
            .map_err(|e| EngineError::Render(e.to_string()))
    }

    /// Check `code` as the implementation of `hole` against `examples`.
    pub async fn check_candidate(
        &self,
        impls: &BTreeMap<String, String>,
        hole: &str,
        code: &str,
        examples: &[Example],
    ) -> Result<CheckReport, EngineError> {
        let mut impls = impls.clone();
        impls.insert(hole.to_string(), code.to_string());
        self.check_examples(&impls, examples, false).await
    }

    /// Run `examples` on the program made of `impls`, tracing every hole when `trace` is set.
    pub async fn check_examples(
        &self,
        impls: &BTreeMap<String, String>,
        examples: &[Example],
        trace: bool,
    ) -> Result<CheckReport, EngineError> {
        let rendered = match self.render(impls) {
            Ok(r) => r,
            Err(e) => {
                return Ok(CheckReport {
                    results: Vec::new(),
                    fatal: Some(e.to_string()),
                    needs_hole: None,
                    stdout: String::new(),
                    environment: None,
                })
            }
        };
        let traced = if trace {
            traced_names(&self.sketch)
        } else {
            Vec::new()
        };
        let request = CheckRequest {
            program: rendered.source.clone(),
            traced,
            calls: examples
                .iter()
                .map(|e| CallSpec {
                    call: e.call.clone(),
                    expected: Some(e.expected.clone()),
                    json: e.from_json,
                })
                .collect(),
            stop_at_first_failure: false,
        };
        let outcome = self.run_request(&request).await?;
        Ok(self.report(&rendered, examples, outcome))
    }

    /// Run bare calls (no expected value), for `anpl trace --call`.
    pub async fn run_calls(
        &self,
        impls: &BTreeMap<String, String>,
        calls: &[String],
    ) -> Result<CheckReport, EngineError> {
        let examples: Vec<Example> = calls
            .iter()
            .map(|c| Example::new(c.clone(), String::new(), 0))
            .collect();
        let rendered = self.render(impls)?;
        let request = CheckRequest {
            program: rendered.source.clone(),
            traced: traced_names(&self.sketch),
            calls: calls
                .iter()
                .map(|c| CallSpec {
                    call: c.clone(),
                    expected: None,
                    json: false,
                })
                .collect(),
            stop_at_first_failure: false,
        };
        let outcome = self.run_request(&request).await?;
        Ok(self.report(&rendered, &examples, outcome))
    }

    /// Run a request as it is (no tracing added), for the combination search's probes.
    pub(crate) async fn run_request(
        &self,
        request: &CheckRequest,
    ) -> Result<CheckOutcome, EngineError> {
        Ok(self
            .pool
            .runner(&self.sketch.prelude)
            .await?
            .check(request)
            .await?)
    }

    fn report(
        &self,
        rendered: &Rendered,
        examples: &[Example],
        outcome: CheckOutcome,
    ) -> CheckReport {
        let mut needs_hole = None;
        let mut fatal = outcome.load_error.as_ref().map(|e| {
            format!(
                "the program failed to load: {}",
                self.format_error(rendered, e)
            )
        });
        if fatal.is_none() {
            fatal = verdict_problem(&outcome.verdict);
        }
        if let Some(hole) = outcome.load_error.as_ref().and_then(missing_hole) {
            // Top-level code called a hole that is still empty: nothing here could run.
            needs_hole = Some(hole);
        }
        let mut results = Vec::new();
        for (i, call) in outcome.calls.iter().enumerate() {
            let example = examples.get(i);
            let mut error = call.error.as_ref().map(|e| {
                if let Some(hole) = missing_hole(e) {
                    needs_hole.get_or_insert(hole);
                }
                let mut text = self.format_error(rendered, e);
                if let Some(note) = example.and_then(|x| x.note.as_ref()) {
                    if type_related(e) {
                        text.push_str(&format!("\n  note: {note}"));
                    }
                }
                text
            });
            if call.interrupted && error.is_none() {
                // No value to diff against: say what happened instead of showing a
                // one-sided comparison.
                error = Some(format!(
                    "the call was stopped: the run {}",
                    outcome.verdict.describe()
                ));
            }
            results.push(ExampleResult {
                call: example.map(|e| e.call.clone()).unwrap_or_default(),
                expected: example
                    .map(|e| e.expected.clone())
                    .filter(|e| !e.is_empty()),
                actual: call.value.as_ref().map(|v| v.src.clone()),
                passed: call.passed.unwrap_or(call.error.is_none()),
                error,
                trace: call.trace.clone(),
            });
        }
        if outcome.load_error.is_none() && outcome.verdict != Verdict::Completed {
            for example in examples.iter().skip(results.len()) {
                results.push(ExampleResult {
                    call: example.call.clone(),
                    expected: Some(example.expected.clone()).filter(|e| !e.is_empty()),
                    actual: None,
                    passed: false,
                    error: Some(format!(
                        "not run: the run stopped before reaching it; it {}",
                        outcome.verdict.describe()
                    )),
                    trace: Vec::new(),
                });
            }
        }
        let environment = self.pool.denied_access(&outcome);
        CheckReport {
            results,
            fatal,
            needs_hole,
            stdout: outcome.stdout,
            environment,
        }
    }

    /// `ExcType: message` and the traceback, innermost last, on sketch lines where the
    /// program line came from the sketch and on implementation lines otherwise.
    pub fn format_error(&self, rendered: &Rendered, error: &PyError) -> String {
        let mut out = format!("{}: {}", error.exc_type, error.message);
        let source_lines: Vec<&str> = self.sketch.source.lines().collect();
        let program_lines: Vec<&str> = rendered.source.lines().collect();
        for frame in error.frames.iter().filter(|f| f.in_program) {
            let mapped = rendered
                .line_map
                .get(frame.line.saturating_sub(1))
                .copied()
                .flatten();
            match mapped {
                Some(line) => {
                    let text = source_lines.get(line.saturating_sub(1)).unwrap_or(&"");
                    out.push_str(&format!(
                        "\n  {}:{} in {}: {}",
                        self.sketch.file,
                        line,
                        frame.function,
                        text.trim()
                    ));
                }
                None => {
                    let text = program_lines
                        .get(frame.line.saturating_sub(1))
                        .unwrap_or(&"");
                    out.push_str(&format!(
                        "\n  (generated code of {}) {}",
                        frame.function,
                        text.trim()
                    ));
                }
            }
        }
        out
    }
}

/// What the worker wraps to trace every hole: its id, or `Class.method` for a method hole
/// (the worker records both under the hole's id).
fn traced_names(sketch: &Sketch) -> Vec<String> {
    sketch
        .holes
        .iter()
        .map(|h| match sketch.class_of(h) {
            Some(class) => format!("{}.{}", class.name, h.id),
            None => h.id.clone(),
        })
        .collect()
}

fn verdict_problem(verdict: &Verdict) -> Option<String> {
    match verdict {
        Verdict::Completed => None,
        other => Some(format!("the run {}", other.describe())),
    }
}

/// Whether an exception reads like a value of the wrong kind (a list where an array was
/// meant, or the other way round), which a conversion note can explain.
fn type_related(error: &PyError) -> bool {
    let kinds = [
        "TypeError",
        "AttributeError",
        "IndexError",
        "ValueError",
        "KeyError",
    ];
    let words = [
        "list",
        "tuple",
        "ndarray",
        "numpy",
        "array",
        "shape",
        "unhashable",
    ];
    kinds.contains(&error.exc_type.as_str()) && words.iter().any(|w| error.message.contains(w))
}

/// The hole named in a `NotImplementedError("hole X is not implemented yet")`.
fn missing_hole(error: &PyError) -> Option<String> {
    if error.exc_type != "NotImplementedError" || !error.message.contains(NOT_IMPLEMENTED) {
        return None;
    }
    let rest = error.message.strip_prefix("hole ")?;
    let name = rest.split_whitespace().next()?;
    Some(name.trim_matches('`').to_string())
}
