//! llm: everything anpl needs to ask a language model for code.
//!
//! The engine names a model with a [`ModelSpec`] (`openai:gpt-4o-mini`, `offline`, ...),
//! resolves where its key, endpoint and sampling settings come from with [`config`]
//! (flags > environment > `anpl.toml` > the user config file), builds a [`Client`] for the
//! provider, and sends [`ChatRequest`]s through it. One [`Provider`] trait holds the shared
//! work (timeouts, retries with backoff, cancellation, parallel sampling when a server cannot
//! return several choices); each provider module only writes its wire format. Vendors that
//! speak the OpenAI format are rows in [`providers::BUILTIN`], not code. Responses go through
//! [`extract()`] to become one Python function plus the helpers it needs, and
//! [`cache_key()`] names each sample so the session's replay cache can answer an unchanged
//! request without the network. [`fake_server`] is a local OpenAI/Anthropic-speaking server
//! for tests and end-to-end runs.

pub mod anthropic;
pub mod cache_key;
pub mod config;
pub mod error;
pub mod extract;
pub mod fake_server;
pub mod openai;
pub mod provider;
pub mod providers;
pub mod retry;
pub mod secret;
pub mod spec;

use serde::{Deserialize, Serialize};

pub use cache_key::cache_key;
pub use config::{ConfigFlags, ResolvedConfig, Setting, Source};
pub use error::LlmError;
pub use extract::{extract, ExtractError, ExtractTarget, Extracted};
pub use provider::{Client, Endpoint, HttpSettings, Provider};
pub use providers::{ProviderInfo, WireFormat};
pub use secret::Secret;
pub use spec::{ModelSpec, RemoteModel, SpecError};

/// Who wrote a message in a conversation. The system prompt is not a message: it travels in
/// [`ChatRequest::system`] because Anthropic takes it as a separate field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// One turn of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: content.into(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        Message {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// What the engine asks a model: a system prompt, the conversation, sampling settings, and how
/// many independent answers (`n`) it wants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub system: String,
    pub messages: Vec<Message>,
    pub temperature: f32,
    pub max_tokens: u32,
    pub n: u32,
}

/// Tokens a request consumed, summed over every HTTP request made for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl Usage {
    pub fn add(&mut self, other: Usage) {
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
    }
}

/// A model's answers: one text per sample, in sample order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatResponse {
    pub texts: Vec<String>,
    pub usage: Usage,
    /// Only when the provider reports it (OpenRouter does); anpl keeps no price list.
    pub cost_usd: Option<f64>,
    /// The model the server says answered, which may be more specific than the one asked for.
    pub model: String,
    /// HTTP requests answered to produce these texts: one per sample where the server
    /// cannot return several from one request.
    #[serde(default = "one")]
    pub requests: u32,
}

fn one() -> u32 {
    1
}
