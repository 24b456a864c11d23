//! `anpl holes SKETCH`: the program as a tree, the entry at the top, every function it
//! calls beneath it and every hole under its caller(s), each with kind, identifier,
//! parameters, the first line of its description and how many examples it has. `--json`
//! prints the document described in docs/holes-json.md.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use crate::sketch::{parse_file, Function, Hole, ParseOptions, Sketch, TreeNode};

#[derive(Debug, Args)]
pub struct HolesArgs {
    /// The sketch file.
    pub sketch: PathBuf,
    /// The entry function, when the sketch does not make it clear.
    #[arg(long, value_name = "NAME")]
    pub entry: Option<String>,
    /// Print a JSON document (schema in docs/holes-json.md) instead of a tree.
    #[arg(long)]
    pub json: bool,
}

/// The `holes --json` document; bump `version` when its shape changes.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    file: &'a str,
    entry: &'a str,
    prelude: &'a str,
    holes: &'a [Hole],
    functions: &'a [Function],
    tree: Vec<TreeNode>,
}

pub fn run(args: &HolesArgs) -> anyhow::Result<ExitCode> {
    let opts = ParseOptions {
        entry: args.entry.clone(),
    };
    let sketch = match parse_file(&args.sketch, &opts) {
        Ok(s) => s,
        Err(e) => {
            super::check::print_error(&e);
            return Ok(ExitCode::from(if e.is_content_error() { 1 } else { 2 }));
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let doc = Document {
            version: 1,
            file: &sketch.file,
            entry: &sketch.entry,
            prelude: &sketch.prelude,
            holes: &sketch.holes,
            functions: &sketch.functions,
            tree: sketch.tree(),
        };
        serde_json::to_writer_pretty(&mut out, &doc).context("writing the document")?;
        writeln!(out).context("writing the document")?;
    } else {
        out.write_all(render_tree(&sketch).as_bytes())
            .context("writing the tree")?;
        super::check::print_notes(&sketch);
    }
    Ok(ExitCode::SUCCESS)
}

/// The tree as text, one node per line with box-drawing guides.
pub fn render_tree(sketch: &Sketch) -> String {
    let mut out = String::new();
    for (i, root) in sketch.tree().iter().enumerate() {
        if i == 1 {
            out.push_str("\nnot reached from the entry:\n");
        }
        out.push_str(&label(sketch, root, true));
        out.push('\n');
        walk(sketch, &root.children, "", &mut out);
    }
    out
}

fn walk(sketch: &Sketch, nodes: &[TreeNode], prefix: &str, out: &mut String) {
    for (i, n) in nodes.iter().enumerate() {
        let last = i + 1 == nodes.len();
        out.push_str(prefix);
        out.push_str(if last { "└── " } else { "├── " });
        out.push_str(&label(sketch, n, false));
        out.push('\n');
        let deeper = format!("{prefix}{}", if last { "    " } else { "│   " });
        walk(sketch, &n.children, &deeper, out);
    }
}

fn examples(n: usize) -> String {
    format!("{n} example{}", if n == 1 { "" } else { "s" })
}

fn label(sketch: &Sketch, node: &TreeNode, root: bool) -> String {
    let again = if node.repeated { " (see above)" } else { "" };
    if let Some(h) = sketch.hole(&node.name) {
        let summary = crate::present::cut(h.summary(), 72);
        return format!(
            "[{}] {} · {} · {summary}{again}",
            h.kind.as_str(),
            h.signature(),
            examples(h.examples.len())
        );
    }
    let sig = sketch
        .function(&node.name)
        .map_or_else(|| node.name.clone(), Function::signature);
    let n = sketch.examples_of(&node.name).len();
    let entry = if root && node.name == sketch.entry {
        "entry · "
    } else {
        ""
    };
    format!("{sig}  ({entry}{}){again}", examples(n))
}
