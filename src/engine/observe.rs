//! What a hole's prompt is built from, gathered once per operation, and the preview of a
//! request that `anpl prompt` prints.
//!
//! Holes are filled concurrently, each by a task that owns a snapshot of what it needs, so
//! the values a hole receives are observed once, before the tasks start: one traced run of
//! the entry's examples with the implementations in use ([`Engine::observe`]). A hole whose
//! callers are sketch code, and whose earlier callees are filled, is reached in that run and
//! records its arguments (an unfilled hole records them, then raises and ends that
//! example's run); a hole reached only after another unfilled hole is not observed in this
//! compile, and is on the next one, once the holes before it are filled. Holes filled
//! during the compile do not trigger a second run: that would make every prompt wait for
//! every other hole and change the prompts of holes already sent.

use std::time::Instant;

use serde::Serialize;

use crate::llm::ChatRequest;
use crate::sketch::Hole;

use super::check::Checker;
use super::prompt::{self, Layout, Observations, PromptContext};
use super::{Engine, EngineError};

/// The request the next compile of a hole would send, with its sections labelled.
#[derive(Debug, Clone, Serialize)]
pub struct PromptPreview {
    pub hole: String,
    /// The repair request (for the implementation in use and the first example it fails)
    /// rather than the first request.
    pub repair: bool,
    pub request: ChatRequest,
    pub layout: Layout,
    /// Whether the program's examples were traced for it, how long that took, and why the
    /// run observed nothing when it could not run.
    pub traced: bool,
    pub trace_millis: u64,
    pub trace_problem: Option<String>,
}

impl Engine {
    /// Trace the program's examples with the implementations in use and keep every hole's
    /// calls. Nothing is run when the entry has no examples; a run that cannot start gives
    /// no observations, only the reason (compile's own checks report it too).
    pub async fn observe(&self, checker: &Checker) -> Observations {
        let examples = self.examples_for(&self.sketch.entry);
        if examples.is_empty() || self.sketch.holes.is_empty() {
            return Observations::default();
        }
        let started = Instant::now();
        let impls = self.implementations();
        let report = match checker.check_examples(&impls, &examples, true).await {
            Ok(report) => report,
            Err(e) => {
                return Observations {
                    problem: Some(e.to_string()),
                    ..Observations::default()
                }
            }
        };
        let mut observed =
            Observations::from_report(&report, &self.sketch.holes, |h| self.examples_for(h));
        observed.millis = started.elapsed().as_millis() as u64;
        observed
    }

    /// Everything a hole's prompt draws on besides the sketch.
    pub fn prompt_context(&self, hole: &str, observed: &Observations) -> PromptContext {
        PromptContext {
            examples: self.examples_for(hole),
            program_examples: self.examples_for(&self.sketch.entry),
            observed: observed.of(hole).to_vec(),
            budget: self.search.prompt_budget,
        }
    }

    /// The first request compile sends for `hole`, given the calls observed for it.
    pub fn first_request(&self, hole: &Hole, observed: &Observations) -> (ChatRequest, Layout) {
        let ctx = self.prompt_context(&hole.id, observed);
        prompt::request_with_layout(&self.sketch, hole, &ctx, 0.0, 1, self.search.max_tokens)
    }

    /// The request the next compile of `hole` would send first, or with `repair` the repair
    /// request for its implementation in use and the first of its examples that fails.
    /// Built by the same code as compile's requests; sends nothing.
    pub async fn prompt_preview(
        &self,
        hole: &str,
        repair: bool,
    ) -> Result<PromptPreview, EngineError> {
        let h = self
            .sketch
            .hole(hole)
            .ok_or_else(|| EngineError::UnknownFunction(hole.to_string()))?;
        let checker = self.checker().await?;
        let observed = self.observe(&checker).await;
        let ctx = self.prompt_context(hole, &observed);
        let max_tokens = self.search.max_tokens;
        let (request, layout) = if repair {
            let impls = self.implementations();
            let code = impls.get(hole).ok_or_else(|| {
                EngineError::Other(format!(
                    "`{hole}` has no implementation to repair yet: compile it first (or leave out --repair to see its first request)"
                ))
            })?;
            if ctx.examples.is_empty() {
                return Err(EngineError::Other(format!(
                    "`{hole}` has no examples, so there is no failing call to repair: add one (a doctest `>>> {hole}(...)` and its expected value)"
                )));
            }
            let report = checker
                .check_candidate(&impls, hole, code, &ctx.examples)
                .await?;
            let failure = report.first_failure().filter(|_| !report.passed()).ok_or_else(|| {
                EngineError::Other(format!(
                    "the implementation of `{hole}` in use passes all its examples, so compile would not repair it: add an example it fails"
                ))
            })?;
            prompt::repair_with_layout(
                &self.sketch,
                h,
                &ctx,
                code,
                &failure,
                self.search.temperature,
                max_tokens,
            )
        } else {
            self.first_request(h, &observed)
        };
        Ok(PromptPreview {
            hole: hole.to_string(),
            repair,
            request,
            layout,
            traced: observed.ran,
            trace_millis: observed.millis,
            trace_problem: observed.problem,
        })
    }
}
