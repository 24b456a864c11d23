//! Diagnostics for a file tree-sitter could not parse: every ERROR and MISSING node, with
//! the unterminated backtick (the sketch author's commonest slip) said in so many words.

use tree_sitter::Node;

use crate::sketch::error::Diagnostic;
use crate::sketch::source::SourceText;

/// Report every ERROR and MISSING node, with a specific message for the mistakes sketch
/// authors make (an unterminated backtick). These are what the user sees when `python3`
/// cannot say what the error is (`pysyntax`).
pub(super) fn syntax_errors(src: &SourceText, root: Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !root.has_error() {
        return out;
    }
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.is_missing() {
            out.push(missing_diag(src, n));
            continue;
        }
        if n.is_error() {
            out.push(error_diag(src, n));
            continue;
        }
        if !n.has_error() {
            continue;
        }
        let mut cursor = n.walk();
        let children: Vec<Node> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out.sort_by_key(|d| (d.line, d.col));
    out.dedup_by_key(|d| d.line);
    out.truncate(50);
    out
}

pub(super) const BACKTICK_HELP: &str =
    "unterminated backtick: close the description on the same line, \
     as `description`(args), or write a multi-line one as \"\"\"description\"\"\"(args)";

fn error_diag(src: &SourceText, n: Node) -> Diagnostic {
    // An unterminated backtick shows up as a string start without its end.
    let mut stack = vec![n];
    while let Some(m) = stack.pop() {
        if m.kind() == "string_start"
            && src
                .text
                .get(m.byte_range())
                .is_some_and(|t| t.ends_with('`'))
        {
            let closed = m.parent().is_some_and(|p| {
                p.kind() == "string"
                    && p.child(p.child_count().saturating_sub(1))
                        .is_some_and(|e| e.kind() == "string_end" && !e.is_missing())
            });
            if !closed {
                return src.diag(m.start_byte(), BACKTICK_HELP);
            }
        }
        let mut cursor = m.walk();
        stack.extend(m.children(&mut cursor));
    }
    let text = src.text.get(n.byte_range()).unwrap_or("");
    let token: String = text
        .split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .take(20)
        .collect();
    if token.is_empty() {
        src.diag(n.start_byte(), "syntax error")
    } else {
        src.diag(n.start_byte(), format!("syntax error near `{token}`"))
    }
}

fn missing_diag(src: &SourceText, n: Node) -> Diagnostic {
    if n.kind() == "string_end" {
        let backtick = n
            .parent()
            .and_then(|p| p.child(0))
            .and_then(|s| src.text.get(s.byte_range()))
            .is_some_and(|t| t.ends_with('`'));
        let at = n.parent().map_or(n.start_byte(), |p| p.start_byte());
        return if backtick {
            src.diag(at, BACKTICK_HELP)
        } else {
            src.diag(at, "unterminated string")
        };
    }
    src.diag(
        n.start_byte(),
        format!("syntax error: missing `{}`", n.kind()),
    )
}
