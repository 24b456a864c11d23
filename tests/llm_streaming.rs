//! The real HTTP client against the local server speaking both wire formats as today's
//! providers do: answers streamed as server-sent events (and plain JSON from servers that do
//! not stream), reasoning that must never become the answer, answers cut off by the output
//! budget, cancellation mid-stream, streams that break off, and the provider rules (OpenAI
//! reasoning models, Anthropic prompt caching, a local server's context window, extra request
//! fields, prices).

#![cfg(feature = "fake-server")]

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anpl::llm::fake_server::{FakeRule, FakeServer, FakeTable, Fault};
use anpl::llm::provider::Endpoint;
use anpl::llm::providers;
use anpl::llm::{
    ChatRequest, ChatResponse, Client, HttpSettings, LlmError, Message, ModelOptions, Price,
    Progress,
};
use pretty_assertions::assert_eq;
use serde_json::json;
use support::model::start;
use tokio_util::sync::CancellationToken;

const ANSWER: &str = "Here is the function:\n\n```python\ndef double(x):\n    return 2 * x\n```\n\nIt multiplies by two.";

fn table() -> FakeTable {
    FakeTable {
        rules: vec![FakeRule::new("double", ANSWER)],
        ..FakeTable::default()
    }
}

fn settings() -> HttpSettings {
    HttpSettings {
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(1),
        max_retries: 2,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(5),
    }
}

fn endpoint(provider: &str, model: &str, srv: &FakeServer) -> Endpoint {
    let Some(info) = providers::builtin()
        .into_iter()
        .find(|p| p.name == provider)
    else {
        panic!("no provider {provider}");
    };
    let base_url = match info.format {
        providers::WireFormat::OpenAi => srv.openai_base(),
        providers::WireFormat::Anthropic => srv.url(),
    };
    Endpoint {
        provider: info,
        model: model.into(),
        base_url,
        api_key: Some(anpl::llm::Secret::new("sk-test")),
        // As the configuration resolves it: from the built-in table.
        options: ModelOptions {
            price: anpl::llm::prices::builtin(provider, model),
            ..ModelOptions::default()
        },
    }
}

fn client(ep: Endpoint) -> Client {
    client_with(ep, CancellationToken::new())
}

fn client_with(ep: Endpoint, cancel: CancellationToken) -> Client {
    match Client::new(ep, settings(), cancel) {
        Ok(c) => c,
        Err(e) => panic!("client: {e}"),
    }
}

fn request(max_tokens: u32) -> ChatRequest {
    ChatRequest {
        system: "You write Python.".into(),
        messages: vec![Message::user("Implement: double the number")],
        temperature: 0.8,
        max_tokens,
        n: 1,
    }
}

fn counter() -> (Progress, Arc<AtomicU64>) {
    let seen = Arc::new(AtomicU64::new(0));
    let s = seen.clone();
    (
        Progress::new(move |n| {
            s.fetch_add(n, Ordering::SeqCst);
        }),
        seen,
    )
}

