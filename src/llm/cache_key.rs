//! The replay cache's key: a SHA-256 of a canonical JSON of everything that decides what a
//! model would answer (model, system prompt, messages, temperature, output budget) plus the
//! sample index, so sample 3 of a request is cached apart from sample 0. `n` is left out on
//! purpose: asking for 5 samples and then for 8 reuses the first 5.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::llm::{ChatRequest, Role};

/// A message as the key sees it: cache marks only tell a provider what to cache, so they
/// are left out (and keys made before they existed still match).
#[derive(Serialize)]
struct KeyMessage<'a> {
    role: Role,
    content: &'a str,
}

#[derive(Serialize)]
struct Canonical<'a> {
    v: u32,
    model: &'a str,
    system: &'a str,
    messages: Vec<KeyMessage<'a>>,
    temperature: f32,
    max_tokens: u32,
    sample: u32,
}

/// Hex SHA-256 naming sample `sample_index` of `req` sent to `model` (`provider:model`).
pub fn cache_key(model: &str, req: &ChatRequest, sample_index: u32) -> String {
    let canonical = Canonical {
        v: 1,
        model,
        system: &req.system,
        messages: req
            .messages
            .iter()
            .map(|m| KeyMessage {
                role: m.role,
                content: &m.content,
            })
            .collect(),
        temperature: req.temperature,
        max_tokens: req.max_tokens,
        sample: sample_index,
    };
    // Serializing these plain fields cannot fail; an empty fallback would still be hashed
    // deterministically.
    let json = serde_json::to_vec(&canonical).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::Message;

    fn req() -> ChatRequest {
        ChatRequest {
            system: "write python".into(),
            messages: vec![Message::user("def f(x): '''double x'''")],
            temperature: 0.8,
            max_tokens: 512,
            n: 5,
        }
    }

    #[test]
    fn stable_and_sensitive_to_every_input() {
        let base = cache_key("openai:gpt-4o-mini", &req(), 0);
        assert_eq!(base.len(), 64);
        assert_eq!(base, cache_key("openai:gpt-4o-mini", &req(), 0));
        let mut changed = vec![
            cache_key("openai:gpt-4o", &req(), 0),
            cache_key("openai:gpt-4o-mini", &req(), 1),
        ];
        let mut r = req();
        r.system.push('!');
        changed.push(cache_key("openai:gpt-4o-mini", &r, 0));
        let mut r = req();
        r.messages.push(Message::assistant("ok"));
        changed.push(cache_key("openai:gpt-4o-mini", &r, 0));
        let mut r = req();
        r.temperature = 0.0;
        changed.push(cache_key("openai:gpt-4o-mini", &r, 0));
        let mut r = req();
        r.max_tokens = 100;
        changed.push(cache_key("openai:gpt-4o-mini", &r, 0));
        for k in &changed {
            assert_ne!(k, &base);
        }
        let mut r = req();
        r.messages[0] = r.messages[0].clone().with_cache_marks([5]);
        assert_eq!(
            cache_key("openai:gpt-4o-mini", &r, 0),
            base,
            "cache marks are not part of the key"
        );
        let mut r = req();
        r.n = 9;
        assert_eq!(
            cache_key("openai:gpt-4o-mini", &r, 0),
            base,
            "n is not part of the key"
        );
    }
}
