//! `anpl example add|rm|list`: a function's or hole's examples without a terminal UI, for
//! scripts that answer questions (`anpl questions`) and recompile. `add` on a hole is an
//! answer: candidates that disagree with the new example are dropped and the next question,
//! if any, is printed.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};

use super::args::{environment, SketchArgs};
use super::runtime;
use crate::engine::ops::ExampleSource;
use crate::engine::{Engine, SearchSettings};

#[derive(Debug, Args)]
pub struct ExampleArgs {
    #[command(subcommand)]
    pub action: ExampleAction,
}

#[derive(Debug, Subcommand)]
pub enum ExampleAction {
    /// Add CALL => EXPECTED (both Python source) as an example of FUNCTION.
    Add {
        #[command(flatten)]
        sketch: SketchArgs,
        /// The hole or sketch function the example is for.
        function: String,
        /// The call, e.g. "middle('abcd')".
        call: String,
        /// The value it must return, e.g. "'b'".
        expected: String,
        /// Write it into the function's docstring as a doctest (named holes and functions).
        #[arg(long)]
        doc: bool,
    },
    /// Remove example N (numbered as `anpl example list` shows them).
    Rm {
        #[command(flatten)]
        sketch: SketchArgs,
        function: String,
        n: usize,
    },
    /// List the examples of FUNCTION (or of every hole and function), numbered.
    List {
        #[command(flatten)]
        sketch: SketchArgs,
        function: Option<String>,
    },
}

pub fn run(args: &ExampleArgs) -> Result<ExitCode> {
    let env = environment();
    match &args.action {
        ExampleAction::Add {
            sketch,
            function,
            call,
            expected,
            doc,
        } => {
            let mut engine = Engine::open(sketch.engine_options(&env, SearchSettings::default()))?;
            let has_candidates = engine.sketch.hole(function).is_some()
                && engine.session().questions.contains_key(function);
            if !has_candidates {
                let n = engine.add_example(function, call, expected, *doc)?;
                engine.save()?;
                super::outln(format_args!(
                    "added example {n} of {function}: {call} => {expected}"
                ))?;
                return Ok(ExitCode::SUCCESS);
            }
            let answered = runtime()?.block_on(engine.answer(function, call, expected, *doc))?;
            super::outln(format_args!(
                "added example {} of {function}: {call} => {expected}",
                answered.example
            ))?;
            if answered.dropped > 0 {
                super::outln(format_args!(
                    "  {} candidate{} that disagreed dropped; {} left",
                    answered.dropped,
                    if answered.dropped == 1 { "" } else { "s" },
                    answered.remaining
                ))?;
            }
            if answered.replaced {
                super::outln(format_args!(
                    "  the implementation in use disagreed; a candidate that agrees took its place"
                ))?;
            }
            if answered.refill {
                super::outln(format_args!(
                    "  no candidate gives that; `anpl compile {}` fills {function} again",
                    super::questions::shell_quote(&engine.sketch.file)
                ))?;
            }
            if let Some(next) = &answered.next {
                super::questions::print_questions(&engine, std::slice::from_ref(next))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ExampleAction::Rm {
            sketch,
            function,
            n,
        } => {
            let mut engine = Engine::open(sketch.engine_options(&env, SearchSettings::default()))?;
            engine.remove_example(function, *n)?;
            engine.save()?;
            super::outln(format_args!("removed example {n} of {function}"))?;
            Ok(ExitCode::SUCCESS)
        }
        ExampleAction::List { sketch, function } => {
            let engine = Engine::open(sketch.engine_options(&env, SearchSettings::default()))?;
            let names: Vec<String> = match function {
                Some(f) => {
                    if engine.sketch.hole(f).is_none() && engine.sketch.function(f).is_none() {
                        anyhow::bail!(
                            "{}: no function or hole named `{f}` (see `anpl holes`)",
                            engine.sketch.file
                        );
                    }
                    vec![f.clone()]
                }
                None => {
                    let mut all: Vec<String> = engine
                        .sketch
                        .functions
                        .iter()
                        .map(|f| f.name.clone())
                        .collect();
                    for h in &engine.sketch.holes {
                        if !all.contains(&h.id) {
                            all.push(h.id.clone());
                        }
                    }
                    all
                }
            };
            for name in names {
                let examples = engine.examples_for(&name);
                if examples.is_empty() && function.is_none() {
                    continue;
                }
                super::outln(format_args!("{name}: {} example(s)", examples.len()))?;
                for (i, e) in examples.iter().enumerate() {
                    let source = match engine.example_source(&name, i + 1) {
                        Some((ExampleSource::Doctest, _)) => format!("doctest, line {}", e.line),
                        Some((ExampleSource::Stored, _)) => "session".to_string(),
                        Some((ExampleSource::File, _)) => "examples file".to_string(),
                        None => String::new(),
                    };
                    super::outln(format_args!(
                        "  {}. {} => {}   ({source})",
                        i + 1,
                        e.call,
                        e.expected
                    ))?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
