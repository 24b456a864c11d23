//! anpl: natural programming in the terminal.
//!
//! A user writes a Python *sketch* whose *holes* are functions described in plain language.
//! The crate is split the way data flows: `sketch` parses the user's file into holes,
//! examples and a call graph and renders runnable programs; `exec` runs those programs in
//! sandboxed Python workers; `llm` talks to language models; `synth` fills small holes
//! without one; `session` keeps what the tool learned on disk; `engine` drives all of them
//! and reports events. Above the engine and below the front ends, `present` shows values,
//! outcomes and traces to people and `command` is the command language of the REPL and the
//! TUI's `:` line. The front ends are `cli` (the thin binary side that parses flags and sets
//! exit codes), `repl` and `tui`; none imports another, and only the terminal UI may depend
//! on terminal crates (`tests/layering.rs` holds these lines).

pub mod cli;
pub mod command;
pub mod editor;
pub mod engine;
pub mod exec;
pub mod llm;
pub mod present;
pub mod project;
pub mod pyrepr;
pub mod repl;
pub mod session;
pub mod sketch;
pub mod suggest;
pub mod synth;
pub mod tui;
