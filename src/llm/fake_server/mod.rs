//! A local model server for tests and end-to-end runs: a real HTTP/1.1 server on 127.0.0.1
//! speaking the OpenAI chat-completions and Anthropic messages wire formats, answering each
//! request from a table (the first rule whose `contains` text appears latest in the last user
//! message wins, which finds the hole a prompt asks about in its final part), after a
//! configurable delay, as one JSON document or streamed as server-sent events ([`reply`]).
//! Faults can be queued (an HTTP status with headers, a connection reset, malformed JSON,
//! empty choices, a slow answer, a stream cut or failing half way), and every request is
//! captured so tests can assert on bodies and headers. `src/bin/anpl-fake-model.rs` serves a
//! table file with it.
//!
//! Compiled for tests and with the `fake-server` feature (on by default).

mod reply;

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// One row of the answer table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FakeRule {
    /// Text to look for in the last user message.
    pub contains: String,
    /// The answer; with `answers`, successive choices cycle through the list.
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    pub answers: Vec<String>,
    /// Answers drawn at random with these relative weights (seeded by the table's `seed`),
    /// for a model that is right only some of the time. Takes precedence over `answers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weighted: Vec<WeightedAnswer>,
}

/// One answer of a rule's `weighted` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightedAnswer {
    pub answer: String,
    /// Relative weight: an answer of weight 3 beside one of weight 1 is drawn 3 times in 4.
    pub weight: u32,
}

impl FakeRule {
    pub fn new(contains: impl Into<String>, answer: impl Into<String>) -> Self {
        FakeRule {
            contains: contains.into(),
            answer: Some(answer.into()),
            answers: Vec::new(),
            weighted: Vec::new(),
        }
    }

    /// A rule drawing each answer at random with the given relative weights.
    pub fn weighted(contains: impl Into<String>, weighted: Vec<WeightedAnswer>) -> Self {
        FakeRule {
            contains: contains.into(),
            answer: None,
            answers: Vec::new(),
            weighted,
        }
    }

    /// The answer this rule gives the `served`-th time it is asked (counting every choice).
    fn pick(&self, seed: u64, rule: usize, served: usize) -> String {
        let total: u64 = self.weighted.iter().map(|w| u64::from(w.weight)).sum();
        if total > 0 {
            // A hash of (seed, rule, count) rather than one shared generator, so the draws
            // of one hole do not depend on how requests for other holes interleave.
            let mut roll = mix(seed ^ mix(rule as u64 ^ mix(served as u64))) % total;
            for w in &self.weighted {
                if roll < u64::from(w.weight) {
                    return w.answer.clone();
                }
                roll -= u64::from(w.weight);
            }
        }
        let list = self.answer_list();
        list.get(served % list.len().max(1))
            .cloned()
            .unwrap_or_default()
    }

    fn answer_list(&self) -> Vec<String> {
        let mut list: Vec<String> = self.answer.iter().cloned().collect();
        list.extend(self.answers.iter().cloned());
        list
    }
}

/// The answer table as the JSON file of `anpl-fake-model` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FakeTable {
    #[serde(default)]
    pub rules: Vec<FakeRule>,
    /// The answer when no rule matches; without one such a request gets HTTP 400.
    #[serde(default)]
    pub default: Option<String>,
    /// Every answer waits this long first.
    #[serde(default)]
    pub delay_ms: u64,
    /// When set, requests must carry this key (bearer or `x-api-key`) or get HTTP 401.
    #[serde(default)]
    pub api_key: Option<String>,
    /// Return `n` choices from one OpenAI request (as OpenAI does) or one (as Ollama does).
    #[serde(default = "yes")]
    pub supports_n: bool,
    /// Answer requests that ask for a stream with server-sent events; when false, with one
    /// JSON document as servers that cannot stream do.
    #[serde(default = "yes")]
    pub stream: bool,
    /// Milliseconds between streamed events.
    #[serde(default)]
    pub chunk_delay_ms: u64,
    /// Characters of the answer in each streamed event.
    #[serde(default = "four")]
    pub chunk_chars: usize,
    /// Reasoning the model writes before every answer: OpenAI's `reasoning_content` (or the
    /// field `reasoning_field` names), an Anthropic `thinking` block.
    #[serde(default)]
    pub reasoning: Option<String>,
    #[serde(default = "reasoning_content")]
    pub reasoning_field: String,
    /// A local server's context window: prompt tokens beyond it are dropped without an
    /// error and the reported prompt tokens stop there.
    #[serde(default)]
    pub context_window: Option<u64>,
    /// Remember Anthropic prompt prefixes marked `cache_control` and report reads and writes
    /// of them as the API does.
    #[serde(default)]
    pub prompt_cache: bool,
    /// The shortest prefix, in tokens, the prompt cache keeps (the API's minimum is 1024 for
    /// most models).
    #[serde(default = "min_cache")]
    pub cache_min_tokens: u64,
    /// Seed of the draws from `weighted` answer lists: the same seed and the same
    /// sequence of requests per rule give the same answers.
    #[serde(default)]
    pub seed: u64,
}

