//! `anpl SKETCH` from the command line, without a terminal: what happens before the screen
//! is taken (help, a missing sketch, a bad flag), and the rule that only the TUI module
//! may use terminal crates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;

use support::bin::{anpl_bare, repo_file};

#[test]
fn anpl_alone_prints_help_naming_the_tui() {
    let dir = tempfile::tempdir().unwrap();
    let out = anpl_bare(dir.path(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout.contains("anpl SKETCH [OPTIONS]   opens the terminal UI"),
        "{stdout}"
    );
}

#[test]
fn a_missing_sketch_is_reported_before_the_screen_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let out = anpl_bare(dir.path(), &["nowhere.py"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("nowhere.py: cannot read the sketch"),
        "{stderr}"
    );
    // No escape sequences: the terminal was never switched to the alternate screen.
    assert!(!out.stdout.contains(&0x1b), "{:?}", out.stdout);
}

#[test]
fn a_bad_flag_or_model_is_a_usage_error() {
    let dir = support::bin::dir_with(&[("prog.py", "def f(x):\n    \"\"\"Double x.\"\"\"\n")]);
    let out = anpl_bare(dir.path(), &["prog.py", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--bogus'"));
    // openai without a key: said at once, not at the first compile inside the UI.
    let out = anpl_bare(dir.path(), &["prog.py", "--model", "openai:gpt-4o-mini"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("OPENAI_API_KEY"), "{stderr}");
}

/// `anpl tui SKETCH` (a common guess) opens the UI as `anpl SKETCH` does: the same checks
/// before the screen is taken, the same usage errors.
#[test]
fn anpl_tui_sketch_is_taken_as_anpl_sketch() {
    let dir = tempfile::tempdir().unwrap();
    let out = anpl_bare(dir.path(), &["tui", "nowhere.py"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("nowhere.py: cannot read the sketch"),
        "{stderr}"
    );
    std::fs::write(
        dir.path().join("prog.py"),
        "def f(x):\n    \"\"\"Double x.\"\"\"\n",
    )
    .unwrap();
    let out = anpl_bare(dir.path(), &["tui", "prog.py", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--bogus'"));
}

#[test]
fn subcommands_still_win_over_a_sketch_path() {
    let dir = support::bin::dir_with(&[("prog.py", "def f(x):\n    \"\"\"Double x.\"\"\"\n")]);
    let out = anpl_bare(dir.path(), &["check", "prog.py"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_tui_module_uses_terminal_crates() {
    let src = repo_file("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(src.join("tui")))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.contains("ratatui::") || text.contains("crossterm::")
        })
        .map(|f| f.strip_prefix(&src).unwrap().display().to_string())
        .collect();
    assert_eq!(offenders, Vec::<String>::new());
}
