//! Where a sketch's project is: the folder its session lives under and the folder its checks
//! may read and import from.
//!
//! A project root is the nearest ancestor of the sketch's folder that holds one of a set of
//! marker files (`.git`, `anpl.toml`, `pyproject.toml`, ...), else the sketch's own folder.
//! Sessions and the sandbox ask with different markers (a Python package inside a larger
//! repository is its own import root, while the repository keeps one `sessions/` folder), so
//! both go through `find_root` with their own list.
//!
//! The user's home directory and `/` are never a project root, even with a marker in them: a
//! dotfiles repository at `~/.git` would otherwise make the whole home, `~/.ssh` included,
//! the "project" that checks may read.

use std::path::{Path, PathBuf};

/// Markers of the folder that holds a sketch's `sessions/` (DESIGN.md "Sessions").
pub const SESSION_MARKERS: &[&str] = &["anpl.toml", ".git"];

/// Markers of a Python project: the folder checks can read and put on `sys.path`.
pub const PYTHON_MARKERS: &[&str] = &["pyproject.toml", "setup.py", "anpl.toml", ".git"];

/// The sketch's folder as an absolute path (a bare file name means the working directory).
pub fn sketch_dir(sketch: &Path) -> PathBuf {
    let absolute = std::path::absolute(sketch).unwrap_or_else(|_| sketch.to_path_buf());
    let dir = absolute
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    // Resolve symlinks where the folder exists, so two spellings of one folder agree.
    dir.canonicalize().unwrap_or(dir)
}

/// The nearest ancestor of `start` (itself included) holding any of `markers`, stopping
/// before `home` and `/`; `start` when none does.
pub fn find_root(start: &Path, markers: &[&str], home: Option<&Path>) -> PathBuf {
    let home = home.map(|h| h.canonicalize().unwrap_or_else(|_| h.to_path_buf()));
    for dir in start.ancestors() {
        if dir.parent().is_none() || home.as_deref() == Some(dir) {
            break;
        }
        if markers.iter().any(|m| dir.join(m).exists()) {
            return dir.to_path_buf();
        }
    }
    start.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("repo/pkg/sub")).unwrap();
        std::fs::create_dir(dir.path().join("repo/.git")).unwrap();
        std::fs::write(dir.path().join("repo/pkg/pyproject.toml"), "").unwrap();
        dir
    }

    #[test]
    fn nearest_marker_wins_for_each_marker_set() {
        let dir = tree();
        let root = dir.path().canonicalize().unwrap();
        let start = root.join("repo/pkg/sub");
        assert_eq!(find_root(&start, SESSION_MARKERS, None), root.join("repo"));
        assert_eq!(
            find_root(&start, PYTHON_MARKERS, None),
            root.join("repo/pkg")
        );
    }

    #[test]
    fn no_marker_means_the_sketch_folder() {
        let dir = tempfile::tempdir().unwrap();
        let start = dir.path().canonicalize().unwrap().join("a");
        std::fs::create_dir(&start).unwrap();
        assert_eq!(find_root(&start, SESSION_MARKERS, None), start);
    }

    // A dotfiles repository in the home directory must not make the home the project.
    #[test]
    fn home_with_a_marker_is_never_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().canonicalize().unwrap();
        std::fs::create_dir(home.join(".git")).unwrap();
        let start = home.join("scratch");
        std::fs::create_dir(&start).unwrap();
        assert_eq!(find_root(&start, SESSION_MARKERS, Some(&home)), start);
    }

    #[test]
    fn sketch_dir_of_a_bare_file_name_is_absolute() {
        assert!(sketch_dir(Path::new("prog.py")).is_absolute());
    }
}
