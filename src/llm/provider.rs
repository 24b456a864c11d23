//! The provider trait and the client the engine holds.
//!
//! Following aichat's split, the trait's default methods do the shared work: sending with a
//! timeout, retrying 429/5xx/connection failures with backoff (honouring `Retry-After`),
//! turning HTTP failures into one-line [`LlmError`]s, stopping when the cancellation token
//! fires, reading a streamed answer as it arrives (reporting tokens received to a
//! [`Progress`]) or a plain JSON one from a server that does not stream, retrying once with
//! a larger budget an answer cut off by the output budget, noticing a prompt the server cut
//! to its context window, pricing what was used, and getting `n` samples (one request with
//! `n` where the server supports it, parallel requests for the rest). A provider writes only
//! its wire format: [`Provider::wire_request`], [`Provider::parse_response`] and
//! [`Provider::stream_event`]. [`Client`] picks the provider for an [`Endpoint`].

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::future::join_all;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;
use serde::Serialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::llm::anthropic::AnthropicProvider;
use crate::llm::error::one_line;
use crate::llm::openai::OpenAiProvider;
use crate::llm::prices::Price;
use crate::llm::providers::{ProviderInfo, WireFormat};
use crate::llm::secret::Secret;
use crate::llm::sse::{SseEvent, SseParser};
use crate::llm::stream::StreamState;
use crate::llm::{retry, rules};
use crate::llm::{ChatRequest, ChatResponse, LlmError};

/// How requests are sent: timeouts and the retry budget.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpSettings {
    /// The whole request, from connecting to the last byte of the answer.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// The longest `Retry-After` honoured; longer asks are cut to this.
    pub max_retry_after: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            max_retries: 4,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// Settings of one model, beyond its provider's: from the config file's
/// `[models."PROVIDER:MODEL"]` table and the top-level `reasoning_effort`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModelOptions {
    /// Sent to OpenAI reasoning models as `reasoning_effort`.
    pub reasoning_effort: Option<String>,
    /// Fields added to every request body, over the provider's own `extra`.
    pub extra: serde_json::Map<String, Value>,
    /// What the model costs; `None` when no price is known.
    pub price: Option<Price>,
}

/// Where requests go: a provider row, the model name it knows, the resolved base URL and
/// the key. `Debug` shows the key masked (see [`Secret`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Endpoint {
    pub provider: ProviderInfo,
    pub model: String,
    pub base_url: String,
    pub api_key: Option<Secret>,
    pub options: ModelOptions,
}

/// Adds `extra`'s fields to a request body: objects merge field by field, anything else
/// replaces what was there.
pub fn merge_extra(body: &mut Value, extra: &serde_json::Map<String, Value>) {
    for (key, value) in extra {
        match (body.get_mut(key), value) {
            (Some(Value::Object(old)), Value::Object(new)) => {
                let mut merged = Value::Object(old.clone());
                merge_extra(&mut merged, new);
                body[key] = merged;
            }
            _ => body[key.as_str()] = value.clone(),
        }
    }
}

/// Watches answers arrive: called with the tokens each streamed piece carries. Cloning shares
/// the callback.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(u64) + Send + Sync>>);

impl Progress {
    pub fn new(on_tokens: impl Fn(u64) + Send + Sync + 'static) -> Progress {
        Progress(Some(Arc::new(on_tokens)))
    }

    pub fn none() -> Progress {
        Progress(None)
    }

    fn tokens(&self, n: u64) {
        if let (Some(f), true) = (&self.0, n > 0) {
            f(n);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(watched)"
        } else {
            "Progress(none)"
        })
    }
}

impl Endpoint {
    /// `provider:model`, the name cache keys and transcripts use.
    pub fn model_id(&self) -> String {
        format!("{}:{}", self.provider.name, self.model)
    }
}

/// The HTTP client, its settings and the token that cancels everything sent through it.
#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    settings: HttpSettings,
    cancel: CancellationToken,
    /// Ask for streamed answers; cleared for good when the server refuses a streaming
    /// request.
    streaming: Arc<AtomicBool>,
    /// A prompt cut by the server's context window was reported: once is enough.
    context_warned: Arc<AtomicBool>,
}

