//! Where a sketch's session lives, and moving sessions from where older versions kept them.
//!
//! A session belongs to its sketch, not to the directory anpl runs in (DESIGN.md
//! "Sessions"): it is `<root>/sessions/<folder>/<stem>.json`, where `<root>` is the sketch's
//! project root (`project::find_root` with `SESSION_MARKERS`: the nearest ancestor holding
//! `anpl.toml` or `.git`, else the sketch's own folder) and `<folder>` the sketch's folder
//! relative to it. So `anpl run sub/prog.py` and `cd sub && anpl run prog.py` open one
//! session, and `a/prog.py` and `b/prog.py` open two. A sketch whose name does not end in
//! `.py` keeps its whole name (`notes.txt` → `notes.txt.json`).
//!
//! Older versions kept `sessions/<stem>.json` under the working directory. `adopt_legacy`
//! moves such a file to the new place the first time the sketch is opened, but only when the
//! sketch path recorded in it (relative to that same working directory) is this sketch; the
//! front ends say what happened through [`Placement`]. `--session PATH` bypasses all of this.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use super::store::{io, parse_session, SessionError, Store};
use crate::project::{find_root, sketch_dir, SESSION_MARKERS};

/// The folder, under a project root, that holds its sessions.
pub const SESSIONS_DIR: &str = "sessions";

/// Where the session of `sketch` lives: an absolute path. `home` is the user's home
/// directory, which is never a project root (see `project`).
pub fn default_session_path(sketch: &Path, home: Option<&Path>) -> PathBuf {
    let dir = sketch_dir(sketch);
    let root = find_root(&dir, SESSION_MARKERS, home);
    let relative = dir.strip_prefix(&root).unwrap_or(Path::new(""));
    root.join(SESSIONS_DIR)
        .join(relative)
        .join(session_file_name(sketch))
}

/// `prog.py` → `prog.json`; any other name keeps its extension (`prog.txt` → `prog.txt.json`).
fn session_file_name(sketch: &Path) -> String {
    let name = sketch
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sketch".to_string());
    let base = name.strip_suffix(".py").filter(|b| !b.is_empty());
    format!("{}.json", base.unwrap_or(&name))
}

/// Where versions before sessions followed their sketch kept it: `sessions/<stem>.json`
/// under the working directory.
pub fn legacy_session_path(sketch: &Path, cwd: &Path) -> PathBuf {
    let stem = sketch
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sketch".to_string());
    cwd.join(SESSIONS_DIR).join(format!("{stem}.json"))
}

/// What `adopt_legacy` found, for the front end to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// The session exists at its place; nothing to say.
    Existing,
    /// No session yet: one will be written at `path` on the first save.
    New {
        path: PathBuf,
        /// A session in the old place that belongs to another sketch, left where it is.
        other: Option<(PathBuf, String)>,
    },
    /// The session was moved from the old place under the working directory.
    Moved { from: PathBuf, to: PathBuf },
}

impl Placement {
    /// The sentence to show, if there is something to say.
    pub fn notice(&self) -> Option<String> {
        match self {
            Placement::Existing => None,
            Placement::New { path, other } => {
                let mut text = format!(
                    "no session for this sketch yet; a new one will be kept in {}",
                    path.display()
                );
                if let Some((old, recorded)) = other {
                    text.push_str(&format!(
                        " ({} was left where it is: it belongs to {})",
                        old.display(),
                        if recorded.is_empty() {
                            "a sketch it does not name".to_string()
                        } else {
                            format!("`{recorded}`")
                        }
                    ));
                }
                Some(text)
            }
            Placement::Moved { from, to } => Some(format!(
                "moved this sketch's session from {} to {}: sessions now live in the sketch's project, whatever directory anpl runs in",
                from.display(),
                to.display()
            )),
        }
    }
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.notice().unwrap_or_default())
    }
}

/// Make sure the session of `sketch` is at `path`, moving it from the legacy place under
/// `cwd` when it is there and records this sketch. Both sessions are locked while the move
/// happens, so a session another anpl process has open is never moved under it.
pub fn adopt_legacy(sketch: &Path, path: &Path, cwd: &Path) -> Result<Placement, SessionError> {
    if path.exists() {
        return Ok(Placement::Existing);
    }
    let new = || Placement::New {
        path: path.to_path_buf(),
        other: None,
    };
    let legacy = legacy_session_path(sketch, cwd);
    if !legacy.is_file() || same_file_path(&legacy, path) {
        return Ok(new());
    }
    let target = Store::open(path)?;
    let source = Store::open(&legacy)?;
    let text = fs::read_to_string(&legacy).map_err(io(&legacy, "read the session"))?;
    let session = parse_session(&legacy, &text)?;
    if !records_sketch(&session.sketch, sketch, cwd) {
        return Ok(Placement::New {
            path: path.to_path_buf(),
            other: Some((legacy, session.sketch)),
        });
    }
    // Save through the store (atomic, fsynced) rather than rename: the old place may be on
    // another filesystem, and the copy is written in the current format.
    target.save(&session)?;
    fs::remove_file(&legacy).map_err(io(&legacy, "remove the moved session"))?;
    // The REPL's line history travels with its session.
    let old_history = legacy.with_extension("history");
    if old_history.is_file() {
        let history = path.with_extension("history");
        if fs::rename(&old_history, &history).is_err() && fs::copy(&old_history, &history).is_ok() {
            let _ = fs::remove_file(&old_history);
        }
    }
    drop(source);
    if let Some(dir) = legacy.parent() {
        // Only succeeds when the old folder is now empty.
        let _ = fs::remove_dir(dir);
    }
    Ok(Placement::Moved {
        from: legacy,
        to: path.to_path_buf(),
    })
}

