//! Where each model setting comes from: flags beat the environment, which beats `anpl.toml`
//! in the working directory, which beats the user file (`$XDG_CONFIG_HOME/anpl/config.toml`,
//! else `~/.config/anpl/config.toml`), which beats the built-in default. Every resolved value
//! remembers its [`Source`] so `anpl models` can say where it came from.
//!
//! The environment is an explicit map, never read here, so tests and embedders control it.
//! Config files may hold sections for other parts of anpl; this module reads the top-level
//! model settings and the `[providers.NAME]` tables and leaves other tables alone, but an
//! unknown top-level *setting* is an error (it is almost always a typo).
//! The file format is documented in docs/models.md.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use thiserror::Error;
use toml::Spanned;

use crate::llm::prices::{self, Price};
use crate::llm::provider::{Endpoint, HttpSettings, ModelOptions};
use crate::llm::providers::{self, BaseUrlEnvStyle, ProviderInfo, WireFormat};
use crate::llm::rules;
use crate::llm::secret::Secret;
use crate::llm::spec::{ModelSpec, SpecError};
use crate::llm::LlmError;

mod file;
use file::{json_fields, read_layer, FileConfig, FileProvider, Layer};

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum Source {
    /// A command-line flag, e.g. `--model`.
    Flag(String),
    /// An environment variable, e.g. `OPENAI_API_KEY`.
    Env(String),
    /// `anpl.toml` in the working directory.
    ProjectFile(PathBuf),
    /// The user's config file.
    UserFile(PathBuf),
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(name) => write!(f, "flag {name}"),
            Source::Env(name) => write!(f, "environment {name}"),
            Source::ProjectFile(p) | Source::UserFile(p) => write!(f, "{}", p.display()),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// The model settings a command line may carry; `None` means the flag was not given.
#[derive(Debug, Clone, Default)]
pub struct ConfigFlags {
    pub model: Option<String>,
    pub base_url: Option<String>,
    pub api_key: Option<Secret>,
    pub timeout_secs: Option<f64>,
    pub max_retries: Option<u32>,
    pub jobs: Option<u32>,
    pub samples: Option<u32>,
    pub temperature: Option<f32>,
    pub repair_rounds: Option<u32>,
    pub max_tokens: Option<u32>,
    pub reasoning_effort: Option<String>,
    pub search_budget: Option<u32>,
    /// `--ask` / `--no-ask` of `anpl compile`.
    pub ask: Option<bool>,
}

/// The config files to read, most important first. Missing files are skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigPaths {
    pub project: PathBuf,
    pub user: Option<PathBuf>,
}

impl ConfigPaths {
    /// `anpl.toml` in `cwd`, and the user file under `XDG_CONFIG_HOME` (or `HOME/.config`)
    /// as `env` gives them.
    pub fn standard(cwd: &Path, env: &HashMap<String, String>) -> ConfigPaths {
        let config_home = env
            .get("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                env.get("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|h| Path::new(h).join(".config"))
            });
        ConfigPaths {
            project: cwd.join("anpl.toml"),
            user: config_home.map(|d| d.join("anpl").join("config.toml")),
        }
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum ConfigError {
    #[error("{path}: cannot read: {reason}")]
    Read { path: String, reason: String },
    #[error("{path}:{line}:{col}: {message}")]
    Parse {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{at}: {message}")]
    Invalid { at: String, message: String },
    // Not `source`: the message already holds the spec error, and anyhow would print it twice.
    #[error("{at}: {error}")]
    Spec { at: String, error: SpecError },
}

/// Everything the engine needs to know about the model, resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedConfig {
    pub model: Setting<ModelSpec>,
    /// The selected provider's row, when the model calls one.
    pub provider: Option<ProviderInfo>,
    pub base_url: Option<Setting<String>>,
    pub api_key: Option<Setting<Secret>>,
    pub timeout_secs: Setting<f64>,
    pub max_retries: Setting<u32>,
    pub jobs: Setting<u32>,
    pub samples: Setting<u32>,
    pub temperature: Setting<f32>,
    pub repair_rounds: Setting<u32>,
    pub max_tokens: Setting<u32>,
    /// Sent to OpenAI reasoning models as `reasoning_effort`.
    pub reasoning_effort: Option<Setting<String>>,
    /// The selected model's price: from `[models."PROVIDER:MODEL"] price`, else the built-in
    /// table; `None` when unknown.
    pub price: Option<Setting<Price>>,
    /// The selected model's extra request fields from `[models."PROVIDER:MODEL"] extra`.
    pub model_extra: serde_json::Map<String, serde_json::Value>,
    /// Program checks one compile may spend on combinations of candidates; 0 means the
    /// default, which grows with the holes and candidates searched.
    pub search_budget: Setting<u32>,
    /// Whether `anpl compile` stops with the open questions listed (exit 3) when any remain.
    pub ask: Setting<bool>,
    /// The config files that existed and were read.
    pub files_read: Vec<PathBuf>,
    /// The whole provider table: built-in rows with file overrides, then file-defined rows.
    pub providers: Vec<ProviderInfo>,
}

