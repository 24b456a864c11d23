//! Hole statuses: what each one rests on, and deciding it again when that changes.
//!
//! A status is a promise, so it is stored with the hash of its *evidence*: the hole's
//! code, its examples (or, for a hole without examples of its own, the program's), the
//! sketch text and every other implementation in use (a hole's examples run with the rest
//! of the program present, so a change to a hole it calls can change its verdict).
//! [`Engine::status`] returns the stored status only while that hash still matches and
//! `unchecked` otherwise, so an example added, a doctest edited, an `--examples` file
//! changed or another hole refilled can never leave a stale `passing` on screen.
//! [`Engine::refresh_statuses`] decides again every status whose evidence changed, by
//! running the checks; compile and the repair operations call it, and front ends call it
//! after operations that cannot (adding an example is not async). When nothing changed it
//! starts no Python at all.
//!
//! The statuses it decides: `passing` (its own examples pass), `guess` (they pass but the
//! evidence is thin, see `guess.rs`), `failing`, `program-checked` (no examples of its own;
//! the program's examples pass and call it) and `unchecked` (nothing checked it).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::session::{HoleStatus, Origin};

use super::check::Checker;
use super::fingerprint::{check_hash, hash_parts};
use super::guess::guess_reason;
use super::{Engine, EngineError};

/// A status that changed when it was decided again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub hole: String,
    pub from: HoleStatus,
    pub to: HoleStatus,
}

/// What the program's examples said about the holes they call.
struct ProgramEvidence {
    passed: bool,
    /// Holes called while the examples ran.
    reached: BTreeSet<String>,
}

impl Engine {
    /// The sketch and every implementation in use, hashed once for all holes.
    fn evidence_context(&self, impls: &BTreeMap<String, String>) -> String {
        let mut parts: Vec<&str> = vec![&self.sketch.source, &self.sketch.entry];
        for (id, code) in impls {
            parts.push(id);
            parts.push(code);
        }
        hash_parts(parts)
    }

    /// Everything `hole`'s status is decided on, hashed; `None` without an implementation.
    fn evidence_of(
        &self,
        hole: &str,
        impls: &BTreeMap<String, String>,
        context: &str,
    ) -> Option<String> {
        let code = impls.get(hole)?;
        let mut examples = self.examples_for(hole);
        let own = examples.len().to_string();
        if examples.is_empty() {
            examples = self.examples_for(&self.sketch.entry);
        }
        let mut parts: Vec<&str> = vec![hole, code, context, &own];
        for e in &examples {
            parts.push(&e.call);
            parts.push(&e.expected);
        }
        Some(hash_parts(parts))
    }

    /// A hole's status, trusted only while what it was decided on is unchanged: otherwise
    /// `unchecked` until [`refresh_statuses`](Engine::refresh_statuses) checks it again.
    pub fn status(&self, hole: &str) -> HoleStatus {
        let impls = self.implementations();
        let context = self.evidence_context(&impls);
        self.status_in(hole, &impls, &context)
    }

    /// Every hole's status, by identifier.
    pub fn statuses(&self) -> BTreeMap<String, HoleStatus> {
        let impls = self.implementations();
        let context = self.evidence_context(&impls);
        self.sketch
            .holes
            .iter()
            .map(|h| (h.id.clone(), self.status_in(&h.id, &impls, &context)))
            .collect()
    }

    fn status_in(&self, hole: &str, impls: &BTreeMap<String, String>, context: &str) -> HoleStatus {
        if self.stale.iter().any(|h| h == hole) {
            return HoleStatus::Stale;
        }
        let Some(record) = self.session.holes.get(hole) else {
            return HoleStatus::Empty;
        };
        if record.current.is_none() {
            return HoleStatus::Empty;
        }
        match self.evidence_of(hole, impls, context) {
            Some(e) if record.evidence.as_deref() == Some(e.as_str()) => record.status,
            _ => HoleStatus::Unchecked,
        }
    }

    /// Every hole's status as last decided, whether or not its evidence has changed since:
    /// what a front end says a hole *was* when it tells the user what changed.
    pub fn decided_statuses(&self) -> BTreeMap<String, HoleStatus> {
        self.sketch
            .holes
            .iter()
            .map(|h| {
                let status = match self.session.holes.get(&h.id) {
                    _ if self.stale.contains(&h.id) => HoleStatus::Stale,
                    Some(r) if r.current.is_some() => r.status,
                    _ => HoleStatus::Empty,
                };
                (h.id.clone(), status)
            })
            .collect()
    }

