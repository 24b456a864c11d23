//! Sessions follow their sketch, through the real `anpl` binary: found from any working
//! directory, separate for two sketches of one name, moved from where older versions kept
//! them (`sessions/<stem>.json` under the working directory), and no lock file left behind.

// Test helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::bin::{command_home, output, text};

fn anpl(cwd: &Path, home: &Path, args: &[&str]) -> Output {
    output(command_home(cwd, home).args(args))
}

/// A one-hole sketch the offline synthesizer fills at once: `factor * x`.
fn sketch(path: &Path, factor: i64) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let source = format!(
        "def scale(x: int) -> int:\n    \"\"\"Multiply by {factor}.\n\n    >>> scale(2)\n    {}\n    >>> scale(5)\n    {}\n    \"\"\"\n\n\ndef main(x: int) -> int:\n    \"\"\"\n    >>> main(3)\n    {}\n    \"\"\"\n    return scale(x)\n",
        2 * factor,
        5 * factor,
        3 * factor
    );
    std::fs::write(path, source).unwrap();
}

/// A project: `proj/` holds `anpl.toml`, `a/prog.py` (×2) and `b/prog.py` (×3).
struct Project {
    _dir: tempfile::TempDir,
    home: PathBuf,
    root: PathBuf,
}

fn project() -> Project {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let home = base.join("home");
    let root = base.join("proj");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("anpl.toml"), "").unwrap();
    sketch(&root.join("a/prog.py"), 2);
    sketch(&root.join("b/prog.py"), 3);
    Project {
        _dir: dir,
        home,
        root,
    }
}

fn compile(p: &Project, cwd: &Path, sketch: &str) -> String {
    let out = anpl(cwd, &p.home, &["compile", sketch, "--synth-budget", "30"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    t
}

/// Every `*.lock` file under `dir`.
fn locks(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "lock") {
                out.push(path);
            }
        }
    }
    out
}

// Regression: the session was `sessions/<stem>.json` under the working directory, so running
// from anywhere else silently started an empty session.
#[test]
fn session_is_lost_when_running_from_another_directory() {
    let p = project();
    let t = compile(&p, &p.root.join("a"), "prog.py");
    assert!(
        t.contains("no session for this sketch yet; a new one will be kept in"),
        "{t}"
    );
    assert!(p.root.join("sessions/a/prog.json").is_file());
    assert!(!p.root.join("a/sessions").exists(), "nothing under the cwd");

    // From the project root, from an unrelated folder, and by absolute path.
    let elsewhere = p.home.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let absolute = p.root.join("a/prog.py").display().to_string();
    for (cwd, path) in [
        (p.root.clone(), "a/prog.py".to_string()),
        (elsewhere.clone(), absolute),
    ] {
        let out = anpl(&cwd, &p.home, &["run", &path]);
        let t = text(&out);
        assert!(out.status.success(), "{}: {t}", cwd.display());
        assert!(t.contains("1 of 1 passed"), "{t}");
        assert!(!t.contains("no session"), "{t}");
    }
    assert!(!elsewhere.join("sessions").exists());
}

// Regression: two sketches named `prog.py` in different folders shared (and overwrote) one
// `sessions/prog.json`.
#[test]
fn two_sketches_of_one_name_shared_a_session() {
    let p = project();
    compile(&p, &p.root, "a/prog.py");
    compile(&p, &p.root, "b/prog.py");
    let a = std::fs::read_to_string(p.root.join("sessions/a/prog.json")).unwrap();
    let b = std::fs::read_to_string(p.root.join("sessions/b/prog.json")).unwrap();
    assert_ne!(a, b);
    // Each still runs with its own implementation, from inside its own folder.
    for (folder, value) in [("a", "6"), ("b", "9")] {
        let out = anpl(
            &p.root.join(folder),
            &p.home,
            &["trace", "prog.py", "--example", "1"],
        );
        let t = text(&out);
        assert!(out.status.success(), "{t}");
        assert!(t.contains(&format!("=> {value}")), "{folder}: {t}");
    }
}

// Regression (upgrade path): a session written by an older version under the working
// directory is moved to the sketch's project on first load, and said so; one that records
// another sketch is left where it is.
#[test]
fn legacy_session_under_the_working_directory_was_not_found() {
    let p = project();
    let cwd = p.root.join("a");
    compile(&p, &cwd, "prog.py");
    // Put it back where older versions kept it: `sessions/prog.json` under the cwd, recording
    // the sketch as the user named it there.
    let legacy = cwd.join("sessions/prog.json");
    std::fs::create_dir_all(legacy.parent().unwrap()).unwrap();
    std::fs::rename(p.root.join("sessions/a/prog.json"), &legacy).unwrap();
    let old = std::fs::read_to_string(&legacy).unwrap();
    assert!(old.contains("\"sketch\": \"prog.py\""), "{old}");

    // b/prog.py run from a/ must not take a/prog.py's session.
    let out = anpl(&cwd, &p.home, &["run", "../b/prog.py"]);
    let t = text(&out);
    assert!(
        t.contains("sessions/prog.json was left where it is: it belongs to `prog.py`"),
        "{t}"
    );
    assert_eq!(std::fs::read_to_string(&legacy).unwrap(), old);

    let out = anpl(&cwd, &p.home, &["run", "prog.py"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("note: moved this sketch's session from"), "{t}");
    assert!(t.contains("1 of 1 passed"), "{t}");
    assert!(!legacy.exists());
    assert!(
        !cwd.join("sessions").exists(),
        "the emptied old folder is removed"
    );
    assert!(p.root.join("sessions/a/prog.json").is_file());

    // Said once: the next run finds it in its place.
    let again = text(&anpl(&p.root, &p.home, &["run", "a/prog.py"]));
    assert!(!again.contains("note:"), "{again}");
}

// Regression: `sessions/<stem>.json.lock` stayed behind after every command.
#[test]
fn lock_file_left_behind_after_a_clean_exit() {
    let p = project();
    compile(&p, &p.root, "a/prog.py");
    for args in [
        &["run", "a/prog.py"][..],
        &["trace", "a/prog.py"],
        &["export", "a/prog.py", "-o", "done.py"],
    ] {
        let out = anpl(&p.root, &p.home, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
    }
    // No input: the REPL ends at once.
    let out = anpl(&p.root, &p.home, &["repl", "b/prog.py"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(p.root.join("sessions/b/prog.json").is_file());
    // A command that saves nothing leaves no empty folder either.
    sketch(&p.root.join("c/prog.py"), 4);
    let out = anpl(&p.root, &p.home, &["run", "c/prog.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!p.root.join("sessions/c").exists());
    assert_eq!(locks(&p.root), Vec::<PathBuf>::new());
}

#[test]
fn session_flag_still_chooses_the_file() {
    let p = project();
    let out = anpl(
        &p.root,
        &p.home,
        &[
            "compile",
            "a/prog.py",
            "--synth-budget",
            "30",
            "--session",
            "mine.json",
        ],
    );
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(!t.contains("no session"), "{t}");
    assert!(p.root.join("mine.json").is_file());
    assert!(!p.root.join("sessions").exists());
    assert_eq!(locks(&p.root), Vec::<PathBuf>::new());
}
