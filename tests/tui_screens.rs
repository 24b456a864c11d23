//! Every main screen of the terminal UI as an insta snapshot of ratatui's TestBackend,
//! drawn from real engines: sketches parsed by the real parser, implementations filled by
//! the real compile against the local fake model server, examples run in real Python.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use anpl::engine::{Event, Events};
use anpl::llm::fake_server::{FakeRule, FakeServer, FakeTable};
use anpl::tui::event::{AppEvent, CheckJob, Effect};
use anpl::tui::keymap::Action;
use anpl::tui::repair::{unified_diff, RepairOp, Review};
use anpl::tui::App;
use crossterm::event::{Event as Input, KeyCode, KeyEvent, KeyModifiers};
use support::engine::{backend_with, Fixture};
use support::model::code;
use support::sketches::{RECOLOR, RECOLOR_WRONG};
use support::tui::{rows, screen, word_freq_app, word_freq_table};
use tokio_util::sync::CancellationToken;

fn key(c: char) -> AppEvent {
    AppEvent::Input(Input::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

#[test]
fn empty_session() {
    let (_fx, _engine, mut app) = word_freq_app();
    insta::assert_snapshot!(screen(&mut app, 100, 30));
}

#[test]
fn compiling() {
    let (_fx, _engine, mut app) = word_freq_app();
    let effects = app.update(key('c'));
    assert_eq!(
        effects,
        vec![Effect::Compile {
            generation: 1,
            only: None
        }]
    );
    // The engine's own progress events, in the order a compile sends them.
    for event in [
        Event::HoleQueued {
            hole: "count_words".into(),
        },
        Event::HoleQueued {
            hole: "the_k_most_frequent_words".into(),
        },
        Event::HoleQueued {
            hole: "capitalize_each_word".into(),
        },
        Event::RequestSent {
            hole: "count_words".into(),
            samples: 1,
            temperature: 0.0,
            prompt_tokens: 120,
            cached: false,
        },
        Event::RequestSent {
            hole: "capitalize_each_word".into(),
            samples: 1,
            temperature: 0.0,
            prompt_tokens: 90,
            cached: false,
        },
        Event::Tokens {
            hole: "capitalize_each_word".into(),
            input: 90,
            output: 20,
        },
        Event::HoleFilled {
            hole: "capitalize_each_word".into(),
            by: "openai-compatible:fake".into(),
            verified: false,
        },
    ] {
        app.update(AppEvent::Engine(event));
    }
    app.update(AppEvent::Tick);
    app.update(AppEvent::Tick);
    insta::assert_snapshot!(screen(&mut app, 100, 30));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_hole_with_grid_diff() {
    let fx = Fixture::new(RECOLOR);
    let table = FakeTable {
        rules: vec![FakeRule::new("Recolour every blue", code(RECOLOR_WRONG))],
        ..FakeTable::default()
    };
    let engine = compiled(&fx, table).await;
    let mut app = fx.app(&engine);
    // Selecting the hole asks for its examples to be checked; do what the driver does.
    let effects = app.start();
    let [Effect::Check { job, .. }] = effects.as_slice() else {
        panic!("expected one check, got {effects:?}");
    };
    assert_eq!(job, &CheckJob::Examples("recolor".into()));
    carry_out(&mut app, &engine, &effects).await;
    let shown = screen(&mut app, 100, 30);
    let text = rows(&shown).join("\n");
    assert!(text.contains("3 differ"), "{text}");
    // Cells are painted in the ARC palette: a red (2) cell of the expected grid, and the
    // wrong blue (1) cell of the actual grid, marked.
    let grid_row = rows(&shown)
        .iter()
        .position(|r| r.contains("×1 0 0×1"))
        .unwrap() as u16;
    let line = &rows(&shown)[grid_row as usize];
    let mark = line.chars().position(|c| c == '×').unwrap() as u16;
    let first = line.chars().position(|c| c == '2').unwrap() as u16;
    let buffer = shown.buffer();
    assert_eq!(buffer[(first, grid_row)].bg, app.theme.arc(2));
    assert_eq!(buffer[(mark, grid_row)].bg, app.theme.arc(1));
    insta::assert_snapshot!(shown);
}

#[test]
fn help_overlay() {
    let (_fx, _engine, mut app) = word_freq_app();
    app.update(key('?'));
    insta::assert_snapshot!(screen(&mut app, 100, 47));
    // On 80x24 it scrolls, saying how much is below.
    let small = rows(&screen(&mut app, 80, 24)).join("\n");
    assert!(small.contains("more) · Esc closes"), "{small}");
    for _ in 0..2 {
        app.update(AppEvent::Input(Input::Key(KeyEvent::new(
            KeyCode::PageDown,
            KeyModifiers::NONE,
        ))));
    }
    // Scrolled to the end: the last line is in view, and nothing is said to be below.
    let scrolled = rows(&screen(&mut app, 80, 24)).join("\n");
    assert!(scrolled.contains("G / End"), "{scrolled}");
    assert!(scrolled.contains("mouse: click"), "{scrolled}");
    assert!(scrolled.contains("(0 more)"), "{scrolled}");
    app.apply(Action::Escape);
    assert_eq!(app.overlay, None);
}

#[test]
fn tiny_terminal() {
    let (_fx, _engine, mut app) = word_freq_app();
    insta::assert_snapshot!(screen(&mut app, 60, 20));
    // One column short of 80 is still too small; 80×24 shows the panes.
    let text = rows(&screen(&mut app, 79, 24)).join("\n");
    assert!(text.contains("terminal too small"), "{text}");
    let text = rows(&screen(&mut app, 80, 24)).join("\n");
    assert!(text.contains("count_words"), "{text}");
    assert!(!text.contains("terminal too small"), "{text}");
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        app.update(AppEvent::Input(Input::Key(KeyEvent::new(
            code,
            KeyModifiers::NONE,
        ))));
    }
}

#[test]
fn description_editor() {
    let (_fx, _engine, mut app) = word_freq_app();
    assert_eq!(app.selected_hole().as_deref(), Some("count_words"));
    assert_eq!(app.update(key('e')), vec![]);
    typed(&mut app, "\nIgnore punctuation.");
    insta::assert_snapshot!(screen(&mut app, 100, 30));
    let effects = app.update(AppEvent::Input(Input::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    ))));
    let [Effect::Repair { op, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let RepairOp::EditDescription { hole, text } = op else {
        panic!("{op:?}")
    };
    assert_eq!(hole, "count_words");
    assert!(text.ends_with("\nIgnore punctuation."), "{text}");
    assert!(app.editor.is_none());
}

#[test]
fn diff_view() {
    let (_fx, _engine, mut app) = word_freq_app();
    app.update(key(':'));
    typed(&mut app, "diff count_words 1 2\n");
    let generation = app.generation;
    assert_eq!(
        app.operation.as_ref().map(|o| o.label.as_str()),
        Some("diff count_words 1 2")
    );
    let old = "def count_words(text):\n    counts = {}\n    for w in text.split():\n        counts[w] = counts.get(w, 0) + 1\n    return counts\n";
    let new = "def count_words(text):\n    counts = {}\n    for w in text.lower().split():\n        counts[w] = counts.get(w, 0) + 1\n    return counts\n";
    app.update(AppEvent::Review {
        generation,
        review: Box::new(Review {
            title: "count_words: version 1 → 2".into(),
            diff: unified_diff(old, new, "count_words v1", "count_words v2"),
            accept: None,
            scroll: 0,
        }),
    });
    insta::assert_snapshot!(screen(&mut app, 100, 30));
    app.update(key('n'));
    assert!(app.review.is_none() && app.overlay.is_none());
}

#[test]
fn a_suggestion_is_accepted_with_y() {
    let (_fx, _engine, mut app) = word_freq_app();
    app.update(key('S'));
    let generation = app.generation;
    let body = "def count_words(text):\n    return tally(text.split())\n".to_string();
    app.update(AppEvent::Review {
        generation,
        review: Box::new(Review {
            title: "suggested".into(),
            diff: unified_diff("a\n", "b\n", "now", "suggested"),
            accept: Some(RepairOp::Decompose {
                hole: "count_words".into(),
                text: body.clone(),
            }),
            scroll: 0,
        }),
    });
    // The suggest operation ends before the user answers.
    app.update(AppEvent::OperationDone {
        generation,
        result: Ok("review".into()),
    });
    let effects = app.update(key('y'));
    assert_eq!(
        effects,
        vec![Effect::Repair {
            generation: generation + 1,
            op: RepairOp::Decompose {
                hole: "count_words".into(),
                text: body
            }
        }]
    );
}

/// A hole that returns its text as it is, so what the screen shows can be compared with
/// what went in: the second example's expected value is deliberately wrong.
fn spread_sketch() -> String {
    let long = "a], [b  ".repeat(8);
    format!(
        r#"def spread(s: str) -> str:
    """Return the text as it is."""


def main(s: str) -> str:
    """
    >>> main('x  y')
    'x  y'
    >>> main('{long}')
    '{long}!'
    """
    return spread(s)
"#
    )
}

async fn compiled(fx: &Fixture, table: FakeTable) -> anpl::engine::Engine {
    let server = FakeServer::start(table).await.unwrap();
    let mut engine = fx.engine();
    let cancel = CancellationToken::new();
    engine
        .compile(
            &backend_with(&server, &cancel),
            None,
            &Events::none(),
            &cancel,
        )
        .await
        .unwrap();
    engine
}

fn spread_table() -> FakeTable {
    FakeTable {
        rules: vec![FakeRule::new(
            "Return the text as it is",
            code("def spread(s):\n    return s"),
        )],
        ..FakeTable::default()
    }
}

/// Run the check an effect asks for, as the driver would, and hand the result back.
async fn carry_out(app: &mut App, engine: &anpl::engine::Engine, effects: &[Effect]) {
    for effect in effects {
        let Effect::Check { job, generation } = effect else {
            continue;
        };
        let entry = app.entry().to_string();
        let mut impls = app.snapshot.implementations.clone();
        let (examples, traced) = match job {
            CheckJob::Run => (app.snapshot.examples_of(&entry).to_vec(), true),
            CheckJob::Trace(n) => (vec![app.snapshot.examples_of(&entry)[*n].clone()], true),
            CheckJob::Examples(name) => {
                if let Some(code) = app.snapshot.holes.get(name).and_then(|h| h.code.clone()) {
                    impls.insert(name.clone(), code);
                }
                (app.snapshot.examples_of(name).to_vec(), false)
            }
        };
        let checker = engine.checker().await.unwrap();
        let report = checker
            .check_examples(&impls, &examples, traced)
            .await
            .unwrap();
        app.update(AppEvent::Checked {
            job: job.clone(),
            generation: *generation,
            result: Ok(report),
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_pane_keeps_double_spaces_and_uses_its_width() {
    let fx = Fixture::new(&spread_sketch());
    let engine = compiled(&fx, spread_table()).await;
    let mut app = fx.app(&engine);
    assert_eq!(app.selected_hole().as_deref(), Some("spread"));
    let effects = app.update(key('t'));
    carry_out(&mut app, &engine, &effects).await;
    let narrow = screen(&mut app, 80, 24);
    let text = rows(&narrow).join("\n");
    assert!(text.contains("#0 spread(s='x  y')"), "{text}");
    assert!(text.contains("→ 'x  y'"), "{text}");
    insta::assert_snapshot!("trace_pane_keeps_double_spaces_80x24", narrow);

    // The long example: at 80 columns its argument gets a line of its own, cut with `…`;
    // on a wide screen the whole call fits on one line.
    app.update(key(']'));
    let effects = app.update(key('t'));
    carry_out(&mut app, &engine, &effects).await;
    let long = "a], [b  ".repeat(8);
    let narrow = screen(&mut app, 80, 24);
    let text = rows(&narrow).join("\n");
    assert!(text.contains("#0 spread(s)"), "{text}");
    assert!(text.contains("s = 'a], [b  a], [b  a], [b  "), "{text}");
    insta::assert_snapshot!("trace_pane_long_argument_80x24", narrow);
    let wide = screen(&mut app, 160, 30);
    let text = rows(&wide).join("\n");
    assert!(text.contains(&format!("#0 spread(s='{long}')")), "{text}");
    assert!(text.contains(&format!("→ '{long}'")), "{text}");
    insta::assert_snapshot!("trace_pane_long_argument_160x30", wide);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_string_holding_brackets_is_shown_unchanged_in_the_examples_pane() {
    let fx = Fixture::new(&spread_sketch());
    let engine = compiled(&fx, spread_table()).await;
    let mut app = fx.app(&engine);
    // Select the entry: its examples are checked with the holes in use.
    let effects = app.update(key('k'));
    assert_eq!(app.selected_name(), Some("main"));
    carry_out(&mut app, &engine, &effects).await;
    let long = "a], [b  ".repeat(8);
    for (width, height) in [(80, 24), (160, 40)] {
        let shown = screen(&mut app, width, height);
        let text = rows(&shown).join("\n");
        assert!(text.contains("examples: 1 of 2 pass"), "{text}");
        assert!(text.contains("#   call"), "{text}");
        assert!(text.contains("expected 'a], [b  a], [b  "), "{text}");
        assert!(text.contains("actual   'a], [b  a], [b  "), "{text}");
        if width == 160 {
            assert!(text.contains(&format!("expected '{long}!'")), "{text}");
        }
        insta::assert_snapshot!(format!("brackets_in_examples_{width}x{height}"), shown);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_marks_are_not_stale_after_a_compile() {
    let (fx, engine, mut app) = word_freq_app();
    app.update(key('k'));
    assert_eq!(app.selected_name(), Some("main"));
    // Before any hole is filled the run fails.
    let effects = app.update(key('r'));
    carry_out(&mut app, &engine, &effects).await;
    let before = rows(&screen(&mut app, 80, 24)).join("\n");
    assert!(before.contains("examples: 0 of 1 pass"), "{before}");
    assert!(before.contains("✗ 1"), "{before}");

    // A compile ends with a new snapshot: the old run's ✗ goes, the examples are checked
    // again, and the new marks come from that check.
    let engine = {
        drop(engine);
        compiled(&fx, word_freq_table(0)).await
    };
    let effects = app.update(AppEvent::Snapshot(Box::new(anpl::tui::Snapshot::of(
        &engine,
    ))));
    assert!(
        matches!(effects.as_slice(), [Effect::Check { job: CheckJob::Examples(n), .. }] if n == "main"),
        "{effects:?}"
    );
    let checking = rows(&screen(&mut app, 80, 24)).join("\n");
    assert!(!checking.contains("✗ 1"), "{checking}");
    assert!(checking.contains("checking"), "{checking}");
    carry_out(&mut app, &engine, &effects).await;
    let after = screen(&mut app, 80, 24);
    let text = rows(&after).join("\n");
    assert!(text.contains("examples: 1 of 1 pass"), "{text}");
    assert!(text.contains("✓ 1"), "{text}");
    insta::assert_snapshot!("fresh_marks_after_compile_80x24", after);
    insta::assert_snapshot!(
        "fresh_marks_after_compile_120x30",
        screen(&mut app, 120, 30)
    );
}

#[test]
fn code_scrolls_sideways_at_80_columns() {
    let (_fx, _engine, mut app) = word_freq_app();
    app.update(key('k'));
    let line = "    top = \"the k most frequent words, ties broken alphabetically\"(counts, 3)";
    // Down to the long line in the code pane.
    app.update(AppEvent::Input(Input::Key(KeyEvent::new(
        KeyCode::Tab,
        KeyModifiers::NONE,
    ))));
    for _ in 0..4 {
        app.update(key('j'));
    }
    let start = screen(&mut app, 80, 24);
    let text = rows(&start).join("\n");
    // Not wrapped: the line is cut at the pane's edge with a mark, and the title says
    // where to scroll.
    assert!(
        text.contains("    top = \"the k most frequent words, ties broken a›"),
        "{text}"
    );
    assert!(text.contains("l →"), "{text}");
    insta::assert_snapshot!("code_cut_at_the_edge_80x24", start);
    app.update(key('l'));
    app.update(key('l'));
    let scrolled = screen(&mut app, 80, 24);
    let text = rows(&scrolled).join("\n");
    assert!(text.contains("from column 17"), "{text}");
    assert!(text.contains("‹"), "{text}");
    insta::assert_snapshot!("code_scrolled_sideways_80x24", scrolled);
    app.update(AppEvent::Input(Input::Key(KeyEvent::new(
        KeyCode::Left,
        KeyModifiers::NONE,
    ))));
    app.update(key('h'));
    assert_eq!(app.code_hscroll, 0);
    let wide = rows(&screen(&mut app, 160, 40)).join("\n");
    assert!(wide.contains(line), "{wide}");
    assert!(!wide.contains("l →"), "{wide}");
}
