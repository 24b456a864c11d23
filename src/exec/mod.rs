//! exec: running untrusted Python safely and fast. The engine (compile, trace, run) hands
//! this module program text — never sketch types — and gets back per-call results, traces of
//! the hole functions, and a verdict for how the process ended.
//!
//! A `Runner` keeps a pool of warm `python3` workers running the embedded harness (`exec/harness/*.py`, joined into one script).
//! Each has executed the sketch's prelude (imports such as numpy), and forks a fresh child
//! per check that enters the sandbox (rlimits, Landlock read and write rules, an
//! unprivileged uid, a private scratch directory) before loading the program; the worker
//! itself lives in PID, mount and network namespaces so a timeout kills every process the
//! check started. A `Workspace` says what of the user's files checks see: the sketch's
//! project, readable and importable, with the sketch's folder as working directory. Results return on
//! a private, nonce-checked pipe; the program's own output is captured, capped and
//! neutralised, never parsed. `docs/sandbox.md` describes every layer and its fallback.

mod config;
mod cpus;
mod error;
mod escape;
#[cfg(test)]
mod harness_selftest;
mod outcome;
mod runner;
mod sandbox;
mod scratch;
mod settings;
mod worker;
mod workspace;

pub use config::{choose_python, ExecConfig, SandboxConfig};
pub use error::ExecError;
pub use escape::neutralize;
pub use outcome::{
    CallOutcome, CallSpec, CheckOutcome, CheckRequest, Frame, PyError, PyValue, TraceEvent, Verdict,
};
pub use runner::{PoolMemory, Runner};
pub use sandbox::{Access, Layer, SandboxReport};
pub use settings::{SandboxFlags, SandboxSettings};
pub use workspace::{Grant, Workspace, WITHHELD};