pub const DEFAULT_TIMEOUT_SECS: f64 = 120.0;
pub const DEFAULT_MAX_RETRIES: u32 = 4;
pub const DEFAULT_JOBS: u32 = 8;
pub const DEFAULT_SAMPLES: u32 = 5;
pub const DEFAULT_TEMPERATURE: f32 = 0.8;
pub const DEFAULT_REPAIR_ROUNDS: u32 = 2;
pub const DEFAULT_MAX_TOKENS: u32 = 2048;
/// 0: the combination budget follows the holes and candidates (`engine::search::plan`).
pub const DEFAULT_SEARCH_BUDGET: u32 = 0;

impl ResolvedConfig {
    /// The message to show when nothing chose a model and anpl fell back to `offline`.
    pub fn offline_notice(&self) -> Option<String> {
        (self.model.source == Source::Default).then(|| {
            "no model configured (--model, ANPL_MODEL, anpl.toml or the user config file): \
             working offline with the model-free synthesizer"
                .to_string()
        })
    }

    pub fn http_settings(&self) -> HttpSettings {
        HttpSettings {
            timeout: Duration::from_secs_f64(self.timeout_secs.value),
            max_retries: self.max_retries.value,
            ..HttpSettings::default()
        }
    }

    /// Where to send requests for the remote model, or why that cannot be done: the model
    /// calls no provider, a needed key is missing, or an `openai-compatible` model has no
    /// base URL.
    pub fn endpoint(&self) -> Result<Endpoint, LlmError> {
        let (Some(remote), Some(info)) = (self.model.value.remote(), self.provider.as_ref()) else {
            return Err(LlmError::NotRemote(self.model.value.to_string()));
        };
        let Some(base_url) = &self.base_url else {
            return Err(LlmError::NeedsBaseUrl {
                provider: info.name.clone(),
                model: remote.to_string(),
            });
        };
        let api_key = self.api_key.as_ref().map(|s| s.value.clone());
        if info.needs_key && api_key.is_none() {
            let hint = match &info.key_env {
                Some(var) => format!(
                    "set {var}, or api_key under [providers.{}] in the user config file",
                    info.name
                ),
                None => format!(
                    "set api_key under [providers.{}] in the user config file",
                    info.name
                ),
            };
            return Err(LlmError::MissingKey {
                provider: info.name.clone(),
                hint,
            });
        }
        Ok(Endpoint {
            provider: info.clone(),
            model: remote.model.clone(),
            base_url: base_url.value.trim_end_matches('/').to_string(),
            api_key,
            options: ModelOptions {
                reasoning_effort: self.reasoning_effort.as_ref().map(|s| s.value.clone()),
                extra: self.model_extra.clone(),
                price: self.price.as_ref().map(|s| s.value),
            },
        })
    }

