//! The call graph: which function or hole refers to which, built from the `references`
//! query (every identifier that names a sketch function or named hole) and the inline hole
//! call sites, each attributed to the innermost `def` around it (or `<module>`). Methods
//! count too: `obj.method(...)` (any attribute named like a method of a sketch class)
//! refers to that method, and naming a sketch class (`Account(...)`) refers to its
//! constructor methods (`__init__`, `__post_init__`, `__new__`). Names are not resolved to
//! one class: two classes with a method of the same name share its node, which errs on
//! the side of rechecking too much. The entry is chosen from it, the engine reads
//! dependencies from it to recheck only what an edit touches, and front ends draw the hole
//! tree from it.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;
use tree_sitter::Node;

use super::captures::Captures;
use super::classes::ClassInfo;
use super::error::Diagnostic;
use super::model::{CallGraph, HoleKind, Sketch, MODULE};
use super::parse::{DefInfo, InlineInfo, ParseOptions};
use super::source::SourceText;

pub(crate) struct GraphResult {
    pub graph: CallGraph,
    /// Spans of references to sketch names and of hole calls (top-level statements that
    /// contain one are not prelude).
    pub referenced_spans: Vec<Range<usize>>,
    /// Names referenced from top-level code.
    pub module_refs: HashSet<String>,
}

/// The nesting of `def`s by byte range, to find the innermost one around an offset
/// without walking tree-sitter parents (each `parent()` call searches from the root).
struct Scopes {
    spans: Vec<Range<usize>>,
    parent: Vec<Option<usize>>,
}

impl Scopes {
    /// `defs` must be sorted by start, as `collect_defs` returns them.
    fn new(defs: &[DefInfo]) -> Scopes {
        let spans: Vec<Range<usize>> = defs.iter().map(|d| d.node.byte_range()).collect();
        let mut parent = vec![None; spans.len()];
        let mut stack: Vec<usize> = Vec::new();
        for (i, span) in spans.iter().enumerate() {
            while stack.last().is_some_and(|&t| spans[t].end <= span.start) {
                stack.pop();
            }
            parent[i] = stack.last().copied();
            stack.push(i);
        }
        Scopes { spans, parent }
    }

    /// Index of the innermost `def` whose range holds `offset`.
    fn innermost(&self, offset: usize) -> Option<usize> {
        let after = self.spans.partition_point(|s| s.start <= offset);
        let mut cur = after.checked_sub(1);
        while let Some(i) = cur {
            if offset < self.spans[i].end {
                return Some(i);
            }
            cur = self.parent[i];
        }
        None
    }

    fn owner(&self, offset: usize, defs: &[DefInfo]) -> String {
        self.innermost(offset)
            .map_or_else(|| MODULE.to_string(), |i| defs[i].name.clone())
    }
}

pub(crate) fn build(
    caps: &Captures,
    src: &SourceText,
    defs: &[DefInfo],
    classes: &[ClassInfo],
    inline: &[InlineInfo],
    ids: &[String],
) -> GraphResult {
    let names: &[Node] = &caps.names;
    let scopes = Scopes::new(defs);
    let mut graph = CallGraph::default();
    // (offset, owner, callee): added in source order so callees list in reading order.
    let mut events: Vec<(usize, String, String)> = Vec::new();
    let mut referenced_spans = Vec::new();
    let mut module_refs = HashSet::new();
    let known: HashSet<&str> = defs.iter().map(|d| d.name.as_str()).collect();

    // Nested definitions belong to the function around them.
    for (i, d) in defs.iter().enumerate() {
        if let Some(p) = scopes.parent[i].filter(|_| in_function(d, defs, &scopes, i)) {
            events.push((d.outer.start_byte(), defs[p].name.clone(), d.name.clone()));
        }
    }

    // Methods: defs directly in a class body.
    let methods: HashSet<&str> = defs
        .iter()
        .filter(|d| {
            d.outer
                .parent()
                .and_then(|b| b.parent())
                .is_some_and(|c| c.kind() == "class_definition")
        })
        .map(|d| d.name.as_str())
        .collect();
    let constructors: HashMap<&str, Vec<&str>> = classes
        .iter()
        .map(|c| (c.name.as_str(), c.constructors().collect::<Vec<_>>()))
        .filter(|(_, ctors)| !ctors.is_empty())
        .collect();
    for &n in &caps.members {
        let Some(text) = src.text.get(n.byte_range()) else {
            continue;
        };
        if methods.contains(text) {
            let owner = scopes.owner(n.start_byte(), defs);
            events.push((n.start_byte(), owner, text.to_string()));
        }
    }

    for &n in names {
        let Some(text) = src.text.get(n.byte_range()) else {
            continue;
        };
        if let Some(ctors) = constructors.get(text) {
            let owner = scopes.owner(n.start_byte(), defs);
            for ctor in ctors {
                events.push((n.start_byte(), owner.clone(), ctor.to_string()));
            }
            continue;
        }
        if !known.contains(text) {
            continue;
        }
        let owner = scopes.owner(n.start_byte(), defs);
        if owner == MODULE {
            module_refs.insert(text.to_string());
        }
        events.push((n.start_byte(), owner, text.to_string()));
        referenced_spans.push(n.byte_range());
    }

    for (info, id) in inline.iter().zip(ids) {
        for (&call, site) in info.calls.iter().zip(&info.sites) {
            let owner = scopes.owner(call, defs);
            events.push((site.start, owner, id.clone()));
            referenced_spans.push(site.clone());
        }
    }
    events.sort_by_key(|(at, ..)| *at);
    for (_, owner, callee) in &events {
        graph.add(owner, callee);
    }
    GraphResult {
        graph,
        referenced_spans,
        module_refs,
    }
}

