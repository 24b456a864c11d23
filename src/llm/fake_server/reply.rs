//! How the fake server answers, in each wire format: one JSON document, or server-sent events
//! chunk by chunk (OpenAI `chat.completion.chunk`s ending in `[DONE]`, with the usage chunk
//! when `stream_options.include_usage` asks for it; Anthropic `message_start` …
//! `message_stop` with `ping`s), as the real APIs send them. It also plays the parts of real
//! servers the client must cope with: reasoning before the answer (`reasoning_content`,
//! Anthropic `thinking` blocks), answers cut off by the output budget (`finish_reason:
//! "length"`, `stop_reason: "max_tokens"`), Anthropic's prompt cache (prefixes marked
//! `cache_control` are remembered and later reads reported as `cache_read_input_tokens`),
//! and a local server's context window cutting the prompt without an error.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::FakeTable;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Format {
    OpenAi,
    Anthropic,
}

/// Tokens as the fake server counts them: four characters a token, as anpl estimates.
pub(super) fn count_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

/// One answer about to be sent.
pub(super) struct Reply {
    pub text: String,
    /// The output budget cut it off.
    pub cut: bool,
}

/// The answers cut to the request's output budget: an answer (with its reasoning) longer
/// than `max_tokens` tokens stops there, as a real model's does.
pub(super) fn within_budget(body: &Value, table: &FakeTable, answers: &[String]) -> Vec<Reply> {
    let budget = ["max_tokens", "max_completion_tokens"]
        .iter()
        .find_map(|f| body[*f].as_u64())
        .unwrap_or(u64::MAX);
    let thinking = table.reasoning.as_deref().map_or(0, count_tokens);
    answers
        .iter()
        .map(|a| {
            if thinking + count_tokens(a) <= budget {
                return Reply {
                    text: a.clone(),
                    cut: false,
                };
            }
            let room = budget.saturating_sub(thinking) as usize * 4;
            Reply {
                text: a.chars().take(room).collect(),
                cut: true,
            }
        })
        .collect()
}

/// Prompt tokens as the server reports them: what it read (cut to its context window) and,
/// for Anthropic, how many came from or went into its prompt cache.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct PromptTokens {
    pub read: u64,
    pub cache_read: u64,
    pub cache_write: u64,
}

/// The text pieces of a request in order (system, then each message's content blocks),
/// each with whether it ends at a `cache_control` mark.
fn pieces(body: &Value) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut push = |v: &Value| match v {
        Value::String(s) => out.push((s.clone(), false)),
        Value::Array(blocks) => {
            for b in blocks {
                let text = b["text"].as_str().unwrap_or("").to_string();
                out.push((text, b.get("cache_control").is_some()));
            }
        }
        _ => {}
    };
    push(&body["system"]);
    for m in body["messages"].as_array().into_iter().flatten() {
        push(&m["content"]);
    }
    out
}

/// What the prompt costs in tokens, updating the prompt cache: the longest marked prefix
/// seen before is read from it, longer marked prefixes are written, each only when it is at
/// least `cache_min_tokens` long (shorter ones are not cached, as with the real API).
pub(super) fn prompt_tokens(
    format: Format,
    body: &Value,
    table: &FakeTable,
    cache: &mut HashMap<String, u64>,
) -> PromptTokens {
    let pieces = pieces(body);
    let total: u64 = pieces.iter().map(|(t, _)| count_tokens(t)).sum();
    let read = table.context_window.map_or(total, |w| total.min(w));
    let mut tokens = PromptTokens {
        read,
        ..PromptTokens::default()
    };
    if format != Format::Anthropic || !table.prompt_cache {
        return tokens;
    }
    let mut prefix = String::new();
    let mut prefix_tokens = 0;
    let mut marks = Vec::new();
    for (text, marked) in &pieces {
        prefix.push_str(text);
        prefix.push('\u{1e}');
        prefix_tokens += count_tokens(text);
        if *marked && prefix_tokens >= table.cache_min_tokens {
            marks.push((prefix.clone(), prefix_tokens));
        }
    }
    let hit = marks
        .iter()
        .rev()
        .find(|(p, _)| cache.contains_key(p))
        .map_or(0, |(_, t)| *t);
    let last = marks.last().map_or(0, |(_, t)| *t);
    for (p, t) in marks {
        cache.insert(p, t);
    }
    tokens.cache_read = hit;
    tokens.cache_write = last.saturating_sub(hit);
    tokens
}

