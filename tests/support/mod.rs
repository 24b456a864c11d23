//! Fixtures shared by the integration tests, so that how a test runs the `anpl` binary,
//! starts a fake model, opens an engine or pipes a script into the REPL is written once:
//!
//! - `bin`: the `anpl` binary with an environment of its own, its output as text;
//! - `fake_model`: the `anpl-fake-model` server process, waited for until it listens;
//! - `model`: the in-process fake server, answers as models word them, model flags;
//! - `project`: a sketch in a temporary directory with a fake model, run through the binary;
//! - `engine`: a sketch in a temporary directory and an engine opened on it;
//! - `tui`: the terminal UI drawn on a test backend;
//! - `sketches`: sketches several tests (and the REPL benchmark) share;
//! - `pytest`: exported tests under real `python3 -m pytest`.
//!
//! Included with `mod support;`; the benchmark includes `sketches.rs` alone by its path.

// Each test binary uses only part of these helpers: what one leaves unused is not dead code.
// Helpers unwrap: a failure there is a failed test, reported with its cause.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod bin;
pub mod engine;
pub mod fake_model;
pub mod model;
pub mod project;
pub mod pytest;
pub mod sketches;
pub mod tui;
