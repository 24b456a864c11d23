//! The Anthropic messages wire format: `POST {base}/v1/messages` with `x-api-key` and
//! `anthropic-version` headers, the system prompt as its own field, and no `n` (the trait's
//! default `complete` sends parallel requests for several samples).

use serde::Deserialize;
use serde_json::{json, Value};

use crate::llm::provider::{Endpoint, Provider, Transport, WireRequest};
use crate::llm::{ChatRequest, ChatResponse, LlmError, Role, Usage};

/// The API version anpl is written against.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

#[derive(Debug)]
pub struct AnthropicProvider {
    endpoint: Endpoint,
    transport: Transport,
}

impl AnthropicProvider {
    pub fn new(endpoint: Endpoint, transport: Transport) -> Self {
        AnthropicProvider {
            endpoint,
            transport,
        }
    }
}

#[derive(Deserialize)]
struct MessageResponse {
    #[serde(default)]
    model: Option<String>,
    content: Vec<ContentBlock>,
    #[serde(default)]
    usage: Option<MessageUsage>,
}

#[derive(Deserialize)]
struct ContentBlock {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
struct MessageUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
}

pub fn request_body(req: &ChatRequest, model: &str) -> Value {
    let messages: Vec<Value> = req
        .messages
        .iter()
        .map(|m| {
            let role = match m.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            json!({"role": role, "content": m.content})
        })
        .collect();
    let mut body = json!({
        "model": model,
        "messages": messages,
        "max_tokens": req.max_tokens,
        // Anthropic accepts 0..=1; anpl's range is OpenAI's 0..=2.
        "temperature": crate::llm::openai::wire_float(req.temperature.clamp(0.0, 1.0)),
    });
    if !req.system.is_empty() {
        body["system"] = json!(req.system);
    }
    body
}

/// `{base}/v1/messages`, whether or not the configured base already ends in `/v1`.
pub fn messages_url(base: &str) -> String {
    if base.ends_with("/v1") {
        format!("{base}/messages")
    } else {
        format!("{base}/v1/messages")
    }
}

impl Provider for AnthropicProvider {
    fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn wire_request(&self, req: &ChatRequest, _n: u32) -> WireRequest {
        let ep = &self.endpoint;
        WireRequest {
            url: messages_url(&ep.base_url),
            headers: vec![
                ("accept", "application/json".to_string()),
                ("anthropic-version", ANTHROPIC_VERSION.to_string()),
            ],
            secret_header: ep.api_key.clone().map(|k| ("x-api-key", k)),
            body: request_body(req, &ep.model),
        }
    }

    fn parse_response(&self, body: &[u8]) -> Result<ChatResponse, LlmError> {
        let provider = &self.endpoint.provider.name;
        let message: MessageResponse =
            serde_json::from_slice(body).map_err(|e| LlmError::Malformed {
                provider: provider.clone(),
                reason: format!(
                    "{e} in {}",
                    crate::llm::error::one_line(&String::from_utf8_lossy(body))
                ),
            })?;
        let text: String = message
            .content
            .iter()
            .filter(|b| b.kind == "text")
            .filter_map(|b| b.text.as_deref())
            .collect();
        if text.is_empty() {
            return Err(LlmError::EmptyChoices {
                provider: provider.clone(),
                model: self.endpoint.model.clone(),
            });
        }
        let usage = message.usage.as_ref();
        Ok(ChatResponse {
            requests: 1,
            texts: vec![text],
            usage: Usage {
                input_tokens: usage.map_or(0, |u| u.input_tokens),
                output_tokens: usage.map_or(0, |u| u.output_tokens),
            },
            cost_usd: None,
            model: message.model.unwrap_or_else(|| self.endpoint.model.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_url_adds_v1_once() {
        assert_eq!(
            messages_url("https://api.anthropic.com"),
            "https://api.anthropic.com/v1/messages"
        );
        assert_eq!(
            messages_url("http://127.0.0.1:9/v1"),
            "http://127.0.0.1:9/v1/messages"
        );
    }
}
