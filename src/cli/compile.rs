//! `anpl compile`: fill every hole, check it, check the program, save the session.
//!
//! Engine events become lines: on a terminal above a progress bar that counts holes done,
//! otherwise plain lines (so logs and pipes get readable text). The summary names each
//! hole's status and shows the code accepted for it (its body, cut to a few lines; `--quiet`
//! hides it), so a guess is seen, not taken on trust. `--json` prints one document at the
//! end for scripts. The exit code is 0 only when every hole is filled and no example, a
//! hole's or the program's, fails.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::args::{backend, environment, search_settings, SketchArgs, SynthFlags};
use super::models::{load_config_from, ModelFlags};
use super::runtime;
use crate::engine::advice;
use crate::engine::compile::CompileReport;
use crate::engine::{Backend, Engine, Event, Events};
use crate::llm::config::ConfigFlags;
use crate::present;
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
    /// Do not print the code accepted for each hole in the summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// After compiling, list the open questions (`anpl questions`) and exit with status 3
    /// if there are any, for scripts that answer them and compile again (`ask = true` in
    /// anpl.toml makes it the default).
    #[arg(long, overrides_with = "no_ask")]
    pub ask: bool,
    /// Do not stop for open questions, even when `ask = true` is configured.
    #[arg(long, overrides_with = "ask")]
    pub no_ask: bool,
}

impl CompileArgs {
    fn config_flags(&self) -> ConfigFlags {
        let mut flags = self.model.to_config_flags();
        flags.ask = match (self.ask, self.no_ask) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        flags
    }
}

pub fn run(args: &CompileArgs) -> Result<ExitCode> {
    let env = environment();
    let config = load_config_from(&args.config_flags())?;
    let ask = config.ask.value;
    let search = args.synth.apply(search_settings(&config, &args.model));
    let mut engine = args.sketch.open_engine(&env, search)?;
    let cancel = CancellationToken::new();
    let recorded = recorded_models(&engine);
    let backend = backend(&config, &cancel, &recorded)?;
    if !args.json {
        if let Some(notice) = config.offline_notice() {
            eprintln!("note: {notice}");
        }
        super::check::print_notes(&engine.sketch);
        for note in config.notes() {
            eprintln!("note: {note}");
        }
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
        // Ctrl-C stops the compile; what is filled is saved and the exit code is 130.
        super::interrupt::cancel_on_interrupt(cancel.clone());
        let report = engine.compile(&backend, only, &events, &cancel).await;
        drop(events);
        let _ = printer.await;
        report
    })?;
    let questions = if ask && report.success() {
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
        if ask {
            doc["questions"] = serde_json::to_value(&questions)?;
        }
        super::print_json(&doc)?;
    } else {
        // Replay can only repeat what was recorded: no new candidates from it either.
        let can_draw = backend.model_name().is_some() && !matches!(backend, Backend::Replay { .. });
        print_summary(
            &engine,
            &report,
            backend.model_name().is_none(),
            !args.quiet,
            can_draw,
        )?;
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

/// Lines of a hole's body shown in the summary.
const CODE_LINES: usize = 4;

/// The column before a hole's name: `ok` for a status that checks stand behind, `ok?` for
/// a guess, `?` for code nothing checked, `FAIL` for a failing, empty or stale hole.
fn summary_mark(status: HoleStatus) -> &'static str {
    match status {
        HoleStatus::Passing | HoleStatus::ProgramChecked => "ok",
        HoleStatus::Guess => "ok?",
        HoleStatus::Unchecked => "?",
        HoleStatus::Failing | HoleStatus::Empty | HoleStatus::Stale => "FAIL",
    }
}

