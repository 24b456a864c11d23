//! `anpl bench synth TASKS.json`: measures the model-free synthesizer on a task file and
//! prints per task whether it was solved (the program passes the held-back tests in real
//! Python), the time, the program size and the program; then a summary line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Args;

use crate::synth::bench;

#[derive(Debug, Args)]
pub struct BenchSynthArgs {
    /// Task file in the `pbe-tasks/1` format.
    pub tasks: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Time budget per task in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub budget_ms: u64,
    /// Python interpreter that checks the programs.
    #[arg(long, default_value = "python3")]
    pub python: String,
    /// Let a simulated user answer up to K questions per task (from the task's
    /// `reference` or the expected values it lists) and report solved tasks after
    /// 0, 1, … K answers.
    #[arg(long, value_name = "K")]
    pub ask: Option<usize>,
}

/// Exit code 0 when the benchmark ran (whatever it solved), 2 when it could not run.
pub fn run(args: &BenchSynthArgs) -> Result<ExitCode> {
    let file = bench::load(&args.tasks)?;
    let limits = bench::default_limits(Some(Duration::from_millis(args.budget_ms)));
    if let Some(k) = args.ask {
        return super::bench_ask::print(&file, &limits, &args.python, k, args.json);
    }
    let report = bench::run(&file, &limits, &args.python)?;
    if args.json {
        super::print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let width = task_width(report.results.iter().map(|r| r.name.as_str()));
    println!(
        "{:width$}  {:6}  {:>7}  {:>4}  program",
        "task", "result", "time", "size"
    );
    for r in &report.results {
        println!(
            "{:width$}  {:6}  {:>6.3}s  {:>4}  {}",
            r.name,
            if r.solved { "solved" } else { "FAILED" },
            r.seconds,
            r.size.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
            r.expression.as_deref().unwrap_or("")
        );
        if let Some(f) = &r.failure {
            println!("{:width$}  {}", "", f);
        }
    }
    println!(
        "solved {}/{}, max {:.2}s",
        report.solved, report.total, report.max_seconds
    );
    Ok(ExitCode::SUCCESS)
}

/// Width of the task column: the longest task name, and at least the heading's.
pub(super) fn task_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names.map(str::len).max().unwrap_or(4).max(4)
}
