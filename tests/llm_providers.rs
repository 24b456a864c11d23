//! The real HTTP clients against the local fake server speaking the OpenAI and Anthropic wire
//! formats: request shapes, sampling, retries, fault injection, error messages, cancellation,
//! and that a key never shows up where it should not.

#![cfg(feature = "fake-server")]

mod support;

use std::time::{Duration, Instant};

use anpl::llm::fake_server::{FakeRule, FakeTable, Fault};
use anpl::llm::provider::Endpoint;
use anpl::llm::providers;
use anpl::llm::{
    extract, ChatRequest, Client, ExtractError, ExtractTarget, HttpSettings, LlmError, Message,
    Secret,
};
use pretty_assertions::assert_eq;
use serde_json::json;
use support::model::start;
use tokio_util::sync::CancellationToken;

const KEY: &str = "sk-test-SECRET-0123456789-abcdef";

fn table() -> FakeTable {
    FakeTable {
        rules: vec![FakeRule::new(
            "double",
            "```python\ndef double(x):\n    return 2 * x\n```",
        )],
        default: None,
        delay_ms: 0,
        api_key: None,
        supports_n: true,
        ..FakeTable::default()
    }
}

fn settings() -> HttpSettings {
    HttpSettings {
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(1),
        max_retries: 3,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(5),
    }
}

fn endpoint(provider: &str, base: String, key: Option<&str>) -> Endpoint {
    let info = match providers::builtin()
        .into_iter()
        .find(|p| p.name == provider)
    {
        Some(i) => i,
        None => panic!("no provider {provider}"),
    };
    Endpoint {
        provider: info,
        model: "test-model".into(),
        base_url: base,
        api_key: key.map(Secret::new),
        options: Default::default(),
    }
}

fn client(ep: Endpoint, settings: HttpSettings) -> Client {
    match Client::new(ep, settings, CancellationToken::new()) {
        Ok(c) => c,
        Err(e) => panic!("client: {e}"),
    }
}

fn request(n: u32) -> ChatRequest {
    ChatRequest {
        system: "You write Python.".into(),
        messages: vec![Message::user("Implement: double the number")],
        temperature: 0.8,
        max_tokens: 256,
        n,
    }
}

async fn complete_err(c: &Client, req: &ChatRequest) -> LlmError {
    match c.complete(req).await {
        Ok(r) => panic!("expected an error, got {r:?}"),
        Err(e) => e,
    }
}

fn assert_no_key(e: &LlmError) {
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(!shown.contains(KEY), "key leaked: {shown}");
    }
}

#[tokio::test]
async fn openai_success_sends_the_documented_request() {
    let srv = start(table()).await;
    let c = client(endpoint("openai", srv.openai_base(), Some(KEY)), settings());
    let r = match c.complete(&request(1)).await {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        r.texts(),
        vec!["```python\ndef double(x):\n    return 2 * x\n```".to_string()]
    );
    assert_eq!(r.model, "test-model");
    assert!(r.usage.input_tokens > 0 && r.usage.output_tokens > 0);
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].path, "/v1/chat/completions");
    assert_eq!(
        reqs[0].body,
        json!({
            "model": "test-model",
            "messages": [
                {"role": "system", "content": "You write Python."},
                {"role": "user", "content": "Implement: double the number"},
            ],
            "temperature": 0.8,
            "max_completion_tokens": 256,
            "stream": true,
            "stream_options": {"include_usage": true},
        })
    );
    assert_eq!(
        reqs[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(reqs[0].header("x-api-key"), None);
}

#[tokio::test]
async fn openai_n_samples_come_from_one_request() {
    let mut t = table();
    t.rules = vec![FakeRule {
        contains: "double".into(),
        answer: None,
        answers: vec!["a".into(), "b".into(), "c".into()],
        weighted: Vec::new(),
    }];
    let srv = start(t).await;
    let c = client(endpoint("openai", srv.openai_base(), Some(KEY)), settings());
    let r = c.complete(&request(3)).await;
    assert_eq!(
        r.map(|r| r.texts()),
        Ok(vec!["a".into(), "b".into(), "c".into()])
    );
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].body["n"], json!(3));
}

