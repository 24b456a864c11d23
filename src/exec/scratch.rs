//! The pool's private directory in the system's temporary folder (`anpl-exec-*`): the
//! harness, the checks' scratch space and the links to the sketch's modules live there. The
//! pool removes it when it is dropped, but a process that is killed drops nothing: a closed
//! terminal (SIGHUP), SIGTERM or `kill -9` would leave one directory behind each time. So
//! the pool holds a lock on `owner.lock` inside its directory for as long as it lives (the
//! kernel releases it however the process ends), and every pool that starts removes the
//! directories of the same user whose lock nobody holds.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

const PREFIX: &str = "anpl-exec-";
const LOCK: &str = "owner.lock";
/// A directory without a lock file is being created right now, or was left by a version of
/// anpl from before the lock: it is removed only once it is this old.
const UNLOCKED_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// A directory that is removed when dropped, and by the next pool if this process is killed.
#[derive(Debug)]
pub(crate) struct ScratchDir {
    // Fields drop in order: the directory goes first, then the lock that claimed it.
    dir: tempfile::TempDir,
    _lock: File,
}

impl ScratchDir {
    /// Remove what killed pools left behind, then make a new directory and claim it.
    pub(crate) fn create() -> std::io::Result<ScratchDir> {
        let tmp = std::env::temp_dir();
        sweep(&tmp);
        let dir = tempfile::Builder::new().prefix(PREFIX).tempdir_in(&tmp)?;
        // Locked under another name and then renamed, so that a sweeping pool never sees an
        // `owner.lock` that is not held yet.
        let staged = dir.path().join(".owner.lock.new");
        let lock = File::create(&staged)?;
        lock.try_lock().map_err(std::io::Error::from)?;
        std::fs::rename(&staged, dir.path().join(LOCK))?;
        Ok(ScratchDir { dir, _lock: lock })
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Remove the current user's `anpl-exec-*` directories in `tmp` whose pool has ended without
/// removing them. Best effort: whatever cannot be read or removed stays. Returns how many
/// went.
pub(crate) fn sweep(tmp: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return 0;
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let mut removed = 0;
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(PREFIX) {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_dir() || meta.uid() != me {
            continue;
        }
        let abandoned = match File::open(path.join(LOCK)) {
            // Held for as long as its pool lives; the lock taken here is dropped after the
            // directory is gone.
            Ok(lock) => lock.try_lock().is_ok(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => meta
                .modified()
                .ok()
                .and_then(|m| SystemTime::now().duration_since(m).ok())
                .is_some_and(|age| age > UNLOCKED_AGE),
            Err(_) => false,
        };
        if abandoned && std::fs::remove_dir_all(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::FileTimes;

    fn dir_with_lock(tmp: &Path, name: &str) -> (std::path::PathBuf, File) {
        let dir = tmp.join(name);
        std::fs::create_dir_all(dir.join("checks")).unwrap();
        std::fs::write(dir.join("harness.py"), "pass\n").unwrap();
        let lock = File::create(dir.join(LOCK)).unwrap();
        (dir, lock)
    }

    fn age(path: &Path, by: Duration) {
        let then = SystemTime::now() - by;
        File::open(path)
            .unwrap()
            .set_times(FileTimes::new().set_modified(then))
            .unwrap();
    }

    #[test]
    fn sweep_removes_only_directories_whose_pool_has_ended() {
        let tmp = tempfile::tempdir().unwrap();
        let (live, held) = dir_with_lock(tmp.path(), "anpl-exec-live");
        held.try_lock().unwrap();
        let (dead, released) = dir_with_lock(tmp.path(), "anpl-exec-dead");
        drop(released);
        let fresh = tmp.path().join("anpl-exec-fresh");
        std::fs::create_dir(&fresh).unwrap();
        let old = tmp.path().join("anpl-exec-old");
        std::fs::create_dir(&old).unwrap();
        age(&old, UNLOCKED_AGE + Duration::from_secs(60));
        let other = tmp.path().join("not-anpl");
        std::fs::create_dir(&other).unwrap();
        age(&other, UNLOCKED_AGE * 2);
        let file = tmp.path().join("anpl-exec-file");
        std::fs::write(&file, "").unwrap();

        assert_eq!(sweep(tmp.path()), 2);
        assert!(live.exists(), "a held lock means a pool still uses it");
        assert!(!dead.exists());
        assert!(fresh.exists(), "being created, or too young to judge");
        assert!(!old.exists());
        assert!(other.exists() && file.exists());
        drop(held);
        assert_eq!(sweep(tmp.path()), 1);
        assert!(!live.exists());
    }

    #[test]
    fn a_pool_directory_is_claimed_while_it_lives_and_removed_with_it() {
        let dir = ScratchDir::create().unwrap();
        let path = dir.path().to_path_buf();
        let lock = File::open(path.join(LOCK)).unwrap();
        assert!(lock.try_lock().is_err(), "the pool holds its lock");
        assert!(!path.join(".owner.lock.new").exists());
        drop(dir);
        assert!(!path.exists());
    }
}
