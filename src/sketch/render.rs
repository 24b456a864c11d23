//! From sketch plus hole implementations to a Python program. Every byte the user wrote
//! outside the holes is copied as is; a named hole's `def` is replaced by its
//! implementation (helpers first, the user's decorators kept on the hole's own `def`); each
//! inline hole call site becomes a call to a function named by the hole's id, whose `def`
//! goes right before the first top-level statement that needs it. A map from program lines
//! back to sketch lines is kept so `exec` can show tracebacks on the user's own lines.
//!
//! An exported program is the user's program: a named hole keeps the header the user
//! wrote (annotations, defaults, `async`) whenever the implementation takes the same
//! parameters, and an import an implementation brings is left out when the sketch or an
//! earlier hole already has it, so each import appears once.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Serialize;
use tree_sitter::{Node, Parser};

use super::edit::{escape_description, LiteralStyle};
use super::error::RenderError;
use super::model::{Hole, HoleKind, Sketch};
use super::queries::language;

/// What the program is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderMode {
    /// To run now: an unimplemented hole raises `NotImplementedError` when called.
    Run,
    /// The finished program: every hole keeps its description as a docstring; a hole
    /// without an implementation is an error unless `allow_partial`.
    Export { allow_partial: bool },
}

/// A rendered program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    pub source: String,
    /// For each program line (0-based index), the sketch line (1-based) it came from, or
    /// `None` for generated lines.
    pub line_map: Vec<Option<usize>>,
}

/// One replacement of a source range by generated text (an insertion when the range is
/// empty).
struct Edit {
    range: Range<usize>,
    text: String,
    /// The sketch line generated text stands for, if any.
    origin: Option<usize>,
}

/// An implementation split into the hole's own `def` and everything else it brought.
struct ImplParts {
    helpers: String,
    def: String,
}

/// Assemble the program. `impls` maps hole ids to Python text that defines the hole
/// (`def <id>(...)`) plus any helpers and imports it needs.
pub fn render(
    sketch: &Sketch,
    impls: &BTreeMap<String, String>,
    mode: RenderMode,
) -> Result<Rendered, RenderError> {
    if let Some(unknown) = impls.keys().find(|k| sketch.hole(k).is_none()) {
        return Err(RenderError::UnknownHole(unknown.clone()));
    }
    if mode
        == (RenderMode::Export {
            allow_partial: false,
        })
    {
        let missing: Vec<String> = sketch
            .holes
            .iter()
            .filter(|h| !impls.contains_key(&h.id))
            .map(|h| h.id.clone())
            .collect();
        if !missing.is_empty() {
            return Err(RenderError::Missing(missing));
        }
    }
    let export = matches!(mode, RenderMode::Export { .. });
    let mut parser = Parser::new();
    parser
        .set_language(&language())
        .map_err(|e| RenderError::BadImplementation {
            hole: String::new(),
            message: e.to_string(),
        })?;
    let lines = LineIndex::new(&sketch.source);
    let nl = if sketch.crlf { "\r\n" } else { "\n" };
    let mut edits: Vec<Edit> = Vec::new();
    let headers = if export {
        user_headers(&mut parser, sketch)
    } else {
        BTreeMap::new()
    };
    let mut imports = top_level_imports(&sketch.source);

    for hole in &sketch.holes {
        let parts = match impls.get(&hole.id) {
            Some(text) => {
                let header = headers.get(&hole.id).map(String::as_str);
                let mut parts = split_impl(&mut parser, sketch, hole, text, export, header)?;
                if export {
                    parts.helpers = drop_known_imports(&parts.helpers, &mut imports);
                }
                Some(parts)
            }
            None => None,
        };
        if hole.kind == HoleKind::Named {
            named_edits(sketch, hole, parts, &lines, &mut edits);
        } else {
            inline_edits(sketch, hole, parts, export, &lines, &mut edits);
        }
    }

    // Insertions go before replacements that start at the same byte.
    edits.sort_by_key(|e| (e.range.start, !e.range.is_empty()));
    let mut out = Output::default();
    let mut at = 0;
    for e in &edits {
        if e.range.start < at {
            continue;
        }
        out.copy(&sketch.source, at..e.range.start, &lines);
        out.generated(&e.text.replace('\n', nl), e.origin);
        at = e.range.end;
    }
    out.copy(&sketch.source, at..sketch.source.len(), &lines);
    Ok(Rendered {
        source: out.text,
        line_map: out.map,
    })
}

