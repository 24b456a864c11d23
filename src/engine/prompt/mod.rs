//! The messages that ask a model to implement one hole (`docs/prompts.md`).
//!
//! A prompt is a list of labelled sections, each built by the file for its kind of
//! context: `code` (the prelude, the functions that call the hole, the stubs of the holes
//! beside it, the hole itself with its decorators), `types` (the class of a method hole,
//! the classes and constants the hole names), `observed` (the arguments the hole received
//! when the program ran), `program` (the program's examples, and in a repair the failing
//! call). `budget` drops the least useful sections first to keep a request within its
//! token budget. The hole always comes last: models attend most to the end of a prompt, and
//! servers that replay recorded answers find the hole in the final part of the last user
//! message. Compile, resynthesis and `anpl prompt` all build requests here, so what
//! `anpl prompt` shows is what is sent.

mod budget;
mod code;
mod observed;
mod program;
mod section;
mod types;
pub mod values;

use serde::Serialize;

use crate::llm::{ChatRequest, Message};
use crate::sketch::{Example, Hole, HoleKind, Sketch};

pub use budget::{tokens, Dropped};
pub use observed::{Observations, ObservedCall};
pub use section::{Section, SectionKind};

pub const SYSTEM: &str =
    "You implement one Python function of a larger program written as a sketch. \
The user shows the surrounding code and the function to implement: its signature, a description \
of what it must do, and examples. Reply with one ```python code block holding the complete \
function definition with exactly the given name and parameters, plus any imports and helper \
functions it needs. Do not redefine functions of the sketch, do not read input, do not print, \
and do not include tests or example calls.";

/// The default prompt budget, in estimated tokens.
pub const DEFAULT_BUDGET: usize = 4000;

/// What a hole's prompt draws on besides the sketch: gathered by the engine once per
/// operation and handed to the hole's task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromptContext {
    /// Every example of the hole: doctests, the session's, the examples file's.
    pub examples: Vec<Example>,
    /// The entry's examples: what the whole program must produce.
    pub program_examples: Vec<Example>,
    /// Calls of the hole seen in a traced run of the program's examples.
    pub observed: Vec<ObservedCall>,
    /// Estimated tokens a request may take before sections are dropped.
    pub budget: usize,
}

impl Default for PromptContext {
    fn default() -> Self {
        PromptContext {
            examples: Vec::new(),
            program_examples: Vec::new(),
            observed: Vec::new(),
            budget: DEFAULT_BUDGET,
        }
    }
}

/// Where each section of a request went, for `anpl prompt --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layout {
    pub sections: Vec<PlacedSection>,
    /// What the budget left out.
    pub dropped: Vec<Dropped>,
    pub budget: usize,
    /// Estimated tokens of the whole request.
    pub tokens: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedSection {
    pub kind: SectionKind,
    pub label: &'static str,
    /// Index of the message that holds it.
    pub message: usize,
    pub tokens: usize,
    pub text: String,
}

/// The first request for a hole (and the extra samples, at another temperature).
pub fn request(
    sketch: &Sketch,
    hole: &Hole,
    ctx: &PromptContext,
    temperature: f32,
    n: u32,
    max_tokens: u32,
) -> ChatRequest {
    request_with_layout(sketch, hole, ctx, temperature, n, max_tokens).0
}

pub fn request_with_layout(
    sketch: &Sketch,
    hole: &Hole,
    ctx: &PromptContext,
    temperature: f32,
    n: u32,
    max_tokens: u32,
) -> (ChatRequest, Layout) {
    let (hole, observed) = presented(hole, ctx);
    let last = code::hole(sketch, &hole, "");
    let fixed = budget::tokens(SYSTEM) + last.tokens();
    let (mut sections, dropped) = context(sketch, &hole, ctx, &observed, fixed);
    sections.push(last);
    let request = ChatRequest {
        system: SYSTEM.to_string(),
        messages: vec![first_message(&sections)],
        temperature,
        max_tokens,
        n,
    };
    let placed = place(&[(0, &sections)]);
    let layout = layout(&request, placed, dropped, ctx.budget);
    (request, layout)
}

/// A repair request: the first exchange (the same context), the failed code as the
/// model's answer, then the failing call and the hole again, so the last user message
/// still ends with the hole to implement.
pub fn repair(
    sketch: &Sketch,
    hole: &Hole,
    ctx: &PromptContext,
    failed_code: &str,
    failure: &str,
    temperature: f32,
    max_tokens: u32,
) -> ChatRequest {
    repair_with_layout(
        sketch,
        hole,
        ctx,
        failed_code,
        failure,
        temperature,
        max_tokens,
    )
    .0
}

