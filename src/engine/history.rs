//! Undo and redo: every operation is recorded as the state before and after it.
//!
//! An operation (an edit, an example, a decomposition, a compile, a chosen version) opens a
//! *group* with [`Engine::begin`]; every save inside it updates the group's history entry,
//! so the entry on disk always describes what the session holds, even if the process is
//! killed half way. Front ends wrap one command in one group, so `edit` followed by the
//! compile it triggers is undone by one `undo`. A snapshot is small: the sketch text (only
//! when the operation changed it), which version each hole uses, the stored examples, and
//! the candidates questions come from (again only when the operation changed them);
//! implementation versions are append-only and never copied.
//!
//! Undo and redo write the sketch file back exactly, and refuse when the file on disk is no
//! longer what the operation left, so edits made outside anpl are never overwritten.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::session::questions::HoleQuestions;
use crate::session::{HistoryEntry, HoleState, HoleStatus, Snapshot};

use super::ops::OpError;
use super::{Engine, EngineError};

/// The operation being recorded.
#[derive(Debug, Clone)]
pub struct Group {
    operation: String,
    hole: Option<String>,
    before: Snapshot,
    /// The sketch text before the operation, kept in the entry only if it changes.
    before_text: String,
    /// The questions' candidates before the operation, kept likewise.
    before_questions: BTreeMap<String, HoleQuestions>,
    /// Index of this group's entry in the history once something changed.
    entry: Option<usize>,
    depth: usize,
}

/// One line of `history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryItem {
    /// 1-based position in the history.
    pub number: usize,
    pub operation: String,
    pub hole: Option<String>,
    pub created: u64,
    /// Undone, and redone by the next `redo` (the first undone one) or the ones after it.
    pub undone: bool,
    /// Whether the operation changed the sketch file.
    pub changed_sketch: bool,
}

/// SHA-256 of text, in hex: how snapshots name a version of the sketch file.
pub fn text_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The sketch file's text as it is on disk now (None when it cannot be read as UTF-8).
pub(crate) fn disk_text(path: &Path) -> Result<Option<String>, EngineError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(String::from_utf8(bytes).ok()),
        Err(source) => Err(OpError::Io {
            path: path.display().to_string(),
            action: "read the sketch",
            source,
        }
        .into()),
    }
}