impl Transport {
    pub fn new(settings: HttpSettings, cancel: CancellationToken) -> Result<Transport, LlmError> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout.min(settings.timeout))
            .user_agent(concat!("anpl/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LlmError::Client(error_chain(&e)))?;
        Ok(Transport {
            http,
            settings,
            cancel,
            streaming: Arc::new(AtomicBool::new(true)),
            context_warned: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Whether requests ask for streamed answers.
    pub fn streaming(&self) -> bool {
        self.streaming.load(Ordering::Relaxed)
    }

    pub fn set_streaming(&self, on: bool) {
        self.streaming.store(on, Ordering::Relaxed);
    }

    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }
}

/// One HTTP request as a provider wants it sent. The key travels in `secret_header`, which
/// is marked sensitive so no `Debug` of the request shows it.
#[derive(Debug, Clone)]
pub struct WireRequest {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub secret_header: Option<(&'static str, Secret)>,
    pub body: serde_json::Value,
    /// The body asks for server-sent events.
    pub stream: bool,
}

impl WireRequest {
    /// The `accept` header: a streamed request still takes JSON, which is how servers
    /// answer a request they refuse.
    pub fn accept(stream: bool) -> (&'static str, String) {
        let types = if stream {
            "text/event-stream, application/json"
        } else {
            "application/json"
        };
        ("accept", types.to_string())
    }
}

/// Why one attempt failed, kept raw until we know whether it is retried.
enum Failure {
    Status {
        status: StatusCode,
        wait: Option<Duration>,
        body: Vec<u8>,
    },
    Transport(reqwest::Error),
    Final(LlmError),
    /// A failure a later attempt may not meet (a stream that broke off or reported an
    /// overloaded server half way).
    Retry(LlmError),
}

pub trait Provider: Send + Sync {
    fn endpoint(&self) -> &Endpoint;
    fn transport(&self) -> &Transport;

    /// The HTTP request asking for `n` samples (`n` is 1 unless the row says the server
    /// supports more), streamed or not.
    fn wire_request(&self, req: &ChatRequest, n: u32, stream: bool) -> WireRequest;

    /// A successful response body. Zero answers is [`LlmError::EmptyChoices`]; a body that is
    /// not the expected JSON is [`LlmError::Malformed`].
    fn parse_response(&self, body: &[u8]) -> Result<ChatResponse, LlmError>;

    /// One server-sent event of a streamed answer, folded into `state`; returns the tokens
    /// it carried (answer or reasoning) for the progress display. An error the server sends
    /// in the stream is an `Err`: [`LlmError::Server`] when a retry may succeed.
    fn stream_event(&self, state: &mut StreamState, event: &SseEvent) -> Result<u64, LlmError>;

    /// The streamed answer, once the stream has ended.
    fn stream_done(&self, state: StreamState) -> Result<ChatResponse, LlmError>;

    /// The human message and machine code in an error body. Both wire formats put them under
    /// `error.message` / `error.code` (or `error.type`); other servers use `error` as a
    /// string, `message` or `detail`.
    fn error_detail(&self, body: &[u8]) -> (String, Option<String>) {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
            return (String::from_utf8_lossy(body).into_owned(), None);
        };
        let err = &v["error"];
        let message = err["message"]
            .as_str()
            .or_else(|| err.as_str())
            .or_else(|| v["message"].as_str())
            .or_else(|| v["detail"].as_str())
            .map_or_else(|| v.to_string(), str::to_string);
        let code = err["code"]
            .as_str()
            .map(str::to_string)
            .or_else(|| err["type"].as_str().map(str::to_string));
        (message, code)
    }

    /// `req.n` samples: one request asking for all of them where the server supports `n`,
    /// then parallel single requests for whatever is missing. Fewer than `n` answers come back
    /// only when some parallel requests failed after their retries and others succeeded;
    /// when all fail, the first error is returned. An answer cut off by the output budget is
    /// asked again once with twice the budget; if that one is cut off too it comes back
    /// marked [`crate::llm::Answer::truncated`], never as a usable answer.
    fn complete(
        &self,
        req: &ChatRequest,
        progress: &Progress,
    ) -> impl Future<Output = Result<ChatResponse, LlmError>> + Send {
        async move {
            let endpoint = self.endpoint();
            let n = req.n.max(1);
            let mut out = ChatResponse {
                requests: 0,
                answers: Vec::new(),
                usage: Default::default(),
                cost_usd: Some(0.0),
                model: endpoint.model.clone(),
                notes: Vec::new(),
            };
            let mut first_error = None;
            if rules::takes_n(&endpoint.provider, &endpoint.model) && n > 1 {
                let r = self.send(req, n, progress).await?;
                merge(&mut out, r);
            }
            let missing = (n as usize).saturating_sub(out.answers.len());
            if missing > 0 {
                let sends = (0..missing).map(|_| self.send(req, 1, progress));
                for r in join_all(sends).await {
                    match r {
                        Ok(r) => merge(&mut out, r),
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                }
            }
            if let Some(e) = first_error {
                if out.answers.is_empty() {
                    return Err(e);
                }
            }
            out.answers.truncate(n as usize);
            let cut: Vec<usize> = (0..out.answers.len())
                .filter(|&i| out.answers[i].truncated)
                .collect();
            if !cut.is_empty() {
                let mut bigger = req.clone();
                bigger.n = 1;
                bigger.max_tokens = req.max_tokens.saturating_mul(2);
                let retries = join_all(cut.iter().map(|_| self.send(&bigger, 1, progress))).await;
                for (i, r) in cut.into_iter().zip(retries) {
                    let Ok(mut r) = r else { continue };
                    let answer = (!r.answers.is_empty()).then(|| r.answers.remove(0));
                    merge(&mut out, r);
                    if let Some(a) = answer {
                        out.answers[i] = a;
                    }
                }
            }
            Ok(out)
        }
    }

    /// Sends one request for `n` samples, retrying what may succeed later, until it
    /// succeeds, fails for good, runs out of retries, or is cancelled. Nothing of an answer
    /// interrupted half way is kept.
    fn send(
        &self,
        req: &ChatRequest,
        n: u32,
        progress: &Progress,
    ) -> impl Future<Output = Result<ChatResponse, LlmError>> + Send {
        async move {
            let transport = self.transport();
            let settings = transport.settings();
            let mut attempts = 0u32;
            loop {
                attempts += 1;
                if transport.cancel.is_cancelled() {
                    return Err(LlmError::Cancelled);
                }
                let stream = transport.streaming() && self.endpoint().provider.stream;
                let wire = self.wire_request(req, n, stream);
                let failure = tokio::select! {
                    biased;
                    _ = transport.cancel.cancelled() => return Err(LlmError::Cancelled),
                    r = attempt(self, &wire, progress) => match r {
                        Ok(response) => return Ok(finish(self.endpoint(), transport, req, response)),
                        Err(f) => f,
                    },
                };
                if stream && refuses_streaming(self, &failure) {
                    // Servers that cannot stream get plain requests from now on; this try
                    // does not count against the retries.
                    transport.set_streaming(false);
                    attempts -= 1;
                    continue;
                }
                let retryable = match &failure {
                    Failure::Status { status, .. } => is_retryable_status(*status),
                    Failure::Transport(e) => !e.is_builder() && !e.is_redirect(),
                    Failure::Final(_) => false,
                    Failure::Retry(_) => true,
                };
                if !retryable || attempts > settings.max_retries {
                    return Err(to_error(self, failure, &wire.url, attempts));
                }
                let wait = match &failure {
                    Failure::Status { wait: Some(w), .. } => (*w).min(settings.max_retry_after),
                    _ => retry::backoff(attempts - 1, settings.backoff_base, settings.backoff_max),
                };
                tokio::select! {
                    biased;
                    _ = transport.cancel.cancelled() => return Err(LlmError::Cancelled),
                    _ = tokio::time::sleep(wait) => {}
                }
            }
        }
    }
}

/// A successful response priced (when the provider did not say what it cost) and checked
/// for a prompt the server cut short (said once per client: every later prompt is as long).
fn finish(
    endpoint: &Endpoint,
    transport: &Transport,
    req: &ChatRequest,
    mut r: ChatResponse,
) -> ChatResponse {
    if r.cost_usd.is_none() {
        r.cost_usd = endpoint.options.price.map(|p| p.cost(&r.usage));
    }
    let sent = req.approx_prompt_tokens();
    if let Some(note) = rules::context_cut(
        &endpoint.provider,
        &endpoint.model,
        sent,
        r.usage.input_tokens,
    ) {
        if !transport.context_warned.swap(true, Ordering::Relaxed) {
            r.notes.push(note);
        }
    }
    r
}

/// A server that rejects `stream: true` says so in a 400-class error naming it.
fn refuses_streaming<P: Provider + ?Sized>(provider: &P, failure: &Failure) -> bool {
    match failure {
        Failure::Status { status, body, .. }
            if matches!(status.as_u16(), 400 | 415 | 422 | 501) =>
        {
            provider
                .error_detail(body)
                .0
                .to_lowercase()
                .contains("stream")
        }
        _ => false,
    }
}

/// One try at a request.
async fn attempt<P: Provider + ?Sized>(
    provider: &P,
    wire: &WireRequest,
    progress: &Progress,
) -> Result<ChatResponse, Failure> {
    let mut headers = HeaderMap::new();
    for (name, value) in &wire.headers {
        let value = HeaderValue::from_str(value).map_err(|_| {
            Failure::Final(LlmError::Client(format!("header {name} is not valid text")))
        })?;
        headers.insert(header_name(name)?, value);
    }
    if let Some((name, secret)) = &wire.secret_header {
        let mut value = HeaderValue::from_str(secret.expose()).map_err(|_| {
            Failure::Final(LlmError::Client(
                "the API key holds characters an HTTP header cannot".to_string(),
            ))
        })?;
        value.set_sensitive(true);
        headers.insert(header_name(name)?, value);
    }
    let response = provider
        .transport()
        .http
        .post(&wire.url)
        .headers(headers)
        .json(&wire.body)
        .send()
        .await
        .map_err(Failure::Transport)?;
    let status = response.status();
    let wait = retry::retry_after(response.headers(), SystemTime::now());
    let is_stream = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if !status.is_success() || !is_stream {
        // Servers that ignore `stream` answer with one JSON document, read as such.
        let body = response.bytes().await.map_err(Failure::Transport)?;
        if !status.is_success() {
            return Err(Failure::Status {
                status,
                wait,
                body: body.to_vec(),
            });
        }
        let r = provider.parse_response(&body).map_err(Failure::Final)?;
        progress.tokens(r.usage.output_tokens);
        return Ok(r);
    }
    let mut response = response;
    let mut parser = SseParser::default();
    let mut state = StreamState::default();
    loop {
        let chunk = response.chunk().await.map_err(Failure::Transport)?;
        let events = match &chunk {
            Some(bytes) => parser.feed(bytes),
            None => parser.finish(),
        };
        for event in &events {
            match provider.stream_event(&mut state, event) {
                Ok(tokens) => progress.tokens(tokens),
                Err(e @ LlmError::Server { .. }) => return Err(Failure::Retry(e)),
                Err(e) => return Err(Failure::Final(e)),
            }
        }
        if chunk.is_none() || state.done {
            break;
        }
    }
    if !state.done && !state.all_finished() {
        return Err(Failure::Retry(LlmError::Connection {
            url: wire.url.clone(),
            reason: "the answer stream ended before the answer did".to_string(),
            attempts: 1,
        }));
    }
    provider.stream_done(state).map_err(Failure::Final)
}

fn header_name(name: &str) -> Result<HeaderName, Failure> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        Failure::Final(LlmError::Client(format!(
            "`{name}` is not an HTTP header name"
        )))
    })
}

