//! Compile end to end: real sketches, real Python workers, and the real HTTP client talking
//! to a local server that speaks the OpenAI wire format.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use anpl::engine::{Backend, Engine};
use anpl::llm::fake_server::FakeServer;
use anpl::session::HoleStatus;
use pretty_assertions::assert_eq;
use support::engine::{backend, compile, search, Fixture};
use support::model::{rule, serve};
use support::pytest::pytest;

const SKETCH: &str = r#"def double(x: int) -> int:
    """Double the number.

    >>> double(2)
    4
    """


def shout(s: str) -> str:
    """Upper-case the text and add an exclamation mark.

    >>> shout('hi')
    'HI!'
    """


def main(x: int, s: str) -> str:
    """Shout the text, then the doubled number.

    >>> main(2, 'a')
    'A!4'
    """
    return shout(s) + str(double(x))
"#;

/// A right answer for each of `SKETCH`'s holes.
const DOUBLE: &str = "def double(x):\n    return x * 2";
const SHOUT: &str = "def shout(s):\n    return s.upper() + '!'";

/// A model answering `SKETCH`'s holes: `double`'s answers in turn, and `shout`'s.
async fn sketch_model(double: &[&str], shout: &[&str]) -> FakeServer {
    serve(vec![
        rule("Double the number", double),
        rule("Upper-case the text", shout),
    ])
    .await
}

