//! Asking the model for more candidates when every combination in hand has failed: a round
//! of samples for holes never sampled, then, for the holes blame points at, the next round
//! of samples and a repair request that shows the hole its traced call, what it returned,
//! and what the program's example should have returned (a hole without examples of its own
//! has no other evidence to be repaired from).

use std::collections::BTreeMap;

use tokio::task::JoinSet;

use crate::llm::ChatRequest;

use super::super::check::CheckReport;
use super::super::compile::{try_round, HoleJob, HoleOutcome, JobContext};
use super::super::events::Event;
use super::super::repr::cut;
use super::super::{prompt, Engine, EngineError};
use super::{blame, Search, MAX_BLAMED};

impl Engine {
    /// Ask the model for more candidates: a round of samples for every searched hole never
    /// sampled; otherwise the next round of samples and a repair request for the holes
    /// blame points at. Returns how many new candidates arrived.
    pub(super) async fn draw_for_search(
        &mut self,
        context: &JobContext,
        search: &mut Search,
        outcomes: &mut BTreeMap<String, HoleOutcome>,
    ) -> Result<usize, EngineError> {
        let settings = self.search.clone();
        let unsampled: Vec<usize> = (0..search.holes.len())
            .filter(|&h| {
                search
                    .record
                    .rounds
                    .get(&search.holes[h])
                    .copied()
                    .unwrap_or(0)
                    == 0
            })
            .collect();
        let (targets, stage) = if !unsampled.is_empty() && settings.samples > 0 {
            (unsampled, "samples")
        } else {
            // Holes whose swaps changed the result; without any, the suspects of the
            // closest run (the hole that raised, else the one nearest the result).
            let order = if search.blamed.is_empty() {
                blame::suspects(&blame::calls(&search.closest.2), &search.holes)
            } else {
                search.blamed.clone()
            };
            let targets = order
                .iter()
                .filter_map(|id| search.holes.iter().position(|h| h == id))
                .take(MAX_BLAMED)
                .collect();
            (targets, "blamed samples")
        };
        let names: Vec<&str> = targets.iter().map(|&h| search.holes[h].as_str()).collect();
        context.events.send(Event::Message {
            text: format!(
                "combination search: no combination of the candidates in hand passes; asking for {} for {}",
                if stage == "samples" { "more samples" } else { "more samples and a repair" },
                names.join(", ")
            ),
        });
        let mut tasks = JoinSet::new();
        for &h in &targets {
            let id = &search.holes[h];
            let (Some(job), Some(hole)) = (self.job(id, context), self.sketch.hole(id).cloned())
            else {
                continue;
            };
            let round = search.record.rounds.get(id).copied().unwrap_or(0);
            if settings.samples > 0 {
                let request = prompt::request(
                    &context.checker.sketch,
                    &hole,
                    &self.prompt_context(id, &context.observed),
                    settings.temperature,
                    settings.samples,
                    settings.max_tokens,
                );
                let first = round * settings.samples;
                tasks.spawn(draw_round(job, request, first, stage, h));
            }
            if stage != "samples" {
                if let Some(request) = self.repair_request(search, h, &hole, context) {
                    if let Some(job) = self.job(id, context) {
                        tasks.spawn(draw_round(job, request, 0, "repairs", h));
                    }
                }
            }
            search.record.rounds.insert(id.clone(), round + 1);
        }
        let mut added = 0;
        while let Some(joined) = tasks.join_next().await {
            let (h, stage, outcome) =
                joined.map_err(|e| EngineError::Other(format!("a sampling task failed: {e}")))?;
            self.absorb_usage(&outcome);
            search
                .report
                .stages
                .entry(stage.to_string())
                .or_default()
                .add(&outcome.usage);
            let entry = outcomes
                .entry(outcome.hole.clone())
                .or_insert_with(|| HoleOutcome {
                    hole: outcome.hole.clone(),
                    ..HoleOutcome::default()
                });
            entry.usage.add(&outcome.usage);
            for code in outcome.candidates {
                if !search.pools[h].contains(&code) {
                    search.pools[h].push(code);
                    added += 1;
                }
            }
        }
        self.save()?;
        Ok(added)
    }

    /// A repair request for searched hole `h`: its code in the closest run, the call it
    /// received there and what it returned, and what the program should have returned.
    fn repair_request(
        &self,
        search: &Search,
        h: usize,
        hole: &crate::sketch::Hole,
        context: &JobContext,
    ) -> Option<ChatRequest> {
        let (combo, _, report) = &search.closest;
        let code = search.pools[h].get(combo[h])?;
        let evidence = repair_evidence(report, &search.holes[h])?;
        Some(prompt::repair(
            &self.sketch,
            hole,
            &self.prompt_context(&hole.id, &context.observed),
            code,
            &evidence,
            self.search.temperature,
            self.search.max_tokens,
        ))
    }
}

/// Draw one request's worth of candidates for a hole (samples from index `first`, or a
/// repair), keeping those that load.
async fn draw_round(
    job: HoleJob,
    request: ChatRequest,
    first: u32,
    stage: &'static str,
    h: usize,
) -> (usize, &'static str, HoleOutcome) {
    let mut outcome = HoleOutcome {
        hole: job.hole_id().to_string(),
        ..HoleOutcome::default()
    };
    let mut best = None;
    if let Err(reason) = try_round(&job, &mut outcome, &request, first, &mut best).await {
        job.events().send(Event::Message {
            text: format!("{}: no more candidates: {reason}", job.hole_id()),
        });
    }
    (h, stage, outcome)
}

/// Characters one value may take in the evidence of a repair prompt.
const VALUE_CHARS: usize = 1500;

/// What went wrong at program level, and what `hole` did in that run, for a repair prompt
/// of a hole without examples of its own.
fn repair_evidence(report: &CheckReport, hole: &str) -> Option<String> {
    let failing = report.results.iter().find(|r| !r.passed)?;
    let event = failing.trace.iter().find(|e| e.function == hole);
    let mut text = String::new();
    text.push_str("The program as a whole gives a wrong result with this implementation in it.\n");
    text.push_str(&format!("The program's example `{}`", failing.call));
    match (&failing.error, &failing.actual) {
        (Some(error), _) => text.push_str(&format!(
            " must return {} but raised {}",
            cut(failing.expected.as_deref().unwrap_or("?"), VALUE_CHARS),
            error
        )),
        (None, actual) => text.push_str(&format!(
            " must return {} but returned {}",
            cut(failing.expected.as_deref().unwrap_or("?"), VALUE_CHARS),
            cut(actual.as_deref().unwrap_or("nothing"), VALUE_CHARS)
        )),
    }
    text.push('.');
    match event {
        Some(event) => {
            let args: Vec<String> = event
                .args
                .iter()
                .map(|(name, v)| format!("{name}={}", cut(&v.src, VALUE_CHARS)))
                .collect();
            text.push_str(&format!(
                "\nIn that run this function was called as `{hole}({})` and ",
                args.join(", ")
            ));
            match (&event.result, &event.error) {
                (_, Some(error)) => text.push_str(&format!("raised {error}.")),
                (Some(value), None) => {
                    text.push_str(&format!("returned {}.", cut(&value.src, VALUE_CHARS)))
                }
                (None, None) => text.push_str("did not return."),
            }
            text.push_str(
                "\nCheck that this call's result is what the description asks for; the other functions may be right.",
            );
        }
        None => text.push_str("\nThis function was not called in that run."),
    }
    Some(text)
}
