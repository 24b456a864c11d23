//! The sections made of the sketch's own code: the prelude, the functions that call the
//! hole, the stubs of the other holes those functions call, and the hole itself with its
//! decorators. Only what the hole needs is sent: other functions stay out of the prompt.

use std::collections::BTreeSet;

use crate::sketch::{self, Hole, Sketch, MODULE};

use super::section::{Section, SectionKind};

pub fn prelude(sketch: &Sketch) -> Option<Section> {
    let text = sketch.prelude.trim_end();
    (!text.is_empty()).then(|| {
        Section::code(
            SectionKind::Prelude,
            "The program's imports and top-level definitions:",
            vec![text.to_string()],
        )
    })
}

/// The functions (and top-level code) that call the hole, nearest first. A method hole's
/// callers inside its own class are left to the class section.
pub fn callers(sketch: &Sketch, hole: &Hole) -> Option<Section> {
    let own_class = sketch.class_of(hole);
    let mut shown = BTreeSet::new();
    let mut items = Vec::new();
    for caller in sketch.callers(&hole.id) {
        if caller == MODULE || caller == hole.id {
            continue;
        }
        if own_class.is_some_and(|c| c.method(caller).is_some()) {
            continue;
        }
        let Some(function) = sketch.function(caller) else {
            continue;
        };
        if !shown.insert(function.name.clone()) {
            continue;
        }
        items.push(source_block(sketch, function.span.clone()));
    }
    (!items.is_empty()).then(|| {
        Section::code(
            SectionKind::Callers,
            format!(
                "Where `{}` is called (code of the program that calls it):",
                hole.id
            ),
            items,
        )
    })
}

/// Stubs of the other holes that the hole's callers call: what it may use.
pub fn siblings(sketch: &Sketch, hole: &Hole) -> Option<Section> {
    let mut ids = BTreeSet::new();
    for caller in sketch.callers(&hole.id) {
        for callee in sketch.callees(caller) {
            if callee != hole.id && sketch.hole(callee).is_some() {
                ids.insert(callee.to_string());
            }
        }
    }
    let items: Vec<String> = ids
        .iter()
        .filter_map(|id| sketch.hole(id))
        .map(|other| sketch::stub(other).trim_end().to_string())
        .collect();
    (!items.is_empty()).then(|| {
        Section::code(
            SectionKind::Siblings,
            "Other functions of the program, implemented separately (it may call them):",
            items,
        )
    })
}

/// The hole to implement: decorators, signature, description and every example. Always
/// last, so the final part of the last message says what is asked.
pub fn hole(sketch: &Sketch, hole: &Hole, lead: &str) -> Section {
    let decorators = sketch.decorators_of(hole);
    let mut text = String::new();
    if !decorators.is_empty() {
        text.push_str(&decorators);
        text.push('\n');
    }
    text.push_str(sketch::stub(hole).trim_end());
    let mut heading = format!("{lead}Implement this function:");
    if !decorators.is_empty() {
        heading = format!(
            "{lead}Implement this function. The program applies its decorators itself: write the `def` without them."
        );
    }
    if let Some(class) = sketch.class_of(hole) {
        heading = format!(
            "{heading}\nIt is a method of `{}`: write it as a top-level `def` with the same parameters (including `{}`), without the class statement.",
            class.name,
            hole.params.first().map_or("self", |p| p.name.as_str())
        );
    }
    let mut section = Section::code(SectionKind::Hole, heading, vec![text]);
    section.min_items = 1;
    section
}

/// The source of `span` from the start of its first line, with the indentation every
/// non-blank line shares removed (a nested function's or a method's).
pub fn source_block(sketch: &Sketch, span: std::ops::Range<usize>) -> String {
    let start = sketch
        .source
        .get(..span.start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let text = sketch
        .source
        .get(start..span.end)
        .unwrap_or("")
        .replace("\r\n", "\n");
    dedent(&text)
}

/// Remove the indentation every non-blank line shares.
pub fn dedent(text: &str) -> String {
    let common = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.get(common..).unwrap_or(l.trim_start()))
        .collect();
    lines.join("\n").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::{parse_source, ParseOptions};
    use pretty_assertions::assert_eq;

    fn parse(text: &str) -> Sketch {
        parse_source("t.py", text, &ParseOptions::default()).unwrap()
    }

    const SKETCH: &str = r#"import re
LIMIT = 3

def count(text: str) -> int:
    """Count the words."""

def other(x):
    """Another hole."""

def main(text):
    def inner(t):
        return count(t) + other(t)
    return inner(text)
"#;

    #[test]
    fn callers_are_shown_dedented_and_siblings_as_stubs() {
        let s = parse(SKETCH);
        let hole = s.hole("count").unwrap();
        let callers = callers(&s, hole).unwrap();
        assert_eq!(
            callers.items,
            vec!["def inner(t):\n    return count(t) + other(t)"]
        );
        let siblings = siblings(&s, hole).unwrap();
        assert_eq!(siblings.items.len(), 1);
        assert!(siblings.items[0].starts_with("def other(x):"));
        assert_eq!(prelude(&s).unwrap().items, vec!["import re\nLIMIT = 3"]);
    }

    #[test]
    fn decorators_are_shown_with_the_hole() {
        let s = parse(
            "import functools\n\n@functools.lru_cache(\n    maxsize=None)\ndef fib(n: int) -> int:\n    \"\"\"The n-th Fibonacci number.\"\"\"\n\ndef main(n):\n    return fib(n)\n",
        );
        let section = hole(&s, s.hole("fib").unwrap(), "");
        assert!(section.items[0]
            .starts_with("@functools.lru_cache(\n    maxsize=None)\ndef fib(n: int) -> int:"));
        assert!(section.heading.contains("without them"));
    }
}