fn not_implemented(id: &str) -> String {
    format!("raise NotImplementedError(\"hole {id} is not implemented yet\")")
}

fn named_edits(
    sketch: &Sketch,
    hole: &Hole,
    parts: Option<ImplParts>,
    lines: &LineIndex,
    edits: &mut Vec<Edit>,
) {
    let (Some(layout), Some(def_span)) = (sketch.layout.defs.get(&hole.id), &hole.def_span) else {
        return;
    };
    let origin = Some(lines.line_of(layout.def_start));
    match parts {
        Some(p) => {
            if !p.helpers.trim().is_empty() {
                edits.push(Edit {
                    range: def_span.start..def_span.start,
                    text: format!(
                        "{}\n\n{}",
                        reindent(p.helpers.trim_end(), &layout.indent),
                        layout.indent
                    ),
                    origin: None,
                });
            }
            edits.push(Edit {
                range: layout.def_start..def_span.end,
                text: reindent(p.def.trim_end(), &layout.indent),
                origin: None,
            });
        }
        None => {
            // Keep the user's header and docstring; replace only `...`/`pass` with a raise.
            let keep_to = layout.doc.as_ref().map_or(layout.body_start, |d| d.end);
            let raise = not_implemented(&hole.id);
            let text = if layout.body_inline {
                format!("; {raise}")
            } else {
                format!("\n{}{raise}", layout.body_indent)
            };
            edits.push(Edit {
                range: keep_to..def_span.end,
                text,
                origin,
            });
        }
    }
}

fn inline_edits(
    sketch: &Sketch,
    hole: &Hole,
    parts: Option<ImplParts>,
    export: bool,
    lines: &LineIndex,
    edits: &mut Vec<Edit>,
) {
    for site in &hole.sites {
        edits.push(Edit {
            range: site.clone(),
            text: hole.id.clone(),
            origin: Some(lines.line_of(site.start)),
        });
    }
    let anchor = sketch.layout.anchors.get(&hole.id).copied().unwrap_or(0);
    let def = match parts {
        Some(p) if p.helpers.trim().is_empty() => p.def,
        Some(p) => format!("{}\n\n{}", p.helpers.trim_end(), p.def),
        None => {
            let params: Vec<String> = hole.params.iter().map(|p| p.to_python()).collect();
            let doc = if export {
                format!("    {}\n", docstring_literal(&hole.description, "    "))
            } else {
                String::new()
            };
            format!(
                "def {}({}):\n{}    {}",
                hole.id,
                params.join(", "),
                doc,
                not_implemented(&hole.id)
            )
        }
    };
    edits.push(Edit {
        range: anchor..anchor,
        text: format!("{}\n\n\n", def.trim_end()),
        origin: None,
    });
}

/// `"""description"""` with continuation lines indented by `indent`.
fn docstring_literal(description: &str, indent: &str) -> String {
    let escaped = escape_description(description, LiteralStyle::TripleDouble);
    if escaped.contains('\n') {
        let body = escaped.replace('\n', &format!("\n{indent}"));
        format!("\"\"\"{body}\n{indent}\"\"\"")
    } else {
        format!("\"\"\"{escaped}\"\"\"")
    }
}

/// Indent every line after the first (which continues where the replaced text began).
fn reindent(text: &str, indent: &str) -> String {
    if indent.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str(indent);
            }
        }
        out.push_str(line);
    }
    out
}