async fn ok(c: &Client, req: &ChatRequest, progress: &Progress) -> ChatResponse {
    match c.complete_watched(req, progress).await {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

const FORMATS: [(&str, &str); 2] = [
    ("openai", "gpt-4o-mini"),
    ("anthropic", "claude-sonnet-4-5"),
];

#[tokio::test]
async fn streamed_answers_arrive_in_pieces_and_come_out_whole_in_both_formats() {
    for (provider, model) in FORMATS {
        let srv = start(table()).await;
        let c = client(endpoint(provider, model, &srv));
        let (progress, seen) = counter();
        let r = ok(&c, &request(512), &progress).await;
        assert_eq!(r.texts(), vec![ANSWER.to_string()], "{provider}");
        assert!(!r.answers[0].truncated);
        assert!(
            r.usage.input_tokens > 0 && r.usage.output_tokens > 0,
            "{provider}: {:?}",
            r.usage
        );
        // Four characters a chunk: the progress heard of every one of them.
        assert_eq!(
            seen.load(Ordering::SeqCst),
            (ANSWER.len() as u64).div_ceil(4),
            "{provider}"
        );
        assert_eq!(srv.requests()[0].body["stream"], json!(true), "{provider}");
        assert!(
            r.cost_usd.is_some_and(|c| c > 0.0),
            "{provider}: priced from the table"
        );
    }
}

#[tokio::test]
async fn a_server_that_does_not_stream_still_works() {
    for (provider, model) in FORMATS {
        let srv = start(FakeTable {
            stream: false,
            ..table()
        })
        .await;
        let c = client(endpoint(provider, model, &srv));
        let (progress, seen) = counter();
        let r = ok(&c, &request(512), &progress).await;
        assert_eq!(r.texts(), vec![ANSWER.to_string()], "{provider}");
        assert_eq!(
            seen.load(Ordering::SeqCst),
            r.usage.output_tokens,
            "{provider}"
        );
    }
}

#[tokio::test]
async fn a_server_refusing_to_stream_gets_plain_requests_from_then_on() {
    let srv = start(table()).await;
    srv.push_fault(Fault::openai_error(
        400,
        "invalid_request_error",
        "stream is not supported for this model",
    ));
    let c = client(endpoint("openai-compatible", "local", &srv));
    for _ in 0..2 {
        let r = ok(&c, &request(512), &Progress::none()).await;
        assert_eq!(r.texts(), vec![ANSWER.to_string()]);
    }
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].body["stream"], json!(true));
    assert_eq!(reqs[1].body.get("stream"), None);
    assert_eq!(reqs[2].body.get("stream"), None);
}

