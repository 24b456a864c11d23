//! `anpl trace`: run once and show every hole call with its arguments and result.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use serde_json::json;

use super::args::{environment, SketchArgs};
use super::runtime;
use crate::engine::SearchSettings;
use crate::present;
use crate::sketch::Example;

#[derive(Debug, Args)]
pub struct TraceArgs {
    #[command(flatten)]
    pub sketch: SketchArgs,
    /// Which example of the entry to run (1-based; default 1).
    #[arg(long, value_name = "N", conflicts_with = "call")]
    pub example: Option<usize>,
    /// A call to run instead of an example, e.g. 'main([1, 2])'.
    #[arg(long, value_name = "EXPR")]
    pub call: Option<String>,
    /// Show only the calls of this hole.
    #[arg(long, value_name = "NAME")]
    pub hole: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &TraceArgs) -> Result<ExitCode> {
    let env = environment();
    let engine = args.sketch.open_engine(&env, SearchSettings::default())?;
    if let Some(hole) = &args.hole {
        if engine.sketch.hole(hole).is_none() {
            anyhow::bail!(
                "{}: no hole named `{hole}` (see `anpl holes`)",
                engine.sketch.file
            );
        }
    }
    let entry = engine.sketch.entry.clone();
    let example = match &args.call {
        Some(call) => Example::new(call.clone(), String::new(), 0),
        None => {
            let examples = engine.examples_for(&entry);
            let n = args.example.unwrap_or(1);
            match examples.get(n.wrapping_sub(1)) {
                Some(e) => e.clone(),
                None if examples.is_empty() => anyhow::bail!(
                    "{}: the entry `{entry}` has no examples; pass --call '{entry}(...)'",
                    engine.sketch.file
                ),
                None => anyhow::bail!(
                    "--example {n}: the entry `{entry}` has {} example(s), numbered from 1",
                    examples.len()
                ),
            }
        }
    };
    let impls = engine.implementations();
    let report = super::interrupt::block_on(&runtime()?, async {
        let checker = engine.checker().await?;
        if example.expected.is_empty() {
            checker
                .run_calls(&impls, std::slice::from_ref(&example.call))
                .await
        } else {
            checker
                .check_examples(&impls, std::slice::from_ref(&example), true)
                .await
        }
    })??;
    let result = report.results.first();
    if args.json {
        let doc = json!({ "call": example.call, "report": report });
        super::print_json(&doc)?;
    } else {
        super::outln(format_args!("{}", example.call))?;
        if let Some(fatal) = &report.fatal {
            super::outln(format_args!("  {fatal}"))?;
        }
        if let Some(r) = result {
            super::out(format_args!(
                "{}{}",
                present::trace_lines(&r.trace, args.hole.as_deref()),
                present::result_lines(r)
            ))?;
        }
    }
    let ok = report.fatal.is_none() && result.is_some_and(|r| r.error.is_none());
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
