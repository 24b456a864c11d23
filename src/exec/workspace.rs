//! What a check sees of the user's files: the sketch's project, readable and on `sys.path`,
//! with the sketch's folder as the working directory; the `[sandbox]` grants from
//! `anpl.toml` and flags; and the secrets withheld even inside the project. The CLI builds
//! a `Workspace` once per sketch (`Workspace::for_sketch`) and hands it to the runner in
//! `ExecConfig::workspace`; the harness turns it into Landlock rules or bind mounts
//! (`docs/sandbox.md`), and `explain_denied` tells the engine when a failed file access is
//! the sandbox's doing rather than the program's.

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::settings::{SandboxFlags, SandboxSettings};
use crate::exec::PyError;
use crate::project::{find_root, PYTHON_MARKERS};

/// Entries of the project (and of the sketch's folder) that checks never read: they hold
/// credentials more often than data. `[sandbox] read` can still grant one by its path.
pub const WITHHELD: &[&str] = &[
    ".git",
    ".env",
    ".envrc",
    ".netrc",
    ".pypirc",
    ".npmrc",
    ".ssh",
    ".aws",
    ".gnupg",
    "anpl.toml",
];

/// One path a check may use, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub path: PathBuf,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workspace {
    /// The sketch's folder: the checks' working directory.
    pub cwd: PathBuf,
    /// The project root (see `project::find_root`), or the sketch's folder.
    pub project: PathBuf,
    /// The sketch sits directly in the home folder (or `/`): only the sketch and the
    /// modules it imports from there are readable, never the whole folder.
    pub home_mode: bool,
    pub home: Option<PathBuf>,
    /// Folders put first on `sys.path`, in order. In home mode the first is the runner's
    /// folder of links to the sketch's modules (`home_modules`).
    pub import_paths: Vec<PathBuf>,
    pub read: Vec<Grant>,
    pub write: Vec<Grant>,
    /// Existing entries that are never readable (`WITHHELD` at the project root and in the
    /// sketch's folder).
    pub withheld: Vec<PathBuf>,
    /// In home mode: the module files and packages next to the sketch that it imports.
    pub home_modules: Vec<PathBuf>,
    /// The `anpl.toml` whose `[sandbox]` table was read.
    pub settings_file: Option<PathBuf>,
}

