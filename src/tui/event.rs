//! The one message type the UI loop handles, and the cloneable sender every background
//! job reports through (no channel is threaded through widgets). Input, ticks, engine
//! progress and finished jobs all arrive as [`AppEvent`]s; `App::update` answers with
//! [`Effect`]s that the loop hands to the driver.

use tokio::sync::mpsc::UnboundedSender;

use super::questions::Asked;
use super::repair::{EditPurpose, RepairOp, Review};
use super::snapshot::Snapshot;
use crate::engine::check::CheckReport;
use crate::engine::Event;

#[derive(Debug, Clone)]
pub enum AppEvent {
    /// A key, mouse or resize event from the terminal.
    Input(crossterm::event::Event),
    /// Animation clock while something runs.
    Tick,
    /// Progress of the running engine operation.
    Engine(Event),
    /// The engine's state after an operation.
    Snapshot(Box<Snapshot>),
    /// An engine operation (compile, export) ended; `Err` carries the message to show.
    OperationDone {
        generation: u64,
        result: Result<String, String>,
    },
    /// A background check (run, trace, a hole's examples) ended.
    Checked {
        job: CheckJob,
        generation: u64,
        result: Result<CheckReport, String>,
    },
    /// A diff to read or to accept (a suggested decomposition, two versions).
    Review {
        generation: u64,
        review: Box<Review>,
    },
    /// What a question operation (or the compile that lists them) changed in the open
    /// questions; it comes before the snapshot that ends the operation.
    Asked { generation: u64, asked: Asked },
    /// `$EDITOR` closed: the text it left, or why it failed.
    Edited {
        purpose: EditPurpose,
        result: Result<String, String>,
    },
    /// SIGTERM or SIGHUP: quit now, saving the session.
    Terminate,
}

/// Which background check a result belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckJob {
    /// Every example of the entry.
    Run,
    /// One example of the entry (0-based).
    Trace(usize),
    /// The examples of one hole or function, for the examples table of the selected row.
    Examples(String),
}

/// What the loop must do for the app: everything with a side effect goes through here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Compile {
        generation: u64,
        only: Option<Vec<String>>,
    },
    Check {
        job: CheckJob,
        generation: u64,
    },
    Export {
        generation: u64,
        path: String,
        /// Where the tests go (default: `test_FILE` beside the program).
        tests: Option<String>,
        allow_partial: bool,
        allow_failing: bool,
    },
    /// A repair operation in the engine task (reloading a changed sketch first).
    Repair {
        generation: u64,
        op: RepairOp,
    },
    /// Suspend the UI and edit `text` in `$EDITOR`.
    ExternalEditor {
        purpose: EditPurpose,
        text: String,
    },
    /// Cancel the running operation.
    Cancel,
    Quit,
}

/// Cloneable handle for reporting to the UI loop; a closed loop is not an error for a job.
#[derive(Debug, Clone)]
pub struct AppSender(UnboundedSender<AppEvent>);

impl AppSender {
    pub fn new(sender: UnboundedSender<AppEvent>) -> AppSender {
        AppSender(sender)
    }

    pub fn send(&self, event: AppEvent) {
        let _ = self.0.send(event);
    }
}