/// The one-line error for a failure that is not retried (any more).
fn to_error<P: Provider + ?Sized>(
    provider_impl: &P,
    failure: Failure,
    url: &str,
    attempts: u32,
) -> LlmError {
    let endpoint = provider_impl.endpoint();
    let provider = endpoint.provider.name.clone();
    let clean = |text: &str| {
        let text = one_line(text);
        match &endpoint.api_key {
            Some(k) => k.redact(&text),
            None => text,
        }
    };
    match failure {
        Failure::Final(e) => e,
        Failure::Retry(e) => match e {
            LlmError::Server {
                provider,
                status,
                message,
                ..
            } => LlmError::Server {
                provider,
                status,
                attempts,
                message,
            },
            LlmError::Connection { url, reason, .. } => LlmError::Connection {
                url,
                reason,
                attempts,
            },
            other => other,
        },
        Failure::Transport(e) => {
            let reason = clean(&error_chain(&e));
            if e.is_timeout() {
                LlmError::Timeout {
                    url: url.to_string(),
                    secs: provider_impl.transport().settings.timeout.as_secs_f64(),
                    attempts,
                }
            } else if e.is_connect() {
                LlmError::Unreachable {
                    url: url.to_string(),
                    reason,
                    attempts,
                }
            } else {
                LlmError::Connection {
                    url: url.to_string(),
                    reason,
                    attempts,
                }
            }
        }
        Failure::Status { status, body, .. } => {
            let (message, error_code) = provider_impl.error_detail(&body);
            let message = clean(&message);
            let code = status.as_u16();
            match status {
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => LlmError::Unauthorized {
                    hint: match &endpoint.provider.key_env {
                        Some(var) => format!(
                            "check {var} or api_key under [providers.{provider}] ({message})"
                        ),
                        None => format!(
                            "check api_key under [providers.{provider}] or --api-key ({message})"
                        ),
                    },
                    provider,
                    status: code,
                },
                StatusCode::NOT_FOUND => LlmError::NotFound {
                    model: endpoint.model.clone(),
                    url: url.to_string(),
                    message,
                },
                StatusCode::TOO_MANY_REQUESTS => LlmError::RateLimited {
                    provider,
                    attempts,
                    message,
                },
                s if is_retryable_status(s) => LlmError::Server {
                    provider,
                    status: code,
                    attempts,
                    message,
                },
                _ if is_context_length(&message, error_code.as_deref().unwrap_or("")) => {
                    LlmError::ContextLength {
                        model: endpoint.model.clone(),
                        message,
                    }
                }
                _ => LlmError::Rejected {
                    provider,
                    status: code,
                    message,
                },
            }
        }
    }
}

fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || status.is_server_error()
}

/// OpenAI says `context_length_exceeded`; Anthropic "prompt is too long"; local servers
/// word it in their own ways.
fn is_context_length(message: &str, code: &str) -> bool {
    let m = message.to_lowercase();
    code == "context_length_exceeded"
        || [
            "context length",
            "context_length",
            "context window",
            "maximum context",
            "prompt is too long",
            "too many tokens",
            "exceeds the available context",
        ]
        .iter()
        .any(|p| m.contains(p))
}

fn merge(out: &mut ChatResponse, r: ChatResponse) {
    out.answers.extend(r.answers);
    out.usage.add(r.usage);
    out.requests += r.requests;
    out.cost_usd = match (out.cost_usd, r.cost_usd) {
        (Some(a), Some(b)) => Some(a + b),
        _ => None,
    };
    for note in r.notes {
        if !out.notes.contains(&note) {
            out.notes.push(note);
        }
    }
    out.model = r.model;
}

/// An error and its causes on one line: reqwest's own message says little ("error sending
/// request"), the cause says what happened ("connection reset by peer").
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = c.source();
    }
    parts.join(": ")
}

/// The client the engine holds: one provider, chosen by the endpoint's wire format.
#[derive(Debug)]
pub enum Client {
    OpenAi(OpenAiProvider),
    Anthropic(AnthropicProvider),
}