/// The body of `def {name}(...)` in `code`, dedented, without its docstring, cut to
/// `max` lines with a marker saying how many more there are. Code that brings helpers
/// before or after the function says so on a last line.
pub(crate) fn body_preview(code: &str, name: &str, max: usize) -> Vec<String> {
    let lines: Vec<&str> = code.lines().collect();
    let is_def = |line: &str| {
        let t = line.trim_start();
        let t = t.strip_prefix("async ").map_or(t, str::trim_start);
        t.strip_prefix("def ")
            .map(str::trim_start)
            .and_then(|t| t.strip_prefix(name))
            .is_some_and(|rest| rest.trim_start().starts_with('('))
    };
    let Some(start) = lines.iter().position(|l| is_def(l)) else {
        return cut(lines.iter().map(|l| l.to_string()).collect(), max);
    };
    // The header ends at the first `:` outside brackets and strings.
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut header_end = None;
    'scan: for (n, line) in lines.iter().enumerate().skip(start) {
        let mut chars = line.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match (quote, c) {
                (Some(_), '\\') => {
                    chars.next();
                }
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '(' | '[' | '{') => depth += 1,
                (None, ')' | ']' | '}') => depth -= 1,
                (None, ':') if depth == 0 => {
                    header_end = Some((n, at + 1));
                    break 'scan;
                }
                _ => {}
            }
        }
    }
    let Some((header_line, colon)) = header_end else {
        return cut(lines.iter().map(|l| l.to_string()).collect(), max);
    };
    let mut body: Vec<String> = Vec::new();
    let same_line = lines[header_line][colon..].trim();
    if !same_line.is_empty() && !same_line.starts_with('#') {
        body.push(same_line.to_string());
    }
    let def_indent = indent_of(lines[start]);
    let mut end = header_line + 1;
    while end < lines.len() && (lines[end].trim().is_empty() || indent_of(lines[end]) > def_indent)
    {
        end += 1;
    }
    let block = &lines[header_line + 1..end];
    let inner = block
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent_of(l))
        .min()
        .unwrap_or(0);
    body.extend(
        block
            .iter()
            .map(|l| l.get(inner..).unwrap_or("").trim_end().to_string()),
    );
    drop_docstring(&mut body);
    while body.last().is_some_and(|l| l.trim().is_empty()) {
        body.pop();
    }
    let mut out = cut(body, max);
    let helpers = lines[..start]
        .iter()
        .chain(&lines[end..])
        .filter(|l| {
            let t = l.trim();
            !(t.is_empty()
                || t.starts_with('#')
                || t.starts_with("import ")
                || t.starts_with("from "))
        })
        .count();
    if helpers > 0 {
        out.push(format!("… (and {helpers} line(s) of helper code)"));
    }
    out
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Remove a leading docstring (and the blank lines after it) from dedented body lines.
fn drop_docstring(body: &mut Vec<String>) {
    let Some(first) = body.iter().position(|l| !l.trim().is_empty()) else {
        return;
    };
    let text = body[first].trim_start();
    let text = text.trim_start_matches(['r', 'R', 'u', 'U']);
    let Some(delim) = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|d| text.starts_with(d))
    else {
        return;
    };
    let rest = &text[delim.len()..];
    let mut last = first;
    if !rest.contains(delim) {
        if delim.len() == 1 {
            return;
        }
        match body[first + 1..].iter().position(|l| l.contains(delim)) {
            Some(i) => last = first + 1 + i,
            None => return,
        }
    }
    body.drain(..=last);
    while body.first().is_some_and(|l| l.trim().is_empty()) {
        body.remove(0);
    }
}

