//! `anpl bench synth TASKS.json --ask K`: the synthesizer with a simulated user who answers
//! up to K questions per task.
//!
//! Per task, the synthesizer's best-ranked programs (as many as compile keeps) are the
//! candidates; questions are computed exactly as the engine computes them
//! (`engine::questions::{inputs_to_try, choose}`), and the simulated user answers each from
//! the task's `reference` expression, or, for a call the task's tests list, from the test's
//! expected value. An answer becomes an example; candidates that disagree are dropped, and
//! when none is left the synthesizer runs again with the examples it now has, as a
//! recompile would. After 0, 1, … K answers the program in use is checked on the held-back
//! tests in real Python.

use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::engine::questions::{choose, inputs_to_try, Reply};
use crate::sketch::Example;
use crate::synth::bench::{
    check_in_python, parse_signature, reference_code, run_in_python, BenchError, BenchTask, Pair,
    TaskFile,
};
use crate::synth::{synthesize_ranked, CancelFlag, SynthLimits};

/// How many programs the synthesizer hands over per hole, as in compile.
const CANDIDATES: usize = 5;

#[derive(Debug, Clone, Serialize)]
pub struct AskResult {
    pub name: String,
    /// `solved[k]`: the program in use after `k` answers passes every held-back test.
    pub solved: Vec<bool>,
    /// The questions asked and the answers given, in order.
    pub asked: Vec<(String, String)>,
    /// The program in use after the last answer.
    pub program: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AskReport {
    pub results: Vec<AskResult>,
    /// `solved[k]`: tasks solved after at most `k` answers.
    pub solved: Vec<usize>,
    pub total: usize,
}

pub fn run(
    file: &TaskFile,
    limits: &SynthLimits,
    python: &str,
    max_questions: usize,
) -> Result<AskReport, BenchError> {
    let mut results = Vec::new();
    let mut jobs: Vec<(String, Vec<Pair>)> = Vec::new();
    let mut job_of: Vec<(usize, usize)> = Vec::new();
    for task in &file.tasks {
        let (in_use, asked) = simulate(task, limits, python, max_questions)?;
        let program = in_use.last().cloned().flatten();
        for (k, code) in in_use.iter().enumerate() {
            if let Some(code) = code {
                job_of.push((results.len(), k));
                jobs.push((code.clone(), task.tests.clone()));
            }
        }
        results.push(AskResult {
            name: task.name.clone(),
            solved: vec![false; max_questions + 1],
            asked,
            program,
        });
    }
    let checks = check_in_python(python, &jobs)?;
    for ((task, k), failure) in job_of.into_iter().zip(checks) {
        results[task].solved[k] = failure.is_none();
    }
    let solved = (0..=max_questions)
        .map(|k| results.iter().filter(|r| r.solved[k]).count())
        .collect();
    Ok(AskReport {
        total: results.len(),
        results,
        solved,
    })
}

/// The program in use after 0..=`max_questions` answers (the last one repeated once no
/// question is left), and the questions asked with their answers.
#[allow(clippy::type_complexity)]
fn simulate(
    task: &BenchTask,
    limits: &SynthLimits,
    python: &str,
    max_questions: usize,
) -> Result<(Vec<Option<String>>, Vec<(String, String)>), BenchError> {
    let mut examples = task.examples.clone();
    let mut candidates = candidates_for(task, &examples, limits)?;
    let mut in_use = Vec::new();
    let mut asked = Vec::new();
    let reference = reference_code(task);
    for k in 0..=max_questions {
        in_use.push(candidates.first().cloned());
        if k == max_questions || candidates.len() < 2 {
            continue;
        }
        let shown: Vec<Example> = examples
            .iter()
            .map(|p| Example {
                call: p.call.clone(),
                expected: p.expected.clone(),
                ..Example::default()
            })
            .collect();
        let name = parse_signature(task)?.name;
        let calls = inputs_to_try(&name, &shown, &[]);
        if calls.is_empty() {
            continue;
        }
        let runs: Vec<(String, Vec<String>)> = candidates
            .iter()
            .map(|c| (c.clone(), calls.clone()))
            .collect();
        let replies: Vec<Vec<Reply>> = run_in_python(python, &runs)?
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|r| r.map_or(Reply::Raised, Reply::Value))
                    .collect()
            })
            .collect();
        let Some(question) = choose(&name, &calls, &replies) else {
            continue;
        };
        let Some(answer) = user_answer(task, reference.as_deref(), &question.call, python)? else {
            continue;
        };
        let column = calls.iter().position(|c| *c == question.call);
        let survivors: Vec<String> = candidates
            .iter()
            .zip(&replies)
            .filter(|(_, row)| {
                column.and_then(|c| row.get(c)) == Some(&Reply::Value(answer.clone()))
            })
            .map(|(c, _)| c.clone())
            .collect();
        examples.push(Pair {
            call: question.call.clone(),
            expected: answer.clone(),
        });
        asked.push((question.call, answer));
        candidates = if survivors.is_empty() {
            candidates_for(task, &examples, limits)?
        } else {
            survivors
        };
    }
    Ok((in_use, asked))
}

