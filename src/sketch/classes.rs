//! The sketch's classes and top-level statements, as prompts need them.
//!
//! A method hole is implemented well only when the model sees its class: the class
//! statement, its docstring, `__init__`, the signatures of its other methods and the
//! attributes they use. A hole that takes or returns a dataclass, NamedTuple, Enum or
//! TypedDict needs that definition. This module reads every top-level class of the parsed
//! tree once (from `parse`) into [`ClassInfo`], and every top-level assignment that is not
//! part of the prelude into [`Assignment`]; `engine::prompt` chooses which of them a hole's
//! prompt shows, and the call graph uses the constructor methods to count `Class(...)` as a
//! call of `__init__`.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Serialize;
use tree_sitter::Node;

use super::source::SourceText;

/// What kind of class a class statement makes, read from its bases and decorators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClassKind {
    Plain,
    Dataclass,
    NamedTuple,
    Enum,
    TypedDict,
}

impl ClassKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClassKind::Plain => "class",
            ClassKind::Dataclass => "dataclass",
            ClassKind::NamedTuple => "NamedTuple",
            ClassKind::Enum => "Enum",
            ClassKind::TypedDict => "TypedDict",
        }
    }
}

/// One method of a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MethodInfo {
    pub name: String,
    /// Decorators and the `def` line(s) up to the colon, as written (indentation included).
    pub header: String,
    /// The first line of its docstring, if it has one.
    pub summary: Option<String>,
    /// The whole method, decorators included, as written.
    pub text: String,
}

/// One item of a class body, in source order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ClassItem {
    /// A field, class attribute or other statement, as written.
    Statement(String),
    Method(MethodInfo),
}

/// A top-level class statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassInfo {
    pub name: String,
    pub kind: ClassKind,
    /// 1-based line of the `class` keyword.
    pub line: usize,
    /// The whole statement, decorators included.
    pub span: Range<usize>,
    /// Decorators and the `class` line up to the colon, as written.
    pub header: String,
    /// The docstring literal as written (quotes included).
    pub docstring: Option<String>,
    /// Indentation of the body.
    pub indent: String,
    pub items: Vec<ClassItem>,
    /// `self.NAME` attributes its methods read or write, excluding its methods.
    pub attributes: Vec<String>,
}

impl ClassInfo {
    pub fn method(&self, name: &str) -> Option<&MethodInfo> {
        self.items.iter().find_map(|i| match i {
            ClassItem::Method(m) if m.name == name => Some(m),
            _ => None,
        })
    }

    pub fn methods(&self) -> impl Iterator<Item = &MethodInfo> {
        self.items.iter().filter_map(|i| match i {
            ClassItem::Method(m) => Some(m),
            ClassItem::Statement(_) => None,
        })
    }

    /// The methods that run when the class is called: `Class(...)` calls these.
    pub fn constructors(&self) -> impl Iterator<Item = &str> {
        self.methods()
            .map(|m| m.name.as_str())
            .filter(|n| matches!(*n, "__init__" | "__post_init__" | "__new__"))
    }
}

/// A top-level assignment that the prelude leaves out (it calls sketch code), kept so a
/// prompt can show the constant a hole names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// The names it binds.
    pub names: Vec<String>,
    pub text: String,
}

/// Every top-level class, in source order.
pub(crate) fn collect_classes(root: Node, src: &SourceText) -> Vec<ClassInfo> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        let class = match child.kind() {
            "class_definition" => Some(child),
            "decorated_definition" => child
                .child_by_field_name("definition")
                .filter(|d| d.kind() == "class_definition"),
            _ => None,
        };
        if let Some(class) = class {
            if let Some(info) = class_info(child, class, src) {
                out.push(info);
            }
        }
    }
    out
}

/// Top-level assignments whose text is not in `prelude`.
pub(crate) fn collect_assignments(root: Node, src: &SourceText, prelude: &str) -> Vec<Assignment> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        if child.kind() != "expression_statement" {
            continue;
        }
        let Some(assign) = child
            .named_child(0)
            .filter(|a| matches!(a.kind(), "assignment" | "augmented_assignment"))
        else {
            continue;
        };
        let text = text_of(src, child.byte_range());
        if prelude.contains(&text) {
            continue;
        }
        let mut names = Vec::new();
        if let Some(left) = assign.child_by_field_name("left") {
            identifiers(left, src, &mut names);
        }
        if !names.is_empty() {
            out.push(Assignment { names, text });
        }
    }
    out
}