impl Workspace {
    /// The workspace of the sketch at `sketch`, with `home` the user's home folder and
    /// `flags` the command line's grants (absolute, or relative to the working directory).
    pub fn for_sketch(
        sketch: &Path,
        home: Option<&Path>,
        flags: &SandboxFlags,
    ) -> Result<Workspace, String> {
        let cwd = crate::project::sketch_dir(sketch);
        let home = home.map(|h| h.canonicalize().unwrap_or_else(|_| h.to_path_buf()));
        let home_mode =
            cwd.parent().is_none() || home.as_ref().is_some_and(|h| h.starts_with(&cwd));
        let project = find_root(&cwd, PYTHON_MARKERS, home.as_deref());
        let settings_root = find_root(&cwd, &["anpl.toml"], home.as_deref());
        let settings = SandboxSettings::load(&settings_root.join("anpl.toml"))?;
        let mut ws = Workspace {
            cwd: cwd.clone(),
            project: project.clone(),
            home_mode,
            home,
            import_paths: Vec::new(),
            read: Vec::new(),
            write: Vec::new(),
            withheld: Vec::new(),
            home_modules: Vec::new(),
            settings_file: settings.as_ref().map(|s| s.file.clone()),
        };
        if home_mode {
            let source = std::fs::read_to_string(sketch).unwrap_or_default();
            ws.home_modules = imported_siblings(&source, &cwd);
            let sketch_file = cwd.join(sketch.file_name().unwrap_or_default());
            let why = "the sketch sits directly in your home folder: only the sketch and the modules it imports from there";
            for path in std::iter::once(sketch_file).chain(ws.home_modules.iter().cloned()) {
                ws.read.push(Grant {
                    path,
                    why: why.to_string(),
                });
            }
        } else {
            ws.import_paths.push(cwd.clone());
            let why = if project == cwd && !PYTHON_MARKERS.iter().any(|m| project.join(m).exists())
            {
                "the sketch's folder (no pyproject.toml, setup.py, anpl.toml or .git above it)"
            } else {
                "the sketch's project (the nearest folder above it with pyproject.toml, setup.py, anpl.toml or .git)"
            };
            if project != cwd {
                ws.import_paths.push(project.clone());
            }
            let src = project.join("src");
            if src.is_dir() && src != cwd {
                ws.import_paths.push(src);
            }
            ws.read.push(Grant {
                path: project.clone(),
                why: why.to_string(),
            });
            if !cwd.starts_with(&project) {
                ws.read.push(Grant {
                    path: cwd.clone(),
                    why: "the sketch's folder".to_string(),
                });
            }
        }
        let mut explicit = Vec::new();
        if let Some(s) = &settings {
            let why = format!("[sandbox] read in {}", s.file.display());
            for path in &s.read {
                explicit.push(path.clone());
                ws.read.push(Grant {
                    path: path.clone(),
                    why: why.clone(),
                });
            }
            let why = format!("[sandbox] write in {}", s.file.display());
            for path in &s.write {
                ws.write.push(Grant {
                    path: path.clone(),
                    why: why.clone(),
                });
            }
        }
        for path in &flags.read {
            let path = existing(path, "--sandbox-read")?;
            explicit.push(path.clone());
            ws.read.push(Grant {
                path,
                why: "--sandbox-read".to_string(),
            });
        }
        for path in &flags.write {
            let path = existing(path, "--sandbox-write")?;
            if !path.is_dir() {
                return Err(format!(
                    "--sandbox-write {}: not a folder (checks may write into a folder)",
                    path.display()
                ));
            }
            ws.write.push(Grant {
                path,
                why: "--sandbox-write".to_string(),
            });
        }
        if !home_mode {
            let mut dirs = vec![project.clone()];
            if cwd != project {
                dirs.push(cwd.clone());
            }
            for dir in dirs {
                for name in WITHHELD {
                    let path = dir.join(name);
                    if path.symlink_metadata().is_ok() && !explicit.contains(&path) {
                        ws.withheld.push(path);
                    }
                }
                if let Ok(entries) = std::fs::read_dir(&dir) {
                    for entry in entries.flatten() {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        let path = entry.path();
                        if name.starts_with(".env.") && !explicit.contains(&path) {
                            ws.withheld.push(path);
                        }
                    }
                }
            }
        }
        Ok(ws)
    }

    /// Is `path` (absolute) readable by checks through the workspace's own grants?
    fn grants_read(&self, path: &Path) -> bool {
        if self.withheld.iter().any(|w| path.starts_with(w)) {
            return self.read.iter().any(|g| g.path == path);
        }
        self.read
            .iter()
            .chain(self.write.iter())
            .any(|g| path.starts_with(&g.path))
    }

    fn grants_write(&self, path: &Path) -> bool {
        self.write.iter().any(|g| path.starts_with(&g.path))
    }

