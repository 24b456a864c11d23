//! Code extraction from model answers, on the shapes real models produce: fenced and bare
//! code, prose around it, several blocks, helpers and constants, inline holes named freely,
//! and every rejection reason.

use anpl::llm::{extract, ExtractError, ExtractTarget, Extracted};
use pretty_assertions::assert_eq;

fn named(name: &str) -> ExtractTarget {
    ExtractTarget {
        name: name.into(),
        inline: false,
        forbidden: vec!["main".into(), "count_words".into(), "helper_hole".into()],
        ..ExtractTarget::default()
    }
}

fn inline(name: &str) -> ExtractTarget {
    ExtractTarget {
        inline: true,
        ..named(name)
    }
}

fn ok(text: &str, target: &ExtractTarget) -> Extracted {
    match extract(text, target) {
        Ok(e) => e,
        Err(e) => panic!("rejected: {e}\n---\n{text}"),
    }
}

fn err(text: &str, target: &ExtractTarget) -> ExtractError {
    match extract(text, target) {
        Ok(e) => panic!("accepted:\n{}", e.code),
        Err(e) => e,
    }
}

#[test]
fn fenced_python_block_with_prose_around_it() {
    let text = "Here is the implementation:\n\n```python\ndef count_words(text):\n    return len(text.split())\n```\n\nIt splits on whitespace.";
    let got = ok(text, &named("count_words"));
    assert_eq!(
        got,
        Extracted {
            code: "def count_words(text):\n    return len(text.split())\n".into(),
            helpers: vec![],
            ..Extracted::default()
        }
    );
}

#[test]
fn bare_code_and_code_after_a_sentence() {
    let bare = "def double(x):\n    return 2 * x\n";
    assert_eq!(ok(bare, &named("double")).code, bare);
    let after = "Sure! Here you go.\ndef double(x):\n    return 2 * x\n";
    assert_eq!(ok(after, &named("double")).code, bare);
}

#[test]
fn unlabelled_and_py_fences_count_but_other_languages_do_not() {
    let text = "```bash\npip install numpy\n```\n```\ndef f(x):\n    return x\n```";
    assert_eq!(ok(text, &named("f")).code, "def f(x):\n    return x\n");
    let text = "```py\ndef f(x):\n    return x\n```";
    assert_eq!(ok(text, &named("f")).code, "def f(x):\n    return x\n");
    assert_eq!(err("```bash\nls\n```", &named("f")), ExtractError::NoCode);
}

#[test]
fn keeps_needed_imports_helpers_and_constants_and_drops_the_rest() {
    let text = r#"```python
import numpy as np
import os
from collections import Counter
from __future__ import annotations

LIMIT = 3
UNUSED = 9

def _norm(w):
    return w.lower().strip(".,!")

def unrelated():
    return os.getcwd()

def top_words(text):
    counts = Counter(_norm(w) for w in text.split())
    return np.array([w for w, _ in counts.most_common(LIMIT)])

print(top_words("a a b"))
if __name__ == "__main__":
    top_words("x")
```"#;
    let got = ok(text, &named("top_words"));
    assert_eq!(
        got,
        Extracted {
            code: "import numpy as np\nfrom collections import Counter\n\n\nLIMIT = 3\n\n\ndef _norm(w):\n    return w.lower().strip(\".,!\")\n\n\ndef top_words(text):\n    counts = Counter(_norm(w) for w in text.split())\n    return np.array([w for w, _ in counts.most_common(LIMIT)])\n".into(),
            helpers: vec!["LIMIT".into(), "_norm".into()],
            ..Extracted::default()
        }
    );
}

#[test]
fn helpers_of_helpers_are_kept_and_a_later_definition_wins() {
    let text = "```python\ndef a(x):\n    return b(x)\n\ndef b(x):\n    return c(x) + 1\n\ndef c(x):\n    return x\n```\nOops, fixed:\n```python\ndef c(x):\n    return x * 10\n```";
    let got = ok(text, &named("a"));
    assert_eq!(
        got.code,
        "def b(x):\n    return c(x) + 1\n\n\ndef c(x):\n    return x * 10\n\n\ndef a(x):\n    return b(x)\n"
    );
    assert_eq!(got.helpers, vec!["b".to_string(), "c".to_string()]);
}

#[test]
fn inline_hole_takes_the_single_root_function_and_renames_it_with_its_recursion() {
    let text = "```python\ndef flip(grid):\n    if not grid:\n        return []\n    return flip(grid[1:]) + [grid[0]]\n```";
    let got = ok(text, &inline("reverse_the_rows"));
    assert_eq!(
        got.code,
        "def reverse_the_rows(grid):\n    if not grid:\n        return []\n    return reverse_the_rows(grid[1:]) + [grid[0]]\n"
    );
}

#[test]
fn inline_rename_leaves_attributes_and_keyword_names_alone() {
    let text =
        "def go(x, go_on=True):\n    return x.go(go=go) if go_on else go(x.go, go_on=False)\n";
    let got = ok(text, &inline("hole"));
    assert_eq!(
        got.code,
        "def hole(x, go_on=True):\n    return x.go(go=hole) if go_on else hole(x.go, go_on=False)\n"
    );
}

#[test]
fn inline_hole_with_helpers_and_a_demo_driver() {
    let text = "```python\ndef _cell(v):\n    return v * 2\n\ndef double_grid(g):\n    return [[_cell(v) for v in row] for row in g]\n\ndef main():\n    print(double_grid([[1]]))\n```";
    // `main` is a sketch function name here and also looks like a demo driver: not the hole.
    let got = ok(text, &inline("double_every_cell"));
    assert_eq!(
        got.code,
        "def _cell(v):\n    return v * 2\n\n\ndef double_every_cell(g):\n    return [[_cell(v) for v in row] for row in g]\n"
    );
    assert_eq!(got.helpers, vec!["_cell".to_string()]);
}

#[test]
fn inline_hole_named_as_anpl_names_it_is_taken_directly() {
    let text = "def other(x):\n    return x\n\ndef the_hole(x):\n    return x + 1\n";
    assert_eq!(
        ok(text, &inline("the_hole")).code,
        "def the_hole(x):\n    return x + 1\n"
    );
}

#[test]
fn inline_hole_with_two_unrelated_functions_prefers_the_closer_name_then_the_last() {
    let text = "def grid_size(g):\n    return len(g)\n\ndef unused(x):\n    return x\n";
    assert_eq!(
        ok(text, &inline("the_size_of_the_grid")).code,
        "def the_size_of_the_grid(g):\n    return len(g)\n"
    );
    let text = "def a(x):\n    return x\n\ndef b(x):\n    return x + 1\n";
    assert_eq!(ok(text, &inline("h")).code, "def h(x):\n    return x + 1\n");
}

#[test]
fn inline_hole_whose_functions_all_call_each_other_is_ambiguous() {
    let text = "def even(n):\n    return n == 0 or odd(n - 1)\n\ndef odd(n):\n    return n != 0 and even(n - 1)\n";
    assert_eq!(
        err(text, &inline("h")),
        ExtractError::Ambiguous {
            names: vec!["even".into(), "odd".into()]
        }
    );
}

#[test]
fn rejections_say_why() {
    let cases: Vec<(&str, ExtractTarget, ExtractError)> = vec![
        ("", named("f"), ExtractError::NoCode),
        (
            "Here:\n```python\ndef f(x):\n    return [x,\n",
            named("f"),
            ExtractError::Truncated { line: 2 },
        ),
        (
            "```python\nx = 1\n```",
            inline("h"),
            ExtractError::NothingUsable,
        ),
        (
            "```python\ndef g(x):\n    return x\n```",
            named("f"),
            ExtractError::NotFound {
                name: "f".into(),
                found: vec!["g".into()],
            },
        ),
        (
            "```python\ndef f(x):\n    \"\"\"Double x.\"\"\"\n    ...\n```",
            named("f"),
            ExtractError::Unimplemented { name: "f".into() },
        ),
    ];
    for (text, target, want) in cases {
        assert_eq!(extract(text, &target), Err(want), "{text}");
    }
}

