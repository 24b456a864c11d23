//! What a request costs: a table of the built-in providers' common models (US dollars per
//! million tokens of input, cached input and output), overridable per model in the config file
//! (`[models."PROVIDER:MODEL"] price = {...}`), and the cost of a response's token counts.
//! Local servers cost nothing; a model with no known price has an unknown cost, never zero.
//! The figures are the providers' published list prices when this table was written; a user
//! whose prices differ sets their own.

use serde::{Deserialize, Serialize};

use crate::llm::Usage;

/// US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input: f64,
    /// Input read from the provider's prompt cache.
    pub cached_input: f64,
    pub output: f64,
    /// Input written to the prompt cache (Anthropic charges 1.25 times the input price when
    /// this is not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
}

impl Price {
    const fn new(input: f64, cached_input: f64, output: f64) -> Price {
        Price {
            input,
            cached_input,
            output,
            cache_write: None,
        }
    }

    pub const FREE: Price = Price::new(0.0, 0.0, 0.0);

    /// The cost of one response's tokens. `usage.input_tokens` counts every prompt token,
    /// cached and written ones included.
    pub fn cost(&self, usage: &Usage) -> f64 {
        let cached = usage.cached_input_tokens;
        let written = usage.cache_write_tokens;
        let plain = usage.input_tokens.saturating_sub(cached + written);
        let write_price = self.cache_write.unwrap_or(self.input * 1.25);
        (plain as f64 * self.input
            + cached as f64 * self.cached_input
            + written as f64 * write_price
            + usage.output_tokens as f64 * self.output)
            / 1_000_000.0
    }

    pub fn describe(&self) -> String {
        if *self == Price::FREE {
            return "free (local server)".to_string();
        }
        format!(
            "${} input, ${} cached input, ${} output per million tokens",
            self.input, self.cached_input, self.output
        )
    }
}

/// (provider, model, price). A model name matches its row exactly or with a date or version
/// suffix (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`, `...-latest`).
const TABLE: &[(&str, &str, Price)] = &[
    ("openai", "gpt-4o", Price::new(2.50, 1.25, 10.00)),
    ("openai", "gpt-4o-mini", Price::new(0.15, 0.075, 0.60)),
    ("openai", "gpt-4.1", Price::new(2.00, 0.50, 8.00)),
    ("openai", "gpt-4.1-mini", Price::new(0.40, 0.10, 1.60)),
    ("openai", "gpt-4.1-nano", Price::new(0.10, 0.025, 0.40)),
    ("openai", "o1", Price::new(15.00, 7.50, 60.00)),
    ("openai", "o3", Price::new(2.00, 0.50, 8.00)),
    ("openai", "o3-mini", Price::new(1.10, 0.55, 4.40)),
    ("openai", "o4-mini", Price::new(1.10, 0.275, 4.40)),
    ("openai", "gpt-5", Price::new(1.25, 0.125, 10.00)),
    ("openai", "gpt-5-mini", Price::new(0.25, 0.025, 2.00)),
    ("openai", "gpt-5-nano", Price::new(0.05, 0.005, 0.40)),
    ("anthropic", "claude-opus-4", Price::new(15.00, 1.50, 75.00)),
    (
        "anthropic",
        "claude-opus-4-0",
        Price::new(15.00, 1.50, 75.00),
    ),
    (
        "anthropic",
        "claude-opus-4-1",
        Price::new(15.00, 1.50, 75.00),
    ),
    (
        "anthropic",
        "claude-sonnet-4",
        Price::new(3.00, 0.30, 15.00),
    ),
    (
        "anthropic",
        "claude-sonnet-4-0",
        Price::new(3.00, 0.30, 15.00),
    ),
    (
        "anthropic",
        "claude-sonnet-4-5",
        Price::new(3.00, 0.30, 15.00),
    ),
    (
        "anthropic",
        "claude-3-7-sonnet",
        Price::new(3.00, 0.30, 15.00),
    ),
    (
        "anthropic",
        "claude-haiku-4-5",
        Price::new(1.00, 0.10, 5.00),
    ),
    (
        "anthropic",
        "claude-3-5-haiku",
        Price::new(0.80, 0.08, 4.00),
    ),
    ("deepseek", "deepseek-chat", Price::new(0.28, 0.028, 0.42)),
    (
        "deepseek",
        "deepseek-reasoner",
        Price::new(0.28, 0.028, 0.42),
    ),
];

/// Providers that run on the user's own machine or network: no charge per token.
const LOCAL: &[&str] = &["ollama", "lmstudio", "llamacpp", "vllm"];

/// The built-in price of `model` at `provider`, if the table has one.
pub fn builtin(provider: &str, model: &str) -> Option<Price> {
    if LOCAL.contains(&provider) {
        return Some(Price::FREE);
    }
    TABLE
        .iter()
        .filter(|(p, m, _)| *p == provider && matches_row(model, m))
        .max_by_key(|(_, m, _)| m.len())
        .map(|(_, _, price)| *price)
}

fn matches_row(model: &str, row: &str) -> bool {
    match model.strip_prefix(row) {
        Some("") => true,
        Some(rest) => rest.strip_prefix('-').is_some_and(|suffix| {
            suffix.starts_with(|c: char| c.is_ascii_digit()) || suffix == "latest"
        }),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_snapshots_match_their_row_and_other_models_do_not() {
        assert_eq!(
            builtin("openai", "gpt-4o-2024-08-06"),
            builtin("openai", "gpt-4o")
        );
        assert_eq!(
            builtin("openai", "gpt-4o-mini").map(|p| p.input),
            Some(0.15)
        );
        assert_eq!(
            builtin("anthropic", "claude-sonnet-4-5-20250929").map(|p| p.output),
            Some(15.0)
        );
        assert_eq!(
            builtin("anthropic", "claude-3-5-haiku-latest").map(|p| p.input),
            Some(0.8)
        );
        assert_eq!(builtin("openai", "gpt-4o-audio-preview"), None);
        assert_eq!(builtin("openai-compatible", "gpt-4o"), None);
        assert_eq!(builtin("ollama", "qwen2.5-coder:7b"), Some(Price::FREE));
    }

    #[test]
    fn cost_counts_cached_and_written_input_apart() {
        let price = Price::new(3.0, 0.3, 15.0);
        let usage = Usage {
            input_tokens: 3_000_000,
            cached_input_tokens: 1_000_000,
            cache_write_tokens: 1_000_000,
            output_tokens: 1_000_000,
        };
        // 1M plain at 3, 1M cached at 0.3, 1M written at 3.75, 1M out at 15.
        assert!((price.cost(&usage) - 22.05).abs() < 1e-9);
    }
}
