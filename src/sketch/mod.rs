//! The sketch language (DESIGN.md §1-§2): a sketch is a Python file whose *holes* are
//! functions described in natural language, written as a docstring-only `def`, a string
//! called like a function (`"desc"(args)`) or a backtick description (`` `desc`(args) ``).
//! This module parses a sketch with tree-sitter into a [`Sketch`] (holes, functions,
//! doctest examples, call graph, entry, prelude), renders it back into a runnable or
//! exportable Python program with hole implementations spliced in, edits descriptions and
//! examples in place, and converts JSON example values into Python source. Every other
//! module works from the [`Sketch`] it produces: the engine schedules holes by its call
//! graph, `llm` prompts with [`stub`], `exec` runs what [`render`] assembles, and the
//! session writes user edits back with the helpers in `edit`.

mod arg_names;
mod captures;
mod classes;
mod docstring;
mod edit;
mod error;
mod examples_call;
mod examples_file;
mod graph;
mod indent;
mod json_spans;
mod load_time;
mod model;
mod naming;
mod parse;
mod pysyntax;
mod queries;
mod render;
mod sharing;
mod source;
mod stubs;
mod values;

pub use classes::{Assignment, ClassInfo, ClassItem, ClassKind, MethodInfo};
pub use edit::{
    add_example, escape_description, is_expression, replace_span, set_description, LiteralStyle,
};
pub use error::{Diagnostic, EditError, RenderError, SketchError};
pub use examples_file::load_examples_file;
pub use graph::TreeNode;
pub use model::{Example, Function, Hole, HoleKind, Param, Sketch, MODULE};
pub use parse::{parse_file, parse_source, ParseOptions};
pub use render::{render, stub, RenderMode, Rendered};
pub use stubs::EmptyDef;
pub use values::json_to_python;
