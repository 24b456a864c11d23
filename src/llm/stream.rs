//! What a streamed answer has delivered so far. Each provider turns its own events (OpenAI's
//! `chat.completion.chunk`s, Anthropic's `message_start` … `message_stop`) into updates of one
//! [`StreamState`]; when the stream ends the state becomes the same [`ChatResponse`] a plain
//! JSON answer gives. Reasoning deltas (`reasoning_content`, `reasoning`, Anthropic
//! `thinking` blocks) count as tokens received, so the progress display moves while a model
//! thinks, but never become part of an answer's text.

use std::collections::BTreeMap;

use crate::llm::{Answer, ChatResponse, LlmError, Usage};

#[derive(Debug, Default)]
pub struct StreamState {
    pub choices: BTreeMap<u32, StreamChoice>,
    pub usage: Usage,
    pub model: Option<String>,
    pub cost_usd: Option<f64>,
    /// Anthropic: the kind of each content block (`text`, `thinking`, ...) by index.
    pub blocks: BTreeMap<u32, String>,
    /// The server said the answer is complete (`[DONE]`, `message_stop`).
    pub done: bool,
}

#[derive(Debug, Default)]
pub struct StreamChoice {
    pub text: String,
    /// The finish (stop) reason, once sent.
    pub finish: Option<String>,
}

impl StreamState {
    pub fn choice(&mut self, index: u32) -> &mut StreamChoice {
        self.choices.entry(index).or_default()
    }

    /// Every choice the server started has finished.
    pub fn all_finished(&self) -> bool {
        !self.choices.is_empty() && self.choices.values().all(|c| c.finish.is_some())
    }

    /// The answers, in choice order. `truncated_by` names the finish reasons meaning the
    /// output budget ran out.
    pub fn into_response(
        self,
        provider: &str,
        model: &str,
        truncated_by: &[&str],
    ) -> Result<ChatResponse, LlmError> {
        let answers: Vec<Answer> = self
            .choices
            .into_values()
            .map(|c| Answer {
                truncated: c
                    .finish
                    .as_deref()
                    .is_some_and(|f| truncated_by.contains(&f)),
                text: c.text,
            })
            .filter(|a| a.truncated || !a.text.is_empty())
            .collect();
        if answers.is_empty() {
            return Err(LlmError::EmptyChoices {
                provider: provider.to_string(),
                model: model.to_string(),
            });
        }
        Ok(ChatResponse {
            requests: 1,
            answers,
            usage: self.usage,
            cost_usd: self.cost_usd,
            model: self.model.unwrap_or_else(|| model.to_string()),
            notes: Vec::new(),
        })
    }
}

/// Tokens in a piece of streamed text, for the progress display: most servers send one
/// token a chunk, some several, so about four characters a token and at least one.
pub fn tokens_in(text: &str) -> u64 {
    if text.is_empty() {
        0
    } else {
        (text.chars().count() as u64).div_ceil(4)
    }
}
