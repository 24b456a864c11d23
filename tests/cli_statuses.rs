//! Statuses tell the truth, through the real binary: `anpl compile`, `anpl repl` with piped
//! scripts and `anpl export`, against the local fake model server over real HTTP, with
//! real Python checks. A hole whose examples fail is never shown `passing` (after `example
//! add`, `example pin`, an `--examples` file, a doctest edited in the sketch, or a change to
//! a hole it calls); a hole checked only by the program's examples is `program-checked`;
//! a hole filled from one example, or by code that ignores its description, is a `guess`;
//! and compile shows the code it accepted.

// Helpers outside #[test] functions fail loudly too: a broken fixture is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use anpl::llm::fake_server::FakeRule;
use support::model::code;
use support::project::{Project, Run};
use support::pytest::pytest;

const SHOUT: &str = r#"def shout(s: str) -> str:
    """Upper-case the text and add an exclamation mark.

    >>> shout('hi')
    'HI!'
    >>> shout('go team')
    'GO TEAM!'
    """


def twice(xs: list[int]) -> list[int]:
    """Double every number.

    >>> twice([1, 2])
    [2, 4]
    >>> twice([])
    []
    """


def main(s: str, xs: list[int]) -> str:
    """Shout the text, then the doubled numbers.

    >>> main('a', [3])
    'A! [6]'
    """
    return shout(s) + " " + str(twice(xs))
"#;

fn shout_rules() -> Vec<FakeRule> {
    vec![
        FakeRule::new(
            "Upper-case the text",
            code("def shout(s):\n    return s.upper() + '!'"),
        ),
        FakeRule::new(
            "Double every number",
            code("def twice(xs):\n    return [x * 2 for x in xs]"),
        ),
    ]
}

/// The flags every command that may ask the model takes here, besides the model's own.
const ONE_SAMPLE: [&str; 4] = ["--samples", "1", "--repair-rounds", "0"];

/// `anpl compile prog.py` with the fake model, plus `extra` flags.
async fn run_compile(p: &Project, extra: &[&str]) -> Run {
    let args = [&["compile", "prog.py"], &ONE_SAMPLE[..], extra].concat();
    p.run_model(&args, "").await
}

/// A script piped into `anpl repl prog.py` with the fake model, plus `extra` flags.
async fn run_repl(p: &Project, script: &str, extra: &[&str]) -> Run {
    let args = [&["repl", "prog.py"], &ONE_SAMPLE[..], extra].concat();
    p.run_model(&args, script).await
}

/// The line of `holes` (REPL) for a hole: `[n] id status description`.
fn hole_line<'a>(out: &'a str, hole: &str) -> &'a str {
    out.lines()
        .find(|l| l.contains(&format!("] {hole} ")))
        .unwrap_or_else(|| panic!("no line for {hole} in:\n{out}"))
}

