//! Sessions: what anpl has learned about one sketch, kept on disk between runs.
//!
//! The sketch file belongs to the user; the session holds implementations with their
//! history, examples added through anpl, model transcripts (the replay cache) and token
//! use. `model` is the file format, `migrate` upgrades old files, `store` reads and writes
//! them under a lock, `location` says where a sketch's session lives (its project's
//! `sessions/` folder) and moves sessions from where older versions kept them. The engine is
//! the only writer.

pub mod location;
pub mod migrate;
pub mod model;
pub mod questions;
pub mod search;
pub mod store;

pub use location::{adopt_legacy, default_session_path, Placement};
pub use model::{
    HistoryEntry, HoleRecord, HoleState, HoleStatus, ImplVersion, LastTrace, Origin, SessionFile,
    Snapshot, StoredExample, TracedCall, Transcript, Usage,
};
pub use search::SearchRecord;
pub use store::{SessionError, Store};
