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
pub mod prices;
pub mod provider;
pub mod providers;
pub mod retry;
pub mod rules;
pub mod secret;
pub mod spec;
pub mod sse;
pub mod stream;

use serde::{Deserialize, Serialize};

pub use cache_key::cache_key;
pub use config::{ConfigFlags, ResolvedConfig, Setting, Source};
pub use error::LlmError;
pub use extract::{extract, ExtractError, ExtractTarget, Extracted};
pub use prices::Price;
pub use provider::{Client, Endpoint, HttpSettings, ModelOptions, Progress, Provider};
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
    /// Byte offsets in `content` where a part repeated across requests ends (the program a
    /// prompt shows before the hole it asks for). Providers with a prompt cache mark the text
    /// up to each for caching; the answer does not depend on them, so cache keys leave them
    /// out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cache_marks: Vec<usize>,
}

impl Message {
    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: content.into(),
            cache_marks: Vec::new(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        Message {
            role: Role::Assistant,
            content: content.into(),
            cache_marks: Vec::new(),
        }
    }

    /// The same message with the repeated part ending at each of `marks` (offsets past the
    /// end or inside a character are left out).
    pub fn with_cache_marks(mut self, marks: impl IntoIterator<Item = usize>) -> Self {
        let mut marks: Vec<usize> = marks
            .into_iter()
            .filter(|&m| m > 0 && m < self.content.len() && self.content.is_char_boundary(m))
            .collect();
        marks.sort_unstable();
        marks.dedup();
        self.cache_marks = marks;
        self
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

impl ChatRequest {
    /// About how many tokens the prompt is (four characters a token for code and English),
    /// to show prompt sizes and to notice a server that read much less than was sent.
    pub fn approx_prompt_tokens(&self) -> u64 {
        let chars =
            self.system.len() + self.messages.iter().map(|m| m.content.len()).sum::<usize>();
        chars.div_ceil(4) as u64
    }
}

/// Tokens a request consumed, summed over every HTTP request made for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Every prompt token, those read from or written to a prompt cache included.
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Prompt tokens read from the provider's prompt cache (charged at a lower price).
    #[serde(default)]
    pub cached_input_tokens: u64,
    /// Prompt tokens written to the prompt cache (Anthropic charges these a little more).
    #[serde(default)]
    pub cache_write_tokens: u64,
}

impl Usage {
    pub fn add(&mut self, other: Usage) {
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cached_input_tokens += other.cached_input_tokens;
        self.cache_write_tokens += other.cache_write_tokens;
    }
}

/// One sample's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub text: String,
    /// The output budget ran out before the model finished (`finish_reason: "length"`,
    /// Anthropic's `stop_reason: "max_tokens"`), even after a retry with a larger budget:
    /// the text is not a whole answer, whatever it looks like.
    pub truncated: bool,
}

impl Answer {
    pub fn new(text: impl Into<String>) -> Answer {
        Answer {
            text: text.into(),
            truncated: false,
        }
    }
}

/// A model's answers: one per sample, in sample order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatResponse {
    pub answers: Vec<Answer>,
    pub usage: Usage,
    /// What the answers cost in US dollars: reported by the provider (OpenRouter) or priced
    /// from the model's price; `None` when any request's cost is unknown.
    pub cost_usd: Option<f64>,
    /// The model the server says answered, which may be more specific than the one asked for.
    pub model: String,
    /// What the user should know about the exchange, e.g. a prompt the server cut to its
    /// context window.
    #[serde(default)]
    pub notes: Vec<String>,
    /// HTTP requests answered to produce these texts: one per sample where the server
    /// cannot return several from one request.
    #[serde(default = "one")]
    pub requests: u32,
}

fn one() -> u32 {
    1
}

impl ChatResponse {
    pub fn texts(&self) -> Vec<String> {
        self.answers.iter().map(|a| a.text.clone()).collect()
    }
}
