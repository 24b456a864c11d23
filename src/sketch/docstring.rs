//! Reading string literals the way Python would: the description of a hole (a docstring or
//! the string of an inline call) and the doctest examples in a docstring. The parser hands
//! over a tree-sitter `string` node; this file returns the cleaned text, the byte span of the
//! prose (so an edit can rewrite exactly it) and the examples, each checked to be a Python
//! expression so a malformed doctest is reported at its own line instead of failing later.

use std::ops::Range;

use tree_sitter::{Node, Parser};

use super::error::Diagnostic;
use super::model::Example;
use super::source::SourceText;

/// What a string literal is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Literal {
    /// Letters before the quote (`r`, `f`, `b`, `u`, any case).
    pub prefix: String,
    /// The opening (and closing) delimiter: `"`, `'`, `"""`, `'''` or `` ` ``.
    pub quote: String,
    /// Byte span of the text between the delimiters.
    pub content: Range<usize>,
    pub has_interpolation: bool,
}

impl Literal {
    pub fn of(node: Node, text: &str) -> Option<Literal> {
        let mut cursor = node.walk();
        let mut start = None;
        let mut end = None;
        let mut has_interpolation = false;
        for child in node.children(&mut cursor) {
            match child.kind() {
                "string_start" => start = Some(child),
                "string_end" => end = Some(child),
                "interpolation" => has_interpolation = true,
                _ => {}
            }
        }
        let (start, end) = (start?, end?);
        let open = text.get(start.byte_range())?;
        let quote_at = open.find(['"', '\'', '`'])?;
        Some(Literal {
            prefix: open[..quote_at].to_string(),
            quote: open[quote_at..].to_string(),
            content: start.end_byte()..end.start_byte(),
            has_interpolation,
        })
    }

    pub fn is_raw(&self) -> bool {
        self.prefix.contains(['r', 'R'])
    }
    pub fn is_bytes(&self) -> bool {
        self.prefix.contains(['b', 'B'])
    }
    pub fn is_format(&self) -> bool {
        self.prefix.contains(['f', 'F', 't', 'T'])
    }
    pub fn is_backtick(&self) -> bool {
        self.quote == "`"
    }
    pub fn is_triple(&self) -> bool {
        self.quote.len() == 3
    }
}

