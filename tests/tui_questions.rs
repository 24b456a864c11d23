//! The question overlay against a real engine: sketches compiled by the offline
//! synthesizer (whose fitting programs disagree on two-example holes), the questions the
//! engine computes after the compile, and answers and skips carried out by the driver in
//! real Python. The overlay is a snapshot at 80 columns; keys drive the rest.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use anpl::engine::Backend;
use anpl::tui::app::{Overlay, Tone};
use anpl::tui::event::{AppEvent, AppSender, Effect};
use anpl::tui::questions::AskOp;
use anpl::tui::repair::RepairOp;
use anpl::tui::{App, BackendFactory, Driver, Snapshot};
use crossterm::event::{Event as Input, KeyCode, KeyEvent, KeyModifiers};
use pretty_assertions::assert_eq;
use support::engine::Fixture;
use support::sketches::MIDDLE;
use support::tui::{rows, screen};
use tokio::sync::mpsc;

/// Two holes whose fitting programs disagree: `last` on a capital letter, `middle` on a
/// longer text.
const TWO: &str = r#"def middle(s: str) -> str:
    """The character at the centre of the text.

    >>> middle('abc')
    'b'
    >>> middle('xyz')
    'y'
    """


def last(s: str) -> str:
    """The final character of the text.

    >>> last('abc')
    'c'
    """


def main(words: list[str]) -> str:
    return ''.join(middle(w) + last(w) for w in words)
"#;

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(AppEvent::Input(Input::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    ))))
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        effects.extend(press(app, code));
    }
    effects
}

struct Ui {
    app: App,
    driver: Driver,
    rx: mpsc::UnboundedReceiver<AppEvent>,
}

impl Ui {
    /// The app on a driver whose every compile uses the offline synthesizer.
    fn start(fx: &Fixture) -> Ui {
        let engine = fx.engine();
        let app = App::new(
            Snapshot::of(&engine),
            "offline".to_string(),
            Some(fx.dir.path().to_path_buf()),
        );
        let (tx, rx) = mpsc::unbounded_channel();
        let offline: BackendFactory = Arc::new(|_, _| Ok(Backend::Offline));
        let driver = Driver::start(engine, AppSender::new(tx), offline);
        Ui { app, driver, rx }
    }

    /// Hand `effects` to the driver and feed the app every event until the operation they
    /// started has ended; fails after 60 s.
    async fn carry_out(&mut self, effects: Vec<Effect>) {
        assert!(!effects.is_empty(), "nothing was started");
        for effect in effects {
            self.driver.perform(effect, &self.app.snapshot);
        }
        while self.app.is_busy() {
            let event = tokio::time::timeout(Duration::from_secs(60), self.rx.recv())
                .await
                .expect("no event within 60 s")
                .expect("the driver's channel closed");
            for effect in self.app.update(event) {
                self.driver.perform(effect, &self.app.snapshot);
            }
        }
    }

    fn message(&self) -> (String, Tone) {
        self.app.message.clone().expect("a message")
    }
}

