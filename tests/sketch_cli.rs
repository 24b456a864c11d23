//! `anpl check` and `anpl holes` as a user runs them: exit codes, the tree, the JSON
//! document, and diagnostics with positions.

mod support;

use std::process::Output;

use pretty_assertions::assert_eq;
use support::bin::repo_file;

/// `anpl ARGS` (paths absolute) from an empty directory that is also HOME.
fn anpl(args: &[&str]) -> Output {
    let home = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    support::bin::output(support::bin::command(home.path()).args(args))
}

fn example(name: &str) -> String {
    repo_file(&format!("examples/{name}")).display().to_string()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn check_accepts_every_example() {
    for name in [
        "word_freq.py",
        "arc_recolor.py",
        "arc_decompose.py",
        "all_forms.py",
        "program_examples.py",
        "only_hole.py",
    ] {
        let out = anpl(&["check", &example(name)]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains(": ok: "),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn check_reports_problems_with_position_and_exit_1() {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let bad = dir.path().join("bad.py");
    if let Err(e) = std::fs::write(&bad, "def main(g):\n    a = ``(g)\n    return `x`\n") {
        panic!("{e}");
    }
    let out = anpl(&["check", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("bad.py:2:9: empty description"), "{err}");
    assert!(
        err.contains("bad.py:3:12: a backtick string is only allowed as a hole call"),
        "{err}"
    );
    assert!(err.contains("\n        a = ``(g)\n            ^"), "{err}");
    assert!(err.contains("2 problems found"), "{err}");

    let json = anpl(&["check", "--json", &bad.display().to_string()]);
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap_or_default();
    assert_eq!(v["ok"], serde_json::json!(false));
    assert_eq!(v["diagnostics"][0]["line"], serde_json::json!(2));

    let missing = anpl(&["check", &dir.path().join("nope.py").display().to_string()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("nope.py: cannot read the sketch"));
}

#[test]
fn holes_prints_the_tree() {
    let out = anpl(&["holes", &example("arc_decompose.py")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let tree = text(&out.stdout);
    let expected = "\
main(input_grid: np.ndarray) -> np.ndarray  (entry · 0 examples)
└── draw_frames(grid: np.ndarray) -> np.ndarray  (0 examples)
    ├── [inline-backtick] the_distinct_non_black_colours(grid) · 0 examples · the distinct non-black colours of the grid, sorted
    └── frame_of(grid: np.ndarray, color: int) -> List[Tuple[int, int]]  (0 examples)
        ├── [inline-backtick] positions_of_every_pixel_of(grid, color) · 0 examples · positions of every pixel of the given colour
        ├── [named] bounding_box(points: List[Tuple[int, int]]) -> Tuple[int, int, int, int] · 1 example · Return (top, left, bottom, right) of the smallest rectangle holding eve…
        └── [inline-string] the_cells_on_the_border(top, left, bottom, right) · 0 examples · the cells on the border of a rectangle given as (top, left, bottom, rig…
";
    assert_eq!(tree, expected);
}

#[test]
fn holes_json_lists_exactly_the_holes() {
    let out = anpl(&["holes", "--json", &example("word_freq.py")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => panic!("{e}: {}", text(&out.stdout)),
    };
    assert_eq!(v["version"], serde_json::json!(1));
    assert_eq!(v["entry"], serde_json::json!("main"));
    let holes: Vec<(String, String)> = v["holes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|h| {
                    (
                        h["id"].as_str().unwrap_or("").to_string(),
                        h["kind"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        holes,
        vec![
            ("count_words".to_string(), "named".to_string()),
            ("the_k_most_frequent_words".into(), "inline-string".into()),
            ("capitalize_each_word".into(), "inline-backtick".into()),
        ]
    );
    assert_eq!(
        v["holes"][0]["examples"][0]["expected"],
        serde_json::json!("{'a': 2, 'b': 1}")
    );
    assert_eq!(v["holes"][1]["params"][1]["name"], serde_json::json!("n"));
    assert_eq!(
        v["tree"][0]["children"][2]["kind"],
        serde_json::json!("inline-backtick")
    );
}

#[test]
fn entry_flag_resolves_ambiguity() {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let two = dir.path().join("two.py");
    if let Err(e) = std::fs::write(
        &two,
        "def a():\n    return 1\ndef b():\n    return \"two\"()\n",
    ) {
        panic!("{e}");
    }
    let p = two.display().to_string();
    assert_eq!(anpl(&["check", &p]).status.code(), Some(1));
    let out = anpl(&["check", "--entry", "b", &p]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("entry `b`"));
}
