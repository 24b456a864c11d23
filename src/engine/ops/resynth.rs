//! Resynthesis: fresh samples for one hole until its examples pass.
//!
//! ANPL's resynthesis drew 10 samples at temperature 0.8 and kept one that passed the
//! hole's examples. Here the samples are drawn at the configured temperature with sample
//! indices never used before for this prompt, so the replay cache in the session cannot
//! hand back the answers that already failed; then, as in compile, repair rounds show the
//! model the failing example. The prompt carries every example of the hole, including ones
//! added in the REPL, so the model sees what the user just taught it, and the calls of the
//! hole observed in a traced run of the program's examples. Without a model
//! (offline), the hole is simply compiled again by the synthesizer.

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::llm::{extract, ChatRequest};
use crate::session::{HoleStatus, Origin, Usage};
use crate::sketch::Hole;

use super::super::check::Checker;
use super::super::compile::HoleOutcome;
use super::super::events::{Event, Events};
use super::super::sample::{self, Backend};
use super::super::{prompt, Engine, EngineError};

/// What `resynthesize` did.
#[derive(Debug, Clone, Serialize)]
pub struct ResynthReport {
    pub hole: String,
    pub status: HoleStatus,
    /// Whether a new implementation replaced the one in use.
    pub replaced: bool,
    /// Candidates checked.
    pub tried: usize,
    /// Why no candidate passed, when none did.
    pub failure: Option<String>,
    pub usage: Usage,
}

struct Search<'a> {
    hole: Hole,
    model: String,
    backend: &'a Backend,
    checker: Checker,
    impls: std::collections::BTreeMap<String, String>,
    examples: Vec<crate::sketch::Example>,
    events: &'a Events,
    cancel: &'a CancellationToken,
    outcome: HoleOutcome,
    tried: usize,
    /// Candidates identical to the implementation in use.
    same: usize,
    best_failure: Option<(String, String)>,
}

impl Engine {
    /// Draw `samples` fresh candidates for `hole` (not the cached ones), keep the first that
    /// passes its examples, else repair the closest one. The implementation in use is only
    /// replaced by a candidate that passes, or, for a hole without examples, by a different
    /// one.
    pub async fn resynthesize(
        &mut self,
        backend: &Backend,
        hole: &str,
        samples: u32,
        events: &Events,
        cancel: &CancellationToken,
    ) -> Result<ResynthReport, EngineError> {
        self.begin("resynth", Some(hole));
        let result = self
            .resynthesize_inner(backend, hole, samples, events, cancel)
            .await;
        self.end()?;
        result
    }

    async fn resynthesize_inner(
        &mut self,
        backend: &Backend,
        id: &str,
        samples: u32,
        events: &Events,
        cancel: &CancellationToken,
    ) -> Result<ResynthReport, EngineError> {
        let mut hole = self
            .sketch
            .hole(id)
            .ok_or_else(|| EngineError::UnknownFunction(id.to_string()))?
            .clone();
        let model = match backend {
            Backend::Model { name, .. } | Backend::OfflineThenModel { name, .. } => name.clone(),
            Backend::Offline | Backend::Replay { .. } => {
                let report = self
                    .compile(backend, Some(&[id.to_string()]), events, cancel)
                    .await?;
                let summary = report.holes.iter().find(|h| h.hole == id);
                return Ok(ResynthReport {
                    hole: id.to_string(),
                    status: self.status(id),
                    replaced: summary.is_some_and(|s| s.changed),
                    tried: 0,
                    failure: summary.and_then(|s| s.failure.clone()),
                    usage: report.usage,
                });
            }
        };
        let examples = self.examples_for(id);
        hole.examples = examples.clone();
        let mut impls = self.implementations();
        let current = impls.remove(id);
        let mut search = Search {
            hole,
            model,
            backend,
            checker: self.checker().await?,
            impls,
            examples,
            events,
            cancel,
            outcome: HoleOutcome {
                hole: id.to_string(),
                ..HoleOutcome::default()
            },
            tried: 0,
            same: 0,
            best_failure: None,
        };
        let settings = self.search.clone();
        let observed = self.observe(&search.checker).await;
        let context = self.prompt_context(id, &observed);
        let request = prompt::request(
            &search.checker.sketch,
            &search.hole,
            &context,
            settings.temperature,
            samples.max(1),
            settings.max_tokens,
        );
        let mut passed = self.draw(&mut search, &request, current.as_deref()).await?;
        let mut round = 0;
        while !passed && round < settings.repair_rounds && !search.examples.is_empty() {
            round += 1;
            let Some((code, failure)) = search.best_failure.clone() else {
                break;
            };
            events.send(Event::RepairRound {
                hole: id.to_string(),
                round,
            });
            let repair = prompt::repair(
                &search.checker.sketch,
                &search.hole,
                &context,
                &code,
                &failure,
                settings.temperature,
                settings.max_tokens,
            );
            passed = self.draw(&mut search, &repair, current.as_deref()).await?;
        }
        let failure = if search.outcome.chosen.is_some() {
            None
        } else {
            Some(match &search.best_failure {
                Some((_, f)) => f.clone(),
                None if search.same == search.tried && search.tried > 0 => format!(
                    "all {} candidate(s) were the implementation in use; add an example it fails, or reword the hole",
                    search.tried
                ),
                None => format!(
                    "none of the {} candidate(s) was usable{}",
                    search.tried,
                    if current.is_some() {
                        "; the implementation in use is kept"
                    } else {
                        ""
                    }
                ),
            })
        };
        let replaced = search.outcome.chosen.is_some();
        let usage = search.outcome.usage;
        let mut outcome = search.outcome;
        if replaced {
            self.apply(&outcome, events);
        } else {
            outcome.failure = failure.clone();
            self.absorb_usage(&outcome);
            self.record_mut(id).last_failure = failure.clone();
            events.send(Event::HoleFailed {
                hole: id.to_string(),
                reason: failure.clone().unwrap_or_default(),
            });
        }
        self.refresh_statuses().await?;
        self.checkpoint()?;
        Ok(ResynthReport {
            hole: id.to_string(),
            status: self.status(id),
            replaced,
            tried: search.tried,
            failure,
            usage,
        })
    }

