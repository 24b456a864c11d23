//! The one-line errors a model request can end in. Each says what went wrong and what to do
//! about it (which environment variable holds the key, which flag raises the timeout), and
//! none ever holds an API key: server text passes through [`one_line`] and
//! [`crate::llm::Secret::redact`] before it lands in a message.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum LlmError {
    #[error("{provider} rejected the API key (HTTP {status}): {hint}")]
    Unauthorized {
        provider: String,
        status: u16,
        hint: String,
    },
    #[error("no API key for {provider}: {hint}")]
    MissingKey { provider: String, hint: String },
    #[error("model `{model}` needs a base URL: pass --base-url http://host:port/v1 or set base_url under [providers.{provider}] in anpl.toml")]
    NeedsBaseUrl { provider: String, model: String },
    #[error("model `{model}` not found at {url} (HTTP 404): check the model name and the base URL ({message})")]
    NotFound {
        model: String,
        url: String,
        message: String,
    },
    #[error("the prompt does not fit in the context window of `{model}`: {message}")]
    ContextLength { model: String, message: String },
    #[error("{provider} kept answering 429 Too Many Requests ({attempts} attempts): {message}")]
    RateLimited {
        provider: String,
        attempts: u32,
        message: String,
    },
    #[error("{provider} server error HTTP {status} ({attempts} attempts): {message}")]
    Server {
        provider: String,
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("{provider} rejected the request (HTTP {status}): {message}")]
    Rejected {
        provider: String,
        status: u16,
        message: String,
    },
    #[error("cannot reach {url}: {reason} ({attempts} attempts; is the server running and the base URL right?)")]
    Unreachable {
        url: String,
        reason: String,
        attempts: u32,
    },
    #[error("connection to {url} failed: {reason} ({attempts} attempts)")]
    Connection {
        url: String,
        reason: String,
        attempts: u32,
    },
    #[error("no answer from {url} within {secs}s ({attempts} attempts): raise --request-timeout SECS or `request_timeout` in anpl.toml")]
    Timeout {
        url: String,
        secs: f64,
        attempts: u32,
    },
    #[error("{provider} sent a response anpl cannot read: {reason}")]
    Malformed { provider: String, reason: String },
    #[error("{provider} returned no answer (empty choices) for `{model}`")]
    EmptyChoices { provider: String, model: String },
    #[error("request cancelled")]
    Cancelled,
    #[error("model `{0}` calls no provider, so it has no HTTP client")]
    NotRemote(String),
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
}

impl LlmError {
    /// A body (or one streamed event) that does not read as the wire format says: what was
    /// wrong, then the body on one line.
    pub fn malformed(provider: &str, what: &dyn std::fmt::Display, body: &[u8]) -> LlmError {
        LlmError::Malformed {
            provider: provider.to_string(),
            reason: format!("{what} in {}", one_line(&String::from_utf8_lossy(body))),
        }
    }

    /// Whether a later identical request may succeed: the engine retries a hole after these,
    /// and gives up on the model (and says so) after the others.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            LlmError::RateLimited { .. }
                | LlmError::Server { .. }
                | LlmError::Unreachable { .. }
                | LlmError::Connection { .. }
                | LlmError::Timeout { .. }
                | LlmError::Malformed { .. }
                | LlmError::EmptyChoices { .. }
        )
    }
}

/// Server text made fit for a one-line error: whitespace runs collapsed, at most 300
/// characters.
pub fn one_line(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > 300 {
        let cut: String = collapsed.chars().take(300).collect();
        format!("{cut}...")
    } else if collapsed.is_empty() {
        "(no message)".to_string()
    } else {
        collapsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_collapses_and_truncates() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
        assert_eq!(one_line("   "), "(no message)");
        let long = "x".repeat(400);
        let short = one_line(&long);
        assert_eq!(short.len(), 303);
        assert!(short.ends_with("..."));
    }

    #[test]
    fn messages_are_one_line() {
        let e = LlmError::Timeout {
            url: "http://127.0.0.1:1/v1/chat/completions".into(),
            secs: 0.5,
            attempts: 2,
        };
        let text = e.to_string();
        assert!(!text.contains('\n'));
        assert!(text.contains("within 0.5s"), "{text}");
    }
}
