//! Compile: fill every hole that needs it, check it, then check the program.
//!
//! Holes are filled concurrently (at most `jobs` at once), each by its own task that owns
//! everything it needs, so a slow model answer for one hole never holds up another. For a
//! hole with examples the first candidate that passes them all wins; failing that, more
//! samples are drawn at a higher temperature, then repair rounds show the model what went
//! wrong. A hole without examples takes the first candidate that loads, and keeps its other
//! candidates for the combination search that runs if the program's own examples fail.
//! The session is saved as each hole completes.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::llm::{extract, ExtractTarget};
use crate::session::{HoleStatus, ImplVersion, Origin, SessionFile, Transcript, Usage};
use crate::sketch::{Example, Hole, HoleKind};
use crate::synth;

use super::check::{CheckReport, Checker};
use super::events::{Event, Events};
use super::fingerprint::{check_hash, fingerprint};
use super::sample::{self, Backend};
use super::{prompt, Engine, EngineError, SearchSettings};

/// What `compile` did for one hole.
#[derive(Debug, Clone, Serialize)]
pub struct HoleSummary {
    pub hole: String,
    pub status: HoleStatus,
    /// Who wrote the implementation in use, if any.
    pub by: Option<String>,
    /// Why it is not passing, when it is not.
    pub failure: Option<String>,
    /// Whether this compile changed it (false: it kept its saved implementation).
    pub changed: bool,
    pub usage: Usage,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompileReport {
    pub holes: Vec<HoleSummary>,
    /// The program's own examples, when it has any.
    pub program: Option<CheckReport>,
    pub usage: Usage,
}

impl CompileReport {
    pub fn success(&self) -> bool {
        self.holes
            .iter()
            .all(|h| matches!(h.status, HoleStatus::Passing | HoleStatus::Unchecked))
            && self.program.as_ref().is_none_or(|p| p.passed())
    }
}

/// Everything one hole's task needs, owned so the task can run on its own.
pub(crate) struct HoleJob {
    hole: Hole,
    examples: Vec<Example>,
    impls: BTreeMap<String, String>,
    forbidden: Vec<String>,
    checker: Checker,
    backend: Backend,
    settings: SearchSettings,
    transcripts: Arc<BTreeMap<String, Transcript>>,
    events: Events,
    cancel: CancellationToken,
}

/// What every hole's task shares.
#[derive(Clone)]
pub(crate) struct JobContext {
    pub checker: Checker,
    pub backend: Backend,
    pub transcripts: Arc<BTreeMap<String, Transcript>>,
    pub events: Events,
    pub cancel: CancellationToken,
}

/// What a hole's task found.
#[derive(Debug, Default)]
pub(crate) struct HoleOutcome {
    pub hole: String,
    pub chosen: Option<(String, Origin)>,
    pub status: Option<HoleStatus>,
    /// Every usable candidate, best first, for the combination search.
    pub candidates: Vec<String>,
    /// Other candidates that also pass every example, for questions (`questions.rs`).
    pub alternatives: Vec<(String, Origin)>,
    pub transcripts: Vec<(String, Transcript)>,
    pub usage: Usage,
    pub failure: Option<String>,
    /// An unfilled hole its examples needed; checked again once that one is filled.
    pub needs_hole: Option<String>,
}

impl Engine {
    /// Fill the holes that need it (`only`: just these, refilled even if passing).
    pub async fn compile(
        &mut self,
        backend: &Backend,
        only: Option<&[String]>,
        events: &Events,
        cancel: &CancellationToken,
    ) -> Result<CompileReport, EngineError> {
        let checker = self.checker().await?;
        let targets = self.holes_to_fill(&checker, only, events).await?;
        let context = JobContext {
            checker: checker.clone(),
            backend: backend.clone(),
            transcripts: Arc::new(self.session().transcripts.clone()),
            events: events.clone(),
            cancel: cancel.clone(),
        };
        let mut tasks = JoinSet::new();
        let mut queue = targets.clone().into_iter();
        let mut outcomes: BTreeMap<String, HoleOutcome> = BTreeMap::new();
        let jobs = self.search.jobs.max(1);
        for id in &targets {
            events.send(Event::HoleQueued { hole: id.clone() });
        }
        loop {
            while tasks.len() < jobs {
                let Some(id) = queue.next() else { break };
                if let Some(job) = self.job(&id, &context) {
                    tasks.spawn(fill_hole(job));
                }
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            let outcome =
                joined.map_err(|e| EngineError::Other(format!("a compile task failed: {e}")))?;
            self.apply(&outcome, events);
            self.save()?;
            outcomes.insert(outcome.hole.clone(), outcome);
        }
        self.recheck_deferred(&checker, &mut outcomes, events)
            .await?;
        let program = self.check_program(&context, &mut outcomes).await?;
        self.save()?;
        Ok(self.summarise(&targets, &outcomes, program))
    }

    /// Everything one hole's task needs, snapshotted now.
    pub(crate) fn job(&self, id: &str, context: &JobContext) -> Option<HoleJob> {
        let hole = self.sketch.hole(id)?.clone();
        Some(HoleJob {
            examples: self.examples_for(id),
            impls: self.implementations(),
            hole,
            forbidden: self
                .sketch
                .functions
                .iter()
                .map(|f| f.name.clone())
                .collect(),
            checker: context.checker.clone(),
            backend: context.backend.clone(),
            settings: self.search.clone(),
            transcripts: context.transcripts.clone(),
            events: context.events.clone(),
            cancel: context.cancel.clone(),
        })
    }

    /// Holes without a usable implementation, stale ones, and filled ones whose examples
    /// now fail (an example was added since). With `only`, exactly those holes.
    async fn holes_to_fill(
        &self,
        checker: &Checker,
        only: Option<&[String]>,
        events: &Events,
    ) -> Result<Vec<String>, EngineError> {
        if let Some(only) = only {
            for id in only {
                if self.sketch.hole(id).is_none() {
                    return Err(EngineError::UnknownFunction(id.clone()));
                }
            }
            return Ok(only.to_vec());
        }
        let impls = self.implementations();
        let mut out = Vec::new();
        for hole in &self.sketch.holes {
            let Some(code) = impls.get(&hole.id) else {
                out.push(hole.id.clone());
                continue;
            };
            let examples = self.examples_for(&hole.id);
            if examples.is_empty() {
                continue;
            }
            let record = self.session().holes.get(&hole.id);
            let seen = check_hash(code, &examples);
            if record.is_some_and(|r| {
                r.status == HoleStatus::Passing && r.verified.as_deref() == Some(seen.as_str())
            }) {
                continue;
            }
            let report = checker
                .check_candidate(&impls, &hole.id, code, &examples)
                .await?;
            if !report.passed() && report.needs_hole.is_none() {
                events.send(Event::Message {
                    text: format!(
                        "{}: the saved implementation fails an example, filling it again",
                        hole.id
                    ),
                });
                out.push(hole.id.clone());
            }
        }
        Ok(out)
    }

    /// Keep a hole's transcripts and token use, whatever came of them.
    pub(crate) fn absorb_usage(&mut self, outcome: &HoleOutcome) {
        let session: &mut SessionFile = self.session_mut();
        for (key, transcript) in &outcome.transcripts {
            session.transcripts.insert(key.clone(), transcript.clone());
        }
        session.usage.add(&outcome.usage);
        self.record_mut(&outcome.hole).usage.add(&outcome.usage);
    }

    /// Record a hole's outcome in the session.
    pub(crate) fn apply(&mut self, outcome: &HoleOutcome, events: &Events) {
        let print = self
            .sketch
            .hole(&outcome.hole)
            .map(fingerprint)
            .unwrap_or_default();
        self.absorb_usage(outcome);
        let record = self.record_mut(&outcome.hole);
        record.fingerprint = print.clone();
        record.last_failure = outcome.failure.clone();
        if let Some((code, origin)) = &outcome.chosen {
            let same = record
                .current
                .and_then(|i| record.versions.get(i))
                .is_some_and(|v| &v.code == code);
            if !same {
                record.versions.push(ImplVersion {
                    code: code.clone(),
                    origin: origin.clone(),
                    fingerprint: print,
                    created: crate::session::model::now(),
                });
                record.current = Some(record.versions.len() - 1);
            }
            record.status = outcome.status.unwrap_or(HoleStatus::Unchecked);
            record.verified = None;
            let verified = record.status == HoleStatus::Passing;
            if verified {
                let examples = self.examples_for(&outcome.hole);
                self.record_mut(&outcome.hole).verified = Some(check_hash(code, &examples));
            }
            self.clear_stale(&outcome.hole);
            self.remember_candidates(outcome);
            events.send(Event::HoleFilled {
                hole: outcome.hole.clone(),
                by: origin.to_string(),
                verified,
            });
        } else {
            if record.current.is_none() {
                record.status = HoleStatus::Empty;
            }
            events.send(Event::HoleFailed {
                hole: outcome.hole.clone(),
                reason: outcome
                    .failure
                    .clone()
                    .unwrap_or_else(|| "no candidate".to_string()),
            });
        }
    }

    /// Holes whose examples needed another hole that was still empty: check their
    /// candidates again now that the others are filled, until nothing changes.
    async fn recheck_deferred(
        &mut self,
        checker: &Checker,
        outcomes: &mut BTreeMap<String, HoleOutcome>,
        events: &Events,
    ) -> Result<(), EngineError> {
        for _round in 0..self.sketch.holes.len() {
            let deferred: Vec<String> = outcomes
                .values()
                .filter(|o| o.needs_hole.is_some() && !o.candidates.is_empty())
                .map(|o| o.hole.clone())
                .collect();
            let mut progressed = false;
            for id in deferred {
                let examples = self.examples_for(&id);
                let impls = self.implementations();
                let Some(outcome) = outcomes.get_mut(&id) else {
                    continue;
                };
                let mut still_needs = None;
                let mut chosen = None;
                for code in &outcome.candidates {
                    let report = checker
                        .check_candidate(&impls, &id, code, &examples)
                        .await?;
                    events.send(Event::CandidateChecked {
                        hole: id.clone(),
                        passed: report.passed(),
                        failure: report.first_failure(),
                    });
                    if report.passed() {
                        chosen = Some(code.clone());
                        break;
                    }
                    if still_needs.is_none() {
                        still_needs = report.needs_hole.clone();
                    }
                }
                if still_needs.as_ref() != outcome.needs_hole.as_ref() || chosen.is_some() {
                    progressed = true;
                }
                outcome.needs_hole = if chosen.is_some() { None } else { still_needs };
                if let Some(code) = chosen {
                    let origin = outcome
                        .chosen
                        .as_ref()
                        .map(|(_, o)| o.clone())
                        .unwrap_or(Origin::User);
                    outcome.chosen = Some((code, origin));
                    outcome.status = Some(HoleStatus::Passing);
                    outcome.failure = None;
                    outcome.transcripts.clear();
                    outcome.usage = Usage::default();
                    let snapshot = HoleOutcome {
                        hole: outcome.hole.clone(),
                        chosen: outcome.chosen.clone(),
                        status: outcome.status,
                        ..HoleOutcome::default()
                    };
                    self.apply(&snapshot, events);
                    self.save()?;
                }
            }
            if !progressed {
                break;
            }
        }
        Ok(())
    }

    fn summarise(
        &self,
        targets: &[String],
        outcomes: &BTreeMap<String, HoleOutcome>,
        program: Option<CheckReport>,
    ) -> CompileReport {
        let mut holes = Vec::new();
        let mut usage = Usage::default();
        for hole in &self.sketch.holes {
            let record = self.session().holes.get(&hole.id);
            let outcome = outcomes.get(&hole.id);
            if let Some(o) = outcome {
                usage.add(&o.usage);
            }
            let by = record.and_then(|r| {
                r.current
                    .and_then(|i| r.versions.get(i))
                    .map(|v| v.origin.to_string())
            });
            holes.push(HoleSummary {
                hole: hole.id.clone(),
                status: self.status(&hole.id),
                by,
                failure: record.and_then(|r| r.last_failure.clone()),
                changed: targets.contains(&hole.id) && outcome.is_some_and(|o| o.chosen.is_some()),
                usage: outcome.map(|o| o.usage).unwrap_or_default(),
            });
        }
        CompileReport {
            holes,
            program,
            usage,
        }
    }
}

/// Fill one hole: synthesizer first where it applies, then the model.
async fn fill_hole(job: HoleJob) -> HoleOutcome {
    let mut outcome = HoleOutcome {
        hole: job.hole.id.clone(),
        ..HoleOutcome::default()
    };
    let mut reasons: Vec<String> = Vec::new();
    if job.backend.uses_synthesizer() {
        match try_synthesizer(&job, &mut outcome).await {
            Ok(true) => return outcome,
            Ok(false) => {}
            Err(reason) => reasons.push(reason),
        }
    }
    if job.backend.model_name().is_none() {
        outcome.failure = Some(reasons.join("; "));
        return outcome;
    }
    if let Err(reason) = try_model(&job, &mut outcome).await {
        reasons.push(reason);
    }
    if outcome.status == Some(HoleStatus::Passing) {
        passing_alternatives(&job, &mut outcome).await;
    }
    let unresolved = outcome.chosen.is_none() || outcome.status == Some(HoleStatus::Failing);
    if unresolved && (!reasons.is_empty() || outcome.failure.is_none()) {
        let mut all = reasons;
        if let Some(f) = outcome.failure.take() {
            all.push(f);
        }
        outcome.failure = Some(all.join("; "));
    }
    outcome
}

/// `Ok(true)`: filled. `Err(reason)`: the synthesizer could not, and why.
async fn try_synthesizer(job: &HoleJob, outcome: &mut HoleOutcome) -> Result<bool, String> {
    if job.examples.is_empty() {
        return Err(super::advice::no_examples(&job.hole));
    }
    let task = synth::SynthTask {
        name: job.hole.id.clone(),
        params: job
            .hole
            .params
            .iter()
            .map(|p| (p.name.clone(), p.annotation.clone()))
            .collect(),
        returns: job.hole.returns.clone(),
        description: job.hole.description.clone(),
        examples: job
            .examples
            .iter()
            .map(|e| (e.call.clone(), e.expected.clone()))
            .collect(),
    };
    let limits = synth::SynthLimits {
        time_budget: job.settings.synth_budget,
        ..synth::SynthLimits::default()
    };
    let cancel = synth::CancelFlag::default();
    let watch = cancel.clone();
    let token = job.cancel.clone();
    let watcher = tokio::spawn(async move {
        token.cancelled().await;
        watch.cancel();
    });
    let found =
        tokio::task::spawn_blocking(move || synth::synthesize_ranked(&task, &limits, &cancel, 5))
            .await
            .map_err(|e| format!("the synthesizer stopped: {e}"))?;
    watcher.abort();
    let solutions = found
        .map_err(|e| super::advice::synth_gave_up(&job.hole, &e, job.settings.synth_budget))?;
    for solution in solutions {
        let report = job
            .checker
            .check_candidate(&job.impls, &job.hole.id, &solution.code, &job.examples)
            .await
            .map_err(|e| e.to_string())?;
        if outcome.chosen.is_some() {
            // The best-ranked program is taken; the others that pass are kept to ask
            // questions from when they compute something else.
            if report.passed() {
                outcome
                    .alternatives
                    .push((solution.code, Origin::Synthesizer));
            }
            continue;
        }
        job.events.send(Event::CandidateChecked {
            hole: job.hole.id.clone(),
            passed: report.passed(),
            failure: report.first_failure(),
        });
        if report.passed() {
            outcome.chosen = Some((solution.code, Origin::Synthesizer));
            outcome.status = Some(HoleStatus::Passing);
        }
    }
    if outcome.chosen.is_some() {
        return Ok(true);
    }
    Err("offline synthesizer: its programs passed the examples in its own evaluator but not in Python".to_string())
}

/// Ask the model: one greedy sample, then `samples` more, then repair rounds.
async fn try_model(job: &HoleJob, outcome: &mut HoleOutcome) -> Result<(), String> {
    let settings = &job.settings;
    let first = prompt::request(&job.checker.sketch, &job.hole, 0.0, 1, settings.max_tokens);
    let mut best_failure: Option<(String, String)> = None;
    let rounds = [(first, 0u32)];
    for (request, first_index) in rounds {
        if try_round(job, outcome, &request, first_index, &mut best_failure).await? {
            return Ok(());
        }
    }
    if job.examples.is_empty() && outcome.chosen.is_some() {
        // Nothing to check it against: take the first loadable answer; the program's
        // examples and the combination search judge it.
        return Ok(());
    }
    if settings.samples > 0 {
        let more = prompt::request(
            &job.checker.sketch,
            &job.hole,
            settings.temperature,
            settings.samples,
            settings.max_tokens,
        );
        if try_round(job, outcome, &more, 0, &mut best_failure).await? {
            return Ok(());
        }
    }
    for round in 1..=settings.repair_rounds {
        let Some((code, failure)) = best_failure.clone() else {
            break;
        };
        job.events.send(Event::RepairRound {
            hole: job.hole.id.clone(),
            round,
        });
        let request = prompt::repair(
            &job.checker.sketch,
            &job.hole,
            &code,
            &failure,
            settings.temperature,
            settings.max_tokens,
        );
        if try_round(job, outcome, &request, 0, &mut best_failure).await? {
            return Ok(());
        }
    }
    if let Some((code, failure)) = best_failure {
        if outcome.chosen.is_none() {
            // Keep the closest candidate so the user can trace and repair it; it is marked
            // failing and the compile does not succeed.
            outcome.chosen = Some((code, model_origin(job)));
        }
        outcome.status = Some(HoleStatus::Failing);
        outcome.failure = Some(failure);
    }
    Ok(())
}

fn model_origin(job: &HoleJob) -> Origin {
    Origin::Model {
        model: job.backend.model_name().unwrap_or("model").to_string(),
    }
}

/// One request's worth of samples, each extracted and checked. `Ok(true)` once one passes.
async fn try_round(
    job: &HoleJob,
    outcome: &mut HoleOutcome,
    request: &crate::llm::ChatRequest,
    first_index: u32,
    best_failure: &mut Option<(String, String)>,
) -> Result<bool, String> {
    let texts = fetch_texts(job, outcome, request, first_index).await?;
    for text in texts {
        let target = ExtractTarget {
            name: job.hole.id.clone(),
            inline: job.hole.kind != HoleKind::Named,
            forbidden: job.forbidden.clone(),
        };
        let code = match extract(&text, &target) {
            Ok(extracted) => extracted.code,
            Err(e) => {
                job.events.send(Event::CandidateRejected {
                    hole: job.hole.id.clone(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        if outcome.candidates.contains(&code) {
            continue;
        }
        let report = job
            .checker
            .check_candidate(&job.impls, &job.hole.id, &code, &job.examples)
            .await
            .map_err(|e| e.to_string())?;
        job.events.send(Event::CandidateChecked {
            hole: job.hole.id.clone(),
            passed: report.passed(),
            failure: report.first_failure(),
        });
        if report.fatal.is_some() && job.examples.is_empty() {
            // Does not even load: not a usable candidate.
            job.events.send(Event::CandidateRejected {
                hole: job.hole.id.clone(),
                reason: report.first_failure().unwrap_or_default(),
            });
            continue;
        }
        outcome.candidates.push(code.clone());
        if job.examples.is_empty() {
            if outcome.chosen.is_none() {
                outcome.chosen = Some((code, model_origin(job)));
                outcome.status = Some(HoleStatus::Unchecked);
            }
            continue;
        }
        if report.passed() {
            outcome.chosen = Some((code, model_origin(job)));
            outcome.status = Some(HoleStatus::Passing);
            outcome.failure = None;
            outcome.needs_hole = None;
            return Ok(true);
        }
        if report.needs_hole.is_some() && outcome.needs_hole.is_none() {
            outcome.needs_hole = report.needs_hole.clone();
        }
        if best_failure.is_none() {
            *best_failure = Some((code, report.first_failure().unwrap_or_default()));
        }
    }
    Ok(false)
}

/// More candidates for a hole that has no examples of its own, drawn at the sampling
/// temperature, for the combination search.
pub(crate) async fn more_candidates(job: HoleJob, mut outcome: HoleOutcome) -> HoleOutcome {
    if job.backend.model_name().is_none() || job.settings.samples == 0 {
        return outcome;
    }
    let request = sampling_request(&job);
    let mut best = None;
    if let Err(reason) = try_round(&job, &mut outcome, &request, 0, &mut best).await {
        job.events.send(Event::Message {
            text: format!("{}: no more candidates: {reason}", job.hole.id),
        });
    }
    outcome
}

/// The answers to one request: from the transcripts where they are, the rest fetched, with
/// the new transcripts and usage recorded in `outcome`.
async fn fetch_texts(
    job: &HoleJob,
    outcome: &mut HoleOutcome,
    request: &crate::llm::ChatRequest,
    first_index: u32,
) -> Result<Vec<String>, String> {
    let model = job.backend.model_name().unwrap_or("model").to_string();
    let lookups: Vec<(String, Option<String>)> = (first_index..first_index + request.n)
        .map(|i| {
            let key = sample::sample_key(&model, request, i);
            let found = job.transcripts.get(&key).map(|t| t.response.clone());
            (key, found)
        })
        .collect();
    let missing = lookups.iter().filter(|(_, f)| f.is_none()).count() as u32;
    job.events.send(Event::RequestSent {
        hole: job.hole.id.clone(),
        samples: request.n,
        temperature: request.temperature,
        prompt_tokens: prompt::approx_tokens(request),
        cached: missing == 0,
    });
    let fetched = tokio::select! {
        r = sample::fetch_missing(&job.backend, &job.hole.id, request, missing) => r.map_err(|e| e.to_string())?,
        _ = job.cancel.cancelled() => return Err("cancelled".to_string()),
    };
    let (mut fresh, usage) = fetched;
    if usage.requests > 0 {
        job.events.send(Event::Tokens {
            hole: job.hole.id.clone(),
            input: usage.input_tokens,
            output: usage.output_tokens,
        });
    }
    outcome.usage.add(&usage);
    let mut texts = Vec::new();
    let mut fresh_iter = fresh.drain(..);
    for (key, found) in lookups {
        match found {
            Some(text) => texts.push(text),
            None => {
                let Some(text) = fresh_iter.next() else {
                    continue;
                };
                outcome.transcripts.push((
                    key,
                    sample::transcript(&model, &job.hole.id, request, &text, Usage::default()),
                ));
                texts.push(text);
            }
        }
    }
    // Charge the request's usage to its first new transcript so totals can be rebuilt.
    if let Some((_, t)) = outcome
        .transcripts
        .iter_mut()
        .rev()
        .take(missing as usize)
        .last()
    {
        t.usage = usage;
    }
    Ok(texts)
}

/// `--samples` answers at `--temperature`, the request after a greedy one.
fn sampling_request(job: &HoleJob) -> crate::llm::ChatRequest {
    prompt::request(
        &job.checker.sketch,
        &job.hole,
        job.settings.temperature,
        job.settings.samples,
        job.settings.max_tokens,
    )
}

/// Fewer than this many examples leave a model's first passing answer open to doubt, so
/// compile draws a round of samples to find others that pass too, for questions.
pub(crate) const FEW_EXAMPLES: usize = 3;

/// Other answers that pass every example, for a hole the model filled from fewer than
/// [`FEW_EXAMPLES`] examples: one round of `samples` at the sampling temperature, from the
/// replay cache where it has them. They are only kept to ask questions from.
async fn passing_alternatives(job: &HoleJob, outcome: &mut HoleOutcome) {
    if job.examples.is_empty()
        || job.examples.len() >= FEW_EXAMPLES
        || job.settings.samples == 0
        || job.backend.model_name().is_none()
    {
        return;
    }
    let request = sampling_request(job);
    let texts = match fetch_texts(job, outcome, &request, 0).await {
        Ok(texts) => texts,
        Err(reason) => {
            job.events.send(Event::Message {
                text: format!(
                    "{}: no samples to ask questions from: {reason}",
                    job.hole.id
                ),
            });
            return;
        }
    };
    let target = ExtractTarget {
        name: job.hole.id.clone(),
        inline: job.hole.kind != HoleKind::Named,
        forbidden: job.forbidden.clone(),
    };
    for text in texts {
        let Ok(extracted) = extract(&text, &target) else {
            continue;
        };
        let code = extracted.code;
        let known = outcome.chosen.as_ref().is_some_and(|(c, _)| *c == code)
            || outcome.alternatives.iter().any(|(c, _)| *c == code);
        if known {
            continue;
        }
        let passed = job
            .checker
            .check_candidate(&job.impls, &job.hole.id, &code, &job.examples)
            .await
            .is_ok_and(|r| r.passed());
        if passed {
            outcome.alternatives.push((code, model_origin(job)));
        }
    }
}
