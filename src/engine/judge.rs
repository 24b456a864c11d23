//! What checking one candidate decides, for every search that checks candidates (compile,
//! its deferred and resumed passes): it passes; it is deferred, because its check needed
//! another hole that is still empty (not the candidate's fault, so nothing is learnt and the
//! model is never told it is wrong); or the search goes on, with the failure kept for a
//! repair round. Answers rejected before they become candidates are counted so that a hole
//! left empty always says why.

use std::collections::BTreeMap;

use crate::session::{HoleStatus, Origin};

use super::compile::{HoleJob, HoleOutcome};
use super::events::Event;

/// What checking one candidate decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// It passes (or, for a hole without examples, it loads and is taken).
    Passed,
    /// Its check needed another hole that is empty: the search stops until that is filled.
    Deferred,
    /// Not chosen; the search goes on.
    Open,
}

/// Check one candidate and record what came of it in `outcome`.
pub(crate) async fn judge(
    job: &HoleJob,
    outcome: &mut HoleOutcome,
    code: String,
    origin: Origin,
    best_failure: &mut Option<(String, String)>,
) -> Result<Step, String> {
    let id = &job.hole.id;
    let report = job
        .checker
        .check_candidate(&job.impls, id, &code, &job.examples)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(text) = job.checker.sandbox_notice() {
        job.events.send(Event::Message { text });
    }
    if let Some(environment) = report.environment {
        // The sandbox, not the candidate: no repair round can fix it.
        return Err(environment);
    }
    if let Some(need) = &report.needs_hole {
        // Not this candidate's fault: nothing is learnt until `need` exists.
        job.events.send(Event::Message {
            text: format!(
                "{id}: a candidate needs `{need}`, which is not filled yet; it is checked once `{need}` is"
            ),
        });
        outcome.needs_hole = Some(need.clone());
        if (job.examples.is_empty() || job.load_time) && outcome.chosen.is_none() {
            // In use meanwhile, so the program loads for the other holes' checks.
            outcome.chosen = Some((code.clone(), origin.clone()));
            outcome.status = Some(HoleStatus::Unchecked);
        }
        outcome.candidates.push(code.clone());
        outcome.deferred.push((code, origin));
        return Ok(Step::Deferred);
    }
    job.events.send(Event::CandidateChecked {
        hole: id.clone(),
        passed: report.passed(),
        failure: report.first_failure(),
    });
    if report.fatal.is_some() && job.examples.is_empty() {
        // Does not even load: not a usable candidate.
        let reason = report.first_failure().unwrap_or_default();
        job.events.send(Event::CandidateRejected {
            hole: id.clone(),
            reason: reason.clone(),
        });
        outcome.rejected.push(reason);
        return Ok(Step::Open);
    }
    outcome.candidates.push(code.clone());
    if job.examples.is_empty() {
        if outcome.chosen.is_none() {
            outcome.chosen = Some((code, origin));
            outcome.status = Some(HoleStatus::Unchecked);
        }
        return Ok(Step::Open);
    }
    if report.passed() {
        outcome.chosen = Some((code, origin));
        outcome.status = Some(HoleStatus::Passing);
        outcome.failure = None;
        outcome.needs_hole = None;
        return Ok(Step::Passed);
    }
    if best_failure.is_none() {
        *best_failure = Some((code, report.first_failure().unwrap_or_default()));
    }
    Ok(Step::Open)
}

/// Why a hole got no candidate at all: how many answers were rejected, and the commonest
/// reason.
pub(crate) fn rejection_summary(rejected: &[String]) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for reason in rejected {
        let first = reason.lines().next().unwrap_or("").trim().to_string();
        *counts.entry(first).or_default() += 1;
    }
    let (reason, count) = counts.into_iter().max_by_key(|(_, n)| *n)?;
    let n = rejected.len();
    Some(if n == 1 {
        format!("the model's only answer was rejected: {reason}")
    } else {
        format!("all {n} answers were rejected; the commonest reason ({count} of {n}): {reason}")
    })
}

#[cfg(test)]
mod tests {
    use super::rejection_summary;
    use pretty_assertions::assert_eq;

    #[test]
    fn a_hole_left_empty_says_how_many_answers_were_rejected_and_why() {
        assert_eq!(rejection_summary(&[]), None);
        assert_eq!(
            rejection_summary(&["no code block in the answer".to_string()]),
            Some("the model's only answer was rejected: no code block in the answer".to_string())
        );
        let reasons: Vec<String> = [
            "no def",
            "syntax error at 1:4\n  detail",
            "syntax error at 1:4",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            rejection_summary(&reasons),
            Some(
                "all 3 answers were rejected; the commonest reason (2 of 3): syntax error at 1:4"
                    .to_string()
            )
        );
    }
}