    /// When `error` is a failed file access that the sandbox caused (a file outside what
    /// checks may read, or a write into the project), the problem and the setting that
    /// lifts it, for the user. `None` when the program itself is at fault (the file does
    /// not exist at all, say).
    pub fn explain_denied(&self, error: &PyError) -> Option<String> {
        let kind = error.exc_type.as_str();
        if !matches!(
            kind,
            "FileNotFoundError"
                | "PermissionError"
                | "OSError"
                | "IsADirectoryError"
                | "NotADirectoryError"
        ) {
            return None;
        }
        let named = os_error_path(&error.message)?;
        let path = normalize(&self.cwd.join(&named));
        let exists = path.symlink_metadata().is_ok();
        let read_only = error.message.contains("Read-only file system");
        let denied = kind == "PermissionError" || read_only;
        if self.grants_read(&path) {
            if denied && !self.grants_write(&path) {
                return Some(format!(
                    "checks cannot write {} (a check may write only in its scratch directory, its HOME and TMPDIR): \
                     to let it write there, add the folder to `[sandbox] write` in anpl.toml or pass `--sandbox-write {}`",
                    path.display(),
                    path.parent().unwrap_or(&path).display()
                ));
            }
            return None;
        }
        if !exists {
            return None;
        }
        let place = if self.withheld.iter().any(|w| path.starts_with(w)) {
            "withheld from checks because such files often hold credentials".to_string()
        } else if self.home_mode {
            "next to a sketch that sits directly in your home folder, where checks read only the sketch and the modules it imports".to_string()
        } else {
            format!("outside the project {}", self.project.display())
        };
        Some(format!(
            "checks cannot read {}: it is {place}. This is the sandbox, not the implementation: \
             to let checks read it, add `read = [{:?}]` under `[sandbox]` in anpl.toml or pass `--sandbox-read {}`",
            path.display(),
            path.display().to_string(),
            path.display()
        ))
    }
}

/// An absolute form of a flag's path that exists.
fn existing(path: &Path, flag: &str) -> Result<PathBuf, String> {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute
        .canonicalize()
        .map_err(|e| format!("{flag} {}: {e}", path.display()))
}

/// `a/./b/../c` as `a/c`, without touching the file system (the path may be hidden).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The file named by a Python `OSError` message: `[Errno 2] No such file or directory:
/// 'data.csv'` (the last quoted name, so for `rename` the target).
pub(crate) fn os_error_path(message: &str) -> Option<String> {
    if !message.starts_with("[Errno ") {
        return None;
    }
    let tail = message.rsplit(": ").next()?;
    let tail = tail.rsplit(" -> ").next()?.trim();
    let quote = tail.chars().next()?;
    if !(quote == '\'' || quote == '"') || !tail.ends_with(quote) || tail.len() < 2 {
        return None;
    }
    let inner = &tail[1..tail.len() - 1];
    // Python's repr escapes backslashes and the quote; undo the common cases.
    Some(
        inner
            .replace("\\\\", "\\")
            .replace(&format!("\\{quote}"), &quote.to_string()),
    )
}

