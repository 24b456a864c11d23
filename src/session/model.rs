//! The on-disk shape of a session: what the tool has learned about one sketch.
//!
//! These structs are the file format and nothing else; the engine keeps its runtime state
//! elsewhere and converts. Every change to them bumps `SESSION_VERSION` and adds a step to
//! `migrate.rs`, so an old session is upgraded, never discarded.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version written by this build. Older files are migrated on load.
pub const SESSION_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFile {
    pub version: u32,
    /// The sketch file this session belongs to, as the user named it.
    pub sketch: String,
    /// Implementations and their history, by hole identifier.
    #[serde(default)]
    pub holes: BTreeMap<String, HoleRecord>,
    /// Examples the user added through anpl (not written in a docstring).
    #[serde(default)]
    pub examples: Vec<StoredExample>,
    /// Every model request and its answer, keyed by the cache key of the request.
    /// An unchanged recompile is answered from here without any request.
    #[serde(default)]
    pub transcripts: BTreeMap<String, Transcript>,
    /// Token use over the life of the session.
    #[serde(default)]
    pub usage: Usage,
    /// `check_hash` of the program and its examples when they last all passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program_verified: Option<String>,
    /// Operations in the order they happened, for `history`, undo and redo.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// Operations undone and not yet redone, the most recently undone last. A new
    /// operation clears it, as in every editor.
    #[serde(default)]
    pub redo: Vec<HistoryEntry>,
    /// The hole calls of the last trace, so a call can be pinned as an example later.
    #[serde(default)]
    pub last_trace: Option<LastTrace>,
    /// A combination search that ran out before the program's examples passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<super::search::SearchRecord>,
    /// Per hole, the candidates questions are computed from and the questions skipped
    /// (`session::questions`). Absent in files written before questions existed, which
    /// read as having none, so the format version is unchanged.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub questions: BTreeMap<String, super::questions::HoleQuestions>,
}

impl SessionFile {
    pub fn new(sketch: &str) -> SessionFile {
        SessionFile {
            version: SESSION_VERSION,
            sketch: sketch.to_string(),
            holes: BTreeMap::new(),
            examples: Vec::new(),
            transcripts: BTreeMap::new(),
            usage: Usage::default(),
            program_verified: None,
            history: Vec::new(),
            redo: Vec::new(),
            last_trace: None,
            search: None,
            questions: BTreeMap::new(),
        }
    }

    /// The implementation currently in use for a hole, if any.
    pub fn current_code(&self, hole: &str) -> Option<&str> {
        let record = self.holes.get(hole)?;
        let version = record.versions.get(record.current?)?;
        Some(&version.code)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HoleRecord {
    /// Hash of what the implementation was made for (description, signature, examples).
    /// When the sketch changes it, the hole is stale and its code is not reused silently.
    pub fingerprint: String,
    #[serde(default)]
    pub versions: Vec<ImplVersion>,
    /// Index into `versions` of the implementation in use.
    #[serde(default)]
    pub current: Option<usize>,
    #[serde(default)]
    pub status: HoleStatus,
    /// Hash of what `status` was decided on: the code, the hole's examples, the program's
    /// examples, the sketch and every other implementation. A status is trusted only while
    /// this still matches; otherwise the hole is checked again (and shown `unchecked` until
    /// it is), so an example added or another hole changed can never leave a stale
    /// `passing` behind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Why the implementation is a guess to review (filled from a single example, or code
    /// that uses none of the description's words), when its status is `guess`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guess: Option<String>,
    /// Why the last attempt failed, for front ends to show.
    #[serde(default)]
    pub last_failure: Option<String>,
    #[serde(default)]
    pub usage: Usage,
}

/// What is known about a hole's implementation. Front ends show `label()` (a word) or
/// `mark()` (one character for trees and lists), and `meaning()` where there is room.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HoleStatus {
    #[default]
    Empty,
    /// Filled, and every example of its own passes.
    Passing,
    /// Filled with the best candidate found, but an example of its own fails.
    Failing,
    /// Filled, and nothing has checked it: no example of its own, and the program's
    /// examples do not reach it or do not pass (or it was not checked since it changed).
    Unchecked,
    /// The sketch changed what this hole means since it was filled.
    Stale,
    /// Filled, no example of its own, and the program's examples pass with it and call it:
    /// its only evidence is the whole program's.
    ProgramChecked,
    /// Its examples pass, but the evidence is thin: it was filled from a single example, or
    /// its code uses none of the words of its description. Review it (or add an example).
    Guess,
}

impl HoleStatus {
    pub fn label(self) -> &'static str {
        match self {
            HoleStatus::Empty => "empty",
            HoleStatus::Passing => "passing",
            HoleStatus::Failing => "failing",
            HoleStatus::Unchecked => "unchecked",
            HoleStatus::Stale => "stale",
            HoleStatus::ProgramChecked => "program-checked",
            HoleStatus::Guess => "guess",
        }
    }

