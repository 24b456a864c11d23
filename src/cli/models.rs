//! `anpl models`: what model is configured and where each setting came from, keys masked.
//! Also home of [`ModelFlags`], the `--model`/`--base-url`/... flags every command that may
//! call a model flattens into its arguments, and [`load_config`], which resolves them
//! against the process environment and the config files.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde_json::json;

use crate::llm::config::{resolve, ConfigPaths};
use crate::llm::{ConfigFlags, ResolvedConfig, Secret, Setting};

/// Model flags shared by every command that may call a model.
#[derive(Debug, Clone, Default, Args)]
pub struct ModelFlags {
    /// Model as PROVIDER:MODEL (openai:gpt-4o-mini, anthropic:claude-sonnet-4-5,
    /// ollama:qwen2.5-coder:7b, openai-compatible:NAME with --base-url), `offline`, `replay`,
    /// or `offline+PROVIDER:MODEL`.
    #[arg(long, value_name = "PROVIDER:MODEL")]
    pub model: Option<String>,
    /// Base URL of the provider's API, e.g. http://127.0.0.1:8000/v1.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// API key. Prefer the provider's environment variable: other users can read flags in
    /// the process list.
    #[arg(long, value_name = "KEY", value_parser = parse_secret)]
    pub api_key: Option<Secret>,
    /// Seconds one model request may take, connecting to last byte (default 120;
    /// `request_timeout` in anpl.toml). Raise it for a slow model; --check-timeout limits
    /// running the program instead.
    #[arg(long = "request-timeout", value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Retries of a request after 429, 5xx or connection errors.
    #[arg(long, value_name = "N")]
    pub max_retries: Option<u32>,
    /// Model requests in flight at once.
    #[arg(long, value_name = "N")]
    pub jobs: Option<u32>,
    /// Extra samples per hole when the first answer fails its examples.
    #[arg(long, value_name = "N")]
    pub samples: Option<u32>,
    /// Sampling temperature (0 to 2).
    #[arg(long, value_name = "T")]
    pub temperature: Option<f32>,
    /// Rounds of repair with execution feedback per hole.
    #[arg(long, value_name = "N")]
    pub repair_rounds: Option<u32>,
    /// Output token budget per answer.
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<u32>,
    /// Reasoning effort for OpenAI reasoning models (o-series, gpt-5): minimal, low,
    /// medium or high; sent as `reasoning_effort`.
    #[arg(long, value_name = "EFFORT")]
    pub reasoning_effort: Option<String>,
    /// Estimated tokens one request may take; context past it is left out, least useful
    /// first (default 4000; see docs/prompts.md).
    #[arg(long, value_name = "TOKENS", value_parser = clap::value_parser!(u32).range(1..))]
    pub prompt_budget: Option<u32>,
    /// Program checks one compile may spend trying combinations of candidates when the
    /// program's examples fail (default 0: 16 per candidate of the holes searched, at least
    /// 32; `search_budget` in anpl.toml). A recompile continues where the last one stopped.
    #[arg(long, value_name = "N")]
    pub search_budget: Option<u32>,
}

fn parse_secret(text: &str) -> Result<Secret, Infallible> {
    Ok(Secret::new(text))
}

impl ModelFlags {
    pub fn to_config_flags(&self) -> ConfigFlags {
        ConfigFlags {
            model: self.model.clone(),
            base_url: self.base_url.clone(),
            api_key: self.api_key.clone(),
            timeout_secs: self.timeout,
            max_retries: self.max_retries,
            jobs: self.jobs,
            samples: self.samples,
            temperature: self.temperature,
            repair_rounds: self.repair_rounds,
            max_tokens: self.max_tokens,
            reasoning_effort: self.reasoning_effort.clone(),
            search_budget: self.search_budget,
            ask: None,
        }
    }
}

/// Resolves the model configuration from flags, the process environment, `anpl.toml` in the
/// current directory and the user config file.
pub fn load_config(flags: &ModelFlags) -> anyhow::Result<ResolvedConfig> {
    load_config_from(&flags.to_config_flags())
}

/// As [`load_config`], for a command with settings of its own besides the model flags.
pub fn load_config_from(flags: &ConfigFlags) -> anyhow::Result<ResolvedConfig> {
    let env: HashMap<String, String> = std::env::vars().collect();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let paths = ConfigPaths::standard(&cwd, &env);
    Ok(resolve(flags, &env, &paths)?)
}

#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(flatten)]
    pub model: ModelFlags,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// Exit 0 when the configured model can be used, 1 when it cannot (missing key or base
/// URL), 2 when the configuration itself is broken.
pub fn run(args: &ModelsArgs) -> ExitCode {
    let config = match load_config(&args.model) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("anpl: {e:#}");
            return ExitCode::from(2);
        }
    };
    let env: HashMap<String, String> = std::env::vars().collect();
    let text = if args.json {
        render_json(&config, &env)
    } else {
        render_text(&config, &env)
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`anpl models | head`) is not an error worth a message.
    let _ = out.write_all(text.as_bytes());
    if config.problems().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn key_status(env: &HashMap<String, String>, var: &Option<String>) -> String {
    match var {
        Some(v) if env.get(v).is_some_and(|k| !k.trim().is_empty()) => format!("{v} (set)"),
        Some(v) => format!("{v} (not set)"),
        None => "no key needed".to_string(),
    }
}

