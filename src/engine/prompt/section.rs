//! One labelled part of a prompt: a heading and its items, shown as Python code or as
//! text. Sections are what the budget drops and what `anpl prompt --json` labels.

use serde::Serialize;

use super::budget::tokens;

/// The kinds of context a prompt can carry, in the order they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    /// Top-level imports and assignments.
    Prelude,
    /// Classes, dataclasses, enums and constants the hole's signature, examples, callers or
    /// observed values name.
    Definitions,
    /// The class a method hole belongs to.
    Class,
    /// The sketch functions that call the hole.
    Callers,
    /// Stubs of the other holes those functions call.
    Siblings,
    /// The entry's examples, for a hole with none of its own.
    ProgramExamples,
    /// Arguments the hole received when the program ran on its examples.
    Observed,
    /// The hole: decorators, signature, description, examples.
    Hole,
    /// In a repair: the failing call, expected and actual values or the error.
    Failure,
}

impl SectionKind {
    /// How useful the section is (higher is kept longer); `None`: never dropped.
    pub fn rank(self) -> Option<u8> {
        match self {
            SectionKind::Siblings => Some(10),
            SectionKind::ProgramExamples => Some(20),
            SectionKind::Prelude => Some(30),
            SectionKind::Definitions => Some(40),
            SectionKind::Callers => Some(50),
            SectionKind::Observed => Some(60),
            SectionKind::Class => Some(70),
            SectionKind::Hole | SectionKind::Failure => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SectionKind::Prelude => "prelude",
            SectionKind::Definitions => "definitions",
            SectionKind::Class => "class",
            SectionKind::Callers => "callers",
            SectionKind::Siblings => "siblings",
            SectionKind::ProgramExamples => "program-examples",
            SectionKind::Observed => "observed-calls",
            SectionKind::Hole => "hole",
            SectionKind::Failure => "failure",
        }
    }

    /// What the section is, for people.
    pub fn title(self) -> &'static str {
        match self {
            SectionKind::Prelude => "imports and constants",
            SectionKind::Definitions => "types and constants it uses",
            SectionKind::Class => "its class",
            SectionKind::Callers => "the code that calls it",
            SectionKind::Siblings => "other holes it may call",
            SectionKind::ProgramExamples => "the program's examples",
            SectionKind::Observed => "observed calls",
            SectionKind::Hole => "the function to implement",
            SectionKind::Failure => "the failure to repair",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub kind: SectionKind,
    /// The sentence before the items.
    pub heading: String,
    pub items: Vec<String>,
    /// Items are Python code, shown in one fenced block.
    pub code: bool,
    /// The budget may take items away down to this many before it drops the section.
    pub min_items: usize,
    /// How many items it had before the budget.
    pub original_items: usize,
}

impl Section {
    pub fn new(kind: SectionKind, heading: impl Into<String>, items: Vec<String>) -> Section {
        Section {
            kind,
            heading: heading.into(),
            original_items: items.len(),
            items,
            code: false,
            min_items: 1,
        }
    }

    pub fn code(kind: SectionKind, heading: impl Into<String>, items: Vec<String>) -> Section {
        Section {
            code: true,
            ..Section::new(kind, heading, items)
        }
    }

    /// The section as it appears in the message, ending with a blank line.
    pub fn render(&self) -> String {
        let body = self.items.join("\n\n");
        let mut out = String::new();
        if !self.heading.is_empty() {
            out.push_str(&self.heading);
            out.push_str("\n\n");
        }
        if self.code {
            out.push_str("```python\n");
            out.push_str(body.trim_end());
            out.push_str("\n```\n\n");
        } else {
            out.push_str(body.trim_end());
            out.push_str("\n\n");
        }
        out
    }

    pub fn tokens(&self) -> usize {
        tokens(&self.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_sections_are_one_fenced_block() {
        let s = Section::code(
            SectionKind::Callers,
            "Called here:",
            vec!["def a(): pass".into(), "def b(): pass".into()],
        );
        assert_eq!(
            s.render(),
            "Called here:\n\n```python\ndef a(): pass\n\ndef b(): pass\n```\n\n"
        );
        let t = Section::new(SectionKind::Observed, "Seen:", vec!["1".into()]);
        assert_eq!(t.render(), "Seen:\n\n1\n\n");
    }

    #[test]
    fn the_hole_and_the_failure_are_never_ranked_for_dropping() {
        assert_eq!(SectionKind::Hole.rank(), None);
        assert_eq!(SectionKind::Failure.rank(), None);
        assert!(SectionKind::Siblings.rank() < SectionKind::Class.rank());
    }
}
