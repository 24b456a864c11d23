//! From text to [`Sketch`]: tree-sitter parses the file, the queries in `grammars/` find
//! definitions, inline hole calls, references and the prelude, and this file turns their
//! matches into holes, functions and diagnostics. Every problem is collected (not just the
//! first) so `anpl check` can list them all; nothing here panics on any input.
//!
//! Here: the entry points, the [`Builder`] that assembles a [`Sketch`], and the prelude.
//! `syntax` words what tree-sitter could not parse, `defs` reads `def`s and named holes,
//! `inline` reads hole calls.

mod defs;
mod inline;
mod syntax;

use std::ops::Range;
use std::path::Path;

use tree_sitter::{Node, Parser, QueryCursor, StreamingIterator};

use super::captures::{self, Captures};
use super::classes;
use super::docstring::{Docstring, ExprChecker, Literal};
use super::error::{Diagnostic, SketchError};
use super::graph;
use super::indent;
use super::model::{DefLayout, Function, Hole, HoleKind, Layout, Param, Sketch};
use super::pysyntax;
use super::queries::{language, queries, Queries};
use super::sharing;
use super::source::SourceText;
use syntax::{syntax_errors, BACKTICK_HELP};

/// Choices the user makes about how to read a sketch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// The entry function when the sketch does not make it clear (`--entry NAME`).
    pub entry: Option<String>,
}

/// Read and parse a sketch file.
pub fn parse_file(path: &Path, opts: &ParseOptions) -> Result<Sketch, SketchError> {
    let io = |source| SketchError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(SketchError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let src = SourceText::from_bytes(&path.display().to_string(), &bytes)?;
    parse_text(src, opts)
}

/// Parse sketch text; `file` is only used in messages.
pub fn parse_source(file: &str, source: &str, opts: &ParseOptions) -> Result<Sketch, SketchError> {
    parse_text(SourceText::new(file, source), opts)
}

fn parse_text(src: SourceText, opts: &ParseOptions) -> Result<Sketch, SketchError> {
    let invalid = |d: Diagnostic| SketchError::Invalid(vec![d]);
    if src.text.trim().is_empty() {
        return Err(invalid(src.diag(
            0,
            "the sketch is empty: write at least one function or hole",
        )));
    }
    let q = queries().map_err(|m| invalid(src.diag(0, format!("internal error: {m}"))))?;
    let mut parser = Parser::new();
    let checker = ExprChecker::new();
    let (Ok(()), Some(checker)) = (parser.set_language(&language()), checker) else {
        return Err(invalid(
            src.diag(0, "internal error: cannot load the Python grammar"),
        ));
    };
    let Some(tree) = parser.parse(&src.text, None) else {
        return Err(invalid(src.diag(0, "the parser gave up on this file")));
    };
    let root = tree.root_node();
    // Only a sketch with an error pays for asking CPython what the error is.
    let diags = syntax_errors(&src, root);
    if !diags.is_empty() {
        return Err(SketchError::Invalid(pysyntax::explain(
            &src,
            diags,
            true,
            BACKTICK_HELP,
        )));
    }
    if let Some(p) = indent::first_problem(&src.text) {
        let found = Diagnostic {
            file: src.file.clone(),
            line: p.line,
            col: p.col,
            message: format!("{}: {}", p.kind, p.message),
            source_line: src.line_text(p.line).to_string(),
        };
        let diags = pysyntax::explain(&src, vec![found], false, BACKTICK_HELP);
        if !diags.is_empty() {
            return Err(SketchError::Invalid(diags));
        }
    }
    let mut b = Builder {
        src: &src,
        q,
        root,
        caps: captures::collect(&q.sketch, root, src.text.as_bytes()),
        top_starts: top_level_starts(root),
        checker,
        diags: Vec::new(),
    };
    let sketch = b.build(opts);
    match sketch {
        Some(s) if b.diags.is_empty() => Ok(s),
        _ => {
            let mut diags = b.diags;
            diags.sort_by_key(|d| (d.line, d.col));
            diags.dedup();
            Err(SketchError::Invalid(diags))
        }
    }
}

/// Start of each child of the module, collected once: every inline hole looks its anchor
/// up here, and walking the module's children per hole is quadratic in the file size.
fn top_level_starts(root: Node) -> Vec<usize> {
    let mut cursor = root.walk();
    root.children(&mut cursor).map(|n| n.start_byte()).collect()
}

/// Collapse runs of whitespace (including line breaks) to one space.
pub(crate) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One `def` in the file.
pub(crate) struct DefInfo<'t> {
    pub node: Node<'t>,
    /// The decorated definition when there are decorators, else `node`.
    pub outer: Node<'t>,
    pub name: String,
    pub params: Vec<Param>,
    pub returns: Option<String>,
    pub is_async: bool,
    pub doc: Option<Docstring>,
    pub layout: DefLayout,
    pub is_hole: bool,
    pub parent: Option<String>,
    /// Not inside any class or function.
    pub top_level: bool,
}