impl Default for FakeTable {
    fn default() -> Self {
        FakeTable {
            rules: Vec::new(),
            default: None,
            delay_ms: 0,
            api_key: None,
            supports_n: false,
            stream: true,
            chunk_delay_ms: 0,
            chunk_chars: four(),
            reasoning: None,
            reasoning_field: reasoning_content(),
            context_window: None,
            prompt_cache: false,
            cache_min_tokens: min_cache(),
            seed: 0,
        }
    }
}

/// SplitMix64's finaliser: a well-spread 64-bit hash of a 64-bit value.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn yes() -> bool {
    true
}

fn four() -> usize {
    4
}

fn reasoning_content() -> String {
    "reasoning_content".to_string()
}

fn min_cache() -> u64 {
    1024
}

/// A misbehaviour for the next request; queued faults are used one per request, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Status {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Read the request, then close the connection with a TCP reset.
    Reset,
    /// HTTP 200 with a body that is not JSON.
    Malformed,
    /// HTTP 200 with no choices (OpenAI) or no content (Anthropic).
    EmptyChoices,
    /// Answer normally after this delay (on top of the table's).
    Delay(Duration),
    /// Stream the answer but close the connection after this many events.
    StreamCut(usize),
    /// Stream the answer but send an overloaded-server error event after this many events.
    StreamError(usize),
}

impl Fault {
    /// An OpenAI-style error body with the given status.
    pub fn openai_error(status: u16, code: &str, message: &str) -> Fault {
        Fault::Status {
            status,
            headers: Vec::new(),
            body: json!({"error": {"message": message, "type": "invalid_request_error", "code": code}})
                .to_string(),
        }
    }

    /// An Anthropic-style error body with the given status.
    pub fn anthropic_error(status: u16, kind: &str, message: &str) -> Fault {
        Fault::Status {
            status,
            headers: Vec::new(),
            body: json!({"type": "error", "error": {"type": kind, "message": message}}).to_string(),
        }
    }
}

/// A request as the server saw it. Header names are lowercase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapturedRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub raw_body: String,
    /// `Null` when the body is not JSON.
    pub body: Value,
}

impl CapturedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    table: FakeTable,
    faults: Vec<Fault>,
    requests: Vec<CapturedRequest>,
    /// Answers served per rule, so `answers` lists cycle.
    served: HashMap<usize, usize>,
    log: Option<PathBuf>,
    /// Prompt prefixes in the prompt cache, with their tokens.
    cache: HashMap<String, u64>,
}

