//! `anpl bench prompts [SKETCH...]`: how big the first request of every hole is (estimated
//! tokens, median and largest) and how long the traced run that observes the holes' calls
//! takes, cold (the worker pool starting with it) and warm (the extra time compile spends
//! on it, since the pool is needed for checking anyway).
//!
//! Each sketch is opened with a throwaway session, so its saved implementations do not
//! change the figures; an examples file beside it (`NAME.json`) is used when there is one.
//! Requests are built by the engine's own prompt code (`Engine::first_request`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;

use super::args::environment;
use super::runtime;
use crate::engine::{Engine, EngineOptions, SearchSettings};
use crate::exec::ExecConfig;

#[derive(Debug, Args)]
pub struct BenchPromptsArgs {
    /// Sketches to measure (default: every `examples/*.py` under the current directory).
    pub sketches: Vec<PathBuf>,
    /// Warm traced runs per sketch.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct SketchFigures {
    sketch: String,
    holes: usize,
    /// Holes whose prompt shows observed calls.
    observed: usize,
    median_tokens: usize,
    max_tokens: usize,
    cold_trace_ms: u64,
    warm_trace_ms: u64,
}

#[derive(Debug, Serialize)]
struct Report {
    sketches: Vec<SketchFigures>,
    requests: usize,
    median_tokens: usize,
    max_tokens: usize,
}

pub fn run(args: &BenchPromptsArgs) -> Result<ExitCode> {
    let sketches = if args.sketches.is_empty() {
        let mut found: Vec<PathBuf> = std::fs::read_dir("examples")
            .context("no sketches given and no examples/ folder here")?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "py"))
            .collect();
        found.sort();
        found
    } else {
        args.sketches.clone()
    };
    let scratch = tempfile::tempdir().context("cannot make a scratch directory")?;
    let rt = runtime()?;
    let mut figures = Vec::new();
    let mut all_tokens = Vec::new();
    for (i, sketch) in sketches.iter().enumerate() {
        let (f, tokens) = rt.block_on(measure(
            sketch,
            &scratch.path().join(format!("{i}.json")),
            args.runs,
        ))?;
        all_tokens.extend(tokens);
        figures.push(f);
    }
    all_tokens.sort_unstable();
    let report = Report {
        sketches: figures,
        requests: all_tokens.len(),
        median_tokens: median(&all_tokens),
        max_tokens: all_tokens.last().copied().unwrap_or(0),
    };
    if args.json {
        super::print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    super::outln(format_args!(
        "{:<28} {:>5} {:>8} {:>12} {:>10} {:>13} {:>13}",
        "sketch", "holes", "observed", "median tok", "max tok", "cold trace ms", "warm trace ms"
    ))?;
    for f in &report.sketches {
        super::outln(format_args!(
            "{:<28} {:>5} {:>8} {:>12} {:>10} {:>13} {:>13}",
            f.sketch,
            f.holes,
            f.observed,
            f.median_tokens,
            f.max_tokens,
            f.cold_trace_ms,
            f.warm_trace_ms
        ))?;
    }
    super::outln(format_args!(
        "all {} first requests: median {} tokens, largest {} tokens (estimated, 4 characters a token)",
        report.requests, report.median_tokens, report.max_tokens
    ))?;
    Ok(ExitCode::SUCCESS)
}

async fn measure(
    sketch: &Path,
    session: &Path,
    runs: usize,
) -> Result<(SketchFigures, Vec<usize>)> {
    let env = environment();
    let examples = sketch.with_extension("json");
    let engine = Engine::open(EngineOptions {
        sketch: sketch.to_path_buf(),
        session: Some(session.to_path_buf()),
        entry: None,
        examples_file: examples.is_file().then_some(examples),
        exec: ExecConfig::new(
            ExecConfig::resolve_python(
                None,
                env.get("ANPL_PYTHON").map(String::as_str),
                Path::new("."),
            ),
            env.iter().map(|(k, v)| (k.into(), v.into())).collect(),
        ),
        search: SearchSettings::default(),
    })
    .with_context(|| format!("cannot open {}", sketch.display()))?;
    let checker = engine.checker().await?;
    let started = Instant::now();
    let observed = engine.observe(&checker).await;
    let cold = started.elapsed().as_millis() as u64;
    let mut warm = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        engine.observe(&checker).await;
        warm.push(started.elapsed().as_millis() as usize);
    }
    warm.sort_unstable();
    let mut tokens: Vec<usize> = engine
        .sketch
        .holes
        .iter()
        .map(|h| engine.first_request(h, &observed).1.tokens)
        .collect();
    tokens.sort_unstable();
    let figures = SketchFigures {
        sketch: sketch.display().to_string(),
        holes: engine.sketch.holes.len(),
        observed: engine
            .sketch
            .holes
            .iter()
            .filter(|h| !observed.of(&h.id).is_empty())
            .count(),
        median_tokens: median(&tokens),
        max_tokens: tokens.last().copied().unwrap_or(0),
        cold_trace_ms: cold,
        warm_trace_ms: median(&warm) as u64,
    };
    Ok((figures, tokens))
}

/// The middle value of a sorted list (the lower one of the two middles), 0 when empty.
fn median(sorted: &[usize]) -> usize {
    sorted
        .get(sorted.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0)
}