/// One distinct inline hole description and its call sites.
pub(crate) struct InlineInfo {
    pub description: String,
    pub kind: HoleKind,
    pub desc_span: Range<usize>,
    pub sites: Vec<Range<usize>>,
    /// Byte offset of each call (for the call graph owner).
    pub calls: Vec<usize>,
    pub params: Vec<String>,
    usage: sharing::Use,
}

struct Builder<'s, 't> {
    src: &'s SourceText,
    q: &'static Queries,
    root: Node<'t>,
    caps: Captures<'t>,
    /// Start of every top-level statement, in order (for inline hole anchors).
    top_starts: Vec<usize>,
    checker: ExprChecker,
    diags: Vec<Diagnostic>,
}

impl<'s, 't> Builder<'s, 't> {
    fn text(&self, n: Node) -> &'s str {
        self.src.text.get(n.byte_range()).unwrap_or("")
    }

    fn build(&mut self, opts: &ParseOptions) -> Option<Sketch> {
        self.check_invalid();
        let defs = self.collect_defs();
        self.check_def_names(&defs);
        let inline = self.collect_inline();
        let ids = self.name_inline(&inline);
        let id_list: &[String] = ids.as_deref().unwrap_or(&[]);
        let classes = classes::collect_classes(self.root, self.src);
        let g = graph::build(&self.caps, self.src, &defs, &classes, &inline, id_list);
        let entry = graph::choose_entry(self.src, &defs, id_list, &g, opts, &mut self.diags);
        let prelude = self.prelude(&g.referenced_spans);
        let assignments = classes::collect_assignments(self.root, self.src, &prelude);

        let functions: Vec<Function> = defs
            .iter()
            .filter(|d| !d.is_hole)
            .map(|d| Function {
                name: d.name.clone(),
                params: d.params.clone(),
                returns: d.returns.clone(),
                is_async: d.is_async,
                docstring: d.doc.as_ref().map(|doc| doc.text.clone()),
                examples: d
                    .doc
                    .as_ref()
                    .map(|doc| doc.examples.clone())
                    .unwrap_or_default(),
                line: self.src.line_of(d.node.start_byte()),
                span: d.outer.byte_range(),
                parent: d.parent.clone(),
            })
            .collect();

        let mut holes: Vec<(usize, Hole)> = Vec::new();
        for d in defs.iter().filter(|d| d.is_hole) {
            let (line, col) = self.src.line_col(d.node.start_byte());
            let doc = d.doc.clone().unwrap_or(Docstring {
                text: String::new(),
                prose: String::new(),
                prose_span: 0..0,
                examples: Vec::new(),
                pending: Vec::new(),
            });
            holes.push((
                d.outer.start_byte(),
                Hole {
                    id: d.name.clone(),
                    kind: HoleKind::Named,
                    description: doc.prose,
                    params: d.params.clone(),
                    returns: d.returns.clone(),
                    is_async: d.is_async,
                    examples: doc.examples,
                    line,
                    col,
                    desc_span: doc.prose_span,
                    def_span: Some(d.outer.byte_range()),
                    sites: Vec::new(),
                    callers: g.graph.callers.get(&d.name).cloned().unwrap_or_default(),
                    parent: d.parent.clone(),
                },
            ));
        }
        let ids = ids?;
        for (info, id) in inline.iter().zip(&ids) {
            let first = info.sites.first().map_or(0, |s| s.start);
            let (line, col) = self.src.line_col(first);
            holes.push((
                first,
                Hole {
                    id: id.clone(),
                    kind: info.kind,
                    description: info.description.clone(),
                    params: info
                        .params
                        .iter()
                        .map(|p| Param {
                            name: p.clone(),
                            annotation: None,
                            default: None,
                        })
                        .collect(),
                    returns: None,
                    is_async: false,
                    examples: Vec::new(),
                    line,
                    col,
                    desc_span: info.desc_span.clone(),
                    def_span: None,
                    sites: info.sites.clone(),
                    callers: g.graph.callers.get(id).cloned().unwrap_or_default(),
                    parent: None,
                },
            ));
        }
        holes.sort_by_key(|(at, _)| *at);
        let mut layout = Layout::default();
        for d in &defs {
            layout
                .defs
                .entry(d.name.clone())
                .or_insert_with(|| d.layout.clone());
        }
        for (info, id) in inline.iter().zip(&ids) {
            if let Some(site) = info.sites.first() {
                layout
                    .anchors
                    .insert(id.clone(), self.top_level_start(site.start));
            }
        }
        Some(Sketch {
            file: self.src.file.clone(),
            source: self.src.text.clone(),
            has_bom: self.src.bom,
            crlf: self.src.crlf,
            prelude,
            functions,
            holes: holes.into_iter().map(|(_, h)| h).collect(),
            entry: entry?,
            classes,
            assignments,
            graph: g.graph,
            layout,
        })
    }

    /// Start of the top-level statement that contains `offset`.
    fn top_level_start(&self, offset: usize) -> usize {
        let starts = &self.top_starts;
        let after = starts.partition_point(|&s| s <= offset);
        after.checked_sub(1).map_or(0, |i| starts[i])
    }

    /// Backtick strings that are not hole calls, and Python 2 statements.
    fn check_invalid(&mut self) {
        let mut found = Vec::new();
        for &n in &self.caps.strings {
            let Some(lit) = Literal::of(n, &self.src.text) else {
                continue;
            };
            if !lit.is_backtick() {
                continue;
            }
            let called = n.parent().is_some_and(|p| {
                p.kind() == "call" && p.child_by_field_name("function") == Some(n)
            });
            if !called {
                found.push(self.src.diag(
                    n.start_byte(),
                    "a backtick string is only allowed as a hole call: `description`(args)",
                ));
            }
        }
        for &n in &self.caps.python2 {
            found.push(self.src.diag(
                n.start_byte(),
                "Python 2 statement: call it as a function, e.g. print(x)",
            ));
        }
        self.diags.extend(found);
    }

    /// Top-level imports and assignments that do not call into the sketch.
    fn prelude(&self, referenced: &[Range<usize>]) -> String {
        let q = &self.q.prelude;
        let mut cursor = QueryCursor::new();
        // Prelude statements are children of the module: no need to look deeper.
        cursor.set_max_start_depth(Some(0));
        let mut parts: Vec<(usize, &str)> = Vec::new();
        let mut it = cursor.captures(q, self.root, self.src.text.as_bytes());
        while let Some((m, i)) = it.next() {
            let n = m.captures[*i].node;
            let r = n.byte_range();
            if referenced
                .iter()
                .any(|s| s.start >= r.start && s.end <= r.end)
            {
                continue;
            }
            parts.push((r.start, self.text(n)));
        }
        parts.sort_by_key(|(at, _)| *at);
        parts.dedup_by_key(|(at, _)| *at);
        let mut out = String::new();
        for (_, t) in parts {
            out.push_str(&t.replace("\r\n", "\n"));
            out.push('\n');
        }
        out
    }
}