fn split_impl(
    parser: &mut Parser,
    sketch: &Sketch,
    hole: &Hole,
    text: &str,
    export: bool,
    user_header: Option<&str>,
) -> Result<ImplParts, RenderError> {
    let bad = |message: String| RenderError::BadImplementation {
        hole: hole.id.clone(),
        message,
    };
    let text = text.replace("\r\n", "\n");
    let tree = parser
        .parse(&text, None)
        .ok_or_else(|| bad("the parser gave up on it".into()))?;
    let root = tree.root_node();
    if root.has_error() {
        let line = first_error_line(root).map_or(String::new(), |l| format!(" (line {l})"));
        return Err(bad(format!("it is not valid Python{line}")));
    }
    let mut cursor = root.walk();
    let found = root.named_children(&mut cursor).find_map(|n| {
        let def = if n.kind() == "decorated_definition" {
            n.child_by_field_name("definition")?
        } else {
            n
        };
        let name = def.child_by_field_name("name")?;
        (def.kind() == "function_definition" && text.get(name.byte_range()) == Some(&hole.id))
            .then_some((n, def))
    });
    let Some((outer, def)) = found else {
        return Err(bad(format!("it does not define `def {}(...)`", hole.id)));
    };
    let mut def_text = text.get(outer.byte_range()).unwrap_or("").to_string();
    if export {
        let doc = match sketch.layout.defs.get(&hole.id).and_then(|l| l.doc.clone()) {
            Some(r) if hole.kind == HoleKind::Named => {
                sketch.source.get(r).unwrap_or("").to_string()
            }
            _ => String::new(),
        };
        def_text = with_docstring(&text, outer, def, &doc, &hole.description);
        if let (Some(header), Some(end)) = (user_header, header_end(def)) {
            if param_names(def, &text)
                == hole
                    .params
                    .iter()
                    .map(|p| p.name.clone())
                    .collect::<Vec<_>>()
            {
                // The header precedes the body, so the docstring inserted above did not
                // move it: the same offsets hold in `def_text`.
                let from = def.start_byte() - outer.start_byte();
                let to = end - outer.start_byte();
                if let (Some(before), Some(after)) = (def_text.get(..from), def_text.get(to..)) {
                    def_text = format!("{before}{header}{after}");
                }
            }
        }
    }
    let helpers = format!(
        "{}\n{}",
        text.get(..outer.start_byte()).unwrap_or("").trim(),
        text.get(outer.end_byte()..).unwrap_or("").trim()
    );
    Ok(ImplParts {
        helpers: helpers.trim().to_string(),
        def: def_text,
    })
}

/// Where a function's header ends: after its return annotation, else its parameters
/// (the `:` that follows is kept from whichever text it is in).
fn header_end(def: Node) -> Option<usize> {
    def.child_by_field_name("return_type")
        .or_else(|| def.child_by_field_name("parameters"))
        .map(|n| n.end_byte())
}

/// The parameter names of a `def`, written as the sketch parser writes them (`*args`,
/// `**kw`, `*`, `/`), to tell whether an implementation takes the user's parameters.
fn param_names(def: Node, text: &str) -> Vec<String> {
    let Some(params) = def.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let piece = |n: Node| text.get(n.byte_range()).unwrap_or("").to_string();
    let mut cursor = params.walk();
    let mut out = Vec::new();
    for p in params.named_children(&mut cursor) {
        out.push(match p.kind() {
            "comment" => continue,
            "typed_parameter" => p.named_child(0).map(piece).unwrap_or_default(),
            "default_parameter" | "typed_default_parameter" => {
                p.child_by_field_name("name").map(piece).unwrap_or_default()
            }
            "keyword_separator" => "*".to_string(),
            "positional_separator" => "/".to_string(),
            _ => piece(p),
        });
    }
    out
}

/// Each named hole's header as the user wrote it: from `def` (or `async`) to the end of
/// the return annotation or parameters, by hole id.
fn user_headers(parser: &mut Parser, sketch: &Sketch) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(tree) = parser.parse(&sketch.source, None) else {
        return out;
    };
    for hole in sketch.holes.iter().filter(|h| h.kind == HoleKind::Named) {
        let Some(layout) = sketch.layout.defs.get(&hole.id) else {
            continue;
        };
        let mut node = tree
            .root_node()
            .descendant_for_byte_range(layout.def_start, layout.def_start);
        while let Some(n) = node {
            if n.kind() == "function_definition" && n.start_byte() == layout.def_start {
                break;
            }
            node = n.parent();
        }
        let Some(def) = node else { continue };
        if let Some(header) =
            header_end(def).and_then(|end| sketch.source.get(def.start_byte()..end))
        {
            out.insert(hole.id.clone(), header.to_string());
        }
    }
    out
}

