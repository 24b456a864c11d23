//! From text to [`Sketch`]: tree-sitter parses the file, the queries in `grammars/` find
//! definitions, inline hole calls, references and the prelude, and this file turns their
//! matches into holes, functions and diagnostics. Every problem is collected (not just the
//! first) so `anpl check` can list them all; nothing here panics on any input.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use tree_sitter::{Node, Parser, QueryCursor, StreamingIterator};

use super::arg_names;
use super::captures::{self, Captures};
use super::classes;
use super::docstring::{
    check_examples, cleandoc, read_docstring, unescape, Docstring, ExprChecker, Literal,
};
use super::error::{Diagnostic, SketchError};
use super::graph;
use super::indent;
use super::model::{DefLayout, Function, Hole, HoleKind, Layout, Param, Sketch};
use super::naming::{self, ArgShape, Naming};
use super::pysyntax;
use super::queries::{language, queries, Queries};
use super::sharing;
use super::source::SourceText;

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

/// Report every ERROR and MISSING node, with a specific message for the mistakes sketch
/// authors make (an unterminated backtick). These are what the user sees when `python3`
/// cannot say what the error is (`pysyntax`).
fn syntax_errors(src: &SourceText, root: Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !root.has_error() {
        return out;
    }
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.is_missing() {
            out.push(missing_diag(src, n));
            continue;
        }
        if n.is_error() {
            out.push(error_diag(src, n));
            continue;
        }
        if !n.has_error() {
            continue;
        }
        let mut cursor = n.walk();
        let children: Vec<Node> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out.sort_by_key(|d| (d.line, d.col));
    out.dedup_by_key(|d| d.line);
    out.truncate(50);
    out
}

const BACKTICK_HELP: &str = "unterminated backtick: close the description on the same line, \
     as `description`(args), or write a multi-line one as \"\"\"description\"\"\"(args)";

fn error_diag(src: &SourceText, n: Node) -> Diagnostic {
    // An unterminated backtick shows up as a string start without its end.
    let mut stack = vec![n];
    while let Some(m) = stack.pop() {
        if m.kind() == "string_start"
            && src
                .text
                .get(m.byte_range())
                .is_some_and(|t| t.ends_with('`'))
        {
            let closed = m.parent().is_some_and(|p| {
                p.kind() == "string"
                    && p.child(p.child_count().saturating_sub(1))
                        .is_some_and(|e| e.kind() == "string_end" && !e.is_missing())
            });
            if !closed {
                return src.diag(m.start_byte(), BACKTICK_HELP);
            }
        }
        let mut cursor = m.walk();
        stack.extend(m.children(&mut cursor));
    }
    let text = src.text.get(n.byte_range()).unwrap_or("");
    let token: String = text
        .split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .take(20)
        .collect();
    if token.is_empty() {
        src.diag(n.start_byte(), "syntax error")
    } else {
        src.diag(n.start_byte(), format!("syntax error near `{token}`"))
    }
}