pub fn render_text(config: &ResolvedConfig, env: &HashMap<String, String>) -> String {
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let row = |name: &str, value: String, source: String| (name.to_string(), value, source);
    rows.push(row(
        "model",
        config.model.value.to_string(),
        config.model.source.to_string(),
    ));
    if let Some(p) = &config.provider {
        rows.push(row("provider", p.name.clone(), p.description.clone()));
    }
    if let Some(b) = &config.base_url {
        rows.push(row("base_url", b.value.clone(), b.source.to_string()));
    }
    if config.provider.is_some() {
        match &config.api_key {
            Some(k) => rows.push(row("api_key", k.value.masked(), k.source.to_string())),
            None => rows.push(row("api_key", "(none)".into(), String::new())),
        }
    }
    fn shown<T: std::fmt::Display>(s: &Setting<T>) -> (String, String) {
        (s.value.to_string(), s.source.to_string())
    }
    let (v, s) = shown(&config.timeout_secs);
    rows.push(row("request_timeout", format!("{v}s"), s));
    for (name, (v, s)) in [
        ("max_retries", shown(&config.max_retries)),
        ("jobs", shown(&config.jobs)),
        ("samples", shown(&config.samples)),
        ("temperature", shown(&config.temperature)),
        ("repair_rounds", shown(&config.repair_rounds)),
        ("max_tokens", shown(&config.max_tokens)),
        (
            "search_budget",
            match config.search_budget.value {
                0 => ("auto".to_string(), config.search_budget.source.to_string()),
                _ => shown(&config.search_budget),
            },
        ),
        ("ask", shown(&config.ask)),
    ] {
        rows.push(row(name, v, s));
    }
    if let Some(e) = &config.reasoning_effort {
        rows.push(row(
            "reasoning_effort",
            e.value.clone(),
            e.source.to_string(),
        ));
    }
    if let Some(p) = &config.provider {
        rows.push(row(
            "streaming",
            if p.stream { "on" } else { "off" }.to_string(),
            format!("[providers.{}] stream", p.name),
        ));
        if !config.model_extra.is_empty() || !p.extra.is_empty() {
            let mut extra = serde_json::Value::Object(p.extra.clone());
            crate::llm::provider::merge_extra(&mut extra, &config.model_extra);
            rows.push(row(
                "extra fields",
                extra.to_string(),
                "[providers] / [models] extra".to_string(),
            ));
        }
        match &config.price {
            Some(price) => {
                let source = match &price.source {
                    crate::llm::Source::Default => "built-in price table".to_string(),
                    other => other.to_string(),
                };
                rows.push(row("price", price.value.describe(), source));
            }
            None => rows.push(row(
                "price",
                "unknown (costs are shown as unknown)".to_string(),
                "set price under [models.\"PROVIDER:MODEL\"]".to_string(),
            )),
        }
    }
    let width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (name, value, source) in &rows {
        out.push_str(&format!("{name:<15} {value:<width$}  {source}\n"));
    }
    out.push_str("\nconfig files read: ");
    if config.files_read.is_empty() {
        out.push_str("none\n");
    } else {
        let files: Vec<String> = config
            .files_read
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        out.push_str(&files.join(", "));
        out.push('\n');
    }
    if let Some(notice) = config.offline_notice() {
        out.push_str(&format!("\nnote: {notice}\n"));
    }
    for note in config.notes() {
        out.push_str(&format!("\nnote: {note}\n"));
    }
    for problem in config.problems() {
        out.push_str(&format!("\nproblem: {problem}\n"));
    }
    out.push_str("\nproviders:\n");
    for p in &config.providers {
        let base = p
            .default_base_url
            .as_deref()
            .unwrap_or("(needs --base-url)");
        out.push_str(&format!(
            "  {:<18} {:<9} {:<32} {}\n",
            p.name,
            match p.format {
                crate::llm::providers::WireFormat::OpenAi => "openai",
                crate::llm::providers::WireFormat::Anthropic => "anthropic",
            },
            base,
            key_status(env, &p.key_env)
        ));
    }
    out
}

pub fn render_json(config: &ResolvedConfig, env: &HashMap<String, String>) -> String {
    let providers: Vec<serde_json::Value> = config
        .providers
        .iter()
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap_or_default();
            v["key_set"] = json!(p
                .key_env
                .as_ref()
                .is_some_and(|k| env.get(k).is_some_and(|v| !v.trim().is_empty())));
            v
        })
        .collect();
    let mut v = serde_json::to_value(config).unwrap_or_default();
    v["providers"] = json!(providers);
    v["problems"] = json!(config.problems());
    v["notice"] = json!(config.offline_notice());
    v["notes"] = json!(config.notes());
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    text
}
