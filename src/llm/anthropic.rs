//! The Anthropic messages wire format: `POST {base}/v1/messages` with `x-api-key` and
//! `anthropic-version` headers, the system prompt as its own field, `max_tokens` always
//! sent, temperature at most 1, and no `n` (the trait's default `complete` sends parallel
//! requests for several samples). The repeated part of the prompt (the system text and the
//! program a prompt shows before its hole, see [`crate::llm::Message::cache_marks`]) is marked
//! `cache_control` so a compile of many holes pays for it once; the cached tokens the API
//! reports are counted. Answers come as one JSON message or as server-sent events
//! (`message_start`, `content_block_delta`, …, `message_stop`); `thinking` blocks are never
//! taken for the answer.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::llm::provider::{merge_extra, Endpoint, Provider, Transport, WireRequest};
use crate::llm::sse::SseEvent;
use crate::llm::stream::{tokens_in, StreamState};
use crate::llm::{Answer, ChatRequest, ChatResponse, LlmError, Role, Usage};

/// The API version anpl is written against.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// The API allows four cache breakpoints per request.
const MAX_CACHE_MARKS: usize = 4;

const TRUNCATED: &[&str] = &["max_tokens"];

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
    stop_reason: Option<String>,
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

#[derive(Deserialize, Default)]
struct MessageUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
}

impl MessageUsage {
    /// Anthropic's `input_tokens` leaves out the cached and cache-written tokens; anpl's
    /// input count holds every prompt token.
    fn usage(&self) -> Usage {
        let read = self.cache_read_input_tokens.unwrap_or(0);
        let written = self.cache_creation_input_tokens.unwrap_or(0);
        Usage {
            input_tokens: self.input_tokens + read + written,
            output_tokens: self.output_tokens,
            cached_input_tokens: read,
            cache_write_tokens: written,
        }
    }
}

fn ephemeral(text: &str) -> Value {
    json!({"type": "text", "text": text, "cache_control": {"type": "ephemeral"}})
}

