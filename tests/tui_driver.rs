//! The driver against a real engine: compile through the local fake model server with
//! progress forwarded to the app, cancellation with Esc, latest-wins hole checks, a run
//! whose trace draws grids, and the app's own rules for quitting and the mouse.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use anpl::llm::fake_server::{FakeRule, FakeServer, FakeTable};
use anpl::session::HoleStatus;
use anpl::tui::app::{Overlay, Tone};
use anpl::tui::event::{AppEvent, AppSender, CheckJob, Effect};
use anpl::tui::keymap::Action;
use anpl::tui::{App, Driver};
use crossterm::event::{Event as Input, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use pretty_assertions::assert_eq;
use support::engine::Fixture;
use support::model::code;
use support::sketches::{RECOLOR, RECOLOR_WRONG, WORD_FREQ};
use support::tui::{factory, rows, screen, word_freq_app, word_freq_table};
use tokio::sync::mpsc;

/// Feed the app every event until `done` says so, performing its effects; fails after 30 s.
async fn pump(
    app: &mut App,
    driver: &mut Driver,
    rx: &mut mpsc::UnboundedReceiver<AppEvent>,
    done: impl Fn(&App, &AppEvent) -> bool,
) -> Vec<AppEvent> {
    let mut seen = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("no event within 30 s")
            .expect("the driver's channel closed");
        let effects = app.update(event.clone());
        for effect in effects {
            driver.perform(effect, &app.snapshot);
        }
        let stop = done(app, &event);
        seen.push(event);
        if stop {
            return seen;
        }
    }
}

