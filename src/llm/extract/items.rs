//! The top-level statements of an answer that extraction can keep (imports, functions,
//! classes, assignments), what names each binds and uses, whether a function is only a stub,
//! and a comment- and docstring-free token form to tell a copy of a sketch definition from a
//! rewrite of it.

use std::collections::BTreeSet;

use tree_sitter::{Node, Parser};

use super::answer::{parse, Block};
use super::ExtractError;

/// A top-level statement worth keeping.
#[derive(Debug, Clone)]
pub(super) struct Item {
    pub block: usize,
    pub start: usize,
    pub end: usize,
    pub kind: ItemKind,
    /// Names the statement binds at module level.
    pub binds: Vec<String>,
    /// Every identifier it mentions.
    pub uses: BTreeSet<String>,
    /// Byte ranges (in the block) of identifiers, with their text, for renaming.
    pub idents: Vec<(usize, usize, String)>,
    /// A function whose body is only a docstring, `...` or `pass`.
    pub stub: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ItemKind {
    Import,
    /// `from x import *`: binds unknown names, so always kept.
    StarImport,
    Function,
    Class,
    Assignment,
}

impl ItemKind {
    pub fn is_import(self) -> bool {
        matches!(self, ItemKind::Import | ItemKind::StarImport)
    }

    pub fn is_definition(self) -> bool {
        matches!(self, ItemKind::Function | ItemKind::Class)
    }
}

pub(super) fn collect_items(root: Node, src: &[u8], block: usize, out: &mut Vec<Item>) {
    let mut cursor = root.walk();
    for stmt in root.named_children(&mut cursor) {
        let mut function = None;
        let (kind, binds) = match stmt.kind() {
            "import_statement" => (ItemKind::Import, import_binds(stmt, src)),
            "import_from_statement" => {
                let mut c = stmt.walk();
                if stmt
                    .named_children(&mut c)
                    .any(|n| n.kind() == "wildcard_import")
                {
                    (ItemKind::StarImport, Vec::new())
                } else {
                    (ItemKind::Import, import_binds(stmt, src))
                }
            }
            "function_definition" => {
                function = Some(stmt);
                (ItemKind::Function, def_name(stmt, src))
            }
            "class_definition" => (ItemKind::Class, def_name(stmt, src)),
            "decorated_definition" => match stmt.child_by_field_name("definition") {
                Some(d) if d.kind() == "function_definition" => {
                    function = Some(d);
                    (ItemKind::Function, def_name(d, src))
                }
                Some(d) if d.kind() == "class_definition" => (ItemKind::Class, def_name(d, src)),
                _ => continue,
            },
            "expression_statement" => match stmt.named_child(0) {
                Some(a) if a.kind() == "assignment" => {
                    let binds = a
                        .child_by_field_name("left")
                        .map(|l| target_names(l, src))
                        .unwrap_or_default();
                    (ItemKind::Assignment, binds)
                }
                _ => continue,
            },
            // `from __future__` must open a module, and the program already has a start;
            // demo code under `if __name__ == ...`, prints and loops are not part of a hole.
            _ => continue,
        };
        if binds.is_empty() && kind != ItemKind::StarImport {
            continue;
        }
        let idents = identifiers(stmt, src);
        out.push(Item {
            block,
            start: stmt.start_byte(),
            end: stmt.end_byte(),
            kind,
            binds,
            uses: idents.iter().map(|(_, _, t)| t.clone()).collect(),
            idents,
            stub: function.is_some_and(is_stub),
        });
    }
}

/// True when the function body is only a docstring, `...`, `pass` or comments: the model
/// repeated the hole (or another hole's stub) instead of filling it.
fn is_stub(def: Node) -> bool {
    let Some(body) = def.child_by_field_name("body") else {
        return false;
    };
    let mut cursor = body.walk();
    let all_empty = body
        .named_children(&mut cursor)
        .all(|stmt| match stmt.kind() {
            "pass_statement" | "comment" => true,
            "expression_statement" => {
                stmt.named_child_count() == 1
                    && stmt
                        .named_child(0)
                        .is_some_and(|e| matches!(e.kind(), "string" | "ellipsis"))
            }
            _ => false,
        });
    all_empty
}

/// The code's tokens without comments and docstrings, to compare two definitions as Python
/// sees them: a copy reformatted or stripped of its docstring is still a copy.
pub(super) fn shape(parser: &mut Parser, code: &str) -> Vec<String> {
    let Some(tree) = parse(parser, code) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind() == "comment" || is_docstring(n) {
            continue;
        }
        if n.child_count() == 0 || n.kind() == "string" {
            out.push(n.utf8_text(code.as_bytes()).unwrap_or("").to_string());
            continue;
        }
        let mut cursor = n.walk();
        let children: Vec<Node> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

fn is_docstring(n: Node) -> bool {
    n.kind() == "expression_statement"
        && n.named_child_count() == 1
        && n.named_child(0).is_some_and(|c| c.kind() == "string")
        && n.prev_named_sibling().is_none()
        && n.parent()
            .is_some_and(|p| matches!(p.kind(), "block" | "module"))
}

pub(super) fn parse_error(root: Node, block: &Block) -> ExtractError {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let pos = node.start_position();
            let detail = if node.is_missing() {
                format!("missing `{}`", node.kind())
            } else {
                let text = &block.code[node.start_byte()..node.end_byte()];
                let first = text.lines().next().unwrap_or("").trim();
                let shown: String = first.chars().take(40).collect();
                format!("unexpected `{shown}`")
            };
            return ExtractError::Parse {
                line: block.first_line + pos.row,
                col: pos.column + 1 + block.indent,
                detail,
            };
        }
        // Depth-first, leftmost first: push children in reverse.
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        stack.extend(
            children
                .into_iter()
                .rev()
                .filter(|c| c.has_error() || c.is_error() || c.is_missing()),
        );
    }
    let pos = root.start_position();
    ExtractError::Parse {
        line: block.first_line + pos.row,
        col: pos.column + 1,
        detail: "syntax error".into(),
    }
}