#[tokio::test]
async fn a_server_returning_fewer_choices_is_topped_up_in_parallel() {
    let mut t = table();
    t.supports_n = false;
    t.delay_ms = 300;
    let srv = start(t).await;
    let c = client(endpoint("openai", srv.openai_base(), Some(KEY)), settings());
    let started = Instant::now();
    let r = c.complete(&request(4)).await;
    let took = started.elapsed();
    assert_eq!(r.map(|r| r.answers.len()), Ok(4));
    assert_eq!(srv.request_count(), 4, "one with n=4, then three singles");
    // One request, then three at once: about two delays, not four.
    assert!(took < Duration::from_millis(1100), "{took:?}");
}

#[tokio::test]
async fn ollama_asks_for_samples_in_parallel_without_n() {
    let mut t = table();
    t.supports_n = false;
    t.delay_ms = 300;
    let srv = start(t).await;
    let c = client(endpoint("ollama", srv.openai_base(), None), settings());
    let started = Instant::now();
    let r = c.complete(&request(5)).await;
    let took = started.elapsed();
    assert_eq!(r.map(|r| r.answers.len()), Ok(5));
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 5);
    for req in &reqs {
        assert_eq!(req.body.get("n"), None);
        assert_eq!(req.body["max_tokens"], json!(256));
        assert_eq!(req.header("authorization"), None);
    }
    assert!(took < Duration::from_millis(900), "parallel, took {took:?}");
}

#[tokio::test]
async fn anthropic_wire_format_and_parallel_samples() {
    let srv = start(table()).await;
    let c = client(endpoint("anthropic", srv.url(), Some(KEY)), settings());
    let mut req = request(2);
    req.temperature = 1.5;
    let r = c.complete(&req).await;
    assert_eq!(r.map(|r| r.answers.len()), Ok(2));
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    let first = &reqs[0];
    assert_eq!(first.path, "/v1/messages");
    assert_eq!(first.header("x-api-key"), Some(KEY));
    assert_eq!(first.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(first.header("authorization"), None);
    assert_eq!(
        first.body,
        json!({
            "model": "test-model",
            "system": [{"type": "text", "text": "You write Python.", "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": "Implement: double the number"}],
            "max_tokens": 256,
            "temperature": 1.0,
            "stream": true,
        })
    );
}

#[tokio::test]
async fn retries_429_honouring_retry_after() {
    let srv = start(table()).await;
    srv.push_fault(Fault::Status {
        status: 429,
        headers: vec![("retry-after".into(), "1".into())],
        body: json!({"error": {"message": "slow down", "type": "rate_limit"}}).to_string(),
    });
    let c = client(endpoint("openai", srv.openai_base(), Some(KEY)), settings());
    let started = Instant::now();
    let r = c.complete(&request(1)).await;
    assert_eq!(r.map(|r| r.answers.len()), Ok(1));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as told"
    );
    assert_eq!(srv.request_count(), 2);
}

#[tokio::test]
async fn retries_500_and_a_connection_reset() {
    let srv = start(table()).await;
    srv.push_fault(Fault::openai_error(500, "server_error", "boom"));
    srv.push_fault(Fault::Reset);
    let c = client(endpoint("openai", srv.openai_base(), Some(KEY)), settings());
    let r = c.complete(&request(1)).await;
    assert_eq!(r.map(|r| r.answers.len()), Ok(1));
    assert_eq!(srv.request_count(), 3);
}

#[tokio::test]
async fn gives_up_after_the_retry_budget_with_a_clear_error() {
    let srv = start(table()).await;
    for _ in 0..4 {
        srv.push_fault(Fault::openai_error(503, "overloaded", "try later"));
    }
    let c = client(endpoint("openai", srv.openai_base(), Some(KEY)), settings());
    let e = complete_err(&c, &request(1)).await;
    assert_eq!(
        e.to_string(),
        "openai server error HTTP 503 (4 attempts): try later"
    );
    assert_eq!(srv.request_count(), 4);

    for _ in 0..4 {
        srv.push_fault(Fault::Reset);
    }
    let e = complete_err(&c, &request(1)).await;
    assert!(
        matches!(e, LlmError::Connection { attempts: 4, .. }),
        "{e:?}"
    );
    assert!(!e.to_string().contains('\n'));
}

