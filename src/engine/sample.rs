//! Where candidates come from, and the replay cache in front of the model.
//!
//! A `Backend` is the offline synthesizer, a model client, both (synthesizer first for holes
//! with examples), or replay (answers only from recorded transcripts). Every model answer is
//! stored in the session under the cache key of (model, request, sample index), so an
//! unchanged recompile is answered from the session without any request.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::llm::{cache_key, Answer, ChatRequest, Client, ExtractTarget, Progress};
use crate::session::{SessionFile, Transcript, Usage};

use super::events::{Event, Events};
use crate::sketch::{Hole, HoleKind, Sketch};

#[derive(Clone)]
pub enum Backend {
    /// The model-free synthesizer only.
    Offline,
    /// A language model; `name` is its `provider:model` spec, part of every cache key.
    Model { name: String, client: Arc<Client> },
    /// The synthesizer first for holes with examples, then the model.
    OfflineThenModel { name: String, client: Arc<Client> },
    /// Only answers recorded in the session under `name`.
    Replay { name: String },
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Backend {
    pub fn describe(&self) -> String {
        match self {
            Backend::Offline => "offline".to_string(),
            Backend::Model { name, .. } => name.clone(),
            Backend::OfflineThenModel { name, .. } => format!("offline+{name}"),
            Backend::Replay { name } => format!("replay of {name}"),
        }
    }

    pub fn uses_synthesizer(&self) -> bool {
        matches!(self, Backend::Offline | Backend::OfflineThenModel { .. })
    }

    pub fn model_name(&self) -> Option<&str> {
        match self {
            Backend::Offline => None,
            Backend::Model { name, .. }
            | Backend::OfflineThenModel { name, .. }
            | Backend::Replay { name } => Some(name),
        }
    }

    fn client(&self) -> Option<&Client> {
        match self {
            Backend::Model { client, .. } | Backend::OfflineThenModel { client, .. } => {
                Some(client)
            }
            _ => None,
        }
    }
}

/// What one round of sampling produced.
#[derive(Debug, Default)]
pub struct Samples {
    pub texts: Vec<String>,
    pub usage: Usage,
    /// How many samples came from the session rather than the network.
    pub cached: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error(transparent)]
    Llm(#[from] crate::llm::LlmError),
    #[error("replay has no recorded answer for hole `{hole}` with this prompt; compile once with a model to record one")]
    NotRecorded { hole: String },
    #[error("no model is configured")]
    NoModel,
}

/// The cache key of sample `index` of `request`. The request's `n` is not part of it: sample
/// 3 of a request for five is the same answer as sample 3 of a request for four.
pub fn sample_key(model: &str, request: &ChatRequest, index: u32) -> String {
    let mut single = request.clone();
    single.n = 1;
    cache_key(model, &single, index)
}

/// Look up samples `first..first + request.n` in the session; returns the keys and what was found.
pub fn cached(
    session: &SessionFile,
    model: &str,
    request: &ChatRequest,
    first: u32,
) -> Vec<(String, Option<String>)> {
    (first..first + request.n)
        .map(|i| {
            let key = sample_key(model, request, i);
            let found = session.transcripts.get(&key).map(|t| t.response.clone());
            (key, found)
        })
        .collect()
}

/// What a request for fresh samples brought back.
#[derive(Debug, Default)]
pub struct Fetched {
    /// In sample order; an answer marked truncated ran out of output budget even after the
    /// client's retry with a larger one, and is never used.
    pub answers: Vec<Answer>,
    pub usage: Usage,
    /// What the user should know (a prompt the server cut to its context window), once each.
    pub notes: Vec<String>,
}

/// Ask the backend for the samples the cache did not have. Returns the new answers in order
/// with the usage they cost; the caller records the whole ones as transcripts. `progress`
/// hears of tokens as a streamed answer arrives.
pub async fn fetch_missing(
    backend: &Backend,
    hole: &str,
    request: &ChatRequest,
    missing: u32,
    progress: &Progress,
) -> Result<Fetched, SampleError> {
    if missing == 0 {
        return Ok(Fetched::default());
    }
    if let Backend::Replay { .. } = backend {
        return Err(SampleError::NotRecorded {
            hole: hole.to_string(),
        });
    }
    let client = backend.client().ok_or(SampleError::NoModel)?;
    let mut req = request.clone();
    req.n = missing;
    let response = client.complete_watched(&req, progress).await?;
    let requests = u64::from(response.requests.max(1));
    let usage = Usage {
        requests,
        input_tokens: response.usage.input_tokens,
        output_tokens: response.usage.output_tokens,
        cached_tokens: response.usage.cached_input_tokens,
        cost_usd: response.cost_usd.unwrap_or(0.0),
        priced_requests: if response.cost_usd.is_some() {
            requests
        } else {
            0
        },
    };
    Ok(Fetched {
        answers: response.answers,
        usage,
        notes: response.notes,
    })
}

/// The answers of `fetched` that are whole, in order; a cut-off answer is reported as
/// rejected (with how to raise the budget) and left out, and each note becomes a message.
pub fn whole_texts(
    fetched: &Fetched,
    request: &ChatRequest,
    events: &Events,
    hole: &str,
) -> Vec<String> {
    for note in &fetched.notes {
        events.send(Event::Message {
            text: format!("{hole}: {note}"),
        });
    }
    let mut texts = Vec::new();
    for answer in &fetched.answers {
        if answer.truncated {
            events.send(Event::CandidateRejected {
                hole: hole.to_string(),
                reason: truncated_reason(request),
            });
        } else {
            texts.push(answer.text.clone());
        }
    }
    texts
}

/// The shortest time between two [`Event::Receiving`] of one hole: often enough to watch,
/// rarely enough not to flood a front end with a redraw per token.
const RECEIVING_EVERY: Duration = Duration::from_millis(100);

/// A progress watcher that reports the tokens received for `hole` so far as
/// [`Event::Receiving`]: the first piece at once, then at most every 100 ms.
pub fn receiving(events: &Events, hole: &str) -> Progress {
    let events = events.clone();
    let hole = hole.to_string();
    let seen: Mutex<(u64, Option<Instant>)> = Mutex::new((0, None));
    Progress::new(move |tokens| {
        let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.0 += tokens;
        let now = Instant::now();
        if seen
            .1
            .is_none_or(|t| now.duration_since(t) >= RECEIVING_EVERY)
        {
            seen.1 = Some(now);
            events.send(Event::Receiving {
                hole: hole.clone(),
                tokens: seen.0,
            });
        }
    })
}

/// Why a truncated answer is not used, with what to do about it.
pub fn truncated_reason(request: &ChatRequest) -> String {
    format!(
        "the answer was cut off by the output budget ({} tokens, then {} on a retry): raise --max-tokens or max_tokens in anpl.toml",
        request.max_tokens,
        request.max_tokens.saturating_mul(2)
    )
}

pub fn transcript(
    model: &str,
    hole: &str,
    request: &ChatRequest,
    response: &str,
    usage: Usage,
) -> Transcript {
    let mut single = request.clone();
    single.n = 1;
    Transcript {
        model: model.to_string(),
        hole: hole.to_string(),
        request: serde_json::to_value(&single).unwrap_or(serde_json::Value::Null),
        response: response.to_string(),
        usage,
        created: crate::session::model::now(),
        notes: Vec::new(),
    }
}

/// What extraction needs to know about the program around `hole`: the sketch's own
/// top-level functions and classes (an answer's copy is dropped), the other holes (their
/// implementations become candidates for them) and the prelude (its constants are the
/// program's).
pub fn extract_target(sketch: &Sketch, hole: &Hole) -> ExtractTarget {
    let top = sketch.functions.iter().filter(|f| f.parent.is_none());
    let mut forbidden: Vec<String> = top.clone().map(|f| f.name.clone()).collect();
    // Methods name their class as parent: the class is a definition of the sketch too.
    for f in &sketch.functions {
        if let Some(parent) = &f.parent {
            if sketch.function(parent).is_none() && !forbidden.contains(parent) {
                forbidden.push(parent.clone());
            }
        }
    }
    ExtractTarget {
        name: hole.id.clone(),
        inline: hole.kind != HoleKind::Named,
        forbidden,
        sketch_sources: top
            .filter_map(|f| {
                let text = sketch.source.get(f.span.clone())?;
                Some((f.name.clone(), text.to_string()))
            })
            .collect(),
        other_holes: sketch
            .holes
            .iter()
            .filter(|h| h.id != hole.id)
            .map(|h| h.id.clone())
            .collect(),
        prelude: sketch.prelude.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cost_is_unknown_unless_every_request_is_priced() {
        let mut u = Usage {
            requests: 2,
            input_tokens: 10,
            output_tokens: 5,
            cached_tokens: 4,
            cost_usd: 0.0123,
            priced_requests: 2,
        };
        assert_eq!(u.cost_text(), "$0.0123");
        assert_eq!(
            serde_json::to_value(u).map(|v| v["cost"].clone()).ok(),
            Some(json!(0.0123))
        );
        u.priced_requests = 1;
        assert_eq!(
            u.cost_text(),
            "$0.0123 + unknown (1 of 2 requests unpriced)"
        );
        u.priced_requests = 0;
        assert_eq!(u.cost_text(), "unknown");
        assert_eq!(
            serde_json::to_value(u).map(|v| v["cost"].clone()).ok(),
            Some(json!("unknown"))
        );
        assert_eq!(Usage::default().cost_text(), "$0");
        // Sessions written before prices were kept: their requests' cost is unknown, not 0.
        let old: Result<Usage, _> = serde_json::from_str(
            r#"{"requests": 3, "input_tokens": 100, "output_tokens": 20, "cost_usd": 0.0}"#,
        );
        assert_eq!(old.map(|u| u.cost_text()).ok().as_deref(), Some("unknown"));
    }
}
