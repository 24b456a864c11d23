//! Sessions: what anpl has learned about one sketch, kept on disk between runs.
//!
//! The sketch file belongs to the user; the session holds implementations with their
//! history, examples added through anpl, model transcripts (the replay cache) and token
//! use. `model` is the file format, `migrate` upgrades old files, `store` reads and writes
//! them under a lock. The engine is the only writer.

pub mod migrate;
pub mod model;
pub mod questions;
pub mod store;

pub use model::{
    HistoryEntry, HoleRecord, HoleState, HoleStatus, ImplVersion, LastTrace, Origin, SessionFile,
    Snapshot, StoredExample, TracedCall, Transcript, Usage,
};
pub use store::{default_session_path, SessionError, Store};