/// The REPL's `holes` shows `hole` with `status` (a word of its line, as ` failing `).
fn assert_hole(repl: &Run, hole: &str, status: &str) {
    assert!(
        hole_line(&repl.stdout, hole).contains(status),
        "{hole} is not {}:\n{}",
        status.trim(),
        repl.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hole_is_not_shown_passing_after_example_add_makes_it_fail() {
    let fx = Project::new(SHOUT, shout_rules()).await;
    let first = run_compile(&fx, &[]).await;
    assert_eq!(first.code, 0, "{}", first.all());
    assert!(first.stdout.contains("ok   shout"), "{}", first.stdout);

    let repl = run_repl(
        &fx,
        "example add shout shout('a') => 'B!'\nholes\nshow shout\nquit\n",
        &["--strict"],
    )
    .await;
    assert_eq!(repl.code, 0, "{}", repl.all());
    assert!(
        repl.stdout.contains("shout is now failing (was passing)"),
        "{}",
        repl.stdout
    );
    assert_hole(&repl, "shout", " failing ");
    assert!(
        repl.stdout
            .contains("shout(s: str) -> str · named · failing"),
        "{}",
        repl.stdout
    );

    // compile tries again (the model gives the same answer), says failing, and exits 1.
    let again = run_compile(&fx, &[]).await;
    assert_eq!(again.code, 1, "{}", again.all());
    assert!(
        again
            .stdout
            .lines()
            .any(|l| l.starts_with("FAIL shout") && l.contains(" failing ")),
        "{}",
        again.stdout
    );
    assert!(
        !again
            .stdout
            .lines()
            .any(|l| l.contains(" shout ") && l.contains(" passing ")),
        "{}",
        again.stdout
    );

    // export refuses the failing test, writes nothing, and says how to go on.
    let export = fx.run(&["export", "prog.py", "-o", "done.py"], "").await;
    assert_eq!(export.code, 1, "{}", export.all());
    assert!(export.stderr.contains("test_shout_3"), "{}", export.stderr);
    assert!(
        export.stderr.contains("--allow-failing"),
        "{}",
        export.stderr
    );
    assert!(!fx.path("done.py").exists());
    assert!(!fx.path("test_done.py").exists());

    // With --allow-failing it warns, writes, and pytest fails exactly that test.
    let export = fx
        .run(
            &["export", "prog.py", "-o", "done.py", "--allow-failing"],
            "",
        )
        .await;
    assert_eq!(export.code, 0, "{}", export.all());
    assert!(
        export
            .stderr
            .contains("warning: 1 of 6 exported test(s) fail: test_shout_3"),
        "{}",
        export.stderr
    );
    let (ok, out) = pytest(fx.dir.path(), "test_done.py");
    assert!(!ok, "{out}");
    assert!(out.contains("1 failed, 5 passed"), "{out}");
    assert!(out.contains("test_shout_3"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hole_is_not_shown_passing_after_example_pin_makes_it_fail() {
    let fx = Project::new(SHOUT, shout_rules()).await;
    assert_eq!(run_compile(&fx, &[]).await.code, 0);
    // Call #1 of the trace is twice([3]); pin it with a value the code does not return.
    let repl = run_repl(
        &fx,
        "trace\nexample pin twice #1 [7]\nholes\nquit\n",
        &["--strict"],
    )
    .await;
    assert_eq!(repl.code, 0, "{}", repl.all());
    assert!(repl.stdout.contains("#1 twice(xs=[3])"), "{}", repl.stdout);
    assert!(
        repl.stdout.contains("twice is now failing (was passing)"),
        "{}",
        repl.stdout
    );
    assert_hole(&repl, "twice", " failing ");
    let again = run_compile(&fx, &["--json"]).await;
    assert_eq!(again.code, 1, "{}", again.all());
    let doc: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(doc["success"], false);
    let twice = doc["report"]["holes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["hole"] == "twice")
        .unwrap();
    assert_eq!(twice["status"], "failing", "{twice}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_examples_file_the_saved_code_fails_makes_the_hole_failing() {
    let fx = Project::new(SHOUT, shout_rules()).await;
    assert_eq!(run_compile(&fx, &[]).await.code, 0);
    std::fs::write(
        fx.path("more.json"),
        r#"{"examples": [{"function": "shout", "inputs": {"s": "a"}, "output": "B!"}]}"#,
    )
    .unwrap();
    let repl = run_repl(
        &fx,
        "holes\nquit\n",
        &["--examples", "more.json", "--strict"],
    )
    .await;
    assert_eq!(repl.code, 0, "{}", repl.all());
    assert_hole(&repl, "shout", " failing ");
    let compile = run_compile(&fx, &["--examples", "more.json"]).await;
    assert_eq!(compile.code, 1, "{}", compile.all());
    assert!(compile.stdout.contains("FAIL shout"), "{}", compile.stdout);
    // Without the file the same session is passing again: nothing was lost.
    let plain = run_compile(&fx, &[]).await;
    assert_eq!(plain.code, 0, "{}", plain.all());
    assert!(plain.stdout.contains("ok   shout"), "{}", plain.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_doctest_edited_in_the_sketch_is_checked_before_the_status_is_shown() {
    let fx = Project::new(SHOUT, shout_rules()).await;
    assert_eq!(run_compile(&fx, &[]).await.code, 0);
    let edited = SHOUT.replace("'GO TEAM!'", "'GO TEAM?'");
    std::fs::write(fx.path("prog.py"), &edited).unwrap();
    let repl = run_repl(&fx, "holes\nquit\n", &["--strict"]).await;
    assert_eq!(repl.code, 0, "{}", repl.all());
    assert_hole(&repl, "shout", " failing ");
    assert_hole(&repl, "twice", " passing ");
    let compile = run_compile(&fx, &[]).await;
    assert_eq!(compile.code, 1, "{}", compile.all());
}

const INC: &str = r#"def inc(x: int) -> int:
    """Add one to the number.

    >>> inc(1)
    2
    >>> inc(10)
    11
    """


def inc_twice(x: int) -> int:
    """Add two to the number, by calling inc twice.

    >>> inc_twice(1)
    3
    >>> inc_twice(5)
    7
    """


def main(x: int) -> int:
    """Add two."""
    return inc_twice(x)
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hole_is_checked_again_when_a_hole_it_calls_changes() {
    let rules = vec![
        FakeRule::new(
            "Add two to the number",
            code("def inc_twice(x):\n    return inc(inc(x))"),
        ),
        // Once the user (wrongly) says inc(2) is 4, the model doubles instead.
        FakeRule::new(
            ">>> inc(2)",
            code("def inc(x):\n    return x + 1 + (x == 2)"),
        ),
        FakeRule::new(
            "Add one to the number",
            code("def inc(x):\n    return x + 1"),
        ),
    ];
    let fx = Project::new(INC, rules).await;
    let first = run_compile(&fx, &[]).await;
    assert_eq!(first.code, 0, "{}", first.all());
    let repl = run_repl(
        &fx,
        "example add inc inc(2) => 4\nresynth inc\nholes\nquit\n",
        &["--strict"],
    )
    .await;
    assert_eq!(repl.code, 0, "{}", repl.all());
    assert!(
        repl.stdout.contains("inc: new implementation"),
        "{}",
        repl.stdout
    );
    assert!(
        repl.stdout
            .contains("inc_twice is now failing (was passing)"),
        "{}",
        repl.stdout
    );
    assert_hole(&repl, "inc_twice", " failing ");
}

const PALINDROMES: &str = r#"def is_palindrome(word: str) -> bool:
    """Whether the word reads the same backwards, ignoring case."""


def main(words: list[str]) -> list[str]:
    """Keep the palindromes.

    >>> main(["Anna", "bob", "cat"])
    ['Anna', 'bob']
    """
    if len(words) > 100:
        return "the first hundred words, sorted"(words)
    return [w for w in words if is_palindrome(w)]
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hole_checked_only_by_the_program_is_program_checked_not_unchecked() {
    let rules = vec![
        FakeRule::new(
            "reads the same backwards",
            code("def is_palindrome(word):\n    w = word.lower()\n    return w == w[::-1]"),
        ),
        FakeRule::new(
            "the first hundred words",
            code("def the_first_hundred_words(words):\n    return sorted(words[:100])"),
        ),
    ];
    let fx = Project::new(PALINDROMES, rules).await;
    let compile = run_compile(&fx, &[]).await;
    assert_eq!(compile.code, 0, "{}", compile.all());
    let line = |hole: &str| {
        compile
            .stdout
            .lines()
            .find(|l| l.contains(&format!(" {hole} ")))
            .unwrap_or_else(|| panic!("{hole}:\n{}", compile.stdout))
            .to_string()
    };
    assert!(
        line("is_palindrome").starts_with("ok "),
        "{}",
        compile.stdout
    );
    assert!(
        line("is_palindrome").contains("program-checked"),
        "{}",
        compile.stdout
    );
    // The branch the examples never take leaves its hole unchecked: no evidence at all.
    let other = line("the_first_hundred_words");
    assert!(other.starts_with("? "), "{}", compile.stdout);
    assert!(other.contains(" unchecked "), "{}", compile.stdout);

    let repl = run_repl(&fx, "holes\nquit\n", &["--strict"]).await;
    assert_hole(&repl, "is_palindrome", " program-checked ");
    assert_hole(&repl, "the_first_hundred_words", " unchecked ");
    let json = run_compile(&fx, &["--json"]).await;
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let status = |hole: &str| {
        doc["report"]["holes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["hole"] == hole)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("is_palindrome"), "program-checked");
    assert_eq!(status("the_first_hundred_words"), "unchecked");
}

const DOUBLE: &str = r#"def double(x: int) -> int:
    """Double the number.

    >>> double(3)
    6
    """
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compile_shows_the_code_it_accepted_and_a_single_example_makes_a_guess() {
    let long = "def double(x):\n    a = x\n    b = x\n    c = a + b\n    d = c\n    return d";
    let fx = Project::new(DOUBLE, vec![FakeRule::new("Double the number", code(long))]).await;
    let compile = run_compile(&fx, &[]).await;
    assert_eq!(compile.code, 0, "{}", compile.all());
    let out = &compile.stdout;
    assert!(
        out.lines()
            .any(|l| l.starts_with("ok?  double") && l.contains(" guess ")),
        "{out}"
    );
    // The body, cut to a few lines with a marker; never the plain `passing`.
    assert!(
        out.contains(
            "       | a = x\n       | b = x\n       | c = a + b\n       | … (2 more lines)\n"
        ),
        "{out}"
    );
    assert!(out.contains("guess: filled from a single example"), "{out}");
    assert!(!out.contains(" passing "), "{out}");

    let quiet = run_compile(&fx, &["--quiet"]).await;
    assert_eq!(quiet.code, 0, "{}", quiet.all());
    assert!(!quiet.stdout.contains("| a = x"), "{}", quiet.stdout);
    assert!(
        quiet.stdout.contains("guess: filled from a single example"),
        "{}",
        quiet.stdout
    );

    let json = run_compile(&fx, &["--json"]).await;
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let hole = &doc["report"]["holes"][0];
    assert_eq!(hole["status"], "guess", "{hole}");
    assert_eq!(hole["guess"], "filled from a single example", "{hole}");
    assert_eq!(
        hole["code"].as_str().map(str::trim_end),
        Some(long),
        "{hole}"
    );

    let repl = run_repl(&fx, "holes\nquit\n", &["--strict"]).await;
    assert_hole(&repl, "double", " guess ");

    // A second example confirms it: no longer a guess.
    let repl = run_repl(
        &fx,
        "example add double double(5) => 10\nholes\nquit\n",
        &["--strict"],
    )
    .await;
    assert!(
        repl.stdout.contains("double is now passing (was guess)"),
        "{}",
        repl.stdout
    );
}

const ZEROS: &str = r#"def zeros(xs: list[int]) -> int:
    """How many zeros the list has.

    >>> zeros([0, 0, 1])
    2
    >>> zeros([0, 0, 3, 4])
    2
    """
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_that_ignores_the_description_is_a_guess_even_when_its_examples_pass() {
    let fx = Project::new(
        ZEROS,
        vec![FakeRule::new(
            "How many zeros",
            code("def zeros(xs):\n    \"\"\"How many zeros the list has.\"\"\"\n    return 2 % len(xs)"),
        )],
    )
    .await;
    let compile = run_compile(&fx, &[]).await;
    assert_eq!(compile.code, 0, "{}", compile.all());
    assert!(compile.stdout.contains("ok?  zeros"), "{}", compile.stdout);
    assert!(
        compile.stdout.contains("       | return 2 % len(xs)"),
        "{}",
        compile.stdout
    );
    assert!(
        compile
            .stdout
            .contains("guess: its code uses none of the description's words (zeros)"),
        "{}",
        compile.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passing_status_saved_by_an_older_anpl_is_checked_again() {
    let fx = Project::new(SHOUT, shout_rules()).await;
    // A version 1 session that calls a wrong implementation passing.
    let session = serde_json::json!({
        "version": 1,
        "sketch": "prog.py",
        "holes": {
            "shout": {
                "fingerprint": "",
                "versions": [{"code": "def shout(s):\n    return s", "origin": {"kind": "user"}, "fingerprint": "", "created": 0}],
                "current": 0,
                "status": "passing",
                "verified": "0123"
            }
        }
    });
    std::fs::write(fx.path("old.json"), session.to_string()).unwrap();
    let repl = run_repl(&fx, "holes\nquit\n", &["--session", "old.json", "--strict"]).await;
    assert_eq!(repl.code, 0, "{}", repl.all());
    assert_hole(&repl, "shout", " failing ");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fx.path("old.json")).unwrap()).unwrap();
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["holes"]["shout"]["status"], "failing");
}
