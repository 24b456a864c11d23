//! Questions through the `anpl` binary, as a script would use them: `compile --ask` stops
//! with the open questions and exit status 3, `questions --json` lists them, `example add`
//! answers one (dropping the candidates that disagree), and the next compile is settled.
//! Once with the offline synthesizer, whose fitting programs disagree on a two-example
//! hole, and once with a model on a local fake server whose samples disagree.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Command;

use support::bin::{anpl, anpl_stdin, dir_with, text};
use support::fake_model::FakeModel;
use support::sketches::MIDDLE;

/// What the user answers: the real middle character of the call's argument, by Python.
fn centre(call: &str) -> String {
    let arg = call.trim_start_matches("middle(").trim_end_matches(')');
    let out = Command::new("python3")
        .args(["-c", &format!("s = {arg}; print(repr(s[len(s) // 2]))")])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `anpl repl mid.py --model offline` with `script` (and a newline) piped in.
fn repl(dir: &Path, script: &str) -> String {
    let out = anpl_stdin(
        dir,
        &["repl", "mid.py", "--model", "offline"],
        &format!("{script}\n"),
    );
    text(&out)
}

/// `mid.py` (`MIDDLE`) in a fresh folder, compiled by the offline synthesizer, whose
/// fitting programs disagree on inputs beyond its two examples.
fn compiled_offline() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mid.py"), MIDDLE).unwrap();
    let out = anpl(dir.path(), &["compile", "mid.py", "--model", "offline"]);
    assert!(out.status.success(), "{}", text(&out));
    dir
}

/// The program now takes each word's centre character, as `middle` should.
fn assert_takes_the_centre(dir: &Path) {
    let check = anpl(
        dir,
        &["trace", "mid.py", "--call", "main(['abcde', 'hello'])"],
    );
    assert!(text(&check).contains("'cl'"), "{}", text(&check));
}