    /// Why a hole whose status is `guess` is one.
    pub fn guess(&self, hole: &str) -> Option<String> {
        if self.status(hole) != HoleStatus::Guess {
            return None;
        }
        self.session.holes.get(hole)?.guess.clone()
    }

    /// Decide again every status whose evidence changed, running the checks it needs:
    /// a hole's own examples, or once for all holes without any, the program's examples
    /// (traced, to see which holes they call). Saves the session (as part of the open
    /// operation, if any). Returns the statuses that changed.
    pub async fn refresh_statuses(&mut self) -> Result<Vec<StatusChange>, EngineError> {
        let impls = self.implementations();
        let context = self.evidence_context(&impls);
        let before = self.decided_statuses();
        let mut todo = Vec::new();
        for hole in &self.sketch.holes {
            if self.stale.contains(&hole.id) {
                continue;
            }
            match self.evidence_of(&hole.id, &impls, &context) {
                Some(evidence) => {
                    let known = self
                        .session
                        .holes
                        .get(&hole.id)
                        .and_then(|r| r.evidence.as_deref());
                    if known != Some(evidence.as_str()) {
                        todo.push((hole.id.clone(), evidence));
                    }
                }
                None => {
                    if let Some(record) = self.session.holes.get_mut(&hole.id) {
                        if record.current.is_none() {
                            record.status = HoleStatus::Empty;
                            record.evidence = None;
                            record.guess = None;
                        }
                    }
                }
            }
        }
        if todo.is_empty() {
            return Ok(Vec::new());
        }
        let checker = self.checker().await?;
        let mut program: Option<ProgramEvidence> = None;
        for (id, evidence) in todo {
            let Some(code) = impls.get(&id).cloned() else {
                continue;
            };
            let own = self.examples_for(&id);
            let by_user = self
                .session
                .holes
                .get(&id)
                .and_then(|r| r.current.and_then(|i| r.versions.get(i)))
                .is_some_and(|v| v.origin == Origin::User);
            let hole = self.sketch.hole(&id).cloned();
            let guess = |examples: usize| {
                let hole = hole.as_ref().filter(|_| !by_user)?;
                guess_reason(hole, &code, examples)
            };
            let (status, failure, guess) = if own.is_empty() {
                if program.is_none() {
                    program = Some(self.program_evidence(&checker, &impls).await?);
                }
                let reached = program
                    .as_ref()
                    .is_some_and(|p| p.passed && p.reached.contains(&id));
                if reached {
                    let guess = guess(0);
                    let status = if guess.is_some() {
                        HoleStatus::Guess
                    } else {
                        HoleStatus::ProgramChecked
                    };
                    (status, None, guess)
                } else {
                    (HoleStatus::Unchecked, None, None)
                }
            } else {
                let report = checker.check_candidate(&impls, &id, &code, &own).await?;
                if report.passed() {
                    let guess = guess(own.len());
                    let status = if guess.is_some() {
                        HoleStatus::Guess
                    } else {
                        HoleStatus::Passing
                    };
                    (status, None, guess)
                } else if let Some(missing) = &report.needs_hole {
                    let why =
                        format!("its examples cannot run until {missing} has an implementation");
                    (HoleStatus::Unchecked, Some(why), None)
                } else {
                    (HoleStatus::Failing, report.first_failure(), None)
                }
            };
            let record = self.record_mut(&id);
            record.status = status;
            record.evidence = Some(evidence);
            record.guess = guess;
            record.last_failure = failure;
        }
        self.checkpoint()?;
        let after = self.statuses();
        Ok(before
            .into_iter()
            .filter_map(|(hole, from)| {
                let to = *after.get(&hole)?;
                (to != from).then_some(StatusChange { hole, from, to })
            })
            .collect())
    }

    /// Run the program's examples once, traced, for the holes that have none of their own.
    async fn program_evidence(
        &mut self,
        checker: &Checker,
        impls: &BTreeMap<String, String>,
    ) -> Result<ProgramEvidence, EngineError> {
        let examples = self.examples_for(&self.sketch.entry);
        if examples.is_empty() {
            return Ok(ProgramEvidence {
                passed: false,
                reached: BTreeSet::new(),
            });
        }
        let report = checker.check_examples(impls, &examples, true).await?;
        if report.passed() {
            let program = checker.render(impls)?.source;
            self.session_mut().program_verified = Some(check_hash(&program, &examples));
        }
        Ok(ProgramEvidence {
            passed: report.passed(),
            reached: report
                .results
                .iter()
                .flat_map(|r| r.trace.iter().map(|e| e.function.clone()))
                .collect(),
        })
    }
}
