//! Syntax errors in CPython's words: when tree-sitter finds an error in a sketch, `parse`
//! asks CPython where and what it is, so the user reads what `python3` would say
//! (`expected ':'`, `'(' was never closed`, `unterminated string literal`, `unexpected
//! indent`…) at the line and column `python3` would give.
//!
//! Tree-sitter recovers from errors by guessing, so its ERROR nodes often start a few tokens
//! away from the mistake and carry no reason. CPython's parser was built to explain
//! mistakes, so a short-lived `python3 -I -S` compiles the text (`compile()` only parses and
//! compiles; nothing in the sketch is executed) and reports the first `SyntaxError`. Backtick
//! holes are not Python 3, so each `` `description` `` is first turned into a string of the
//! same length (`"description"`): positions stay exact and CPython judges everything else.
//! An unpaired backtick is left for CPython to trip on, and that error gets anpl's own advice.
//!
//! Valid sketches never get here: tree-sitter parses them without an error and the
//! indentation scan (`indent`) finds nothing, so `python3` is only started for a sketch that
//! has a mistake. When `python3` cannot be run (missing, too slow, crashed) the tree-sitter
//! diagnostics stand. When CPython compiles the text that tree-sitter could not parse, the
//! syntax is newer than anpl's grammar, and the diagnostic says so.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::error::Diagnostic;
use super::source::SourceText;

/// How long CPython may take to compile a sketch before anpl gives up on it.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Reads the source on stdin, compiles it, and prints one JSON line: `{"ok": true}`,
/// `{"kind", "msg", "line", "col"}` for a syntax error, or `{"fail": "..."}`. Columns are
/// 1-based characters (CPython before 3.10 counted some in UTF-8 bytes; converted here).
const SCRIPT: &str = r#"
import json, sys, warnings
warnings.simplefilter("ignore")
src = sys.stdin.buffer.read().decode("utf-8")
try:
    compile(src, sys.argv[1], "exec", dont_inherit=True)
    out = {"ok": True}
except SyntaxError as e:
    col = e.offset or 1
    if sys.version_info < (3, 10) and e.text:
        col = len(e.text.encode("utf-8")[: col - 1].decode("utf-8", "ignore")) + 1
    out = {"kind": type(e).__name__, "msg": e.msg, "line": e.lineno, "col": col}
except Exception as e:
    out = {"fail": "%s: %s" % (type(e).__name__, e)}
sys.stdout.write(json.dumps(out))
"#;

/// What CPython said about a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// `kind` is the exception's class: `SyntaxError`, `IndentationError`, `TabError`.
    Error {
        kind: String,
        message: String,
        line: usize,
        col: usize,
    },
    Compiles,
    /// `python3` could not give an answer; the reason is for tests and debugging.
    Unavailable(String),
}

/// The diagnostics to show for a sketch in which anpl found the errors `found`: tree-sitter's
/// (`tree_broken`: the tree is unusable whatever CPython says) or the indentation scan's (a
/// suspicion CPython confirms or clears). Empty when the sketch is fine after all.
pub(crate) fn explain(
    src: &SourceText,
    found: Vec<Diagnostic>,
    tree_broken: bool,
    backtick_help: &str,
) -> Vec<Diagnostic> {
    match ask_cpython(&src.text, &src.file) {
        Verdict::Error {
            kind,
            message,
            line,
            col,
        } => {
            let line_text = src.line_text(line);
            let at_backtick = line_text.chars().nth(col.saturating_sub(1)) == Some('`');
            let message = if at_backtick {
                backtick_help.to_string()
            } else {
                format!("{kind}: {message}")
            };
            vec![Diagnostic {
                file: src.file.clone(),
                line,
                col: col.max(1),
                message,
                source_line: line_text.to_string(),
            }]
        }
        Verdict::Compiles if !tree_broken => Vec::new(),
        Verdict::Compiles => found
            .into_iter()
            .map(|mut d| {
                d.message.push_str(
                    " (python3 accepts this file, but anpl's Python grammar does not: rewrite this line with older syntax)",
                );
                d
            })
            .collect(),
        Verdict::Unavailable(_) => found,
    }
}