#[tokio::test]
async fn malformed_json_and_empty_choices_are_reported_not_retried() {
    let srv = start(table()).await;
    srv.push_fault(Fault::Malformed);
    let c = client(endpoint("openai", srv.openai_base(), Some(KEY)), settings());
    let e = complete_err(&c, &request(1)).await;
    assert!(
        e.to_string()
            .starts_with("openai sent a response anpl cannot read: "),
        "{e}"
    );
    srv.push_fault(Fault::EmptyChoices);
    let e = complete_err(&c, &request(1)).await;
    assert_eq!(
        e,
        LlmError::EmptyChoices {
            provider: "openai".into(),
            model: "test-model".into()
        }
    );
    assert_eq!(srv.request_count(), 2);

    let a = client(endpoint("anthropic", srv.url(), Some(KEY)), settings());
    srv.push_fault(Fault::EmptyChoices);
    let e = complete_err(&a, &request(1)).await;
    assert!(matches!(e, LlmError::EmptyChoices { .. }), "{e:?}");
}

#[tokio::test]
async fn a_truncated_code_block_arrives_and_extraction_rejects_it() {
    let mut t = table();
    t.rules = vec![FakeRule::new(
        "double",
        "```python\ndef double(x):\n    return [2 *",
    )];
    let srv = start(t).await;
    let c = client(endpoint("openai", srv.openai_base(), Some(KEY)), settings());
    let texts = c.complete(&request(1)).await.map(|r| r.texts());
    let text = match texts.as_deref() {
        Ok([t]) => t.clone(),
        other => panic!("{other:?}"),
    };
    let target = ExtractTarget {
        name: "double".into(),
        inline: false,
        forbidden: vec![],
        ..ExtractTarget::default()
    };
    assert_eq!(
        extract(&text, &target),
        Err(ExtractError::Truncated { line: 1 })
    );
}

#[tokio::test]
async fn a_response_slower_than_the_timeout_times_out() {
    let srv = start(table()).await;
    srv.push_fault(Fault::Delay(Duration::from_secs(3)));
    let mut s = settings();
    s.timeout = Duration::from_millis(300);
    s.max_retries = 0;
    let c = client(endpoint("openai", srv.openai_base(), Some(KEY)), s);
    let started = Instant::now();
    let e = complete_err(&c, &request(1)).await;
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert!(matches!(e, LlmError::Timeout { attempts: 1, .. }), "{e:?}");
    assert!(e.to_string().contains("within 0.3s"), "{e}");
}

