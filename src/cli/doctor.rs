//! `anpl doctor`: start a worker pool exactly as a run would and list which sandbox layers
//! are active on this machine, with the reason for each missing one, then what a check of
//! the given sketch (or of a sketch in the current folder) can read and write, and why.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::args::SandboxArgs;
use crate::exec::{ExecConfig, Runner, SandboxReport, Workspace};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The sketch whose checks to describe (default: a sketch in the current folder).
    pub sketch: Option<PathBuf>,
    /// Python interpreter (default: ANPL_PYTHON, VIRTUAL_ENV, a .venv or venv in the
    /// project, python3).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Also import numpy in the workers, as ARC sketches do.
    #[arg(long)]
    pub numpy: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

pub fn run(args: DoctorArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let sketch = args.sketch.clone().unwrap_or_else(|| cwd.join("sketch.py"));
    let mut config = ExecConfig::for_sketch(
        &sketch,
        args.python.as_deref(),
        &args.sandbox.flags(),
        std::env::vars_os().collect(),
    );
    config.workers = 1;
    if let Some(problem) = &config.problem {
        anyhow::bail!("{problem}");
    }
    let prelude = if args.numpy { "import numpy\n" } else { "" };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let runner = runtime
        .block_on(Runner::start(config.clone(), prelude))
        .context("starting a Python worker")?;
    let report = runner.sandbox_report();
    if args.json {
        let json = serde_json::json!({
            "sandbox": report,
            "python_source": config.python_source,
            "workspace": config.workspace,
        });
        super::print_json(&json)?;
        return Ok(ExitCode::SUCCESS);
    }
    super::outln(format_args!(
        "python: {} ({}), from {}",
        report.python.display(),
        report.python_version,
        config.python_source
    ))?;
    super::outln(format_args!("sandbox layers:"))?;
    for layer in &report.layers {
        let mark = if layer.active { "active " } else { "MISSING" };
        super::outln(format_args!("  [{mark}] {}: {}", layer.name, layer.detail))?;
    }
    if let Some(ws) = &config.workspace {
        print_workspace(ws)?;
    }
    print_access(report)?;
    for warning in report.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(ExitCode::SUCCESS)
}

fn print_workspace(ws: &Workspace) -> anyhow::Result<()> {
    super::outln(format_args!("workspace:"))?;
    super::outln(format_args!("  project: {}", ws.project.display()))?;
    super::outln(format_args!(
        "  working directory of checks: {}",
        ws.cwd.display()
    ))?;
    let path: Vec<String> = ws
        .import_paths
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    if !path.is_empty() {
        super::outln(format_args!("  first on sys.path: {}", path.join(", ")))?;
    }
    if ws.home_mode {
        let modules: Vec<String> = ws
            .home_modules
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        super::outln(format_args!(
            "  the sketch sits directly in your home folder, so checks read only the sketch and the modules it imports from there ({}); move it into a project folder to give checks the whole project",
            if modules.is_empty() { "none".to_string() } else { modules.join(", ") }
        ))?;
    }
    if !ws.withheld.is_empty() {
        let names: Vec<String> = ws
            .withheld
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        super::outln(format_args!(
            "  withheld (often hold credentials; grant one with [sandbox] read): {}",
            names.join(", ")
        ))?;
    }
    match &ws.settings_file {
        Some(file) => super::outln(format_args!("  [sandbox] settings: {}", file.display()))?,
        None => super::outln(format_args!(
            "  [sandbox] settings: none (add `read = [...]` or `write = [...]` under [sandbox] in the project's anpl.toml)"
        ))?,
    }
    Ok(())
}

/// The access list grouped by reason, writable paths first.
fn print_access(report: &SandboxReport) -> anyhow::Result<()> {
    if report.access.is_empty() {
        super::outln(format_args!(
            "checks can read: every file you can read (no read layer on this machine, see above)"
        ))?;
        return Ok(());
    }
    for (title, writable) in [("checks can write:", true), ("checks can read:", false)] {
        super::outln(format_args!("{title}"))?;
        let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
        for a in &report.access {
            if (a.mode == "read and write") != writable {
                continue;
            }
            let entry = if a.mode == "list" || a.mode == "device" {
                format!("{} ({})", a.path.display(), a.mode)
            } else {
                a.path.display().to_string()
            };
            match groups.iter_mut().find(|(why, _)| *why == a.why) {
                Some((_, paths)) => paths.push(entry),
                None => groups.push((&a.why, vec![entry])),
            }
        }
        for (why, paths) in groups {
            super::outln(format_args!("  {why}:"))?;
            super::outln(format_args!("    {}", paths.join(", ")))?;
        }
    }
    Ok(())
}