impl Client {
    pub fn new(
        endpoint: Endpoint,
        settings: HttpSettings,
        cancel: CancellationToken,
    ) -> Result<Client, LlmError> {
        let transport = Transport::new(settings, cancel)?;
        Ok(match endpoint.provider.format {
            WireFormat::OpenAi => Client::OpenAi(OpenAiProvider::new(endpoint, transport)),
            WireFormat::Anthropic => Client::Anthropic(AnthropicProvider::new(endpoint, transport)),
        })
    }

    /// The client for a resolved configuration's remote model.
    pub fn from_config(
        config: &crate::llm::ResolvedConfig,
        cancel: CancellationToken,
    ) -> Result<Client, LlmError> {
        Client::new(config.endpoint()?, config.http_settings(), cancel)
    }

    pub async fn complete(&self, req: &ChatRequest) -> Result<ChatResponse, LlmError> {
        self.complete_watched(req, &Progress::none()).await
    }

    /// Like [`Client::complete`], reporting tokens to `progress` as they arrive.
    pub async fn complete_watched(
        &self,
        req: &ChatRequest,
        progress: &Progress,
    ) -> Result<ChatResponse, LlmError> {
        match self {
            Client::OpenAi(p) => p.complete(req, progress).await,
            Client::Anthropic(p) => p.complete(req, progress).await,
        }
    }

    pub fn endpoint(&self) -> &Endpoint {
        match self {
            Client::OpenAi(p) => p.endpoint(),
            Client::Anthropic(p) => p.endpoint(),
        }
    }
}