fn candidates_for(
    task: &BenchTask,
    examples: &[Pair],
    limits: &SynthLimits,
) -> Result<Vec<String>, BenchError> {
    let mut synth_task = parse_signature(task)?;
    synth_task.examples = examples
        .iter()
        .map(|p| (p.call.clone(), p.expected.clone()))
        .collect();
    Ok(
        synthesize_ranked(&synth_task, limits, &CancelFlag::new(), CANDIDATES)
            .map(|found| found.into_iter().map(|s| s.code).collect())
            .unwrap_or_default(),
    )
}

/// What the simulated user says `call` returns: the test's expected value when the task
/// lists the call, else the reference's value; `None` when neither can say.
fn user_answer(
    task: &BenchTask,
    reference: Option<&str>,
    call: &str,
    python: &str,
) -> Result<Option<String>, BenchError> {
    let same = |a: &str, b: &str| {
        a.chars()
            .filter(|c| !c.is_whitespace())
            .eq(b.chars().filter(|c| !c.is_whitespace()))
    };
    if let Some(test) = task.tests.iter().find(|t| same(&t.call, call)) {
        return Ok(Some(test.expected.clone()));
    }
    let Some(code) = reference else {
        return Ok(None);
    };
    let answer = run_in_python(python, &[(code.to_string(), vec![call.to_string()])])?;
    Ok(answer
        .into_iter()
        .next()
        .and_then(|row| row.into_iter().next())
        .flatten())
}

/// Runs the simulation and prints per task what was asked and whether it was solved after
/// each answer, then one line per K.
pub fn print(
    file: &TaskFile,
    limits: &SynthLimits,
    python: &str,
    max_questions: usize,
    json: bool,
) -> Result<ExitCode> {
    let report = run(file, limits, python, max_questions)?;
    if json {
        super::print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let width = super::bench_synth::task_width(report.results.iter().map(|r| r.name.as_str()));
    let heads: Vec<String> = (0..=max_questions).map(|k| format!("K={k}")).collect();
    println!("{:width$}  {}  program", "task", heads.join("  "));
    for r in &report.results {
        let marks: Vec<String> = r
            .solved
            .iter()
            .zip(&heads)
            .map(|(ok, h)| format!("{:w$}", if *ok { "ok" } else { "-" }, w = h.len()))
            .collect();
        let program = r
            .program
            .as_deref()
            .and_then(|p| p.lines().last())
            .map(|l| l.trim().trim_start_matches("return ").to_string())
            .unwrap_or_default();
        println!("{:width$}  {}  {}", r.name, marks.join("  "), program);
        for (call, answer) in &r.asked {
            println!("{:width$}  asked {call} → {answer}", "");
        }
    }
    for (k, n) in report.solved.iter().enumerate() {
        println!(
            "K={k}: solved {n}/{} with at most {k} answered question{} per task",
            report.total,
            if k == 1 { "" } else { "s" }
        );
    }
    Ok(ExitCode::SUCCESS)
}
