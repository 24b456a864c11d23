//! Compile: fill every hole that needs it, check it, then check the program.
//!
//! Holes are filled concurrently (at most `jobs` at once), each by its own task that owns
//! everything it needs, so a slow model answer for one hole never holds up another. For a
//! hole with examples the first candidate that passes them all wins; failing that, more
//! samples are drawn at a higher temperature, then repair rounds show the model what went
//! wrong. A hole without examples takes the first candidate that loads, and keeps its other
//! candidates for the combination search that runs if the program's own examples fail.
//! The session is saved as each hole completes.
//!
//! Holes start in the order `schedule` plans (holes that run while the program loads
//! first). A check that fails only because another hole is still empty means nothing: the
//! hole's search stops there, its candidates are deferred (`defer.rs`), never shown to the
//! model as wrong, and checked again as soon as that hole is filled.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use serde::Serialize;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::llm::extract;
use crate::session::{HoleStatus, ImplVersion, Origin, SessionFile, Transcript, Usage};
use crate::sketch::{Example, Hole};
use crate::synth;

use super::answers::{fetch_texts, note_extraction, passing_alternatives, try_extras};
use super::check::{CheckReport, Checker};
use super::events::{Event, Events};
use super::extras::record_extra_candidates;
use super::fingerprint::fingerprint;
use super::judge::{judge, rejection_summary, Step};
use super::sample::{self, Backend};
use super::schedule::{self, Gate, Waiter};
use super::{prompt, Engine, EngineError, SearchSettings};

/// What `compile` did for one hole.
#[derive(Debug, Clone, Serialize)]
pub struct HoleSummary {
    pub hole: String,
    pub status: HoleStatus,
    /// Who wrote the implementation in use, if any.
    pub by: Option<String>,
    /// The implementation accepted (in use), if any.
    pub code: Option<String>,
    /// Why the implementation is a guess to review, when its status is `guess`.
    pub guess: Option<String>,
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
    /// The combination search, when the program's examples failed and it ran.
    pub search: Option<super::search::SearchReport>,
}

impl CompileReport {
    /// Every hole filled, and no example (a hole's or the program's) fails.
    pub fn success(&self) -> bool {
        self.holes.iter().all(|h| h.status.is_ok())
            && self.program.as_ref().is_none_or(|p| p.passed())
    }
}

/// Everything one hole's task needs, owned so the task can run on its own.
pub(crate) struct HoleJob {
    pub(crate) hole: Hole,
    pub(crate) examples: Vec<Example>,
    /// What its prompts show besides the sketch (examples, observed calls, budget).
    pub(crate) prompt: prompt::PromptContext,
    pub(crate) impls: BTreeMap<String, String>,
    pub(crate) checker: Checker,
    pub(crate) backend: Backend,
    pub(crate) settings: SearchSettings,
    pub(crate) transcripts: Arc<BTreeMap<String, Transcript>>,
    pub(crate) events: Events,
    pub(crate) cancel: CancellationToken,
    /// Holes that must be settled before this one's checks mean anything.
    pub(crate) waiter: Option<Waiter>,
    /// Candidates from before (a deferred search, a saved implementation), checked first.
    pub(crate) prior: Vec<(String, Origin)>,
    /// The hole runs while the program loads: a deferred candidate stays in use, so that
    /// the program loads for the other holes' checks.
    pub(crate) load_time: bool,
    /// Implementations of this hole found in other holes' answers, checked before asking.
    pub(crate) extras: Vec<String>,
}

impl HoleJob {
    pub(crate) fn hole_id(&self) -> &str {
        &self.hole.id
    }

    pub(crate) fn events(&self) -> &Events {
        &self.events
    }
}

