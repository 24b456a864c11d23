//! The repair stories of `anpl repl`, driven through the real binary with piped scripts,
//! against the local fake model server over real HTTP, with real Python checks: a wrong
//! hole fixed by pinning an example and resynthesizing, a hard hole decomposed, an edit
//! undone and redone byte for byte, a file edited elsewhere reconciled, script errors
//! reported by line, and a session that survives `kill -9` at random points.

// Helpers outside #[test] functions fail loudly too: a broken fixture is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anpl::llm::fake_server::FakeRule;
use anpl::session::store::parse_session;
use pretty_assertions::assert_eq;
use support::model::code;
use support::project::{Project, Run};
use support::sketches::{words_rules, TWENTY, WORDS};

/// `anpl repl prog.py` with the fake model, two workers, two samples and a repair round,
/// plus `extra` flags.
fn repl(p: &Project, extra: &[&str]) -> Command {
    let flags = ["--workers", "2", "--samples", "2", "--repair-rounds", "1"];
    let mut cmd = p.model_command(&[&["repl", "prog.py"], &flags[..], extra].concat());
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Run a script through `anpl repl`; returns (exit code, stdout).
async fn run_script(p: &Project, script: &str, extra: &[&str]) -> (i32, String) {
    let run: Run = support::bin::output_async(repl(p, extra), script.to_string())
        .await
        .into();
    (run.code, run.stdout)
}

fn assert_valid_session(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    if let Err(e) = parse_session(path, &text) {
        panic!("the session is not valid after a kill: {e}\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_hole_is_fixed_by_pinning_an_example_and_resynthesizing() {
    let fx = Project::new(WORDS, words_rules()).await;
    let (code, out) = run_script(
        &fx,
        "compile\ntrace\nexample pin count #0 {'b': 2, 'a': 1}\nresynth 1\nrun\nquit\n",
        &["--strict"],
    )
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("  #0 count_words(text='b a B')\n    -> {'b': 1, 'a': 1, 'B': 1}"),
        "{out}"
    );
    assert!(
        out.contains("count_words: call #0 pinned as example 1"),
        "{out}"
    );
    assert!(
        out.contains("count_words: 0 of 1 example(s) pass with the code in use"),
        "{out}"
    );
    assert!(
        out.contains("count_words: new implementation, guess"),
        "{out}"
    );
    assert!(
        out.ends_with("  ok   1  main(\"b a B\")\n1 of 1 passed\n"),
        "{out}"
    );
    assert_eq!(fx.text(), WORDS, "a pinned example lives in the session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hole_too_hard_for_one_function_is_decomposed() {
    let mut rules = words_rules();
    // The whole sort in one go comes back wrong (ascending)...
    rules[2] = FakeRule::new(
        "the words sorted by count",
        code("def f(counts):\n    return sorted(counts, key=lambda w: counts[w])"),
    );
    // ...but each step of the decomposition is easy.
    rules.push(FakeRule::new(
        "the counts negated",
        code("def f(counts):\n    return {w: -n for w, n in counts.items()}"),
    ));
    rules.push(FakeRule::new(
        "the keys ordered by their value",
        code("def f(d):\n    return sorted(d, key=lambda k: d[k])"),
    ));
    let fx = Project::new(WORDS, rules).await;
    let script = "compile\nexample add count count_words('b a B') => {'b': 2, 'a': 1}\nresynth count\nrun\n\
decompose 2 <<END\n    negated = \"the counts negated\"(counts)\n    return \"the keys ordered by their value\"(negated)\nEND\nholes\nrun\nundo\nrun\nquit\n";
    let (code, out) = run_script(&fx, script, &[]).await;
    assert_eq!(code, 0, "{out}");
    let hole = "the_words_sorted_by_count";
    assert!(
        out.contains(&format!("{hole} is now the function {hole} with 2 new hole(s): the_counts_negated, the_keys_ordered_by_their")),
        "{out}"
    );
    assert!(
        out.contains("the_counts_negated: filled by openai-compatible:fake"),
        "{out}"
    );
    // The new holes are children of the function the hole became.
    assert!(
        out.contains(&format!(
            "└── {hole}\n    ├── [2] the_counts_negated program-checked"
        )),
        "{out}"
    );
    let runs: Vec<&str> = out.lines().filter(|l| l.ends_with(" passed")).collect();
    assert_eq!(
        runs,
        vec!["0 of 1 passed", "1 of 1 passed", "0 of 1 passed"],
        "{out}"
    );
    assert!(
        out.contains(&format!("1 of 1 passed\nundid decompose {hole}")),
        "{out}"
    );
    // Undo put the inline hole back exactly.
    assert_eq!(fx.text(), WORDS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_is_undone_and_redone_byte_for_byte() {
    let fx = Project::new(WORDS, words_rules()).await;
    let edited = WORDS.replace(
        "Count how often each word occurs, ignoring case.",
        "Count how often each word occurs,\n    ignoring case and punctuation.",
    );
    let script = "edit count_words <<END\nCount how often each word occurs,\nignoring case and punctuation.\nEND\nundo\nredo\nhistory\nquit\n";
    let (code, out) = run_script(&fx, script, &["--strict"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("count_words: description updated"), "{out}");
    // Each says what happened to the statuses it changed, right after it.
    let undid = out.find("undid edit count_words\n");
    let redid = out.find("redid edit count_words\n");
    assert!(undid.is_some() && redid > undid, "{out}");
    assert!(
        out.contains("  1  edit count_words  (sketch edited)\n"),
        "{out}"
    );
    assert_eq!(fx.text(), edited);
    let (code, out) = run_script(&fx, "undo\n", &["--strict"]).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(fx.text(), WORDS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn script_errors_name_their_line_and_strict_stops_at_the_first() {
    let fx = Project::new(WORDS, words_rules()).await;
    let script = "holes\nshow nothing_like_this\nexample add count count_words('a') =>\nuse count_words 3\nhelp example\n";
    let (code, out) = run_script(&fx, script, &[]).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("error: line 2: no hole `nothing_like_this` (see `holes`)\n"),
        "{out}"
    );
    assert!(
        out.contains("error: line 3: both sides of `=>` need a Python expression\n"),
        "{out}"
    );
    assert!(
        out.contains("error: line 4: `count_words` has 0 version(s); there is no version 3"),
        "{out}"
    );
    assert!(
        out.contains("example add NAME [CALL => EXPECTED]"),
        "the script went on: {out}"
    );
    let (code, out) = run_script(&fx, script, &["--strict"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error: line 2:"), "{out}");
    assert!(!out.contains("error: line 3:"), "--strict stops: {out}");
    let (code, out) = run_script(&fx, "decompose count <<END\nreturn 1\n", &[]).await;
    assert_eq!(code, 1);
    assert!(
        out.contains("error: line 1: the input ended before the closing `END`"),
        "{out}"
    );
    assert_eq!(fx.text(), WORDS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sketch_edited_elsewhere_is_reconciled_before_the_next_command() {
    let fx = Project::new(WORDS, words_rules()).await;
    let mut child = repl(&fx, &[]).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"compile\n").unwrap();
    stdin.flush().unwrap();
    // Wait until the compile has saved both implementations.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = std::fs::read_to_string(fx.session()).unwrap_or_default();
        if text.matches("\"versions\": [\n        {").count() >= 2
            && text.contains("\"history\": [\n    {")
        {
            break;
        }
        assert!(Instant::now() < deadline, "compile did not finish: {text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    std::fs::write(
        fx.path("prog.py"),
        WORDS.replace("ignoring case.", "ignoring case and digits."),
    )
    .unwrap();
    stdin.write_all(b"holes\nundo\n").unwrap();
    drop(stdin);
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains("prog.py changed on disk; reloaded; stale: count_words\n"),
        "{out}"
    );
    assert!(out.contains("[1] count_words stale"), "{out}");
    assert!(
        out.contains(
            "error: line 3: cannot undo `compile`: prog.py was changed outside anpl since"
        ),
        "{out}"
    );
    assert_eq!(
        fx.text(),
        WORDS.replace("ignoring case.", "ignoring case and digits.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_survives_kill_9_at_random_points() {
    let fx = Project::new(WORDS, words_rules()).await;
    // How long the whole script takes, to spread the kills over it.
    let started = Instant::now();
    let (code, out) = run_script(&fx, TWENTY, &["--strict"]).await;
    assert_eq!(code, 0, "{out}");
    let full = started.elapsed();
    let seed = std::process::id() as u64;
    for round in 0..12u64 {
        // A cheap deterministic spread of kill times over the run, different per process.
        let fraction =
            ((seed.wrapping_mul(2654435761).wrapping_add(round * 40503)) % 1000) as f64 / 1000.0;
        let mut child = repl(&fx, &[]).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(TWENTY.as_bytes()).unwrap();
        drop(stdin);
        tokio::time::sleep(full.mul_f64(fraction)).await;
        // SAFETY: sending a signal to our own child process by its id.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        let _ = child.wait();
        if fx.session().exists() {
            assert_valid_session(&fx.session());
        }
        // The next run opens the session (the lock died with the process) and works.
        let (code, out) = run_script(&fx, "holes\nhistory\n", &["--strict"]).await;
        assert_eq!(code, 0, "round {round}: {out}");
        // The sketch is always one of the two texts the script writes, never a mix.
        let text = fx.text();
        assert!(
            text == WORDS
                || text
                    .contains("\"the words by falling count, ties by first appearance\"(counts)"),
            "round {round}: {text}"
        );
    }
}
