//! `anpl compile`: fill every hole, check it, check the program, save the session.
//!
//! Engine events become lines: on a terminal above a progress bar that counts holes done,
//! otherwise plain lines (so logs and pipes get readable text). `--json` prints one document
//! at the end for scripts.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::args::{backend, environment, search_settings, SketchArgs, SynthFlags};
use super::models::{load_config, ModelFlags};
use super::{runtime, show};
use crate::engine::advice;
use crate::engine::compile::CompileReport;
use crate::engine::{Engine, Event, Events};
use crate::session::HoleStatus;

#[derive(Debug, Args)]
pub struct CompileArgs {
    #[command(flatten)]
    pub sketch: SketchArgs,
    #[command(flatten)]
    pub model: ModelFlags,
    #[command(flatten)]
    pub synth: SynthFlags,
    /// Fill only these holes (again, even if they pass).
    #[arg(long = "hole", value_name = "NAME")]
    pub holes: Vec<String>,
    /// Print one JSON document instead of progress lines.
    #[arg(long)]
    pub json: bool,
    /// After compiling, list the open questions (`anpl questions`) and exit with status 3
    /// if there are any, for scripts that answer them and compile again.
    #[arg(long)]
    pub ask: bool,
}

pub fn run(args: &CompileArgs) -> Result<ExitCode> {
    let env = environment();
    let config = load_config(&args.model)?;
    let search = args.synth.apply(search_settings(&config));
    let mut engine = Engine::open(args.sketch.engine_options(&env, search))?;
    let cancel = CancellationToken::new();
    let recorded = recorded_models(&engine);
    let backend = backend(&config, &cancel, &recorded)?;
    if !args.json {
        if let Some(notice) = config.offline_notice() {
            eprintln!("note: {notice}");
        }
        super::check::print_notes(&engine.sketch);
        super::outln(format_args!(
            "compiling {} ({} hole(s)) with {}",
            engine.sketch.file,
            engine.sketch.holes.len(),
            backend.describe()
        ))?;
    }
    let rt = runtime()?;
    let (sender, receiver) = mpsc::unbounded_channel();
    let events = Events::new(sender);
    let only = (!args.holes.is_empty()).then_some(args.holes.as_slice());
    let total = only.map(|o| o.len()).unwrap_or(engine.sketch.holes.len());
    let report = rt.block_on(async {
        let printer = tokio::spawn(print_events(receiver, args.json, total as u64));
        let ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                ctrl_c.cancel();
            }
        });
        let report = engine.compile(&backend, only, &events, &cancel).await;
        drop(events);
        let _ = printer.await;
        report
    })?;
    let questions = if args.ask && report.success() {
        let open = rt.block_on(engine.questions(None))?;
        engine.save()?;
        open
    } else {
        Vec::new()
    };
    if args.json {
        let mut doc = json!({
            "sketch": engine.sketch.file,
            "session": engine.session_path().display().to_string(),
            "model": backend.describe(),
            "success": report.success(),
            "report": report,
        });
        if args.ask {
            doc["questions"] = serde_json::to_value(&questions)?;
        }
        super::outln(format_args!("{}", serde_json::to_string_pretty(&doc)?))?;
    } else {
        print_summary(&engine, &report, backend.model_name().is_none())?;
        if !questions.is_empty() {
            super::outln(format_args!("open questions ({}):", questions.len()))?;
            super::questions::print_questions(&engine, &questions)?;
        }
    }
    Ok(if !report.success() {
        ExitCode::from(1)
    } else if !questions.is_empty() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

pub(crate) fn recorded_models(engine: &Engine) -> Vec<String> {
    let mut transcripts: Vec<_> = engine.session().transcripts.values().collect();
    transcripts.sort_by_key(|t| t.created);
    let mut out: Vec<String> = Vec::new();
    for t in transcripts {
        out.retain(|m| m != &t.model);
        out.push(t.model.clone());
    }
    out
}

async fn print_events(mut receiver: mpsc::UnboundedReceiver<Event>, quiet: bool, total: u64) {
    let bar = (!quiet && std::io::stdout().is_terminal()).then(|| {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos}/{len} holes done  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    // Holes with a request or check under way, shown beside the bar.
    let mut in_flight: Vec<String> = Vec::new();
    while let Some(event) = receiver.recv().await {
        if quiet {
            continue;
        }
        match &event {
            Event::RequestSent { hole, .. } | Event::CandidateChecked { hole, .. }
                if !in_flight.contains(hole) =>
            {
                in_flight.push(hole.clone());
            }
            Event::HoleFilled { hole, .. } | Event::HoleFailed { hole, .. } => {
                in_flight.retain(|h| h != hole);
            }
            _ => {}
        }
        if let Some(bar) = &bar {
            bar.set_message(format!(
                "in flight: {}",
                show::short(&in_flight.join(", "), 80)
            ));
        }
        let line = match &event {
            Event::HoleQueued { .. } | Event::Tokens { .. } | Event::CombinationSearch { .. } => None,
            Event::RequestSent { hole, samples, temperature, prompt_tokens, cached } => Some(format!(
                "  {hole}: {} {samples} sample(s) at temperature {temperature} (~{prompt_tokens} prompt tokens)",
                if *cached { "replayed" } else { "requested" }
            )),
            Event::CandidateRejected { hole, reason } => {
                Some(format!("  {hole}: answer rejected: {}", show::short(reason, 120)))
            }
            Event::CandidateChecked { hole, passed: false, failure } => Some(format!(
                "  {hole}: candidate failed: {}",
                show::short(failure.as_deref().unwrap_or(""), 140)
            )),
            Event::CandidateChecked { .. } => None,
            Event::RepairRound { hole, round } => Some(format!("  {hole}: repair round {round}")),
            Event::HoleFilled { hole, by, verified } => {
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                Some(format!(
                    "  {hole}: filled by {by}{}",
                    if *verified { ", examples pass" } else { "" }
                ))
            }
            Event::HoleFailed { hole, reason } => {
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                Some(format!("  {hole}: not filled: {}", show::short(reason, 200)))
            }
            Event::ProgramChecked { passed, total } => {
                Some(format!("  program: {passed} of {total} example(s) pass"))
            }
            Event::Message { text } => Some(format!("  {text}")),
        };
        if let Some(line) = line {
            match &bar {
                Some(bar) => bar.println(line),
                None => {
                    let _ = super::outln(format_args!("{line}"));
                }
            }
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

fn print_summary(
    engine: &Engine,
    report: &CompileReport,
    engine_is_offline: bool,
) -> std::io::Result<()> {
    super::outln(format_args!(""))?;
    for hole in &report.holes {
        let mark = match hole.status {
            HoleStatus::Passing => "ok  ",
            HoleStatus::Unchecked => "ok? ",
            _ => "FAIL",
        };
        let by = hole.by.as_deref().unwrap_or("-");
        let usage = if hole.usage.requests > 0 {
            format!(
                "  {} request(s), {} tokens",
                hole.usage.requests,
                hole.usage.input_tokens + hole.usage.output_tokens
            )
        } else {
            String::new()
        };
        super::outln(format_args!(
            "{mark} {:<32} {:<10} {by}{usage}",
            hole.hole,
            hole.status.label()
        ))?;
        if !matches!(hole.status, HoleStatus::Passing | HoleStatus::Unchecked) {
            if let Some(failure) = &hole.failure {
                for line in failure.lines().take(8) {
                    super::outln(format_args!("       {line}"))?;
                }
            }
        }
    }
    if let Some(program) = &report.program {
        super::outln(format_args!(
            "program examples: {} of {} pass",
            program.passed_count(),
            program.results.len()
        ))?;
        if !program.passed() {
            super::out(format_args!("{}", show::report_lines(program)))?;
        }
    }
    let unfilled: Vec<&str> = report
        .holes
        .iter()
        .filter(|h| h.status == HoleStatus::Empty)
        .map(|h| h.hole.as_str())
        .collect();
    if !unfilled.is_empty() && engine_is_offline {
        let timed_out = report.holes.iter().any(|h| {
            h.status == HoleStatus::Empty
                && h.failure
                    .as_deref()
                    .is_some_and(|f| f.contains(advice::MORE_TIME))
        });
        let budget = timed_out.then_some(engine.search.synth_budget);
        for line in advice::offline_routes(&engine.sketch.file, &unfilled, budget) {
            super::outln(format_args!("{line}"))?;
        }
    }
    let u = &report.usage;
    super::outln(format_args!(
        "{} request(s), {} input + {} output tokens this run; session {}",
        u.requests,
        u.input_tokens,
        u.output_tokens,
        engine.session_path().display()
    ))?;
    Ok(())
}