/// The JSON body for a request to `endpoint`.
pub fn request_body(req: &ChatRequest, endpoint: &Endpoint, stream: bool) -> Value {
    let cache = endpoint.provider.prompt_cache;
    let mut marks_left = MAX_CACHE_MARKS;
    let mut body = json!({
        "model": endpoint.model,
        "max_tokens": req.max_tokens,
        // Anthropic accepts 0..=1; anpl's range is OpenAI's 0..=2.
        "temperature": crate::llm::openai::wire_float(req.temperature.clamp(0.0, 1.0)),
    });
    if !req.system.is_empty() {
        body["system"] = if cache {
            marks_left -= 1;
            json!([ephemeral(&req.system)])
        } else {
            json!(req.system)
        };
    }
    let messages: Vec<Value> = req
        .messages
        .iter()
        .map(|m| {
            let role = match m.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            if !cache || m.cache_marks.is_empty() || marks_left == 0 {
                return json!({"role": role, "content": m.content});
            }
            let mut blocks = Vec::new();
            let mut at = 0;
            for &mark in &m.cache_marks {
                if marks_left == 0 {
                    break;
                }
                blocks.push(ephemeral(&m.content[at..mark]));
                marks_left -= 1;
                at = mark;
            }
            if at < m.content.len() {
                blocks.push(json!({"type": "text", "text": &m.content[at..]}));
            }
            json!({"role": role, "content": blocks})
        })
        .collect();
    body["messages"] = json!(messages);
    if stream {
        body["stream"] = json!(true);
    }
    merge_extra(&mut body, &endpoint.provider.extra);
    merge_extra(&mut body, &endpoint.options.extra);
    // Extended thinking, switched on through `extra`, accepts no temperature but 1.
    if body["thinking"]["type"] == "enabled" {
        if let Some(o) = body.as_object_mut() {
            o.remove("temperature");
        }
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

    fn wire_request(&self, req: &ChatRequest, _n: u32, stream: bool) -> WireRequest {
        let ep = &self.endpoint;
        WireRequest {
            url: messages_url(&ep.base_url),
            headers: vec![
                WireRequest::accept(stream),
                ("anthropic-version", ANTHROPIC_VERSION.to_string()),
            ],
            secret_header: ep.api_key.clone().map(|k| ("x-api-key", k)),
            body: request_body(req, ep, stream),
            stream,
        }
    }

    fn parse_response(&self, body: &[u8]) -> Result<ChatResponse, LlmError> {
        let provider = &self.endpoint.provider.name;
        let message: MessageResponse =
            serde_json::from_slice(body).map_err(|e| LlmError::malformed(provider, &e, body))?;
        let text: String = message
            .content
            .iter()
            .filter(|b| b.kind == "text")
            .filter_map(|b| b.text.as_deref())
            .collect();
        let truncated = message
            .stop_reason
            .as_deref()
            .is_some_and(|r| TRUNCATED.contains(&r));
        if text.is_empty() && !truncated {
            return Err(LlmError::EmptyChoices {
                provider: provider.clone(),
                model: self.endpoint.model.clone(),
            });
        }
        Ok(ChatResponse {
            requests: 1,
            answers: vec![Answer { text, truncated }],
            usage: message.usage.unwrap_or_default().usage(),
            cost_usd: None,
            model: message.model.unwrap_or_else(|| self.endpoint.model.clone()),
            notes: Vec::new(),
        })
    }

    fn stream_event(&self, state: &mut StreamState, event: &SseEvent) -> Result<u64, LlmError> {
        let provider = &self.endpoint.provider.name;
        let data: Value = serde_json::from_str(&event.data)
            .map_err(|e| LlmError::malformed(provider, &e, event.data.as_bytes()))?;
        let kind = match data["type"].as_str() {
            Some(k) => k.to_string(),
            None => event.event.clone(),
        };
        match kind.as_str() {
            "message_start" => {
                let message = &data["message"];
                if let Some(model) = message["model"].as_str() {
                    state.model = Some(model.to_string());
                }
                if let Ok(u) = serde_json::from_value::<MessageUsage>(message["usage"].clone()) {
                    state.usage = u.usage();
                }
                state.choice(0);
            }
            "content_block_start" => {
                let index = data["index"].as_u64().unwrap_or(0) as u32;
                let block = &data["content_block"];
                let kind = block["type"].as_str().unwrap_or("").to_string();
                if kind == "text" {
                    let text = block["text"].as_str().unwrap_or("");
                    state.choice(0).text.push_str(text);
                }
                state.blocks.insert(index, kind);
            }
            "content_block_delta" => {
                let index = data["index"].as_u64().unwrap_or(0) as u32;
                let delta = &data["delta"];
                let is_text = state.blocks.get(&index).is_none_or(|k| k == "text");
                match delta["type"].as_str() {
                    Some("text_delta") if is_text => {
                        let text = delta["text"].as_str().unwrap_or("");
                        state.choice(0).text.push_str(text);
                        return Ok(tokens_in(text));
                    }
                    Some("thinking_delta") => {
                        return Ok(tokens_in(delta["thinking"].as_str().unwrap_or("")));
                    }
                    _ => {}
                }
            }
            "message_delta" => {
                if let Some(reason) = data["delta"]["stop_reason"].as_str() {
                    state.choice(0).finish = Some(reason.to_string());
                }
                if let Some(out) = data["usage"]["output_tokens"].as_u64() {
                    state.usage.output_tokens = out;
                }
            }
            "message_stop" => state.done = true,
            "error" => {
                let err = &data["error"];
                let message = err["message"].as_str().unwrap_or("error in the stream");
                let kind = err["type"].as_str().unwrap_or("");
                let message = crate::llm::error::one_line(message);
                return Err(match kind {
                    "overloaded_error" | "api_error" | "rate_limit_error" => LlmError::Server {
                        provider: provider.clone(),
                        status: if kind == "overloaded_error" { 529 } else { 500 },
                        attempts: 1,
                        message,
                    },
                    _ => LlmError::Rejected {
                        provider: provider.clone(),
                        status: 400,
                        message,
                    },
                });
            }
            _ => {}
        }
        Ok(0)
    }

    fn stream_done(&self, state: StreamState) -> Result<ChatResponse, LlmError> {
        state.into_response(
            &self.endpoint.provider.name,
            &self.endpoint.model,
            TRUNCATED,
        )
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