/// Decode Python escape sequences in a non-raw literal. Unknown escapes keep their
/// backslash, as Python does.
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\n') => {}
            Some('\r') => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some(k @ ('x' | 'u' | 'U')) => {
                let n = match k {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.clone().take(n).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == n => {
                        out.push(ch);
                        for _ in 0..n {
                            chars.next();
                        }
                    }
                    _ => {
                        out.push('\\');
                        out.push(k);
                    }
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `inspect.cleandoc`: strip the first line's leading space, the common indentation of the
/// other lines, and leading and trailing blank lines.
pub(crate) fn cleandoc(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let margin = lines
        .iter()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        if i == 0 {
            out.push(l.trim_start().trim_end().to_string());
        } else {
            out.push(l.get(margin..).unwrap_or("").trim_end().to_string());
        }
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Checks that text is a Python expression, with a reusable parser.
pub(crate) struct ExprChecker {
    parser: Parser,
}

impl ExprChecker {
    pub fn new() -> Option<ExprChecker> {
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .ok()?;
        Some(ExprChecker { parser })
    }

    /// True when `expr` parses as one Python expression (it may span lines).
    pub fn is_expression(&mut self, expr: &str) -> bool {
        if expr.trim().is_empty() || expr.contains('`') {
            return false;
        }
        // Parenthesised so that an expression split over lines is one logical line.
        let wrapped = format!("(\n{expr}\n)\n");
        let Some(tree) = self.parser.parse(&wrapped, None) else {
            return false;
        };
        let root = tree.root_node();
        !root.has_error()
            && root.named_child_count() == 1
            && root
                .named_child(0)
                .is_some_and(|s| s.kind() == "expression_statement")
    }

    /// `is_expression` for each of `exprs`, with one parse of them all, each wrapped as
    /// `is_expression` wraps it, one after the other. When that parse is clean and each
    /// wrapped piece is exactly one expression statement, each piece alone parses the same
    /// way; otherwise (some piece is bad, or pieces run into each other) every expression
    /// is checked on its own, so the answer is always the one-by-one answer.
    pub fn are_expressions(&mut self, exprs: &[&str]) -> Vec<bool> {
        let mut out = vec![false; exprs.len()];
        let mut batch = String::new();
        let mut pieces: Vec<(usize, Range<usize>)> = Vec::new();
        for (i, expr) in exprs.iter().enumerate() {
            if expr.trim().is_empty() || expr.contains('`') {
                continue;
            }
            let start = batch.len();
            batch.push_str("(\n");
            batch.push_str(expr);
            batch.push_str("\n)\n");
            pieces.push((i, start..batch.len()));
        }
        if pieces.is_empty() {
            return out;
        }
        if self.batch_is_clean(&batch, &pieces) {
            for (i, _) in pieces {
                out[i] = true;
            }
        } else {
            for (i, _) in pieces {
                out[i] = self.is_expression(exprs[i]);
            }
        }
        out
    }

    fn batch_is_clean(&mut self, batch: &str, pieces: &[(usize, Range<usize>)]) -> bool {
        let Some(tree) = self.parser.parse(batch, None) else {
            return false;
        };
        let root = tree.root_node();
        if root.has_error() || root.named_child_count() != pieces.len() {
            return false;
        }
        let mut cursor = root.walk();
        let clean = root
            .named_children(&mut cursor)
            .zip(pieces)
            .all(|(stmt, (_, piece))| {
                stmt.kind() == "expression_statement"
                    && stmt.start_byte() == piece.start
                    && stmt.end_byte() <= piece.end
            });
        clean
    }
}

/// A docstring read into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Docstring {
    /// The whole docstring, cleaned like `inspect.cleandoc`.
    pub text: String,
    /// The prose before the first example, cleaned.
    pub prose: String,
    /// Byte span of that prose in the source (empty at the content start when there is none).
    pub prose_span: Range<usize>,
    /// Checked examples: empty until [`check_examples`] has run.
    pub examples: Vec<Example>,
    /// Examples read but not yet checked to be Python.
    pub pending: Vec<PendingExample>,
}

/// A doctest as written, waiting for [`check_examples`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PendingExample {
    pub example: Example,
    /// Byte offset of its `>>>`, where a problem is reported.
    pub prompt_at: usize,
}

/// Read a docstring literal: its prose and doctest examples. Problems are pushed to `diags`;
/// the examples are left in `pending` for [`check_examples`].
pub(crate) fn read_docstring(
    src: &SourceText,
    lit: &Literal,
    checker: &mut ExprChecker,
    diags: &mut Vec<Diagnostic>,
) -> Docstring {
    let raw = src.text.get(lit.content.clone()).unwrap_or("");
    let decode = |s: &str| {
        if lit.is_raw() {
            s.to_string()
        } else {
            unescape(s)
        }
    };
    // Lines with their byte offsets in the source.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = lit.content.start;
    for piece in raw.split('\n') {
        lines.push((at, piece.trim_end_matches('\r')));
        at += piece.len() + 1;
    }
    let is_prompt = |l: &str| l.trim_start().starts_with(">>>");
    let first_example = lines.iter().position(|(_, l)| is_prompt(l));
    let prose_lines = &lines[..first_example.unwrap_or(lines.len())];

    let prose_span = {
        let start = prose_lines
            .iter()
            .find(|(_, l)| !l.trim().is_empty())
            .map(|(o, l)| o + (l.len() - l.trim_start().len()));
        let end = prose_lines
            .iter()
            .rev()
            .find(|(_, l)| !l.trim().is_empty())
            .map(|(o, l)| o + l.trim_end().len());
        match (start, end) {
            (Some(s), Some(e)) if s <= e => s..e,
            _ => lit.content.start..lit.content.start,
        }
    };
    let prose = cleandoc(&decode(src.text.get(prose_span.clone()).unwrap_or("")));

    let mut pending = Vec::new();
    let mut i = first_example.unwrap_or(lines.len());
    while i < lines.len() {
        let (offset, line) = lines[i];
        if !is_prompt(line) {
            i += 1;
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let prompt_at = offset + indent.len();
        let mut call = strip_marker(line.trim_start(), ">>>").to_string();
        i += 1;
        while i < lines.len() && lines[i].1.trim_start().starts_with("...") {
            let cont = lines[i].1.trim_start();
            // A bare `...` line could be an Ellipsis result; only treat it as a
            // continuation when the call is visibly unfinished.
            if cont.trim() == "..." && call_is_complete(checker, &call) {
                break;
            }
            call.push('\n');
            call.push_str(strip_marker(cont, "..."));
            i += 1;
        }
        let mut expected_lines: Vec<&str> = Vec::new();
        while i < lines.len() && !lines[i].1.trim().is_empty() && !is_prompt(lines[i].1) {
            let l = lines[i].1;
            expected_lines.push(l.strip_prefix(indent).unwrap_or(l.trim_start()));
            i += 1;
        }
        let call = decode(call.trim_end());
        let expected = decode(expected_lines.join("\n").trim_end());
        let (line_no, _) = src.line_col(prompt_at);
        if call.trim().is_empty() {
            diags.push(src.diag(prompt_at, "doctest `>>>` with nothing after it"));
        } else if expected.trim().is_empty() {
            diags.push(src.diag(
                prompt_at,
                format!(
                    "doctest `>>> {}` has no expected value: write the value it must return on the next line",
                    first_line(&call)
                ),
            ));
        } else {
            pending.push(PendingExample {
                example: Example::new(call, expected, line_no),
                prompt_at,
            });
        }
    }

    Docstring {
        text: cleandoc(&decode(raw)),
        prose,
        prose_span,
        examples: Vec::new(),
        pending,
    }
}

/// Check the doctests of many docstrings at once: a doctest whose call and expected value
/// are Python expressions moves to its docstring's `examples`, any other is reported.
/// One batch parse covers the whole file (a parse per expression would cost more than
/// parsing the sketch's own code).
pub(crate) fn check_examples<'d>(
    src: &SourceText,
    docs: impl IntoIterator<Item = &'d mut Docstring>,
    checker: &mut ExprChecker,
    diags: &mut Vec<Diagnostic>,
) {
    let mut docs: Vec<&mut Docstring> =
        docs.into_iter().filter(|d| !d.pending.is_empty()).collect();
    let exprs: Vec<&str> = docs
        .iter()
        .flat_map(|d| &d.pending)
        .flat_map(|p| [p.example.call.as_str(), p.example.expected.as_str()])
        .collect();
    let valid = checker.are_expressions(&exprs);
    let mut verdicts = valid.chunks(2);
    for doc in &mut docs {
        for p in std::mem::take(&mut doc.pending) {
            let (call_ok, expected_ok) = match verdicts.next() {
                Some(&[c, e]) => (c, e),
                _ => (false, false),
            };
            let Example { call, expected, .. } = &p.example;
            if !call_ok {
                diags.push(src.diag(
                    p.prompt_at,
                    format!(
                        "doctest call `{}` is not a Python expression",
                        first_line(call)
                    ),
                ));
            } else if !expected_ok {
                diags.push(src.diag(
                    p.prompt_at,
                    format!(
                        "expected value `{}` of doctest `{}` is not a Python expression",
                        first_line(expected),
                        first_line(call)
                    ),
                ));
            } else {
                doc.examples.push(p.example);
            }
        }
    }
}

fn strip_marker<'a>(line: &'a str, marker: &str) -> &'a str {
    let rest = line.strip_prefix(marker).unwrap_or(line);
    rest.strip_prefix(' ').unwrap_or(rest)
}