/// An import statement on one line, with spacing and any comment normalised away, or
/// `None` for any other line.
fn import_key(line: &str) -> Option<String> {
    let code = line.split('#').next().unwrap_or("").trim();
    let is_import = code.starts_with("import ") || code.starts_with("from ");
    (is_import && !code.ends_with('(') && !code.ends_with('\\') && !code.contains(';'))
        .then(|| code.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The sketch's top-level one-line imports.
fn top_level_imports(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter(|l| !l.starts_with([' ', '\t']))
        .filter_map(import_key)
        .collect()
}

/// `helpers` without the top-level imports already in `seen`; the ones kept join `seen`.
fn drop_known_imports(helpers: &str, seen: &mut BTreeSet<String>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in helpers.lines() {
        if !line.starts_with([' ', '\t']) {
            if let Some(key) = import_key(line) {
                if !seen.insert(key) {
                    continue;
                }
            }
        }
        out.push(line);
    }
    out.join("\n").trim().to_string()
}

fn first_error_line(root: Node) -> Option<usize> {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            return Some(n.start_position().row + 1);
        }
        if n.has_error() {
            let mut c = n.walk();
            let kids: Vec<Node> = n.children(&mut c).collect();
            stack.extend(kids.into_iter().rev());
        }
    }
    None
}

/// The text of `outer` (an implementation's def) with its docstring set to the sketch's:
/// `literal` (the user's docstring, verbatim) when given, else `description` quoted.
fn with_docstring(text: &str, outer: Node, def: Node, literal: &str, description: &str) -> String {
    let base = outer.start_byte();
    let piece = |r: Range<usize>| text.get(r).unwrap_or("").to_string();
    let whole = piece(outer.byte_range());
    let Some(body) = def.child_by_field_name("body") else {
        return whole;
    };
    let line_start = text
        .get(..body.start_byte())
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let colon_row = body.prev_sibling().map(|c| c.end_position().row);
    let inline = Some(body.start_position().row) == colon_row;
    let def_indent: String = text
        .get(
            text.get(..def.start_byte())
                .and_then(|t| t.rfind('\n'))
                .map_or(0, |i| i + 1)..def.start_byte(),
        )
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let indent = if inline {
        format!("{def_indent}    ")
    } else {
        piece(line_start..body.start_byte())
    };
    let literal = if literal.is_empty() {
        docstring_literal(description, &indent)
    } else {
        literal.to_string()
    };
    let mut cursor = body.walk();
    let first = body
        .named_children(&mut cursor)
        .find(|n| n.kind() != "comment");
    let existing = first.filter(|s| {
        s.kind() == "expression_statement"
            && s.named_child_count() == 1
            && s.named_child(0).is_some_and(|c| c.kind() == "string")
    });
    let rel = |b: usize| b - base;
    match existing {
        Some(s) => format!(
            "{}{}{}",
            &whole[..rel(s.start_byte())],
            literal,
            &whole[rel(s.end_byte())..]
        ),
        None if inline => format!(
            "{}\n{indent}{literal}\n{indent}{}",
            whole[..rel(body.start_byte())].trim_end(),
            &whole[rel(body.start_byte())..]
        ),
        None => format!(
            "{}{literal}\n{indent}{}",
            &whole[..rel(body.start_byte())],
            &whole[rel(body.start_byte())..]
        ),
    }
}

/// The stub shown to models and users: the signature and a docstring holding the
/// description and the doctest examples.
pub fn stub(hole: &Hole) -> String {
    let mut doc = hole.description.clone();
    if !hole.examples.is_empty() {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        let ex: Vec<String> = hole
            .examples
            .iter()
            .map(|e| {
                let call = e.call.replace('\n', "\n... ");
                format!(">>> {call}\n{}", e.expected)
            })
            .collect();
        doc.push_str(&ex.join("\n"));
    }
    let kw = if hole.is_async { "async def" } else { "def" };
    format!(
        "{kw} {}:\n    {}\n",
        hole.signature(),
        docstring_literal(&doc, "    ")
    )
}

/// Byte offset to line number, by binary search over line starts.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

#[derive(Default)]
struct Output {
    text: String,
    map: Vec<Option<usize>>,
    mid_line: bool,
}

impl Output {
    fn push(&mut self, s: &str, origin: impl Fn(usize) -> Option<usize>) {
        for (i, c) in s.char_indices() {
            if !self.mid_line {
                self.map.push(origin(i));
                self.mid_line = true;
            }
            if c == '\n' {
                self.mid_line = false;
            }
        }
        self.text.push_str(s);
    }

    fn copy(&mut self, source: &str, r: Range<usize>, lines: &LineIndex) {
        let start = r.start;
        if let Some(s) = source.get(r) {
            self.push(s, |i| Some(lines.line_of(start + i)));
        }
    }

    fn generated(&mut self, s: &str, origin: Option<usize>) {
        self.push(s, |_| origin);
    }
}