impl Engine {
    /// The sketch file's text as anpl last read or wrote it.
    pub(crate) fn known_text(&self) -> String {
        self.sketch.file_text(&self.sketch.source)
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            sketch_hash: text_hash(&self.known_text()),
            sketch_text: None,
            holes: self
                .session
                .holes
                .iter()
                .map(|(id, r)| {
                    (
                        id.clone(),
                        HoleState {
                            fingerprint: r.fingerprint.clone(),
                            current: r.current,
                            status: r.status,
                            evidence: r.evidence.clone(),
                            guess: r.guess.clone(),
                            last_failure: r.last_failure.clone(),
                        },
                    )
                })
                .collect(),
            examples: self.session.examples.clone(),
            questions: None,
        }
    }

    /// Start recording `operation` for undo. Calls nest: an operation begun inside another
    /// becomes part of it. Every `begin` needs its [`end`](Engine::end).
    pub fn begin(&mut self, operation: &str, hole: Option<&str>) {
        if let Some(group) = &mut self.group {
            group.depth += 1;
            return;
        }
        self.group = Some(Group {
            operation: operation.to_string(),
            hole: hole.map(str::to_string),
            before: self.snapshot(),
            before_text: self.known_text(),
            before_questions: self.session.questions.clone(),
            entry: None,
            depth: 1,
        });
    }

    /// Close what [`begin`](Engine::begin) opened: record the state now as the operation's
    /// result and save the session.
    pub fn end(&mut self) -> Result<(), EngineError> {
        self.checkpoint()?;
        if let Some(group) = &mut self.group {
            group.depth = group.depth.saturating_sub(1);
            if group.depth == 0 {
                self.group = None;
            }
        }
        Ok(())
    }

    /// Save the session, first bringing the open operation's history entry up to date.
    /// Operations call this after every change, so a kill at any point leaves a session
    /// whose last entry undoes exactly what was done.
    pub(crate) fn checkpoint(&mut self) -> Result<(), EngineError> {
        if let Some(group) = &self.group {
            let mut after = self.snapshot();
            let mut before = group.before.clone();
            let changed_text = after.sketch_hash != before.sketch_hash;
            if changed_text {
                before.sketch_text = Some(group.before_text.clone());
                after.sketch_text = Some(self.known_text());
            }
            if group.before_questions != self.session.questions {
                before.questions = Some(group.before_questions.clone());
                after.questions = Some(self.session.questions.clone());
            }
            let entry = HistoryEntry {
                operation: group.operation.clone(),
                hole: group.hole.clone(),
                created: crate::session::model::now(),
                before: Some(before.clone()),
                after: Some(after.clone()),
            };
            match group.entry {
                Some(i) if i < self.session.history.len() => self.session.history[i] = entry,
                _ if before != after => {
                    self.session.history.push(entry);
                    self.session.redo.clear();
                    let index = self.session.history.len() - 1;
                    if let Some(g) = &mut self.group {
                        g.entry = Some(index);
                    }
                }
                _ => {}
            }
        }
        self.save()
    }

    /// Undo the last operation: the sketch file, the implementations in use and the
    /// examples return to what they were before it. Returns the entry undone.
    pub fn undo(&mut self) -> Result<HistoryEntry, EngineError> {
        let entry = self
            .session
            .history
            .last()
            .cloned()
            .ok_or(OpError::NothingToUndo)?;
        let (Some(before), Some(after)) = (&entry.before, &entry.after) else {
            return Err(OpError::NotUndoable(entry.operation.clone()).into());
        };
        self.refuse_outside_edits(&after.sketch_hash, &entry.operation, "undo")?;
        self.restore(before)?;
        self.session.history.pop();
        self.session.redo.push(entry.clone());
        self.save()?;
        Ok(entry)
    }

    /// Redo the operation undone last. Returns the entry redone.
    pub fn redo(&mut self) -> Result<HistoryEntry, EngineError> {
        let entry = self
            .session
            .redo
            .last()
            .cloned()
            .ok_or(OpError::NothingToRedo)?;
        let (Some(before), Some(after)) = (&entry.before, &entry.after) else {
            return Err(OpError::NotUndoable(entry.operation.clone()).into());
        };
        self.refuse_outside_edits(&before.sketch_hash, &entry.operation, "redo")?;
        self.restore(after)?;
        self.session.redo.pop();
        self.session.history.push(entry.clone());
        self.save()?;
        Ok(entry)
    }

    /// Every operation, oldest first, then the undone ones that `redo` would bring back.
    pub fn history(&self) -> Vec<HistoryItem> {
        let item = |number: usize, e: &HistoryEntry, undone: bool| HistoryItem {
            number,
            operation: e.operation.clone(),
            hole: e.hole.clone(),
            created: e.created,
            undone,
            changed_sketch: e.after.as_ref().is_some_and(|a| a.sketch_text.is_some()),
        };
        let done = self.session.history.len();
        let mut out: Vec<HistoryItem> = self
            .session
            .history
            .iter()
            .enumerate()
            .map(|(i, e)| item(i + 1, e, false))
            .collect();
        out.extend(
            self.session
                .redo
                .iter()
                .rev()
                .enumerate()
                .map(|(i, e)| item(done + i + 1, e, true)),
        );
        out
    }

    /// Undo and redo only move between states anpl wrote; a sketch file changed since by
    /// another editor would be overwritten, so refuse.
    fn refuse_outside_edits(
        &self,
        expected_hash: &str,
        operation: &str,
        verb: &'static str,
    ) -> Result<(), EngineError> {
        let disk = disk_text(&self.sketch_path)?;
        if disk.as_deref().map(text_hash).as_deref() != Some(expected_hash) {
            return Err(OpError::ChangedOutside {
                file: self.sketch.file.clone(),
                verb,
                operation: operation.to_string(),
            }
            .into());
        }
        Ok(())
    }

    /// Put the session (and the sketch file, when the snapshot holds its text) back into the
    /// state `snapshot` describes.
    fn restore(&mut self, snapshot: &Snapshot) -> Result<(), EngineError> {
        if let Some(text) = &snapshot.sketch_text {
            if text_hash(&self.known_text()) != snapshot.sketch_hash {
                self.write_sketch(text)?;
            }
        }
        for (id, record) in self.session.holes.iter_mut() {
            match snapshot.holes.get(id) {
                Some(state) => {
                    record.fingerprint = state.fingerprint.clone();
                    record.current = state.current.filter(|&i| i < record.versions.len());
                    record.status = state.status;
                    record.evidence = state.evidence.clone();
                    record.guess = state.guess.clone();
                    record.last_failure = state.last_failure.clone();
                }
                None => {
                    // The hole was not known then: it keeps its versions, none in use.
                    record.current = None;
                    record.status = HoleStatus::Empty;
                    record.evidence = None;
                    record.guess = None;
                    record.last_failure = None;
                }
            }
        }
        self.session.examples = snapshot.examples.clone();
        if let Some(questions) = &snapshot.questions {
            self.session.questions = questions.clone();
        }
        self.reconcile();
        Ok(())
    }
}