/// What every hole's task shares.
#[derive(Clone)]
pub(crate) struct JobContext {
    pub checker: Checker,
    pub backend: Backend,
    pub transcripts: Arc<BTreeMap<String, Transcript>>,
    pub events: Events,
    pub cancel: CancellationToken,
    /// Every hole's calls in one traced run of the program's examples, for prompts.
    pub observed: Arc<prompt::Observations>,
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
    /// A round of samples at the sampling temperature was drawn for this hole.
    pub sampled: bool,
    /// Answers fetched but never judged, because one before them in their round passed:
    /// paid for already, so they are checked as alternatives before any new request.
    pub unjudged: Vec<String>,
    pub transcripts: Vec<(String, Transcript)>,
    pub usage: Usage,
    pub failure: Option<String>,
    /// An unfilled hole its examples needed; checked again once that one is filled.
    pub needs_hole: Option<String>,
    /// The candidates whose check needed that hole, with who wrote them.
    pub deferred: Vec<(String, Origin)>,
    /// Why each answer that never became a candidate was rejected.
    pub rejected: Vec<String>,
    /// Other holes' implementations found in this hole's answers, as (hole, code):
    /// candidates for those holes (see [`record_extra_candidates`]).
    pub extra_candidates: Vec<(String, String)>,
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
        self.run_usage.clear();
        let (targets, mut priors) = self.holes_to_fill(&checker, only, events).await?;
        let plan = schedule::plan(&self.sketch, &targets, |id| {
            !self.examples_for(id).is_empty()
        });
        let gate = Gate::new(self.implementations());
        // Observed once, before the tasks start (see `observe`); only prompts use it.
        let observed = if targets.is_empty() || backend.model_name().is_none() {
            prompt::Observations::default()
        } else {
            self.observe(&checker).await
        };
        let context = JobContext {
            checker: checker.clone(),
            backend: backend.clone(),
            transcripts: Arc::new(self.session().transcripts.clone()),
            events: events.clone(),
            cancel: cancel.clone(),
            observed: Arc::new(observed),
        };
        let mut tasks = JoinSet::new();
        let mut queue: VecDeque<(String, Vec<(String, Origin)>)> = plan
            .order
            .iter()
            .map(|id| (id.clone(), priors.remove(id).unwrap_or_default()))
            .collect();
        let mut outcomes: BTreeMap<String, HoleOutcome> = BTreeMap::new();
        // Deferred holes by the hole they wait for, and holes filled so far.
        let mut waiting: BTreeMap<String, (String, Vec<(String, Origin)>)> = BTreeMap::new();
        let mut filled: BTreeSet<String> = BTreeSet::new();
        let mut resumed: BTreeMap<String, usize> = BTreeMap::new();
        let mut extras: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let jobs = self.search.jobs.max(1);
        for id in &targets {
            events.send(Event::HoleQueued { hole: id.clone() });
        }
        loop {
            while tasks.len() < jobs {
                let Some((id, prior)) = queue.pop_front() else {
                    break;
                };
                // A resumed hole sees every answer recorded since the compile began.
                let context = if prior.is_empty() {
                    context.clone()
                } else {
                    JobContext {
                        transcripts: Arc::new(self.session().transcripts.clone()),
                        ..context.clone()
                    }
                };
                if let Some(mut job) = self.job(&id, &context) {
                    let waits = plan.waits.get(&id).cloned().unwrap_or_default();
                    job.waiter = Some(gate.waiter(waits));
                    job.prior = prior;
                    job.load_time = plan.load_time.contains(&id);
                    job.extras = extras.remove(&id).unwrap_or_default();
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
            gate.settle(&outcome.hole, self.implementations());
            let id = outcome.hole.clone();
            if outcome.chosen.is_some() && outcome.needs_hole.is_none() {
                filled.insert(id.clone());
                // Holes that waited for this one are checked again now, with it in place.
                let woken: Vec<String> = waiting
                    .iter()
                    .filter(|(_, (need, _))| *need == id)
                    .map(|(k, _)| k.clone())
                    .collect();
                for hole in woken {
                    let count = resumed.entry(hole.clone()).or_default();
                    if *count > self.sketch.holes.len() {
                        continue;
                    }
                    if let Some((_, prior)) = waiting.remove(&hole) {
                        *count += 1;
                        queue.push_back((hole, prior));
                    }
                }
            }
            if let Some(need) = outcome.needs_hole.clone() {
                let count = resumed.entry(id.clone()).or_default();
                // Each resume follows a hole being filled, so a hole cannot be resumed more
                // often than there are holes; the bound only guards against surprises.
                if filled.contains(&need) && *count <= self.sketch.holes.len() {
                    // Filled while this hole's task was checking against an older program.
                    *count += 1;
                    queue.push_back((id.clone(), outcome.deferred.clone()));
                } else {
                    waiting.insert(id.clone(), (need, outcome.deferred.clone()));
                }
            }
            record_extra_candidates(&outcome.extra_candidates, &mut outcomes, &mut extras);
            outcomes.insert(id, outcome);
        }
        // Holes that were already asked when another's answer implemented them: the
        // combination search may still use those implementations.
        record_extra_candidates(&[], &mut outcomes, &mut extras);
        self.recheck_deferred(&context, &mut outcomes).await?;
        let (program, search) = self.check_program(&context, &mut outcomes).await?;
        // Every status is decided again on the program as it now stands: a hole checked
        // early may call one filled later, and a hole kept from before may fail now. A
        // cancelled compile returns at once; what it did not decide shows `unchecked`.
        if !cancel.is_cancelled() {
            self.refresh_statuses().await?;
        }
        self.save()?;
        let mut report = self.summarise(&targets, &outcomes, program);
        report.search = search;
        Ok(report)
    }

    /// Everything one hole's task needs, snapshotted now.
    pub(crate) fn job(&self, id: &str, context: &JobContext) -> Option<HoleJob> {
        let hole = self.sketch.hole(id)?.clone();
        Some(HoleJob {
            examples: self.examples_for(id),
            prompt: self.prompt_context(id, &context.observed),
            impls: self.implementations(),
            hole,
            checker: context.checker.clone(),
            backend: context.backend.clone(),
            settings: self.search.clone(),
            transcripts: context.transcripts.clone(),
            events: context.events.clone(),
            cancel: context.cancel.clone(),
            waiter: None,
            prior: Vec::new(),
            load_time: false,
            extras: Vec::new(),
        })
    }

    /// Holes without a usable implementation, stale ones, and filled ones whose examples
    /// fail (an example was added since, or they were failing). With `only`, exactly those
    /// holes. A hole whose passing status still rests on the same evidence is not checked
    /// again, so an unchanged recompile starts no Python. A saved implementation whose
    /// check needs another empty hole is filled again too, with the saved code as its
    /// first candidate, so it is judged once that hole is filled.
    async fn holes_to_fill(
        &mut self,
        checker: &Checker,
        only: Option<&[String]>,
        events: &Events,
    ) -> Result<Targets, EngineError> {
        let mut priors: BTreeMap<String, Vec<(String, Origin)>> = BTreeMap::new();
        if let Some(only) = only {
            for id in only {
                if self.sketch.hole(id).is_none() {
                    return Err(EngineError::UnknownFunction(id.clone()));
                }
            }
            return Ok((only.to_vec(), priors));
        }
        let impls = self.implementations();
        let mut out = Vec::new();
        let sketch = self.sketch.clone();
        for hole in &sketch.holes {
            let Some(code) = impls.get(&hole.id) else {
                out.push(hole.id.clone());
                continue;
            };
            let examples = self.examples_for(&hole.id);
            if examples.is_empty() {
                continue;
            }
            match self.status(&hole.id) {
                HoleStatus::Passing | HoleStatus::Guess => continue,
                HoleStatus::Failing => {
                    out.push(hole.id.clone());
                    continue;
                }
                _ => {}
            }
            let report = checker
                .check_candidate(&impls, &hole.id, code, &examples)
                .await?;
            if report.passed() {
                // Its status is decided again with the rest after the compile
                // (`refresh_statuses`), on the program as it then stands.
                continue;
            }
            if let Some(need) = &report.needs_hole {
                events.send(Event::Message {
                    text: format!(
                        "{}: the saved implementation is checked again once `{need}` is filled",
                        hole.id
                    ),
                });
                let origin = self
                    .session()
                    .holes
                    .get(&hole.id)
                    .and_then(|r| r.current.and_then(|i| r.versions.get(i)))
                    .map_or(Origin::User, |v| v.origin.clone());
                priors.insert(hole.id.clone(), vec![(code.clone(), origin)]);
                out.push(hole.id.clone());
            } else {
                events.send(Event::Message {
                    text: format!(
                        "{}: the saved implementation fails an example, filling it again",
                        hole.id
                    ),
                });
                out.push(hole.id.clone());
            }
        }
        Ok((out, priors))
    }

    /// Keep a hole's transcripts and token use, whatever came of them.
    pub(crate) fn absorb_usage(&mut self, outcome: &HoleOutcome) {
        let session: &mut SessionFile = self.session_mut();
        for (key, transcript) in &outcome.transcripts {
            session.transcripts.insert(key.clone(), transcript.clone());
        }
        session.usage.add(&outcome.usage);
        self.record_mut(&outcome.hole).usage.add(&outcome.usage);
        self.run_usage
            .entry(outcome.hole.clone())
            .or_default()
            .add(&outcome.usage);
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
            // Provisional until `refresh_statuses` decides it on the finished program.
            record.status = outcome.status.unwrap_or(HoleStatus::Unchecked);
            record.evidence = None;
            record.guess = None;
            let verified = record.status == HoleStatus::Passing;
            self.clear_stale(&outcome.hole);
            self.remember_candidates(outcome);
            events.send(Event::HoleFilled {
                hole: outcome.hole.clone(),
                by: origin.to_string(),
                verified,
            });
        } else if let Some(need) = &outcome.needs_hole {
            if record.current.is_none() {
                record.status = HoleStatus::Empty;
            }
            events.send(Event::Message {
                text: format!(
                    "{}: waiting for `{need}` before its examples can be checked",
                    outcome.hole
                ),
            });
        } else {
            if record.current.is_none() {
                record.status = HoleStatus::Empty;
            }
            // The saved implementation (if any) was refilled because it failed: decide its
            // status again rather than keep the old one.
            record.evidence = None;
            events.send(Event::HoleFailed {
                hole: outcome.hole.clone(),
                reason: outcome
                    .failure
                    .clone()
                    .unwrap_or_else(|| "no candidate".to_string()),
            });
        }
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
            // Every request this run made for the hole, whichever pass made it.
            let used = self.run_usage.get(&hole.id).copied().unwrap_or_default();
            usage.add(&used);
            let version = record.and_then(|r| r.current.and_then(|i| r.versions.get(i)));
            let status = self.status(&hole.id);
            let in_use = status != HoleStatus::Stale;
            holes.push(HoleSummary {
                hole: hole.id.clone(),
                status,
                by: version.map(|v| v.origin.to_string()),
                code: version.filter(|_| in_use).map(|v| v.code.clone()),
                guess: self.guess(&hole.id),
                failure: record.and_then(|r| r.last_failure.clone()),
                changed: targets.contains(&hole.id) && outcome.is_some_and(|o| o.chosen.is_some()),
                usage: used,
            });
        }
        CompileReport {
            holes,
            program,
            usage,
            search: None,
        }
    }
}

