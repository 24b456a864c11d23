//! `anpl bench search`: how many programs compile when the model is right only some of the
//! time, and what that costs.
//!
//! Each program of a sketch set (by default `benches/search/programs.toml`, built into the
//! binary) has several holes and no hole examples, only the program's. A local model server
//! answers every sample for a hole with its correct implementation with probability
//! `--right`, else with one of its plausible wrong implementations, worded as models word
//! answers. Every program is compiled once per seed, as `anpl compile` would, and the bench
//! reports programs solved, how many were within reach (every hole received a correct answer
//! at least once), and requests, tokens and seconds per solved program.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use serde::Deserialize;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::{bench_server, print_json, runtime};
use crate::engine::{Events, SearchSettings};
use crate::llm::fake_server::{FakeRule, FakeServer, FakeTable, WeightedAnswer};

/// The built-in sketch set.
const BUILTIN_SET: &str = include_str!("../../benches/search/programs.toml");

#[derive(Debug, Args)]
pub struct BenchSearchArgs {
    /// A sketch set in the format of benches/search/programs.toml (default: that set,
    /// built in).
    #[arg(long, value_name = "FILE")]
    pub set: Option<PathBuf>,
    /// Chance that one sample for a hole is its correct implementation (the rest is shared
    /// evenly by its wrong implementations).
    #[arg(long, default_value_t = 0.5, value_parser = probability)]
    pub right: f64,
    /// Compile every program once per seed, seeds SEED, SEED+1, …
    #[arg(long, default_value_t = 3)]
    pub seeds: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Extra samples per hole (as `anpl compile --samples`).
    #[arg(long, default_value_t = 5)]
    pub samples: u32,
    /// Print every compile's figures, not only the totals.
    #[arg(long)]
    pub verbose: bool,
    #[arg(long)]
    pub json: bool,
}