#[tokio::test]
async fn bad_key_names_the_environment_variable_and_is_not_retried() {
    let mut t = table();
    t.api_key = Some("the-right-key".into());
    let srv = start(t).await;
    let c = client(endpoint("openai", srv.openai_base(), Some(KEY)), settings());
    let e = complete_err(&c, &request(1)).await;
    assert!(
        matches!(e, LlmError::Unauthorized { status: 401, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("OPENAI_API_KEY"), "{e}");
    assert_no_key(&e);
    assert_eq!(srv.request_count(), 1);

    let a = client(endpoint("anthropic", srv.url(), Some(KEY)), settings());
    let e = complete_err(&a, &request(1)).await;
    assert!(e.to_string().contains("ANTHROPIC_API_KEY"), "{e}");
    assert_no_key(&e);
}

#[tokio::test]
async fn unknown_model_and_context_length_errors() {
    let srv = start(table()).await;
    srv.push_fault(Fault::openai_error(
        404,
        "model_not_found",
        "The model `test-model` does not exist",
    ));
    let c = client(endpoint("openai", srv.openai_base(), Some(KEY)), settings());
    let e = complete_err(&c, &request(1)).await;
    assert_eq!(
        e.to_string(),
        format!(
            "model `test-model` not found at {}/chat/completions (HTTP 404): check the model name and the base URL (The model `test-model` does not exist)",
            srv.openai_base()
        )
    );

    srv.push_fault(Fault::openai_error(
        400,
        "context_length_exceeded",
        "This model's maximum context length is 8192 tokens.",
    ));
    let e = complete_err(&c, &request(1)).await;
    assert!(matches!(e, LlmError::ContextLength { .. }), "{e:?}");

    let a = client(endpoint("anthropic", srv.url(), Some(KEY)), settings());
    srv.push_fault(Fault::anthropic_error(
        400,
        "invalid_request_error",
        "prompt is too long: 210000 tokens > 200000 maximum",
    ));
    let e = complete_err(&a, &request(1)).await;
    assert_eq!(
        e.to_string(),
        "the prompt does not fit in the context window of `test-model`: prompt is too long: 210000 tokens > 200000 maximum"
    );
    // A wrong path (base URL without /v1) is a 404 too.
    let wrong = client(endpoint("openai", srv.url(), Some(KEY)), settings());
    let e = complete_err(&wrong, &request(1)).await;
    assert!(matches!(e, LlmError::NotFound { .. }), "{e:?}");
    assert_eq!(srv.request_count(), 4, "none of these is retried");
}

#[tokio::test]
async fn an_unreachable_server_says_so() {
    // Bind and drop to get a port nobody listens on.
    let port = match std::net::TcpListener::bind("127.0.0.1:0") {
        Ok(l) => l.local_addr().map(|a| a.port()).unwrap_or(9),
        Err(e) => panic!("{e}"),
    };
    let mut s = settings();
    s.max_retries = 1;
    let c = client(
        endpoint("openai", format!("http://127.0.0.1:{port}/v1"), Some(KEY)),
        s,
    );
    let e = complete_err(&c, &request(1)).await;
    assert!(
        matches!(e, LlmError::Unreachable { attempts: 2, .. }),
        "{e:?}"
    );
    assert!(
        e.to_string().starts_with(&format!(
            "cannot reach http://127.0.0.1:{port}/v1/chat/completions: "
        )),
        "{e}"
    );
}

#[tokio::test]
async fn cancellation_stops_in_flight_requests_and_retries() {
    let srv = start(table()).await;
    // A client whose requests are cancelled `ms` after it is made.
    let cancelled_after = |ms: u64| {
        let token = CancellationToken::new();
        let cancel = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            cancel.cancel();
        });
        match Client::new(
            endpoint("openai", srv.openai_base(), Some(KEY)),
            settings(),
            token,
        ) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    };
    srv.push_fault(Fault::Delay(Duration::from_secs(10)));
    let c = cancelled_after(100);
    let started = Instant::now();
    let e = complete_err(&c, &request(3)).await;
    assert_eq!(e, LlmError::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(2));

    // Cancelled during a long Retry-After wait.
    srv.push_fault(Fault::Status {
        status: 429,
        headers: vec![("retry-after".into(), "4".into())],
        body: "{}".into(),
    });
    let c = cancelled_after(200);
    let started = Instant::now();
    assert_eq!(complete_err(&c, &request(1)).await, LlmError::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_key_echoed_by_the_server_is_masked_and_debug_never_shows_it() {
    let srv = start(table()).await;
    srv.push_fault(Fault::openai_error(
        400,
        "invalid_request",
        &format!("bad request for key {KEY}"),
    ));
    let ep = endpoint("openai", srv.openai_base(), Some(KEY));
    assert!(!format!("{ep:?}").contains(KEY));
    let c = client(ep, settings());
    assert!(!format!("{c:?}").contains(KEY));
    let e = complete_err(&c, &request(1)).await;
    assert_no_key(&e);
    assert!(e.to_string().contains("****cdef"), "{e}");
}

#[tokio::test]
async fn partial_samples_survive_a_failed_parallel_request() {
    let mut t = table();
    t.supports_n = false;
    let srv = start(t).await;
    srv.push_fault(Fault::openai_error(400, "bad", "rejected one"));
    let c = client(endpoint("ollama", srv.openai_base(), None), settings());
    let r = c.complete(&request(3)).await;
    assert_eq!(r.map(|r| r.answers.len()), Ok(2));
}

#[tokio::test]
async fn openrouter_reported_cost_is_summed() {
    // The fake server does not report cost; check the parser through a canned answer.
    let srv = start(table()).await;
    srv.push_fault(Fault::Status {
        status: 200,
        headers: vec![],
        body: json!({
            "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "x"}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "cost": 0.0025},
        })
        .to_string(),
    });
    let c = client(
        endpoint("openrouter", srv.openai_base(), Some(KEY)),
        settings(),
    );
    let r = match c.complete(&request(1)).await {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(r.cost_usd, Some(0.0025));
    assert_eq!((r.usage.input_tokens, r.usage.output_tokens), (10, 5));
    assert_eq!(r.model, "m");
}