#[tokio::test]
async fn cancel_stops_a_stream_at_once_and_keeps_nothing() {
    for (provider, model) in FORMATS {
        let srv = start(FakeTable {
            chunk_delay_ms: 100,
            ..table()
        })
        .await;
        let cancel = CancellationToken::new();
        let c = client_with(endpoint(provider, model, &srv), cancel.clone());
        let (progress, seen) = counter();
        let watcher = {
            let seen = seen.clone();
            let cancel = cancel.clone();
            tokio::spawn(async move {
                while seen.load(Ordering::SeqCst) == 0 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                cancel.cancel();
                Instant::now()
            })
        };
        let r = c.complete_watched(&request(512), &progress).await;
        let stopped = Instant::now();
        let cancelled_at = match watcher.await {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(r, Err(LlmError::Cancelled), "{provider}");
        assert!(
            stopped.duration_since(cancelled_at) < Duration::from_millis(80),
            "{provider}: took {:?} to stop",
            stopped.duration_since(cancelled_at)
        );
        assert!(
            seen.load(Ordering::SeqCst) < (ANSWER.len() as u64) / 4,
            "{provider}"
        );
    }
}

#[tokio::test]
async fn a_stream_broken_off_half_way_is_asked_again_and_nothing_of_it_kept() {
    answered_whole_after(|| Fault::StreamCut(5)).await;
}

#[tokio::test]
async fn an_overloaded_error_inside_the_stream_is_retried() {
    answered_whole_after(|| Fault::StreamError(4)).await;
}

/// In each format, a first request that meets `fault` is asked again, and the answer is the
/// second one whole.
async fn answered_whole_after(fault: fn() -> Fault) {
    for (provider, model) in FORMATS {
        let srv = start(table()).await;
        srv.push_fault(fault());
        let c = client(endpoint(provider, model, &srv));
        let r = ok(&c, &request(512), &Progress::none()).await;
        assert_eq!(r.texts(), vec![ANSWER.to_string()], "{provider}");
        assert_eq!(srv.request_count(), 2, "{provider}");
    }
}

#[tokio::test]
async fn reasoning_fields_and_thinking_blocks_are_never_the_answer() {
    let thinking = "The user wants to double x.\n\n```python\ndef double(x):\n    return x + x + 0\n```\n\nSimpler: 2 * x.";
    for stream in [true, false] {
        for (provider, model, field) in [
            ("openai-compatible", "deepseek-r1", "reasoning_content"),
            ("ollama", "qwen3:8b", "reasoning"),
            ("anthropic", "claude-sonnet-4-5", ""),
        ] {
            let srv = start(FakeTable {
                stream,
                reasoning: Some(thinking.to_string()),
                reasoning_field: field.to_string(),
                ..table()
            })
            .await;
            let c = client(endpoint(provider, model, &srv));
            let (progress, seen) = counter();
            let r = ok(&c, &request(512), &progress).await;
            assert_eq!(
                r.texts(),
                vec![ANSWER.to_string()],
                "{provider} stream={stream}"
            );
            // Reasoning counts as tokens received while it streams.
            assert!(
                seen.load(Ordering::SeqCst) > (ANSWER.len() as u64) / 4,
                "{provider} stream={stream}"
            );
        }
    }
}

#[tokio::test]
async fn a_cut_off_answer_is_asked_again_with_twice_the_budget() {
    let long = format!(
        "```python\ndef double(x):\n    # {}\n    return 2 * x\n```",
        "why ".repeat(40)
    );
    for (provider, model) in FORMATS {
        for stream in [true, false] {
            let srv = start(FakeTable {
                rules: vec![FakeRule::new("double", long.clone())],
                stream,
                ..FakeTable::default()
            })
            .await;
            let c = client(endpoint(provider, model, &srv));
            // About 55 tokens: 40 cuts it (with a closed-looking start), 80 does not.
            let r = ok(&c, &request(40), &Progress::none()).await;
            assert_eq!(r.answers.len(), 1);
            assert!(!r.answers[0].truncated, "{provider} stream={stream}");
            assert_eq!(r.answers[0].text, long, "{provider} stream={stream}");
            let budgets: Vec<serde_json::Value> = srv
                .requests()
                .iter()
                .map(|q| {
                    q.body
                        .get("max_completion_tokens")
                        .or_else(|| q.body.get("max_tokens"))
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            assert_eq!(
                budgets,
                vec![json!(40), json!(80)],
                "{provider} stream={stream}"
            );
        }
    }
}

#[tokio::test]
async fn an_answer_still_cut_off_after_the_retry_comes_back_marked() {
    for (provider, model) in FORMATS {
        let srv = start(table()).await;
        let c = client(endpoint(provider, model, &srv));
        let r = ok(&c, &request(5), &Progress::none()).await;
        assert!(r.answers[0].truncated, "{provider}");
        assert_eq!(srv.request_count(), 2, "{provider}");
    }
}

#[tokio::test]
async fn openai_reasoning_models_get_no_temperature_and_their_reasoning_effort() {
    let srv = start(FakeTable {
        supports_n: true,
        ..table()
    })
    .await;
    let mut ep = endpoint("openai", "o4-mini", &srv);
    ep.options.reasoning_effort = Some("low".into());
    let c = client(ep);
    // Three samples: three separate answers, no `n`.
    let mut three = request(512);
    three.n = 3;
    let r = ok(&c, &three, &Progress::none()).await;
    assert_eq!(r.answers.len(), 3);
    assert_eq!(srv.request_count(), 3);
    let first_of_gpt4 = srv.request_count();
    let mut ep = endpoint("openai", "gpt-4o-mini", &srv);
    ep.options.reasoning_effort = Some("low".into());
    let c = client(ep);
    ok(&c, &request(512), &Progress::none()).await;
    let reqs = srv.requests();
    let body = &reqs[0].body;
    assert_eq!(body.get("temperature"), None);
    assert_eq!(body.get("n"), None);
    assert_eq!(body["reasoning_effort"], json!("low"));
    assert_eq!(body["max_completion_tokens"], json!(512));
    let body = &reqs[first_of_gpt4].body;
    assert_eq!(body["temperature"], json!(0.8));
    assert_eq!(body.get("reasoning_effort"), None);
}

fn cached_request(program: &str, hole: &str) -> ChatRequest {
    let text = format!("The program so far:\n\n```python\n{program}\n```\n\nImplement: {hole}");
    let head = text.find("```\n\n").map_or(0, |i| i + 5);
    ChatRequest {
        system: "You write Python.".into(),
        messages: vec![Message::user(text).with_cache_marks([head])],
        temperature: 0.0,
        max_tokens: 512,
        n: 1,
    }
}

#[tokio::test]
async fn anthropic_caches_the_repeated_program_and_counts_the_cached_tokens() {
    let srv = start(FakeTable {
        prompt_cache: true,
        cache_min_tokens: 100,
        ..table()
    })
    .await;
    let c = client(endpoint("anthropic", "claude-sonnet-4-5", &srv));
    let program = "def main(grid):\n    return grid\n".repeat(30);
    let first = ok(
        &c,
        &cached_request(&program, "double the number"),
        &Progress::none(),
    )
    .await;
    let second = ok(
        &c,
        &cached_request(&program, "double it, the number"),
        &Progress::none(),
    )
    .await;
    assert_eq!(first.usage.cached_input_tokens, 0);
    assert!(first.usage.cache_write_tokens > 200, "{:?}", first.usage);
    assert_eq!(
        second.usage.cached_input_tokens,
        first.usage.cache_write_tokens
    );
    assert_eq!(second.usage.cache_write_tokens, 0);
    assert!(second.usage.input_tokens > second.usage.cached_input_tokens);
    // Cached tokens cost a tenth: the second request is cheaper than the first.
    assert!(
        second.cost_usd < first.cost_usd,
        "{:?} {:?}",
        first.cost_usd,
        second.cost_usd
    );
    let body = &srv.requests()[0].body;
    assert_eq!(
        body["system"][0]["cache_control"],
        json!({"type": "ephemeral"})
    );
    assert_eq!(
        body["messages"][0]["content"][0]["cache_control"],
        json!({"type": "ephemeral"})
    );
    assert_eq!(body["messages"][0]["content"][1].get("cache_control"), None);
}

#[tokio::test]
async fn a_prompt_cut_by_a_local_server_context_window_is_reported_with_the_fix() {
    let srv = start(FakeTable {
        context_window: Some(2048),
        ..table()
    })
    .await;
    let c = client(endpoint("ollama", "qwen2.5-coder:7b", &srv));
    let mut req = request(512);
    req.messages = vec![Message::user(format!(
        "{}\nImplement: double the number",
        "x = 1\n".repeat(2000)
    ))];
    let r = ok(&c, &req, &Progress::none()).await;
    assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
    assert!(
        r.notes[0].contains("read only 2048 of the about"),
        "{}",
        r.notes[0]
    );
    assert!(
        r.notes[0].contains("OLLAMA_CONTEXT_LENGTH=8192 ollama serve"),
        "{}",
        r.notes[0]
    );
    // A prompt that fits says nothing.
    let r = ok(&c, &request(512), &Progress::none()).await;
    assert_eq!(r.notes, Vec::<String>::new());
}

#[tokio::test]
async fn cost_is_priced_when_known_and_unknown_otherwise() {
    let srv = start(table()).await;
    let mut ep = endpoint("openai-compatible", "my-model", &srv);
    let c = client(ep.clone());
    let r = ok(&c, &request(512), &Progress::none()).await;
    assert_eq!(r.cost_usd, None);
    ep.options.price = Some(Price {
        input: 1.0,
        cached_input: 0.1,
        output: 2.0,
        cache_write: None,
    });
    let c = client(ep);
    let r = ok(&c, &request(512), &Progress::none()).await;
    let want = (r.usage.input_tokens as f64 + 2.0 * r.usage.output_tokens as f64) / 1e6;
    assert_eq!(r.cost_usd, Some(want));
}
