//! Reading and writing session files safely.
//!
//! A session is the user's accumulated work, so the store is careful: an exclusive lock
//! (`flock` on a `.lock` file beside it, released by the kernel even after `kill -9`) keeps
//! two processes from writing one session; every save goes to a temporary file that is
//! fsynced and renamed over the old one, so a crash leaves the old or the new file, never
//! half of one; a file that does not parse is reported and left exactly as it is.
//!
//! The lock file is removed when the store is dropped, so a clean exit leaves no `*.lock`
//! behind. Removing it safely takes two rules: the holder unlinks the file *before* closing
//! it (while it still holds the lock), and whoever acquires a lock checks afterwards that the
//! file it locked is still the one at the path; if not, the previous holder unlinked it in
//! between, and it tries again on a fresh file. Without the check, a process that opened the
//! old file just before it was unlinked could lock that orphan while a third process locks
//! the new file, and both would think they own the session. Where the session lives is
//! `location`'s business.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
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

pub(crate) fn io(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> SessionError {
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
    lock: SessionLock,
}

/// The held lock of one session: the open lock file, and the directories `Store::open`
/// created for it, removed again on drop when nothing else was put in them.
#[derive(Debug)]
struct SessionLock {
    path: PathBuf,
    file: Option<File>,
    created_dirs: Vec<PathBuf>,
}

impl Drop for SessionLock {
    fn drop(&mut self) {
        // Unlink while the lock is still held (see the module comment), then release it.
        if self.file.is_some() {
            let _ = fs::remove_file(&self.path);
        }
        self.file = None;
        // Innermost first; `remove_dir` refuses a folder that holds anything, such as another
        // sketch's session or lock.
        for dir in self.created_dirs.iter().rev() {
            if fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
}

impl Store {
    /// Lock the session at `path`, creating its directory if needed. The session file itself
    /// is created on the first save.
    pub fn open(path: &Path) -> Result<Store, SessionError> {
        let lock = SessionLock::acquire(path)?;
        Ok(Store {
            path: path.to_path_buf(),
            lock,
        })
    }

    /// The lock file held while this store is open.
    pub fn lock_path(&self) -> &Path {
        &self.lock.path
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

impl SessionLock {
    fn acquire(session: &Path) -> Result<SessionLock, SessionError> {
        let path = lock_path(session);
        let dir = session.parent().filter(|d| !d.as_os_str().is_empty());
        let created_dirs = match dir {
            Some(dir) => create_dirs(dir)?,
            None => Vec::new(),
        };
        // From here on, dropping `lock` removes the directories just created if this fails.
        let mut lock = SessionLock {
            path,
            file: None,
            created_dirs,
        };
        // A lost race (see the module comment) costs one more round; a bound keeps a broken
        // filesystem from looping forever.
        for _ in 0..100 {
            if let Some(dir) = dir {
                // Another process may have just removed a folder it created and found empty.
                fs::create_dir_all(dir).map_err(io(dir, "create the session directory"))?;
            }
            let file = match OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock.path)
            {
                Ok(file) => file,
                // The folder went away between creating it and opening the lock.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(&lock.path, "open the session lock")(e)),
            };
            // SAFETY: flock on a file descriptor we own; no memory is shared with the kernel.
            let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if rc != 0 {
                return Err(SessionError::Locked {
                    path: session.display().to_string(),
                    lock: lock.path.display().to_string(),
                });
            }
            let held = file
                .metadata()
                .map_err(io(&lock.path, "read the session lock"))?;
            let current = fs::metadata(&lock.path);
            if current.is_ok_and(|m| m.dev() == held.dev() && m.ino() == held.ino()) {
                lock.file = Some(file);
                return Ok(lock);
            }
        }
        Err(SessionError::Locked {
            path: session.display().to_string(),
            lock: lock.path.display().to_string(),
        })
    }
}

/// `create_dir_all`, returning the folders it created, outermost first.
fn create_dirs(dir: &Path) -> Result<Vec<PathBuf>, SessionError> {
    let missing: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
        .map(Path::to_path_buf)
        .collect();
    fs::create_dir_all(dir).map_err(io(dir, "create the session directory"))?;
    Ok(missing.into_iter().rev().collect())
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
    fn lock_file_is_removed_on_drop_and_a_stale_one_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions/sub/s.json");
        let lock = dir.path().join("sessions/sub/s.json.lock");
        let store = Store::open(&path).unwrap();
        assert!(lock.is_file());
        drop(store);
        assert!(!lock.exists());
        // Nothing was saved, so the folders the store created are gone too.
        assert!(!dir.path().join("sessions").exists());
        // A lock file left by a process killed with -9 is not held: it is taken and removed.
        fs::create_dir_all(lock.parent().unwrap()).unwrap();
        fs::write(&lock, "").unwrap();
        let store = Store::open(&path).unwrap();
        store.save(&SessionFile::new("s.py")).unwrap();
        drop(store);
        assert!(!lock.exists());
        assert!(path.is_file());
    }

    // The race the unlink-on-drop must not open: a process that opened the lock file just
    // before its holder unlinked it locks an orphan; it must not count as holding the lock.
    #[test]
    fn a_lock_on_an_unlinked_lock_file_is_not_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let first = Store::open(&path).unwrap();
        let orphan = File::open(first.lock_path()).unwrap();
        drop(first);
        // SAFETY: flock on a descriptor this test owns.
        let rc = unsafe { libc::flock(orphan.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        assert_eq!(rc, 0, "the orphan can be locked");
        // The orphaned inode is locked, yet the session is free: a new lock file is made.
        let second = Store::open(&path).unwrap();
        assert!(second.lock_path().is_file());
        assert!(Store::open(&path).is_err(), "and it is really held");
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
}
