//! The sandbox through the `anpl` binary, as a user meets it: a hole that reads a data file
//! outside the project is reported as an environment problem naming the setting (and
//! compile asks the model once, not for repairs); the setting then works; `anpl doctor`
//! shows what checks read and write; a bad `[sandbox]` table is an error with its place.
//! `ANPL_TEST_BIN` and `ANPL_TEST_FAKE_MODEL` point at copies of the binaries when the
//! suite runs as an ordinary user (scripts/test-sandbox-as-user).

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::bin::{command_home, output, text};
use support::fake_model::FakeModel;

struct Layout {
    _dir: tempfile::TempDir,
    home: PathBuf,
    project: PathBuf,
}

const SKETCH: &str = r#"def read_ages(path: str) -> list[int]:
    """Read the ages, one per line, from the file at path.

    >>> read_ages('../shared/ages.txt')
    [36, 41]
    """
"#;

const ANSWER: &str = "```python\ndef read_ages(path):\n    with open(path) as f:\n        return [int(line) for line in f]\n```";

fn layout() -> Layout {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().canonicalize().unwrap().join("me");
    let project = home.join("proj");
    std::fs::create_dir_all(project.join(".git")).unwrap();
    std::fs::create_dir_all(home.join("shared")).unwrap();
    std::fs::write(home.join("shared/ages.txt"), "36\n41\n").unwrap();
    std::fs::write(project.join("ages.py"), SKETCH).unwrap();
    let table = serde_json::json!({"rules": [{"contains": "Read the ages", "answer": ANSWER}]});
    std::fs::write(home.join("answers.json"), table.to_string()).unwrap();
    Layout {
        _dir: dir,
        home,
        project,
    }
}

/// `anpl ARGS` in the project, as the user `l.home` belongs to.
fn anpl(l: &Layout, args: &[&str]) -> Output {
    anpl_in(l, &l.project, args)
}

fn anpl_in(l: &Layout, cwd: &Path, args: &[&str]) -> Output {
    output(
        command_home(cwd, &l.home)
            .args(args)
            .env("XDG_CONFIG_HOME", l.home.join(".config"))
            .env_remove("VIRTUAL_ENV"),
    )
}

