//! The parsed sketch: what the rest of anpl codes against. `parse` builds a [`Sketch`];
//! the engine asks it for holes, examples and the call graph; `render` turns it back into a
//! program; the session keys implementations by [`Hole::id`]. Byte spans index
//! [`Sketch::source`] so edits can be written back at exactly the bytes the user wrote.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use super::classes::{Assignment, ClassInfo};

/// The three ways to write a hole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HoleKind {
    /// `def name(params):` with only a docstring as its body.
    Named,
    /// `"description"(args)`.
    InlineString,
    /// `` `description`(args) ``.
    InlineBacktick,
}

impl HoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HoleKind::Named => "named",
            HoleKind::InlineString => "inline-string",
            HoleKind::InlineBacktick => "inline-backtick",
        }
    }
}

/// A parameter of a function or hole. Star parameters keep their stars in `name`
/// (`*args`, `**kwargs`); the bare separators `*` and `/` appear as params of that name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param {
    pub name: String,
    pub annotation: Option<String>,
    pub default: Option<String>,
}

impl Param {
    /// The parameter as it is written in a `def`: `name: ann = default`.
    pub fn to_python(&self) -> String {
        match (&self.annotation, &self.default) {
            (Some(a), Some(d)) => format!("{}: {} = {}", self.name, a, d),
            (Some(a), None) => format!("{}: {}", self.name, a),
            (None, Some(d)) => format!("{}={}", self.name, d),
            (None, None) => self.name.clone(),
        }
    }

    /// True for an ordinary named parameter (not `*args`, `**kw`, `*` or `/`).
    pub fn is_plain(&self) -> bool {
        !self.name.starts_with('*') && self.name != "/"
    }
}

/// An input/output example: `call` evaluates to `expected`. Both are Python source text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Example {
    pub call: String,
    pub expected: String,
    /// 1-based sketch line of the `>>>`, or 0 when the example did not come from the sketch.
    pub line: usize,
    /// Read from a JSON file: the expected value is compared as JSON outputs are
    /// (docs/values.md), since JSON cannot say tuple, array or integer key.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub from_json: bool,
    /// Which types a conversion rule chose for the arguments, and the annotation that
    /// changes each; shown when the example fails in a way those types can explain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Example {
    /// An example written as Python source (a doctest, the REPL, the session's store).
    pub fn new(call: impl Into<String>, expected: impl Into<String>, line: usize) -> Example {
        Example {
            call: call.into(),
            expected: expected.into(),
            line,
            ..Example::default()
        }
    }
}

/// A hole: a function described only in natural language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hole {
    /// A Python identifier, unique in the sketch; the name the implementation defines.
    pub id: String,
    pub kind: HoleKind,
    pub description: String,
    pub params: Vec<Param>,
    pub returns: Option<String>,
    pub is_async: bool,
    pub examples: Vec<Example>,
    /// Where it is (the first call site for inline holes); 1-based.
    pub line: usize,
    pub col: usize,
    /// Byte span of the description text in the source (for in-place edits).
    pub desc_span: Range<usize>,
    /// Named holes: the whole `def` including decorators.
    pub def_span: Option<Range<usize>>,
    /// Inline holes: the byte span of the string literal at each call site.
    pub sites: Vec<Range<usize>>,
    /// Functions and holes whose bodies call this hole (`<module>` for top-level code).
    pub callers: Vec<String>,
    /// The class or function a named hole is defined in, if it is not at the top level.
    pub parent: Option<String>,
}

impl Hole {
    /// The first line of the description, for one-line listings.
    pub fn summary(&self) -> &str {
        self.description.lines().next().unwrap_or("").trim()
    }

    /// `id(params) -> returns` as one line.
    pub fn signature(&self) -> String {
        signature(&self.id, &self.params, self.returns.as_deref())
    }
}

/// A function the user wrote (sketch): never rewritten by the tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Function {
    pub name: String,
    pub params: Vec<Param>,
    pub returns: Option<String>,
    pub is_async: bool,
    pub docstring: Option<String>,
    pub examples: Vec<Example>,
    /// 1-based line of the `def`.
    pub line: usize,
    /// The whole `def` including decorators.
    pub span: Range<usize>,
    /// The class or function it is defined in, if it is not at the top level.
    pub parent: Option<String>,
}

impl Function {
    pub fn signature(&self) -> String {
        signature(&self.name, &self.params, self.returns.as_deref())
    }
}

pub(crate) fn signature(name: &str, params: &[Param], returns: Option<&str>) -> String {
    let ps: Vec<String> = params.iter().map(Param::to_python).collect();
    match returns {
        Some(r) => format!("{}({}) -> {}", name, ps.join(", "), r),
        None => format!("{}({})", name, ps.join(", ")),
    }
}

/// The pseudo-function that stands for top-level code in the call graph.
pub const MODULE: &str = "<module>";

/// Who references whom, by name. Names are function names and hole ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CallGraph {
    pub callees: BTreeMap<String, Vec<String>>,
    pub callers: BTreeMap<String, Vec<String>>,
}

impl CallGraph {
    pub fn add(&mut self, caller: &str, callee: &str) {
        let out = self.callees.entry(caller.to_string()).or_default();
        if !out.iter().any(|c| c == callee) {
            out.push(callee.to_string());
        }
        let inc = self.callers.entry(callee.to_string()).or_default();
        if !inc.iter().any(|c| c == caller) {
            inc.push(caller.to_string());
        }
    }
}

