//! Model names as users write them: `provider:model`, `offline`, `replay`, or
//! `offline+provider:model` (try the model-free synthesizer first, then the model).
//!
//! Parsing checks only the shape; whether the provider exists (built in or a
//! `[providers.NAME]` row of a config file) is checked by [`crate::llm::config`], which knows
//! the table and can say where the name came from.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A provider and the model name it knows. The model name is everything after the first
/// colon, so `ollama:qwen2.5-coder:7b` is provider `ollama`, model `qwen2.5-coder:7b`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteModel {
    pub provider: String,
    pub model: String,
}

impl fmt::Display for RemoteModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.provider, self.model)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum ModelSpec {
    /// The model-free synthesizer only.
    Offline,
    /// Answers only from the session's recorded transcripts; never touches the network.
    Replay,
    Remote(RemoteModel),
    /// The synthesizer first; holes it cannot fill go to the model.
    OfflineThen(RemoteModel),
}

impl ModelSpec {
    /// The remote model this spec may call, if any.
    pub fn remote(&self) -> Option<&RemoteModel> {
        match self {
            ModelSpec::Remote(m) | ModelSpec::OfflineThen(m) => Some(m),
            ModelSpec::Offline | ModelSpec::Replay => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SpecError {
    #[error("empty model name: write `provider:model` (e.g. `openai:gpt-4o-mini`), `offline` or `replay`")]
    Empty,
    #[error("model `{0}` names no provider: write `provider:model`, e.g. `openai:{0}`, `anthropic:{0}` or `ollama:{0}`")]
    NoProvider(String),
    #[error("model `{spec}` is not a model name: did you mean `{suggestion}`?")]
    Misspelt { spec: String, suggestion: String },
    #[error("model `{0}` has no model name after the provider: write e.g. `{0}gpt-4o-mini`")]
    NoModel(String),
    #[error("model `{spec}`: provider `{provider}` may contain only lowercase letters, digits, `-` and `_`{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    BadProvider {
        spec: String,
        provider: String,
        /// The whole model name with the provider written as it probably was meant.
        suggestion: Option<String>,
    },
    #[error("model `{0}`: a model name may not contain whitespace")]
    Whitespace(String),
    #[error("model `{0}`: only `offline+provider:model` combines models (e.g. `offline+openai:gpt-4o-mini`)")]
    BadCombination(String),
}

impl FromStr for ModelSpec {
    type Err = SpecError;

    fn from_str(text: &str) -> Result<Self, SpecError> {
        let spec = text.trim();
        if spec.is_empty() {
            return Err(SpecError::Empty);
        }
        if spec.chars().any(char::is_whitespace) {
            return Err(SpecError::Whitespace(spec.to_string()));
        }
        match spec {
            "offline" => return Ok(ModelSpec::Offline),
            "replay" => return Ok(ModelSpec::Replay),
            _ => {}
        }
        if let Some(suggestion) = misspelt_keyword(spec) {
            return Err(SpecError::Misspelt {
                spec: spec.to_string(),
                suggestion,
            });
        }
        if let Some(rest) = spec.strip_prefix("offline+") {
            if rest == "offline" || rest == "replay" || rest.contains('+') && !rest.contains(':') {
                return Err(SpecError::BadCombination(spec.to_string()));
            }
            return parse_remote(rest, spec).map(ModelSpec::OfflineThen);
        }
        if spec.contains('+') && !spec.contains(':') {
            return Err(SpecError::BadCombination(spec.to_string()));
        }
        parse_remote(spec, spec).map(ModelSpec::Remote)
    }
}

fn parse_remote(text: &str, whole: &str) -> Result<RemoteModel, SpecError> {
    let Some((provider, model)) = text.split_once(':') else {
        return Err(SpecError::NoProvider(text.to_string()));
    };
    if !valid_provider(provider) {
        let lower = provider.to_ascii_lowercase();
        let suggestion = (lower != provider && valid_provider(&lower))
            .then(|| whole.replacen(provider, &lower, 1));
        return Err(SpecError::BadProvider {
            spec: whole.to_string(),
            provider: provider.to_string(),
            suggestion,
        });
    }
    if model.is_empty() {
        return Err(SpecError::NoModel(format!("{provider}:")));
    }
    Ok(RemoteModel {
        provider: provider.to_string(),
        model: model.to_string(),
    })
}

fn valid_provider(provider: &str) -> bool {
    !provider.is_empty()
        && provider
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// `ofline` -> `offline`, `replya` -> `replay`, `ofline+openai:gpt-4o` ->
/// `offline+openai:gpt-4o`: a misspelt keyword would otherwise be read as a model name
/// without a provider, or as a provider with a `+` in it, and get advice that cannot work.
fn misspelt_keyword(spec: &str) -> Option<String> {
    let (head, tail) = match spec.split_once('+') {
        Some((head, tail)) => (head, Some(tail)),
        None => (spec, None),
    };
    if head.contains(':') || head == "offline" {
        return None;
    }
    match tail {
        None => crate::suggest::closest(head, ["offline", "replay"]).map(str::to_string),
        Some(tail) => crate::suggest::closest(head, ["offline"]).map(|k| format!("{k}+{tail}")),
    }
}

/// Names people write for a provider that is called something else here.
const PROVIDER_ALIASES: &[(&str, &str)] = &[
    ("claude", "anthropic"),
    ("gpt", "openai"),
    ("chatgpt", "openai"),
    ("azure-openai", "openai-compatible"),
    ("vllm-openai", "vllm"),
    ("llama.cpp", "llamacpp"),
    ("llama-cpp", "llamacpp"),
    ("lm-studio", "lmstudio"),
];

/// The provider a user probably meant by an unknown provider name, from the `known` names
/// (the built-in table and any `[providers.NAME]` rows): a near spelling, or a common
/// other name for it (`claude` for `anthropic`).
pub fn suggest_provider<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    if let Some((_, to)) = PROVIDER_ALIASES.iter().find(|(from, _)| *from == name) {
        if let Some(k) = known.iter().find(|k| *k == to) {
            return Some(k);
        }
    }
    crate::suggest::closest(name, known.iter().copied())
}

impl fmt::Display for ModelSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelSpec::Offline => f.write_str("offline"),
            ModelSpec::Replay => f.write_str("replay"),
            ModelSpec::Remote(m) => write!(f, "{m}"),
            ModelSpec::OfflineThen(m) => write!(f, "offline+{m}"),
        }
    }
}