/// Whether a nested def's closest enclosing scope is its parent function (not a class
/// defined inside that function).
fn in_function(d: &DefInfo, defs: &[DefInfo], scopes: &Scopes, i: usize) -> bool {
    scopes.parent[i].is_some_and(|p| d.parent.as_deref() == Some(defs[p].name.as_str()))
}

/// The entry: `--entry` if given, else the one top-level function or hole no other
/// function calls, else `main`, else the one called from top-level code.
pub(crate) fn choose_entry(
    src: &SourceText,
    defs: &[DefInfo],
    ids: &[String],
    g: &GraphResult,
    opts: &ParseOptions,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    if let Some(e) = &opts.entry {
        if defs.iter().any(|d| &d.name == e) || ids.contains(e) {
            return Some(e.clone());
        }
        diags.push(src.diag(
            0,
            format!("--entry {e}: the sketch has no function or hole named `{e}`"),
        ));
        return None;
    }
    let mut candidates: Vec<&DefInfo> = Vec::new();
    for d in defs.iter().filter(|d| d.top_level) {
        if !candidates.iter().any(|c| c.name == d.name) {
            candidates.push(d);
        }
    }
    if candidates.is_empty() {
        diags.push(src.diag(
            0,
            "no entry: the sketch defines no top-level function or named hole",
        ));
        return None;
    }
    let called_by_other = |name: &str| {
        g.graph
            .callers
            .get(name)
            .is_some_and(|cs| cs.iter().any(|c| c != name && c != MODULE))
    };
    let roots: Vec<&DefInfo> = candidates
        .iter()
        .copied()
        .filter(|d| !called_by_other(&d.name))
        .collect();
    if roots.len() == 1 {
        return Some(roots[0].name.clone());
    }
    let has_main = candidates.iter().any(|d| d.name == "main");
    if has_main && (roots.is_empty() || roots.iter().any(|d| d.name == "main")) {
        return Some("main".to_string());
    }
    let from_module: Vec<&&DefInfo> = roots
        .iter()
        .filter(|d| g.module_refs.contains(&d.name))
        .collect();
    if from_module.len() == 1 {
        return Some(from_module[0].name.clone());
    }
    if roots.is_empty() {
        diags.push(src.diag(
            candidates[0].node.start_byte(),
            "no entry: every function is called by another one; choose the entry with --entry NAME",
        ));
    } else {
        let list: Vec<String> = roots
            .iter()
            .map(|d| format!("`{}` (line {})", d.name, src.line_of(d.node.start_byte())))
            .collect();
        diags.push(src.diag(
            roots[1].node.start_byte(),
            format!(
                "several entries: {} are called by no other function; name the entry `main` or choose it with --entry NAME",
                list.join(", ")
            ),
        ));
    }
    None
}

/// One node of the program tree shown by `anpl holes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TreeNode {
    pub name: String,
    /// `function`, `named`, `inline-string` or `inline-backtick`.
    pub kind: String,
    /// True when this node's subtree is shown elsewhere (an earlier caller, or recursion).
    pub repeated: bool,
    pub children: Vec<TreeNode>,
}

impl Sketch {
    fn kind_of(&self, name: &str) -> &'static str {
        match self.hole(name).map(|h| h.kind) {
            Some(HoleKind::Named) => "named",
            Some(HoleKind::InlineString) => "inline-string",
            Some(HoleKind::InlineBacktick) => "inline-backtick",
            None => "function",
        }
    }

    fn subtree(
        &self,
        name: &str,
        expanded: &mut HashSet<String>,
        path: &mut Vec<String>,
    ) -> TreeNode {
        let repeated = expanded.contains(name) || path.iter().any(|p| p == name);
        let mut node = TreeNode {
            name: name.to_string(),
            kind: self.kind_of(name).to_string(),
            repeated,
            children: Vec::new(),
        };
        if repeated {
            return node;
        }
        expanded.insert(name.to_string());
        path.push(name.to_string());
        for c in self.callees(name) {
            node.children.push(self.subtree(c, expanded, path));
        }
        path.pop();
        node
    }

    /// The program as a tree: the entry and everything it calls, then any function or hole
    /// the entry does not reach (each as its own root), in source order.
    pub fn tree(&self) -> Vec<TreeNode> {
        let mut expanded = HashSet::new();
        let mut roots = vec![self.subtree(&self.entry, &mut expanded, &mut Vec::new())];
        let mut order: Vec<(usize, &str)> = self
            .functions
            .iter()
            .map(|f| (f.span.start, f.name.as_str()))
            .chain(self.holes.iter().map(|h| {
                let at = h.def_span.as_ref().map_or(h.desc_span.start, |s| s.start);
                (at, h.id.as_str())
            }))
            .collect();
        order.sort();
        // Uncalled ones first, so a dead helper shows what it calls beneath it.
        for pass in 0..2 {
            for &(_, name) in &order {
                if expanded.contains(name) {
                    continue;
                }
                let uncalled = self
                    .callers(name)
                    .iter()
                    .all(|c| *c == name || *c == MODULE);
                if pass == 1 || uncalled {
                    roots.push(self.subtree(name, &mut expanded, &mut Vec::new()));
                }
            }
        }
        roots
    }
}