/// The whole answer as one JSON document.
pub(super) fn json_reply(
    format: Format,
    body: &Value,
    table: &FakeTable,
    replies: &[Reply],
    prompt: PromptTokens,
) -> Value {
    let output: u64 = replies.iter().map(|r| count_tokens(&r.text)).sum::<u64>()
        + table.reasoning.as_deref().map_or(0, count_tokens) * replies.len() as u64;
    match format {
        Format::OpenAi => {
            let choices: Vec<Value> = replies
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut message = json!({"role": "assistant", "content": r.text});
                    if let Some(thinking) = &table.reasoning {
                        message[table.reasoning_field.as_str()] = json!(thinking);
                    }
                    json!({"index": i, "message": message, "finish_reason": if r.cut { "length" } else { "stop" }})
                })
                .collect();
            json!({
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": choices,
                "usage": {"prompt_tokens": prompt.read, "completion_tokens": output, "total_tokens": prompt.read + output},
            })
        }
        Format::Anthropic => {
            let r = replies.first();
            let mut content = Vec::new();
            if let Some(thinking) = &table.reasoning {
                content.push(json!({"type": "thinking", "thinking": thinking, "signature": "fake-signature"}));
            }
            content.push(json!({"type": "text", "text": r.map_or("", |r| r.text.as_str())}));
            json!({
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": body["model"],
                "content": content,
                "stop_reason": if r.is_some_and(|r| r.cut) { "max_tokens" } else { "end_turn" },
                "stop_sequence": null,
                "usage": anthropic_usage(prompt, output),
            })
        }
    }
}

fn anthropic_usage(prompt: PromptTokens, output: u64) -> Value {
    json!({
        "input_tokens": prompt.read.saturating_sub(prompt.cache_read + prompt.cache_write),
        "cache_read_input_tokens": prompt.cache_read,
        "cache_creation_input_tokens": prompt.cache_write,
        "output_tokens": output,
    })
}