    /// One character for trees and lists.
    pub fn mark(self) -> &'static str {
        match self {
            HoleStatus::Empty => "○",
            HoleStatus::Passing => "✓",
            HoleStatus::Failing => "✗",
            HoleStatus::Unchecked => "?",
            HoleStatus::Stale => "~",
            HoleStatus::ProgramChecked => "≈",
            HoleStatus::Guess => "!",
        }
    }

    /// What the status promises, in words.
    pub fn meaning(self) -> &'static str {
        match self {
            HoleStatus::Empty => "no implementation yet",
            HoleStatus::Passing => "passes its examples",
            HoleStatus::Failing => "an example of its own fails",
            HoleStatus::Unchecked => "not checked by any example",
            HoleStatus::Stale => "the sketch changed since it was filled",
            HoleStatus::ProgramChecked => "passes via the program's examples only",
            HoleStatus::Guess => "passes its examples, but is a guess to review",
        }
    }

    /// Whether a compile that leaves the hole so has succeeded: filled, and no example
    /// fails.
    pub fn is_ok(self) -> bool {
        matches!(
            self,
            HoleStatus::Passing
                | HoleStatus::Guess
                | HoleStatus::ProgramChecked
                | HoleStatus::Unchecked
        )
    }

    /// Whether some example passed with the implementation (its own or the program's).
    pub fn has_passed(self) -> bool {
        matches!(
            self,
            HoleStatus::Passing | HoleStatus::Guess | HoleStatus::ProgramChecked
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImplVersion {
    pub code: String,
    pub origin: Origin,
    /// Fingerprint of the hole when this version was made.
    pub fingerprint: String,
    /// Seconds since the Unix epoch.
    pub created: u64,
}

/// Who wrote an implementation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Origin {
    Model { model: String },
    Synthesizer,
    User,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Model { model } => write!(f, "{model}"),
            Origin::Synthesizer => write!(f, "offline synthesizer"),
            Origin::User => write!(f, "user"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredExample {
    /// The function (hole or sketch function) the example calls.
    pub function: String,
    /// Python source of the call, e.g. `count_words("a a b")`.
    pub call: String,
    /// Python source of the expected value.
    pub expected: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub model: String,
    pub hole: String,
    /// The request as sent (system prompt, messages, sampling settings); never a key.
    pub request: serde_json::Value,
    pub response: String,
    #[serde(default)]
    pub usage: Usage,
    pub created: u64,
    /// What extraction left out of the answer and why (a rewritten sketch function, another
    /// hole's implementation kept as a candidate for it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Requests, tokens and money spent. Serialized with a `cost` field too: dollars when every
/// request's price is known, the string "unknown" otherwise (never a 0 that only means
/// nobody knew).
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
pub struct Usage {
    pub requests: u64,
    /// Every prompt token, cached ones included.
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Prompt tokens the provider read from its prompt cache.
    #[serde(default)]
    pub cached_tokens: u64,
    /// Dollars spent on the requests whose cost is known.
    #[serde(default)]
    pub cost_usd: f64,
    /// How many of `requests` have a known cost (sessions from before prices count none).
    #[serde(default)]
    pub priced_requests: u64,
}

impl Usage {
    pub fn add(&mut self, other: &Usage) {
        self.requests += other.requests;
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cached_tokens += other.cached_tokens;
        self.cost_usd += other.cost_usd;
        self.priced_requests += other.priced_requests;
    }

    /// The cost in dollars, when every request's is known (nothing requested costs 0).
    pub fn cost(&self) -> Option<f64> {
        (self.priced_requests >= self.requests).then_some(self.cost_usd)
    }

    /// Requests, tokens and cost on one line, as every front end sums a compile up:
    /// `3 request(s), 1200 tokens, cost $0.0123`.
    pub fn summary(&self) -> String {
        format!(
            "{} request(s), {} tokens, cost {}",
            self.requests,
            self.input_tokens + self.output_tokens,
            self.cost_text()
        )
    }

    /// The cost as people read it: `$0.0123`, `unknown`, or the known part and how many
    /// requests have no price.
    pub fn cost_text(&self) -> String {
        match self.cost() {
            Some(c) => dollars(c),
            None if self.priced_requests == 0 => "unknown".to_string(),
            None => format!(
                "{} + unknown ({} of {} requests unpriced)",
                dollars(self.cost_usd),
                self.requests - self.priced_requests,
                self.requests
            ),
        }
    }
}

/// Dollars with enough digits to see a cent's fraction.
pub fn dollars(amount: f64) -> String {
    if amount == 0.0 {
        "$0".to_string()
    } else if amount < 1.0 {
        format!("${amount:.4}")
    } else {
        format!("${amount:.2}")
    }
}

impl Serialize for Usage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Usage", 7)?;
        s.serialize_field("requests", &self.requests)?;
        s.serialize_field("input_tokens", &self.input_tokens)?;
        s.serialize_field("output_tokens", &self.output_tokens)?;
        s.serialize_field("cached_tokens", &self.cached_tokens)?;
        s.serialize_field("cost_usd", &self.cost_usd)?;
        s.serialize_field("priced_requests", &self.priced_requests)?;
        match self.cost() {
            Some(c) => s.serialize_field("cost", &c)?,
            None => s.serialize_field("cost", "unknown")?,
        }
        s.end()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub operation: String,
    pub hole: Option<String>,
    pub created: u64,
    /// The state before and after the operation; undo restores `before`, redo `after`.
    /// Entries written before undo existed have neither and cannot be undone.
    #[serde(default)]
    pub before: Option<Snapshot>,
    #[serde(default)]
    pub after: Option<Snapshot>,
}

/// What undo and redo restore: the sketch text, which implementation each hole uses, and
/// the stored examples. Implementation versions are append-only, so an index into a
/// hole's `versions` names the same code forever and snapshots stay small.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// SHA-256 (hex) of the sketch file's bytes at this point.
    pub sketch_hash: String,
    /// The sketch file's text, kept only when the operation changed it.
    #[serde(default)]
    pub sketch_text: Option<String>,
    #[serde(default)]
    pub holes: BTreeMap<String, HoleState>,
    #[serde(default)]
    pub examples: Vec<StoredExample>,
    /// The candidates and skipped questions per hole, kept only when the operation changed
    /// them (an answer drops candidates, a compile finds new ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questions: Option<BTreeMap<String, super::questions::HoleQuestions>>,
}

/// The parts of a `HoleRecord` an operation can change, apart from its append-only lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HoleState {
    pub fingerprint: String,
    #[serde(default)]
    pub current: Option<usize>,
    #[serde(default)]
    pub status: HoleStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guess: Option<String>,
    #[serde(default)]
    pub last_failure: Option<String>,
}

/// The last trace: the call that was run and every hole call it made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LastTrace {
    pub call: String,
    pub calls: Vec<TracedCall>,
}

/// One hole call of a trace, as plain Python source text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracedCall {
    /// The number the trace shows (`#3`), used to pin the call as an example.
    pub id: usize,
    pub function: String,
    /// Argument names and values (Python source) as they were when the call started.
    pub args: Vec<(String, String)>,
    pub result: Option<String>,
    /// `ExcType: message` when the call raised.
    pub error: Option<String>,
    /// Whether an argument or the result was cut short when recorded.
    #[serde(default)]
    pub truncated: bool,
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