fn text(node: Node, src: &[u8]) -> String {
    node.utf8_text(src).unwrap_or("").to_string()
}

fn def_name(def: Node, src: &[u8]) -> Vec<String> {
    def.child_by_field_name("name")
        .map(|n| vec![text(n, src)])
        .unwrap_or_default()
}

fn import_binds(stmt: Node, src: &[u8]) -> Vec<String> {
    let mut binds = Vec::new();
    let mut cursor = stmt.walk();
    for name in stmt.children_by_field_name("name", &mut cursor) {
        match name.kind() {
            "aliased_import" => {
                if let Some(alias) = name.child_by_field_name("alias") {
                    binds.push(text(alias, src));
                }
            }
            // `import a.b` binds `a`; `from m import b` binds `b`.
            _ => {
                let full = text(name, src);
                let bound = if stmt.kind() == "import_statement" {
                    full.split('.').next().unwrap_or("").to_string()
                } else {
                    full
                };
                binds.push(bound);
            }
        }
    }
    binds
}

/// Plain names an assignment's left side binds (`a`, `a, b`, `(a, b)`, `[a, *b]`), not
/// attributes or subscripts.
fn target_names(left: Node, src: &[u8]) -> Vec<String> {
    match left.kind() {
        "identifier" => vec![text(left, src)],
        "pattern_list" | "tuple_pattern" | "list_pattern" | "list_splat_pattern" => {
            let mut cursor = left.walk();
            left.named_children(&mut cursor)
                .flat_map(|c| target_names(c, src))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Every identifier under `node` that names a variable, with its byte range: attribute
/// names after a dot and keyword-argument names are not variables.
fn identifiers(node: Node, src: &[u8]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind() == "identifier" {
            let is_attr = n.parent().is_some_and(|p| {
                (p.kind() == "attribute" && p.child_by_field_name("attribute") == Some(n))
                    || (p.kind() == "keyword_argument" && p.child_by_field_name("name") == Some(n))
            });
            if !is_attr {
                out.push((n.start_byte(), n.end_byte(), text(n, src)));
            }
            continue;
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    out.sort_by_key(|(s, _, _)| *s);
    out
}
