//! Exported tests under real `python3 -m pytest`, as a user runs them.

use std::path::Path;
use std::process::{Command, Output};

use super::bin::text;

/// `python3 -m pytest -q FILE` (and `extra` flags) in `dir`, with no cache left behind.
pub fn pytest_with(dir: &Path, file: &str, extra: &[&str]) -> Output {
    Command::new("python3")
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .args(extra)
        .arg(file)
        .current_dir(dir)
        .output()
        .expect("python3 runs")
}

/// Whether pytest passed `file` in `dir`, and what it printed.
pub fn pytest(dir: &Path, file: &str) -> (bool, String) {
    let out = pytest_with(dir, file, &[]);
    (out.status.success(), text(&out))
}

/// pytest passes `file` in `dir`, and its summary says `expect`.
pub fn pytest_passes(dir: &Path, file: &str, expect: &str) {
    let (ok, out) = pytest(dir, file);
    assert!(ok, "{file}:\n{out}");
    assert!(out.contains(expect), "{file}:\n{out}");
}