fn probability(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err("expected a probability between 0 and 1".to_string()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SketchSet {
    program: Vec<Program>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Program {
    name: String,
    sketch: String,
    hole: Vec<HoleAnswers>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HoleAnswers {
    name: String,
    /// Text of the hole's description the server finds the hole by.
    contains: String,
    correct: String,
    wrong: Vec<String>,
}

/// How models word an answer: a sentence, the code block, sometimes a remark after it.
fn worded(code: &str, variant: usize) -> String {
    let code = code.trim_end();
    match variant % 3 {
        0 => format!("Here is the implementation:\n\n```python\n{code}\n```\n"),
        1 => format!(
            "```python\n{code}\n```\n\nThis follows the description and handles the edge cases."
        ),
        _ => format!("Sure! Here's one way to write it:\n\n```python\n{code}\n```"),
    }
}

/// Samples of a model differ in their text even when they behave alike (a comment here, a
/// docstring there), so the same behaviour arrives as several distinct candidates.
const FORMS: usize = 4;

fn reworded(code: &str, hole: &str, form: usize) -> String {
    let note = match form % FORMS {
        0 => return code.to_string(),
        1 => "    # Follows the description step by step.".to_string(),
        2 => format!("    \"\"\"Implements {hole}.\"\"\""),
        _ => "    # Straightforward version; no input is modified.".to_string(),
    };
    let mut out = Vec::new();
    let mut placed = false;
    for line in code.lines() {
        out.push(line.to_string());
        if !placed && line.starts_with(&format!("def {hole}(")) {
            out.push(note.clone());
            placed = true;
        }
    }
    out.join("\n")
}

/// Every answer the server may give for one hole, with its weight, and which are right.
fn answers(hole: &HoleAnswers, index: usize, right: f64) -> Vec<(String, u32, bool)> {
    const SCALE: f64 = 10_000.0;
    let mut out = Vec::new();
    let each = right * SCALE / FORMS as f64;
    for form in 0..FORMS {
        let text = worded(&reworded(&hole.correct, &hole.name, form), index + form);
        out.push((text, each.round() as u32, true));
    }
    let wrong_each = if hole.wrong.is_empty() {
        0.0
    } else {
        (1.0 - right) * SCALE / (hole.wrong.len() * FORMS) as f64
    };
    for (j, wrong) in hole.wrong.iter().enumerate() {
        for form in 0..FORMS {
            let text = worded(&reworded(wrong, &hole.name, form), index + j + form + 1);
            out.push((text, wrong_each.round() as u32, false));
        }
    }
    out
}

fn table(program: &Program, right: f64, seed: u64) -> FakeTable {
    let rules = program
        .hole
        .iter()
        .enumerate()
        .map(|(i, hole)| {
            let weighted = answers(hole, i, right)
                .into_iter()
                .map(|(answer, weight, _)| WeightedAnswer { answer, weight })
                .collect();
            FakeRule::weighted(hole.contains.clone(), weighted)
        })
        .collect();
    FakeTable {
        rules,
        seed,
        supports_n: true,
        ..FakeTable::default()
    }
}

struct Measured {
    program: String,
    seed: u64,
    solved: bool,
    /// Every hole received its correct implementation at least once.
    within_reach: bool,
    requests: usize,
    tokens: u64,
    seconds: f64,
}

async fn compile_once(
    dir: &Path,
    program: &Program,
    args: &BenchSearchArgs,
    seed: u64,
    index: usize,
) -> Result<Measured> {
    // Each program draws its own answers: with one seed for all, every program's first
    // hole would see the same sequence of right and wrong answers.
    let draws = seed.wrapping_mul(1_000_003).wrapping_add(index as u64);
    let server = FakeServer::start(table(program, args.right, draws)).await?;
    // The OpenAI wire format with `n`: several samples are one request, as the figures of
    // real runs count them.
    let backend = bench_server::backend(
        &server,
        "openai:bench",
        Some("bench"),
        dir.join("no-anpl.toml"),
    )?;
    std::fs::write(dir.join(format!("{}.py", program.name)), &program.sketch)?;
    let search = SearchSettings {
        samples: args.samples,
        ..SearchSettings::default()
    };
    let start = Instant::now();
    let mut engine = bench_server::engine(
        dir,
        &format!("{}.py", program.name),
        &format!("{}-{seed}.json", program.name),
        search,
    )?;
    let report = engine
        .compile(&backend, None, &Events::none(), &CancellationToken::new())
        .await?;
    let seconds = start.elapsed().as_secs_f64();
    let transcripts = &engine.session().transcripts;
    let within_reach = program.hole.iter().enumerate().all(|(i, hole)| {
        let right: Vec<String> = answers(hole, i, args.right)
            .into_iter()
            .filter(|a| a.2)
            .map(|a| a.0)
            .collect();
        transcripts
            .values()
            .any(|t| t.hole == hole.name && right.contains(&t.response))
    });
    Ok(Measured {
        program: program.name.clone(),
        seed,
        solved: report.success(),
        within_reach,
        requests: server.request_count(),
        tokens: report.usage.input_tokens + report.usage.output_tokens,
        seconds,
    })
}

pub fn run(args: &BenchSearchArgs) -> Result<ExitCode> {
    let text = match &args.set {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?,
        None => BUILTIN_SET.to_string(),
    };
    let origin = args
        .set
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "benches/search/programs.toml".to_string());
    let set: SketchSet =
        toml::from_str(&text).with_context(|| format!("{origin}: not a sketch set"))?;
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let rt = runtime()?;
    let started = Instant::now();
    let rows =
        rt.block_on(async {
            let mut rows = Vec::new();
            for seed in args.seed..args.seed + args.seeds {
                for (index, program) in set.program.iter().enumerate() {
                    let row = compile_once(dir.path(), program, args, seed, index).await?;
                    if args.verbose && !args.json {
                        println!(
                        "  {:<16} seed {:<3} {:<8} {:<15} {:>3} requests {:>7} tokens {:>6.2} s",
                        row.program,
                        row.seed,
                        if row.solved { "solved" } else { "unsolved" },
                        if row.within_reach { "within reach" } else { "out of reach" },
                        row.requests,
                        row.tokens,
                        row.seconds
                    );
                    }
                    rows.push(row);
                }
            }
            anyhow::Ok(rows)
        })?;
    let total = rows.len();
    let solved = rows.iter().filter(|r| r.solved).count();
    let reach = rows.iter().filter(|r| r.within_reach).count();
    let solved_in_reach = rows.iter().filter(|r| r.solved && r.within_reach).count();
    let requests: usize = rows.iter().map(|r| r.requests).sum();
    let tokens: u64 = rows.iter().map(|r| r.tokens).sum();
    let seconds: f64 = rows.iter().map(|r| r.seconds).sum();
    let per = |x: f64| {
        if solved == 0 {
            f64::NAN
        } else {
            x / solved as f64
        }
    };
    if args.json {
        let doc = json!({
            "set": origin,
            "right": args.right,
            "samples": args.samples,
            "seeds": args.seeds,
            "compiles": total,
            "solved": solved,
            "within_reach": reach,
            "solved_within_reach": solved_in_reach,
            "requests": requests,
            "tokens": tokens,
            "seconds": seconds,
            "requests_per_solved": per(requests as f64),
            "tokens_per_solved": per(tokens as f64),
            "seconds_per_solved": per(seconds),
            "runs": rows.iter().map(|r| json!({
                "program": r.program, "seed": r.seed, "solved": r.solved,
                "within_reach": r.within_reach, "requests": r.requests,
                "tokens": r.tokens, "seconds": r.seconds,
            })).collect::<Vec<_>>(),
        });
        print_json(&doc)?;
    } else {
        println!(
            "{} program(s) of {origin} x {} seed(s), each sample right with probability {}, --samples {}:",
            set.program.len(),
            args.seeds,
            args.right,
            args.samples
        );
        println!("  solved:        {solved} of {total} compiles");
        println!(
            "  within reach:  {reach} (every hole received a correct answer), of which {solved_in_reach} solved"
        );
        println!(
            "  requests:      {requests} in all, {:.2} per solved program",
            per(requests as f64)
        );
        println!(
            "  tokens:        {tokens} in all, {:.0} per solved program",
            per(tokens as f64)
        );
        println!(
            "  time:          {seconds:.1} s compiling ({:.1} s wall), {:.2} s per solved program",
            started.elapsed().as_secs_f64(),
            per(seconds)
        );
    }
    Ok(if solved > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_set_parses_and_every_hole_is_found_in_its_sketch() {
        let set: SketchSet = match toml::from_str(BUILTIN_SET) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        assert!(set.program.len() >= 8);
        for program in &set.program {
            assert!(program.hole.len() >= 3, "{}", program.name);
            for hole in &program.hole {
                assert!(program.sketch.contains(&hole.contains), "{}", hole.name);
                assert!(!hole.wrong.is_empty(), "{}", hole.name);
            }
        }
    }
}
