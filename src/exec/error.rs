//! Errors of the exec module: what can go wrong starting or talking to Python workers. A
//! failing *program* is not an error here; it is a `CheckOutcome` with a verdict. These are
//! the cases where no outcome can be produced at all.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ExecError {
    #[error("python interpreter {} not found (pass --python, set ANPL_PYTHON, or create a .venv beside the sketch)", .0.display())]
    PythonNotFound(PathBuf),

    #[error("{module} is not installed for {} ({message})", .python.display())]
    MissingModule {
        module: String,
        python: PathBuf,
        message: String,
    },

    #[error("the sketch's top-level code failed in {} at prelude line {line}: {exc_type}: {message}", .python.display())]
    Prelude {
        python: PathBuf,
        exc_type: String,
        message: String,
        line: usize,
    },

    #[error("could not start a Python worker with {}: {message}", .python.display())]
    WorkerStart { python: PathBuf, message: String },

    #[error("could not prepare the private directory for Python workers: {0}")]
    TempDir(#[source] std::io::Error),

    #[error("Python worker protocol error: {0}")]
    Protocol(String),

    #[error("invalid exec configuration: {0}")]
    Config(String),

    /// A `[sandbox]` table or `--sandbox-*` flag that cannot be used; the text starts with
    /// where (`anpl.toml:line:col` or the flag).
    #[error("{0}")]
    Sandbox(String),
}
