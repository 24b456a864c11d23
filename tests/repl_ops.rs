//! The engine's repair operations end to end: real sketches on disk, real Python workers,
//! and the real HTTP client talking to the local fake model server. Each test checks the
//! sketch file byte for byte where an operation writes it, and that undo brings back
//! exactly what was there.

// Helpers outside #[test] functions fail loudly too: a broken fixture is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use anpl::engine::ops::TraceTarget;
use anpl::engine::{Engine, Events};
use anpl::session::HoleStatus;
use pretty_assertions::assert_eq;
use support::engine::{backend, search, Fixture};
use support::model::{rule, serve};
use support::sketches::WORDS;
use tokio_util::sync::CancellationToken;

/// The engine on the fixture's sketch: two samples and a repair round.
fn open(fx: &Fixture) -> Engine {
    fx.open(search(2, 1))
}

const SORT_OK: &str =
    "def the_words_sorted_by_count(counts):\n    return sorted(counts, key=lambda w: -counts[w])";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_hole_is_fixed_by_an_example_and_resynthesis() {
    let fx = Fixture::new(WORDS);
    let srv = serve(vec![
        // Case-sensitive: wrong, and every sample the description alone gets is the same.
        rule(
            "Count how often each word",
            &["def count_words(text):\n    out = {}\n    for w in text.split():\n        out[w] = out.get(w, 0) + 1\n    return out"],
        ),
        // Once the prompt shows the pinned example, the model gets it right.
        rule(
            ">>> count_words('b a B')",
            &["def count_words(text):\n    out = {}\n    for w in text.lower().split():\n        out[w] = out.get(w, 0) + 1\n    return out"],
        ),
        rule("the words sorted by count", &[SORT_OK]),
    ])
    .await;
    let b = backend(&srv);
    let mut engine = open(&fx);
    let cancel = CancellationToken::new();
    let report = engine
        .compile(&b, None, &Events::none(), &cancel)
        .await
        .unwrap();
    assert!(!report.success(), "the case-sensitive count fails main");

    // The trace shows count_words("b a B") counting B apart; pin it with the right value.
    let trace = engine.trace(&TraceTarget::Example(1)).await.unwrap();
    assert!(!trace.passed());
    let call = engine
        .session()
        .last_trace
        .as_ref()
        .unwrap()
        .calls
        .iter()
        .find(|c| c.function == "count_words")
        .unwrap()
        .clone();
    assert_eq!(call.result.as_deref(), Some("{'b': 1, 'a': 1, 'B': 1}"));
    let n = engine
        .pin_example("count_words", call.id, Some("{'b': 2, 'a': 1}"), false)
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        engine.examples_for("count_words")[0].call,
        "count_words('b a B')"
    );

    let r = engine
        .resynthesize(&b, "count_words", 2, &Events::none(), &cancel)
        .await
        .unwrap();
    assert!(r.replaced, "{r:?}");
    // It passes its one (pinned) example: a guess until another example confirms it.
    assert_eq!(r.status, HoleStatus::Guess);
    assert!(engine.run_examples().await.unwrap().passed());
    // Resynthesis asked anew rather than replaying the cached first answer.
    assert_eq!(engine.versions("count_words").len(), 2);
    assert_eq!(
        fx.text(),
        WORDS,
        "examples kept in the session leave the sketch alone"
    );

    // Undo the resynthesis, then the pin: back to the first implementation, no example.
    engine.undo().unwrap();
    assert_eq!(
        engine
            .versions("count_words")
            .iter()
            .find(|v| v.current)
            .unwrap()
            .number,
        1
    );
    engine.undo().unwrap();
    assert!(engine.examples_for("count_words").is_empty());
    engine.redo().unwrap();
    engine.redo().unwrap();
    assert!(engine.run_examples().await.unwrap().passed());

    // diff and use move between the versions.
    let diff = engine.diff("count_words", 1, 2).unwrap();
    assert!(diff.contains("-    for w in text.split():"), "{diff}");
    assert!(
        diff.contains("+    for w in text.lower().split():"),
        "{diff}"
    );
    assert_eq!(
        engine.use_version("count_words", 1).await.unwrap(),
        HoleStatus::Failing
    );
    assert!(engine.diff("count_words", 1, 7).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_rewrites_only_the_description_and_undo_restores_every_byte() {
    let fx = Fixture::new(WORDS);
    let mut engine = open(&fx);
    let id = engine
        .edit_description(
            "count_words",
            "Count each word, ignoring case and punctuation.",
        )
        .unwrap();
    assert_eq!(id, "count_words");
    assert_eq!(
        fx.text(),
        WORDS.replace(
            "Count how often each word occurs, ignoring case.",
            "Count each word, ignoring case and punctuation."
        )
    );
    // An inline hole is renamed by its new description.
    let inline = engine.sketch.holes[1].id.clone();
    let renamed = engine
        .edit_description(&inline, "the words by falling count")
        .unwrap();
    assert_eq!(renamed, "the_words_by_falling_count");
    assert!(fx
        .text()
        .contains("return \"the words by falling count\"(counts)"));
    engine.undo().unwrap();
    engine.undo().unwrap();
    assert_eq!(fx.text(), WORDS);
    engine.redo().unwrap();
    assert!(fx
        .text()
        .contains("Count each word, ignoring case and punctuation."));

    // An edit made in another editor: undo refuses rather than overwrite it.
    let outside = fx.text().replace("def main", "# mine\ndef main");
    std::fs::write(&fx.sketch, &outside).unwrap();
    let err = engine.undo().unwrap_err().to_string();
    assert!(err.contains("changed outside anpl"), "{err}");
    assert_eq!(fx.text(), outside);
    // Nor does an edit write over it before the file is reloaded.
    let err = engine
        .edit_description("count_words", "Something else.")
        .unwrap_err()
        .to_string();
    assert!(err.contains("changed on disk"), "{err}");
    assert_eq!(fx.text(), outside);
    let reloaded = engine.reload().unwrap().unwrap();
    assert!(reloaded.stale.is_empty(), "{reloaded:?}");
    assert!(engine.reload().unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_marks_only_changed_holes_stale() {
    let fx = Fixture::new(WORDS);
    let srv = serve(vec![
        rule(
            "Count how often each word",
            &["def count_words(text):\n    out = {}\n    for w in text.lower().split():\n        out[w] = out.get(w, 0) + 1\n    return out"],
        ),
        rule("the words sorted by count", &[SORT_OK]),
    ])
    .await;
    let mut engine = open(&fx);
    let report = engine
        .compile(
            &backend(&srv),
            None,
            &Events::none(),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert!(report.success());
    let changed = WORDS.replace("ignoring case.", "ignoring case and digits.");
    std::fs::write(&fx.sketch, &changed).unwrap();
    let reloaded = engine.reload().unwrap().unwrap();
    assert_eq!(reloaded.stale, vec!["count_words".to_string()]);
    assert_eq!(engine.status("count_words"), HoleStatus::Stale);
    assert!(engine
        .implementations()
        .contains_key(&engine.sketch.holes[1].id));
    // A sketch that no longer parses is reported, and nothing changes.
    std::fs::write(&fx.sketch, "def main(:\n").unwrap();
    let err = engine.reload().unwrap_err().to_string();
    assert!(err.contains("prog.py:1:"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_hole_decomposes_into_a_named_function_with_new_holes() {
    let fx = Fixture::new(WORDS);
    let mut engine = open(&fx);
    let inline = engine.sketch.holes[1].id.clone();
    let body = "order = \"the words in order of first appearance\"(counts)\nreturn \"sort stably by count, largest first\"(order, counts)\n";
    let done = engine.decompose(&inline, body).unwrap();
    assert_eq!(done.function, inline);
    assert_eq!(
        done.new_holes,
        vec![
            "the_words_in_order_of".to_string(),
            "sort_stably_by_count".to_string()
        ]
    );
    let text = fx.text();
    let expected_def = format!(
        "def {inline}(counts):\n    \"\"\"the words sorted by count, most frequent first, ties by first appearance\"\"\"\n    order = \"the words in order of first appearance\"(counts)\n    return \"sort stably by count, largest first\"(order, counts)\n\n\ndef main"
    );
    assert!(text.contains(&expected_def), "{text}");
    assert!(
        text.contains(&format!("    return {inline}(counts)\n")),
        "{text}"
    );
    // The new holes are children of the new function in the tree.
    let callees = engine.sketch.callees(&inline);
    assert_eq!(
        callees,
        done.new_holes
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    engine.undo().unwrap();
    assert_eq!(fx.text(), WORDS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_hole_keeps_its_docstring_when_decomposed_and_bad_bodies_are_refused() {
    let fx = Fixture::new(WORDS);
    let mut engine = open(&fx);
    let err = engine
        .decompose("count_words", "return (\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("would not parse"), "{err}");
    let err = engine
        .decompose("count_words", "\"\"\"Only a docstring.\"\"\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("would still be a hole"), "{err}");
    assert_eq!(fx.text(), WORDS);
    let done = engine
        .decompose(
            "count_words",
            "def count_words(text):\n    words = \"the words of the text, lower-cased\"(text)\n    return {w: words.count(w) for w in words}\n",
        )
        .unwrap();
    assert_eq!(done.new_holes, vec!["the_words_of_the_text".to_string()]);
    assert!(fx.text().starts_with(
        "def count_words(text: str) -> dict:\n    \"\"\"Count how often each word occurs, ignoring case.\"\"\"\n    words = \"the words of the text, lower-cased\"(text)\n    return {w: words.count(w) for w in words}\n\n\ndef main"
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn examples_are_added_to_the_docstring_or_the_session_and_removed() {
    let fx = Fixture::new(WORDS);
    let mut engine = open(&fx);
    let err = engine
        .add_example("count_words", "count_words('a'", "{'a': 1}", false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not an example"), "{err}");
    let err = engine
        .add_example("count_words", "len('a')", "1", false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not call `count_words`"), "{err}");
    assert!(engine.add_example("nope", "nope()", "1", false).is_err());
    assert_eq!(
        engine
            .add_example("count_words", "count_words('a A')", "{'a': 2}", true)
            .unwrap(),
        1
    );
    assert_eq!(
        fx.text(),
        WORDS.replace(
            "    \"\"\"Count how often each word occurs, ignoring case.\"\"\"",
            "    \"\"\"Count how often each word occurs, ignoring case.\n\n    >>> count_words('a A')\n    {'a': 2}\n    \"\"\""
        )
    );
    assert_eq!(
        engine
            .add_example("count_words", "count_words('')", "{}", false)
            .unwrap(),
        2
    );
    engine.remove_example("count_words", 1).unwrap();
    assert_eq!(engine.examples_for("count_words").len(), 1);
    assert_eq!(
        engine.examples_for("count_words")[0].call,
        "count_words('')"
    );
    let err = engine
        .remove_example("count_words", 5)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no example 5"), "{err}");
    engine.undo().unwrap();
    engine.undo().unwrap();
    assert_eq!(engine.examples_for("count_words").len(), 1);
    engine.undo().unwrap();
    assert_eq!(fx.text(), WORDS);
    let history = engine.history();
    assert_eq!(history.len(), 3);
    assert!(history.iter().all(|h| h.undone));
}
