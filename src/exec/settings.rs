//! The `[sandbox]` table of a project's `anpl.toml`, and the matching command-line flags:
//! extra paths checks may read, and folders they may write into. Read by
//! `Workspace::for_sketch`; the model settings in the same file are read by `llm::config`,
//! which leaves this table alone. Paths in the file are relative to the file's folder; every
//! one must exist, and a mistake is reported as `file:line:col`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

/// `--sandbox-read PATH` and `--sandbox-write DIR`, as given (relative to the working
/// directory).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SandboxFlags {
    pub read: Vec<PathBuf>,
    pub write: Vec<PathBuf>,
}

/// The resolved `[sandbox]` table: absolute, existing paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxSettings {
    pub file: PathBuf,
    pub read: Vec<PathBuf>,
    pub write: Vec<PathBuf>,
}

#[derive(Deserialize)]
struct Document {
    sandbox: Option<Spanned<Table>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[serde(default)]
    read: Vec<Spanned<String>>,
    #[serde(default)]
    write: Vec<Spanned<String>>,
}

impl SandboxSettings {
    /// The `[sandbox]` table of `file`; `Ok(None)` when the file or the table is absent.
    pub fn load(file: &Path) -> Result<Option<SandboxSettings>, String> {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: cannot read: {e}", file.display())),
        };
        let at = |offset: usize| {
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{}:{line}:{col}", file.display())
        };
        let doc: Document = toml::from_str(&text).map_err(|e| {
            let where_ = e.span().map_or_else(|| at(0), |s| at(s.start));
            let message = e.message().lines().next().unwrap_or("").to_string();
            format!("{where_}: {message} (the [sandbox] table takes `read` and `write`, lists of paths)")
        })?;
        let Some(table) = doc.sandbox else {
            return Ok(None);
        };
        let base = file.parent().unwrap_or(Path::new("."));
        let resolve = |entry: &Spanned<String>, key: &str| -> Result<PathBuf, String> {
            let path = base.join(entry.get_ref());
            let path = path.canonicalize().map_err(|e| {
                format!(
                    "{}: [sandbox] {key}: {}: {e}",
                    at(entry.span().start),
                    path.display()
                )
            })?;
            if key == "write" && !path.is_dir() {
                return Err(format!(
                    "{}: [sandbox] write: {} is not a folder (checks may write into folders)",
                    at(entry.span().start),
                    path.display()
                ));
            }
            Ok(path)
        };
        let table = table.into_inner();
        Ok(Some(SandboxSettings {
            file: file.to_path_buf(),
            read: table
                .read
                .iter()
                .map(|p| resolve(p, "read"))
                .collect::<Result<_, _>>()?,
            write: table
                .write
                .iter()
                .map(|p| resolve(p, "write"))
                .collect::<Result<_, _>>()?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_file_and_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("data")).unwrap();
        std::fs::create_dir_all(root.join("out")).unwrap();
        let file = root.join("anpl.toml");
        std::fs::write(
            &file,
            "model = \"offline\"\n[sandbox]\nread = [\"data\"]\nwrite = [\"out\"]\n",
        )
        .unwrap();
        let s = SandboxSettings::load(&file).unwrap().unwrap();
        assert_eq!(s.read, vec![root.join("data")]);
        assert_eq!(s.write, vec![root.join("out")]);

        std::fs::write(&file, "[sandbox]\nread = [\"data\",\n  \"missing\"]\n").unwrap();
        let err = SandboxSettings::load(&file).unwrap_err();
        assert!(
            err.starts_with(&format!("{}:3:3:", file.display())),
            "{err}"
        );
        assert!(err.contains("missing"), "{err}");

        std::fs::write(&file, "[sandbox]\nreads = [\"data\"]\n").unwrap();
        let err = SandboxSettings::load(&file).unwrap_err();
        assert!(err.contains(":2:1:") && err.contains("reads"), "{err}");
    }

    #[test]
    fn no_file_or_no_table_is_no_settings() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            SandboxSettings::load(&dir.path().join("anpl.toml")),
            Ok(None)
        );
        std::fs::write(dir.path().join("anpl.toml"), "model = \"offline\"\n").unwrap();
        assert_eq!(
            SandboxSettings::load(&dir.path().join("anpl.toml")),
            Ok(None)
        );
    }
}