fn identifiers(n: Node, src: &SourceText, out: &mut Vec<String>) {
    if n.kind() == "identifier" {
        out.push(text_of(src, n.byte_range()));
        return;
    }
    if matches!(
        n.kind(),
        "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
    ) {
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            identifiers(c, src, out);
        }
    }
}

/// Source text with `\n` line endings.
fn text_of(src: &SourceText, range: Range<usize>) -> String {
    src.text
        .get(range)
        .unwrap_or("")
        .replace("\r\n", "\n")
        .trim_end()
        .to_string()
}

/// From the start of `at`'s line (so indentation is kept) to `end`.
fn lines_of(src: &SourceText, at: usize, end: usize) -> String {
    let start = src
        .text
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    text_of(src, start..end)
}

/// Decorators and header of a definition: from `outer` (the decorated definition, or the
/// definition itself) up to the colon before `body`.
fn header(src: &SourceText, outer: Node, body: Option<Node>) -> String {
    let end = body
        .and_then(|b| b.prev_sibling())
        .map_or(outer.end_byte(), |colon| colon.start_byte());
    lines_of(src, outer.start_byte(), end)
}

fn class_info(outer: Node, class: Node, src: &SourceText) -> Option<ClassInfo> {
    let name = text_of(src, class.child_by_field_name("name")?.byte_range());
    let body = class.child_by_field_name("body");
    let bases = class
        .child_by_field_name("superclasses")
        .map(|s| text_of(src, s.byte_range()))
        .unwrap_or_default();
    let decorators = text_of(src, outer.start_byte()..class.start_byte());
    let mut info = ClassInfo {
        kind: kind_of(&bases, &decorators),
        name,
        line: src.line_of(class.start_byte()),
        span: outer.byte_range(),
        header: header(src, outer, body),
        docstring: None,
        indent: String::new(),
        items: Vec::new(),
        attributes: Vec::new(),
    };
    let Some(body) = body else {
        return Some(info);
    };
    info.indent = src.indent_at(body.start_byte()).to_string();
    let mut attributes = BTreeSet::new();
    let mut cursor = body.walk();
    for (i, item) in body.named_children(&mut cursor).enumerate() {
        if item.kind() == "comment" {
            continue;
        }
        if i == 0 && is_string_statement(item) {
            info.docstring = Some(text_of(src, item.byte_range()));
            continue;
        }
        let def = match item.kind() {
            "function_definition" => Some(item),
            "decorated_definition" => item
                .child_by_field_name("definition")
                .filter(|d| d.kind() == "function_definition"),
            _ => None,
        };
        match def {
            Some(def) => {
                if let Some(m) = method_info(item, def, src, &mut attributes) {
                    info.items.push(ClassItem::Method(m));
                }
            }
            None => info.items.push(ClassItem::Statement(lines_of(
                src,
                item.start_byte(),
                item.end_byte(),
            ))),
        }
    }
    let methods: BTreeSet<String> = info.methods().map(|m| m.name.clone()).collect();
    info.attributes = attributes.difference(&methods).cloned().collect();
    Some(info)
}

fn method_info(
    outer: Node,
    def: Node,
    src: &SourceText,
    attributes: &mut BTreeSet<String>,
) -> Option<MethodInfo> {
    let name = text_of(src, def.child_by_field_name("name")?.byte_range());
    let body = def.child_by_field_name("body");
    let summary = body
        .and_then(|b| b.named_child(0))
        .filter(|s| is_string_statement(*s))
        .and_then(|s| s.named_child(0))
        .and_then(|s| docstring_summary(&text_of(src, s.byte_range())));
    // The receiver is the first parameter (`self`, or `cls` in a classmethod).
    let receiver = def
        .child_by_field_name("parameters")
        .and_then(|p| p.named_child(0))
        .filter(|p| p.kind() == "identifier")
        .map(|p| text_of(src, p.byte_range()));
    if let (Some(receiver), Some(body)) = (receiver, body) {
        self_attributes(body, src, &receiver, attributes);
    }
    Some(MethodInfo {
        name,
        header: header(src, outer, body),
        summary,
        text: lines_of(src, outer.start_byte(), outer.end_byte()),
    })
}