// Regression: compile spent its repair rounds asking the model to fix a data file the
// sandbox kept from checks.
#[test]
fn data_file_outside_the_project_is_an_environment_problem_not_a_repair() {
    let l = layout();
    let server = FakeModel::start(&l.home.join("answers.json"));
    let base = server.base();
    let compile = |extra: &[&str]| {
        let mut args = vec![
            "compile",
            "ages.py",
            "--model",
            "openai-compatible:fake",
            "--base-url",
            &base,
            "--json",
        ];
        args.extend_from_slice(extra);
        anpl(&l, &args)
    };
    let out = compile(&[]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    let shared = l.home.join("shared/ages.txt");
    assert!(
        all.contains(&format!("checks cannot read {}", shared.display())),
        "{all}"
    );
    assert!(
        all.contains("--sandbox-read") && all.contains("[sandbox]"),
        "{all}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["report"]["usage"]["requests"],
        serde_json::json!(1),
        "the model was asked to repair the environment: {all}"
    );

    // the advice works: the flag, then the setting in anpl.toml
    let out = compile(&["--sandbox-read", "../shared"]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::remove_dir_all(l.project.join("sessions")).ok();
    std::fs::write(
        l.project.join("anpl.toml"),
        "[sandbox]\nread = [\"../shared\"]\n",
    )
    .unwrap();
    let out = compile(&[]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn doctor_lists_what_checks_read_and_write_and_why() {
    let l = layout();
    std::fs::write(l.project.join(".env"), "KEY=secret").unwrap();
    let out = anpl(&l, &["doctor", "ages.py"]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    for expected in [
        "sandbox layers:",
        &format!("project: {}", l.project.display()),
        "checks can read:",
        "checks can write:",
        "the sketch's project",
        "the Python installation",
        "withheld",
        ".env",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
    }
    assert!(!all.contains(&format!("{}\n", l.home.join(".ssh").display())));

    std::fs::write(
        l.project.join("anpl.toml"),
        "[sandbox]\nread = [\"../shared\", \"../nowhere\"]\n",
    )
    .unwrap();
    let out = anpl(&l, &["doctor", "ages.py"]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains(&format!(
            "error: {}:2:22: [sandbox] read:",
            l.project.join("anpl.toml").display()
        )),
        "{all}"
    );
}

#[test]
fn doctor_for_a_sketch_in_the_home_folder_says_what_it_reads() {
    let l = layout();
    std::fs::write(l.home.join("task.py"), "import helpers\n").unwrap();
    std::fs::write(l.home.join("helpers.py"), "").unwrap();
    let out = anpl_in(&l, &l.home, &["doctor", "task.py"]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("directly in your home folder"), "{all}");
    assert!(
        all.contains(&l.home.join("helpers.py").display().to_string()),
        "{all}"
    );
}

/// `anpl bench exec` as docs/benchmarks.md runs it, at a size a test can afford: the pool and
/// the fresh interpreters alternate in rounds, and every candidate gets its expected verdict.
#[test]
fn bench_exec_alternates_pool_and_fresh_rounds() {
    let l = layout();
    let out = anpl(
        &l,
        &[
            "bench",
            "exec",
            "--checks",
            "8",
            "--fresh-checks",
            "3",
            "--rounds",
            "2",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rounds = doc["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2, "{doc}");
    assert!(
        rounds.iter().all(|r| r["speedup"].as_f64().unwrap() > 0.0),
        "{doc}"
    );
    assert_eq!(doc["pool_passed"], 2, "{doc}");
    assert!(doc["speedup"].as_f64().unwrap() > 0.0, "{doc}");
}

fn pool_dirs(tmp: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(tmp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("anpl-exec-")
        })
        .collect()
}

// Regression: every anpl killed while its pool was up (a closed terminal, SIGTERM,
// `kill -9`) left its anpl-exec-* directory in the temporary folder for good.
#[test]
fn a_killed_pool_leaves_nothing_behind_once_anpl_runs_again() {
    let dir = support::bin::dir_with(&[(
        "quickstart.py",
        &std::fs::read_to_string(support::bin::repo_file("examples/quickstart.py")).unwrap(),
    )]);
    let tmp = tempfile::tempdir().unwrap();
    let mut repl = support::bin::command(dir.path())
        .args(["repl", "quickstart.py"])
        .env("TMPDIR", tmp.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    let mut stdin = repl.stdin.take().unwrap();
    stdin.write_all(b"compile\n").unwrap();
    stdin.flush().unwrap();
    wait_until(
        60,
        || {
            pool_dirs(tmp.path())
                .iter()
                .any(|d| d.join("owner.lock").exists())
        },
        || "the REPL never started its pool".to_string(),
    );
    repl.kill().unwrap();
    repl.wait().unwrap();
    drop(stdin);
    assert_eq!(pool_dirs(tmp.path()).len(), 1, "kill -9 cleans nothing up");

    let out = output(
        support::bin::command(dir.path())
            .args(["compile", "quickstart.py"])
            .env("TMPDIR", tmp.path()),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(pool_dirs(tmp.path()), Vec::<PathBuf>::new());
}

/// The processes of this user whose command line names `needle`, with their parents, from
/// `/proc`: (pid, parent pid, command name).
#[cfg(target_os = "linux")]
fn processes_naming(needle: &str) -> Vec<(u32, u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if !String::from_utf8_lossy(&cmdline).contains(needle) {
            continue;
        }
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // "pid (comm) state ppid ...": comm may hold spaces, so split at its closing paren
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        let comm = head.split_once(" (").map_or("", |(_, c)| c).to_string();
        let ppid = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok());
        if let Some(ppid) = ppid {
            found.push((pid, ppid, comm));
        }
    }
    found
}

// Regression: a worker in the middle of a check did not notice anpl had gone (a closed
// terminal, `kill -9`) and ran on until the check ended, up to its whole timeout.
#[cfg(target_os = "linux")]
#[test]
fn a_check_running_when_anpl_is_killed_ends_with_it() {
    let sketch = "import time\n\ndef main(x):\n    \"\"\"\n    >>> main(1)\n    1\n    \"\"\"\n    time.sleep(90)\n    return x\n";
    let dir = support::bin::dir_with(&[("slow.py", sketch)]);
    let tmp = tempfile::tempdir().unwrap();
    let needle = tmp.path().to_string_lossy().to_string();
    let mut anpl = support::bin::command(dir.path())
        .args(["run", "slow.py", "--check-timeout", "120"])
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // running: a check child (a python3 whose parent is a python3 worker of this pool)
    wait_until(
        60,
        || {
            let procs = processes_naming(&needle);
            procs.iter().any(|(_, ppid, comm)| {
                comm.starts_with("python")
                    && procs
                        .iter()
                        .any(|(pid, _, c)| pid == ppid && c.starts_with("python"))
            })
        },
        || format!("the check never started: {:?}", processes_naming(&needle)),
    );
    anpl.kill().unwrap();
    anpl.wait().unwrap();
    wait_until(
        20,
        || processes_naming(&needle).is_empty(),
        || format!("the pool outlived anpl: {:?}", processes_naming(&needle)),
    );
}

/// Polls `done` until it holds, failing with `why()` once `seconds` have passed.
fn wait_until(seconds: u64, mut done: impl FnMut() -> bool, why: impl Fn() -> String) {
    let started = std::time::Instant::now();
    while !done() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(seconds),
            "{}",
            why()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
