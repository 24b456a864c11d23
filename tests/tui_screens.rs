//! Every main screen of the terminal UI as an insta snapshot of ratatui's TestBackend,
//! drawn from real engines: sketches parsed by the real parser, implementations filled by
//! the real compile against the local fake model server, examples run in real Python.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_support;

use anpl::engine::{Event, Events};
use anpl::llm::fake_server::{FakeRule, FakeServer, FakeTable};
use anpl::tui::event::{AppEvent, CheckJob, Effect};
use anpl::tui::keymap::Action;
use anpl::tui::repair::{unified_diff, RepairOp, Review};
use anpl::tui::App;
use crossterm::event::{Event as Input, KeyCode, KeyEvent, KeyModifiers};
use tokio_util::sync::CancellationToken;
use tui_support::*;

fn key(c: char) -> AppEvent {
    AppEvent::Input(Input::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

#[test]
fn empty_session() {
    let fx = Fixture::new(WORD_FREQ);
    let engine = fx.engine();
    let mut app = fx.app(&engine);
    insta::assert_snapshot!(screen(&mut app, 100, 30));
}

#[test]
fn compiling() {
    let fx = Fixture::new(WORD_FREQ);
    let engine = fx.engine();
    let mut app = fx.app(&engine);
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
    let server = FakeServer::start(FakeTable {
        rules: vec![FakeRule::new(
            "Recolour every blue",
            code_answer(RECOLOR_WRONG),
        )],
        ..FakeTable::default()
    })
    .await
    .unwrap();
    let fx = Fixture::new(RECOLOR);
    let mut engine = fx.engine();
    let cancel = CancellationToken::new();
    engine
        .compile(&backend(&server, &cancel), None, &Events::none(), &cancel)
        .await
        .unwrap();
    let mut app = fx.app(&engine);
    // Selecting the hole asks for its examples to be checked; do what the driver does.
    let effects = app.start();
    let [Effect::Check { job, generation }] = effects.as_slice() else {
        panic!("expected one check, got {effects:?}");
    };
    assert_eq!(job, &CheckJob::Hole("recolor".into()));
    let checker = engine.checker().await.unwrap();
    let mut impls = app.snapshot.implementations.clone();
    impls.insert(
        "recolor".into(),
        app.snapshot.holes["recolor"].code.clone().unwrap(),
    );
    let report = checker
        .check_examples(&impls, app.snapshot.examples_of("recolor"), false)
        .await
        .unwrap();
    app.update(AppEvent::Checked {
        job: job.clone(),
        generation: *generation,
        result: Ok(report),
    });
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
    let fx = Fixture::new(WORD_FREQ);
    let engine = fx.engine();
    let mut app = fx.app(&engine);
    app.update(key('?'));
    insta::assert_snapshot!(screen(&mut app, 100, 46));
    // On 80x24 it scrolls, saying how much is below.
    let small = rows(&screen(&mut app, 80, 24)).join("\n");
    assert!(small.contains("more) · Esc closes"), "{small}");
    app.update(AppEvent::Input(Input::Key(KeyEvent::new(
        KeyCode::PageDown,
        KeyModifiers::NONE,
    ))));
    let scrolled = rows(&screen(&mut app, 80, 24)).join("\n");
    assert!(scrolled.contains("G / End"), "{scrolled}");
    app.apply(Action::Escape);
    assert_eq!(app.overlay, None);
}

#[test]
fn tiny_terminal() {
    let fx = Fixture::new(WORD_FREQ);
    let engine = fx.engine();
    let mut app = fx.app(&engine);
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
    let fx = Fixture::new(WORD_FREQ);
    let engine = fx.engine();
    let mut app = fx.app(&engine);
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
    let fx = Fixture::new(WORD_FREQ);
    let engine = fx.engine();
    let mut app = fx.app(&engine);
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
    let fx = Fixture::new(WORD_FREQ);
    let engine = fx.engine();
    let mut app = fx.app(&engine);
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