impl From<ModelSpec> for String {
    fn from(spec: ModelSpec) -> String {
        spec.to_string()
    }
}

impl TryFrom<String> for ModelSpec {
    type Error = SpecError;

    fn try_from(text: String) -> Result<Self, SpecError> {
        text.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn remote(provider: &str, model: &str) -> RemoteModel {
        RemoteModel {
            provider: provider.into(),
            model: model.into(),
        }
    }

    #[test]
    fn parses_every_documented_form() {
        let cases = [
            (
                "openai:gpt-4o-mini",
                ModelSpec::Remote(remote("openai", "gpt-4o-mini")),
            ),
            (
                "anthropic:claude-sonnet-4-5",
                ModelSpec::Remote(remote("anthropic", "claude-sonnet-4-5")),
            ),
            (
                "ollama:qwen2.5-coder:7b",
                ModelSpec::Remote(remote("ollama", "qwen2.5-coder:7b")),
            ),
            (
                "openai-compatible:my-model",
                ModelSpec::Remote(remote("openai-compatible", "my-model")),
            ),
            ("offline", ModelSpec::Offline),
            ("replay", ModelSpec::Replay),
            (
                "offline+openai:gpt-4o",
                ModelSpec::OfflineThen(remote("openai", "gpt-4o")),
            ),
            (
                "  openrouter:meta-llama/llama-3.1-8b-instruct ",
                ModelSpec::Remote(remote("openrouter", "meta-llama/llama-3.1-8b-instruct")),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(text.parse::<ModelSpec>(), Ok(want.clone()), "{text}");
            assert_eq!(
                want.to_string().parse::<ModelSpec>(),
                Ok(want),
                "round trip"
            );
        }
    }

    #[test]
    fn bad_specs_get_errors_that_say_how_to_write_them() {
        let cases = [
            ("", "empty model name"),
            (
                "gpt-4o",
                "names no provider: write `provider:model`, e.g. `openai:gpt-4o`",
            ),
            ("openai:", "no model name after the provider"),
            (":gpt-4o", "provider `` may contain only"),
            ("OpenAI:gpt-4o", "provider `OpenAI` may contain only"),
            ("openai:gpt 4o", "may not contain whitespace"),
            ("offline+replay", "only `offline+provider:model` combines"),
            ("offline+gpt-4o", "names no provider"),
            ("replay+offline", "only `offline+provider:model` combines"),
            (
                "ofline",
                "model `ofline` is not a model name: did you mean `offline`?",
            ),
            ("Offline", "did you mean `offline`?"),
            ("replya", "did you mean `replay`?"),
            (
                "ofline+openai:gpt-4o",
                "did you mean `offline+openai:gpt-4o`?",
            ),
            ("OpenAI:gpt-4o", "(did you mean `openai:gpt-4o`?)"),
        ];
        for (text, want) in cases {
            let err = match text.parse::<ModelSpec>() {
                Ok(spec) => panic!("{text:?} parsed as {spec:?}"),
                Err(e) => e.to_string(),
            };
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn misspelt_providers_get_the_right_one() {
        let known = ["openai", "anthropic", "ollama", "openai-compatible", "groq"];
        assert_eq!(suggest_provider("opneai", &known), Some("openai"));
        assert_eq!(suggest_provider("antropic", &known), Some("anthropic"));
        assert_eq!(suggest_provider("claude", &known), Some("anthropic"));
        assert_eq!(suggest_provider("mistral", &known), None);
    }

    #[test]
    fn serializes_as_its_text() {
        let spec = ModelSpec::OfflineThen(remote("ollama", "qwen2.5-coder:7b"));
        let json = serde_json::to_string(&spec).unwrap_or_default();
        assert_eq!(json, "\"offline+ollama:qwen2.5-coder:7b\"");
        let back: ModelSpec = serde_json::from_str(&json).unwrap_or(ModelSpec::Offline);
        assert_eq!(back, spec);
    }
}