fn anpl_questions(fx: &Fixture) -> String {
    let session = fx.session().display().to_string();
    let out = support::bin::anpl(
        fx.dir.path(),
        &["questions", "prog.py", "--session", &session],
    );
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compile_points_to_its_question_and_the_overlay_shows_it() {
    let fx = Fixture::new(MIDDLE);
    let mut ui = Ui::start(&fx);
    let effects = press(&mut ui.app, KeyCode::Char('c'));
    ui.carry_out(effects).await;
    let (text, tone) = ui.message();
    assert!(
        text.starts_with("1 open question: press Q · compiled: 1 of 1 hole(s) filled"),
        "{text}"
    );
    assert_eq!(tone, Tone::Success);
    let status = rows(&screen(&mut ui.app, 80, 24))[22].clone();
    assert!(status.contains("1 open question: Q │ offline"), "{status}");

    // Listed by the compile: Q shows it at once, without another operation.
    assert_eq!(press(&mut ui.app, KeyCode::Char('Q')), vec![]);
    assert_eq!(ui.app.overlay, Some(Overlay::Questions));
    let q = ui.app.questions.shown().unwrap().clone();
    assert_eq!(q.call, "middle('bcab')");
    let values: Vec<(&str, usize)> = q
        .answers
        .iter()
        .map(|a| (a.value.as_str(), a.count))
        .collect();
    assert_eq!(values, vec![("'a'", 2), ("'c'", 2), ("'ca'", 1)]);
    insta::assert_snapshot!(screen(&mut ui.app, 80, 24));

    // The cursor moves with ↓ and digits; the last row opens a line to type in.
    press(&mut ui.app, KeyCode::Down);
    assert_eq!(ui.app.questions.choice, 1);
    press(&mut ui.app, KeyCode::Char('4'));
    assert_eq!(press(&mut ui.app, KeyCode::Enter), vec![]);
    assert_eq!(ui.app.questions.typing.as_deref(), Some(""));
    typed(&mut ui.app, "'b'");
    let shown = rows(&screen(&mut ui.app, 80, 24)).join("\n");
    assert!(shown.contains("another answer (Python): 'b'▏"), "{shown}");
    // Esc leaves the line, q closes the overlay; the question stays open for `:answer`.
    press(&mut ui.app, KeyCode::Esc);
    assert_eq!(ui.app.questions.typing, None);
    press(&mut ui.app, KeyCode::Char('q'));
    assert_eq!(ui.app.overlay, None);
    assert_eq!(ui.app.questions.list.len(), 1);

    // `:answer N VALUE`, numbered as listed; a number out of range is refused.
    press(&mut ui.app, KeyCode::Char(':'));
    assert_eq!(typed(&mut ui.app, "skip 2\n"), vec![]);
    assert_eq!(
        ui.message(),
        (
            "no question 2: 1 listed, numbered from 1".to_string(),
            Tone::Error
        )
    );
    press(&mut ui.app, KeyCode::Char(':'));
    let effects = typed(&mut ui.app, "answer 1 'a'\n");
    ui.carry_out(effects).await;
    let (text, tone) = ui.message();
    assert_eq!(
        text,
        "no open questions left · middle: example 3 added: middle('bcab') => 'a'; 3 candidate(s) that disagreed dropped, 2 left"
    );
    assert_eq!(tone, Tone::Success);
    assert!(ui.app.questions.list.is_empty());
    let examples = ui.app.snapshot.examples_of("middle");
    assert_eq!(examples.len(), 3);
    assert_eq!(
        (examples[2].call.as_str(), examples[2].expected.as_str()),
        ("middle('bcab')", "'a'")
    );
    ui.driver.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn picking_answers_and_skipping_in_the_overlay() {
    let fx = Fixture::new(TWO);
    let mut ui = Ui::start(&fx);
    let effects = press(&mut ui.app, KeyCode::Char('c'));
    ui.carry_out(effects).await;
    let holes: Vec<&str> = ui
        .app
        .questions
        .list
        .iter()
        .map(|q| q.hole.as_str())
        .collect();
    assert_eq!(holes, vec!["last", "middle"]);

    press(&mut ui.app, KeyCode::Char('Q'));
    let first = ui.app.questions.shown().unwrap().clone();
    assert_eq!(first.call, "last('abC')");
    assert_eq!(first.answers[0].value, "'C'");
    // Enter picks the answer under the cursor: it becomes an example of `last`.
    let effects = press(&mut ui.app, KeyCode::Enter);
    let [Effect::Repair {
        op:
            RepairOp::Ask(AskOp::Answer {
                question,
                value,
                docstring,
            }),
        ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (question, value.as_str(), docstring),
        (&first, "'C'", &false)
    );
    ui.carry_out(effects).await;
    let added: Vec<(String, String)> = ui
        .app
        .snapshot
        .examples_of("last")
        .iter()
        .map(|e| (e.call.clone(), e.expected.clone()))
        .collect();
    assert_eq!(
        added,
        vec![
            ("last('abc')".to_string(), "'c'".to_string()),
            ("last('abC')".to_string(), "'C'".to_string())
        ]
    );
    // `last`'s remaining candidates agree; the next question shown is `middle`'s.
    assert_eq!(ui.app.overlay, Some(Overlay::Questions));
    assert_eq!(ui.app.questions.list.len(), 1);
    let next = ui.app.questions.shown().unwrap().clone();
    assert_eq!(next.call, "middle('bcab')");
    let shown = rows(&screen(&mut ui.app, 80, 24)).join("\n");
    assert!(shown.contains("question 1 of 1 · middle"), "{shown}");

    // A typed answer that is not Python: the error is shown in the overlay, the text kept.
    press(&mut ui.app, KeyCode::Char('4'));
    press(&mut ui.app, KeyCode::Enter);
    typed(&mut ui.app, "'b");
    let effects = press(&mut ui.app, KeyCode::Enter);
    ui.carry_out(effects).await;
    assert_eq!(ui.app.overlay, Some(Overlay::Questions));
    assert_eq!(ui.app.questions.typing.as_deref(), Some("'b"));
    let error = ui
        .app
        .questions
        .error
        .clone()
        .expect("an error in the overlay");
    assert!(error.contains("'b"), "{error}");
    assert_eq!(ui.message().1, Tone::Error);
    let shown = rows(&screen(&mut ui.app, 80, 24)).join("\n");
    assert!(shown.contains(&error[..error.len().min(40)]), "{shown}");
    assert_eq!(ui.app.snapshot.examples_of("middle").len(), 2);

    // Esc leaves the line; Esc again skips the question. The candidates disagree on
    // another call too, so that is asked next.
    press(&mut ui.app, KeyCode::Esc);
    let effects = press(&mut ui.app, KeyCode::Esc);
    ui.carry_out(effects).await;
    let (text, tone) = ui.message();
    assert_eq!(
        text,
        "middle: middle('bcab') skipped; it is not asked again while its candidates stay the same"
    );
    assert_eq!(tone, Tone::Success);
    assert_eq!(ui.app.overlay, Some(Overlay::Questions));
    let after = ui.app.questions.shown().unwrap().clone();
    assert_eq!(after.hole, "middle");
    assert_ne!(after.call, next.call);
    press(&mut ui.app, KeyCode::Char('q'));
    ui.driver.shutdown().await.unwrap();

    // The skip is in the session: `anpl questions` asks the other call, not the skipped one.
    let listed = anpl_questions(&fx);
    assert!(!listed.contains("middle('bcab')"), "{listed}");
    assert!(listed.contains(&after.call), "{listed}");

    // Opened again, Q computes the questions (no compile listed them this time); picking
    // the last open question's answer closes the overlay.
    let mut ui = Ui::start(&fx);
    let effects = press(&mut ui.app, KeyCode::Char('Q'));
    ui.carry_out(effects).await;
    assert_eq!(ui.app.overlay, Some(Overlay::Questions));
    assert_eq!(ui.app.questions.list, vec![after.clone()]);
    let effects = press(&mut ui.app, KeyCode::Enter);
    ui.carry_out(effects).await;
    assert_eq!(ui.app.overlay, None);
    let (text, _) = ui.message();
    assert!(
        text.starts_with("no open questions left · middle: example 3 added: "),
        "{text}"
    );
    assert_eq!(ui.app.snapshot.examples_of("middle").len(), 3);
    ui.driver.shutdown().await.unwrap();
}
