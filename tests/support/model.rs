//! The fake model in-process (`anpl::llm::fake_server`), answering the way models word
//! answers, and the flags that point the binary at it.

use anpl::llm::fake_server::{FakeRule, FakeServer, FakeTable};

/// The model name the tests give the fake server.
pub const FAKE: &str = "openai-compatible:fake";

/// `body` as a model answers with code: a sentence, then the code in a Python fence.
pub fn code(body: &str) -> String {
    format!("Here it is:\n\n```python\n{body}\n```\n")
}

/// A rule answering requests that contain `contains` with each of `bodies` in turn (the
/// greedy request first, then the samples), as `code`.
pub fn rule(contains: &str, bodies: &[&str]) -> FakeRule {
    FakeRule {
        contains: contains.to_string(),
        answer: None,
        answers: bodies.iter().map(|b| code(b)).collect(),
        weighted: Vec::new(),
    }
}

/// A fake server answering from `table`.
pub async fn start(table: FakeTable) -> FakeServer {
    FakeServer::start(table)
        .await
        .unwrap_or_else(|e| panic!("fake server: {e}"))
}

/// A fake server answering from `rules`, otherwise as the default table does.
pub async fn serve(rules: Vec<FakeRule>) -> FakeServer {
    start(FakeTable {
        rules,
        ..FakeTable::default()
    })
    .await
}

/// The flags that make `anpl` ask the fake server at `base` (an OpenAI base URL), and fail
/// at once rather than retry.
pub fn flags(base: &str) -> Vec<String> {
    ["--model", FAKE, "--base-url", base, "--max-retries", "0"]
        .map(String::from)
        .to_vec()
}
