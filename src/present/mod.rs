//! How anpl shows values, example outcomes and traces to people: one presenter for the
//! three front ends. It sits above the engine (it reads `CheckReport`s and `TraceEvent`s)
//! and below the CLI, the REPL and the TUI, which all print or draw through it, so a value
//! looks the same wherever it appears. It knows nothing of terminals: it returns text and
//! structure, and the TUI adds colour (grids as cells) on top.
//!
//! The rules every front end gets from here: text inside a value is never rewritten (no
//! collapsed spaces, no string replacement on `repr` text); a long value is laid out from
//! its structure ([`value::Node`]) or cut with a visible marker ([`text::cut`]); the whole
//! value stays available where output is for programs (`--json`).

pub mod grid;
pub mod outcome;
pub mod text;
pub mod trace;
pub mod value;

pub use grid::Grid;
pub use outcome::{example_lines, report_lines, value_block, value_line};
pub use text::{clip, cut, cut_counted};
pub use trace::{result_lines, trace_lines};
pub use value::{layout, layout_fit, one_line};
