//! `anpl export`: write the finished program and a pytest file of its examples.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use super::args::{environment, SketchArgs};
use crate::engine::SearchSettings;

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub sketch: SketchArgs,
    /// Where to write the program.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Where to write the pytest file (default: test_<program> beside it).
    #[arg(long, value_name = "FILE")]
    pub tests: Option<PathBuf>,
    /// Export even with unfilled holes (they raise NotImplementedError).
    #[arg(long)]
    pub allow_partial: bool,
}

pub fn run(args: &ExportArgs) -> Result<ExitCode> {
    let env = environment();
    let engine = args.sketch.open_engine(&env, SearchSettings::default())?;
    let module = args
        .output
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{}: the program's file name must be a Python module name (letters, digits, _)",
                args.output.display()
            )
        })?;
    let exported = engine.export(&module, args.allow_partial)?;
    let tests = args
        .tests
        .clone()
        .unwrap_or_else(|| args.output.with_file_name(format!("test_{module}.py")));
    std::fs::write(&args.output, &exported.program)
        .with_context(|| format!("{}: cannot write the program", args.output.display()))?;
    std::fs::write(&tests, &exported.tests)
        .with_context(|| format!("{}: cannot write the tests", tests.display()))?;
    for hole in engine.stale_holes() {
        eprintln!("warning: hole {hole} changed since it was filled and was exported unfilled");
    }
    super::outln(format_args!(
        "wrote {} and {} ({} example(s))",
        args.output.display(),
        tests.display(),
        exported.example_count
    ))?;
    Ok(ExitCode::SUCCESS)
}
