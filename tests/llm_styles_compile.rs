//! Compiling an ARC program whose holes a local server answers in each style real models
//! use, through the real HTTP client in both wire formats, streamed and not, with real Python
//! checking the program's examples: every style must compile as plain one-function answers
//! do. Also: another hole's implementation found in an answer fills that hole without a
//! request, and an answer cut off by the output budget is never used.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use anpl::engine::compile::CompileReport;
use anpl::engine::{Backend, Engine, Event, Events, SearchSettings};
use anpl::llm::fake_server::{FakeRule, FakeServer, FakeTable};
use anpl::llm::Secret;
use anpl::session::HoleStatus;
use support::bin::dir_with_examples;
use support::engine::{model_backend, Fixture};
use tokio_util::sync::CancellationToken;

const OBJECTS_FN: &str = "def find_the_connected_objects_of(input_grid):\n    h, w = input_grid.shape\n    seen = set()\n    objects = []\n    for r in range(h):\n        for c in range(w):\n            if input_grid[r, c] == black or (r, c) in seen:\n                continue\n            seen.add((r, c))\n            stack, obj = [(r, c)], []\n            while stack:\n                y, x = stack.pop()\n                obj.append((y, x))\n                for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):\n                    ny, nx = y + dy, x + dx\n                    if 0 <= ny < h and 0 <= nx < w and (ny, nx) not in seen and input_grid[ny, nx] == input_grid[y, x]:\n                        seen.add((ny, nx))\n                        stack.append((ny, nx))\n            objects.append(obj)\n    return objects";
const LARGEST_FN: &str =
    "def find_the_largest_object(objects):\n    return max(objects, key=len) if objects else []";
const PRELUDE: &str = "import numpy as np\nfrom typing import *\n(black, blue, red, green, yellow, grey, pink, orange, teal, maroon) = range(10)";
const MAIN_REWRITTEN: &str = "def main(input_grid: np.ndarray) -> np.ndarray:\n    objects = find_the_connected_objects_of(input_grid)\n    largest = find_the_largest_object(objects)\n    output_grid = np.copy(input_grid)\n    for (r, c) in largest:\n        output_grid[r, c] = red\n    return output_grid";
const OBJECTS_STUB: &str = "def find_the_connected_objects_of(input_grid):\n    \"\"\"find the connected objects of non-black pixels, as lists of (row, col)\"\"\"";
const LARGEST_STUB: &str =
    "def find_the_largest_object(objects):\n    \"\"\"find the largest object\"\"\"\n    ...";

/// (style, answer for the objects hole, answer for the largest-object hole)
fn styles() -> Vec<(&'static str, String, String)> {
    let tabs = |code: &str| code.replace("    ", "\t");
    vec![
        (
            "plain one function",
            format!("```python\n{OBJECTS_FN}\n```"),
            format!("```python\n{LARGEST_FN}\n```"),
        ),
        (
            "whole program echoed",
            format!("Here is the full program with the function implemented:\n\n```python\n{PRELUDE}\n\n\n{OBJECTS_FN}\n\n\n{LARGEST_STUB}\n\n\n{MAIN_REWRITTEN}\n```\n\nThe other function is left for you to implement."),
            format!("```python\n{PRELUDE}\n\n{OBJECTS_STUB}\n\n{LARGEST_FN}\n\n{MAIN_REWRITTEN}\n\nif __name__ == \"__main__\":\n    print(main(np.array([[0, 1], [1, 1]])))\n```"),
        ),
        (
            "reasoning first",
            format!("<think>\nI need a flood fill. A first try:\n```python\ndef find_the_connected_objects_of(input_grid):\n    return [[(0, 0)]]\n```\nNo, that ignores the grid. Use a stack over same-coloured neighbours.\n</think>\n\n```python\n{OBJECTS_FN}\n```"),
            format!("Okay, the largest by number of cells.\n</think>\n\n```python\n{LARGEST_FN}\n```"),
        ),
        (
            "several blocks",
            format!("A helper first:\n\n```python\nNEIGHBOURS = ((1, 0), (-1, 0), (0, 1), (0, -1))\n```\n\nThen the function:\n\n```py\n{}\n```\n\nUsage:\n\n```python\ngrid = np.array([[1, 0], [0, 2]])\nprint(find_the_connected_objects_of(grid))\n```\n```\n[[(0, 0)], [(1, 1)]]\n```", OBJECTS_FN.replace("((1, 0), (-1, 0), (0, 1), (0, -1))", "NEIGHBOURS")),
            format!("```\n{LARGEST_FN}\n```\n\nExample:\n\n```python\n>>> find_the_largest_object([[(0, 0)], [(1, 1), (1, 2)]])\n[(1, 1), (1, 2)]\n```"),
        ),
        (
            "no fence, prose around",
            format!("Sure. Here's an implementation:\n\n{OBJECTS_FN}\n\nIt walks each unvisited coloured cell and collects its component.\nComplexity is linear in the grid size."),
            format!("{LARGEST_FN}\n\nThis returns the object with the most cells."),
        ),
        (
            "tabs and a main guard",
            format!("```python\n{}\n\nif __name__ == '__main__':\n\tprint(find_the_connected_objects_of(np.zeros((2, 2), int)))\n```", tabs(OBJECTS_FN)),
            format!("```python\n{}\n```", tabs(LARGEST_FN)),
        ),
    ]
}

