//! Where candidates come from, and the replay cache in front of the model.
//!
//! A `Backend` is the offline synthesizer, a model client, both (synthesizer first for holes
//! with examples), or replay (answers only from recorded transcripts). Every model answer is
//! stored in the session under the cache key of (model, request, sample index), so an
//! unchanged recompile is answered from the session without any request.

use std::sync::Arc;

use crate::llm::{cache_key, ChatRequest, Client};
use crate::session::{SessionFile, Transcript, Usage};

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

/// Ask the backend for the samples the cache did not have. Returns the new answers in order
/// with the usage they cost; the caller records them as transcripts.
pub async fn fetch_missing(
    backend: &Backend,
    hole: &str,
    request: &ChatRequest,
    missing: u32,
) -> Result<(Vec<String>, Usage), SampleError> {
    if missing == 0 {
        return Ok((Vec::new(), Usage::default()));
    }
    if let Backend::Replay { .. } = backend {
        return Err(SampleError::NotRecorded {
            hole: hole.to_string(),
        });
    }
    let client = backend.client().ok_or(SampleError::NoModel)?;
    let mut req = request.clone();
    req.n = missing;
    let response = client.complete(&req).await?;
    let usage = Usage {
        requests: u64::from(response.requests.max(1)),
        input_tokens: response.usage.input_tokens,
        output_tokens: response.usage.output_tokens,
        cost_usd: response.cost_usd.unwrap_or(0.0),
    };
    Ok((response.texts, usage))
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
    }
}
