//! Operations that repair a program hole by hole, for the REPL and the TUI alike.
//!
//! Each operation changes one hole (or one function's examples) and invalidates only what
//! depends on it; each is recorded for undo (see `history.rs`) and saves the session when it
//! completes. Edits to the sketch file are computed as byte-span replacements by
//! `sketch::edit` or `decompose.rs`, parsed before anything is written, and written
//! atomically (temporary file, fsync, rename) only if the file on disk is still what anpl
//! read, so every byte the user did not ask to change stays as it was and an edit made in
//! another editor is never overwritten. `examples.rs` adds, removes and pins examples,
//! `resynth.rs` draws fresh samples for one hole, `decompose.rs` turns a hole into a small
//! sketch of its own.

mod decompose;
mod examples;
mod resynth;

use std::io::Write;
use std::sync::Arc;

use serde::Serialize;
use similar::TextDiff;
use tokio::sync::OnceCell;

use crate::session::{HoleStatus, LastTrace, TracedCall};
use crate::sketch::{self, Example};

use super::check::CheckReport;
use super::history::{disk_text, text_hash};
use super::{Engine, EngineError};

pub use decompose::Decomposed;
pub use examples::ExampleSource;
pub use resynth::ResynthReport;

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("{path}: cannot {action}: {source}")]
    Io {
        path: String,
        action: &'static str,
        source: std::io::Error,
    },
    #[error("{file} changed on disk since anpl read it; the change was not written (the next command reloads the file)")]
    SketchChanged { file: String },
    #[error("cannot {verb} `{operation}`: {file} was changed outside anpl since, and {verb} would overwrite those changes")]
    ChangedOutside {
        file: String,
        verb: &'static str,
        operation: String,
    },
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("nothing to redo")]
    NothingToRedo,
    #[error("`{0}` was recorded by an older anpl without the state to undo it")]
    NotUndoable(String),
    #[error("the edit was not written, because the sketch would not parse:\n{0}")]
    EditBreaksSketch(String),
    #[error("{0}")]
    Edit(#[from] sketch::EditError),
    #[error("`{0}` is not an example: write a Python expression")]
    NotAnExpression(String),
    #[error("the example's call `{call}` does not call `{function}`")]
    CallDoesNotCall { call: String, function: String },
    #[error(
        "`{function}` has {count} example(s); there is no example {n} (they are numbered from 1)"
    )]
    NoSuchExample {
        function: String,
        n: usize,
        count: usize,
    },
    #[error(
        "example {n} of `{function}` comes from the examples file; edit that file to remove it"
    )]
    FromExamplesFile { function: String, n: usize },
    #[error("no trace yet: run `trace` first, then pin one of its calls")]
    NoTrace,
    #[error("the last trace ({call}) has no call #{id}")]
    NoSuchCall { call: String, id: usize },
    #[error("call #{id} of the last trace is a call of `{found}`, not `{hole}`")]
    WrongCall {
        id: usize,
        found: String,
        hole: String,
    },
    #[error("call #{id} {what}; give the value it should have returned")]
    NeedsExpected { id: usize, what: String },
    #[error("`{hole}` has {count} version(s); there is no version {n} (they are numbered from 1)")]
    NoSuchVersion {
        hole: String,
        n: usize,
        count: usize,
    },
    #[error("{0}")]
    Decompose(String),
    #[error("{0}")]
    Model(String),
}

fn io(path: &std::path::Path, action: &'static str) -> impl FnOnce(std::io::Error) -> OpError {
    let path = path.display().to_string();
    move |source| OpError::Io {
        path,
        action,
        source,
    }
}

/// What `reload` found when the sketch file had changed on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reloaded {
    /// Holes that are new in the file.
    pub added: Vec<String>,
    /// Holes that are gone from the file.
    pub removed: Vec<String>,
    /// Holes whose implementation no longer matches the file and will be filled again.
    pub stale: Vec<String>,
}

/// What to trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceTarget {
    /// The n-th example of the entry, from 1.
    Example(usize),
    /// A call written by the user, run without an expected value.
    Call(String),
}

/// A hole's versions, for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionInfo {
    /// From 1.
    pub number: usize,
    pub origin: String,
    pub created: u64,
    pub current: bool,
    /// Made for an older description or signature of the hole.
    pub outdated: bool,
}

