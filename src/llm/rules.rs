//! The rules today's models and servers impose, applied from nothing but the model's name:
//! OpenAI's reasoning models take no `temperature` and may take `reasoning_effort`;
//! Anthropic takes a temperature of at most 1; local servers cut a prompt longer than their
//! context window without an error, which anpl spots from the prompt tokens they report and
//! explains how to raise. Settings a rule overrides are reported once, when the model is
//! configured, so a user knows `--temperature` did nothing rather than guessing.

use crate::llm::providers::{ProviderInfo, WireFormat};

/// OpenAI's reasoning models: the o-series (o1, o3, o4-mini, ...) and gpt-5 and later, but
/// not the `-chat` variants, which are ordinary chat models. A model reached through a
/// router keeps its vendor prefix (`openai/o3-mini`), so only the last path part counts.
pub fn is_openai_reasoning(model: &str) -> bool {
    let name = model
        .rsplit('/')
        .next()
        .unwrap_or(model)
        .to_ascii_lowercase();
    if name.contains("-chat") {
        return false;
    }
    let o_series = name.strip_prefix('o').is_some_and(|rest| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        !digits.is_empty() && rest[digits.len()..].chars().next().is_none_or(|c| c == '-')
    });
    let gpt_n = name.strip_prefix("gpt-").is_some_and(|rest| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().is_ok_and(|n| n >= 5)
    });
    o_series || gpt_n
}

/// Whether requests to this model carry a `temperature` at all.
pub fn takes_temperature(provider: &ProviderInfo, model: &str) -> bool {
    !(provider.format == WireFormat::OpenAi && is_openai_reasoning(model))
}

/// Whether several samples may come from one request with `n`: not for reasoning models,
/// whose samples differ only by being separate answers at their one temperature.
pub fn takes_n(provider: &ProviderInfo, model: &str) -> bool {
    provider.supports_n && takes_temperature(provider, model)
}

/// Whether `reasoning_effort` is sent to this model.
pub fn takes_reasoning_effort(provider: &ProviderInfo, model: &str) -> bool {
    provider.format == WireFormat::OpenAi && is_openai_reasoning(model)
}

/// What the rules change about the configured settings, one line each, for `anpl models`
/// and the start of a compile.
pub fn setting_notes(
    provider: &ProviderInfo,
    model: &str,
    temperature: f32,
    temperature_given: bool,
    reasoning_effort: Option<&str>,
) -> Vec<String> {
    let mut notes = Vec::new();
    let id = format!("{}:{model}", provider.name);
    if !takes_temperature(provider, model) && temperature_given {
        notes.push(format!(
            "{id} is a reasoning model and takes no temperature: --temperature {temperature} is ignored (its samples differ anyway, each a separate answer)"
        ));
    }
    if provider.format == WireFormat::Anthropic && temperature > 1.0 {
        notes.push(format!(
            "{id} takes a temperature of at most 1: {temperature} is sent as 1"
        ));
    }
    if let Some(effort) = reasoning_effort {
        if !takes_reasoning_effort(provider, model) {
            notes.push(format!(
                "reasoning_effort = \"{effort}\" is ignored: {id} is not an OpenAI reasoning model (set a field the model knows with `extra` under [models.\"{id}\"])"
            ));
        }
    }
    notes
}

/// A prompt the server read much less of than was sent: it cut the prompt to its context
/// window (Ollama does so silently). `sent` is anpl's estimate of the prompt's tokens.
pub fn context_cut(provider: &ProviderInfo, model: &str, sent: u64, read: u64) -> Option<String> {
    if !provider.checks_context || read == 0 || sent < 512 || read * 4 >= sent * 3 {
        return None;
    }
    let want = (sent * 2).next_power_of_two().max(8192);
    let how = match provider.name.as_str() {
        "ollama" => format!(
            "restart the server with `OLLAMA_CONTEXT_LENGTH={want} ollama serve`, or give the model a larger window with a Modelfile holding `FROM {model}` and `PARAMETER num_ctx {want}` (`ollama create {model}-{}k -f Modelfile`, then use that name)",
            want / 1024
        ),
        "lmstudio" => format!(
            "load the model with a longer context (`lms load {model} --context-length {want}`, or Context Length in its load settings)"
        ),
        "llamacpp" => format!("restart llama-server with `--ctx-size {want}`"),
        _ => format!("raise the server's context window to at least {want} tokens"),
    };
    Some(format!(
        "{}:{model} read only {read} of the about {sent} prompt tokens sent: the server cut the prompt to its context window, so the model did not see all of the program. To fix it, {how}",
        provider.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasoning_model_names() {
        for name in [
            "o1",
            "o1-mini",
            "o3-mini-2025-01-31",
            "o4-mini",
            "gpt-5",
            "gpt-5-mini",
            "gpt-6",
            "openai/o3",
        ] {
            assert!(is_openai_reasoning(name), "{name}");
        }
        for name in [
            "gpt-4o",
            "gpt-4.1-mini",
            "gpt-5-chat-latest",
            "omni-moderation",
            "olmo-2",
            "qwen2.5-coder:7b",
        ] {
            assert!(!is_openai_reasoning(name), "{name}");
        }
    }
}