pub fn repair_with_layout(
    sketch: &Sketch,
    hole: &Hole,
    ctx: &PromptContext,
    failed_code: &str,
    failure: &str,
    temperature: f32,
    max_tokens: u32,
) -> (ChatRequest, Layout) {
    let (hole, observed) = presented(hole, ctx);
    let first_hole = code::hole(sketch, &hole, "");
    let answer = format!("```python\n{}\n```", failed_code.trim_end());
    let failed = program::failure(&hole, failure, &ctx.examples);
    let again = code::hole(
        sketch,
        &hole,
        "Find the mistake and write the function again. ",
    );
    let fixed = budget::tokens(SYSTEM)
        + first_hole.tokens()
        + budget::tokens(&answer)
        + failed.tokens()
        + again.tokens();
    let (mut sections, dropped) = context(sketch, &hole, ctx, &observed, fixed);
    sections.push(first_hole);
    let tail = vec![failed, again];
    let last: String = tail.iter().map(Section::render).collect();
    let request = ChatRequest {
        system: SYSTEM.to_string(),
        messages: vec![
            first_message(&sections),
            Message::assistant(answer),
            Message::user(last.trim_end()),
        ],
        temperature,
        max_tokens,
        n: 1,
    };
    let placed = place(&[(0, &sections), (2, &tail)]);
    let layout = layout(&request, placed, dropped, ctx.budget);
    (request, layout)
}

/// The first user message, its repeated parts marked for prompt caching: the program's
/// head (the leading prelude, definitions, class and callers), shared by the holes those
/// functions call, and everything before the hole, shared by every request for this hole
/// (samples, repairs).
fn first_message(sections: &[Section]) -> Message {
    let mut text = String::new();
    let mut head = None;
    let mut context = 0;
    for section in sections {
        let shared = matches!(
            section.kind,
            SectionKind::Prelude
                | SectionKind::Definitions
                | SectionKind::Class
                | SectionKind::Callers
        );
        if !shared && head.is_none() {
            head = Some(text.len());
        }
        if section.kind == SectionKind::Hole {
            context = text.len();
        }
        text.push_str(&section.render());
    }
    let text = text.trim_end().to_string();
    Message::user(text).with_cache_marks([head.unwrap_or(0), context])
}

/// Every context section for the hole, in message order, fitted to the budget.
fn context(
    sketch: &Sketch,
    hole: &Hole,
    ctx: &PromptContext,
    observed: &[ObservedCall],
    fixed: usize,
) -> (Vec<Section>, Vec<Dropped>) {
    let callers = code::callers(sketch, hole);
    let observed_section = observed::section(hole, observed);
    // The definitions a hole needs are the ones its signature, examples, callers and
    // observed values name.
    let mut named: Vec<String> = vec![hole.signature()];
    named.extend(
        ctx.examples
            .iter()
            .map(|e| format!("{} {}", e.call, e.expected)),
    );
    if let Some(c) = &callers {
        named.extend(c.items.iter().cloned());
    }
    if let Some(class) = sketch.class_of(hole) {
        named.push(types::summary(class, Some(&hole.id)));
    }
    for call in observed {
        named.extend(
            call.args
                .iter()
                .map(|(_, v)| values::read(&v.src).type_name()),
        );
    }
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    let mut sections: Vec<Section> = [
        code::prelude(sketch),
        types::named_definitions(sketch, hole, &named),
        types::own_class(sketch, hole),
        callers,
        code::siblings(sketch, hole),
        program::program_examples(sketch, hole, &ctx.examples, &ctx.program_examples),
        observed_section,
    ]
    .into_iter()
    .flatten()
    .collect();
    let dropped = budget::fit(&mut sections, fixed, ctx.budget);
    (sections, dropped)
}

/// The hole as the prompt presents it: with every example it has, and with inline-hole
/// parameters that only have a position (`arg2`) named after the value observed there.
fn presented(hole: &Hole, ctx: &PromptContext) -> (Hole, Vec<ObservedCall>) {
    let mut hole = hole.clone();
    hole.examples = ctx.examples.clone();
    let mut observed = ctx.observed.clone();
    if hole.kind == HoleKind::Named {
        return (hole, observed);
    }
    let Some(first) = observed.first() else {
        return (hole, observed);
    };
    let mut renames: Vec<(String, String)> = Vec::new();
    for (i, param) in hole.params.iter().enumerate() {
        let positional = param
            .name
            .strip_prefix("arg")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'_'));
        if !positional {
            continue;
        }
        let Some((_, value)) = first.args.get(i) else {
            continue;
        };
        let base = values::name_for(&values::read(&value.src));
        let taken = |n: &str| {
            hole.params.iter().any(|p| p.name == n) || renames.iter().any(|(_, r)| r == n)
        };
        let mut name = base.clone();
        let mut k = 2;
        while taken(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        renames.push((param.name.clone(), name));
    }
    for (old, new) in &renames {
        for p in &mut hole.params {
            if &p.name == old {
                p.name = new.clone();
            }
        }
        for call in &mut observed {
            for (n, _) in &mut call.args {
                if n == old {
                    *n = new.clone();
                }
            }
        }
    }
    (hole, observed)
}

fn place(groups: &[(usize, &Vec<Section>)]) -> Vec<PlacedSection> {
    let mut out = Vec::new();
    for (message, sections) in groups {
        for s in sections.iter() {
            out.push(PlacedSection {
                kind: s.kind,
                label: s.kind.label(),
                message: *message,
                tokens: s.tokens(),
                text: s.render().trim_end().to_string(),
            });
        }
    }
    out
}

fn layout(
    request: &ChatRequest,
    sections: Vec<PlacedSection>,
    dropped: Vec<Dropped>,
    budget: usize,
) -> Layout {
    Layout {
        sections,
        dropped,
        budget,
        tokens: approx_tokens(request),
    }
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

#[cfg(test)]
mod tests;