/// The holes to fill, and the candidates to check first for some of them.
type Targets = (Vec<String>, BTreeMap<String, Vec<(String, Origin)>>);

/// Fill one hole: candidates from before first, then the synthesizer where it applies,
/// then the model. Stops early, deferred, when a check needs another hole that is empty.
pub(crate) async fn fill_hole(mut job: HoleJob) -> HoleOutcome {
    let mut outcome = HoleOutcome {
        hole: job.hole.id.clone(),
        ..HoleOutcome::default()
    };
    if let Some(mut waiter) = job.waiter.take() {
        tokio::select! {
            impls = waiter.ready() => job.impls = impls,
            _ = job.cancel.cancelled() => {
                outcome.failure = Some("cancelled".to_string());
                return outcome;
            }
        }
    }
    let mut best_failure: Option<(String, String)> = None;
    for (code, origin) in std::mem::take(&mut job.prior) {
        match judge(&job, &mut outcome, code, origin, &mut best_failure).await {
            Ok(Step::Passed | Step::Deferred) => return outcome,
            Ok(Step::Open) => {}
            Err(reason) => {
                outcome.failure = Some(reason);
                return outcome;
            }
        }
    }
    if job.examples.is_empty() && outcome.chosen.is_some() {
        return outcome;
    }
    let mut reasons: Vec<String> = Vec::new();
    if job.backend.uses_synthesizer() {
        match try_synthesizer(&job, &mut outcome).await {
            Ok(Step::Passed | Step::Deferred) => return outcome,
            Ok(Step::Open) => {}
            Err(reason) => reasons.push(reason),
        }
    }
    if job.backend.model_name().is_some() {
        match try_extras(&job, &mut outcome, &mut best_failure).await {
            Ok(Step::Passed | Step::Deferred) => return outcome,
            Ok(Step::Open) => {}
            Err(reason) => reasons.push(reason),
        }
        if let Err(reason) = try_model(&job, &mut outcome, best_failure).await {
            reasons.push(reason);
        }
        if outcome.status == Some(HoleStatus::Passing) {
            passing_alternatives(&job, &mut outcome).await;
        }
        if outcome.needs_hole.is_some() {
            return outcome;
        }
    }
    if job.examples.is_empty() {
        // Nothing to tell them apart: the hole's own answer is in use, other holes'
        // answers wait in the candidates for the combination search.
        for code in &job.extras {
            if !outcome.candidates.contains(code) {
                outcome.candidates.push(code.clone());
            }
        }
    }
    let unresolved = outcome.chosen.is_none() || outcome.status == Some(HoleStatus::Failing);
    if unresolved && (!reasons.is_empty() || outcome.failure.is_none()) {
        let mut all = reasons;
        if let Some(f) = outcome.failure.take() {
            all.push(f);
        }
        if outcome.chosen.is_none() {
            all.extend(rejection_summary(&outcome.rejected));
        }
        if all.is_empty() {
            all.push("the model gave no answer".to_string());
        }
        outcome.failure = Some(all.join("; "));
    }
    outcome
}

