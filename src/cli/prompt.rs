//! `anpl prompt SKETCH HOLE`: print the request the next compile of a hole would send
//! (system text, messages, sampling settings, token estimate, what the budget left out),
//! built by the engine's own prompt code (`Engine::prompt_preview`). Nothing is sent.
//! `--json` labels every section; `--repair` shows the repair request for the
//! implementation in use and the first example it fails.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use serde_json::json;

use super::args::{environment, search_settings, SketchArgs};
use super::models::{load_config, ModelFlags};
use super::runtime;
use crate::engine::prompt::SectionKind;
use crate::engine::{Engine, PromptPreview};

#[derive(Debug, Args)]
pub struct PromptArgs {
    #[command(flatten)]
    pub sketch: SketchArgs,
    /// The hole whose request to show (see `anpl holes`).
    #[arg(value_name = "HOLE")]
    pub hole: String,
    #[command(flatten)]
    pub model: ModelFlags,
    /// Show the repair request for the implementation in use and the first example it fails.
    #[arg(long)]
    pub repair: bool,
    /// Print one JSON document with every section labelled.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &PromptArgs) -> Result<ExitCode> {
    let env = environment();
    let config = load_config(&args.model)?;
    let engine = Engine::open(
        args.sketch
            .engine_options(&env, search_settings(&config, &args.model)),
    )?;
    if engine.sketch.hole(&args.hole).is_none() {
        let holes: Vec<&str> = engine.sketch.holes.iter().map(|h| h.id.as_str()).collect();
        anyhow::bail!(
            "{}: no hole named `{}`; its holes are: {}",
            engine.sketch.file,
            args.hole,
            holes.join(", ")
        );
    }
    let preview = runtime()?.block_on(engine.prompt_preview(&args.hole, args.repair))?;
    let model = config.model.value.to_string();
    if args.json {
        let doc = json!({
            "sketch": engine.sketch.file,
            "model": model,
            "preview": preview,
        });
        super::print_json(&doc)?;
    } else {
        print(&preview, &model)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print(p: &PromptPreview, model: &str) -> std::io::Result<()> {
    let r = &p.request;
    let what = if p.repair {
        "repair request"
    } else {
        "first request"
    };
    super::outln(format_args!(
        "{what} for `{}` (model {model}; nothing is sent)",
        p.hole
    ))?;
    super::outln(format_args!(
        "temperature {}, {} sample(s), up to {} output tokens; prompt ~{} tokens of a {}-token budget",
        r.temperature, r.n, r.max_tokens, p.layout.tokens, p.layout.budget
    ))?;
    if let Some(problem) = &p.trace_problem {
        super::outln(format_args!(
            "observed calls: none, the program's examples could not run: {}",
            problem.lines().next().unwrap_or("")
        ))?;
    } else if p.traced {
        let seen = p
            .layout
            .sections
            .iter()
            .any(|s| s.kind == SectionKind::Observed)
            || p.layout
                .dropped
                .iter()
                .any(|d| d.kind == SectionKind::Observed);
        let note = if seen {
            String::new()
        } else {
            format!(
                "; `{}` was not called in that run (it runs only after a hole that is still empty, or not at all)",
                p.hole
            )
        };
        super::outln(format_args!(
            "observed calls: traced the program's examples in {} ms{note}",
            p.trace_millis
        ))?;
    } else {
        super::outln(format_args!(
            "observed calls: none (the entry has no examples to run)"
        ))?;
    }
    if p.layout.dropped.is_empty() {
        super::outln(format_args!("left out to fit the budget: nothing"))?;
    } else {
        let list: Vec<String> = p.layout.dropped.iter().map(|d| d.describe()).collect();
        super::outln(format_args!(
            "left out to fit the budget: {}",
            list.join("; ")
        ))?;
    }
    if p.layout.tokens > p.layout.budget {
        super::outln(format_args!(
            "over budget: the function to implement (and any failure) is never left out; raise --prompt-budget or shorten its examples"
        ))?;
    }
    super::outln(format_args!("\n=== system ===\n{}", r.system))?;
    for m in &r.messages {
        let role = format!("{:?}", m.role).to_lowercase();
        super::outln(format_args!("\n=== {role} ===\n{}", m.content))?;
    }
    Ok(())
}
