//! Functions that look like holes but are not: a `def` whose body is only `...` or `pass`
//! and that has no docstring. A hole is described by its docstring, so such a function is
//! the user's own code, returns `None`, and anpl never fills it; a newcomer who wrote it as
//! a hole would otherwise see only wrong results. The CLI shows [`EmptyDef::note`] wherever
//! it reports the sketch (`check`, `holes`, `compile`, `run`).
//!
//! Stubs that are meant to be empty are left alone: decorated ones (`@overload`,
//! `@abstractmethod`) and methods of a `Protocol` or `ABC` class.

use super::model::Sketch;

/// A `def` with an empty body and no docstring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptyDef {
    pub name: String,
    /// 1-based line and character column of the `def` keyword.
    pub line: usize,
    pub col: usize,
    /// `...` or `pass`.
    pub body: String,
    /// The `def` line as written, for the example docstring.
    pub header: String,
}

impl EmptyDef {
    /// `file:line:col: note: …`, with how to make it a hole.
    pub fn note(&self, file: &str) -> String {
        format!(
            "{file}:{}:{}: note: `{}` has no docstring, so it is your code, not a hole, and its body `{}` returns None; a docstring saying what it should do makes it a hole anpl fills:\n    {}\n        \"\"\"<what {} returns>\"\"\"",
            self.line,
            self.col,
            self.name,
            self.body,
            self.header.trim(),
            self.name
        )
    }
}

impl EmptyDef {
    /// One line for a status bar: the same hint without the example.
    pub fn short_note(&self) -> String {
        format!(
            "`{}` (line {}) has no docstring, so it is not a hole and returns None: a docstring saying what it should do makes it one",
            self.name, self.line
        )
    }
}

impl Sketch {
    /// Every function with an empty body and no docstring, in source order.
    pub fn empty_defs(&self) -> Vec<EmptyDef> {
        let mut out = Vec::new();
        for f in &self.functions {
            // Layouts are kept by name, so a name defined twice (methods of two classes)
            // cannot be placed reliably.
            let defined_once = self.functions.iter().filter(|g| g.name == f.name).count() == 1;
            if f.docstring.is_some() || !defined_once {
                continue;
            }
            let Some(layout) = self.layout.defs.get(&f.name) else {
                continue;
            };
            let decorated = self
                .source
                .get(f.span.start..layout.def_start)
                .is_some_and(|d| !d.trim().is_empty());
            if decorated || f.parent.as_deref().is_some_and(|p| self.is_interface(p)) {
                continue;
            }
            let Some(body) = self.source.get(layout.body_start..layout.def_end) else {
                continue;
            };
            let statements: Vec<&str> = body
                .lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .collect();
            let [only @ ("..." | "pass")] = statements.as_slice() else {
                continue;
            };
            let before = self.source.get(..layout.def_start).unwrap_or("");
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let header = self
                .source
                .get(layout.def_start..layout.body_start)
                .unwrap_or("")
                .lines()
                .next()
                .unwrap_or("");
            let header = if layout.body_inline {
                header.trim_end().trim_end_matches(only).trim_end()
            } else {
                header.trim_end()
            };
            out.push(EmptyDef {
                name: f.name.clone(),
                line: before.matches('\n').count() + 1,
                col: before[line_start..].chars().count() + 1,
                body: (*only).to_string(),
                header: header.to_string(),
            });
        }
        out
    }

    /// Whether `class` is declared as an interface (`Protocol`, `ABC`), whose methods are
    /// empty on purpose.
    fn is_interface(&self, class: &str) -> bool {
        self.source.lines().any(|l| {
            let l = l.trim_start();
            l.strip_prefix("class ")
                .and_then(|rest| rest.strip_prefix(class))
                .is_some_and(|rest| {
                    rest.starts_with('(') && (rest.contains("Protocol") || rest.contains("ABC"))
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::sketch::{parse_source, ParseOptions};
    use pretty_assertions::assert_eq;

    fn names(src: &str) -> Vec<(String, usize, usize, String)> {
        match parse_source("s.py", src, &ParseOptions::default()) {
            Ok(s) => s
                .empty_defs()
                .into_iter()
                .map(|d| (d.name, d.line, d.col, d.body))
                .collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn empty_defs_without_docstrings_are_found() {
        let src = "from typing import Protocol, overload\n\ndef double(x: int) -> int: ...\n\ndef halve(x):\n    pass  # later\n\ndef hole(x):\n    \"\"\"Triple x.\"\"\"\n    ...\n\nclass P(Protocol):\n    def area(self) -> float: ...\n\nclass Shape:\n    def perimeter(self):\n        ...\n\n@overload\ndef f(x: int) -> int: ...\n\ndef main(xs):\n    return [hole(double(halve(x))) for x in xs]\n";
        assert_eq!(
            names(src),
            vec![
                ("double".to_string(), 3, 1, "...".to_string()),
                ("halve".to_string(), 5, 1, "pass".to_string()),
                ("perimeter".to_string(), 16, 5, "...".to_string()),
            ]
        );
    }

    #[test]
    fn the_note_shows_the_docstring_to_write() {
        let src =
            "def double(x: int) -> int: ...\n\ndef main(xs):\n    return [double(x) for x in xs]\n";
        let s = match parse_source("s.py", src, &ParseOptions::default()) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let notes: Vec<String> = s.empty_defs().iter().map(|d| d.note("s.py")).collect();
        assert_eq!(
            notes,
            vec!["s.py:1:1: note: `double` has no docstring, so it is your code, not a hole, and its body `...` returns None; a docstring saying what it should do makes it a hole anpl fills:\n    def double(x: int) -> int:\n        \"\"\"<what double returns>\"\"\"".to_string()]
        );
    }
}
