//! The config files as read: their top-level settings and tables, with the text kept so an
//! error can point at `FILE:line:col`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, Source};
use crate::llm::prices::Price;
use crate::llm::spec::ModelSpec;

#[derive(Debug, Default, Deserialize)]
pub(super) struct FileConfig {
    pub(super) model: Option<Spanned<String>>,
    pub(super) request_timeout: Option<Spanned<f64>>,
    pub(super) max_retries: Option<Spanned<u32>>,
    pub(super) jobs: Option<Spanned<u32>>,
    pub(super) samples: Option<Spanned<u32>>,
    pub(super) temperature: Option<Spanned<f32>>,
    pub(super) repair_rounds: Option<Spanned<u32>>,
    pub(super) max_tokens: Option<Spanned<u32>>,
    pub(super) reasoning_effort: Option<Spanned<String>>,
    pub(super) search_budget: Option<Spanned<u32>>,
    pub(super) ask: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) providers: BTreeMap<String, FileProvider>,
    #[serde(default)]
    pub(super) models: BTreeMap<String, FileModel>,
}

/// `[models."PROVIDER:MODEL"]`: settings of one model.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileModel {
    /// Fields added to every request body for this model.
    pub(super) extra: Option<toml::Table>,
    pub(super) price: Option<Price>,
}

const TOP_LEVEL_SETTINGS: &[&str] = &[
    "model",
    "request_timeout",
    "max_retries",
    "jobs",
    "samples",
    "temperature",
    "repair_rounds",
    "max_tokens",
    "reasoning_effort",
    "search_budget",
    "ask",
    "providers",
    "models",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileProvider {
    pub(super) format: Option<Spanned<String>>,
    pub(super) base_url: Option<Spanned<String>>,
    pub(super) api_key: Option<String>,
    pub(super) api_key_env: Option<String>,
    pub(super) supports_n: Option<bool>,
    pub(super) max_tokens_field: Option<String>,
    pub(super) stream: Option<bool>,
    pub(super) prompt_cache: Option<bool>,
    pub(super) extra: Option<toml::Table>,
}

/// One config file, read and parsed, with what is needed to point at its lines.
pub(super) struct Layer {
    pub(super) path: PathBuf,
    pub(super) text: String,
    pub(super) source: Source,
    pub(super) file: FileConfig,
}

impl Layer {
    pub(super) fn at(&self, span: std::ops::Range<usize>) -> String {
        let (line, col) = line_col(&self.text, span.start);
        format!("{}:{line}:{col}", self.path.display())
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

pub(super) fn read_layer(path: &Path, source: Source) -> Result<Option<Layer>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ConfigError::Read {
                path: path.display().to_string(),
                reason: e.to_string(),
            })
        }
    };
    let parse_error = |e: toml::de::Error| {
        let (line, col) = e.span().map_or((1, 1), |s| line_col(&text, s.start));
        ConfigError::Parse {
            path: path.display().to_string(),
            line,
            col,
            message: crate::llm::error::one_line(e.message()),
        }
    };
    let table: toml::Table = toml::from_str(&text).map_err(parse_error)?;
    for (key, value) in &table {
        if !value.is_table() && !TOP_LEVEL_SETTINGS.contains(&key.as_str()) {
            let (line, col) = find_key(&text, key);
            // The last two are tables, not settings.
            let known = &TOP_LEVEL_SETTINGS[..TOP_LEVEL_SETTINGS.len() - 2];
            // `timeout` was the request limit here while `--timeout` limited checks.
            let message = if key == "timeout" {
                "`timeout` is now `request_timeout` (seconds one model request may take); \
                 the limit on one check of a program is the --check-timeout flag"
                    .to_string()
            } else {
                format!(
                    "unknown setting `{key}`{} (known: {})",
                    crate::suggest::did_you_mean(key, known.iter().copied()),
                    known.join(", ")
                )
            };
            return Err(ConfigError::Parse {
                path: path.display().to_string(),
                line,
                col,
                message,
            });
        }
    }
    let file: FileConfig = toml::from_str(&text).map_err(parse_error)?;
    for name in file.models.keys() {
        if name
            .parse::<ModelSpec>()
            .ok()
            .and_then(|m| m.remote().cloned())
            .is_none()
        {
            let (line, col) = find_text(&text, name);
            return Err(ConfigError::Parse {
                path: path.display().to_string(),
                line,
                col,
                message: format!(
                    "[models.\"{name}\"]: name the model as PROVIDER:MODEL, e.g. [models.\"openai:gpt-4o-mini\"]"
                ),
            });
        }
    }
    Ok(Some(Layer {
        path: path.to_path_buf(),
        text,
        source,
        file,
    }))
}

/// Where a top-level `key = ...` line starts; TOML tables carry no spans once parsed.
fn find_key(text: &str, key: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return (i + 1, line.len() - trimmed.len() + 1);
            }
        }
    }
    (1, 1)
}

/// Where `needle` first occurs, for errors about table names TOML keeps no spans for.
fn find_text(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map_or((1, 1), |at| line_col(text, at))
}

/// A TOML table as the JSON fields it stands for.
pub(super) fn json_fields(table: &toml::Table) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(table) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}
