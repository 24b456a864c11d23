//! What one round of a model's answers gives a hole besides its own candidates: fetching
//! the answers (from the replay cache where it has them), other holes' implementations
//! found in them, and, for a hole filled from few examples, the other answers that pass
//! too, which questions are asked from (`questions.rs`). Compile's rounds call these.

use crate::llm::extract;
use crate::session::Usage;

use super::compile::{model_origin, HoleJob, HoleOutcome};
use super::events::Event;
use super::judge::{judge, Step};
use super::{prompt, sample};

/// Implementations of hole `hole` that other holes' answers carried, checked against its
/// examples before the model is asked, as any candidate is. A hole without examples has
/// nothing to check them against: they wait for the combination search (see `fill_hole`).
pub(crate) async fn try_extras(
    job: &HoleJob,
    outcome: &mut HoleOutcome,
    best_failure: &mut Option<(String, String)>,
) -> Result<Step, String> {
    if job.examples.is_empty() {
        return Ok(Step::Open);
    }
    for code in &job.extras {
        if outcome.candidates.contains(code) {
            continue;
        }
        match judge(job, outcome, code.clone(), model_origin(job), best_failure).await? {
            Step::Open => {}
            step => return Ok(step),
        }
    }
    Ok(Step::Open)
}

/// What extraction said about an answer goes into the answer's transcript (when it is new
/// this round) and the progress; other holes' implementations become candidates for them.
pub(crate) fn note_extraction(
    job: &HoleJob,
    outcome: &mut HoleOutcome,
    new_from: usize,
    text: &str,
    extracted: &crate::llm::Extracted,
) {
    for note in &extracted.notes {
        job.events.send(Event::Message {
            text: format!("{}: {note}", job.hole.id),
        });
    }
    if let Some((_, t)) = outcome.transcripts[new_from..]
        .iter_mut()
        .find(|(_, t)| t.response == text)
    {
        t.notes = extracted.notes.clone();
    }
    for other in &extracted.others {
        if !outcome.extra_candidates.contains(other) {
            outcome.extra_candidates.push(other.clone());
        }
    }
}

/// The answers to one request: from the transcripts where they are, the rest fetched, with
/// the new transcripts and usage recorded in `outcome`; and where this request's new
/// transcripts start.
pub(crate) async fn fetch_texts(
    job: &HoleJob,
    outcome: &mut HoleOutcome,
    request: &crate::llm::ChatRequest,
    first_index: u32,
) -> Result<(Vec<String>, usize), String> {
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
    let progress = sample::receiving(&job.events, &job.hole.id);
    let fetched = tokio::select! {
        r = sample::fetch_missing(&job.backend, &job.hole.id, request, missing, &progress) => r.map_err(|e| e.to_string())?,
        _ = job.cancel.cancelled() => return Err("cancelled".to_string()),
    };
    let usage = fetched.usage;
    for note in &fetched.notes {
        job.events.send(Event::Message {
            text: format!("{}: {note}", job.hole.id),
        });
    }
    if usage.requests > 0 {
        job.events.send(Event::Tokens {
            hole: job.hole.id.clone(),
            input: usage.input_tokens,
            output: usage.output_tokens,
        });
    }
    outcome.usage.add(&usage);
    let mut texts = Vec::new();
    let mut fresh_iter = fetched.answers.into_iter();
    let new_from = outcome.transcripts.len();
    for (key, found) in lookups {
        match found {
            Some(text) => texts.push(text),
            None => {
                let Some(answer) = fresh_iter.next() else {
                    continue;
                };
                if answer.truncated {
                    // Never used and never recorded: a later compile asks again.
                    job.events.send(Event::CandidateRejected {
                        hole: job.hole.id.clone(),
                        reason: sample::truncated_reason(request),
                    });
                    continue;
                }
                let text = answer.text;
                outcome.transcripts.push((
                    key,
                    sample::transcript(&model, &job.hole.id, request, &text, Usage::default()),
                ));
                texts.push(text);
            }
        }
    }
    // Charge the request's usage to its first new transcript so totals can be rebuilt.
    if let Some((_, t)) = outcome.transcripts.get_mut(new_from) {
        t.usage = usage;
    }
    Ok((texts, new_from))
}

/// Fewer than this many examples leave a model's first passing answer open to doubt, so
/// compile draws a round of samples to find others that pass too, for questions.
pub(crate) const FEW_EXAMPLES: usize = 3;

/// Other answers that pass every example, for a hole the model filled from fewer than
/// [`FEW_EXAMPLES`] examples: one round of `samples` at the sampling temperature, from the
/// replay cache where it has them. They are only kept to ask questions from. A hole whose
/// search already drew such a round gets no second one: the answers of it that were never
/// judged (one before them passed) are checked instead.
pub(crate) async fn passing_alternatives(job: &HoleJob, outcome: &mut HoleOutcome) {
    if job.examples.is_empty()
        || job.examples.len() >= FEW_EXAMPLES
        || job.settings.samples == 0
        || job.backend.model_name().is_none()
    {
        return;
    }
    let texts = if outcome.sampled {
        std::mem::take(&mut outcome.unjudged)
    } else {
        let request = prompt::request(
            &job.checker.sketch,
            &job.hole,
            &job.prompt,
            job.settings.temperature,
            job.settings.samples,
            job.settings.max_tokens,
        );
        match fetch_texts(job, outcome, &request, 0).await {
            Ok((texts, _)) => texts,
            Err(reason) => {
                job.events.send(Event::Message {
                    text: format!(
                        "{}: no samples to ask questions from: {reason}",
                        job.hole.id
                    ),
                });
                return;
            }
        }
    };
    let target = sample::extract_target(&job.checker.sketch, &job.hole);
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
