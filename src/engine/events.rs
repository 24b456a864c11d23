//! What the engine reports while it works.
//!
//! Every long operation sends `Event`s on an unbounded channel; front ends render them (the
//! CLI as progress lines, the REPL and TUI as live status). Events carry plain data only, so
//! any front end can show them without reaching back into the engine.

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// A hole is waiting for a model, the synthesizer, or its dependencies.
    HoleQueued { hole: String },
    /// A request went out (or was answered from the session's transcripts when `cached`).
    RequestSent {
        hole: String,
        samples: u32,
        temperature: f32,
        prompt_tokens: usize,
        cached: bool,
    },
    /// Tokens the provider reported for one request.
    Tokens {
        hole: String,
        input: u64,
        output: u64,
    },
    /// A candidate could not be used at all (no code block, does not parse, …).
    CandidateRejected { hole: String, reason: String },
    /// A candidate ran against the hole's examples.
    CandidateChecked {
        hole: String,
        passed: bool,
        /// Which example failed and how, when it did.
        failure: Option<String>,
    },
    /// Asking the model to fix a failing candidate.
    RepairRound { hole: String, round: u32 },
    /// The hole has an implementation now.
    HoleFilled {
        hole: String,
        by: String,
        verified: bool,
    },
    /// Nothing found for the hole; `reason` says what was tried.
    HoleFailed { hole: String, reason: String },
    /// Trying combinations of candidates against the program's examples.
    CombinationSearch { tried: usize, budget: usize },
    /// The program's own examples were run.
    ProgramChecked { passed: usize, total: usize },
    /// Anything else worth a line: warnings, sandbox notes.
    Message { text: String },
    /// Tokens of a streamed answer for `hole` received so far in its current request
    /// (reasoning included), sent while they arrive.
    Receiving { hole: String, tokens: u64 },
}

/// A cloneable handle to send events; sending never blocks and a closed receiver is fine
/// (a front end that stopped listening must not stop the work).
#[derive(Debug, Clone)]
pub struct Events(Option<UnboundedSender<Event>>);

impl Events {
    pub fn new(sender: UnboundedSender<Event>) -> Events {
        Events(Some(sender))
    }

    /// A sink that drops everything, for callers that do not watch progress.
    pub fn none() -> Events {
        Events(None)
    }

    pub fn send(&self, event: Event) {
        if let Some(sender) = &self.0 {
            let _ = sender.send(event);
        }
    }
}