#[test]
fn a_parse_error_points_at_the_answer_line_and_column() {
    let text = "Try this:\n\n```python\ndef f(x):\n    return (x +\n\ndef g():\n    pass\n```";
    match err(text, &named("f")) {
        ExtractError::Parse { line, col, .. } => {
            assert!((4..=7).contains(&line), "line {line}");
            assert!(col >= 1);
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let msg = err(text, &named("f")).to_string();
    assert!(msg.starts_with("the code does not parse: line "), "{msg}");
}

#[test]
fn a_used_copy_of_a_sketch_function_is_dropped_and_the_sketch_s_own_called() {
    let text = "```python\ndef count_words(t):\n    return 0\n\ndef f(t):\n    return count_words(t) + 1\n```";
    assert_eq!(
        ok(text, &named("f")).code,
        "def f(t):\n    return count_words(t) + 1\n"
    );
}

#[test]
fn unused_copies_of_sketch_functions_are_dropped_not_rejected() {
    let text = "```python\ndef main(t):\n    return f(t)\n\ndef f(t):\n    return t[::-1]\n```";
    assert_eq!(
        ok(text, &named("f")).code,
        "def f(t):\n    return t[::-1]\n"
    );
}

#[test]
fn indented_blocks_are_dedented() {
    let text = "1. Define it:\n\n   ```python\n   def f(x):\n       return x\n   ```\n";
    assert_eq!(ok(text, &named("f")).code, "def f(x):\n    return x\n");
}

#[test]
fn star_imports_and_decorators_are_kept() {
    let text = "```python\nfrom math import *\nimport functools\n\n@functools.lru_cache(None)\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n```";
    let got = ok(text, &inline("nth_fibonacci"));
    assert_eq!(
        got.code,
        "from math import *\nimport functools\n\n\n@functools.lru_cache(None)\ndef nth_fibonacci(n):\n    return n if n < 2 else nth_fibonacci(n - 1) + nth_fibonacci(n - 2)\n"
    );
}

#[test]
fn extracted_code_runs_in_python() {
    let text = "```python\nimport numpy as np\n\nK = 2\n\ndef scale(g):\n    return (np.array(g) * K).tolist()\n```";
    let got = ok(text, &inline("scale_the_grid"));
    let program = format!("{}\nprint(scale_the_grid([[1, 2], [3, 4]]))\n", got.code);
    let out = match std::process::Command::new("python3")
        .arg("-c")
        .arg(&program)
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("python3 did not start: {e}"),
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "[[2, 4], [6, 8]]"
    );
}
