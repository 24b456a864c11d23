//! The OpenAI chat-completions wire format, spoken by OpenAI itself and by every
//! OpenAI-compatible server (Ollama's `/v1`, vLLM, llama.cpp server, LM Studio, OpenRouter):
//! `POST {base}/chat/completions` with a bearer key. Only the format lives here; retries,
//! sampling and errors are the [`Provider`] trait's default methods.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::llm::provider::{Endpoint, Provider, Transport, WireRequest};
use crate::llm::secret::Secret;
use crate::llm::{ChatRequest, ChatResponse, LlmError, Role, Usage};

#[derive(Debug)]
pub struct OpenAiProvider {
    endpoint: Endpoint,
    transport: Transport,
}

impl OpenAiProvider {
    pub fn new(endpoint: Endpoint, transport: Transport) -> Self {
        OpenAiProvider {
            endpoint,
            transport,
        }
    }
}

#[derive(Deserialize)]
struct Completion {
    #[serde(default)]
    model: Option<String>,
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<CompletionUsage>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    index: u32,
    message: ChoiceMessage,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    // Null when a model answers only with a refusal or tool call.
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct CompletionUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    /// OpenRouter reports the charge in US dollars here.
    #[serde(default)]
    cost: Option<f64>,
}

/// The JSON body for a request; public so the fake server's tests can compare shapes.
pub fn request_body(req: &ChatRequest, model: &str, n: u32, max_tokens_field: &str) -> Value {
    let mut messages = Vec::with_capacity(req.messages.len() + 1);
    if !req.system.is_empty() {
        messages.push(json!({"role": "system", "content": req.system}));
    }
    for m in &req.messages {
        let role = match m.role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        messages.push(json!({"role": role, "content": m.content}));
    }
    let mut body = json!({
        "model": model,
        "messages": messages,
        "temperature": wire_float(req.temperature),
    });
    body[max_tokens_field] = json!(req.max_tokens);
    if n > 1 {
        body["n"] = json!(n);
    }
    body
}

impl Provider for OpenAiProvider {
    fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn wire_request(&self, req: &ChatRequest, n: u32) -> WireRequest {
        let ep = &self.endpoint;
        WireRequest {
            url: format!("{}/chat/completions", ep.base_url),
            headers: vec![("accept", "application/json".to_string())],
            secret_header: ep.api_key.as_ref().map(|k| {
                (
                    "authorization",
                    Secret::new(format!("Bearer {}", k.expose())),
                )
            }),
            body: request_body(req, &ep.model, n, &ep.provider.max_tokens_field),
        }
    }

    fn parse_response(&self, body: &[u8]) -> Result<ChatResponse, LlmError> {
        let provider = &self.endpoint.provider.name;
        let completion: Completion =
            serde_json::from_slice(body).map_err(|e| LlmError::Malformed {
                provider: provider.clone(),
                reason: format!(
                    "{e} in {}",
                    crate::llm::error::one_line(&String::from_utf8_lossy(body))
                ),
            })?;
        if completion.choices.is_empty() {
            return Err(LlmError::EmptyChoices {
                provider: provider.clone(),
                model: self.endpoint.model.clone(),
            });
        }
        let mut choices = completion.choices;
        choices.sort_by_key(|c| c.index);
        let usage = completion.usage.as_ref();
        Ok(ChatResponse {
            requests: 1,
            texts: choices
                .into_iter()
                .map(|c| c.message.content.unwrap_or_default())
                .collect(),
            usage: Usage {
                input_tokens: usage.map_or(0, |u| u.prompt_tokens),
                output_tokens: usage.map_or(0, |u| u.completion_tokens),
            },
            cost_usd: usage.and_then(|u| u.cost),
            model: completion
                .model
                .unwrap_or_else(|| self.endpoint.model.clone()),
        })
    }
}

/// An `f32` as the decimal a user wrote (`0.8`, not `0.800000011920929`), so request bodies
/// read as configured and servers comparing values exactly see what was meant.
pub fn wire_float(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}