/// A running fake server; dropped, it stops accepting connections.
pub struct FakeServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: CancellationToken,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic while holding the lock leaves plain data behind; keep serving it.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl FakeServer {
    /// Serves `table` on 127.0.0.1 at a free port.
    pub async fn start(table: FakeTable) -> io::Result<FakeServer> {
        FakeServer::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), table).await
    }

    pub async fn start_on(addr: SocketAddr, table: FakeTable) -> io::Result<FakeServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State {
            table,
            ..State::default()
        }));
        let stop = CancellationToken::new();
        let (st, token) = (state.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    _ = token.cancelled() => break,
                    a = listener.accept() => a,
                };
                if let Ok((stream, _)) = accepted {
                    let st = st.clone();
                    let token = token.clone();
                    tokio::spawn(async move {
                        tokio::select! {
                            _ = token.cancelled() => {}
                            _ = serve(stream, st) => {}
                        }
                    });
                }
            }
        });
        Ok(FakeServer { addr, state, stop })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the Anthropic-style base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/v1`, the OpenAI-style base URL.
    pub fn openai_base(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn push_fault(&self, fault: Fault) {
        lock(&self.state).faults.push(fault);
    }

    pub fn set_table(&self, table: FakeTable) {
        lock(&self.state).table = table;
    }

    /// Appends every request, as one JSON line, to `path`.
    pub fn log_to(&self, path: PathBuf) {
        lock(&self.state).log = Some(path);
    }

    pub fn requests(&self) -> Vec<CapturedRequest> {
        lock(&self.state).requests.clone()
    }

    pub fn request_count(&self) -> usize {
        lock(&self.state).requests.len()
    }

    pub fn stop(&self) {
        self.stop.cancel();
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

struct RawRequest {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;

async fn read_request(stream: &mut TcpStream) -> io::Result<Option<RawRequest>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Ok(None);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split_whitespace();
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_BODY);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok(Some(RawRequest {
        method,
        path,
        headers,
        body,
    }))
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &str,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.flush().await?;
    stream.shutdown().await
}

use reply::{Format, StreamEnd};

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) -> io::Result<()> {
    let Some(raw) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let body: Value = serde_json::from_slice(&raw.body).unwrap_or(Value::Null);
    let captured = CapturedRequest {
        method: raw.method.clone(),
        path: raw.path.clone(),
        headers: raw.headers.clone(),
        raw_body: String::from_utf8_lossy(&raw.body).into_owned(),
        body: body.clone(),
    };
    let (fault, table, log) = {
        let mut st = lock(&state);
        st.requests.push(captured.clone());
        let fault = (!st.faults.is_empty()).then(|| st.faults.remove(0));
        (fault, st.table.clone(), st.log.clone())
    };
    if let Some(path) = log {
        if let Ok(line) = serde_json::to_string(&captured) {
            let mut file = tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .await?;
            file.write_all(format!("{line}\n").as_bytes()).await?;
        }
    }

    let format = if raw.path.ends_with("/v1/chat/completions") {
        Format::OpenAi
    } else if raw.path.ends_with("/v1/messages") {
        Format::Anthropic
    } else {
        let err = json!({"error": {"message": format!("unknown path {}", raw.path), "type": "not_found"}});
        return respond(&mut stream, 404, &[], &err.to_string()).await;
    };

    let mut extra_delay = Duration::ZERO;
    let mut end = StreamEnd::Whole;
    match fault {
        Some(Fault::Status {
            status,
            headers,
            body,
        }) => return respond(&mut stream, status, &headers, &body).await,
        Some(Fault::Reset) => {
            stream.set_zero_linger()?;
            drop(stream);
            return Ok(());
        }
        Some(Fault::Malformed) => {
            return respond(&mut stream, 200, &[], "{\"choices\": [{\"message\": ").await
        }
        Some(Fault::EmptyChoices) => {
            let empty = match format {
                Format::OpenAi => {
                    json!({"id": "chatcmpl-fake", "object": "chat.completion", "model": body["model"], "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 0}})
                }
                Format::Anthropic => {
                    json!({"id": "msg_fake", "type": "message", "role": "assistant", "model": body["model"], "content": [], "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 0}})
                }
            };
            return respond(&mut stream, 200, &[], &empty.to_string()).await;
        }
        Some(Fault::Delay(d)) => extra_delay = d,
        Some(Fault::StreamCut(n)) => end = StreamEnd::CutAfter(n),
        Some(Fault::StreamError(n)) => end = StreamEnd::ErrorAfter(n),
        None => {}
    }

    if let Some(key) = &table.api_key {
        let bearer = format!("Bearer {key}");
        let ok = raw
            .headers
            .iter()
            .any(|(k, v)| (k == "authorization" && *v == bearer) || (k == "x-api-key" && v == key));
        if !ok {
            let err = match format {
                Format::OpenAi => {
                    json!({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error", "code": "invalid_api_key"}})
                }
                Format::Anthropic => {
                    json!({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}})
                }
            };
            return respond(&mut stream, 401, &[], &err.to_string()).await;
        }
    }

    tokio::time::sleep(Duration::from_millis(table.delay_ms) + extra_delay).await;

    let prompt = last_user_message(&body);
    let wanted = match format {
        Format::OpenAi if table.supports_n => body["n"].as_u64().unwrap_or(1).clamp(1, 128),
        _ => 1,
    };
    let mut answers = Vec::new();
    let tokens = {
        let mut st = lock(&state);
        match best_rule(&table.rules, &prompt) {
            Some(rule) => {
                for _ in 0..wanted {
                    let count = st.served.entry(rule).or_insert(0);
                    answers.push(table.rules[rule].pick(table.seed, rule, *count));
                    *count += 1;
                }
            }
            None => {
                if let Some(text) = &table.default {
                    answers = vec![text.clone(); wanted as usize];
                }
            }
        }
        reply::prompt_tokens(format, &body, &table, &mut st.cache)
    };
    if answers.is_empty() {
        let err = json!({"error": {"message": "fake model: no rule matches the last user message", "type": "invalid_request_error"}});
        return respond(&mut stream, 400, &[], &err.to_string()).await;
    }
    let replies = reply::within_budget(&body, &table, &answers);
    if table.stream && body["stream"] == json!(true) {
        return reply::stream_reply(&mut stream, format, &body, &table, &replies, tokens, end)
            .await;
    }
    let reply = reply::json_reply(format, &body, &table, &replies, tokens);
    respond(&mut stream, 200, &[], &reply.to_string()).await
}

/// The text of the last user message, whether its content is a string or a list of parts.
fn last_user_message(body: &Value) -> String {
    let Some(messages) = body["messages"].as_array() else {
        return String::new();
    };
    let Some(last) = messages.iter().rev().find(|m| m["role"] == "user") else {
        return String::new();
    };
    match &last["content"] {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// The rule whose text occurs latest in the prompt (the hole being asked comes last, after
/// the context that may mention other holes); ties go to the longer text.
fn best_rule(rules: &[FakeRule], prompt: &str) -> Option<usize> {
    rules
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.contains.is_empty())
        .filter_map(|(i, r)| {
            prompt
                .rfind(&r.contains)
                .map(|at| (i, at + r.contains.len(), r.contains.len()))
        })
        .max_by(|a, b| a.1.cmp(&b.1).then(a.2.cmp(&b.2)).then(b.0.cmp(&a.0)))
        .map(|(i, _, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_mention_wins() {
        let rules = vec![
            FakeRule::new("rotate the grid", "A"),
            FakeRule::new("count colours", "B"),
            FakeRule::new("count colours in each row", "C"),
        ];
        let prompt = "Context: rotate the grid is called by main.\nImplement: count colours";
        assert_eq!(best_rule(&rules, prompt), Some(1));
        let prompt = "Context: count colours.\nImplement: rotate the grid";
        assert_eq!(best_rule(&rules, prompt), Some(0));
        assert_eq!(
            best_rule(&rules, "Implement: count colours in each row"),
            Some(2)
        );
        assert_eq!(best_rule(&rules, "nothing here"), None);
    }

    #[test]
    fn weighted_answers_follow_their_weights_and_the_seed() {
        let rule = FakeRule::weighted(
            "x",
            vec![
                WeightedAnswer {
                    answer: "right".into(),
                    weight: 3,
                },
                WeightedAnswer {
                    answer: "wrong".into(),
                    weight: 1,
                },
            ],
        );
        let draws: Vec<String> = (0..4000).map(|i| rule.pick(7, 0, i)).collect();
        let right = draws.iter().filter(|a| *a == "right").count();
        assert!((2800..3200).contains(&right), "{right} of 4000");
        let again: Vec<String> = (0..4000).map(|i| rule.pick(7, 0, i)).collect();
        assert_eq!(draws, again);
        let other: Vec<String> = (0..4000).map(|i| rule.pick(8, 0, i)).collect();
        assert_ne!(draws, other);
    }

    #[test]
    fn last_user_message_reads_both_content_forms() {
        let body = json!({"messages": [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "x"},
            {"role": "user", "content": [{"type": "text", "text": "second"}]},
        ]});
        assert_eq!(last_user_message(&body), "second");
    }
}
