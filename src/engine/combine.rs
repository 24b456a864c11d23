//! Checking the program's own examples, and searching combinations when they fail.
//!
//! Holes without examples of their own are accepted on their first loadable candidate,
//! so the program's examples (the entry's) are their real test. When those fail and some
//! holes have more than one candidate, combinations are tried within a budget of program
//! checks, nearest to the first choice first: change one hole at a time before two.

use std::collections::BTreeMap;

use tokio::task::JoinSet;

use crate::session::{HoleStatus, Origin};

use super::check::CheckReport;
use super::compile::{more_candidates, HoleOutcome, JobContext};
use super::events::Event;
use super::fingerprint::check_hash;
use super::{Engine, EngineError};

impl Engine {
    /// Run the entry's examples with every implementation in use; if they fail, try other
    /// candidates of the holes this compile filled.
    pub(crate) async fn check_program(
        &mut self,
        context: &JobContext,
        outcomes: &mut BTreeMap<String, HoleOutcome>,
    ) -> Result<Option<CheckReport>, EngineError> {
        let (checker, backend, events, cancel) = (
            &context.checker,
            &context.backend,
            &context.events,
            &context.cancel,
        );
        let entry = self.sketch.entry.clone();
        let examples = self.examples_for(&entry);
        if examples.is_empty() {
            return Ok(None);
        }
        let impls = self.implementations();
        let program = checker.render(&impls)?.source;
        let seen = check_hash(&program, &examples);
        if self.session().program_verified.as_deref() == Some(seen.as_str()) {
            events.send(Event::ProgramChecked {
                passed: examples.len(),
                total: examples.len(),
            });
            return Ok(Some(CheckReport::remembered(&examples)));
        }
        let report = checker.check_examples(&impls, &examples, true).await?;
        if report.passed() {
            self.session_mut().program_verified = Some(seen);
        }
        events.send(Event::ProgramChecked {
            passed: report.passed_count(),
            total: examples.len(),
        });
        if report.passed() {
            return Ok(Some(report));
        }
        // Holes that no example of their own pins down get more candidates to choose from.
        let mut more = JoinSet::new();
        let unchecked: Vec<String> = outcomes
            .values()
            .filter(|o| o.status == Some(HoleStatus::Unchecked))
            .map(|o| o.hole.clone())
            .collect();
        for id in unchecked {
            if let (Some(job), Some(outcome)) = (self.job(&id, context), outcomes.remove(&id)) {
                more.spawn(more_candidates(job, outcome));
            }
        }
        while let Some(joined) = more.join_next().await {
            let outcome =
                joined.map_err(|e| EngineError::Other(format!("a sampling task failed: {e}")))?;
            self.absorb_usage(&outcome);
            outcomes.insert(outcome.hole.clone(), outcome);
        }
        self.save()?;
        // Holes with several candidates that are not pinned down by examples of their own.
        let choices: Vec<(String, Vec<String>)> = outcomes
            .values()
            .filter(|o| o.candidates.len() > 1 && o.status != Some(HoleStatus::Passing))
            .map(|o| (o.hole.clone(), o.candidates.clone()))
            .collect();
        if choices.is_empty() {
            return Ok(Some(report));
        }
        let budget = self.search.combination_budget;
        let combos = combinations(
            &choices.iter().map(|(_, c)| c.len()).collect::<Vec<_>>(),
            budget,
        );
        let mut tried = 0;
        for combo in combos {
            if cancel.is_cancelled() {
                break;
            }
            if combo.iter().all(|&i| i == 0) {
                continue;
            }
            tried += 1;
            events.send(Event::CombinationSearch { tried, budget });
            let mut candidate_impls = impls.clone();
            for ((hole, candidates), &index) in choices.iter().zip(&combo) {
                if let Some(code) = candidates.get(index) {
                    candidate_impls.insert(hole.clone(), code.clone());
                }
            }
            let attempt = checker
                .check_examples(&candidate_impls, &examples, true)
                .await?;
            if attempt.passed() {
                let program = checker.render(&candidate_impls)?.source;
                self.session_mut().program_verified = Some(check_hash(&program, &examples));
                let by = backend.model_name().unwrap_or("model").to_string();
                for ((hole, candidates), &index) in choices.iter().zip(&combo) {
                    if let Some(code) = candidates.get(index) {
                        let outcome = HoleOutcome {
                            hole: hole.clone(),
                            chosen: Some((code.clone(), Origin::Model { model: by.clone() })),
                            status: Some(HoleStatus::Unchecked),
                            ..HoleOutcome::default()
                        };
                        self.apply(&outcome, events);
                    }
                }
                self.save()?;
                events.send(Event::ProgramChecked {
                    passed: attempt.passed_count(),
                    total: examples.len(),
                });
                return Ok(Some(attempt));
            }
        }
        Ok(Some(report))
    }
}

/// Index tuples over holes with `sizes[i]` candidates each, ordered by how far they stray
/// from the first choice (number of holes changed, then the sum of indices), at most `budget`.
pub fn combinations(sizes: &[usize], budget: usize) -> Vec<Vec<usize>> {
    let total: usize = sizes
        .iter()
        .try_fold(1usize, |acc, &s| acc.checked_mul(s.max(1)))
        .unwrap_or(usize::MAX);
    // Enumerating everything is fine while small; past that, only tuples that change at
    // most two holes are considered, which is where the budget goes anyway.
    let mut out: Vec<Vec<usize>> = Vec::new();
    if total <= 4096 {
        let mut current = vec![0; sizes.len()];
        loop {
            out.push(current.clone());
            let mut i = 0;
            loop {
                if i == sizes.len() {
                    break;
                }
                current[i] += 1;
                if current[i] < sizes[i].max(1) {
                    break;
                }
                current[i] = 0;
                i += 1;
            }
            if i == sizes.len() {
                break;
            }
        }
    } else {
        out.push(vec![0; sizes.len()]);
        for a in 0..sizes.len() {
            for x in 1..sizes[a] {
                let mut t = vec![0; sizes.len()];
                t[a] = x;
                out.push(t.clone());
                for b in a + 1..sizes.len() {
                    for y in 1..sizes[b] {
                        let mut u = t.clone();
                        u[b] = y;
                        out.push(u);
                    }
                }
            }
        }
    }
    out.sort_by_key(|t| {
        (
            t.iter().filter(|&&i| i != 0).count(),
            t.iter().sum::<usize>(),
        )
    });
    out.truncate(budget.saturating_add(1));
    out
}

#[cfg(test)]
mod tests {
    use super::combinations;
    use pretty_assertions::assert_eq;

    #[test]
    fn one_hole_changes_before_two() {
        let c = combinations(&[2, 2], 10);
        assert_eq!(c, vec![vec![0, 0], vec![1, 0], vec![0, 1], vec![1, 1]]);
    }

    #[test]
    fn budget_bounds_the_list() {
        assert_eq!(combinations(&[5, 5, 5], 3).len(), 4);
    }

    #[test]
    fn huge_spaces_stay_small() {
        let c = combinations(&[10; 12], 1000);
        assert!(c.len() <= 1001);
        assert!(c.iter().all(|t| t.iter().filter(|&&i| i != 0).count() <= 2));
    }
}
