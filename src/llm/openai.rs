//! The OpenAI chat-completions wire format, spoken by OpenAI itself and by every
//! OpenAI-compatible server (Ollama's `/v1`, vLLM, llama.cpp server, LM Studio, OpenRouter,
//! LiteLLM): `POST {base}/chat/completions` with a bearer key, answered as one JSON document
//! or, with `stream: true`, as server-sent `chat.completion.chunk`s ending in `[DONE]`.
//! Only the format lives here; retries, sampling and errors are the [`Provider`] trait's
//! default methods, and the model rules (no temperature for reasoning models) are
//! [`crate::llm::rules`].

use serde::Deserialize;
use serde_json::{json, Value};

use crate::llm::provider::{merge_extra, Endpoint, Provider, Transport, WireRequest};
use crate::llm::rules;
use crate::llm::secret::Secret;
use crate::llm::sse::SseEvent;
use crate::llm::stream::{tokens_in, StreamState};
use crate::llm::{Answer, ChatRequest, ChatResponse, LlmError, Role, Usage};

/// Finish reasons meaning the output budget ran out.
const TRUNCATED: &[&str] = &["length", "max_tokens"];

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
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    // Null when a model answers only with a refusal or tool call. Reasoning servers put the
    // model's thinking in `reasoning_content` or `reasoning`, which anpl never reads as the
    // answer.
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize, Default)]
struct CompletionUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
    /// DeepSeek's name for cached prompt tokens.
    #[serde(default)]
    prompt_cache_hit_tokens: Option<u64>,
    /// OpenRouter reports the charge in US dollars here.
    #[serde(default)]
    cost: Option<f64>,
}

#[derive(Deserialize, Default)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: Option<u64>,
}

impl CompletionUsage {
    fn usage(&self) -> Usage {
        let cached = self
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cached_tokens)
            .or(self.prompt_cache_hit_tokens)
            .unwrap_or(0);
        Usage {
            input_tokens: self.prompt_tokens,
            output_tokens: self.completion_tokens,
            cached_input_tokens: cached.min(self.prompt_tokens),
            cache_write_tokens: 0,
        }
    }
}

/// The JSON body for a request to `endpoint`.
pub fn request_body(req: &ChatRequest, endpoint: &Endpoint, n: u32, stream: bool) -> Value {
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
        "model": endpoint.model,
        "messages": messages,
    });
    if rules::takes_temperature(&endpoint.provider, &endpoint.model) {
        body["temperature"] = json!(wire_float(req.temperature));
    }
    if let Some(effort) = &endpoint.options.reasoning_effort {
        if rules::takes_reasoning_effort(&endpoint.provider, &endpoint.model) {
            body["reasoning_effort"] = json!(effort);
        }
    }
    body[endpoint.provider.max_tokens_field.as_str()] = json!(req.max_tokens);
    if n > 1 {
        body["n"] = json!(n);
    }
    if stream {
        body["stream"] = json!(true);
        body["stream_options"] = json!({"include_usage": true});
    }
    merge_extra(&mut body, &endpoint.provider.extra);
    merge_extra(&mut body, &endpoint.options.extra);
    body
}

impl Provider for OpenAiProvider {
    fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn wire_request(&self, req: &ChatRequest, n: u32, stream: bool) -> WireRequest {
        let ep = &self.endpoint;
        WireRequest {
            url: format!("{}/chat/completions", ep.base_url),
            headers: vec![WireRequest::accept(stream)],
            secret_header: ep.api_key.as_ref().map(|k| {
                (
                    "authorization",
                    Secret::new(format!("Bearer {}", k.expose())),
                )
            }),
            body: request_body(req, ep, n, stream),
            stream,
        }
    }

    fn parse_response(&self, body: &[u8]) -> Result<ChatResponse, LlmError> {
        let provider = &self.endpoint.provider.name;
        let completion: Completion =
            serde_json::from_slice(body).map_err(|e| LlmError::malformed(provider, &e, body))?;
        if completion.choices.is_empty() {
            return Err(LlmError::EmptyChoices {
                provider: provider.clone(),
                model: self.endpoint.model.clone(),
            });
        }
        let mut choices = completion.choices;
        choices.sort_by_key(|c| c.index);
        let usage = completion.usage.unwrap_or_default();
        Ok(ChatResponse {
            requests: 1,
            answers: choices
                .into_iter()
                .map(|c| Answer {
                    truncated: c
                        .finish_reason
                        .as_deref()
                        .is_some_and(|f| TRUNCATED.contains(&f)),
                    text: c.message.content.unwrap_or_default(),
                })
                .collect(),
            usage: usage.usage(),
            cost_usd: usage.cost,
            model: completion
                .model
                .unwrap_or_else(|| self.endpoint.model.clone()),
            notes: Vec::new(),
        })
    }

    fn stream_event(&self, state: &mut StreamState, event: &SseEvent) -> Result<u64, LlmError> {
        let data = event.data.trim();
        if data == "[DONE]" {
            state.done = true;
            return Ok(0);
        }
        let provider = &self.endpoint.provider.name;
        let chunk: Value = serde_json::from_str(data)
            .map_err(|e| LlmError::malformed(provider, &e, data.as_bytes()))?;
        if let Some(err) = chunk.get("error") {
            let message = err["message"]
                .as_str()
                .map_or_else(|| err.to_string(), str::to_string);
            // A server failing mid-answer (overloaded, crashed worker) may well answer a
            // retry; the half-received answer is dropped either way.
            return Err(LlmError::Server {
                provider: provider.clone(),
                status: 500,
                attempts: 1,
                message: crate::llm::error::one_line(&message),
            });
        }
        if let Some(model) = chunk["model"].as_str() {
            state.model.get_or_insert_with(|| model.to_string());
        }
        if let Ok(usage) = serde_json::from_value::<CompletionUsage>(chunk["usage"].clone()) {
            state.usage = usage.usage();
            if usage.cost.is_some() {
                state.cost_usd = usage.cost;
            }
        }
        let mut received = 0;
        for choice in chunk["choices"].as_array().into_iter().flatten() {
            let index = choice["index"].as_u64().unwrap_or(0) as u32;
            let delta = &choice["delta"];
            let text = delta["content"].as_str().unwrap_or("");
            let thinking = delta["reasoning_content"]
                .as_str()
                .or_else(|| delta["reasoning"].as_str())
                .unwrap_or("");
            received += tokens_in(text) + tokens_in(thinking);
            let finish = choice["finish_reason"].as_str();
            // The usage chunk some servers send last carries an empty choice: no text, no
            // finish. Only a choice with something in it counts.
            if text.is_empty() && finish.is_none() && !state.choices.contains_key(&index) {
                continue;
            }
            let c = state.choice(index);
            c.text.push_str(text);
            if let Some(f) = finish {
                c.finish = Some(f.to_string());
            }
        }
        Ok(received)
    }

    fn stream_done(&self, state: StreamState) -> Result<ChatResponse, LlmError> {
        state.into_response(
            &self.endpoint.provider.name,
            &self.endpoint.model,
            TRUNCATED,
        )
    }
}

/// An `f32` as the decimal a user wrote (`0.8`, not `0.800000011920929`), so request bodies
/// read as configured and servers comparing values exactly see what was meant.
pub fn wire_float(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}
