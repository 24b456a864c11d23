//! The provider table. A provider is a wire format plus where it lives and where its key
//! comes from; every vendor that speaks the OpenAI chat-completions format is a row here,
//! not code. Config files add rows or override these with `[providers.NAME]` tables
//! (see [`crate::llm::config`]).

use serde::Serialize;

/// The two wire formats anpl speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WireFormat {
    /// `POST {base}/chat/completions`, bearer key (OpenAI, Ollama, vLLM, llama.cpp server,
    /// LM Studio, OpenRouter, ...).
    #[serde(rename = "openai")]
    OpenAi,
    /// `POST {base}/v1/messages`, `x-api-key` and `anthropic-version` headers.
    Anthropic,
}

impl WireFormat {
    pub fn parse(text: &str) -> Option<WireFormat> {
        match text {
            "openai" => Some(WireFormat::OpenAi),
            "anthropic" => Some(WireFormat::Anthropic),
            _ => None,
        }
    }
}

/// How a provider's base URL environment variable is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseUrlEnvStyle {
    /// The variable holds the base URL itself.
    Url,
    /// The variable holds `host[:port]` or a URL without the API path, as `OLLAMA_HOST`
    /// does; anpl adds the scheme, the default port and `/v1`.
    OllamaHost,
}

/// One provider row, owned so config files can add their own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderInfo {
    pub name: String,
    pub format: WireFormat,
    pub default_base_url: Option<String>,
    pub key_env: Option<String>,
    pub base_url_env: Option<(String, BaseUrlEnvStyle)>,
    /// A request without a key is refused before it is sent.
    pub needs_key: bool,
    /// The server honours `n` and returns several choices from one request.
    pub supports_n: bool,
    /// The name of the JSON field holding the output budget.
    pub max_tokens_field: String,
    pub description: String,
    /// Ask for answers as server-sent events, shown while they arrive. A server that answers
    /// a streaming request with plain JSON still works; this is off only for servers that
    /// refuse the request.
    pub stream: bool,
    /// The server may cut a prompt to its context window without an error (local servers):
    /// compare the prompt tokens it reports with what was sent.
    pub checks_context: bool,
    /// Mark the repeated part of the prompt for the provider's prompt cache (Anthropic).
    pub prompt_cache: bool,
    /// Fields added to every request body (a model's own `extra` adds to and overrides
    /// these).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