fn questions(dir: &Path) -> serde_json::Value {
    let out = anpl(dir, &["questions", "mid.py", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn synthesizer_programs_that_disagree_are_asked_about_and_an_answer_settles_them() {
    let dir = dir_with(&[("mid.py", MIDDLE)]);
    let out = anpl(
        dir.path(),
        &["compile", "mid.py", "--model", "offline", "--ask"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let shown = text(&out);
    assert!(shown.contains("? middle: what should middle("), "{shown}");
    assert!(
        shown.contains("answer: anpl example add mid.py middle"),
        "{shown}"
    );

    let list = questions(dir.path());
    let q = &list.as_array().unwrap()[0];
    assert_eq!(q["hole"], "middle");
    let call = q["call"].as_str().unwrap().to_string();
    let answers = q["answers"].as_array().unwrap();
    assert!(answers.len() >= 2, "{list}");
    assert!(answers.iter().all(|a| a["count"].as_u64().unwrap() >= 1));

    // The user's answer: what the middle character really is, computed by Python.
    let expected = centre(&call);
    let out = anpl(
        dir.path(),
        &["example", "add", "mid.py", "middle", &call, &expected],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("dropped"), "{}", text(&out));

    let out = anpl(dir.path(), &["example", "list", "mid.py", "middle"]);
    assert!(
        text(&out).contains(&format!("3. {call} => {expected}")),
        "{}",
        text(&out)
    );

    // Settled: whatever candidates are left agree, compile --ask succeeds.
    let out = anpl(
        dir.path(),
        &["compile", "mid.py", "--model", "offline", "--ask"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_takes_the_centre(dir.path());
}

#[test]
fn model_samples_that_disagree_are_asked_about() {
    let dir = dir_with(&[("mid.py", MIDDLE)]);
    // The greedy answer indexes a constant; half of the samples read "centre" properly.
    let table = serde_json::json!({"rules": [{
        "contains": "centre of the text",
        "answers": [
            "Here is the function:\n```python\ndef middle(s: str) -> str:\n    return s[1]\n```",
            "```python\ndef middle(s: str) -> str:\n    return s[len(s) // 2]\n```"
        ]
    }]});
    let server = FakeModel::serve(dir.path(), &table);
    let base = server.base();
    let model = [
        "--model",
        "openai-compatible:fake",
        "--base-url",
        base.as_str(),
    ];
    let mut args = vec!["compile", "mid.py", "--ask", "--json"];
    args.extend(model);
    let out = anpl(dir.path(), &args);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let q = &doc["questions"][0];
    assert_eq!(q["hole"], "middle");
    let values: Vec<&str> = q["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["value"].as_str().unwrap())
        .collect();
    assert_eq!(values.len(), 2, "{doc}");

    // Answer with the centre character: the greedy answer is dropped and replaced without
    // a new request.
    let call = q["call"].as_str().unwrap().to_string();
    let expected = centre(&call);
    let out = anpl(
        dir.path(),
        &["example", "add", "mid.py", "middle", &call, &expected],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("took its place"), "{}", text(&out));
    assert!(questions(dir.path()).as_array().unwrap().is_empty());
    let session = std::fs::read_to_string(dir.path().join("sessions/mid.json")).unwrap();
    assert!(session.contains("s[len(s) // 2]"));
}

/// A hole whose first answer failed has had a round of samples drawn already; the samples
/// of that round left unjudged after one passed are the alternatives questions come from,
/// and no second round is requested for them.
#[test]
fn samples_already_drawn_serve_the_questions_without_another_round() {
    let dir = dir_with(&[("mid.py", MIDDLE)]);
    // greedy: wrong for both examples; the round of three: that again, then two different
    // answers that both pass them
    let table = serde_json::json!({"rules": [{
        "contains": "centre of the text",
        "answers": [
            "```python\ndef middle(s: str) -> str:\n    return s[0]\n```",
            "```python\ndef middle(s: str) -> str:\n    return s[len(s) // 2]\n```",
            "```python\ndef middle(s: str) -> str:\n    return s[1]\n```"
        ]
    }]});
    let server = FakeModel::serve(dir.path(), &table);
    let base = server.base();
    let out = anpl(
        dir.path(),
        &[
            "compile",
            "mid.py",
            "--ask",
            "--json",
            "--samples",
            "3",
            "--model",
            "openai-compatible:fake",
            "--base-url",
            base.as_str(),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["questions"][0]["hole"], "middle", "{doc}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
}

#[test]
fn repl_lists_skips_and_answers_questions() {
    let dir = dir_with(&[("mid.py", MIDDLE)]);
    let out = anpl(dir.path(), &["compile", "mid.py", "--model", "offline"]);
    assert!(out.status.success(), "{}", text(&out));
    // The first question is skipped; the next one must be another.
    let shown = repl(dir.path(), "questions\nskip 1\nquestions");
    assert!(
        shown.contains("[1] ? middle: what should middle("),
        "{shown}"
    );
    assert!(shown.contains("skipped"), "{shown}");
    let asked: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with("[1] ? middle: what should "))
        .collect();
    assert_eq!(asked.len(), 2, "{shown}");
    assert_ne!(asked[0], asked[1], "a skipped question is not asked again");
    // Answer the second through a fresh REPL, with the centre character.
    let call = asked[1]
        .trim_start_matches("[1] ? middle: what should ")
        .split(" return?")
        .next()
        .unwrap()
        .to_string();
    let expected = centre(&call);
    let shown = repl(dir.path(), &format!("questions\nanswer 1 {expected}"));
    assert!(
        shown.contains(&format!("example 3 added: {call} => {expected}")),
        "{shown}"
    );
    assert!(shown.contains("disagreed dropped"), "{shown}");
}

/// `ask = true` in anpl.toml makes `--ask` the default for the project; `--no-ask` overrides
/// it, and `anpl models` shows where the setting came from.
#[test]
fn ask_set_in_anpl_toml_stops_compile_with_the_questions_unless_no_ask() {
    let dir = dir_with(&[("mid.py", MIDDLE)]);
    std::fs::write(dir.path().join("anpl.toml"), "ask = true\n").unwrap();
    let out = anpl(dir.path(), &["compile", "mid.py", "--model", "offline"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("open questions"), "{}", text(&out));

    let out = anpl(
        dir.path(),
        &["compile", "mid.py", "--model", "offline", "--no-ask"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("open questions"), "{}", text(&out));

    let models = text(&anpl(dir.path(), &["models", "--model", "offline"]));
    let row = models.lines().find(|l| l.trim_start().starts_with("ask"));
    assert!(
        row.is_some_and(|r| r.contains("true") && r.contains("anpl.toml")),
        "{models}"
    );

    std::fs::write(dir.path().join("anpl.toml"), "\nask = \"yes\"\n").unwrap();
    let out = anpl(dir.path(), &["compile", "mid.py", "--model", "offline"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("anpl.toml:2:7"), "{}", text(&out));
}

/// An answer drops the candidates that disagree with it; `undo` brings back the example's
/// absence and those candidates with it, so the same question is open again.
#[test]
fn undo_of_an_answer_brings_its_question_back() {
    let dir = compiled_offline();
    let before = questions(dir.path());
    let call = before[0]["call"].as_str().unwrap().to_string();
    let expected = centre(&call);
    let shown = repl(dir.path(), &format!("questions\nanswer 1 {expected}\nundo"));
    assert!(shown.contains("dropped"), "{shown}");
    assert_eq!(questions(dir.path()), before, "{shown}");
}

/// A mistaken answer rules out the candidates that were right; removing it with `example rm`
/// (not `undo`: the user may notice much later) brings them back, so the question is open
/// again and can be answered properly.
#[test]
fn removing_a_mistaken_answer_brings_back_what_it_ruled_out() {
    let dir = compiled_offline();
    let before = questions(dir.path());
    let call = before[0]["call"].as_str().unwrap().to_string();
    let right = centre(&call);
    let wrong = before[0]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["value"].as_str().unwrap().to_string())
        .find(|v| *v != right)
        .unwrap();
    let shown = repl(dir.path(), &format!("questions\nanswer 1 {wrong}"));
    assert!(shown.contains("dropped"), "{shown}");
    let answered = questions(dir.path());
    assert!(
        answered
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["call"] != call),
        "{answered}"
    );

    let out = anpl(dir.path(), &["example", "rm", "mid.py", "middle", "3"]);
    assert!(out.status.success(), "{}", text(&out));
    let after = questions(dir.path());
    let answers = |q: &serde_json::Value| {
        let mut list: Vec<String> = q[0]["answers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| format!("{} x{}", a["value"], a["count"]))
            .collect();
        list.sort();
        list
    };
    assert_eq!(after[0]["call"], before[0]["call"], "{after}");
    assert_eq!(answers(&after), answers(&before), "{after}");

    // and the right answer settles it as it would have at first
    let out = anpl(
        dir.path(),
        &["example", "add", "mid.py", "middle", &call, &right],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_takes_the_centre(dir.path());
}

/// A hole whose examples it no longer passes has no question to ask, and `questions` says
/// so instead of claiming its candidates agree.
#[test]
fn a_failing_hole_is_named_when_there_are_no_questions() {
    let dir = compiled_offline();
    std::fs::write(
        dir.path().join("mid.py"),
        MIDDLE.replace("    'y'\n", "    'q'\n"),
    )
    .unwrap();
    let out = anpl(dir.path(), &["questions", "mid.py"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("no open questions: middle fails its examples")
            && text(&out).contains("`anpl compile`"),
        "{}",
        text(&out)
    );
}

/// `answer N VALUE --doc` writes the answer into the hole's docstring as a doctest, where
/// the user's other examples are, instead of keeping it in the session.
#[test]
fn an_answer_can_go_into_the_docstring() {
    let dir = compiled_offline();
    let call = questions(dir.path())[0]["call"]
        .as_str()
        .unwrap()
        .to_string();
    let expected = centre(&call);
    let shown = repl(dir.path(), &format!("questions\nanswer 1 {expected} --doc"));
    assert!(shown.contains("example 3 added"), "{shown}");
    let sketch = std::fs::read_to_string(dir.path().join("mid.py")).unwrap();
    assert!(
        sketch.contains(&format!(">>> {call}\n    {expected}\n")),
        "{sketch}"
    );
    let out = anpl(dir.path(), &["example", "list", "mid.py", "middle"]);
    assert!(
        text(&out).contains(&format!("3. {call} => {expected}")),
        "{}",
        text(&out)
    );
}