/// Whether `recorded` (a sketch path as written in a session, relative to `cwd` unless
/// absolute) names `sketch`.
fn records_sketch(recorded: &str, sketch: &Path, cwd: &Path) -> bool {
    if recorded.is_empty() {
        return false;
    }
    let recorded = cwd.join(recorded);
    let sketch = cwd.join(sketch);
    match (recorded.canonicalize(), sketch.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Whether two session paths name one file, whether or not it exists yet.
fn same_file_path(a: &Path, b: &Path) -> bool {
    let resolve = |p: &Path| {
        let dir = p.parent().and_then(|d| d.canonicalize().ok());
        dir.zip(p.file_name()).map(|(d, n)| d.join(n))
    };
    match (resolve(a), resolve(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionFile;
    use pretty_assertions::assert_eq;

    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("proj");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("anpl.toml"), "").unwrap();
        fs::write(root.join("sub/prog.py"), "def main(x):\n    '''x'''\n").unwrap();
        fs::write(root.join("prog.py"), "def main(x):\n    '''x'''\n").unwrap();
        (dir, root)
    }

    #[test]
    fn session_is_named_by_the_sketch_path_under_its_project_root() {
        let (_dir, root) = project();
        assert_eq!(
            default_session_path(&root.join("sub/prog.py"), None),
            root.join("sessions/sub/prog.json")
        );
        assert_eq!(
            default_session_path(&root.join("prog.py"), None),
            root.join("sessions/prog.json")
        );
        assert_eq!(
            default_session_path(&root.join("sub/notes.txt"), None),
            root.join("sessions/sub/notes.txt.json")
        );
    }

    #[test]
    fn legacy_session_of_this_sketch_is_moved() {
        let (_dir, root) = project();
        let cwd = root.join("sub");
        let legacy = cwd.join("sessions/prog.json");
        fs::create_dir_all(legacy.parent().unwrap()).unwrap();
        let mut old = SessionFile::new("prog.py");
        old.program_verified = Some("kept".into());
        fs::write(&legacy, serde_json::to_string(&old).unwrap()).unwrap();
        let sketch = Path::new("prog.py");
        let path = root.join("sessions/sub/prog.json");
        let placed = adopt_legacy(&cwd.join(sketch), &path, &cwd).unwrap();
        assert_eq!(
            placed,
            Placement::Moved {
                from: legacy.clone(),
                to: path.clone()
            }
        );
        assert!(!legacy.exists());
        assert!(
            !cwd.join("sessions").exists(),
            "the emptied folder is removed"
        );
        let moved = parse_session(&path, &fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(moved, old);
        assert!(!path.with_file_name("prog.json.lock").exists());
    }

    #[test]
    fn legacy_session_of_another_sketch_is_left_alone() {
        let (_dir, root) = project();
        let legacy = root.join("sessions/prog.json");
        fs::create_dir_all(legacy.parent().unwrap()).unwrap();
        // Written by `anpl compile prog.py` in the root: it is root/prog.py's, not sub's.
        let text = serde_json::to_string(&SessionFile::new("prog.py")).unwrap();
        fs::write(&legacy, &text).unwrap();
        let path = root.join("sessions/sub/prog.json");
        let placed = adopt_legacy(&root.join("sub/prog.py"), &path, &root).unwrap();
        assert_eq!(
            placed,
            Placement::New {
                path: path.clone(),
                other: Some((legacy.clone(), "prog.py".into()))
            }
        );
        assert_eq!(fs::read_to_string(&legacy).unwrap(), text);
        assert!(!path.exists());
    }

    #[test]
    fn legacy_and_new_place_are_the_same_file() {
        let (_dir, root) = project();
        let path = root.join("sessions/prog.json");
        assert_eq!(
            adopt_legacy(&root.join("prog.py"), &path, &root).unwrap(),
            Placement::New { path, other: None }
        );
    }
}