/// `Err(reason)`: the synthesizer could not, and why.
async fn try_synthesizer(job: &HoleJob, outcome: &mut HoleOutcome) -> Result<Step, String> {
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
    // The synthesizer's near misses are not what repair rounds show the model.
    let mut unused = None;
    let mut passed = false;
    for solution in solutions {
        if passed {
            // The best-ranked program is taken; the others that pass are kept to ask
            // questions from when they compute something else.
            let report = job
                .checker
                .check_candidate(&job.impls, &job.hole.id, &solution.code, &job.examples)
                .await
                .map_err(|e| e.to_string())?;
            if report.passed() {
                outcome
                    .alternatives
                    .push((solution.code, Origin::Synthesizer));
            }
            continue;
        }
        match judge(
            job,
            outcome,
            solution.code,
            Origin::Synthesizer,
            &mut unused,
        )
        .await?
        {
            Step::Open => {}
            Step::Passed => passed = true,
            Step::Deferred => return Ok(Step::Deferred),
        }
    }
    if passed {
        return Ok(Step::Passed);
    }
    Err("offline synthesizer: its programs passed the examples in its own evaluator but not in Python".to_string())
}

/// Ask the model: one greedy sample, then `samples` more, then repair rounds.
async fn try_model(
    job: &HoleJob,
    outcome: &mut HoleOutcome,
    mut best_failure: Option<(String, String)>,
) -> Result<(), String> {
    let settings = &job.settings;
    let first = prompt::request(
        &job.checker.sketch,
        &job.hole,
        &job.prompt,
        0.0,
        1,
        settings.max_tokens,
    );
    if try_round(job, outcome, &first, 0, &mut best_failure).await? != Step::Open {
        return Ok(());
    }
    if job.examples.is_empty() && outcome.chosen.is_some() {
        // Nothing to check it against: take the first loadable answer; the program's
        // examples and the combination search judge it.
        return Ok(());
    }
    if settings.samples > 0 {
        outcome.sampled = true;
        let more = prompt::request(
            &job.checker.sketch,
            &job.hole,
            &job.prompt,
            settings.temperature,
            settings.samples,
            settings.max_tokens,
        );
        if try_round(job, outcome, &more, 0, &mut best_failure).await? != Step::Open {
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
            &job.prompt,
            &code,
            &failure,
            settings.temperature,
            settings.max_tokens,
        );
        if try_round(job, outcome, &request, 0, &mut best_failure).await? != Step::Open {
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

pub(crate) fn model_origin(job: &HoleJob) -> Origin {
    Origin::Model {
        model: job.backend.model_name().unwrap_or("model").to_string(),
    }
}

/// One request's worth of samples, each extracted and checked, until one passes or a
/// check is deferred.
pub(crate) async fn try_round(
    job: &HoleJob,
    outcome: &mut HoleOutcome,
    request: &crate::llm::ChatRequest,
    first_index: u32,
    best_failure: &mut Option<(String, String)>,
) -> Result<Step, String> {
    let (texts, new_from) = fetch_texts(job, outcome, request, first_index).await?;
    let target = sample::extract_target(&job.checker.sketch, &job.hole);
    let mut texts = texts.into_iter();
    while let Some(text) = texts.next() {
        let code = match extract(&text, &target) {
            Ok(extracted) => {
                note_extraction(job, outcome, new_from, &text, &extracted);
                extracted.code
            }
            Err(e) => {
                job.events.send(Event::CandidateRejected {
                    hole: job.hole.id.clone(),
                    reason: e.to_string(),
                });
                outcome.rejected.push(e.to_string());
                continue;
            }
        };
        if outcome.candidates.contains(&code) {
            continue;
        }
        match judge(job, outcome, code, model_origin(job), best_failure).await? {
            Step::Open => {}
            step => {
                outcome.unjudged.extend(texts);
                return Ok(step);
            }
        }
    }
    Ok(Step::Open)
}