impl Engine {
    /// Write new sketch text: parse it first (a broken edit is refused and nothing is
    /// written), refuse if the file changed on disk since anpl read it, then replace the
    /// file atomically and reconcile the session with the new holes.
    pub(crate) fn write_sketch(&mut self, text: &str) -> Result<(), EngineError> {
        let parsed = sketch::parse_source(&self.sketch.file, text, &self.parse_options)
            .map_err(|e| OpError::EditBreaksSketch(e.to_string()))?;
        let path = self.sketch_path.clone();
        if disk_text(&path)?.as_deref() != Some(self.known_text().as_str()) {
            return Err(OpError::SketchChanged {
                file: self.sketch.file.clone(),
            }
            .into());
        }
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(".anpl-sketch-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(io(dir, "create a temporary file beside the sketch"))?;
        tmp.write_all(text.as_bytes())
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(io(tmp.path(), "write the sketch"))?;
        // Keep the user's permissions: a temporary file starts private.
        if let Ok(meta) = std::fs::metadata(&path) {
            let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
        }
        tmp.persist(&path)
            .map_err(|e| io(&path, "replace the sketch")(e.error))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        self.install_sketch(parsed);
        Ok(())
    }

    fn install_sketch(&mut self, parsed: sketch::Sketch) {
        if parsed.prelude != self.sketch.prelude {
            // The workers imported the old prelude; start fresh ones on next use.
            self.pool.cell = Arc::new(OnceCell::new());
        }
        self.sketch = Arc::new(parsed);
        self.reconcile();
    }

    /// Read the sketch file again if it changed on disk (edited in another editor):
    /// unchanged holes keep their implementations, changed ones become stale. `None` when
    /// nothing changed. A file that no longer parses is an error and nothing changes.
    pub fn reload(&mut self) -> Result<Option<Reloaded>, EngineError> {
        let disk = disk_text(&self.sketch_path)?;
        if disk.as_deref() == Some(self.known_text().as_str()) {
            return Ok(None);
        }
        let parsed = sketch::parse_file(&self.sketch_path, &self.parse_options)?;
        let old: Vec<String> = self.sketch.holes.iter().map(|h| h.id.clone()).collect();
        let before_stale = self.stale.clone();
        self.install_sketch(parsed);
        let new: Vec<String> = self.sketch.holes.iter().map(|h| h.id.clone()).collect();
        let report = Reloaded {
            added: new.iter().filter(|h| !old.contains(h)).cloned().collect(),
            removed: old.iter().filter(|h| !new.contains(h)).cloned().collect(),
            stale: self
                .stale
                .iter()
                .filter(|h| !before_stale.contains(h))
                .cloned()
                .collect(),
        };
        self.save()?;
        Ok(Some(report))
    }

    /// Reword a hole. The sketch file is rewritten at the description's span (every call
    /// site of an inline hole); the hole becomes stale and the caller compiles it and its
    /// dependants. Returns the hole's identifier afterwards: an inline hole is named after
    /// its description, so rewording it renames it.
    pub fn edit_description(&mut self, hole: &str, text: &str) -> Result<String, EngineError> {
        self.begin("edit", Some(hole));
        let result = self.edit_description_inner(hole, text);
        self.end()?;
        result
    }

    fn edit_description_inner(&mut self, hole: &str, text: &str) -> Result<String, EngineError> {
        let old = self
            .sketch
            .hole(hole)
            .ok_or_else(|| EngineError::UnknownFunction(hole.to_string()))?
            .clone();
        let new_text = sketch::set_description(&self.sketch, hole, text).map_err(OpError::from)?;
        let new_text = self.sketch.file_text(&new_text);
        self.write_sketch(&new_text)?;
        // Find the hole again where it was: the same def, or the same first call site
        // (the edit only changes bytes from there on, so those offsets did not move).
        let id = self
            .sketch
            .holes
            .iter()
            .find(|h| match (&old.def_span, &h.def_span) {
                (Some(a), Some(b)) => a.start == b.start,
                (None, None) => {
                    h.sites.first().map(|s| s.start) == old.sites.first().map(|s| s.start)
                }
                _ => false,
            })
            .map(|h| h.id.clone())
            .unwrap_or_else(|| hole.to_string());
        self.checkpoint()?;
        Ok(id)
    }

    /// Run the entry's examples with the implementations in use.
    pub async fn run_examples(&self) -> Result<CheckReport, EngineError> {
        let entry = self.sketch.entry.clone();
        let examples = self.examples_for(&entry);
        if examples.is_empty() {
            return Err(EngineError::Other(format!(
                "{}: the entry `{entry}` has no examples to run: add one with `example add {entry} {entry}(...) => EXPECTED`",
                self.sketch.file
            )));
        }
        let checker = self.checker().await?;
        checker
            .check_examples(&self.implementations(), &examples, true)
            .await
    }

    /// Check one function's or hole's examples with the implementations in use.
    pub async fn check_function(&self, name: &str) -> Result<CheckReport, EngineError> {
        let examples = self.examples_for(name);
        let checker = self.checker().await?;
        checker
            .check_examples(&self.implementations(), &examples, false)
            .await
    }

    /// Run the program once and record every hole call; the trace is kept in the session
    /// so its calls can be pinned as examples.
    pub async fn trace(&mut self, target: &TraceTarget) -> Result<CheckReport, EngineError> {
        let entry = self.sketch.entry.clone();
        let example = match target {
            TraceTarget::Call(call) => Example::new(call.clone(), String::new(), 0),
            TraceTarget::Example(n) => {
                let examples = self.examples_for(&entry);
                match examples.get(n.wrapping_sub(1)) {
                    Some(e) => e.clone(),
                    None => {
                        return Err(EngineError::Other(if examples.is_empty() {
                            format!("the entry `{entry}` has no examples; trace a call instead, e.g. `trace {entry}(...)`")
                        } else {
                            format!(
                                "the entry `{entry}` has {} example(s), numbered from 1; there is no example {n}",
                                examples.len()
                            )
                        }))
                    }
                }
            }
        };
        let checker = self.checker().await?;
        let impls = self.implementations();
        let report = if example.expected.is_empty() {
            checker
                .run_calls(&impls, std::slice::from_ref(&example.call))
                .await?
        } else {
            checker
                .check_examples(&impls, std::slice::from_ref(&example), true)
                .await?
        };
        let calls = report
            .results
            .first()
            .map(|r| {
                r.trace
                    .iter()
                    .map(|e| TracedCall {
                        id: e.id,
                        function: e.function.clone(),
                        args: e
                            .args
                            .iter()
                            .map(|(n, v)| (n.clone(), v.src.clone()))
                            .collect(),
                        result: e.result.as_ref().map(|v| v.src.clone()),
                        error: e
                            .error
                            .as_ref()
                            .map(|x| format!("{}: {}", x.exc_type, x.message)),
                        truncated: e.args.iter().any(|(_, v)| v.truncated)
                            || e.result.as_ref().is_some_and(|v| v.truncated),
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.session.last_trace = Some(LastTrace {
            call: example.call.clone(),
            calls,
        });
        self.save()?;
        Ok(report)
    }

    /// A hole's implementation versions, oldest first.
    pub fn versions(&self, hole: &str) -> Vec<VersionInfo> {
        let print = self
            .sketch
            .hole(hole)
            .map(super::fingerprint::fingerprint)
            .unwrap_or_default();
        let Some(record) = self.session.holes.get(hole) else {
            return Vec::new();
        };
        record
            .versions
            .iter()
            .enumerate()
            .map(|(i, v)| VersionInfo {
                number: i + 1,
                origin: v.origin.to_string(),
                created: v.created,
                current: record.current == Some(i),
                outdated: v.fingerprint != print,
            })
            .collect()
    }

    fn version_code(&self, hole: &str, n: usize) -> Result<&str, EngineError> {
        let versions = self
            .session
            .holes
            .get(hole)
            .map(|r| r.versions.as_slice())
            .unwrap_or_default();
        versions
            .get(n.wrapping_sub(1))
            .map(|v| v.code.as_str())
            .ok_or_else(|| {
                OpError::NoSuchVersion {
                    hole: hole.to_string(),
                    n,
                    count: versions.len(),
                }
                .into()
            })
    }

    /// A unified diff between versions `a` and `b` (numbered from 1) of a hole.
    pub fn diff(&self, hole: &str, a: usize, b: usize) -> Result<String, EngineError> {
        let old = self.version_code(hole, a)?;
        let new = self.version_code(hole, b)?;
        let diff = TextDiff::from_lines(old, new);
        Ok(diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("{hole} v{a}"), &format!("{hole} v{b}"))
            .to_string())
    }

    /// Go back (or forward) to version `n` (from 1) of a hole's implementation; its
    /// examples (and those of every hole whose evidence it changes) are checked again to
    /// set its status.
    pub async fn use_version(&mut self, hole: &str, n: usize) -> Result<HoleStatus, EngineError> {
        if self.sketch.hole(hole).is_none() {
            return Err(EngineError::UnknownFunction(hole.to_string()));
        }
        self.version_code(hole, n)?;
        self.begin("use", Some(hole));
        let print = self
            .sketch
            .hole(hole)
            .map(super::fingerprint::fingerprint)
            .unwrap_or_default();
        let record = self.record_mut(hole);
        record.current = Some(n - 1);
        record.status = HoleStatus::Unchecked;
        record.evidence = None;
        record.fingerprint = print;
        record.last_failure = None;
        self.clear_stale(hole);
        let refreshed = self.refresh_statuses().await;
        self.end()?;
        refreshed?;
        Ok(self.status(hole))
    }

    /// The hash anpl uses to recognise a version of the sketch file (for front ends that
    /// want to tell the user their file changed).
    pub fn sketch_hash(&self) -> String {
        text_hash(&self.known_text())
    }
}
