//! `anpl check SKETCH [--examples FILE]`: parse the sketch, and read an examples file
//! against it, and report every problem as `file:line:col: message` with the offending line
//! and a caret (or as JSON with `--json`). Nothing is run: no Python, no model, no session.
//! Functions that look like holes but have no docstring get a note. Exit code 0 when both
//! are valid, 1 when one is not, 2 when one cannot be read.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use crate::sketch::{
    load_examples_file, parse_file, Diagnostic, ParseOptions, Sketch, SketchError,
};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The sketch file to check.
    pub sketch: PathBuf,
    /// The entry function, when the sketch does not make it clear.
    #[arg(long, value_name = "NAME")]
    pub entry: Option<String>,
    /// Also check this examples file against the sketch (its shape, keys, functions and
    /// parameter names; docs/examples-file.md) without running anything.
    #[arg(long, value_name = "FILE")]
    pub examples: Option<PathBuf>,
    /// Print the result as JSON: {"ok", "entry", "holes", "examples", "notes", "diagnostics"}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    ok: bool,
    file: String,
    entry: Option<&'a str>,
    holes: usize,
    functions: usize,
    /// Examples read from `--examples`, by function, in file order.
    examples: Option<Vec<ExampleCount>>,
    notes: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct ExampleCount {
    function: String,
    count: usize,
}

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let opts = ParseOptions {
        entry: args.entry.clone(),
    };
    let file = args.sketch.display().to_string();
    let result = parse_file(&args.sketch, &opts).and_then(|sketch| {
        let examples = match &args.examples {
            Some(path) => Some(count_by_function(&load_examples_file(path, &sketch)?)),
            None => None,
        };
        Ok((sketch, examples))
    });
    let code = match &result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) if e.is_content_error() => ExitCode::from(1),
        Err(_) => ExitCode::from(2),
    };
    let notes: Vec<String> = match &result {
        Ok((s, _)) => s.empty_defs().iter().map(|d| d.note(&s.file)).collect(),
        Err(_) => Vec::new(),
    };
    if args.json {
        let report = match &result {
            Ok((s, examples)) => Report {
                ok: true,
                file,
                entry: Some(&s.entry),
                holes: s.holes.len(),
                functions: s.functions.len(),
                examples: examples.as_ref().map(|e| {
                    e.iter()
                        .map(|(function, count)| ExampleCount {
                            function: function.clone(),
                            count: *count,
                        })
                        .collect()
                }),
                notes,
                diagnostics: Vec::new(),
            },
            Err(e) => Report {
                ok: false,
                file,
                entry: None,
                holes: 0,
                functions: 0,
                examples: None,
                notes,
                diagnostics: e.diagnostics(),
            },
        };
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &report).context("writing the report")?;
        writeln!(out).context("writing the report")?;
        return Ok(code);
    }
    match result {
        Ok((s, examples)) => {
            super::outln(format_args!(
                "{file}: ok: {} hole{}, {} function{}, entry `{}`",
                s.holes.len(),
                if s.holes.len() == 1 { "" } else { "s" },
                s.functions.len(),
                if s.functions.len() == 1 { "" } else { "s" },
                s.entry
            ))?;
            if let (Some(path), Some(counts)) = (&args.examples, examples) {
                let total: usize = counts.iter().map(|(_, n)| n).sum();
                let parts: Vec<String> = counts
                    .iter()
                    .map(|(f, n)| format!("{n} of `{f}`"))
                    .collect();
                super::outln(format_args!(
                    "{}: ok: {total} example{}{}{} (checked against the sketch, not run)",
                    path.display(),
                    if total == 1 { "" } else { "s" },
                    if parts.is_empty() { "" } else { ": " },
                    parts.join(", ")
                ))?;
            }
            print_notes(&s);
        }
        Err(e) => print_error(&e),
    }
    Ok(code)
}

/// Notes on the sketch that are not errors (a `def` that looks like a hole but is not),
/// on stderr so the command's output stays what scripts expect.
pub(crate) fn print_notes(sketch: &Sketch) {
    for d in sketch.empty_defs() {
        eprintln!("{}", d.note(&sketch.file));
    }
}

/// How many examples each function got, in the order functions first appear.
fn count_by_function(examples: &[(String, crate::sketch::Example)]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (function, _) in examples {
        match counts.iter_mut().find(|(f, _)| f == function) {
            Some((_, n)) => *n += 1,
            None => counts.push((function.clone(), 1)),
        }
    }
    counts
}

pub(crate) fn print_error(e: &SketchError) {
    eprintln!("{e}");
    if let SketchError::Invalid(d) = e {
        if d.len() > 1 {
            eprintln!("{} problems found", d.len());
        }
    }
}
