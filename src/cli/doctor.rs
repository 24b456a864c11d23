//! `anpl doctor`: start a worker pool exactly as a run would and list which sandbox layers
//! are active on this machine, with the reason for each missing one.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::exec::{ExecConfig, Runner};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Python interpreter (default: ANPL_PYTHON, a .venv in the current directory, python3).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Also import numpy in the workers, as ARC sketches do.
    #[arg(long)]
    pub numpy: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: DoctorArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let mut config = ExecConfig::from_process_env(args.python.as_deref(), &cwd);
    config.workers = 1;
    let prelude = if args.numpy { "import numpy\n" } else { "" };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let runner = runtime
        .block_on(Runner::start(config, prelude))
        .context("starting a Python worker")?;
    let report = runner.sandbox_report();
    if args.json {
        super::outln(format_args!("{}", serde_json::to_string_pretty(report)?))?;
    } else {
        super::outln(format_args!(
            "python: {} ({})",
            report.python.display(),
            report.python_version
        ))?;
        super::outln(format_args!("sandbox layers:"))?;
        for layer in &report.layers {
            let mark = if layer.active { "active " } else { "MISSING" };
            super::outln(format_args!("  [{mark}] {}: {}", layer.name, layer.detail))?;
        }
        for warning in report.warnings() {
            eprintln!("warning: {warning}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