    /// One request's worth of fresh samples, each extracted and checked. True once one is
    /// chosen.
    async fn draw(
        &mut self,
        search: &mut Search<'_>,
        request: &ChatRequest,
        current: Option<&str>,
    ) -> Result<bool, EngineError> {
        let id = search.hole.id.clone();
        // The first sample index this prompt has never been answered at.
        let transcripts = &self.session().transcripts;
        let mut first = 0u32;
        while transcripts.contains_key(&sample::sample_key(&search.model, request, first)) {
            first += 1;
        }
        search.events.send(Event::RequestSent {
            hole: id.clone(),
            samples: request.n,
            temperature: request.temperature,
            prompt_tokens: prompt::approx_tokens(request),
            cached: false,
        });
        let progress = sample::receiving(search.events, &id);
        let fetched = tokio::select! {
            r = sample::fetch_missing(search.backend, &id, request, request.n, &progress) => r,
            _ = search.cancel.cancelled() => return Err(EngineError::Other("cancelled".to_string())),
        };
        let fetched = fetched.map_err(|e| super::OpError::Model(e.to_string()))?;
        let usage = fetched.usage;
        let texts = sample::whole_texts(&fetched, request, search.events, &id);
        if usage.requests > 0 {
            search.events.send(Event::Tokens {
                hole: id.clone(),
                input: usage.input_tokens,
                output: usage.output_tokens,
            });
        }
        search.outcome.usage.add(&usage);
        for (i, text) in texts.iter().enumerate() {
            let key = sample::sample_key(&search.model, request, first + i as u32);
            let charge = if i == 0 { usage } else { Usage::default() };
            let transcript = sample::transcript(&search.model, &id, request, text, charge);
            search
                .outcome
                .transcripts
                .push((key.clone(), transcript.clone()));
            self.session_mut().transcripts.insert(key, transcript);
        }
        let target = sample::extract_target(&search.checker.sketch, &search.hole);
        for text in texts {
            let code = match extract(&text, &target) {
                Ok(e) => e.code,
                Err(e) => {
                    search.events.send(Event::CandidateRejected {
                        hole: id.clone(),
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            search.tried += 1;
            let report = search
                .checker
                .check_candidate(&search.impls, &id, &code, &search.examples)
                .await?;
            search.events.send(Event::CandidateChecked {
                hole: id.clone(),
                passed: report.passed(),
                failure: report.first_failure(),
            });
            let origin = Origin::Model {
                model: search.model.clone(),
            };
            if Some(code.as_str()) == current {
                search.same += 1;
            }
            if search.examples.is_empty() {
                if report.fatal.is_none() && Some(code.as_str()) != current {
                    search.outcome.chosen = Some((code, origin));
                    search.outcome.status = Some(HoleStatus::Unchecked);
                    return Ok(true);
                }
                continue;
            }
            if report.passed() {
                search.outcome.chosen = Some((code, origin));
                search.outcome.status = Some(HoleStatus::Passing);
                return Ok(true);
            }
            if search.best_failure.is_none() {
                search.best_failure = Some((code, report.first_failure().unwrap_or_default()));
            }
        }
        Ok(false)
    }
}
