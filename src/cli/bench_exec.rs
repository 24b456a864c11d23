//! `anpl bench exec`: the throughput and memory figures of issue 3. Checks many candidates
//! of a small numpy function (3 examples each) through the sandboxed worker pool and the
//! same kind of check with a fresh `python3` per check, and reports both rates, their ratio,
//! and the pool's resident memory. The two alternate in rounds, so that a shared machine's
//! slow spells fall on both sides of the ratio rather than on whichever ran then.

use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use futures::StreamExt;
use serde::Serialize;

use crate::exec::{CallSpec, CheckRequest, ExecConfig, Runner};

#[derive(Debug, Args)]
pub struct BenchExecArgs {
    /// Candidate checks through the pool.
    #[arg(long, default_value_t = 1000)]
    pub checks: usize,
    /// Checks with a fresh interpreter each (slow, so fewer).
    #[arg(long, default_value_t = 60)]
    pub fresh_checks: usize,
    /// Pool workers, and concurrent fresh interpreters.
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
    /// Alternate pool and fresh checks in this many rounds (each side's checks split evenly).
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    #[arg(long)]
    pub python: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct Round {
    pool_checks_per_second: f64,
    fresh_checks_per_second: f64,
    speedup: f64,
}

#[derive(Debug, Serialize)]
struct Figures {
    workers: usize,
    pool_checks: usize,
    pool_seconds: f64,
    pool_checks_per_second: f64,
    pool_passed: usize,
    fresh_checks: usize,
    fresh_seconds: f64,
    fresh_checks_per_second: f64,
    speedup: f64,
    /// Each round's rates and their ratio: the spread shows how steady the machine was.
    rounds: Vec<Round>,
    pool_processes: usize,
    pool_rss_mib: f64,
    pool_pss_mib: f64,
    inactive_layers: Vec<String>,
}

const PRELUDE: &str = "import numpy as np\n";

/// Candidate `i`: one of a few plausible bodies for "rotate the grid a quarter turn", as a
/// model's samples would differ; about a quarter of them are right.
fn candidate(i: usize) -> String {
    let body = match i % 4 {
        0 => "return np.rot90(grid)",
        1 => "return np.rot90(grid, -1)",
        2 => "return grid[::-1].T",
        _ => "return np.flipud(grid)",
    };
    format!(
        "{PRELUDE}\n# candidate {i}\ndef rotate(grid: np.ndarray) -> np.ndarray:\n    \"\"\"Rotate the grid a quarter turn counter-clockwise.\"\"\"\n    {body}\n\ndef main(grid):\n    return rotate(np.asarray(grid))\n"
    )
}

fn examples() -> Vec<CallSpec> {
    vec![
        CallSpec::new("main([[1, 2], [3, 4]])", Some("np.array([[2, 4], [1, 3]])")),
        CallSpec::new("main([[5, 6, 7]])", Some("np.array([[7], [6], [5]])")),
        CallSpec::new(
            "main(np.arange(9).reshape(3, 3))",
            Some("np.array([[2, 5, 8], [1, 4, 7], [0, 3, 6]])"),
        ),
    ]
}

/// The same check as a standalone script: import numpy, load, run, compare.
fn fresh_script(program: &str, calls: &[CallSpec]) -> String {
    let mut script = format!("import numpy as np\nns = {{}}\nexec({program:?}, ns)\nok = True\n");
    for c in calls {
        let expected = c.expected.as_deref().unwrap_or("None");
        script.push_str(&format!(
            "v = eval({:?}, ns)\ne = eval({expected:?}, ns)\nok = ok and v.shape == e.shape and bool((v == e).all())\n",
            c.call
        ));
    }
    script.push_str("print(ok)\n");
    script
}

pub fn run(args: BenchExecArgs) -> anyhow::Result<ExitCode> {
    if args.workers == 0 || args.checks == 0 || args.fresh_checks == 0 || args.rounds == 0 {
        bail!("--workers, --checks, --fresh-checks and --rounds must be at least 1");
    }
    let rounds = args.rounds.min(args.checks).min(args.fresh_checks);
    let cwd = std::env::current_dir().context("reading the current directory")?;
    // Configured as `anpl compile` would be for a sketch in the current folder: its project
    // readable, every layer that the machine has in force.
    let mut config = ExecConfig::for_sketch(
        &cwd.join("bench.py"),
        args.python.as_deref(),
        &crate::exec::SandboxFlags::default(),
        std::env::vars_os().collect(),
    );
    config.workers = args.workers;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let figures = runtime.block_on(async {
        let runner = Runner::start(config, PRELUDE)
            .await
            .context("starting the worker pool")?;
        let requests: Vec<CheckRequest> = (0..args.checks)
            .map(|i| CheckRequest {
                program: candidate(i),
                traced: vec!["rotate".into()],
                calls: examples(),
                stop_at_first_failure: false,
            })
            .collect();
        let scripts: Vec<String> = (0..args.fresh_checks)
            .map(|i| fresh_script(&candidate(i), &examples()))
            .collect();
        // The interpreter itself, not a wrapper (a pyenv shim costs a shell per start).
        let python = runner.sandbox_report().executable.clone();
        // warm up once so the first fork does not count against the pool
        runner.check(&requests[0]).await?;
        let mut pool = Duration::ZERO;
        let mut fresh = Duration::ZERO;
        let mut pool_passed = 0;
        let mut each = Vec::with_capacity(rounds);
        for round in 0..rounds {
            let mine = &requests[share(args.checks, rounds, round)];
            let started = Instant::now();
            let outcomes: Vec<_> = futures::stream::iter(mine.iter())
                .map(|r| runner.check(r))
                .buffer_unordered(args.workers * 2)
                .collect()
                .await;
            let pool_round = started.elapsed();
            for (req, outcome) in mine.iter().zip(outcomes) {
                if outcome?.passed(req) {
                    pool_passed += 1;
                }
            }
            let theirs = &scripts[share(args.fresh_checks, rounds, round)];
            let fresh_round = fresh_run(&python, theirs, args.workers).await?;
            let pool_rate = mine.len() as f64 / pool_round.as_secs_f64();
            let fresh_rate = theirs.len() as f64 / fresh_round.as_secs_f64();
            each.push(Round {
                pool_checks_per_second: pool_rate,
                fresh_checks_per_second: fresh_rate,
                speedup: pool_rate / fresh_rate,
            });
            pool += pool_round;
            fresh += fresh_round;
        }
        let pool_seconds = pool.as_secs_f64();
        if pool_passed != args.checks.div_ceil(4) {
            bail!(
                "expected {} of {} candidates to pass, {pool_passed} did",
                args.checks.div_ceil(4),
                args.checks
            );
        }
        let memory = runner.memory();
        let pool_rate = args.checks as f64 / pool_seconds;
        let fresh_rate = args.fresh_checks as f64 / fresh.as_secs_f64();
        anyhow::Ok(Figures {
            workers: args.workers,
            pool_checks: args.checks,
            pool_seconds,
            pool_checks_per_second: pool_rate,
            pool_passed,
            fresh_checks: args.fresh_checks,
            fresh_seconds: fresh.as_secs_f64(),
            fresh_checks_per_second: fresh_rate,
            speedup: pool_rate / fresh_rate,
            rounds: each,
            pool_processes: memory.processes,
            pool_rss_mib: memory.rss_bytes as f64 / (1 << 20) as f64,
            pool_pss_mib: memory.pss_bytes as f64 / (1 << 20) as f64,
            inactive_layers: runner
                .sandbox_report()
                .layers
                .iter()
                .filter(|l| !l.active)
                .map(|l| l.name.clone())
                .collect(),
        })
    })?;
    if args.json {
        super::print_json(&figures)?;
    } else {
        println!(
            "pool ({} workers, sandboxed): {} checks in {:.2} s = {:.0} checks/s ({} passed)",
            figures.workers,
            figures.pool_checks,
            figures.pool_seconds,
            figures.pool_checks_per_second,
            figures.pool_passed
        );
        println!(
            "fresh python3 per check:      {} checks in {:.2} s = {:.1} checks/s",
            figures.fresh_checks, figures.fresh_seconds, figures.fresh_checks_per_second
        );
        let mut sorted: Vec<f64> = figures.rounds.iter().map(|r| r.speedup).collect();
        sorted.sort_by(f64::total_cmp);
        println!(
            "speedup: {:.1}x (over {} alternating rounds: lowest {:.1}x, median {:.1}x, highest {:.1}x)",
            figures.speedup,
            sorted.len(),
            sorted[0],
            sorted[sorted.len() / 2],
            sorted[sorted.len() - 1]
        );
        println!(
            "pool memory with numpy: RSS {:.1} MiB, PSS {:.1} MiB over {} processes",
            figures.pool_rss_mib, figures.pool_pss_mib, figures.pool_processes
        );
        if !figures.inactive_layers.is_empty() {
            println!(
                "inactive sandbox layers: {}",
                figures.inactive_layers.join(", ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The indices of round `round`'s share of `n` items split over `rounds` rounds.
fn share(n: usize, rounds: usize, round: usize) -> std::ops::Range<usize> {
    n * round / rounds..n * (round + 1) / rounds
}

/// How long `scripts` take with a fresh interpreter each, `parallel` at a time.
async fn fresh_run(
    python: &std::path::Path,
    scripts: &[String],
    parallel: usize,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let results: Vec<anyhow::Result<()>> = futures::stream::iter(scripts.iter())
        .map(|script| async move {
            let out = tokio::process::Command::new(python)
                .args(["-I", "-B", "-c", script])
                .stdin(Stdio::null())
                .output()
                .await
                .context("running a fresh python3")?;
            if !out.status.success() {
                bail!(
                    "fresh python3 failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Ok(())
        })
        .buffer_unordered(parallel)
        .collect()
        .await;
    for r in results {
        r?;
    }
    Ok(started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn rounds_share_every_check_exactly_once() {
        for (n, rounds) in [(1000, 5), (60, 5), (7, 3), (2, 2), (5, 1)] {
            let shares: Vec<_> = (0..rounds).map(|r| share(n, rounds, r)).collect();
            assert_eq!(shares[0].start, 0);
            assert_eq!(shares[rounds - 1].end, n);
            for pair in shares.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
            }
            assert!(shares.iter().all(|s| !s.is_empty()), "{n} over {rounds}");
        }
    }
}
