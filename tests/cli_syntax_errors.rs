//! Syntax errors through the real `anpl check`: each malformed sketch gets the message and
//! the `file:line:col` that `python3` itself gives (compared with what this machine's
//! python3 says, and with the wording Python 3.10+ uses for the common mistakes), and without
//! python3 the parser's own message still says where.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

/// `anpl check bad.py` on `source`, with `path` as PATH if given.
fn check(dir: &Path, source: &str, path: Option<&str>) -> Output {
    std::fs::write(dir.join("bad.py"), source).unwrap();
    let mut cmd = support::bin::command(dir);
    cmd.args(["check", "bad.py"]);
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    support::bin::output(&mut cmd)
}

/// What `python3` says about `source`: `bad.py:LINE:COL: Kind: message`.
fn cpython(source: &str) -> String {
    let script = "import sys\nsrc = sys.stdin.read()\ntry:\n    compile(src, 'bad.py', 'exec')\n    print('compiles')\nexcept SyntaxError as e:\n    print('bad.py:%d:%d: %s: %s' % (e.lineno, e.offset, type(e).__name__, e.msg))\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(source.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// (name, sketch, the first line of anpl's report as Python 3.10+ words it)
const CASES: &[(&str, &str, &str)] = &[
    (
        "missing colon",
        "def main(x):\n    if x > 1\n        return 1\n    return 0\n",
        "bad.py:2:13: SyntaxError: expected ':'",
    ),
    (
        "missing colon after def",
        "def main(x)\n    return x\n",
        "bad.py:1:12: SyntaxError: expected ':'",
    ),
    (
        "unclosed paren",
        "def main(x):\n    return (x + 1\n",
        "bad.py:2:12: SyntaxError: '(' was never closed",
    ),
    (
        "unclosed bracket before another def",
        "def main(x):\n    y = [1, 2\n    return y\n\ndef other():\n    pass\n",
        "bad.py:2:9: SyntaxError: '[' was never closed",
    ),
    (
        "unclosed brace",
        "def main(x):\n    y = {'a': 1\n\ndef g():\n    pass\n",
        "bad.py:2:9: SyntaxError: '{' was never closed",
    ),
    (
        "stray closing paren",
        "def main(x):\n    return x)\n",
        "bad.py:2:13: SyntaxError: unmatched ')'",
    ),
    (
        "mismatched bracket",
        "def main(x):\n    return [x)\n",
        "bad.py:2:14: SyntaxError: closing parenthesis ')' does not match opening parenthesis '['",
    ),
    (
        "unterminated string",
        "def main(x):\n    return 'abc\n",
        "bad.py:2:12: SyntaxError: unterminated string literal (detected at line 2)",
    ),
    (
        "unterminated triple-quoted docstring",
        "def main(x):\n    \"\"\"Do it.\n    return x\n",
        "bad.py:2:5: SyntaxError: unterminated triple-quoted string literal (detected at line 3)",
    ),
    (
        "unexpected indent",
        "def main(x):\n    y = 1\n        return y\n",
        "bad.py:3:8: IndentationError: unexpected indent",
    ),
    (
        "unindent to no block",
        "def main(x):\n    if x:\n        y = 1\n      return y\n",
        "bad.py:4:15: IndentationError: unindent does not match any outer indentation level",
    ),
    (
        "no indented block",
        "def main(x):\nreturn x\n",
        "bad.py:2:1: IndentationError: expected an indented block after function definition on line 1",
    ),
    (
        "tabs and spaces",
        "def main(x):\n    if x:\n\treturn 1\n    return 2\n",
        "bad.py:3:1: TabError: inconsistent use of tabs and spaces in indentation",
    ),
    (
        "mistake inside an inline hole's call",
        "def main(x):\n    y = \"double it\"(x +)\n    return `add one`(y)\n",
        "bad.py:2:24: SyntaxError: invalid syntax",
    ),
    (
        "mistake after a backtick hole keeps its column",
        "def main(x):\n    y = `double the value`(x) + (\n    return y\n",
        "bad.py:2:33: SyntaxError: '(' was never closed",
    ),
    (
        "non-ASCII text before the mistake",
        "def main(x):\n    s = 'héllo wörld' + (x\n",
        "bad.py:2:25: SyntaxError: '(' was never closed",
    ),
    (
        "assignment in a condition",
        "def main(x):\n    if x = 1:\n        return 1\n",
        "bad.py:2:8: SyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
    ),
];

// Regression: tree-sitter's ERROR nodes gave "syntax error near `if`" at the start of the
// statement, or nothing at all for indentation mistakes, instead of CPython's message at
// CPython's position.
#[test]
fn syntax_errors_were_vaguer_than_cpython_and_misplaced() {
    let have_python = Command::new("python3").arg("-V").output().is_ok();
    assert!(have_python, "these tests need python3");
    let dir = tempfile::tempdir().unwrap();
    for (name, source, want) in CASES {
        let out = check(dir.path(), source, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        let first = stderr.lines().next().unwrap_or("");
        // Exactly what this machine's python3 says, position and words.
        let python = cpython(&source.replace('`', "\""));
        assert_eq!(first, python, "{name}: anpl vs python3");
        // And, with Python 3.10 or later, the wording users know.
        assert_eq!(first, *want, "{name}");
        // The offending line and a caret follow.
        assert!(
            stderr.lines().nth(1).is_some_and(|l| l.starts_with("    ")),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn unterminated_backtick_keeps_anpls_advice() {
    let dir = tempfile::tempdir().unwrap();
    let out = check(
        dir.path(),
        "def main(g):\n    x = `find the object(g)\n    return x\n",
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.starts_with(
            "bad.py:2:9: unterminated backtick: close the description on the same line"
        ),
        "{stderr}"
    );
}

// Without python3 anpl still reports every syntax error with a position, in its parser's
// words; valid sketches never needed python3 to be checked.
#[test]
fn without_python3_the_parser_message_stands() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("no-python");
    std::fs::create_dir(&empty).unwrap();
    let path = empty.display().to_string();
    let out = check(
        dir.path(),
        "def main(x):\n    if x > 1\n        return 1\n",
        Some(&path),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("bad.py:2:"), "{stderr}");
    assert!(stderr.contains("syntax error"), "{stderr}");

    let out = check(
        dir.path(),
        "def main(x):\n    \"\"\"\n    >>> main(1)\n    1\n    \"\"\"\n    return x\n",
        Some(&path),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// Newer syntax that Python accepts but anpl's grammar cannot read is not called a mistake
// in the user's code.
#[test]
fn syntax_python_accepts_is_not_blamed_on_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let source = "def main(x):\n    match x:\n        case [a, *rest] if a > 0:\n            return a\n        case _:\n            return 0\n";
    if cpython(source) != "compiles" {
        return;
    }
    let out = check(dir.path(), source, None);
    // tree-sitter-python reads match statements; whichever way, no false "SyntaxError".
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("SyntaxError"), "{stderr}");
}