fn statuses(engine: &Engine) -> Vec<(String, HoleStatus)> {
    engine
        .sketch
        .holes
        .iter()
        .map(|h| (h.id.clone(), engine.status(&h.id)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_first_answer_is_replaced_by_a_passing_sample() {
    let server = sketch_model(&[DOUBLE], &["def shout(s):\n    return s.upper()", SHOUT]).await;
    let fx = Fixture::new(SKETCH);
    let mut engine = fx.open(search(3, 0));
    let report = compile(&mut engine, &backend(&server)).await;
    assert!(report.success(), "{report:#?}");
    // Each hole has a single example: they pass it, and are marked guesses to review.
    assert_eq!(
        statuses(&engine),
        vec![
            ("double".to_string(), HoleStatus::Guess),
            ("shout".to_string(), HoleStatus::Guess)
        ]
    );
    assert_eq!(
        engine.guess("shout").as_deref(),
        Some("filled from a single example")
    );
    assert_eq!(report.program.as_ref().map(|p| p.passed_count()), Some(1));
    assert_eq!(
        engine
            .session()
            .current_code("shout")
            .map(|c| c.contains("+ '!'")),
        Some(true)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_recompile_makes_no_request_and_an_edit_recompiles_one_hole() {
    let server = serve(vec![
        rule("Double the number", &[DOUBLE]),
        rule("Upper-case the text", &[SHOUT]),
        rule("Capitalise the text", &[SHOUT]),
    ])
    .await;
    let fx = Fixture::new(SKETCH);
    let backend = backend(&server);
    {
        let mut engine = fx.open(search(0, 0));
        assert!(compile(&mut engine, &backend).await.success());
    }
    let after_first = server.request_count();
    assert_eq!(after_first, 2);
    {
        let mut engine = fx.open(search(0, 0));
        let report = compile(&mut engine, &backend).await;
        assert!(report.success());
        assert_eq!(report.usage.requests, 0);
        assert!(
            !engine.python_started(),
            "an unchanged recompile re-ran checks that had passed on the same code"
        );
    }
    assert_eq!(
        server.request_count(),
        after_first,
        "an unchanged recompile sent a request"
    );

    let edited = SKETCH.replace("Upper-case the text", "Capitalise the text");
    std::fs::write(&fx.sketch, edited).unwrap();
    let mut engine = fx.open(search(0, 0));
    assert_eq!(engine.stale_holes(), &["shout".to_string()]);
    let report = compile(&mut engine, &backend).await;
    assert!(report.success(), "{report:#?}");
    let requests = server.requests();
    assert_eq!(requests.len(), after_first + 1);
    let last = requests.last().unwrap().raw_body.clone();
    assert!(last.contains("Capitalise the text"), "{last}");
    assert!(last.contains("def shout(s: str) -> str"), "{last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repair_round_shows_the_model_its_failing_example() {
    let server = sketch_model(&["def double(x):\n    return x + 3", DOUBLE], &[SHOUT]).await;
    let fx = Fixture::new(SKETCH);
    let mut engine = fx.open(search(0, 1));
    let report = compile(&mut engine, &backend(&server)).await;
    assert!(report.success(), "{report:#?}");
    let repair = server
        .requests()
        .into_iter()
        .find(|r| r.raw_body.contains("That implementation is wrong"))
        .expect("no repair request was sent");
    assert!(
        repair.raw_body.contains("double(2)"),
        "the failing example is not shown"
    );
    assert!(
        repair.raw_body.contains("return x + 3"),
        "the failing code is not shown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hole_that_never_passes_is_reported_failing_not_accepted() {
    let server = sketch_model(&["def double(x):\n    return x + 1"], &[SHOUT]).await;
    let fx = Fixture::new(SKETCH);
    let mut engine = fx.open(search(2, 1));
    let report = compile(&mut engine, &backend(&server)).await;
    assert!(!report.success());
    assert_eq!(engine.status("double"), HoleStatus::Failing);
    let failure = report
        .holes
        .iter()
        .find(|h| h.hole == "double")
        .and_then(|h| h.failure.clone())
        .unwrap_or_default();
    assert!(
        failure.contains("double(2)") && failure.contains('3'),
        "{failure}"
    );
}

const INLINE: &str = r#"def main(text: str) -> str:
    """Reverse the words' letters.

    >>> main('abc')
    'cba'
    >>> main('hello there')
    'ereht olleh'
    """
    return "reverse the text"(text)
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_hole_answer_with_another_name_is_renamed_and_exports_cleanly() {
    let server = serve(vec![rule(
        "reverse the text",
        &["def rev(t):\n    return t[::-1]"],
    )])
    .await;
    let fx = Fixture::new(INLINE);
    let mut engine = fx.open(search(0, 0));
    let report = compile(&mut engine, &backend(&server)).await;
    assert!(report.success(), "{report:#?}");
    let exported = engine.export("prog_out.py", false).unwrap();
    let out = fx.dir.path().join("prog_out.py");
    std::fs::write(&out, &exported.program).unwrap();
    std::fs::write(fx.dir.path().join("test_prog_out.py"), &exported.tests).unwrap();
    assert!(!exported.program.contains("anpl"), "{}", exported.program);
    let (passed, out) = pytest(fx.dir.path(), "test_prog_out.py");
    assert!(passed, "{out}");
}

const NO_HOLE_EXAMPLES: &str = r#"def main(xs: list) -> int:
    """Sum of the squares.

    >>> main([1, 2, 3])
    14
    """
    return sum("square each number"(xs))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn program_examples_choose_among_candidates_of_unchecked_holes() {
    let server = serve(vec![rule(
        "square each number",
        &[
            "def sq(xs):\n    return [x * 2 for x in xs]",
            "def sq(xs):\n    return [x * x for x in xs]",
        ],
    )])
    .await;
    let fx = Fixture::new(NO_HOLE_EXAMPLES);
    let mut engine = fx.open(search(2, 0));
    let report = compile(&mut engine, &backend(&server)).await;
    assert!(report.success(), "{report:#?}");
    assert_eq!(report.program.as_ref().map(|p| p.passed()), Some(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_refuses_while_a_hole_is_unfilled() {
    let fx = Fixture::new(SKETCH);
    let engine = fx.open(search(0, 0));
    let err = engine
        .export("prog_out.py", false)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("double") && err.contains("--allow-partial"),
        "{err}"
    );
    let partial = engine.export("prog_out.py", true).unwrap();
    assert!(partial.program.contains("def double"));
}

const MIXED: &str = r#"def shout(s: str) -> str:
    """Upper-case the text and add an exclamation mark.

    >>> shout('hi')
    'HI!'
    >>> shout('go team')
    'GO TEAM!'
    """


def main(s: str) -> str:
    """Shout a greeting.

    >>> main('bob')
    'HELLO BOB!'
    """
    return shout("greet the person by name"(s))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_first_fills_what_it_can_and_the_model_the_rest() {
    let server = serve(vec![
        rule(
            "greet the person by name",
            &["def greet(name):\n    return 'hello ' + name"],
        ),
        rule(
            "Upper-case the text",
            &["def shout(s):\n    return 'never asked'"],
        ),
    ])
    .await;
    let fx = Fixture::new(MIXED);
    let Backend::Model { name, client } = backend(&server) else {
        unreachable!()
    };
    let both = Backend::OfflineThenModel { name, client };
    let mut synth_first = search(0, 0);
    synth_first.synth_budget = std::time::Duration::from_secs(30);
    let mut engine = fx.open(synth_first);
    let report = compile(&mut engine, &both).await;
    assert!(report.success(), "{report:#?}");
    let by: Vec<(String, Option<String>)> = report
        .holes
        .iter()
        .map(|h| (h.hole.clone(), h.by.clone()))
        .collect();
    assert_eq!(
        by,
        vec![
            ("shout".to_string(), Some("offline synthesizer".to_string())),
            (
                "greet_the_person_by_name".to_string(),
                Some("openai-compatible:fake".to_string())
            ),
        ]
    );
    assert!(server.requests().iter().all(|r| !r
        .raw_body
        .contains("Implement this function:\n\n```python\ndef shout")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_answers_from_the_session_without_the_network() {
    let server = sketch_model(&[DOUBLE], &[SHOUT]).await;
    let fx = Fixture::new(SKETCH);
    {
        let mut engine = fx.open(search(0, 0));
        assert!(compile(&mut engine, &backend(&server)).await.success());
    }
    server.stop();
    // A fresh session file with the recorded transcripts but no implementations.
    let path = fx.dir.path().join("sessions/prog.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    doc["holes"] = serde_json::json!({});
    std::fs::write(&path, doc.to_string()).unwrap();
    let replay = Backend::Replay {
        name: "openai-compatible:fake".to_string(),
    };
    let mut engine = fx.open(search(0, 0));
    let report = compile(&mut engine, &replay).await;
    assert!(report.success(), "{report:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_example_that_the_saved_code_fails_gets_the_hole_filled_again() {
    let server = sketch_model(&["def double(x):\n    return x + 2", DOUBLE], &[SHOUT]).await;
    let fx = Fixture::new(SKETCH);
    let backend = backend(&server);
    {
        let mut engine = fx.open(search(2, 0));
        assert!(compile(&mut engine, &backend).await.success());
        // x + 2 passes double(2) == 4: the examples did not pin the hole down.
        assert!(engine
            .session()
            .current_code("double")
            .unwrap()
            .contains("x + 2"));
    }
    let more = SKETCH.replace(
        ">>> double(2)\n    4\n",
        ">>> double(2)\n    4\n    >>> double(5)\n    10\n",
    );
    assert_ne!(more, SKETCH);
    std::fs::write(&fx.sketch, more).unwrap();
    let mut engine = fx.open(search(2, 0));
    let report = compile(&mut engine, &backend).await;
    assert!(report.success(), "{report:#?}");
    assert!(engine
        .session()
        .current_code("double")
        .unwrap()
        .contains("x * 2"));
}