/// At most `max` lines, the last saying how many were left out.
fn cut(mut lines: Vec<String>, max: usize) -> Vec<String> {
    if lines.len() > max {
        let more = lines.len() - (max - 1);
        lines.truncate(max - 1);
        lines.push(format!("… ({more} more lines)"));
    }
    lines
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
    // Holes with a request or check under way, shown beside the bar, with the tokens of an
    // answer streaming in.
    let mut in_flight: Vec<String> = Vec::new();
    let mut receiving: std::collections::BTreeMap<String, u64> = Default::default();
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
        match &event {
            Event::Receiving { hole, tokens } => {
                receiving.insert(hole.clone(), *tokens);
            }
            Event::RequestSent { hole, .. }
            | Event::Tokens { hole, .. }
            | Event::HoleFilled { hole, .. }
            | Event::HoleFailed { hole, .. } => {
                receiving.remove(hole);
            }
            _ => {}
        }
        if let Some(bar) = &bar {
            let shown: Vec<String> = in_flight
                .iter()
                .map(|h| match receiving.get(h) {
                    Some(t) => format!("{h} ↓{t} tokens"),
                    None => h.clone(),
                })
                .collect();
            bar.set_message(format!(
                "in flight: {}",
                present::clip(&shown.join(", "), 100)
            ));
        }
        let line = match &event {
            Event::HoleQueued { .. }
            | Event::Tokens { .. }
            | Event::CombinationSearch { .. }
            | Event::Receiving { .. } => None,
            Event::RequestSent { hole, samples, temperature, prompt_tokens, cached } => Some(format!(
                "  {hole}: {} {samples} sample(s) at temperature {temperature} (~{prompt_tokens} prompt tokens)",
                if *cached { "replayed" } else { "requested" }
            )),
            Event::CandidateRejected { hole, reason } => {
                Some(format!("  {hole}: answer rejected: {}", present::clip(reason, 120)))
            }
            Event::CandidateChecked { hole, passed: false, failure } => Some(format!(
                "  {hole}: candidate failed: {}",
                present::clip(failure.as_deref().unwrap_or(""), 140)
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
                Some(format!("  {hole}: not filled: {}", present::clip(reason, 200)))
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
    show_code: bool,
    can_draw: bool,
) -> std::io::Result<()> {
    super::outln(format_args!(""))?;
    for hole in &report.holes {
        let by = hole.by.as_deref().unwrap_or("-");
        let usage = if hole.usage.requests > 0 {
            format!("  {}", hole.usage.summary())
        } else {
            String::new()
        };
        super::outln(format_args!(
            "{:<4} {:<32} {:<15} {by}{usage}",
            summary_mark(hole.status),
            hole.hole,
            hole.status.label()
        ))?;
        if show_code {
            if let Some(code) = &hole.code {
                for line in body_preview(code, &hole.hole, CODE_LINES) {
                    super::outln(format_args!("       | {line}"))?;
                }
            }
        }
        if let Some(guess) = &hole.guess {
            super::outln(format_args!("       guess: {guess}"))?;
        }
        if !hole.status.is_ok() {
            if let Some(failure) = &hole.failure {
                for line in failure.lines().take(8) {
                    super::outln(format_args!("       {line}"))?;
                }
            }
        }
    }
    if report.holes.iter().any(|h| h.status == HoleStatus::Guess) {
        super::outln(format_args!(
            "A guess passes its examples, but little pins it down: read its code, and add an example it must also pass (a doctest, or `example add` in `anpl repl`) to confirm or correct it."
        ))?;
    }
    if report
        .holes
        .iter()
        .any(|h| h.status == HoleStatus::ProgramChecked)
    {
        super::outln(format_args!(
            "program-checked: no example of its own; the program's examples pass with it and call it."
        ))?;
    }
    if let Some(program) = &report.program {
        super::outln(format_args!(
            "program examples: {} of {} pass",
            program.passed_count(),
            program.results.len()
        ))?;
        if !program.passed() {
            super::out(format_args!("{}", present::report_lines(program)))?;
        }
    }
    if let Some(search) = &report.search {
        for line in search.lines(!can_draw) {
            super::outln(format_args!("{line}"))?;
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
    let cached = if u.cached_tokens > 0 {
        format!(" ({} cached)", u.cached_tokens)
    } else {
        String::new()
    };
    super::outln(format_args!(
        "{} request(s), {} input{cached} + {} output tokens, cost {} this run; session {} (total cost {})",
        u.requests,
        u.input_tokens,
        u.output_tokens,
        u.cost_text(),
        engine.session_path().display(),
        engine.session().usage.cost_text()
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::body_preview;
    use pretty_assertions::assert_eq;

    #[test]
    fn the_preview_is_the_body_without_header_or_docstring() {
        let code = "def f(x: int,\n      y: str = 'a:b') -> int:\n    \"\"\"Doc.\n\n    More.\n    \"\"\"\n    z = x + 1\n    return z\n";
        assert_eq!(body_preview(code, "f", 4), vec!["z = x + 1", "return z"]);
        assert_eq!(
            body_preview("def f(x): return x  # same line\n", "f", 4),
            vec!["return x  # same line"]
        );
    }

    #[test]
    fn long_bodies_are_cut_with_a_marker_and_helpers_are_mentioned() {
        let code = "import re\n\ndef helper(a):\n    return a\n\ndef f(x):\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n    return a\n";
        assert_eq!(
            body_preview(code, "f", 4),
            vec![
                "a = 1",
                "b = 2",
                "c = 3",
                "… (2 more lines)",
                "… (and 2 line(s) of helper code)"
            ]
        );
    }

    #[test]
    fn nested_blocks_keep_their_relative_indentation() {
        let code = "async def f(xs):\n    out = []\n    for x in xs:\n        out.append(x)\n    return out\n";
        assert_eq!(
            body_preview(code, "f", 6),
            vec![
                "out = []",
                "for x in xs:",
                "    out.append(x)",
                "return out"
            ]
        );
    }
}
