//! The sections made of the sketch's classes and constants: the class a method hole
//! belongs to, and every class, dataclass, NamedTuple, Enum, TypedDict or top-level
//! assignment that the hole's signature, examples, callers or observed values name.
//!
//! A class is summarised the way a programmer skims one: its header and docstring, its
//! fields and class attributes as written, `__init__` (and `__post_init__`) in full, the
//! signatures of its other methods with the first line of their docstrings, and the
//! `self.` attributes its methods use. Type aliases and plain constants are part of the
//! prelude section already; what is found here are the assignments the prelude leaves out.

use std::collections::BTreeSet;

use crate::sketch::{ClassInfo, ClassItem, Hole, Sketch};

use super::section::{Section, SectionKind};

/// The class a method hole belongs to, with the hole marked.
pub fn own_class(sketch: &Sketch, hole: &Hole) -> Option<Section> {
    let class = sketch.class_of(hole)?;
    Some(Section::code(
        SectionKind::Class,
        format!("`{}` is a method of this {}:", hole.id, class.kind.as_str()),
        vec![summary(class, Some(&hole.id))],
    ))
}

/// Definitions named in `texts` (and in the definitions they name, two levels deep),
/// leaving out the method hole's own class.
pub fn named_definitions(sketch: &Sketch, hole: &Hole, texts: &[&str]) -> Option<Section> {
    let own = sketch.class_of(hole).map(|c| c.name.as_str());
    let mut names: BTreeSet<String> = BTreeSet::new();
    for text in texts {
        names.extend(identifiers(text));
    }
    let mut classes: Vec<&ClassInfo> = Vec::new();
    let mut assignments: Vec<usize> = Vec::new();
    for _level in 0..3 {
        let mut more: BTreeSet<String> = BTreeSet::new();
        for class in &sketch.classes {
            if names.contains(&class.name)
                && Some(class.name.as_str()) != own
                && !classes.iter().any(|c| c.name == class.name)
            {
                more.extend(identifiers(&summary(class, None)));
                classes.push(class);
            }
        }
        for (i, a) in sketch.assignments.iter().enumerate() {
            if a.names.iter().any(|n| names.contains(n)) && !assignments.contains(&i) {
                more.extend(identifiers(&a.text));
                assignments.push(i);
            }
        }
        if more.is_subset(&names) {
            break;
        }
        names.extend(more);
    }
    // Source order reads best: a class before the ones that use it.
    classes.sort_by_key(|c| c.span.start);
    let mut items: Vec<String> = classes.iter().map(|c| summary(c, None)).collect();
    assignments.sort_unstable();
    items.extend(
        assignments
            .iter()
            .filter_map(|&i| sketch.assignments.get(i))
            .map(|a| a.text.clone()),
    );
    (!items.is_empty()).then(|| {
        Section::code(
            SectionKind::Definitions,
            "Types and constants of the program that it works with:",
            items,
        )
    })
}

/// Every identifier-like word of `text`.
pub fn identifiers(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with(|c: char| c.is_alphabetic() || c == '_'))
        .map(str::to_string)
        .collect()
}

/// The class as a programmer skims it; `focus` is the method to implement.
pub fn summary(class: &ClassInfo, focus: Option<&str>) -> String {
    let indent = if class.indent.is_empty() {
        "    "
    } else {
        class.indent.as_str()
    };
    let mut out = format!("{}:", class.header);
    if let Some(doc) = &class.docstring {
        out.push('\n');
        out.push_str(indent);
        // Continuation lines keep the indentation they were written with.
        out.push_str(doc);
    }
    let mut body = 0;
    for item in &class.items {
        body += 1;
        out.push('\n');
        match item {
            ClassItem::Statement(text) => out.push_str(text),
            ClassItem::Method(m) if Some(m.name.as_str()) == focus => {
                out.push_str(&m.header);
                out.push_str(": ...  # the method to implement");
            }
            ClassItem::Method(m) if matches!(m.name.as_str(), "__init__" | "__post_init__") => {
                out.push_str(&m.text);
            }
            ClassItem::Method(m) => {
                out.push_str(&m.header);
                out.push(':');
                match &m.summary {
                    Some(line) => {
                        let inner = format!("{indent}{indent}");
                        out.push_str(&format!(
                            "\n{inner}\"\"\"{}\"\"\"\n{inner}...",
                            line.replace("\"\"\"", "'''")
                        ));
                    }
                    None => out.push_str(" ..."),
                }
            }
        }
    }
    let attributes: Vec<String> = class
        .attributes
        .iter()
        .map(|a| format!("self.{a}"))
        .collect();
    if !attributes.is_empty() {
        out.push_str(&format!(
            "\n{indent}# attributes its methods use: {}",
            attributes.join(", ")
        ));
        body += 1;
    }
    if body == 0 && class.docstring.is_none() {
        out.push_str(&format!("\n{indent}..."));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::{parse_source, ParseOptions};
    use pretty_assertions::assert_eq;

    const BANK: &str = r#"from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    DEPOSIT = 1
    WITHDRAW = 2


@dataclass
class Txn:
    kind: Kind
    amount: int


class Account:
    """A bank account."""

    def __init__(self, owner: str):
        self.owner = owner
        self.balance = 0
        self.history: list[Txn] = []

    def deposit(self, amount: int) -> None:
        """Add money."""
        self.balance += amount

    def withdraw(self, amount: int) -> bool:
        """Take amount out if the balance covers it."""


def audit(history: list[Txn]) -> int:
    """Sum of the withdrawals."""


def main(n: int) -> int:
    a = Account("ann")
    a.deposit(n)
    a.withdraw(1)
    return audit(a.history)
"#;

    fn parse() -> Sketch {
        parse_source("bank.py", BANK, &ParseOptions::default()).unwrap()
    }

    #[test]
    fn a_method_hole_sees_its_class_with_init_signatures_and_attributes() {
        let s = parse();
        let section = own_class(&s, s.hole("withdraw").unwrap()).unwrap();
        assert_eq!(
            section.items[0],
            r#"class Account:
    """A bank account."""
    def __init__(self, owner: str):
        self.owner = owner
        self.balance = 0
        self.history: list[Txn] = []
    def deposit(self, amount: int) -> None:
        """Add money."""
        ...
    def withdraw(self, amount: int) -> bool: ...  # the method to implement
    # attributes its methods use: self.balance, self.history, self.owner"#
        );
        assert!(own_class(&s, s.hole("audit").unwrap()).is_none());
    }

    #[test]
    fn types_named_by_a_signature_come_with_the_types_they_name() {
        let s = parse();
        let hole = s.hole("audit").unwrap();
        let section = named_definitions(&s, hole, &[&hole.signature()]).unwrap();
        assert_eq!(section.items.len(), 2);
        assert!(section.items[0].starts_with("class Kind(Enum):\n    DEPOSIT = 1"));
        assert!(section.items[1].starts_with("@dataclass\nclass Txn:\n    kind: Kind"));
    }

    #[test]
    fn the_own_class_is_not_repeated_among_definitions() {
        let s = parse();
        let hole = s.hole("withdraw").unwrap();
        let section = named_definitions(&s, hole, &["Account", "Txn"]).unwrap();
        assert!(section.items.iter().all(|i| !i.contains("class Account")));
    }
}