/// The modules beside the sketch that it imports by name (`import helpers`, `from pkg.sub
/// import x`): `NAME.py` files and package folders in `dir`.
fn imported_siblings(source: &str, dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for line in source.lines() {
        let line = line.trim_start();
        let names: Vec<&str> = if let Some(rest) = line.strip_prefix("import ") {
            rest.split(',')
                .filter_map(|part| part.split_whitespace().next())
                .collect()
        } else if let Some(rest) = line.strip_prefix("from ") {
            rest.split_whitespace().next().into_iter().collect()
        } else {
            continue;
        };
        for name in names {
            let top = name.split('.').next().unwrap_or("");
            if top.is_empty() || !top.chars().all(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            for candidate in [dir.join(format!("{top}.py")), dir.join(top)] {
                let usable =
                    candidate.is_file() && candidate.extension().is_some() || candidate.is_dir();
                if usable && !found.contains(&candidate) {
                    found.push(candidate);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }

    fn error(kind: &str, message: &str) -> PyError {
        PyError {
            exc_type: kind.into(),
            message: message.into(),
            frames: Vec::new(),
            line: None,
            column: None,
        }
    }

    #[test]
    fn project_root_src_layout_and_sketch_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let project = root.join("home/me/proj");
        write(&project.join("pyproject.toml"), "");
        write(&project.join("src/pkg/__init__.py"), "");
        write(&project.join("scripts/task.py"), "");
        write(&project.join(".env"), "KEY=1");
        let ws = Workspace::for_sketch(
            &project.join("scripts/task.py"),
            Some(&root.join("home/me")),
            &SandboxFlags::default(),
        )
        .unwrap();
        assert_eq!(ws.cwd, project.join("scripts"));
        assert_eq!(ws.project, project);
        assert!(!ws.home_mode);
        assert_eq!(
            ws.import_paths,
            vec![
                project.join("scripts"),
                project.clone(),
                project.join("src")
            ]
        );
        assert_eq!(ws.withheld, vec![project.join(".env")]);
        assert!(ws.grants_read(&project.join("src/pkg/__init__.py")));
        assert!(!ws.grants_read(&project.join(".env")));
        assert!(!ws.grants_read(&root.join("home/me/.ssh/id_rsa")));
    }

    // A sketch saved straight into the home folder must not make the home the project.
    #[test]
    fn sketch_in_home_reads_only_itself_and_its_modules() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().canonicalize().unwrap();
        write(
            &home.join("task.py"),
            "import helpers, os\nfrom pkg.sub import f\n",
        );
        write(&home.join("helpers.py"), "");
        write(&home.join("pkg/sub.py"), "");
        write(&home.join("unrelated.py"), "");
        write(&home.join(".ssh/id_rsa"), "secret");
        let ws =
            Workspace::for_sketch(&home.join("task.py"), Some(&home), &SandboxFlags::default())
                .unwrap();
        assert!(ws.home_mode);
        assert_eq!(
            ws.home_modules,
            vec![home.join("helpers.py"), home.join("pkg")]
        );
        assert!(ws.grants_read(&home.join("task.py")));
        assert!(ws.grants_read(&home.join("pkg/sub.py")));
        assert!(!ws.grants_read(&home.join("unrelated.py")));
        assert!(!ws.grants_read(&home.join(".ssh/id_rsa")));
        assert!(ws.import_paths.is_empty());
    }

    #[test]
    fn data_file_outside_the_project_is_an_environment_problem() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        write(&root.join("proj/.git/HEAD"), "");
        write(&root.join("proj/task.py"), "");
        write(&root.join("shared/data.csv"), "a,b");
        let ws = Workspace::for_sketch(&root.join("proj/task.py"), None, &SandboxFlags::default())
            .unwrap();
        let denied = error(
            "PermissionError",
            "[Errno 13] Permission denied: '../shared/data.csv'",
        );
        let text = ws.explain_denied(&denied).unwrap();
        assert!(
            text.contains(&root.join("shared/data.csv").display().to_string()),
            "{text}"
        );
        assert!(
            text.contains("[sandbox]") && text.contains("--sandbox-read"),
            "{text}"
        );
        // hidden by the mount fallback: not found inside, present outside
        let hidden = error(
            "FileNotFoundError",
            "[Errno 2] No such file or directory: '../shared/data.csv'",
        );
        assert!(ws.explain_denied(&hidden).is_some());
        // a file that does not exist anywhere is the program's own mistake
        let missing = error(
            "FileNotFoundError",
            "[Errno 2] No such file or directory: 'nope.csv'",
        );
        assert_eq!(ws.explain_denied(&missing), None);
        // writing into the project is refused with the setting that allows it
        let write = error("PermissionError", "[Errno 13] Permission denied: 'out.txt'");
        let text = ws.explain_denied(&write).unwrap();
        assert!(text.contains("[sandbox] write"), "{text}");
        assert_eq!(
            ws.explain_denied(&error("ValueError", "[Errno 2] x: 'a'")),
            None
        );
    }

    #[test]
    fn os_error_messages_name_their_file() {
        assert_eq!(
            os_error_path("[Errno 2] No such file or directory: 'data.csv'").as_deref(),
            Some("data.csv")
        );
        assert_eq!(
            os_error_path("[Errno 13] Permission denied: 'a' -> \"b's\"").as_deref(),
            Some("b's")
        );
        assert_eq!(os_error_path("no such thing"), None);
    }
}
