//! Every malformed-sketch case of issue 2: each gives `file:line:col: message` (with the
//! offending line and a caret) and never a panic.

use std::io::Write;

use anpl::sketch::{parse_file, parse_source, Diagnostic, ParseOptions, SketchError};
use pretty_assertions::assert_eq;

fn diags(src: &str) -> Vec<Diagnostic> {
    diags_with(src, &ParseOptions::default())
}

fn diags_with(src: &str, opts: &ParseOptions) -> Vec<Diagnostic> {
    match parse_source("bad.py", src, opts) {
        Ok(s) => panic!("expected an error, parsed {} holes", s.holes.len()),
        Err(SketchError::Invalid(d)) => d,
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

/// (line, col, message contains)
fn assert_one(src: &str, line: usize, col: usize, needle: &str) {
    let d = diags(src);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!((d[0].line, d[0].col), (line, col), "{}", d[0]);
    assert!(
        d[0].message.contains(needle),
        "{:?} lacks {needle:?}",
        d[0].message
    );
}

#[test]
fn python_syntax_error() {
    let d = diags("def main(x):\n    return (x +\n\ndef other(:\n    pass\n");
    assert!(!d.is_empty());
    assert!(
        // In CPython's words when python3 is there (tests/cli_syntax_errors.rs), else the
        // parser's own.
        d.iter()
            .all(|d| d.message.contains("SyntaxError") || d.message.contains("syntax error")),
        "{d:#?}"
    );
    assert_eq!(d[0].file, "bad.py");
}

#[test]
fn error_renders_with_source_line_and_caret() {
    let e = parse_source(
        "bad.py",
        "def main(g):\n    return `find it(g)\n",
        &ParseOptions::default(),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(e.starts_with("bad.py:2:12: unterminated backtick"), "{e}");
    assert!(
        e.ends_with("\n        return `find it(g)\n               ^"),
        "{e}"
    );
}

#[test]
fn unterminated_backtick() {
    assert_one(
        "def main(g):\n    x = `find the object(g)\n    return x\n",
        2,
        9,
        "unterminated backtick",
    );
    // A description split over lines needs the triple-quoted form.
    let d = diags("def main(g):\n    x = `find the\n    object`(g)\n    return x\n");
    assert_eq!((d[0].line, d[0].col), (2, 9));
    assert!(
        d[0].message.contains("\"\"\"description\"\"\"(args)"),
        "{}",
        d[0]
    );
}

#[test]
fn backtick_outside_a_call() {
    assert_one(
        "def main(g):\n    x = `not called`\n    return x\n",
        2,
        9,
        "only allowed as a hole call",
    );
}

#[test]
fn empty_descriptions() {
    assert_one(
        "def main(g):\n    return ``(g)\n",
        2,
        12,
        "empty description",
    );
    assert_one(
        "def main(g):\n    return \"  \"(g)\n",
        2,
        12,
        "empty description",
    );
    assert_one(
        "def f(g):\n    \"\"\"   \"\"\"\ndef main(g):\n    return f(g)\n",
        2,
        5,
        "empty description",
    );
}

#[test]
fn doctest_without_expected_value() {
    let src = "def f(x):\n    \"\"\"Double it.\n\n    >>> f(2)\n\n    \"\"\"\ndef main(x):\n    return f(x)\n";
    assert_one(src, 4, 5, "no expected value");
}

#[test]
fn doctest_with_unparsable_values() {
    let src = "def f(x):\n    \"\"\"Double it.\n\n    >>> f(2)\n    4 4 (\n    >>> f(2 +)\n    4\n    \"\"\"\ndef main(x):\n    return f(x)\n";
    let d = diags(src);
    assert_eq!(d.len(), 2, "{d:#?}");
    assert_eq!((d[0].line, d[0].col), (4, 5));
    assert!(d[0].message.contains("expected value `4 4 (`"), "{}", d[0]);
    assert_eq!((d[1].line, d[1].col), (6, 5));
    assert!(d[1].message.contains("not a Python expression"), "{}", d[1]);
}

#[test]
fn no_entry() {
    assert_one("import numpy as np\nx = 1\n", 1, 1, "no entry");
    assert_one(
        "def a():\n    return b()\ndef b():\n    return a()\n",
        1,
        1,
        "every function is called",
    );
}

#[test]
fn several_entries() {
    let d = diags("def a():\n    return 1\ndef b():\n    return 2\n");
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].line, d[0].col), (3, 1));
    assert!(
        d[0].message.contains("`a` (line 1), `b` (line 3)"),
        "{}",
        d[0]
    );
    assert!(d[0].message.contains("--entry"));
}