/// Pieces of `text` of `size` characters, as a server streams them.
fn chunks(text: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(size.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

/// Where a stream should break off, for the fault that cuts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StreamEnd {
    Whole,
    /// Close the connection after this many events.
    CutAfter(usize),
    /// Send a server error event after this many events.
    ErrorAfter(usize),
}

/// The answer as server-sent events, each written (and flushed) after the table's chunk
/// delay.
pub(super) async fn stream_reply(
    stream: &mut TcpStream,
    format: Format,
    body: &Value,
    table: &FakeTable,
    replies: &[Reply],
    prompt: PromptTokens,
    end: StreamEnd,
) -> std::io::Result<()> {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";
    stream.write_all(head.as_bytes()).await?;
    stream.flush().await?;
    let events = match format {
        Format::OpenAi => openai_events(body, table, replies, prompt),
        Format::Anthropic => anthropic_events(body, table, replies, prompt),
    };
    let delay = Duration::from_millis(table.chunk_delay_ms);
    for (i, (name, data)) in events.iter().enumerate() {
        match end {
            StreamEnd::CutAfter(n) if i == n => {
                stream.set_zero_linger()?;
                return Ok(());
            }
            StreamEnd::ErrorAfter(n) if i == n => {
                let error = match format {
                    Format::OpenAi => (
                        String::new(),
                        json!({"error": {"message": "The server is overloaded", "type": "server_error"}})
                            .to_string(),
                    ),
                    Format::Anthropic => (
                        "error".to_string(),
                        json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
                            .to_string(),
                    ),
                };
                write_event(stream, &error.0, &error.1).await?;
                return stream.shutdown().await;
            }
            _ => {}
        }
        if !delay.is_zero() && i > 0 {
            tokio::time::sleep(delay).await;
        }
        write_event(stream, name, data).await?;
    }
    stream.shutdown().await
}

async fn write_event(stream: &mut TcpStream, name: &str, data: &str) -> std::io::Result<()> {
    let mut text = String::new();
    if !name.is_empty() {
        text.push_str(&format!("event: {name}\n"));
    }
    text.push_str(&format!("data: {data}\n\n"));
    stream.write_all(text.as_bytes()).await?;
    stream.flush().await
}

fn openai_events(
    body: &Value,
    table: &FakeTable,
    replies: &[Reply],
    prompt: PromptTokens,
) -> Vec<(String, String)> {
    let chunk = |choices: Value| json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": body["model"], "choices": choices});
    let mut out = Vec::new();
    let mut output = 0;
    for (i, r) in replies.iter().enumerate() {
        out.push(chunk(json!([{"index": i, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}])));
        if let Some(thinking) = &table.reasoning {
            for piece in chunks(thinking, table.chunk_chars) {
                output += count_tokens(&piece);
                let mut delta = json!({});
                delta[table.reasoning_field.as_str()] = json!(piece);
                out.push(chunk(
                    json!([{"index": i, "delta": delta, "finish_reason": null}]),
                ));
            }
        }
        for piece in chunks(&r.text, table.chunk_chars) {
            output += count_tokens(&piece);
            out.push(chunk(
                json!([{"index": i, "delta": {"content": piece}, "finish_reason": null}]),
            ));
        }
        out.push(chunk(json!([{"index": i, "delta": {}, "finish_reason": if r.cut { "length" } else { "stop" }}])));
    }
    if body["stream_options"]["include_usage"] == json!(true) {
        let mut last = chunk(json!([]));
        last["usage"] = json!({"prompt_tokens": prompt.read, "completion_tokens": output, "total_tokens": prompt.read + output});
        out.push(last);
    }
    let mut events: Vec<(String, String)> = out
        .into_iter()
        .map(|v| (String::new(), v.to_string()))
        .collect();
    events.push((String::new(), "[DONE]".to_string()));
    events
}

fn anthropic_events(
    body: &Value,
    table: &FakeTable,
    replies: &[Reply],
    prompt: PromptTokens,
) -> Vec<(String, String)> {
    let mut out: Vec<(&str, Value)> = Vec::new();
    let text = replies.first().map_or("", |r| r.text.as_str());
    let cut = replies.first().is_some_and(|r| r.cut);
    let mut start_usage = anthropic_usage(prompt, 1);
    start_usage["output_tokens"] = json!(1);
    out.push((
        "message_start",
        json!({"type": "message_start", "message": {"id": "msg_fake", "type": "message", "role": "assistant", "model": body["model"], "content": [], "stop_reason": null, "stop_sequence": null, "usage": start_usage}}),
    ));
    let mut index = 0;
    let mut output = 0;
    if let Some(thinking) = &table.reasoning {
        out.push(("content_block_start", json!({"type": "content_block_start", "index": index, "content_block": {"type": "thinking", "thinking": ""}})));
        for piece in chunks(thinking, table.chunk_chars) {
            output += count_tokens(&piece);
            out.push(("content_block_delta", json!({"type": "content_block_delta", "index": index, "delta": {"type": "thinking_delta", "thinking": piece}})));
        }
        out.push(("content_block_delta", json!({"type": "content_block_delta", "index": index, "delta": {"type": "signature_delta", "signature": "fake-signature"}})));
        out.push((
            "content_block_stop",
            json!({"type": "content_block_stop", "index": index}),
        ));
        index += 1;
    }
    out.push(("content_block_start", json!({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}})));
    out.push(("ping", json!({"type": "ping"})));
    for piece in chunks(text, table.chunk_chars) {
        output += count_tokens(&piece);
        out.push(("content_block_delta", json!({"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}})));
    }
    out.push((
        "content_block_stop",
        json!({"type": "content_block_stop", "index": index}),
    ));
    out.push(("message_delta", json!({"type": "message_delta", "delta": {"stop_reason": if cut { "max_tokens" } else { "end_turn" }, "stop_sequence": null}, "usage": {"output_tokens": output}})));
    out.push(("message_stop", json!({"type": "message_stop"})));
    out.into_iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}