fn call_is_complete(checker: &mut ExprChecker, call: &str) -> bool {
    checker.is_expression(call)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn cleandoc_matches_python() {
        assert_eq!(
            cleandoc("\n    Find it.\n\n      Indented more.\n    "),
            "Find it.\n\n  Indented more."
        );
        assert_eq!(cleandoc("one line  "), "one line");
    }

    #[test]
    fn unescape_handles_common_and_unknown_escapes() {
        assert_eq!(unescape(r"a\nb\t\\ \d \x41\u00e9"), "a\nb\t\\ \\d Aé");
    }

    #[test]
    fn expression_checker_accepts_multiline_values() {
        let Some(mut c) = ExprChecker::new() else {
            panic!("python grammar");
        };
        assert!(c.is_expression("array([[1, 2],\n       [3, 4]])"));
        assert!(c.is_expression("{'a': 2}"));
        assert!(!c.is_expression("Traceback (most recent call last):"));
        assert!(!c.is_expression("x = 3"));
        assert!(!c.is_expression(""));
    }

    #[test]
    fn batch_check_agrees_with_one_by_one() {
        let Some(mut c) = ExprChecker::new() else {
            panic!("python grammar");
        };
        let cases: [&[&str]; 5] = [
            &["f(1)", "array([[1, 2],\n       [3, 4]])", "{'a': 2}"],
            // A bad piece forces the one-by-one fallback without spoiling the good ones.
            &[
                "f(1)",
                "x = 3",
                "Traceback (most recent call last):",
                "[1, 2]",
            ],
            // Pieces that would join into one statement if not checked alone.
            &["\"\"\"a", "b\"\"\"", "1) + (2", "1)\n(2"],
            &["", "`x`", "g(2)  # two"],
            &[],
        ];
        for exprs in cases {
            let one_by_one: Vec<bool> = exprs.iter().map(|e| c.is_expression(e)).collect();
            assert_eq!(c.are_expressions(exprs), one_by_one, "{exprs:?}");
        }
    }
}
