//! Indentation as CPython's tokenizer sees it, for the mistakes tree-sitter lets through.
//!
//! tree-sitter-python recovers from a line indented too far, a dedent to a column no block
//! started at, a block header with no block under it, or tabs and spaces mixed ambiguously,
//! and reports no error; CPython rejects all four (`IndentationError`, `TabError`). So
//! `parse` runs this one pass over the text of every sketch (a linear scan, a fraction of the
//! tree-sitter parse: see `docs/benchmarks.md`) and, only when it finds such a line, asks
//! CPython for the exact words (`pysyntax`). The rules follow CPython's tokenizer: a tab moves
//! to the next multiple of 8 columns, and the indentation must compare the same way when a
//! tab counts as 1 column, or the file is ambiguous (`TabError`).

/// The first indentation problem: 1-based line and column, and CPython's message for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndentProblem {
    pub line: usize,
    pub col: usize,
    pub kind: &'static str,
    pub message: String,
}

/// Indentation of one line: columns with tabs to multiples of 8, and with tabs as 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Width {
    col: usize,
    alt: usize,
}

fn width(indent: &str) -> Width {
    let mut w = Width { col: 0, alt: 0 };
    for c in indent.chars() {
        match c {
            ' ' => {
                w.col += 1;
                w.alt += 1;
            }
            '\t' => {
                w.col = (w.col / 8 + 1) * 8;
                w.alt += 1;
            }
            // A form feed resets the count, as in CPython.
            _ => w = Width { col: 0, alt: 0 },
        }
    }
    w
}

/// Scanning state carried from one physical line to the next.
#[derive(Default)]
struct Scan {
    /// Inside a string opened with this quote character; `true` when triple-quoted. A
    /// one-quote string only stays open past its line through a backslash at the end.
    string: Option<(char, bool)>,
    /// Open brackets.
    depth: usize,
    /// The previous physical line ended in a backslash outside a string.
    continued: bool,
    /// The last character of the logical line outside comments.
    last: Option<char>,
    /// 1-based line of the logical line's start.
    start_line: usize,
}

impl Scan {
    /// Walk one physical line (without its line break), updating the state.
    fn walk(&mut self, line: &str) {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        self.continued = false;
        while i < chars.len() {
            let c = chars[i];
            if let Some((q, triple)) = self.string {
                if c == '\\' {
                    if i + 1 == chars.len() {
                        // The string goes on on the next line.
                        return;
                    }
                    i += 2;
                    continue;
                }
                if c == q {
                    if !triple {
                        self.string = None;
                        i += 1;
                        continue;
                    }
                    if chars.get(i + 1) == Some(&q) && chars.get(i + 2) == Some(&q) {
                        self.string = None;
                        i += 3;
                        continue;
                    }
                }
                i += 1;
                continue;
            }
            match c {
                '#' => break,
                '\\' if i + 1 == chars.len() => {
                    self.continued = true;
                    break;
                }
                '\\' => i += 1,
                '(' | '[' | '{' => self.depth += 1,
                ')' | ']' | '}' => self.depth = self.depth.saturating_sub(1),
                '\'' | '"' => {
                    let triple = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
                    self.string = Some((c, triple));
                    self.last = Some(c);
                    i += if triple { 3 } else { 1 };
                    continue;
                }
                _ => {}
            }
            if !c.is_whitespace() {
                self.last = Some(c);
            }
            i += 1;
        }
        // A one-quote string cannot cross a line break (CPython: "unterminated string
        // literal", which tree-sitter reports).
        if matches!(self.string, Some((_, false))) {
            self.string = None;
        }
    }

    fn in_logical_line(&self) -> bool {
        self.string.is_some() || self.depth > 0 || self.continued
    }
}

/// The first indentation error CPython would report in `text`, if any.
pub(crate) fn first_problem(text: &str) -> Option<IndentProblem> {
    let mut stack = vec![Width { col: 0, alt: 0 }];
    let mut scan = Scan::default();
    // The logical line before ended with `:`: a block must follow, more indented.
    let mut header: Option<usize> = None;
    let mut line_no = 0;
    for line in text.split('\n') {
        line_no += 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if scan.in_logical_line() {
            scan.walk(line);
        } else {
            let body = line.trim_start_matches([' ', '\t', '\x0c']);
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            let indent = &line[..line.len() - body.len()];
            let w = width(indent);
            let col = indent.chars().count();
            let top = stack.last().copied().unwrap_or(Width { col: 0, alt: 0 });
            let problem = |kind, message: String| {
                Some(IndentProblem {
                    line: line_no,
                    col: col.max(1),
                    kind,
                    message,
                })
            };
            let tab_error = || {
                problem(
                    "TabError",
                    "inconsistent use of tabs and spaces in indentation".to_string(),
                )
            };
            if w.col > top.col {
                if w.alt <= top.alt {
                    return tab_error();
                }
                if header.is_none() {
                    return problem("IndentationError", "unexpected indent".to_string());
                }
                stack.push(w);
            } else {
                if let Some(at) = header {
                    return problem(
                        "IndentationError",
                        format!("expected an indented block after line {at}"),
                    );
                }
                while stack.len() > 1 && stack.last().is_some_and(|t| w.col < t.col) {
                    stack.pop();
                }
                let top = stack.last().copied().unwrap_or(Width { col: 0, alt: 0 });
                if w.col != top.col {
                    return problem(
                        "IndentationError",
                        "unindent does not match any outer indentation level".to_string(),
                    );
                }
                if w.alt != top.alt {
                    return tab_error();
                }
            }
            header = None;
            scan.last = None;
            scan.start_line = line_no;
            scan.walk(body);
        }
        if !scan.in_logical_line() && scan.last.is_some() {
            header = (scan.last == Some(':')).then_some(scan.start_line);
            scan.last = None;
        }
    }
    header.map(|at| IndentProblem {
        line: line_no,
        col: 1,
        kind: "IndentationError",
        message: format!("expected an indented block after line {at}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn at(text: &str) -> Option<(usize, &'static str)> {
        first_problem(text).map(|p| (p.line, p.kind))
    }

    #[test]
    fn valid_layouts_pass() {
        for text in [
            "def f(x):\n    if x:\n        return 1\n    return 2\n",
            "def f(x):\n    y = (1,\n  2)\n    s = \"\"\"\nno indent rules\n        here\"\"\"\n    return \\\n        y\n",
            "class A: pass\nx = {\n    'a': 1,\n}\n# comment\n        # indented comment\n\ndef g():\n\n    return x[1:]\n",
            "def f():\n\tif 1:\n\t\treturn 2\n\treturn 3\n",
            "if x:  # a comment: with a colon\n    pass\n",
        ] {
            assert_eq!(first_problem(text), None, "{text}");
        }
    }

    #[test]
    fn the_mistakes_tree_sitter_lets_through_are_found() {
        assert_eq!(
            at("def f(x):\n    y = 1\n        return y\n"),
            Some((3, "IndentationError"))
        );
        assert_eq!(
            at("def f(x):\n    if x:\n        y = 1\n      return y\n"),
            Some((4, "IndentationError"))
        );
        assert_eq!(at("def f(x):\nreturn 1\n"), Some((2, "IndentationError")));
        assert_eq!(
            at("def f(x):\n    if x:\n\treturn 1\n"),
            Some((3, "TabError"))
        );
        assert_eq!(at("def f(x):\n"), Some((2, "IndentationError")));
    }
}
