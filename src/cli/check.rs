//! `anpl check SKETCH`: parse the sketch and report every problem as `file:line:col:
//! message` with the offending line and a caret (or as JSON with `--json`). Exit code 0
//! when the sketch is valid, 1 when it is not, 2 when it cannot be read.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use crate::sketch::{parse_file, Diagnostic, ParseOptions, SketchError};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The sketch file to check.
    pub sketch: PathBuf,
    /// The entry function, when the sketch does not make it clear.
    #[arg(long, value_name = "NAME")]
    pub entry: Option<String>,
    /// Print the result as JSON: {"ok", "entry", "holes", "diagnostics"}.
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
    diagnostics: Vec<Diagnostic>,
}

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let opts = ParseOptions {
        entry: args.entry.clone(),
    };
    let result = parse_file(&args.sketch, &opts);
    let file = args.sketch.display().to_string();
    let code = match &result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) if e.is_content_error() => ExitCode::from(1),
        Err(_) => ExitCode::from(2),
    };
    if args.json {
        let report = match &result {
            Ok(s) => Report {
                ok: true,
                file,
                entry: Some(&s.entry),
                holes: s.holes.len(),
                functions: s.functions.len(),
                diagnostics: Vec::new(),
            },
            Err(e) => Report {
                ok: false,
                file,
                entry: None,
                holes: 0,
                functions: 0,
                diagnostics: e.diagnostics(),
            },
        };
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &report).context("writing the report")?;
        writeln!(out).context("writing the report")?;
        return Ok(code);
    }
    match result {
        Ok(s) => {
            super::outln(format_args!(
                "{file}: ok: {} hole{}, {} function{}, entry `{}`",
                s.holes.len(),
                if s.holes.len() == 1 { "" } else { "s" },
                s.functions.len(),
                if s.functions.len() == 1 { "" } else { "s" },
                s.entry
            ))?;
        }
        Err(e) => print_error(&e),
    }
    Ok(code)
}

pub(crate) fn print_error(e: &SketchError) {
    eprintln!("{e}");
    if let SketchError::Invalid(d) = e {
        if d.len() > 1 {
            eprintln!("{} problems found", d.len());
        }
    }
}
