//! The model-free synthesizer: fills a small hole from its input/output examples by
//! enumerating Python expressions bottom-up, smallest first, and returns ordinary readable
//! Python (`def f(xs): return sorted(set(xs))`).
//!
//! It is the `offline` model of the engine: the engine hands it a [`SynthTask`] built from
//! a hole's signature, description and doctest examples, and checks every returned
//! [`Solution`] in real Python (through `exec`) before accepting it, taking the first of
//! [`synthesize_ranked`]'s answers that passes there. Inside, `task` reads the examples and
//! picks constants, `bank`/`search` enumerate with observational equivalence and type-directed
//! pruning, `eval` mirrors Python's semantics for the subset, and `expr` writes the result.
//! `bench` runs a task file through it and checks the programs in `python3`.

pub mod bank;
pub mod bench;
pub mod eval;
pub mod expr;
pub mod literal;
pub mod ops;
pub mod probe;
pub mod rank;
mod search;
pub mod task;
pub mod types;
pub mod value;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use thiserror::Error;

use self::bank::Stop;

/// A hole as the synthesizer sees it: text straight from the sketch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthTask {
    pub name: String,
    /// Parameter names with their annotations as written (`Some("list[int]")`).
    pub params: Vec<(String, Option<String>)>,
    pub returns: Option<String>,
    pub description: String,
    /// `(call, expected)` as Python source, e.g. `("total([1, 2])", "3")`.
    pub examples: Vec<(String, String)>,
}

/// How much one hole may cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthLimits {
    /// Wall-clock budget for the whole search.
    pub time_budget: Duration,
    /// Most expressions kept in the banks: the memory cap. Past it the search still tries
    /// candidates built from what it has, but keeps no new ones.
    pub max_bank: usize,
    /// Largest program size (number of nodes) tried.
    pub max_size: usize,
}

impl Default for SynthLimits {
    fn default() -> Self {
        SynthLimits {
            time_budget: Duration::from_secs(2),
            max_bank: 250_000,
            max_size: 14,
        }
    }
}

/// Cancels a running search from another thread; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn new() -> Self {
        CancelFlag::default()
    }

    /// Shares an existing flag, e.g. one the engine already sets on cancellation.
    pub fn from_arc(flag: Arc<AtomicBool>) -> Self {
        CancelFlag(flag)
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A program that reproduces every example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// The full function definition.
    pub code: String,
    /// The returned expression alone.
    pub expression: String,
    /// Number of nodes in the expression.
    pub size: usize,
    pub candidates_tried: u64,
    pub elapsed: Duration,
}

/// Why no program was found; the messages are meant for the user.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SynthFailure {
    // Where examples come from depends on the caller (a docstring, the REPL, a task file),
    // so the advice on adding one is the caller's to give.
    #[error("`{name}` has no examples; the synthesizer needs at least one")]
    NoExamples { name: String },
    #[error("example {index} `{text}`: {message}")]
    BadExample {
        index: usize,
        text: String,
        message: String,
    },
    #[error("{what}: {detail}")]
    MixedTypes { what: String, detail: String },
    #[error("{} after {candidates} candidates in {seconds:.1} s (every program up to size {level} tried{})", if *.timed_out { "search stopped at its time budget" } else { "search exhausted" }, if *.bank_full { "; the expression bank reached its memory cap" } else { "" })]
    Exhausted {
        candidates: u64,
        seconds: f64,
        level: usize,
        bank_full: bool,
        /// The time budget ended the search: more time may find a program, which is not
        /// so when every size up to the limit was tried.
        timed_out: bool,
    },
    #[error("cancelled after {candidates} candidates")]
    Cancelled { candidates: u64 },
}

/// The smallest program that reproduces the examples, preferring among equally small ones
/// the one whose operators the description names.
pub fn synthesize(
    task: &SynthTask,
    limits: &SynthLimits,
    cancel: &CancelFlag,
) -> Result<Solution, SynthFailure> {
    let all = synthesize_ranked(task, limits, cancel, 1)?;
    // `synthesize_ranked` returns at least one solution or an error.
    all.into_iter().next().ok_or(SynthFailure::Exhausted {
        candidates: 0,
        seconds: 0.0,
        level: 0,
        bank_full: false,
        timed_out: false,
    })
}

/// Up to `max` distinct programs that reproduce the examples, best first: smaller before
/// larger, and among equals those matching the description's words first. The search goes
/// on past the first size with a solution until it has `max` of them or runs out of budget.
pub fn synthesize_ranked(
    task: &SynthTask,
    limits: &SynthLimits,
    cancel: &CancelFlag,
    max: usize,
) -> Result<Vec<Solution>, SynthFailure> {
    let start = Instant::now();
    let prep = task::prepare(task)?;
    let out = search::run(&prep, &task.name, limits, cancel, max.max(1));
    let elapsed = start.elapsed();
    if out.found.is_empty() {
        return Err(match out.stop {
            Some(Stop::Cancelled) => SynthFailure::Cancelled {
                candidates: out.tried,
            },
            _ => SynthFailure::Exhausted {
                candidates: out.tried,
                seconds: elapsed.as_secs_f64(),
                level: out.level,
                bank_full: out.bank_full,
                timed_out: out.stop == Some(Stop::Time),
            },
        });
    }
    let arena = &out.arena;
    let scored = out
        .found
        .iter()
        .map(|f| (f.size, arena.render(f.node), arena.needs_math(f.node)));
    let mut solutions: Vec<Solution> = Vec::new();
    for (size, expression, math) in scored {
        if solutions.iter().any(|s| s.expression == expression) {
            continue;
        }
        solutions.push(Solution {
            code: render_def(task, &expression, math),
            expression,
            size,
            candidates_tried: out.tried,
            elapsed,
        });
        if solutions.len() >= max.max(1) {
            break;
        }
    }
    Ok(solutions)
}

/// `def name(params) -> ret:` with the expression as its body.
pub fn render_def(task: &SynthTask, expression: &str, needs_math: bool) -> String {
    let params: Vec<String> = task
        .params
        .iter()
        .map(|(n, ann)| match ann {
            Some(a) => format!("{n}: {a}"),
            None => n.clone(),
        })
        .collect();
    let ret = task
        .returns
        .as_ref()
        .map(|r| format!(" -> {r}"))
        .unwrap_or_default();
    let import = if needs_math {
        "    import math\n\n"
    } else {
        ""
    };
    format!(
        "def {}({}){ret}:\n{import}    return {expression}\n",
        task.name,
        params.join(", ")
    )
}
