//! The on-disk shape of a session: what the tool has learned about one sketch.
//!
//! These structs are the file format and nothing else; the engine keeps its runtime state
//! elsewhere and converts. Every change to them bumps `SESSION_VERSION` and adds a step to
//! `migrate.rs`, so an old session is upgraded, never discarded.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version written by this build. Older files are migrated on load.
pub const SESSION_VERSION: u32 = 1;

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
    /// `check_hash` of the code and examples of the last passing check, so an unchanged
    /// recompile does not start Python to check them again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<String>,
    /// Why the last attempt failed, for front ends to show.
    #[serde(default)]
    pub last_failure: Option<String>,
    #[serde(default)]
    pub usage: Usage,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HoleStatus {
    #[default]
    Empty,
    /// Filled, and every example that could be checked passed.
    Passing,
    /// Filled with the best candidate found, but an example fails.
    Failing,
    /// Filled, no example of its own to check it against.
    Unchecked,
    /// The sketch changed what this hole means since it was filled.
    Stale,
}

impl HoleStatus {
    pub fn label(self) -> &'static str {
        match self {
            HoleStatus::Empty => "empty",
            HoleStatus::Passing => "passing",
            HoleStatus::Failing => "failing",
            HoleStatus::Unchecked => "unchecked",
            HoleStatus::Stale => "stale",
        }
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
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub requests: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    #[serde(default)]
    pub cost_usd: f64,
}

impl Usage {
    pub fn add(&mut self, other: &Usage) {
        self.requests += other.requests;
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cost_usd += other.cost_usd;
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
}

/// The parts of a `HoleRecord` an operation can change, apart from its append-only lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HoleState {
    pub fingerprint: String,
    #[serde(default)]
    pub current: Option<usize>,
    #[serde(default)]
    pub status: HoleStatus,
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
