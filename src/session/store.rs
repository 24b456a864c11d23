//! Reading and writing session files safely.
//!
//! A session is the user's accumulated work, so the store is careful: an exclusive lock
//! (`flock` on a `.lock` file beside it, released by the kernel even after `kill -9`) keeps
//! two processes from writing one session; every save goes to a temporary file that is
//! fsynced and renamed over the old one, so a crash leaves the old or the new file, never
//! half of one; a file that does not parse is reported and left exactly as it is.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use super::migrate::migrate;
use super::model::SessionFile;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{path}: cannot {action}: {source}")]
    Io {
        path: String,
        action: &'static str,
        source: std::io::Error,
    },
    #[error("{path} is in use by another anpl process (lock {lock} is held); close it first or pass --session")]
    Locked { path: String, lock: String },
    #[error("{path}:{line}:{col}: the session file is corrupt: {message}; it was left untouched: move it away to start afresh, or pass --session")]
    Corrupt {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Version { path: String, message: String },
}

fn io(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> SessionError {
    let path = path.display().to_string();
    move |source| SessionError::Io {
        path,
        action,
        source,
    }
}

/// An open, locked session file.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    // Held for the lifetime of the store: closing the file releases the lock.
    _lock: File,
}

/// Where a sketch's session lives unless `--session` says otherwise:
/// `sessions/<sketch stem>.json` under the directory anpl runs in.
pub fn default_session_path(sketch: &Path) -> PathBuf {
    let stem = sketch
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sketch".to_string());
    PathBuf::from("sessions").join(format!("{stem}.json"))
}

impl Store {
    /// Lock the session at `path`, creating its directory if needed. The session file itself
    /// is created on the first save.
    pub fn open(path: &Path) -> Result<Store, SessionError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(io(dir, "create the session directory"))?;
        }
        let lock_path = lock_path(path);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path, "open the session lock"))?;
        // SAFETY: flock on a file descriptor we own; no memory is shared with the kernel.
        let rc = unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            return Err(SessionError::Locked {
                path: path.display().to_string(),
                lock: lock_path.display().to_string(),
            });
        }
        Ok(Store {
            path: path.to_path_buf(),
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Load the session, or a new empty one for `sketch` if the file does not exist yet.
    pub fn load(&self, sketch: &str) -> Result<SessionFile, SessionError> {
        match fs::read_to_string(&self.path) {
            Ok(text) => parse_session(&self.path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SessionFile::new(sketch)),
            Err(e) => Err(io(&self.path, "read the session")(e)),
        }
    }

    /// Write the session atomically: temp file, fsync, rename, fsync the directory.
    pub fn save(&self, session: &SessionFile) -> Result<(), SessionError> {
        let text = serde_json::to_string_pretty(session).map_err(|e| SessionError::Io {
            path: self.path.display().to_string(),
            action: "serialise the session",
            source: std::io::Error::other(e),
        })?;
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(".anpl-session-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(io(dir, "create a temporary session file"))?;
        tmp.write_all(text.as_bytes())
            .and_then(|_| tmp.write_all(b"\n"))
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(io(tmp.path(), "write the session"))?;
        tmp.persist(&self.path)
            .map_err(|e| io(&self.path, "replace the session")(e.error))?;
        if let Ok(d) = File::open(dir) {
            // Best effort: some filesystems refuse fsync on directories; the rename is done.
            let _ = d.sync_all();
        }
        Ok(())
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// Parse and migrate session text. Public for tests and for tools that inspect sessions.
pub fn parse_session(path: &Path, text: &str) -> Result<SessionFile, SessionError> {
    let corrupt = |e: serde_json::Error| SessionError::Corrupt {
        path: path.display().to_string(),
        line: e.line(),
        col: e.column(),
        message: without_position(&e),
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(corrupt)?;
    let value = migrate(value).map_err(|message| SessionError::Version {
        path: path.display().to_string(),
        message,
    })?;
    serde_json::from_value(value).map_err(|e| SessionError::Corrupt {
        path: path.display().to_string(),
        line: 1,
        col: 1,
        message: e.to_string(),
    })
}

/// serde_json's message ends with " at line L column C", which the error already says first.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::model::{HoleRecord, HoleStatus, ImplVersion, Origin};
    use pretty_assertions::assert_eq;

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions/s.json");
        let store = Store::open(&path).unwrap();
        let mut session = store.load("s.py").unwrap();
        session.holes.insert(
            "f".into(),
            HoleRecord {
                fingerprint: "abc".into(),
                versions: vec![ImplVersion {
                    code: "def f():\n    return 1\n".into(),
                    origin: Origin::User,
                    fingerprint: "abc".into(),
                    created: 7,
                }],
                current: Some(0),
                status: HoleStatus::Passing,
                ..HoleRecord::default()
            },
        );
        store.save(&session).unwrap();
        assert_eq!(store.load("s.py").unwrap(), session);
        assert_eq!(session.current_code("f"), Some("def f():\n    return 1\n"));
    }

    #[test]
    fn a_second_open_is_refused_while_locked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let first = Store::open(&path).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(
            err.to_string().contains("in use by another anpl process"),
            "{err}"
        );
        drop(first);
        assert!(Store::open(&path).is_ok());
    }

    #[test]
    fn corrupt_file_is_reported_with_position_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        fs::write(&path, "{\"version\": 1,\n  \"sketch\": oops}").unwrap();
        let store = Store::open(&path).unwrap();
        let err = store.load("s.py").unwrap_err().to_string();
        assert!(
            err.contains("s.json:2:13: the session file is corrupt: expected value;"),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "{\"version\": 1,\n  \"sketch\": oops}"
        );
    }

    #[test]
    fn default_path_is_under_sessions() {
        assert_eq!(
            default_session_path(Path::new("examples/word_freq.py")),
            PathBuf::from("sessions/word_freq.json")
        );
    }
}
