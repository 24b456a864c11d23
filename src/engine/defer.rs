//! Deferred holes after the compile's tasks are done: candidates whose check needed a hole
//! that was never filled while they waited.
//!
//! During the compile a deferred hole is resumed as soon as the hole it waits for is filled
//! (`compile.rs`). What is left here are holes that wait for each other (the model's
//! implementations of two holes call each other) and holes that wait for one that could not
//! be filled. The first kind is checked with the others' first candidates in place; a hole
//! whose candidates then fail for a real reason gets its full search (more samples, repair
//! rounds) with everything in place. The second kind is reported as not checked, with the
//! hole it waits for, never as wrong.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::task::JoinSet;

use crate::session::HoleStatus;

use super::compile::{fill_hole, HoleOutcome, JobContext};
use super::{Engine, EngineError};

impl Engine {
    pub(crate) async fn recheck_deferred(
        &mut self,
        context: &JobContext,
        outcomes: &mut BTreeMap<String, HoleOutcome>,
    ) -> Result<(), EngineError> {
        let checker = &context.checker;
        let mut resumed: Vec<String> = Vec::new();
        for _round in 0..=self.sketch.holes.len() {
            let deferred: Vec<String> = outcomes
                .values()
                .filter(|o| o.needs_hole.is_some() && !o.deferred.is_empty())
                .map(|o| o.hole.clone())
                .collect();
            if deferred.is_empty() {
                break;
            }
            // Holes that wait for each other: each is checked with the others' first
            // candidates in place.
            let mut impls = self.implementations();
            for id in &deferred {
                if let Some((code, _)) = outcomes.get(id).and_then(|o| o.deferred.first()) {
                    impls.entry(id.clone()).or_insert_with(|| code.clone());
                }
            }
            let mut progressed = false;
            let mut to_resume: Vec<String> = Vec::new();
            for id in deferred {
                let examples = self.examples_for(&id);
                let Some(outcome) = outcomes.get_mut(&id) else {
                    continue;
                };
                let mut chosen = None;
                let mut still_needs = None;
                for (code, origin) in &outcome.deferred {
                    let report = checker
                        .check_candidate(&impls, &id, code, &examples)
                        .await?;
                    if report.passed() {
                        chosen = Some((code.clone(), origin.clone()));
                        break;
                    }
                    if still_needs.is_none() {
                        still_needs = report.needs_hole.clone();
                    }
                }
                if let Some((code, origin)) = chosen {
                    impls.insert(id.clone(), code.clone());
                    let snapshot = HoleOutcome {
                        hole: id.clone(),
                        chosen: Some((code, origin)),
                        status: Some(if examples.is_empty() {
                            HoleStatus::Unchecked
                        } else {
                            HoleStatus::Passing
                        }),
                        ..HoleOutcome::default()
                    };
                    outcome.chosen = snapshot.chosen.clone();
                    outcome.status = snapshot.status;
                    outcome.needs_hole = None;
                    outcome.failure = None;
                    outcome.deferred.clear();
                    self.apply(&snapshot, &context.events);
                    self.save()?;
                    progressed = true;
                } else if still_needs.is_none() {
                    // Every candidate fails for a reason of its own now: search properly.
                    if !resumed.contains(&id) {
                        to_resume.push(id.clone());
                    }
                } else if still_needs != outcome.needs_hole {
                    outcome.needs_hole = still_needs;
                    progressed = true;
                }
            }
            if !to_resume.is_empty() {
                let fresh = JobContext {
                    transcripts: Arc::new(self.session().transcripts.clone()),
                    ..context.clone()
                };
                let mut tasks = JoinSet::new();
                for id in &to_resume {
                    let prior = outcomes
                        .get(id)
                        .map(|o| o.deferred.clone())
                        .unwrap_or_default();
                    if let Some(mut job) = self.job(id, &fresh) {
                        job.prior = prior;
                        tasks.spawn(fill_hole(job));
                    }
                }
                while let Some(joined) = tasks.join_next().await {
                    let outcome = joined
                        .map_err(|e| EngineError::Other(format!("a compile task failed: {e}")))?;
                    self.apply(&outcome, &context.events);
                    self.save()?;
                    outcomes.insert(outcome.hole.clone(), outcome);
                }
                resumed.extend(to_resume);
                progressed = true;
            }
            if !progressed {
                break;
            }
        }
        // What still waits is not wrong: it could not be checked. Say what it waits for.
        let waiting: Vec<(String, String)> = outcomes
            .values()
            .filter_map(|o| o.needs_hole.clone().map(|n| (o.hole.clone(), n)))
            .collect();
        for (id, need) in waiting {
            let why = if self.implementations().contains_key(&need) {
                format!("its examples could not be checked: they need `{need}`, and the two wait for each other")
            } else {
                format!("its examples could not be checked: they need `{need}`, which could not be filled")
            };
            if let Some(o) = outcomes.get_mut(&id) {
                o.failure = Some(why.clone());
            }
            self.record_mut(&id).last_failure = Some(why);
        }
        Ok(())
    }
}
