//! `anpl export`: write the finished program and a pytest file of its examples.
//!
//! The engine refuses to write over the sketch, refuses unfilled holes without
//! `--allow-partial`, and runs every test it would write through anpl's checker first,
//! refusing failing ones without `--allow-failing`; this front end only turns flags into
//! options and the report into lines.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::args::{environment, SketchArgs};
use super::runtime;
use crate::engine::export::ExportOptions;
use crate::engine::{EngineError, SearchSettings};

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub sketch: SketchArgs,
    /// Where to write the program (any file name; not the sketch itself).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Where to write the pytest file (default: test_<program>.py beside it).
    #[arg(long, value_name = "FILE")]
    pub tests: Option<PathBuf>,
    /// Export even with unfilled holes (they raise NotImplementedError).
    #[arg(long)]
    pub allow_partial: bool,
    /// Export even when some of the tests it writes fail (they are listed).
    #[arg(long)]
    pub allow_failing: bool,
}

pub fn run(args: &ExportArgs) -> Result<ExitCode> {
    let env = environment();
    let engine = args.sketch.open_engine(&env, SearchSettings::default())?;
    let options = ExportOptions {
        output: args.output.clone(),
        tests: args.tests.clone(),
        allow_partial: args.allow_partial,
        allow_failing: args.allow_failing,
        front: crate::engine::FrontEnd::Cli,
    };
    let report = match runtime()?.block_on(engine.export_files(&options)) {
        Ok(report) => report,
        // Failing checks, like a compile whose examples fail: exit 1, not a usage error.
        Err(e @ EngineError::FailingTests(_)) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    for line in report.warnings() {
        eprintln!("warning: {line}");
    }
    super::outln(format_args!("{}", report.summary()))?;
    Ok(ExitCode::SUCCESS)
}