/// Compile `text` with the `python3` on PATH and report its verdict.
pub(crate) fn ask_cpython(text: &str, file: &str) -> Verdict {
    let prepared = backticks_as_strings(text);
    let child = Command::new("python3")
        .args(["-I", "-S", "-c", SCRIPT, file])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return Verdict::Unavailable(format!("cannot start python3: {e}")),
    };
    // Written from a thread: a large sketch fills the pipe before python3 reads it all.
    let writer = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(prepared.as_bytes());
        })
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() < TIMEOUT => std::thread::sleep(Duration::from_millis(2)),
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Verdict::Unavailable("python3 did not answer in time".to_string());
            }
        }
    };
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_string(&mut out);
    }
    if !status.success() {
        return Verdict::Unavailable(format!("python3 exited with {status}"));
    }
    parse_verdict(&out)
}

fn parse_verdict(out: &str) -> Verdict {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(out) else {
        return Verdict::Unavailable(format!("unreadable answer from python3: {out:?}"));
    };
    if value["ok"] == serde_json::Value::Bool(true) {
        return Verdict::Compiles;
    }
    let field = |k: &str| value[k].as_str().map(str::to_string);
    let number = |k: &str| value[k].as_u64().map(|n| n as usize);
    match (field("kind"), field("msg"), number("line"), number("col")) {
        (Some(kind), Some(message), Some(line), Some(col)) if line > 0 => Verdict::Error {
            kind,
            message,
            line,
            col,
        },
        // No position (a null byte, nesting too deep): tree-sitter's diagnostics are better.
        _ => Verdict::Unavailable(field("fail").unwrap_or_else(|| out.to_string())),
    }
}

/// The text with every backtick description on one line, `` `desc` ``, turned into a string
/// literal of the same length, so that CPython can compile the rest. Backticks inside
/// strings and comments are left alone, as is a backtick without a partner on its line.
pub(crate) fn backticks_as_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' => i += 2,
            '\'' | '"' => i = skip_string(&chars, i),
            '`' => {
                let close = chars[i + 1..]
                    .iter()
                    .take_while(|&&c| c != '\n')
                    .position(|&c| c == '`')
                    .map(|p| i + 1 + p);
                match close {
                    Some(close) => {
                        out[i] = '"';
                        out[close] = '"';
                        for c in &mut out[i + 1..close] {
                            // Keep one character for one: columns must not move.
                            if *c == '"' || *c == '\\' {
                                *c = ' ';
                            }
                        }
                        i = close + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out.into_iter().collect()
}

/// The index just past the string literal that opens at `start` (at its quote), or the end
/// of the line for an unterminated single-quoted one.
fn skip_string(chars: &[char], start: usize) -> usize {
    let quote = chars[start];
    let triple = chars.get(start + 1) == Some(&quote) && chars.get(start + 2) == Some(&quote);
    let mut i = start + if triple { 3 } else { 1 };
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            i += 2;
            continue;
        }
        if !triple && c == '\n' {
            return i;
        }
        if c == quote {
            if !triple {
                return i + 1;
            }
            if chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote) {
                return i + 3;
            }
        }
        i += 1;
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn backtick_descriptions_become_strings_of_the_same_length() {
        let text = "x = `find \"it\" \\ now`(g)  # a `comment`\ny = '`kept`' + \"\"\"\n`also kept`\"\"\"\nz = `open(g)\n";
        let out = backticks_as_strings(text);
        assert_eq!(
            out,
            "x = \"find  it    now\"(g)  # a `comment`\ny = '`kept`' + \"\"\"\n`also kept`\"\"\"\nz = `open(g)\n"
        );
        assert_eq!(out.chars().count(), text.chars().count());
    }

    #[test]
    fn verdicts_are_read_from_the_answer() {
        assert_eq!(parse_verdict(r#"{"ok": true}"#), Verdict::Compiles);
        assert_eq!(
            parse_verdict(
                r#"{"kind": "SyntaxError", "msg": "expected ':'", "line": 2, "col": 13}"#
            ),
            Verdict::Error {
                kind: "SyntaxError".into(),
                message: "expected ':'".into(),
                line: 2,
                col: 13
            }
        );
        assert!(matches!(
            parse_verdict(
                r#"{"kind": "SyntaxError", "msg": "null bytes", "line": null, "col": 1}"#
            ),
            Verdict::Unavailable(_)
        ));
        assert!(matches!(parse_verdict("garbage"), Verdict::Unavailable(_)));
    }
}