    /// What the model rules change about the settings (a temperature a reasoning model
    /// ignores, Anthropic's cap at 1, an effort a model does not take), one line each.
    pub fn notes(&self) -> Vec<String> {
        let (Some(remote), Some(info)) = (self.model.value.remote(), self.provider.as_ref()) else {
            return Vec::new();
        };
        rules::setting_notes(
            info,
            &remote.model,
            self.temperature.value,
            self.temperature.source != Source::Default,
            self.reasoning_effort.as_ref().map(|s| s.value.as_str()),
        )
    }

    /// Problems that stop the configured model from being used, as one-line messages.
    pub fn problems(&self) -> Vec<String> {
        match self.endpoint() {
            Err(LlmError::NotRemote(_)) | Ok(_) => Vec::new(),
            Err(e) => vec![e.to_string()],
        }
    }
}

/// The selected model's `[models."ID"]` settings: extra fields merged from the user file up
/// to the project file (which wins), the price from the first file that sets one, else the
/// built-in table.
fn resolve_model_table(
    provider: &str,
    model: &str,
    layers: &[Layer],
) -> (
    serde_json::Map<String, serde_json::Value>,
    Option<Setting<Price>>,
) {
    let id = format!("{provider}:{model}");
    let mut extra = serde_json::Value::Object(serde_json::Map::new());
    for layer in layers.iter().rev() {
        if let Some(fields) = layer.file.models.get(&id).and_then(|m| m.extra.as_ref()) {
            crate::llm::provider::merge_extra(&mut extra, &json_fields(fields));
        }
    }
    let price = layers
        .iter()
        .find_map(|l| {
            l.file
                .models
                .get(&id)
                .and_then(|m| m.price)
                .map(|p| Setting {
                    value: p,
                    source: l.source.clone(),
                })
        })
        .or_else(|| {
            prices::builtin(provider, model).map(|p| Setting {
                value: p,
                source: Source::Default,
            })
        });
    match extra {
        serde_json::Value::Object(map) => (map, price),
        _ => (serde_json::Map::new(), price),
    }
}

