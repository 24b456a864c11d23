//! The terminal UI (`anpl SKETCH`): the whole program at a glance (hole tree with live
//! status, the selected hole's code, its examples, the latest trace) driven by single
//! keys. It is the only module that uses ratatui and crossterm.
//!
//! Elm-style: [`app::App`] is the state, updated by [`event::AppEvent`]s into
//! [`event::Effect`]s; [`view`] draws it with pure functions; [`driver`] carries effects
//! out against the [`crate::engine`] (which runs in a background task and reports the same
//! events the CLI prints); [`terminal`] owns the terminal and the loop. Keys are data in
//! [`keymap`], colours are roles in [`theme`].

pub mod app;
pub mod driver;
pub mod event;
pub mod highlight;
pub mod keymap;
pub mod questions;
pub mod repair;
pub mod snapshot;
pub mod terminal;
pub mod theme;
pub mod view;

pub use app::App;
pub use driver::{BackendFactory, Driver};
pub use event::{AppEvent, AppSender, CheckJob, Effect};
pub use snapshot::Snapshot;
pub use terminal::{run, TuiError, TuiOptions};
