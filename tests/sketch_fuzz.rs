//! The parser never panics: arbitrary bytes, and arbitrary mutations of the example
//! sketches (deleted, inserted and duplicated text, with the characters that matter to
//! Python and to holes). Whatever parses also renders without panicking.

use std::collections::BTreeMap;
use std::path::Path;

use anpl::sketch::{parse_source, render, ParseOptions, RenderMode};
use proptest::prelude::*;

fn examples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "py") {
                if let Ok(t) = std::fs::read_to_string(e.path()) {
                    out.push(t);
                }
            }
        }
    }
    out.sort();
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, String),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let snippet = prop_oneof![
        Just("`".to_string()),
        Just("\"\"\"".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(":\n".to_string()),
        Just("\n\t".to_string()),
        Just("\r\n".to_string()),
        Just(">>> ".to_string()),
        Just("def x(".to_string()),
        Just("\\".to_string()),
        Just("\u{feff}".to_string()),
        Just("é".to_string()),
        "[ -~]{0,6}",
    ];
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), snippet).prop_map(|(a, s)| Mutation::Insert(a, s)),
        (any::<usize>(), 0usize..80).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
    ]
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(mut s: String, muts: &[Mutation]) -> String {
    for m in muts {
        if s.is_empty() {
            break;
        }
        match m {
            Mutation::Delete(a, n) => {
                let a = floor_char(&s, a % s.len());
                let b = floor_char(&s, a + n);
                s.replace_range(a..b, "");
            }
            Mutation::Insert(a, text) => {
                let a = floor_char(&s, a % s.len());
                s.insert_str(a, text);
            }
            Mutation::Duplicate(a, n) => {
                let a = floor_char(&s, a % s.len());
                let b = floor_char(&s, a + n);
                let piece = s[a..b].to_string();
                s.insert_str(b, &piece);
            }
        }
    }
    s
}

fn exercise(text: &str) {
    if let Ok(s) = parse_source("fuzz.py", text, &ParseOptions::default()) {
        for h in &s.holes {
            assert!(s.source.get(h.desc_span.clone()).is_some());
            let _ = anpl::sketch::stub(h);
            let _ = s.dependents(&h.id);
        }
        let _ = s.tree();
        if let Ok(r) = render(&s, &BTreeMap::new(), RenderMode::Run) {
            assert_eq!(r.line_map.len(), r.source.lines().count());
        }
    } else if let Err(e) = parse_source("fuzz.py", text, &ParseOptions::default()) {
        // Every error names the file and a position.
        assert!(e.to_string().starts_with("fuzz.py:"), "{e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_examples_never_panic(which in any::<usize>(), muts in proptest::collection::vec(mutation(), 1..6)) {
        let all = examples();
        prop_assume!(!all.is_empty());
        let base = all[which % all.len()].clone();
        exercise(&apply(base, &muts));
    }
}

#[test]
fn arbitrary_bytes_through_a_file_never_panic() {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let path = dir.path().join("s.py");
    for bytes in [
        &b"\xff\xfe"[..],
        b"\xef\xbb\xbf",
        b"def main():\n  `\xc3",
        b"\0\0\0",
    ] {
        if let Err(e) = std::fs::write(&path, bytes) {
            panic!("{e}");
        }
        let _ = anpl::sketch::parse_file(&path, &ParseOptions::default());
    }
}