/// `receiver.NAME` anywhere under `n`.
fn self_attributes(n: Node, src: &SourceText, receiver: &str, out: &mut BTreeSet<String>) {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        if n.kind() == "attribute" {
            let object = n.child_by_field_name("object");
            let field = n.child_by_field_name("attribute");
            if let (Some(o), Some(f)) = (object, field) {
                if o.kind() == "identifier" && src.text.get(o.byte_range()) == Some(receiver) {
                    out.insert(text_of(src, f.byte_range()));
                }
            }
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
}

fn is_string_statement(n: Node) -> bool {
    n.kind() == "expression_statement"
        && n.named_child_count() == 1
        && n.named_child(0).is_some_and(|s| s.kind() == "string")
}

/// The first non-empty line of a docstring literal, without its quotes and prefix.
fn docstring_summary(literal: &str) -> Option<String> {
    let body = literal.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let body = ["\"\"\"", "'''", "\"", "'"]
        .iter()
        .find_map(|q| body.strip_prefix(q).and_then(|b| b.strip_suffix(q)))
        .unwrap_or(body);
    body.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

fn kind_of(bases: &str, decorators: &str) -> ClassKind {
    let has = |text: &str, name: &str| {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w == name)
    };
    if has(decorators, "dataclass") {
        ClassKind::Dataclass
    } else if has(bases, "NamedTuple") {
        ClassKind::NamedTuple
    } else if ["Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"]
        .iter()
        .any(|b| has(bases, b))
    {
        ClassKind::Enum
    } else if has(bases, "TypedDict") {
        ClassKind::TypedDict
    } else {
        ClassKind::Plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::queries::language;
    use pretty_assertions::assert_eq;

    fn classes(text: &str) -> Vec<ClassInfo> {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&language()).unwrap();
        let tree = parser.parse(text, None).unwrap();
        collect_classes(tree.root_node(), &SourceText::new("t.py", text))
    }

    const BANK: &str = r#"from dataclasses import dataclass

@dataclass(frozen=True)
class Txn:
    kind: str
    amount: int

class Account:
    """A bank account."""

    fee = 1

    def __init__(self, owner: str):
        self.owner = owner
        self.balance = 0

    @property
    def rich(self) -> bool:
        """Whether the balance is large.

        More text.
        """
        return self.balance > 100

    def withdraw(self, amount: int) -> bool:
        """Take money out."""
"#;

    #[test]
    fn a_class_reads_as_header_docstring_fields_methods_and_attributes() {
        let found = classes(BANK);
        assert_eq!(found.len(), 2);
        let txn = &found[0];
        assert_eq!(txn.kind, ClassKind::Dataclass);
        assert_eq!(txn.header, "@dataclass(frozen=True)\nclass Txn");
        assert_eq!(
            txn.items,
            vec![
                ClassItem::Statement("    kind: str".into()),
                ClassItem::Statement("    amount: int".into())
            ]
        );
        let account = &found[1];
        assert_eq!(account.kind, ClassKind::Plain);
        assert_eq!(
            account.docstring.as_deref(),
            Some("\"\"\"A bank account.\"\"\"")
        );
        assert_eq!(account.attributes, vec!["balance", "owner"]);
        let rich = account.method("rich").unwrap();
        assert_eq!(rich.header, "    @property\n    def rich(self) -> bool");
        assert_eq!(
            rich.summary.as_deref(),
            Some("Whether the balance is large.")
        );
        assert_eq!(account.constructors().collect::<Vec<_>>(), vec!["__init__"]);
        assert!(account
            .method("__init__")
            .unwrap()
            .text
            .contains("self.balance = 0"));
    }

    #[test]
    fn kinds_come_from_bases_and_decorators() {
        assert_eq!(kind_of("(NamedTuple)", ""), ClassKind::NamedTuple);
        assert_eq!(kind_of("(enum.IntEnum)", ""), ClassKind::Enum);
        assert_eq!(
            kind_of("(TypedDict, total=False)", ""),
            ClassKind::TypedDict
        );
        assert_eq!(kind_of("", "@dataclasses.dataclass"), ClassKind::Dataclass);
        assert_eq!(kind_of("(Base)", "@register"), ClassKind::Plain);
    }

    #[test]
    fn assignments_outside_the_prelude_are_kept_with_their_names() {
        let text = "import x\nA = 1\nB, C = build()\n";
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&language()).unwrap();
        let tree = parser.parse(text, None).unwrap();
        let found = collect_assignments(
            tree.root_node(),
            &SourceText::new("t.py", text),
            "import x\nA = 1\n",
        );
        assert_eq!(
            found,
            vec![Assignment {
                names: vec!["B".into(), "C".into()],
                text: "B, C = build()".into()
            }]
        );
    }
}
