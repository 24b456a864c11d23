//! `anpl bench compile`: how long compiling takes when the model is slow, and how long a
//! recompile of an unchanged session takes.
//!
//! A local server answers every request after a fixed delay (300 ms by default), so the
//! figure shows whether holes are really requested concurrently: 16 independent holes
//! should take about one delay plus checking time, not sixteen. The same sketch compiled
//! with one job at a time is measured beside it.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::{bench_server, print_json, runtime};
use crate::engine::{Events, SearchSettings};
use crate::llm::fake_server::{FakeRule, FakeServer, FakeTable};

#[derive(Debug, Args)]
pub struct BenchCompileArgs {
    /// Independent holes in the generated sketch.
    #[arg(long, default_value_t = 16)]
    pub holes: usize,
    /// The model server's delay before every answer, in milliseconds.
    #[arg(long, default_value_t = 300)]
    pub delay_ms: u64,
    #[arg(long)]
    pub json: bool,
}

fn sketch(holes: usize) -> String {
    let mut out = String::new();
    for i in 0..holes {
        out.push_str(&format!(
            "def add_{i}(x: int) -> int:\n    \"\"\"Add {i} to the number (task {i}).\n\n    >>> add_{i}(1)\n    {}\n    \"\"\"\n\n\n",
            1 + i
        ));
    }
    out.push_str("def main(x: int) -> int:\n    \"\"\"Sum of every adder.\n\n");
    let expected: usize = (0..holes).map(|i| 1 + i).sum();
    out.push_str(&format!(
        "    >>> main(1)\n    {expected}\n    \"\"\"\n    return 0"
    ));
    for i in 0..holes {
        out.push_str(&format!(" + add_{i}(x)"));
    }
    out.push('\n');
    out
}

fn table(holes: usize, delay_ms: u64) -> FakeTable {
    FakeTable {
        rules: (0..holes)
            .map(|i| {
                FakeRule::new(
                    format!("(task {i})"),
                    format!("```python\ndef add_{i}(x):\n    return x + {i}\n```"),
                )
            })
            .collect(),
        delay_ms,
        ..FakeTable::default()
    }
}

struct Measured {
    seconds: f64,
    requests: usize,
    success: bool,
}

async fn compile_once(
    dir: &Path,
    server: &FakeServer,
    jobs: usize,
    session: &str,
) -> Result<Measured> {
    let backend = bench_server::backend(
        server,
        "openai-compatible:bench",
        None,
        dir.join("no-anpl.toml"),
    )?;
    let search = SearchSettings {
        jobs,
        samples: 0,
        repair_rounds: 0,
        ..SearchSettings::default()
    };
    let before = server.request_count();
    let start = Instant::now();
    let mut engine = bench_server::engine(dir, "bench.py", session, search)?;
    let report = engine
        .compile(&backend, None, &Events::none(), &CancellationToken::new())
        .await?;
    Ok(Measured {
        seconds: start.elapsed().as_secs_f64(),
        requests: server.request_count() - before,
        success: report.success(),
    })
}

pub fn run(args: &BenchCompileArgs) -> Result<ExitCode> {
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    std::fs::write(dir.path().join("bench.py"), sketch(args.holes))?;
    let rt = runtime()?;
    let (parallel, recompile, sequential, instant) = rt.block_on(async {
        let server = FakeServer::start(table(args.holes, args.delay_ms)).await?;
        let parallel = compile_once(dir.path(), &server, args.holes, "parallel.json").await?;
        let recompile = compile_once(dir.path(), &server, args.holes, "parallel.json").await?;
        let sequential = compile_once(dir.path(), &server, 1, "sequential.json").await?;
        // The same compile against a server that answers at once: what is left is
        // starting Python and checking, the part the model's latency adds to.
        let quick = FakeServer::start(table(args.holes, 0)).await?;
        let instant = compile_once(dir.path(), &quick, args.holes, "instant.json").await?;
        anyhow::Ok((parallel, recompile, sequential, instant))
    })?;
    let delay = Duration::from_millis(args.delay_ms).as_secs_f64();
    if args.json {
        let row = |m: &Measured| json!({"seconds": m.seconds, "requests": m.requests, "success": m.success});
        let doc = json!({
            "holes": args.holes,
            "delay_ms": args.delay_ms,
            "concurrent": row(&parallel),
            "sequential": row(&sequential),
            "unchanged_recompile": row(&recompile),
            "no_model_latency": row(&instant),
        });
        print_json(&doc)?;
    } else {
        println!(
            "compile of {} independent holes, model answering after {} ms:",
            args.holes, args.delay_ms
        );
        println!(
            "  concurrent (jobs {}): {:.3} s, {} requests ({:.2} x the delay), all pass: {}",
            args.holes,
            parallel.seconds,
            parallel.requests,
            parallel.seconds / delay,
            parallel.success
        );
        println!(
            "  sequential (jobs 1):  {:.3} s, {} requests ({:.2} x the delay), all pass: {}",
            sequential.seconds,
            sequential.requests,
            sequential.seconds / delay,
            sequential.success
        );
        println!(
            "  same, model answering at once: {:.3} s (starting Python and checking)",
            instant.seconds
        );
        println!(
            "  concurrent minus that: {:.3} s = {:.2} x the delay",
            parallel.seconds - instant.seconds,
            (parallel.seconds - instant.seconds) / delay
        );
        println!(
            "  unchanged recompile:  {:.3} s, {} requests",
            recompile.seconds, recompile.requests
        );
    }
    Ok(
        if parallel.success && sequential.success && recompile.requests == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}
