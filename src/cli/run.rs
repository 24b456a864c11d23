//! `anpl run`: run the program on every example of its entry and say which pass.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use serde_json::json;

use super::args::{environment, SketchArgs};
use super::runtime;
use crate::engine::SearchSettings;
use crate::present;

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub sketch: SketchArgs,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let env = environment();
    let engine = args.sketch.open_engine(&env, SearchSettings::default())?;
    let entry = engine.sketch.entry.clone();
    let examples = engine.examples_for(&entry);
    if examples.is_empty() {
        anyhow::bail!(
            "{}: the entry `{entry}` has no examples to run: add a doctest to its docstring (`>>> {entry}(...)`, then the expected value on the next line), `example add {entry} {entry}(...) => VALUE` in `anpl repl {}`, or pass --examples FILE (docs/examples-file.md)",
            engine.sketch.file,
            engine.sketch.file
        );
    }
    let stale = engine.stale_holes().to_vec();
    let report = super::interrupt::block_on(&runtime()?, async {
        let checker = engine.checker().await?;
        checker
            .check_examples(&engine.implementations(), &examples, true)
            .await
    })??;
    let passed = report.passed_count();
    let failed = examples.len() - passed;
    if args.json {
        let doc = json!({
            "sketch": engine.sketch.file,
            "entry": entry,
            "passed": passed,
            "failed": failed,
            "stale_holes": stale,
            "report": report,
        });
        super::print_json(&doc)?;
    } else {
        for hole in &stale {
            eprintln!("warning: hole {hole} changed since it was filled; it is not used until `anpl compile` fills it again");
        }
        super::outln(format_args!(
            "{}: {} example(s) of {entry}",
            engine.sketch.file,
            examples.len()
        ))?;
        super::out(format_args!("{}", present::report_lines(&report)))?;
        super::outln(format_args!("{passed} of {} passed", examples.len()))?;
        if failed > 0 {
            super::check::print_notes(&engine.sketch);
        }
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