fn start(fx: &Fixture, server: &FakeServer) -> (App, Driver, mpsc::UnboundedReceiver<AppEvent>) {
    let engine = fx.engine();
    let app = fx.app(&engine);
    let (tx, rx) = mpsc::unbounded_channel();
    let driver = Driver::start(engine, AppSender::new(tx), factory(server.openai_base()));
    (app, driver, rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compile_reports_progress_and_ends_with_a_snapshot() {
    let server = support::model::start(word_freq_table(0)).await;
    let fx = Fixture::new(WORD_FREQ);
    let (mut app, mut driver, mut rx) = start(&fx, &server);
    for effect in app.apply(Action::CompileAll) {
        driver.perform(effect, &app.snapshot);
    }
    assert!(app.is_busy());
    let seen = pump(&mut app, &mut driver, &mut rx, |app, _| !app.is_busy()).await;
    let queued = seen
        .iter()
        .filter(|e| matches!(e, AppEvent::Engine(anpl::engine::Event::HoleQueued { .. })))
        .count();
    assert_eq!(queued, 3);
    // The snapshot comes after every progress event of the compile.
    let snapshot_at = seen
        .iter()
        .position(|e| matches!(e, AppEvent::Snapshot(_)))
        .unwrap();
    assert!(!seen[snapshot_at..]
        .iter()
        .any(|e| matches!(e, AppEvent::Engine(_))));
    // Its one example passes: a guess to review until another example confirms it.
    assert_eq!(app.snapshot.status("count_words"), Some(HoleStatus::Guess));
    assert!(app.live.is_empty());
    assert!(app.in_flight.is_empty());
    let (text, tone) = app.message.clone().unwrap();
    assert!(
        text.starts_with(
            "compiled: 3 of 3 hole(s) filled; program: 1 of 1 example(s) pass; 3 request(s), "
        ),
        "{text}"
    );
    assert_eq!(tone, Tone::Success);
    driver.shutdown().await.unwrap();
    let saved = std::fs::read_to_string(fx.dir.path().join("sessions/prog.json")).unwrap();
    assert!(saved.contains("count_words"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_cancels_a_slow_compile() {
    let server = support::model::start(word_freq_table(20_000)).await;
    let fx = Fixture::new(WORD_FREQ);
    let (mut app, mut driver, mut rx) = start(&fx, &server);
    for effect in app.apply(Action::CompileAll) {
        driver.perform(effect, &app.snapshot);
    }
    // Wait until a request is out, then cancel.
    pump(&mut app, &mut driver, &mut rx, |app, _| {
        !app.in_flight.is_empty()
    })
    .await;
    let started = std::time::Instant::now();
    let effects = app.apply(Action::Escape);
    assert_eq!(effects, vec![Effect::Cancel]);
    assert!(!app.is_busy());
    for effect in effects {
        driver.perform(effect, &app.snapshot);
    }
    pump(&mut app, &mut driver, &mut rx, |_, e| {
        matches!(e, AppEvent::Snapshot(_))
    })
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(app.snapshot.status("count_words"), Some(HoleStatus::Empty));
    driver.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newest_hole_check_wins_and_a_run_draws_grids_in_the_trace() {
    let server = FakeServer::start(FakeTable {
        rules: vec![FakeRule::new("Recolour every blue", code(RECOLOR_WRONG))],
        ..FakeTable::default()
    })
    .await
    .unwrap();
    let fx = Fixture::new(RECOLOR);
    let (mut app, mut driver, mut rx) = start(&fx, &server);
    for effect in app.apply(Action::CompileAll) {
        driver.perform(effect, &app.snapshot);
    }
    pump(&mut app, &mut driver, &mut rx, |app, _| !app.is_busy()).await;
    assert_eq!(app.snapshot.status("recolor"), Some(HoleStatus::Failing));
    assert_eq!(
        app.message,
        Some((
            "compiled: 0 of 1 hole(s) filled; program: 0 of 1 example(s) pass; 1 request(s), 366 tokens, cost unknown".into(),
            Tone::Error
        ))
    );
    app.message = None;

    // Two checks of the hole back to back (selected anew): only the second one's result
    // is kept. A snapshot that changes nothing starts no check at all.
    let snapshot = Arc::clone(&app.snapshot);
    assert_eq!(
        app.update(AppEvent::Snapshot(Box::new((*snapshot).clone()))),
        vec![]
    );
    let first = app.start();
    let second = app.start();
    let generation = |effects: &[Effect]| match effects {
        [Effect::Check {
            job: CheckJob::Examples(h),
            generation,
        }] if h == "recolor" => *generation,
        other => panic!("expected a check of recolor, got {other:?}"),
    };
    let (old, new) = (generation(&first), generation(&second));
    assert!(new > old);
    // A late result of the first check must not land on the screen.
    app.update(AppEvent::Checked {
        job: CheckJob::Examples("recolor".into()),
        generation: old,
        result: Err("stale".into()),
    });
    assert_eq!(app.message, None);
    for effect in first.into_iter().chain(second) {
        driver.perform(effect, &app.snapshot);
    }
    pump(&mut app, &mut driver, &mut rx, |app, _| {
        app.hole_check.as_ref().is_some_and(|c| c.report.is_some())
    })
    .await;
    assert_eq!(app.hole_check.as_ref().unwrap().generation, new);

    // Run the program's examples; the trace pane draws the hole's grids as cells.
    let effects = app.apply(Action::Run);
    assert_eq!(effects.len(), 1);
    for effect in effects {
        driver.perform(effect, &app.snapshot);
    }
    pump(&mut app, &mut driver, &mut rx, |app, _| !app.is_busy()).await;
    assert_eq!(
        app.message,
        Some(("run: 0 of 1 example(s) pass".into(), Tone::Error))
    );
    let text = rows(&screen(&mut app, 100, 30)).join("\n");
    assert!(text.contains("#0 recolor(grid=<2×2 grid>)"), "{text}");
    assert!(text.contains("→ 2×2 grid"), "{text}");
    assert!(text.contains(" 2 0"), "{text}");
    assert!(text.contains(" 0×1"), "{text}");
    driver.shutdown().await.unwrap();
}

#[test]
fn quitting_while_busy_asks_first() {
    let (fx, engine, mut app) = word_freq_app();
    assert_eq!(app.apply(Action::CompileAll).len(), 1);
    assert_eq!(app.apply(Action::Quit), vec![]);
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    let key = |c| {
        AppEvent::Input(Input::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            KeyModifiers::NONE,
        )))
    };
    assert_eq!(app.update(key('n')), vec![]);
    assert_eq!(app.overlay, None);
    assert!(!app.quit);
    app.apply(Action::Quit);
    assert_eq!(app.update(key('y')), vec![Effect::Cancel, Effect::Quit]);
    assert!(app.quit);
    // Idle, q quits at once.
    let mut idle = fx.app(&engine);
    assert_eq!(idle.apply(Action::Quit), vec![Effect::Quit]);
}

#[test]
fn a_click_selects_the_hole_under_it() {
    let (_fx, _engine, mut app) = word_freq_app();
    app.width = 100;
    app.height = 30;
    // Row 0 of the tree pane is its border; row 4 is the fourth tree row.
    app.update(AppEvent::Input(Input::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 5,
        row: 4,
        modifiers: KeyModifiers::NONE,
    })));
    assert_eq!(app.selected_name(), Some("capitalize_each_word"));
    // A click below the last row changes nothing.
    app.update(AppEvent::Input(Input::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 5,
        row: 20,
        modifiers: KeyModifiers::NONE,
    })));
    assert_eq!(app.selected_name(), Some("capitalize_each_word"));
}
