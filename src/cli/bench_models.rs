//! `anpl bench models`: what streaming and prompt caching change, measured against the local
//! model server.
//!
//! Streaming: one hole whose answer the server streams in chunks a fixed delay apart; the
//! figures are when the progress display first hears of tokens (an `Event::Receiving`) and
//! when it hears the answer is complete (`Event::Tokens`), beside the same compile against a
//! server that does not stream, where nothing shows until the whole answer is in.
//!
//! Prompt caching: a 16-hole ARC-style program in the Anthropic format, each hole's first
//! answer failing its example so samples are drawn, as in a real search; the server keeps
//! Anthropic's prompt cache (prefixes of at least 1024 tokens marked `cache_control`). The
//! figures are the cached input tokens the server reports and the cost with and without the
//! marks.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{bench_server, print_json, runtime};
use crate::engine::{Event, Events, SearchSettings};
use crate::llm::fake_server::{FakeRule, FakeServer, FakeTable};
use crate::session::Usage;

#[derive(Debug, Args)]
pub struct BenchModelsArgs {
    /// Milliseconds between streamed chunks (four characters each).
    #[arg(long, default_value_t = 20)]
    pub chunk_delay_ms: u64,
    /// Holes in the prompt-caching program.
    #[arg(long, default_value_t = 16)]
    pub holes: usize,
    #[arg(long)]
    pub json: bool,
}

const ANSWER_BODY: &str = "    counts = {}\n    for row in grid:\n        for v in row:\n            counts[v] = counts.get(v, 0) + 1\n    return max(sorted(counts), key=lambda v: counts[v])";

fn one_hole() -> &'static str {
    "def most_common_colour(grid: list[list[int]]) -> int:\n    \"\"\"The colour that occurs most often in the grid; ties go to the smaller colour.\n\n    >>> most_common_colour([[1, 2], [2, 0]])\n    2\n    \"\"\"\n"
}

/// Milliseconds from the start of a compile to the first tokens shown and to the whole
/// answer, as the progress display receives them.
struct Latency {
    first_token_ms: Option<f64>,
    full_answer_ms: Option<f64>,
    success: bool,
}

async fn latency(dir: &Path, stream: bool, chunk_delay_ms: u64, session: &str) -> Result<Latency> {
    let answer = format!(
        "Here is the function:\n\n```python\ndef most_common_colour(grid):\n{ANSWER_BODY}\n```\n\nIt counts each colour and takes the most frequent."
    );
    // A server that does not stream takes as long to generate: it answers once the last
    // chunk would have been sent.
    let chunks = answer.chars().count().div_ceil(4) as u64;
    let server = FakeServer::start(FakeTable {
        rules: vec![FakeRule::new("most often", answer)],
        stream,
        chunk_delay_ms,
        delay_ms: if stream { 0 } else { chunks * chunk_delay_ms },
        ..FakeTable::default()
    })
    .await?;
    std::fs::write(dir.join("anpl.toml"), "")?;
    let backend = bench_server::backend(
        &server,
        "openai-compatible:bench",
        None,
        dir.join("anpl.toml"),
    )?;
    let mut engine = bench_server::engine(dir, "one.py", session, SearchSettings::default())?;
    let (sender, mut receiver) = mpsc::unbounded_channel();
    let events = Events::new(sender);
    let start = Instant::now();
    let watcher = tokio::spawn(async move {
        let (mut first, mut full) = (None, None);
        while let Some(event) = receiver.recv().await {
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            match event {
                Event::Receiving { .. } if first.is_none() => first = Some(ms),
                Event::Tokens { .. } if full.is_none() => {
                    full = Some(ms);
                    first.get_or_insert(ms);
                }
                _ => {}
            }
        }
        (first, full)
    });
    let report = engine
        .compile(&backend, None, &events, &CancellationToken::new())
        .await?;
    drop(events);
    drop(engine);
    let (first, full) = watcher.await.context("the event watcher stopped")?;
    Ok(Latency {
        first_token_ms: first,
        full_answer_ms: full,
        success: report.success(),
    })
}

/// An ARC-style program: a prelude of colour names and helpers, `main` calling every hole,
/// each hole with a description and one example.
fn arc_program(holes: usize) -> String {
    let mut out = String::from(
        "import numpy as np\nfrom typing import *\n(black, blue, red, green, yellow, grey, pink, orange, teal, maroon) = range(10)\nNAMES = {black: 'black', blue: 'blue', red: 'red', green: 'green', yellow: 'yellow', grey: 'grey', pink: 'pink', orange: 'orange', teal: 'teal', maroon: 'maroon'}\n\n\n",
    );
    out.push_str("def main(input_grid: np.ndarray) -> int:\n    \"\"\"\n    In the input you should see a grid of coloured cells on a black background. Every step\n    below measures one property of the grid (how many cells of a colour, where the objects\n    are, how the rows and columns compare), and the output is the sum of all of them, so\n    that each step can be checked on its own and the whole program on the task's examples.\n    The grids are small (at most 30 by 30) and hold the colours 0 to 9 named above.\n    \"\"\"\n    total = 0\n");
    for i in 0..holes {
        out.push_str(&format!(
            "    total += measure_{i}(input_grid)  # property {i}: the count of cells equal to {c}\n",
            c = i % 10
        ));
    }
    out.push_str("    return total\n\n\n");
    for i in 0..holes {
        out.push_str(&format!(
            "def measure_{i}(grid: np.ndarray) -> int:\n    \"\"\"Count the cells of the grid whose colour is {c} ({name}), as a plain int (task {i}).\n\n    >>> measure_{i}(np.array([[{c}, 1], [{c}, {c}]]))\n    {n}\n    \"\"\"\n\n\n",
            c = i % 10,
            name = ["black", "blue", "red", "green", "yellow", "grey", "pink", "orange", "teal", "maroon"][i % 10],
            n = if i % 10 == 1 { 4 } else { 3 },
        ));
    }
    out
}