fn missing_diag(src: &SourceText, n: Node) -> Diagnostic {
    if n.kind() == "string_end" {
        let backtick = n
            .parent()
            .and_then(|p| p.child(0))
            .and_then(|s| src.text.get(s.byte_range()))
            .is_some_and(|t| t.ends_with('`'));
        let at = n.parent().map_or(n.start_byte(), |p| p.start_byte());
        return if backtick {
            src.diag(at, BACKTICK_HELP)
        } else {
            src.diag(at, "unterminated string")
        };
    }
    src.diag(
        n.start_byte(),
        format!("syntax error: missing `{}`", n.kind()),
    )
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

    fn collect_defs(&mut self) -> Vec<DefInfo<'t>> {
        let raw = std::mem::take(&mut self.caps.defs);
        let mut defs = Vec::with_capacity(raw.len());
        for (node, name, params, ret) in raw {
            let doc_node = self.caps.docstrings.get(&node.id()).copied();
            defs.push(self.def_info(node, name, params, ret, doc_node));
        }
        check_examples(
            self.src,
            defs.iter_mut().filter_map(|d| d.doc.as_mut()),
            &mut self.checker,
            &mut self.diags,
        );
        // Only now are a docstring's examples known, and a hole with neither prose nor a
        // valid example has no description.
        for d in defs.iter().filter(|d| d.is_hole) {
            if d.doc
                .as_ref()
                .is_some_and(|doc| doc.prose.is_empty() && doc.examples.is_empty())
            {
                let at = d
                    .layout
                    .doc
                    .as_ref()
                    .map_or(d.node.start_byte(), |r| r.start);
                self.diags.push(self.src.diag(
                    at,
                    format!(
                        "empty description: say in the docstring what `{}` should do",
                        d.name
                    ),
                ));
            }
        }
        defs
    }

    fn def_info(
        &mut self,
        node: Node<'t>,
        name: Node<'t>,
        params: Node<'t>,
        ret: Option<Node<'t>>,
        doc_node: Option<Node<'t>>,
    ) -> DefInfo<'t> {
        let outer = node
            .parent()
            .filter(|p| p.kind() == "decorated_definition")
            .unwrap_or(node);
        let is_async = node.child(0).is_some_and(|c| c.kind() == "async");
        let mut parent = None;
        let mut top_level = true;
        let mut up = outer.parent();
        while let Some(p) = up {
            if matches!(p.kind(), "function_definition" | "class_definition") {
                top_level = false;
                if parent.is_none() {
                    parent = p
                        .child_by_field_name("name")
                        .map(|n| self.text(n).to_string());
                }
            }
            up = p.parent();
        }
        let lit = doc_node
            .and_then(|d| Literal::of(d, &self.src.text))
            .filter(|l| !l.is_bytes() && !l.is_format() && !l.is_backtick());
        let doc = lit
            .as_ref()
            .map(|l| read_docstring(self.src, l, &mut self.checker, &mut self.diags));
        let is_hole = doc.is_some() && body_is_docstring_only(node);
        let layout = self.def_layout(node, outer, doc_node, lit.as_ref());
        DefInfo {
            node,
            outer,
            name: self.text(name).to_string(),
            params: self.params(params),
            returns: ret.map(|r| squash(self.text(r))),
            is_async,
            doc,
            layout,
            is_hole,
            parent,
            top_level,
        }
    }

    fn def_layout(
        &self,
        node: Node,
        outer: Node,
        doc_node: Option<Node>,
        lit: Option<&Literal>,
    ) -> DefLayout {
        let indent = self.src.indent_at(outer.start_byte()).to_string();
        let body = node.child_by_field_name("body");
        let colon_row = body
            .and_then(|b| b.prev_sibling())
            .map(|c| c.end_position().row);
        let body_start = body.map_or(node.end_byte(), |b| b.start_byte());
        let body_inline = body.is_some_and(|b| Some(b.start_position().row) == colon_row);
        let body_indent = if body_inline {
            format!("{indent}    ")
        } else {
            self.src.indent_at(body_start).to_string()
        };
        DefLayout {
            def_start: node.start_byte(),
            def_end: node.end_byte(),
            indent,
            body_inline,
            body_indent,
            body_start,
            doc: lit.and(doc_node).map(|d| d.byte_range()),
            doc_content: lit.map(|l| l.content.clone()),
            doc_quote: lit.map(|l| l.quote.clone()).unwrap_or_default(),
            doc_prefix: lit.map(|l| l.prefix.clone()).unwrap_or_default(),
        }
    }

    fn params(&self, params: Node) -> Vec<Param> {
        let mut out = Vec::new();
        let mut cursor = params.walk();
        for p in params.named_children(&mut cursor) {
            let field = |f: &str| p.child_by_field_name(f).map(|n| squash(self.text(n)));
            let param = match p.kind() {
                "comment" => continue,
                "typed_parameter" => Param {
                    name: p
                        .named_child(0)
                        .map(|n| self.text(n).to_string())
                        .unwrap_or_default(),
                    annotation: field("type"),
                    default: None,
                },
                "default_parameter" | "typed_default_parameter" => Param {
                    name: field("name").unwrap_or_default(),
                    annotation: field("type"),
                    default: field("value"),
                },
                "keyword_separator" => Param {
                    name: "*".into(),
                    annotation: None,
                    default: None,
                },
                "positional_separator" => Param {
                    name: "/".into(),
                    annotation: None,
                    default: None,
                },
                _ => Param {
                    name: squash(self.text(p)),
                    annotation: None,
                    default: None,
                },
            };
            out.push(param);
        }
        out
    }

    /// A hole must not share its name with another hole or function.
    fn check_def_names(&mut self, defs: &[DefInfo]) {
        let mut first: HashMap<&str, &DefInfo> = HashMap::new();
        for d in defs {
            match first.get(d.name.as_str()) {
                Some(prev) if prev.is_hole || d.is_hole => {
                    let what = |x: &DefInfo| if x.is_hole { "a hole" } else { "a function" };
                    self.diags.push(self.src.diag(
                        d.node.start_byte(),
                        format!(
                            "`{}` is defined here as {} and at line {} as {}: a hole needs a name of its own",
                            d.name,
                            what(d),
                            self.src.line_of(prev.node.start_byte()),
                            what(prev)
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    first.insert(&d.name, d);
                }
            }
        }
    }

    fn collect_inline(&mut self) -> Vec<InlineInfo> {
        let mut by_desc: BTreeMap<String, usize> = BTreeMap::new();
        let mut out: Vec<InlineInfo> = Vec::new();
        for &n in &self.caps.concatenated {
            self.diags.push(self.src.diag(
                n.start_byte(),
                "a hole description must be one string literal, not several written side by side",
            ));
        }
        let found = std::mem::take(&mut self.caps.hole_calls);
        for (call, lit_node, args) in found {
            let Some(lit) = Literal::of(lit_node, &self.src.text) else {
                continue;
            };
            let at = lit_node.start_byte();
            if lit.is_bytes() {
                self.diags.push(
                    self.src
                        .diag(at, "a bytes literal cannot be a hole description"),
                );
                continue;
            }
            if lit.has_interpolation {
                self.diags.push(self.src.diag(
                    at,
                    "an f-string with {…} cannot be a hole description: descriptions are fixed text",
                ));
                continue;
            }
            let raw = self.src.text.get(lit.content.clone()).unwrap_or("");
            let decoded = if lit.is_backtick() || lit.is_raw() {
                raw.to_string()
            } else {
                unescape(raw)
            };
            let description = if lit.is_triple() {
                cleandoc(&decoded)
            } else {
                decoded.replace("\r\n", "\n").trim().to_string()
            };
            if description.is_empty() {
                self.diags.push(
                    self.src
                        .diag(at, "empty description: say what this hole should do"),
                );
                continue;
            }
            let lead = raw.len() - raw.trim_start().len();
            let desc_span = lit.content.start + lead..lit.content.start + raw.trim_end().len();
            let shapes = self.arg_shapes(args);
            let usage = sharing::Use::of(
                call,
                shapes
                    .iter()
                    .filter(|s| matches!(s, ArgShape::Positional(_)))
                    .count(),
                shapes
                    .iter()
                    .filter_map(|s| match s {
                        ArgShape::Keyword(k) => Some(k.clone()),
                        _ => None,
                    })
                    .collect(),
                shapes
                    .iter()
                    .filter(|s| matches!(s, ArgShape::Splat | ArgShape::DoubleSplat))
                    .count(),
            );
            let kind = if lit.is_backtick() {
                HoleKind::InlineBacktick
            } else {
                HoleKind::InlineString
            };
            match by_desc.get(&description) {
                Some(&i) => {
                    let first = &out[i];
                    if let Some(why) = sharing::conflict(&usage, &first.usage) {
                        let (line, col) = self.src.line_col(first.calls[0]);
                        self.diags.push(self.src.diag(
                            call.start_byte(),
                            format!(
                                "this call and the one at {line}:{col} share a description, so they \
                                 would share one implementation, but {why}. If they mean different \
                                 functions, give each its own description (say what differs); if \
                                 they mean one, call it the same way in both places"
                            ),
                        ));
                    }
                    out[i].sites.push(lit_node.byte_range());
                    out[i].calls.push(call.start_byte());
                }
                None => {
                    by_desc.insert(description.clone(), out.len());
                    out.push(InlineInfo {
                        description,
                        kind,
                        desc_span,
                        sites: vec![lit_node.byte_range()],
                        calls: vec![call.start_byte()],
                        params: naming::param_names(&shapes),
                        usage,
                    });
                }
            }
        }
        out
    }

    fn arg_shapes(&self, args: Node) -> Vec<ArgShape> {
        if args.kind() != "argument_list" {
            return vec![ArgShape::Positional(None)];
        }
        let mut cursor = args.walk();
        args.named_children(&mut cursor)
            .filter(|a| a.kind() != "comment")
            .map(|a| match a.kind() {
                "identifier" => ArgShape::Positional(Some(self.text(a).to_string())),
                "keyword_argument" => ArgShape::Keyword(
                    a.child_by_field_name("name")
                        .map(|n| self.text(n).to_string())
                        .unwrap_or_default(),
                ),
                "list_splat" | "parenthesized_list_splat" => ArgShape::Splat,
                "dictionary_splat" => ArgShape::DoubleSplat,
                _ => ArgShape::Positional(arg_names::from_expression(a, &self.src.text)),
            })
            .collect()
    }

    /// Identifiers for the inline holes, or `None` after reporting a clash.
    fn name_inline(&mut self, inline: &[InlineInfo]) -> Option<Vec<String>> {
        // Borrowed names: a big sketch has tens of thousands of identifiers to reserve.
        let mut reserved: HashSet<&str> = naming::KEYWORDS
            .iter()
            .chain(naming::BUILTINS)
            .copied()
            .collect();
        for &n in self.caps.names.iter().chain(&self.caps.bound) {
            reserved.insert(self.text(n));
        }
        let descs: Vec<&str> = inline.iter().map(|h| h.description.as_str()).collect();
        match naming::inline_ids(&descs, &reserved) {
            Naming::Ids(ids) => Some(ids),
            Naming::Clash(a, b) => {
                let (first, second) = (&inline[a], &inline[b]);
                let line = self.src.line_of(first.sites[0].start);
                self.diags.push(self.src.diag(
                    second.sites[0].start,
                    format!(
                        "this description and the one at line {line} differ only in case or punctuation, \
                         so they would get the same identifier: reword one, or write both the same way to make them one hole"
                    ),
                ));
                None
            }
        }
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

/// True when a function body is a docstring, optionally followed by `...` or `pass`.
fn body_is_docstring_only(def: Node) -> bool {
    let Some(body) = def.child_by_field_name("body") else {
        return false;
    };
    let mut cursor = body.walk();
    let stmts: Vec<Node> = body
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect();
    let Some((first, rest)) = stmts.split_first() else {
        return false;
    };
    let is_string_stmt = first.kind() == "expression_statement"
        && first.named_child_count() == 1
        && first.named_child(0).is_some_and(|s| s.kind() == "string");
    is_string_stmt
        && rest.iter().all(|s| match s.kind() {
            "pass_statement" => true,
            "expression_statement" => {
                s.named_child_count() == 1
                    && s.named_child(0).is_some_and(|e| e.kind() == "ellipsis")
            }
            _ => false,
        })
}
