//! The messages that ask a model to implement one hole.
//!
//! Order matters: system instructions first, then the context the hole lives in (the
//! prelude, the sketch functions that call it, the stubs of the holes beside it), and last
//! the hole itself: signature, description and examples. Models attend most to the end of
//! a prompt, and servers that replay recorded answers find the hole by its description in
//! the final part of the last user message. Only what the hole needs is sent: other
//! functions of the program stay out of the prompt.

use std::collections::BTreeSet;

use crate::llm::{ChatRequest, Message};
use crate::sketch::{self, Hole, Sketch};

pub const SYSTEM: &str =
    "You implement one Python function of a larger program written as a sketch. \
The user shows the surrounding code and the function to implement: its signature, a description \
of what it must do, and examples. Reply with one ```python code block holding the complete \
function definition with exactly the given name and parameters, plus any imports and helper \
functions it needs. Do not redefine functions of the sketch, do not read input, do not print, \
and do not include tests or example calls.";

/// The first request for a hole.
pub fn request(
    sketch: &Sketch,
    hole: &Hole,
    temperature: f32,
    n: u32,
    max_tokens: u32,
) -> ChatRequest {
    ChatRequest {
        system: SYSTEM.to_string(),
        messages: vec![user_message(sketch, hole)],
        temperature,
        max_tokens,
        n,
    }
}

/// A repair request: the first exchange, then what went wrong and the hole again, so the
/// last user message still ends with the hole to implement.
pub fn repair(
    sketch: &Sketch,
    hole: &Hole,
    failed_code: &str,
    failure: &str,
    temperature: f32,
    max_tokens: u32,
) -> ChatRequest {
    let mut text = String::new();
    text.push_str("That implementation is wrong. When run, it failed like this:\n\n");
    text.push_str(failure.trim_end());
    text.push_str("\n\nFind the mistake and write the function again. ");
    text.push_str(&hole_section(hole));
    ChatRequest {
        system: SYSTEM.to_string(),
        messages: vec![
            user_message(sketch, hole),
            Message::assistant(format!("```python\n{}\n```", failed_code.trim_end())),
            Message::user(text),
        ],
        temperature,
        max_tokens,
        n: 1,
    }
}

/// The first user message, its repeated parts marked for prompt caching: the program's
/// head (prelude and callers), shared by the holes those functions call, and the whole
/// context, shared by every request for this hole (samples, repairs).
fn user_message(sketch: &Sketch, hole: &Hole) -> Message {
    let mut out = String::new();
    let (context, head) = context(sketch, hole);
    let mut marks = Vec::new();
    if !context.trim().is_empty() {
        out.push_str("The program so far (functions shown with `...` are implemented separately):\n\n```python\n");
        marks.push(out.len() + head);
        out.push_str(context.trim_end());
        out.push_str("\n```\n\n");
        marks.push(out.len());
    }
    out.push_str(&hole_section(hole));
    Message::user(out).with_cache_marks(marks)
}

fn hole_section(hole: &Hole) -> String {
    format!(
        "Implement this function:\n\n```python\n{}\n```\n",
        sketch::stub(hole).trim_end()
    )
}

/// Prelude, the sketch functions that call the hole, and stubs of the other holes those
/// functions call (the ones this hole may use); and where the stubs start.
fn context(sketch: &Sketch, hole: &Hole) -> (String, usize) {
    let mut parts: Vec<String> = Vec::new();
    if !sketch.prelude.trim().is_empty() {
        parts.push(sketch.prelude.trim_end().to_string());
    }
    let mut shown = BTreeSet::new();
    let mut siblings = BTreeSet::new();
    for caller in sketch.callers(&hole.id) {
        if let Some(function) = sketch.function(caller) {
            if shown.insert(function.name.clone()) {
                if let Some(text) = sketch.source.get(function.span.clone()) {
                    parts.push(text.trim_end().to_string());
                }
            }
        }
        for callee in sketch.callees(caller) {
            if callee != hole.id {
                siblings.insert(callee.to_string());
            }
        }
    }
    let head = parts.join("\n\n").len();
    for sibling in siblings {
        if let Some(other) = sketch.hole(&sibling) {
            parts.push(sketch::stub(other).trim_end().to_string());
        }
    }
    (parts.join("\n\n"), head)
}

/// A rough token count (about four characters a token for code and English), reported with
/// each request so users see how big their prompts are.
pub fn approx_tokens(request: &ChatRequest) -> usize {
    let chars: usize = request.system.len()
        + request
            .messages
            .iter()
            .map(|m| m.content.len())
            .sum::<usize>();
    chars.div_ceil(4)
}
