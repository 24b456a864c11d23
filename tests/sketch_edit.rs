//! Edits anpl writes into the user's sketch: a new description or a new doctest lands at
//! the exact bytes, the rest of the file is unchanged, and the result parses back to what
//! was asked for.

use anpl::sketch::{add_example, parse_source, set_description, EditError, ParseOptions, Sketch};
use pretty_assertions::assert_eq;

const SRC: &str = "import re\n\ndef count_words(text: str) -> dict:\n    \"\"\"Count words.\n\n    >>> count_words('a a')\n    {'a': 2}\n    \"\"\"\n\ndef helper(x): return x\n\ndef main(text):\n    c = count_words(helper(text))\n    return `the top word`(c), \"it's short\"(c)\n";

fn parse(src: &str) -> Sketch {
    match parse_source("e.py", src, &ParseOptions::default()) {
        Ok(s) => s,
        Err(e) => panic!("{e}\n{src}"),
    }
}

fn ok(r: Result<String, EditError>) -> String {
    match r {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn named_description_keeps_doctests() {
    let s = parse(SRC);
    let new = ok(set_description(
        &s,
        "count_words",
        "Count each word,\nignoring \"case\".",
    ));
    let again = parse(&new);
    let h = again.hole("count_words");
    assert_eq!(
        h.map(|h| h.description.as_str()),
        Some("Count each word,\nignoring \"case\".")
    );
    assert_eq!(h.map(|h| h.examples.len()), Some(1));
    assert!(new.ends_with(&SRC[SRC.find("\n\ndef helper").unwrap_or(0)..]));
}

#[test]
fn inline_description_is_escaped_for_its_literal() {
    let s = parse(SRC);
    let id = s.holes[1].id.clone();
    let new = ok(set_description(&s, &id, "the `best` word\nby count"));
    assert!(
        new.contains("\"\"\"the `best` word\nby count\"\"\"(c)"),
        "{new}"
    );
    let again = parse(&new);
    assert_eq!(again.holes[1].description, "the `best` word\nby count");
    let id = s.holes[2].id.clone();
    let new = ok(set_description(&s, &id, "it's \"long\""));
    assert!(new.contains(r#""it's \"long\""(c)"#), "{new}");
    assert_eq!(parse(&new).holes[2].description, "it's \"long\"");
    assert_eq!(
        set_description(&s, &id, "  "),
        Err(EditError::EmptyDescription)
    );
}

#[test]
fn examples_are_added_to_docstrings() {
    let s = parse(SRC);
    let new = ok(add_example(
        &s,
        "count_words",
        "count_words('b')",
        "{'b': 1}",
    ));
    let ex = parse(&new).examples_of("count_words").to_vec();
    assert_eq!(ex.len(), 2);
    assert_eq!(
        (ex[1].call.as_str(), ex[1].expected.as_str()),
        ("count_words('b')", "{'b': 1}")
    );

    let new = ok(add_example(&s, "helper", "helper(3)", "3"));
    assert!(
        new.contains(
            "def helper(x):\n    \"\"\"\n    >>> helper(3)\n    3\n    \"\"\"\n    return x\n"
        ),
        "{new}"
    );
    assert_eq!(parse(&new).examples_of("helper").len(), 1);

    assert!(matches!(
        add_example(&s, "count_words", "count_words(", "1"),
        Err(EditError::BadExample(_))
    ));
    assert_eq!(
        add_example(&s, "nope", "nope()", "1"),
        Err(EditError::UnknownName("nope".into()))
    );
}