struct Row {
    name: &'static str,
    format: WireFormat,
    base: Option<&'static str>,
    key_env: Option<&'static str>,
    base_env: Option<(&'static str, BaseUrlEnvStyle)>,
    needs_key: bool,
    supports_n: bool,
    max_tokens_field: &'static str,
    description: &'static str,
    checks_context: bool,
}

use BaseUrlEnvStyle::{OllamaHost, Url};
use WireFormat::{Anthropic, OpenAi};

const BUILTIN_ROWS: &[Row] = &[
    Row {
        name: "openai",
        format: OpenAi,
        base: Some("https://api.openai.com/v1"),
        key_env: Some("OPENAI_API_KEY"),
        base_env: Some(("OPENAI_BASE_URL", Url)),
        needs_key: true,
        supports_n: true,
        // OpenAI's reasoning models refuse `max_tokens`; every current model takes this.
        max_tokens_field: "max_completion_tokens",
        checks_context: false,
        description: "OpenAI chat completions",
    },
    Row {
        name: "anthropic",
        format: Anthropic,
        base: Some("https://api.anthropic.com"),
        key_env: Some("ANTHROPIC_API_KEY"),
        base_env: Some(("ANTHROPIC_BASE_URL", Url)),
        needs_key: true,
        supports_n: false,
        max_tokens_field: "max_tokens",
        checks_context: false,
        description: "Anthropic messages API",
    },
    Row {
        name: "ollama",
        format: OpenAi,
        base: Some("http://localhost:11434/v1"),
        key_env: None,
        base_env: Some(("OLLAMA_HOST", OllamaHost)),
        needs_key: false,
        supports_n: false,
        max_tokens_field: "max_tokens",
        checks_context: true,
        description: "Ollama (OpenAI-compatible /v1 endpoint)",
    },
    Row {
        name: "openai-compatible",
        format: OpenAi,
        base: None,
        key_env: None,
        base_env: None,
        needs_key: false,
        supports_n: true,
        max_tokens_field: "max_tokens",
        checks_context: true,
        description: "any OpenAI-compatible server (vLLM, llama.cpp server, LM Studio, ...); needs a base URL",
    },
    Row {
        name: "openrouter",
        format: OpenAi,
        base: Some("https://openrouter.ai/api/v1"),
        key_env: Some("OPENROUTER_API_KEY"),
        base_env: None,
        needs_key: true,
        supports_n: false,
        max_tokens_field: "max_tokens",
        checks_context: false,
        description: "OpenRouter (OpenAI-compatible, reports cost)",
    },
    Row {
        name: "deepseek",
        format: OpenAi,
        base: Some("https://api.deepseek.com/v1"),
        key_env: Some("DEEPSEEK_API_KEY"),
        base_env: None,
        needs_key: true,
        supports_n: false,
        max_tokens_field: "max_tokens",
        checks_context: false,
        description: "DeepSeek (OpenAI-compatible)",
    },
    Row {
        name: "groq",
        format: OpenAi,
        base: Some("https://api.groq.com/openai/v1"),
        key_env: Some("GROQ_API_KEY"),
        base_env: None,
        needs_key: true,
        supports_n: false,
        max_tokens_field: "max_tokens",
        checks_context: false,
        description: "Groq (OpenAI-compatible)",
    },
    Row {
        name: "lmstudio",
        format: OpenAi,
        base: Some("http://localhost:1234/v1"),
        key_env: None,
        base_env: None,
        needs_key: false,
        supports_n: false,
        max_tokens_field: "max_tokens",
        checks_context: true,
        description: "LM Studio local server",
    },
    Row {
        name: "vllm",
        format: OpenAi,
        base: Some("http://localhost:8000/v1"),
        key_env: None,
        base_env: None,
        needs_key: false,
        supports_n: true,
        max_tokens_field: "max_tokens",
        checks_context: true,
        description: "vLLM OpenAI-compatible server",
    },
    Row {
        name: "llamacpp",
        format: OpenAi,
        base: Some("http://localhost:8080/v1"),
        key_env: None,
        base_env: None,
        needs_key: false,
        supports_n: false,
        max_tokens_field: "max_tokens",
        checks_context: true,
        description: "llama.cpp server",
    },
];

/// The built-in rows, in the order `anpl models` lists them.
pub fn builtin() -> Vec<ProviderInfo> {
    BUILTIN_ROWS
        .iter()
        .map(|r| ProviderInfo {
            name: r.name.to_string(),
            format: r.format,
            default_base_url: r.base.map(str::to_string),
            key_env: r.key_env.map(str::to_string),
            base_url_env: r.base_env.map(|(v, s)| (v.to_string(), s)),
            needs_key: r.needs_key,
            supports_n: r.supports_n,
            max_tokens_field: r.max_tokens_field.to_string(),
            description: r.description.to_string(),
            stream: true,
            checks_context: r.checks_context,
            prompt_cache: r.format == Anthropic,
            extra: match r.name {
                // OpenRouter reports the charge only when asked to.
                "openrouter" => serde_json::Map::from_iter([(
                    "usage".to_string(),
                    serde_json::json!({"include": true}),
                )]),
                _ => serde_json::Map::new(),
            },
        })
        .collect()
}

/// `OLLAMA_HOST` as Ollama reads it (`0.0.0.0`, `host:port`, `http://host:port`) turned into
/// the base URL of its OpenAI-compatible endpoint.
pub fn ollama_base_url(host: &str) -> String {
    let host = host.trim().trim_end_matches('/');
    let (scheme, rest) = match host.split_once("://") {
        Some((s, r)) => (s, r),
        None => ("http", host),
    };
    let (authority, path) = match rest.split_once('/') {
        Some((a, p)) => (a, format!("/{p}")),
        None => (rest, String::new()),
    };
    // A bracketed IPv6 address has colons of its own; only a colon after `]` is a port.
    let has_port = match authority.rfind(']') {
        Some(end) => authority[end..].contains(':'),
        None => authority.contains(':'),
    };
    let authority = match (authority, has_port) {
        ("", _) => "localhost:11434".to_string(),
        (a, true) => a.to_string(),
        (a, false) => format!("{a}:11434"),
    };
    let path = if path.ends_with("/v1") {
        path
    } else {
        format!("{path}/v1")
    };
    format!("{scheme}://{authority}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ollama_host_forms() {
        let cases = [
            ("localhost", "http://localhost:11434/v1"),
            ("127.0.0.1:9999", "http://127.0.0.1:9999/v1"),
            ("http://box:11434", "http://box:11434/v1"),
            ("http://box:11434/", "http://box:11434/v1"),
            ("https://box/v1", "https://box:11434/v1"),
            ("[::1]", "http://[::1]:11434/v1"),
            ("[::1]:8000", "http://[::1]:8000/v1"),
            ("", "http://localhost:11434/v1"),
        ];
        for (host, want) in cases {
            assert_eq!(ollama_base_url(host), want, "{host}");
        }
    }

    #[test]
    fn builtin_names_are_unique_and_openai_compatible_has_no_default_url() {
        let rows = builtin();
        let mut names: Vec<_> = rows.iter().map(|r| r.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), rows.len());
        let compat = rows.iter().find(|r| r.name == "openai-compatible");
        assert_eq!(compat.and_then(|r| r.default_base_url.clone()), None);
    }
}
