//! Holes that run while the program loads: an inline hole in top-level code, in a class
//! body, or in the header of a top-level `def` or method (a default argument, a decorator,
//! an annotation), and a named hole that top-level code calls. While one of them is empty
//! the program cannot even be imported, so no other check can mean anything; the compile
//! scheduler (`engine::schedule`) fills them first. Code under `if __name__ == "__main__":`
//! does not run when anpl loads the program, so holes there are not counted.

use super::model::{HoleKind, Sketch, MODULE};

impl Sketch {
    /// The holes evaluated while the module loads, each with the byte offset where the
    /// module first runs it, in that order.
    pub fn load_time_holes(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for hole in &self.holes {
            let first = if hole.kind == HoleKind::Named {
                let called_at_top = self.callers(&hole.id).contains(&MODULE);
                called_at_top.then(|| hole.def_span.as_ref().map_or(0, |s| s.start))
            } else {
                hole.sites
                    .iter()
                    .map(|s| s.start)
                    .filter(|&at| self.runs_at_load(at))
                    .min()
            };
            if let Some(at) = first {
                out.push((hole.id.clone(), at));
            }
        }
        out.sort_by_key(|(_, at)| *at);
        out
    }

    /// Whether code at byte `at` runs when the module is imported.
    fn runs_at_load(&self, at: usize) -> bool {
        // The innermost definition around `at`, by its whole span (decorators included).
        let spans = self
            .functions
            .iter()
            .map(|f| (f.name.as_str(), f.span.clone(), f.parent.as_deref()))
            .chain(self.holes.iter().filter_map(|h| {
                h.def_span
                    .clone()
                    .map(|s| (h.id.as_str(), s, h.parent.as_deref()))
            }));
        let innermost = spans
            .filter(|(_, span, _)| span.contains(&at))
            .min_by_key(|(_, span, _)| span.len());
        match innermost {
            None => !self.under_main_guard(at),
            Some((name, _, parent)) => {
                let in_header = self
                    .layout
                    .defs
                    .get(name)
                    .is_some_and(|d| at < d.body_start);
                // A header is evaluated when its `def` runs: at load time for a top-level
                // function or a method of a top-level class (a parent that is no function).
                in_header
                    && parent.is_none_or(|p| self.function(p).is_none() && self.hole(p).is_none())
                    && !self.under_main_guard(at)
            }
        }
    }

    /// Whether the top-level statement holding byte `at` is an `if __name__ == ...` block.
    fn under_main_guard(&self, at: usize) -> bool {
        let before = &self.source[..at.min(self.source.len())];
        let statement = before
            .split('\n')
            .rev()
            .find(|line| {
                line.starts_with(|c: char| {
                    !c.is_whitespace() && !matches!(c, '#' | ')' | ']' | '}')
                })
            })
            .unwrap_or("");
        let words: String = statement.split_whitespace().collect();
        words.starts_with("if__name__==")
            || words.starts_with("if'__main__'==")
            || words.starts_with("if\"__main__\"==")
    }
}

#[cfg(test)]
mod tests {
    use crate::sketch::{parse_source, ParseOptions};
    use pretty_assertions::assert_eq;

    fn load_time(source: &str) -> Vec<String> {
        let sketch = parse_source("s.py", source, &ParseOptions::default()).unwrap();
        sketch
            .load_time_holes()
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    }

    #[test]
    fn defaults_module_statements_and_class_bodies_run_at_load() {
        let source = r#"import math

SIZE = "the default grid size"()


class Board:
    width = "the default board width"()

    def area(self, scale=`the default scale`()):
        return self.width * scale * "a bonus inside a body"(self)


def main(n, limit="the default limit"(SIZE)):
    return n + limit + "a value computed on each call"(n)


if __name__ == "__main__":
    print(main("a value only the script run needs"()))
"#;
        assert_eq!(
            load_time(source),
            vec![
                "the_default_grid_size",
                "the_default_board_width",
                "the_default_scale",
                "the_default_limit"
            ]
        );
    }

    #[test]
    fn a_nested_default_runs_when_its_function_does() {
        let source = r#"def main(n):
    def inner(k="a default of the inner function"()):
        return k
    return inner() + n
"#;
        assert_eq!(load_time(source), Vec::<String>::new());
    }

    #[test]
    fn a_named_hole_called_at_top_level_runs_at_load() {
        let source = r#"def build_table():
    """The table of squares of 0..9."""


TABLE = build_table()


def lookup(n):
    """The square of n, from the table."""


def main(n):
    return lookup(n)
"#;
        assert_eq!(load_time(source), vec!["build_table"]);
    }
}