/// examples/arc_recolor.py with its ARC task as the examples file.
fn arc() -> Fixture {
    let dir = dir_with_examples(&["arc_recolor.py", "arc_recolor.json"]);
    Fixture {
        sketch: dir.path().join("arc_recolor.py"),
        examples: Some(dir.path().join("arc_recolor.json")),
        dir,
    }
}

/// `model` on `server`, in its wire format (an Anthropic model gets a key).
fn backend(server: &FakeServer, model: &str) -> Backend {
    let (base, key) = if model.starts_with("anthropic:") {
        (server.url(), Some(Secret::new("sk-ant-test")))
    } else {
        (server.openai_base(), None)
    };
    model_backend(model, base, key, &CancellationToken::new()).unwrap()
}

fn search(samples: u32, repair_rounds: u32) -> SearchSettings {
    SearchSettings {
        samples,
        repair_rounds,
        jobs: 1,
        ..SearchSettings::default()
    }
}

async fn compile(engine: &mut Engine, backend: &Backend, events: &Events) -> CompileReport {
    engine
        .compile(backend, None, events, &CancellationToken::new())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_style_compiles_the_arc_program_in_both_formats() {
    let mut compiled = Vec::new();
    for (i, (style, objects, largest)) in styles().into_iter().enumerate() {
        // Formats and streaming alternate over the styles, so each pair meets each style
        // family at least once without compiling everything four times.
        let model = if i % 2 == 0 {
            "openai-compatible:coder"
        } else {
            "anthropic:claude-sonnet-4-5"
        };
        let stream = (i / 2) % 2 == 0;
        let server = FakeServer::start(FakeTable {
            rules: vec![
                FakeRule::new("find the connected objects", objects),
                FakeRule::new("find the largest object", largest),
            ],
            stream,
            ..FakeTable::default()
        })
        .await
        .unwrap();
        let fx = arc();
        let mut engine = fx.open(search(0, 0));
        let report = compile(&mut engine, &backend(&server, model), &Events::none()).await;
        assert!(
            report.success(),
            "{style} ({model}, stream={stream}): {report:#?}"
        );
        compiled.push(style);
    }
    assert_eq!(compiled.len(), styles().len());
}

const TWO_HOLES: &str = r#"def main(text: str) -> str:
    """Shout the text.

    >>> main('hi')
    'HI!'
    """
    return add_bang(upper(text))


def upper(s: str) -> str:
    """Upper-case the text."""


def add_bang(s: str) -> str:
    """Add an exclamation mark.

    >>> add_bang('A')
    'A!'
    """
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_hole_s_implementation_in_an_answer_fills_that_hole_without_a_request() {
    // Asked for `upper`, the model answers with the whole program, `add_bang` included.
    let echo = "```python\ndef main(text: str) -> str:\n    return add_bang(upper(str(text)))\n\n\ndef upper(s: str) -> str:\n    return s.upper()\n\n\ndef add_bang(s: str) -> str:\n    return s + '!'\n```";
    let server = FakeServer::start(FakeTable {
        rules: vec![
            FakeRule::new("Upper-case the text", echo),
            FakeRule::new(
                "Add an exclamation mark",
                "```python\ndef add_bang(s):\n    return s\n```",
            ),
        ],
        ..FakeTable::default()
    })
    .await
    .unwrap();
    let fx = Fixture::new(TWO_HOLES);
    let mut engine = fx.open(search(0, 0));
    let report = compile(
        &mut engine,
        &backend(&server, "openai-compatible:coder"),
        &Events::none(),
    )
    .await;
    assert!(report.success(), "{report:#?}");
    // Its one example passes: a guess until more pin it down.
    assert_eq!(engine.status("add_bang"), HoleStatus::Guess);
    assert_eq!(
        server.request_count(),
        1,
        "add_bang was filled from upper's answer"
    );
    let notes: Vec<String> = engine
        .session()
        .transcripts
        .values()
        .flat_map(|t| t.notes.clone())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("rewrite of sketch function `main`")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("implements hole `add_bang`")),
        "{notes:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_cut_off_by_the_budget_is_never_used_nor_recorded() {
    let long = format!(
        "```python\ndef upper(s: str) -> str:\n    # {}\n    return s.upper()\n```",
        "note ".repeat(60)
    );
    let server = FakeServer::start(FakeTable {
        rules: vec![
            FakeRule::new("Upper-case the text", long),
            FakeRule::new(
                "Add an exclamation mark",
                "```python\ndef add_bang(s):\n    return s + '!'\n```",
            ),
        ],
        ..FakeTable::default()
    })
    .await
    .unwrap();
    let fx = Fixture::new(TWO_HOLES);
    let mut engine = fx.open(SearchSettings {
        max_tokens: 30,
        ..search(0, 0)
    });
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let report = compile(
        &mut engine,
        &backend(&server, "openai-compatible:coder"),
        &Events::new(sender),
    )
    .await;
    assert!(!report.success());
    assert_eq!(engine.status("upper"), HoleStatus::Empty);
    let mut reasons = Vec::new();
    let mut receiving = 0;
    while let Ok(e) = receiver.try_recv() {
        match e {
            Event::CandidateRejected { hole, reason } if hole == "upper" => reasons.push(reason),
            Event::Receiving { .. } => receiving += 1,
            _ => {}
        }
    }
    assert!(
        reasons.iter().any(|r| r.contains(
            "cut off by the output budget (30 tokens, then 60 on a retry): raise --max-tokens"
        )),
        "{reasons:?}"
    );
    assert!(receiving > 0, "streamed tokens were reported");
    assert!(engine
        .session()
        .transcripts
        .values()
        .all(|t| t.hole != "upper"));
}