/// Resolves the configuration from flags, an environment map and the config files.
pub fn resolve(
    flags: &ConfigFlags,
    env: &HashMap<String, String>,
    paths: &ConfigPaths,
) -> Result<ResolvedConfig, ConfigError> {
    let mut layers = Vec::new();
    if let Some(l) = read_layer(&paths.project, Source::ProjectFile(paths.project.clone()))? {
        layers.push(l);
    }
    if let Some(user) = &paths.user {
        if let Some(l) = read_layer(user, Source::UserFile(user.clone()))? {
            layers.push(l);
        }
    }
    let table = provider_table(&layers)?;

    let model = resolve_model(flags, env, &layers)?;
    let provider = match model.value.remote() {
        None => None,
        Some(remote) => match table.iter().find(|p| p.name == remote.provider) {
            Some(p) => Some(p.clone()),
            None => {
                let known: Vec<_> = table.iter().map(|p| p.name.as_str()).collect();
                let hint = crate::llm::spec::suggest_provider(&remote.provider, &known)
                    .map(|p| {
                        let meant = model.value.to_string().replacen(&remote.provider, p, 1);
                        format!(": did you mean `{meant}`?")
                    })
                    .unwrap_or_default();
                return Err(ConfigError::Invalid {
                    at: model.source.to_string(),
                    message: format!(
                        "unknown provider `{}` in model `{}`{hint} (known: {}; or define [providers.{}] with a format and base_url)",
                        remote.provider,
                        model.value,
                        known.join(", "),
                        remote.provider
                    ),
                });
            }
        },
    };
    let (base_url, api_key) = match &provider {
        Some(p) => (
            resolve_base_url(p, flags, env, &layers)?,
            resolve_api_key(p, flags, env, &layers),
        ),
        None => (None, None),
    };

    let timeout_secs = pick(
        flags.timeout_secs,
        "--request-timeout",
        &layers,
        |f| f.request_timeout.as_ref(),
        DEFAULT_TIMEOUT_SECS,
        |v| {
            (v.is_finite() && *v > 0.0)
                .then_some(())
                .ok_or("must be a positive number of seconds")
        },
    )?;
    let max_retries = pick(
        flags.max_retries,
        "--max-retries",
        &layers,
        |f| f.max_retries.as_ref(),
        DEFAULT_MAX_RETRIES,
        |v| (*v <= 20).then_some(()).ok_or("must be at most 20"),
    )?;
    let positive = |v: &u32| (*v >= 1).then_some(()).ok_or("must be at least 1");
    let jobs = pick(
        flags.jobs,
        "--jobs",
        &layers,
        |f| f.jobs.as_ref(),
        DEFAULT_JOBS,
        positive,
    )?;
    let samples = pick(
        flags.samples,
        "--samples",
        &layers,
        |f| f.samples.as_ref(),
        DEFAULT_SAMPLES,
        positive,
    )?;
    let temperature = pick(
        flags.temperature,
        "--temperature",
        &layers,
        |f| f.temperature.as_ref(),
        DEFAULT_TEMPERATURE,
        |v| {
            (v.is_finite() && (0.0..=2.0).contains(v))
                .then_some(())
                .ok_or("must be between 0 and 2")
        },
    )?;
    let repair_rounds = pick(
        flags.repair_rounds,
        "--repair-rounds",
        &layers,
        |f| f.repair_rounds.as_ref(),
        DEFAULT_REPAIR_ROUNDS,
        |v| (*v <= 20).then_some(()).ok_or("must be at most 20"),
    )?;
    let max_tokens = pick(
        flags.max_tokens,
        "--max-tokens",
        &layers,
        |f| f.max_tokens.as_ref(),
        DEFAULT_MAX_TOKENS,
        positive,
    )?;

    let reasoning_effort = match &flags.reasoning_effort {
        Some(v) => Some(Setting {
            value: v.trim().to_string(),
            source: Source::Flag("--reasoning-effort".into()),
        }),
        None => layers.iter().find_map(|l| {
            l.file.reasoning_effort.as_ref().map(|v| Setting {
                value: v.get_ref().trim().to_string(),
                source: l.source.clone(),
            })
        }),
    }
    .filter(|s| !s.value.is_empty());
    let (model_extra, price) = match (model.value.remote(), &provider) {
        (Some(remote), Some(p)) => resolve_model_table(&p.name, &remote.model, &layers),
        _ => (serde_json::Map::new(), None),
    };
    let search_budget = pick(
        flags.search_budget,
        "--search-budget",
        &layers,
        |f| f.search_budget.as_ref(),
        DEFAULT_SEARCH_BUDGET,
        |_| Ok(()),
    )?;

    let ask = pick(
        flags.ask,
        "--ask",
        &layers,
        |f| f.ask.as_ref(),
        false,
        |_| Ok(()),
    )?;

    Ok(ResolvedConfig {
        model,
        provider,
        base_url,
        api_key,
        timeout_secs,
        max_retries,
        jobs,
        samples,
        temperature,
        repair_rounds,
        max_tokens,
        reasoning_effort,
        price,
        model_extra,
        search_budget,
        ask,
        files_read: layers.iter().map(|l| l.path.clone()).collect(),
        providers: table,
    })
}

