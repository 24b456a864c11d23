//! Every piece of advice the tool prints, followed as a user would follow it, through the
//! real `anpl` binary: the examples file (`--examples`, `check --examples`), what an empty
//! hole is told to do offline, the hint for a `def` without a docstring, the two timeouts,
//! misspelt model names, and the README's table of shared flags against every `--help`.
//! Each test is named after the defect it pins.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Output;

use support::bin::{anpl_bare, bare, output_with, text};

// anpl runs with an environment of its own (`bare`): no model configured, no user config.

fn anpl_with_stdin(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    output_with(bare(dir).args(args), stdin.unwrap_or(""))
}

fn write(dir: &Path, name: &str, content: &str) {
    std::fs::write(dir.join(name), content).unwrap();
}

/// A program whose inline hole has no examples of its own.
const SORTS: &str = "def main(xs: list[int]) -> list[int]:\n    \"\"\"Sort.\n\n    >>> main([3, 1])\n    [1, 3]\n    \"\"\"\n    return \"sort the numbers ascending\"(xs)\n";

#[test]
fn inline_hole_was_told_to_add_a_doctest_it_cannot_have() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.py", SORTS);
    let out = anpl_bare(dir.path(), &["compile", "s.py"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(!all.contains("add a doctest"), "{all}");
    let advice =
        "`example add sort_the_numbers_ascending sort_the_numbers_ascending(...) => VALUE`";
    assert!(all.contains(advice), "{all}");
    assert!(
        all.contains("\"function\": \"sort_the_numbers_ascending\""),
        "{all}"
    );

    // Follow the first route: the REPL command, as printed, with the call filled in.
    let script = "example add sort_the_numbers_ascending sort_the_numbers_ascending([3, 1, 2]) => [1, 2, 3]\ncompile\n";
    let out = anpl_with_stdin(dir.path(), &["repl", "s.py"], Some(script));
    let all = text(&out);
    assert!(
        all.contains("sort_the_numbers_ascending: filled by offline synthesizer, examples pass"),
        "{all}"
    );

    // And the second: an examples file naming the hole.
    let other = tempfile::tempdir().unwrap();
    write(other.path(), "s.py", SORTS);
    write(
        other.path(),
        "more.json",
        r#"{"examples": [{"function": "sort_the_numbers_ascending", "inputs": [[3, 1, 2]], "output": [1, 2, 3]}]}"#,
    );
    let out = anpl_bare(
        other.path(),
        &["compile", "s.py", "--examples", "more.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn offline_give_up_named_only_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let sketch = "def digest(text: str) -> str:\n    \"\"\"The SHA-256 hex digest of the UTF-8 text.\n\n    >>> digest('a')\n    'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb'\n    >>> digest('b')\n    '3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d'\n    \"\"\"\n";
    write(dir.path(), "d.py", sketch);
    let out = anpl_bare(dir.path(), &["compile", "d.py", "--synth-budget", "0.3"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("Ways forward:"), "{all}");
    assert!(all.contains("more examples: for any hole, `example add digest digest(...) => VALUE` in `anpl repl d.py`"), "{all}");
    assert!(
        all.contains("`decompose digest` in `anpl repl d.py`"),
        "{all}"
    );
    assert!(all.contains("a model: --model openai:gpt-4o-mini"), "{all}");
    // More time is offered exactly when the time budget stopped the search.
    let stopped_by_time = all.contains("search stopped at its time budget");
    assert_eq!(
        all.contains("more time: anpl compile d.py --synth-budget 10   (seconds per hole; this run gave each 0.3 s)"),
        stopped_by_time,
        "{all}"
    );
    // Each route's flag exists where the advice says.
    for cmd in [&["compile", "d.py"][..], &["repl", "d.py"], &["d.py"]] {
        let mut args = cmd.to_vec();
        args.extend(["--synth-budget", "10", "--help"]);
        let out = anpl_bare(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
    }
}

#[test]
fn def_with_only_dots_and_no_docstring_got_no_hint() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "s.py",
        "def double(x: int) -> int: ...\n\ndef main(xs):\n    \"\"\"Double all.\n\n    >>> main([1])\n    [2]\n    \"\"\"\n    return [double(x) for x in xs]\n",
    );
    let out = anpl_bare(dir.path(), &["check", "s.py"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        err.contains("s.py:1:1: note: `double` has no docstring, so it is your code, not a hole"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 holes"));
    for cmd in ["holes", "compile", "repl", "run"] {
        let out = anpl_bare(dir.path(), &[cmd, "s.py"]);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("note: `double` has no docstring"),
            "{cmd}: {}",
            text(&out)
        );
    }

    // Following the hint: a docstring makes it a hole.
    write(
        dir.path(),
        "s.py",
        "def double(x: int) -> int:\n    \"\"\"Twice x.\"\"\"\n\ndef main(xs):\n    \"\"\"Double all.\n\n    >>> main([1])\n    [2]\n    \"\"\"\n    return [double(x) for x in xs]\n",
    );
    let out = anpl_bare(dir.path(), &["check", "s.py"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 hole"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("note:"), "{}", text(&out));
}

#[test]
fn decompose_suggest_without_a_model_said_pass_model() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.py", SORTS);
    let out = anpl_with_stdin(
        dir.path(),
        &["repl", "s.py"],
        Some("decompose sort_the_numbers_ascending --suggest\n"),
    );
    let all = text(&out);
    assert!(
        all.contains("start anpl with --model PROVIDER:MODEL (e.g. `anpl repl s.py --model openai:gpt-4o-mini`"),
        "{all}"
    );
    assert!(
        all.contains("`decompose sort_the_numbers_ascending` in the REPL"),
        "{all}"
    );
    // The flag is there, as the advice says.
    let out = anpl_bare(
        dir.path(),
        &["repl", "s.py", "--model", "openai:gpt-4o-mini", "--help"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn timeout_flag_meant_two_things() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.py", SORTS);
    for cmd in ["run", "compile", "repl"] {
        let out = anpl_bare(dir.path(), &[cmd, "s.py", "--timeout", "5"]);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{cmd}: {err}");
        assert!(err.contains("--check-timeout SECS"), "{cmd}: {err}");
        assert!(err.contains("--request-timeout SECS"), "{cmd}: {err}");
    }
    write(dir.path(), "anpl.toml", "timeout = 5\n");
    let out = anpl_bare(dir.path(), &["models"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("anpl.toml:1:1: `timeout` is now `request_timeout`"),
        "{err}"
    );
    write(dir.path(), "anpl.toml", "request_timeout = 5\n");
    let out = anpl_bare(dir.path(), &["models"]);
    let all = text(&out);
    assert!(all.contains("request_timeout 5s"), "{all}");
}

#[test]
fn check_timeout_of_infinity_panicked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.py", SORTS);
    for value in ["inf", "0", "-1", "NaN"] {
        let out = anpl_bare(
            dir.path(),
            &["run", "s.py", &format!("--check-timeout={value}")],
        );
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{value}: {err}");
        assert!(!err.contains("panicked"), "{value}: {err}");
        assert!(
            err.contains("expected a positive number of seconds"),
            "{value}: {err}"
        );
    }
}

#[test]
fn slow_program_is_told_about_check_timeout() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "slow.py",
        "import time\n\ndef main(x):\n    \"\"\"Wait.\n\n    >>> main(1)\n    1\n    \"\"\"\n    time.sleep(30)\n    return x\n",
    );
    let out = anpl_bare(dir.path(), &["run", "slow.py", "--check-timeout", "0.5"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains(
            "timed out after 0.5 s (the limit per check; --check-timeout SECS changes it)"
        ),
        "{all}"
    );
}

#[cfg(feature = "fake-server")]
#[test]
fn slow_model_was_told_to_raise_the_sandbox_timeout() {
    use support::fake_model::FakeModel;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.py", SORTS);
    write(
        dir.path(),
        "table.json",
        r#"{"default": "def f(xs):\n    return sorted(xs)"}"#,
    );
    let mut slow = FakeModel::command(&dir.path().join("table.json"));
    slow.args(["--delay-ms", "5000"]);
    let server = FakeModel::spawn(slow);
    let url = server.base();
    let out = anpl_bare(
        dir.path(),
        &[
            "compile",
            "s.py",
            "--model",
            "openai-compatible:slow",
            "--base-url",
            &url,
            "--request-timeout",
            "0.3",
            "--max-retries",
            "0",
        ],
    );
    let all = text(&out);
    assert!(
        all.contains("raise --request-timeout SECS or `request_timeout` in anpl.toml"),
        "{all}"
    );
    assert!(!all.contains("raise --timeout"), "{all}");
}

#[test]
fn model_ofline_suggested_a_provider() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.py", SORTS);
    let out = anpl_bare(dir.path(), &["compile", "s.py", "--model", "ofline"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("did you mean `offline`?"), "{err}");
    assert!(!err.contains("openai:ofline"), "{err}");
    let out = anpl_bare(dir.path(), &["models", "--model", "opneai:gpt-4o-mini"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("did you mean `openai:gpt-4o-mini`?"), "{err}");
    let out = anpl_bare(
        dir.path(),
        &["models", "--model", "claude:claude-sonnet-4-5"],
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        err.contains("did you mean `anthropic:claude-sonnet-4-5`?"),
        "{err}"
    );
    // The suggestions work as given.
    let out = anpl_bare(dir.path(), &["models", "--model", "offline"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn examples_file_errors_blamed_the_sketch() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.py", SORTS);
    let out = anpl_bare(dir.path(), &["run", "s.py", "--examples", "missing.json"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        err.contains("missing.json: cannot read the examples file"),
        "{err}"
    );
    assert!(!err.contains("sketch"), "{err}");
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    let out = anpl_bare(dir.path(), &["check", "s.py", "--examples", "adir"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("adir: cannot read the examples file"), "{err}");
}

#[test]
fn examples_file_unknown_keys_were_ignored() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.py", SORTS);
    // `fn` was ignored, so this ran as an example of the entry.
    write(
        dir.path(),
        "e.json",
        "{\"examples\": [\n  {\"fn\": \"sort_the_numbers_ascending\", \"inputs\": [[2, 1]], \"output\": [1, 2]},\n  {\"function\": \"main\", \"input\": [[2, 1]], \"output\": [1, 2]}\n]}\n",
    );
    for cmd in ["check", "run"] {
        let out = anpl_bare(dir.path(), &[cmd, "s.py", "--examples", "e.json"]);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_ne!(out.status.code(), Some(0), "{cmd}: {err}");
        assert!(
            err.contains("e.json:2:4: unknown key `fn` in examples[0] (did you mean `function`?)"),
            "{cmd}: {err}"
        );
        assert!(
            err.contains(
                "e.json:3:24: unknown key `input` in examples[1] (did you mean `inputs`?)"
            ),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn examples_file_unknown_function_and_parameter_had_no_position() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.py", SORTS);
    write(
        dir.path(),
        "e.json",
        "{\"examples\": [\n  {\"function\": \"mian\", \"inputs\": [[1]], \"output\": [1]},\n  {\"inputs\": {\"x\": [1]}, \"output\": [1]},\n  {\"inputs\": [3, 1], \"output\": [1, 3]}\n]}\n",
    );
    let out = anpl_bare(dir.path(), &["check", "s.py", "--examples", "e.json"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    for want in [
        "e.json:2:16: s.py has no function or hole named `mian` (did you mean `main`?)",
        "e.json:3:15: `main` has no parameter `x` (did you mean `xs`?); it takes `xs`",
        "e.json:4:18: 2 inputs given but `main` takes 1 by position (`xs`); to pass one list as `xs`, write \"inputs\": [[...]] or {\"xs\": [...]}",
        "3 problems found",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
}

#[test]
fn check_could_not_validate_an_examples_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.py", SORTS);
    write(
        dir.path(),
        "task.json",
        r#"{"train": [{"input": [3, 1], "output": [1, 3]}], "test": [{"input": [2, 1]}]}"#,
    );
    let out = anpl_bare(dir.path(), &["check", "s.py", "--examples", "task.json"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        stdout.contains(
            "task.json: ok: 1 example: 1 of `main` (checked against the sketch, not run)"
        ),
        "{stdout}"
    );
    assert!(
        !dir.path().join("sessions").exists(),
        "check wrote a session"
    );
    let out = anpl_bare(
        dir.path(),
        &["check", "s.py", "--examples", "task.json", "--json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], true);
    assert_eq!(
        doc["examples"],
        serde_json::json!([{"function": "main", "count": 1}])
    );
}

/// Rows of the README's shared-flags table: the flags and the commands said to take them.
fn readme_rows() -> Vec<(Vec<String>, Vec<String>)> {
    let readme = std::fs::read_to_string(support::bin::repo_file("README.md")).unwrap();
    let start = readme
        .find("<!-- shared-flags")
        .expect("the table's start marker");
    let end = readme
        .find("<!-- /shared-flags -->")
        .expect("the table's end marker");
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(|t| t.split_whitespace().next().unwrap_or("").to_string())
            .collect()
    };
    readme[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let flags = ticked(cells[0])
                .into_iter()
                .filter(|t| t.starts_with("--"))
                .collect();
            let commands = cells[1]
                .split('`')
                .skip(1)
                .step_by(2)
                .map(|c| c.to_string())
                .collect();
            (flags, commands)
        })
        .collect()
}

#[test]
fn readme_shared_flags_paragraph_was_wrong_about_commands() {
    let dir = tempfile::tempdir().unwrap();
    let commands = [
        "anpl SKETCH",
        "check",
        "holes",
        "compile",
        "run",
        "repl",
        "trace",
        "prompt",
        "questions",
        "export",
        "models",
        "doctor",
    ];
    let helps: Vec<(&str, Vec<String>)> = commands
        .iter()
        .map(|c| {
            let args: Vec<&str> = match *c {
                "anpl SKETCH" => vec!["s.py", "--help"],
                other => vec![other, "--help"],
            };
            let out = anpl_bare(dir.path(), &args);
            assert_eq!(out.status.code(), Some(0), "{c}: {}", text(&out));
            // The flag each option line starts with (`-o, --output <FILE>` gives `--output`),
            // not flags named in descriptions.
            let words = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| {
                    let l = l.trim_start();
                    let l = match l.strip_prefix('-') {
                        Some(rest) if !rest.starts_with('-') => rest.get(3..).unwrap_or(""),
                        _ => l,
                    };
                    l.starts_with("--")
                        .then(|| l.split_whitespace().next().unwrap_or("").to_string())
                })
                .collect();
            (*c, words)
        })
        .collect();
    let rows = readme_rows();
    assert!(rows.len() >= 5, "{rows:?}");
    for (flags, takers) in rows {
        for taker in &takers {
            assert!(
                commands.contains(&taker.as_str()),
                "unknown command `{taker}` in the README"
            );
        }
        for flag in &flags {
            for (command, words) in &helps {
                let listed = takers.iter().any(|t| t == command);
                let takes = words.contains(flag);
                assert_eq!(
                    listed,
                    takes,
                    "README says {flag} is {}taken by `{command}`, its --help says otherwise",
                    if listed { "" } else { "not " }
                );
            }
        }
    }
}

/// The export refusal inside the REPL named `anpl compile`, a shell command, to a user at
/// the REPL's prompt; its advice is now the REPL's own commands, and following it works.
#[test]
fn repl_export_refusal_named_a_shell_command() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "s.py",
        "def shout(s: str) -> str:\n    \"\"\"Upper-case the text.\n\n    >>> shout('a')\n    'A'\n    \"\"\"\n",
    );
    let out = anpl_with_stdin(
        dir.path(),
        &["repl", "s.py", "--model", "offline"],
        Some("export -o out.py\n"),
    );
    let shown = text(&out);
    assert!(shown.contains("run `compile` first"), "{shown}");
    assert!(shown.contains("add --allow-partial to `export`"), "{shown}");
    assert!(!shown.contains("anpl compile"), "{shown}");
    // Following it: compile, then the same export succeeds.
    let out = anpl_with_stdin(
        dir.path(),
        &["repl", "s.py", "--model", "offline"],
        Some("compile\nexport -o out.py\n"),
    );
    assert!(dir.path().join("out.py").exists(), "{}", text(&out));
    // The shell still gets the shell's command.
    let out = anpl_bare(dir.path(), &["export", "s.py", "-o", "other.py"]);
    assert!(out.status.success(), "{}", text(&out));
}