fn arc_table(holes: usize) -> FakeTable {
    FakeTable {
        rules: (0..holes)
            .map(|i| FakeRule {
                contains: format!("(task {i})"),
                answer: None,
                // The greedy answer is off by one; the samples get it right.
                answers: vec![
                    format!("```python\ndef measure_{i}(grid):\n    return int((grid == {}).sum()) + 1\n```", i % 10),
                    format!("```python\ndef measure_{i}(grid):\n    return int((grid == {}).sum())\n```", i % 10),
                ],
                weighted: Vec::new(),
            })
            .collect(),
        prompt_cache: true,
        ..FakeTable::default()
    }
}

async fn cached_compile(
    dir: &Path,
    holes: usize,
    marks: bool,
    session: &str,
) -> Result<(Usage, bool)> {
    let server = FakeServer::start(arc_table(holes)).await?;
    let toml = if marks {
        ""
    } else {
        "[providers.anthropic]\nprompt_cache = false\n"
    };
    std::fs::write(dir.join("anpl.toml"), toml)?;
    let backend = bench_server::backend(
        &server,
        "anthropic:claude-sonnet-4-5",
        Some("sk-bench"),
        dir.join("anpl.toml"),
    )?;
    let mut engine = bench_server::engine(
        dir,
        "arc.py",
        session,
        SearchSettings {
            samples: 3,
            repair_rounds: 0,
            ..SearchSettings::default()
        },
    )?;
    let report = engine
        .compile(&backend, None, &Events::none(), &CancellationToken::new())
        .await?;
    Ok((report.usage, report.success()))
}

pub fn run(args: &BenchModelsArgs) -> Result<ExitCode> {
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    std::fs::write(dir.path().join("one.py"), one_hole())?;
    std::fs::write(dir.path().join("arc.py"), arc_program(args.holes))?;
    let rt = runtime()?;
    let (streamed, plain, cached, uncached) = rt.block_on(async {
        let streamed = latency(dir.path(), true, args.chunk_delay_ms, "s1.json").await?;
        let plain = latency(dir.path(), false, args.chunk_delay_ms, "s2.json").await?;
        let cached = cached_compile(dir.path(), args.holes, true, "c1.json").await?;
        let uncached = cached_compile(dir.path(), args.holes, false, "c2.json").await?;
        anyhow::Ok((streamed, plain, cached, uncached))
    })?;
    let ms = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0} ms"));
    let (cache_usage, cache_ok) = cached;
    let (plain_usage, plain_ok) = uncached;
    if args.json {
        let lat = |l: &Latency| json!({"first_token_ms": l.first_token_ms, "full_answer_ms": l.full_answer_ms, "success": l.success});
        let doc = json!({
            "chunk_delay_ms": args.chunk_delay_ms,
            "streaming": lat(&streamed),
            "not_streaming": lat(&plain),
            "prompt_cache": {
                "holes": args.holes,
                "with_marks": cache_usage,
                "without_marks": plain_usage,
                "success": cache_ok && plain_ok,
            },
        });
        print_json(&doc)?;
    } else {
        println!(
            "one hole, answer streamed in 4-character chunks {} ms apart:",
            args.chunk_delay_ms
        );
        println!(
            "  streaming:     first tokens shown after {}, whole answer after {}",
            ms(streamed.first_token_ms),
            ms(streamed.full_answer_ms)
        );
        println!(
            "  not streaming: nothing shown until the whole answer, after {}",
            ms(plain.full_answer_ms)
        );
        println!(
            "{}-hole compile, Anthropic format, samples after a failing first answer:",
            args.holes
        );
        println!(
            "  with cache marks:    {} requests, {} input tokens of which {} read from the cache, cost {}",
            cache_usage.requests,
            cache_usage.input_tokens,
            cache_usage.cached_tokens,
            cache_usage.cost_text()
        );
        println!(
            "  without cache marks: {} requests, {} input tokens, cost {}",
            plain_usage.requests,
            plain_usage.input_tokens,
            plain_usage.cost_text()
        );
    }
    let ok = streamed.success && plain.success && cache_ok && plain_ok;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