/// Flag, then each file in order, then the default; the chosen value is checked by `valid`
/// and a bad one is reported at its flag or file position.
fn pick<T: Copy + fmt::Display>(
    flag: Option<T>,
    flag_name: &str,
    layers: &[Layer],
    field: impl Fn(&FileConfig) -> Option<&Spanned<T>>,
    default: T,
    valid: impl Fn(&T) -> Result<(), &'static str>,
) -> Result<Setting<T>, ConfigError> {
    let name = flag_name.trim_start_matches('-').replace('-', "_");
    if let Some(v) = flag {
        valid(&v).map_err(|why| ConfigError::Invalid {
            at: flag_name.to_string(),
            message: format!("{v} is not a valid {name}: {why}"),
        })?;
        return Ok(Setting {
            value: v,
            source: Source::Flag(flag_name.to_string()),
        });
    }
    for layer in layers {
        if let Some(s) = field(&layer.file) {
            let v = *s.get_ref();
            valid(&v).map_err(|why| ConfigError::Invalid {
                at: layer.at(s.span()),
                message: format!("{v} is not a valid {name}: {why}"),
            })?;
            return Ok(Setting {
                value: v,
                source: layer.source.clone(),
            });
        }
    }
    Ok(Setting {
        value: default,
        source: Source::Default,
    })
}

fn resolve_model(
    flags: &ConfigFlags,
    env: &HashMap<String, String>,
    layers: &[Layer],
) -> Result<Setting<ModelSpec>, ConfigError> {
    if let Some(text) = &flags.model {
        let spec = text.parse().map_err(|error| ConfigError::Spec {
            at: "--model".into(),
            error,
        })?;
        return Ok(Setting {
            value: spec,
            source: Source::Flag("--model".into()),
        });
    }
    if let Some(text) = env.get("ANPL_MODEL").filter(|v| !v.trim().is_empty()) {
        let spec = text.parse().map_err(|error| ConfigError::Spec {
            at: "environment ANPL_MODEL".into(),
            error,
        })?;
        return Ok(Setting {
            value: spec,
            source: Source::Env("ANPL_MODEL".into()),
        });
    }
    for layer in layers {
        if let Some(s) = &layer.file.model {
            let spec = s.get_ref().parse().map_err(|error| ConfigError::Spec {
                at: layer.at(s.span()),
                error,
            })?;
            return Ok(Setting {
                value: spec,
                source: layer.source.clone(),
            });
        }
    }
    Ok(Setting {
        value: ModelSpec::Offline,
        source: Source::Default,
    })
}

/// Built-in rows with `[providers.NAME]` overrides applied (the more important file wins
/// field by field), then rows the files define, in name order.
fn provider_table(layers: &[Layer]) -> Result<Vec<ProviderInfo>, ConfigError> {
    let mut table = providers::builtin();
    let mut names: Vec<&String> = layers
        .iter()
        .flat_map(|l| l.file.providers.keys())
        .collect();
    names.sort();
    names.dedup();
    for name in names {
        // Least important first, so later layers overwrite.
        let sections: Vec<(&Layer, &FileProvider)> = layers
            .iter()
            .rev()
            .filter_map(|l| l.file.providers.get(name).map(|p| (l, p)))
            .collect();
        let existing = table.iter().position(|p| &p.name == name);
        let mut row = match existing {
            Some(i) => table[i].clone(),
            None => {
                if name.is_empty()
                    || !name.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                    })
                {
                    let at = sections
                        .first()
                        .map_or_else(String::new, |(l, _)| l.path.display().to_string());
                    return Err(ConfigError::Invalid {
                        at,
                        message: format!("[providers.{name}]: a provider name may contain only lowercase letters, digits, `-` and `_`"),
                    });
                }
                ProviderInfo {
                    name: name.clone(),
                    format: WireFormat::OpenAi,
                    default_base_url: None,
                    key_env: None,
                    base_url_env: None,
                    needs_key: false,
                    supports_n: false,
                    max_tokens_field: "max_tokens".into(),
                    description: "defined in a config file".into(),
                    stream: true,
                    checks_context: true,
                    prompt_cache: false,
                    extra: serde_json::Map::new(),
                }
            }
        };
        for (layer, section) in sections {
            if let Some(f) = &section.format {
                row.format = WireFormat::parse(f.get_ref()).ok_or_else(|| ConfigError::Invalid {
                    at: layer.at(f.span()),
                    message: format!(
                        "[providers.{name}] format `{}` is not one anpl speaks: use \"openai\" or \"anthropic\"",
                        f.get_ref()
                    ),
                })?;
            }
            if let Some(u) = &section.base_url {
                check_url(u.get_ref()).map_err(|message| ConfigError::Invalid {
                    at: layer.at(u.span()),
                    message,
                })?;
                row.default_base_url = Some(u.get_ref().clone());
            }
            if let Some(var) = &section.api_key_env {
                row.key_env = Some(var.clone());
                row.needs_key = true;
            }
            if let Some(n) = section.supports_n {
                row.supports_n = n;
            }
            if let Some(field) = &section.max_tokens_field {
                row.max_tokens_field = field.clone();
            }
            if let Some(on) = section.stream {
                row.stream = on;
            }
            if let Some(on) = section.prompt_cache {
                row.prompt_cache = on;
            }
            if let Some(fields) = &section.extra {
                let mut merged = serde_json::Value::Object(row.extra.clone());
                crate::llm::provider::merge_extra(&mut merged, &json_fields(fields));
                if let serde_json::Value::Object(map) = merged {
                    row.extra = map;
                }
            }
        }
        match existing {
            Some(i) => table[i] = row,
            None => table.push(row),
        }
    }
    Ok(table)
}

fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') => Ok(()),
        _ => Err(format!(
            "base URL `{url}` must start with http:// or https:// and name a host, e.g. http://127.0.0.1:8000/v1"
        )),
    }
}

fn resolve_base_url(
    p: &ProviderInfo,
    flags: &ConfigFlags,
    env: &HashMap<String, String>,
    layers: &[Layer],
) -> Result<Option<Setting<String>>, ConfigError> {
    if let Some(url) = &flags.base_url {
        check_url(url).map_err(|message| ConfigError::Invalid {
            at: "--base-url".into(),
            message,
        })?;
        return Ok(Some(Setting {
            value: url.clone(),
            source: Source::Flag("--base-url".into()),
        }));
    }
    if let Some((var, style)) = &p.base_url_env {
        if let Some(v) = env.get(var).filter(|v| !v.trim().is_empty()) {
            let url = match style {
                BaseUrlEnvStyle::Url => v.trim().to_string(),
                BaseUrlEnvStyle::OllamaHost => providers::ollama_base_url(v),
            };
            check_url(&url).map_err(|message| ConfigError::Invalid {
                at: format!("environment {var}"),
                message,
            })?;
            return Ok(Some(Setting {
                value: url,
                source: Source::Env(var.clone()),
            }));
        }
    }
    for layer in layers {
        if let Some(u) = layer
            .file
            .providers
            .get(&p.name)
            .and_then(|s| s.base_url.as_ref())
        {
            return Ok(Some(Setting {
                value: u.get_ref().clone(),
                source: layer.source.clone(),
            }));
        }
    }
    Ok(p.default_base_url.clone().map(|value| Setting {
        value,
        source: Source::Default,
    }))
}

fn resolve_api_key(
    p: &ProviderInfo,
    flags: &ConfigFlags,
    env: &HashMap<String, String>,
    layers: &[Layer],
) -> Option<Setting<Secret>> {
    if let Some(key) = &flags.api_key {
        return Some(Setting {
            value: key.clone(),
            source: Source::Flag("--api-key".into()),
        });
    }
    if let Some(var) = &p.key_env {
        if let Some(v) = env.get(var).filter(|v| !v.trim().is_empty()) {
            return Some(Setting {
                value: Secret::new(v.trim()),
                source: Source::Env(var.clone()),
            });
        }
    }
    layers.iter().find_map(|layer| {
        layer
            .file
            .providers
            .get(&p.name)
            .and_then(|s| s.api_key.as_ref())
            .map(|k| Setting {
                value: Secret::new(k.trim()),
                source: layer.source.clone(),
            })
    })
}