#[test]
fn unknown_entry_flag() {
    let opts = ParseOptions {
        entry: Some("solve".into()),
    };
    let d = diags_with("def main():\n    return 1\n", &opts);
    assert!(
        d[0].message.contains("no function or hole named `solve`"),
        "{}",
        d[0]
    );
}

#[test]
fn named_hole_sharing_a_name_with_a_function() {
    let src = "def f(x):\n    \"\"\"a hole\"\"\"\ndef f(x):\n    return x\ndef main(x):\n    return f(x)\n";
    assert_one(
        src,
        3,
        1,
        "`f` is defined here as a function and at line 1 as a hole",
    );
}

#[test]
fn two_descriptions_with_the_same_identifier() {
    let src = "def main(g):\n    a = \"Find the object.\"(g)\n    return \"find the object\"(a)\n";
    assert_one(src, 3, 12, "same identifier");
}

#[test]
fn same_hole_called_with_different_arguments() {
    let src = "def main(g):\n    a = \"find it\"(g)\n    return \"find it\"(a, 2)\n";
    assert_one(src, 3, 12, "the one at 2:9 share a description");
}

#[test]
fn f_string_bytes_and_concatenated_descriptions() {
    assert_one(
        "def main(g):\n    return f\"find {g}\"(g)\n",
        2,
        12,
        "f-string",
    );
    assert_one("def main(g):\n    return b\"find\"(g)\n", 2, 12, "bytes");
    assert_one(
        "def main(g):\n    return \"find\" \"it\"(g)\n",
        2,
        12,
        "one string literal",
    );
}

#[test]
fn python2_print_statement() {
    assert_one(
        "def main(g):\n    print g\n    return g\n",
        2,
        5,
        "Python 2",
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let src = "def main(g):\n    a = ``(g)\n    b = \"\"(a)\n    return `x`\n";
    let d = diags(src);
    let lines: Vec<usize> = d.iter().map(|d| d.line).collect();
    assert_eq!(lines, vec![2, 3, 4]);
}

#[test]
fn empty_file() {
    assert_one("", 1, 1, "empty");
    assert_one("\n\n   \n", 1, 1, "empty");
}

#[test]
fn not_utf8_file() {
    let mut f = match tempfile::NamedTempFile::new() {
        Ok(f) => f,
        Err(e) => panic!("{e}"),
    };
    let _ = f.write_all(b"def main(x):\n    return \"caf\xe9\"(x)\n");
    match parse_file(f.path(), &ParseOptions::default()) {
        Err(e @ SketchError::NotUtf8 { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.ends_with(":2:16: the file is not valid UTF-8 (byte 0xe9); save it as UTF-8"),
                "{msg}"
            );
            assert!(e.is_content_error());
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn missing_file_and_directory() {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let missing = dir.path().join("nope.py");
    match parse_file(&missing, &ParseOptions::default()) {
        Err(e @ SketchError::Io { .. }) => {
            assert!(
                e.to_string().contains("nope.py: cannot read the sketch"),
                "{e}"
            );
            assert!(!e.is_content_error());
        }
        other => panic!("unexpected {other:?}"),
    }
    match parse_file(dir.path(), &ParseOptions::default()) {
        Err(e @ SketchError::IsDirectory { .. }) => {
            assert!(
                e.to_string().ends_with("is a directory, not a sketch file"),
                "{e}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}
