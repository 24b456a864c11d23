//! One pass of the combined sketch query (`grammars/definitions.scm`, `holes.scm`,
//! `invalid.scm` and `references.scm`, compiled together) over the tree, sorting its
//! matches by capture name for the parser and the call graph. One traversal instead of one
//! per query keeps a 5,000-line sketch well inside the parse budget.

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Query, QueryCursor, StreamingIterator};

use super::queries::capture;

/// A function definition: (def, name, parameters, return type).
pub(crate) type RawDef<'t> = (Node<'t>, Node<'t>, Node<'t>, Option<Node<'t>>);

#[derive(Default)]
pub(crate) struct Captures<'t> {
    pub defs: Vec<RawDef<'t>>,
    /// Function definition node id -> its docstring candidate.
    pub docstrings: HashMap<usize, Node<'t>>,
    /// Inline hole calls: (call, string literal, arguments).
    pub hole_calls: Vec<(Node<'t>, Node<'t>, Node<'t>)>,
    pub concatenated: Vec<Node<'t>>,
    pub strings: Vec<Node<'t>>,
    pub python2: Vec<Node<'t>>,
    /// Identifiers that may refer to something (attribute fields, keyword names and
    /// def/class names removed), in source order.
    pub names: Vec<Node<'t>>,
    /// Identifiers that only name something (fields, keywords, def and class names).
    pub bound: Vec<Node<'t>>,
    /// Attribute fields (`withdraw` in `account.withdraw`), in source order.
    pub members: Vec<Node<'t>>,
}

pub(crate) fn collect<'t>(q: &Query, root: Node<'t>, text: &[u8]) -> Captures<'t> {
    let c = |n| capture(q, n);
    let (c_def, c_name, c_params, c_ret) =
        (c("def"), c("def.name"), c("def.params"), c("def.returns"));
    let (c_doc, c_doc_owner) = (c("docstring"), c("docstring.owner"));
    let (c_call, c_lit, c_args, c_concat) = (
        c("hole.call"),
        c("hole.literal"),
        c("hole.args"),
        c("hole.concatenated"),
    );
    let (c_string, c_py2, c_ref, c_not, c_member) = (
        c("string"),
        c("python2"),
        c("name"),
        c("not_reference"),
        c("member"),
    );
    let mut out = Captures::default();
    let mut not_refs: HashSet<usize> = HashSet::new();
    let mut names: Vec<Node<'t>> = Vec::new();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(q, root, text);
    while let Some(m) = matches.next() {
        let get = |idx| m.captures.iter().find(|c| c.index == idx).map(|c| c.node);
        let Some(first) = m.captures.first() else {
            continue;
        };
        let i = first.index;
        if i == c_ref {
            names.push(first.node);
        } else if i == c_member {
            out.members.push(first.node);
        } else if i == c_not {
            not_refs.insert(first.node.id());
            out.bound.push(first.node);
        } else if i == c_string {
            out.strings.push(first.node);
        } else if i == c_py2 {
            out.python2.push(first.node);
        } else if let (Some(owner), Some(doc)) = (get(c_doc_owner), get(c_doc)) {
            out.docstrings.insert(owner.id(), doc);
        } else if let (Some(def), Some(name), Some(params)) =
            (get(c_def), get(c_name), get(c_params))
        {
            out.defs.push((def, name, params, get(c_ret)));
        } else if let (Some(call), Some(lit), Some(args)) = (get(c_call), get(c_lit), get(c_args)) {
            out.hole_calls.push((call, lit, args));
        } else if let Some(n) = get(c_concat) {
            out.concatenated.push(n);
        }
    }
    out.names = names
        .into_iter()
        .filter(|n| !not_refs.contains(&n.id()))
        .collect();
    out.names.sort_by_key(|n| n.start_byte());
    out.members.sort_by_key(|n| n.start_byte());
    out.defs.sort_by_key(|(d, ..)| d.start_byte());
    out.hole_calls.sort_by_key(|(c, ..)| c.start_byte());
    out
}