/// Where the parts of a `def` are, for rendering and editing in place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DefLayout {
    /// Start of the `def` (or `async`) keyword, after any decorators.
    pub def_start: usize,
    /// End of the whole definition.
    pub def_end: usize,
    /// Whitespace before the definition on its line.
    pub indent: String,
    /// Whether the body starts on the header line (`def f(): "doc"`).
    pub body_inline: bool,
    /// Indentation of the body's lines.
    pub body_indent: String,
    /// Start of the body's first statement.
    pub body_start: usize,
    /// The docstring literal, quotes included.
    pub doc: Option<Range<usize>>,
    /// The docstring's content (between the quotes) and its delimiter and prefix.
    pub doc_content: Option<Range<usize>>,
    pub doc_quote: String,
    pub doc_prefix: String,
}

/// Byte positions the parser found that rendering and editing need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Layout {
    /// By function or named hole name (the first definition of a name).
    pub defs: BTreeMap<String, DefLayout>,
    /// Inline hole id -> start of the top-level statement holding its first call.
    pub anchors: BTreeMap<String, usize>,
}

/// A parsed sketch.
#[derive(Debug, Clone, Serialize)]
pub struct Sketch {
    /// The file name as given, for messages.
    pub file: String,
    /// The text as read, without a leading BOM (see `has_bom`).
    pub source: String,
    /// Whether the file started with a UTF-8 byte order mark.
    pub has_bom: bool,
    /// Whether the file uses `\r\n` line endings; generated text follows suit.
    pub crlf: bool,
    /// Top-level imports and assignments, in order, as Python text (`\n` line endings).
    pub prelude: String,
    /// Every `def` that is not a hole, top-level and nested, in source order.
    pub functions: Vec<Function>,
    /// Every hole, in source order, one per distinct description.
    pub holes: Vec<Hole>,
    /// The entry function (or hole): its examples are the program's examples.
    pub entry: String,
    /// Top-level classes, in source order (for prompts and the call graph).
    #[serde(skip)]
    pub classes: Vec<ClassInfo>,
    /// Top-level assignments the prelude leaves out because they call sketch code.
    #[serde(skip)]
    pub assignments: Vec<Assignment>,
    #[serde(skip)]
    pub(crate) graph: CallGraph,
    #[serde(skip)]
    pub(crate) layout: Layout,
}

impl Sketch {
    pub fn hole(&self, id: &str) -> Option<&Hole> {
        self.holes.iter().find(|h| h.id == id)
    }

    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// A top-level class by name.
    pub fn class(&self, name: &str) -> Option<&ClassInfo> {
        self.classes.iter().find(|c| c.name == name)
    }

    /// The class a named hole is a method of, if it is one.
    pub fn class_of(&self, hole: &Hole) -> Option<&ClassInfo> {
        let class = self.class(hole.parent.as_deref()?)?;
        class.method(&hole.id).is_some().then_some(class)
    }

    /// The decorators written on a named hole, as written, one block with the hole's own
    /// indentation removed (empty when it has none).
    pub fn decorators_of(&self, hole: &Hole) -> String {
        let (Some(span), Some(layout)) = (&hole.def_span, self.layout.defs.get(&hole.id)) else {
            return String::new();
        };
        let text = self
            .source
            .get(span.start..layout.def_start.max(span.start))
            .unwrap_or("")
            .replace("\r\n", "\n");
        text.lines()
            .map(|l| l.strip_prefix(layout.indent.as_str()).unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }

    /// Functions and holes whose bodies call (or reference) `name`; `<module>` stands for
    /// top-level code.
    pub fn callers(&self, name: &str) -> Vec<&str> {
        self.graph
            .callers
            .get(name)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Sketch-defined functions and holes that `name`'s body calls (or references).
    pub fn callees(&self, name: &str) -> Vec<&str> {
        self.graph
            .callees
            .get(name)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Everything that must be rechecked when `hole_id` changes: its callers, their callers,
    /// and so on (not the hole itself, not `<module>`), nearest first.
    pub fn dependents(&self, hole_id: &str) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        let mut frontier = vec![hole_id.to_string()];
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for name in &frontier {
                for caller in self.callers(name) {
                    if caller != hole_id && caller != MODULE && !seen.iter().any(|s| s == caller) {
                        seen.push(caller.to_string());
                        next.push(caller.to_string());
                    }
                }
            }
            frontier = next;
        }
        seen
    }

    /// The holes `name` depends on, directly or through sketch functions it calls, in the
    /// order they are first reached (not `name` itself).
    pub fn holes_under(&self, name: &str) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        let mut stack: Vec<&str> = self.callees(name);
        stack.reverse();
        while let Some(n) = stack.pop() {
            if n == name || seen.contains(&n) {
                continue;
            }
            seen.push(n);
            for c in self.callees(n).into_iter().rev() {
                stack.push(c);
            }
        }
        seen.into_iter()
            .filter(|s| self.hole(s).is_some())
            .collect()
    }

    /// The examples written for a function or hole (doctests in its docstring).
    pub fn examples_of(&self, name: &str) -> &[Example] {
        if let Some(h) = self.hole(name) {
            return &h.examples;
        }
        if let Some(f) = self.function(name) {
            return &f.examples;
        }
        &[]
    }

    /// Parameters of a function or hole.
    pub fn params_of(&self, name: &str) -> Option<&[Param]> {
        self.hole(name)
            .map(|h| h.params.as_slice())
            .or_else(|| self.function(name).map(|f| f.params.as_slice()))
    }

    /// Return annotation of a function or hole.
    pub fn returns_of(&self, name: &str) -> Option<&str> {
        match self.hole(name) {
            Some(h) => h.returns.as_deref(),
            None => self.function(name).and_then(|f| f.returns.as_deref()),
        }
    }

    /// 1-based line of a byte offset in `source`.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.source.len());
        self.source.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// The text to write back to the sketch file for `source` (restores the BOM).
    pub fn file_text(&self, source: &str) -> String {
        if self.has_bom {
            format!("\u{feff}{source}")
        } else {
            source.to_string()
        }
    }
}
