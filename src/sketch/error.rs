//! Errors of the sketch module. Every problem found in a sketch becomes a [`Diagnostic`]
//! with a `file:line:col` position, the offending source line and a caret, so the CLI, the
//! REPL and the TUI can all show it the same way. Rendering and editing have their own small
//! error enums because their callers (engine, session) react to them differently.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// One problem at one place in a sketch (or in an examples file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    pub message: String,
    /// The whole offending line without its line ending (empty when no line applies).
    pub source_line: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )?;
        if !self.source_line.is_empty() {
            // Keep tabs in the caret line so the caret sits under the right character
            // whatever the terminal's tab width is.
            let pad: String = self
                .source_line
                .chars()
                .take(self.col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n    {}\n    {}^", self.source_line, pad)?;
        }
        Ok(())
    }
}

/// Why a sketch could not be read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum SketchError {
    #[error("{}: cannot read the sketch: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: is a directory, not a sketch file", path.display())]
    IsDirectory { path: PathBuf },
    #[error(
        "{file}:{line}:{col}: the file is not valid UTF-8 (byte 0x{byte:02x}); save it as UTF-8"
    )]
    NotUtf8 {
        file: String,
        line: usize,
        col: usize,
        byte: u8,
    },
    #[error("{}", render_all(.0))]
    Invalid(Vec<Diagnostic>),
    /// The `--examples` file could not be read (its content problems are `Invalid`, with
    /// positions in that file).
    #[error("{}: cannot read the examples file: {error}", path.display())]
    ExamplesIo {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl SketchError {
    /// The diagnostics to show, one per problem; I/O problems become a single diagnostic
    /// without a position (line and column 0).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            SketchError::Invalid(d) => d.clone(),
            SketchError::NotUtf8 {
                file, line, col, ..
            } => vec![Diagnostic {
                file: file.clone(),
                line: *line,
                col: *col,
                message: self.to_string(),
                source_line: String::new(),
            }],
            SketchError::Io { path, .. }
            | SketchError::IsDirectory { path }
            | SketchError::ExamplesIo { path, .. } => vec![Diagnostic {
                file: path.display().to_string(),
                line: 0,
                col: 0,
                message: self.to_string(),
                source_line: String::new(),
            }],
        }
    }

    /// True when the problem is in the sketch's text (exit code 1) rather than in reading
    /// the file at all (exit code 2).
    pub fn is_content_error(&self) -> bool {
        matches!(self, SketchError::Invalid(_) | SketchError::NotUtf8 { .. })
    }
}

fn render_all(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why a program could not be assembled from a sketch and hole implementations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("an implementation was given for `{0}`, which is not a hole of this sketch")]
    UnknownHole(String),
    #[error("the implementation of hole `{hole}` is not usable: {message}")]
    BadImplementation { hole: String, message: String },
    #[error("cannot export: {} not implemented yet: {}", if .0.len() == 1 { "this hole is" } else { "these holes are" }, .0.join(", "))]
    Missing(Vec<String>),
}

/// Why an edit of the sketch text could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("no hole or function named `{0}` in the sketch")]
    UnknownName(String),
    #[error("a description cannot be empty")]
    EmptyDescription,
    #[error("`{0}` has no docstring to edit")]
    NoDocstring(String),
    #[error(
        "byte span {start}..{end} is not inside the {len}-byte source on character boundaries"
    )]
    BadSpan {
        start: usize,
        end: usize,
        len: usize,
    },
    #[error("the doctest {0} is not a valid Python expression")]
    BadExample(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn diagnostic_renders_position_line_and_caret() {
        let d = Diagnostic {
            file: "s.py".into(),
            line: 3,
            col: 6,
            message: "unterminated backtick".into(),
            source_line: "\tx = `abc(g)".into(),
        };
        assert_eq!(
            d.to_string(),
            "s.py:3:6: unterminated backtick\n    \tx = `abc(g)\n    \t    ^"
        );
    }

    #[test]
    fn invalid_renders_every_diagnostic() {
        let mk = |line| Diagnostic {
            file: "a.py".into(),
            line,
            col: 1,
            message: "bad".into(),
            source_line: String::new(),
        };
        let e = SketchError::Invalid(vec![mk(1), mk(2)]);
        assert_eq!(e.to_string(), "a.py:1:1: bad\na.py:2:1: bad");
        assert!(e.is_content_error());
    }
}
