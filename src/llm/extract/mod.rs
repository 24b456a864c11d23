//! From a model's answer to the code anpl keeps.
//!
//! [`answer`] turns the text into Python blocks (reasoning removed, fences found, prose and
//! example output dropped, tabs made spaces); [`items`] lists their top-level statements.
//! Then the hole's function is taken with everything it uses (helper functions, classes,
//! constants, imports), and the rest is dropped: demo calls, `if __name__ == "__main__":`
//! blocks, and whatever belongs to the program already. Models often echo the whole program
//! they were shown: the prelude, the sketch's own functions (unchanged or rewritten), the other
//! holes' stubs or their own implementations of them, then the function asked for. Copies of
//! the sketch's definitions are dropped so the kept code calls the sketch's own (a rewrite is
//! noted for the transcript); other holes' stubs are dropped; other holes' implementations
//! are returned apart, extracted as for those holes, so the engine can try them there. For an
//! inline hole the model may name its function anything: [`pick`] chooses it and it is renamed,
//! with its recursive calls, to the hole's name.
//!
//! Answers that cannot be used are rejected with a reason the engine records and shows the
//! model on retry: no code, only reasoning, a truncated block, code that does not parse, no
//! function for the hole, or one that is only a stub.

mod answer;
mod items;
mod pick;

use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;
use tree_sitter::Parser;

use answer::Block;
use items::{Item, ItemKind};

/// What the engine wants out of an answer, and what the program around the hole already
/// defines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtractTarget {
    /// The hole's function name, which the kept function ends up with.
    pub name: String,
    /// An inline hole: take the single top-level function whatever it is called.
    pub inline: bool,
    /// The sketch's own top-level function names: an answer's definition of one is dropped
    /// and the kept code calls the sketch's.
    pub forbidden: Vec<String>,
    /// The source of those functions, to tell an echoed copy from a rewrite worth noting.
    pub sketch_sources: BTreeMap<String, String>,
    /// The program's other holes: their stubs in an answer are dropped, their
    /// implementations returned in [`Extracted::others`].
    pub other_holes: Vec<String>,
    /// The sketch's prelude (imports and constants): an answer's copy of a constant it
    /// defines is dropped.
    pub prelude: String,
}

/// The code to splice into the program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// Imports first, then helpers and constants in the model's order, then the function.
    pub code: String,
    /// Top-level names the code binds besides the function (helper functions, classes,
    /// constants), so the engine can spot two holes defining the same helper.
    pub helpers: Vec<String>,
    /// What of the answer was left out and why, for the transcript.
    pub notes: Vec<String>,
    /// Implementations of other holes found in the answer, as (hole, code) extracted for
    /// that hole: candidates for it, checked like any other.
    pub others: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExtractError {
    #[error("the answer holds no Python code block")]
    NoCode,
    #[error("the answer is only reasoning: it never closed its thinking section to give the code")]
    OnlyReasoning,
    #[error("the code block opened on line {line} is never closed: the answer was cut off")]
    Truncated { line: usize },
    #[error("the code does not parse: line {line}, column {col}: {detail}")]
    Parse {
        line: usize,
        col: usize,
        detail: String,
    },
    #[error("the code defines no function `{name}`{}", found_list(.found))]
    NotFound { name: String, found: Vec<String> },
    #[error("the code defines no function")]
    NothingUsable,
    #[error("the code defines several functions that all call each other ({}); expected one to implement the hole", .names.join(", "))]
    Ambiguous { names: Vec<String> },
    #[error("function `{name}` has no body (only a docstring, `...` or `pass`)")]
    Unimplemented { name: String },
    #[error("the Python grammar failed to load: {0}")]
    Grammar(String),
}

fn found_list(found: &[String]) -> String {
    if found.is_empty() {
        String::new()
    } else {
        format!(" (it defines {})", found.join(", "))
    }
}

/// Extracts the hole's function from a model's answer.
pub fn extract(text: &str, target: &ExtractTarget) -> Result<Extracted, ExtractError> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .map_err(|e| ExtractError::Grammar(e.to_string()))?;
    let text = answer::strip_reasoning(&answer::normalize(text))?;
    let blocks = match answer::fenced_blocks(&text, &mut parser)? {
        Some(b) if b.is_empty() => return Err(ExtractError::NoCode),
        Some(b) => b,
        None if text.trim().is_empty() => return Err(ExtractError::NoCode),
        None => vec![answer::unfenced_block(&text, &mut parser)],
    };

    let mut items = Vec::new();
    let mut first_parse_error = None;
    for (bi, block) in blocks.iter().enumerate() {
        if first_parse_error.is_none() {
            first_parse_error = block.parse_error.clone();
        }
        let Some(tree) = answer::parse(&mut parser, &block.code) else {
            continue;
        };
        items::collect_items(tree.root_node(), block.code.as_bytes(), bi, &mut items);
    }
    let program = Program::new(target, &mut parser);
    // A star import the prelude has already is the prelude echoed, not something the
    // hole's code needs.
    items.retain(|item| {
        item.kind != ItemKind::StarImport
            || !program.star_imports.contains(&items::shape(
                &mut parser,
                &blocks[item.block].code[item.start..item.end],
            ))
    });
    let live = latest_definitions(items);
    let owned = |n: &str| program.owns(n, &target.name);

    let functions: Vec<usize> = (0..live.len())
        .filter(|&i| live[i].kind == ItemKind::Function)
        .collect();
    let chosen = match functions.iter().find(|&&i| live[i].binds[0] == target.name) {
        Some(&i) => i,
        None if target.inline => {
            pick::pick_inline(&live, &functions, &target.name, &owned, first_parse_error)?
        }
        None => {
            if let Some(e) = first_parse_error {
                return Err(e);
            }
            return Err(ExtractError::NotFound {
                name: target.name.clone(),
                found: functions
                    .iter()
                    .map(|&i| live[i].binds[0].clone())
                    .filter(|n| !owned(n))
                    .collect(),
            });
        }
    };
    if live[chosen].stub {
        return Err(ExtractError::Unimplemented {
            name: live[chosen].binds[0].clone(),
        });
    }

    let out = assemble(&live, &blocks, chosen, &target.name, &owned);
    let mut notes = program.notes(&live, &blocks, &out.used, &mut parser);
    let mut others = Vec::new();
    for hole in &target.other_holes {
        let Some(&i) = functions
            .iter()
            .find(|&&i| &live[i].binds[0] == hole && !live[i].stub)
        else {
            continue;
        };
        let owned_there = |n: &str| program.owns(n, hole);
        let code = assemble(&live, &blocks, i, hole, &owned_there).code;
        notes.push(format!(
            "the answer also implements hole `{hole}`: kept as a candidate for it"
        ));
        others.push((hole.clone(), code));
    }
    Ok(Extracted {
        code: out.code,
        helpers: out.helpers,
        notes,
        others,
    })
}

/// Python semantics: a later definition of a name replaces an earlier one; except that a stub
/// never replaces an implementation (models echo the hole's stub after writing it).
fn latest_definitions(items: Vec<Item>) -> Vec<Item> {
    let mut live: Vec<Item> = Vec::new();
    for item in items {
        if item.kind.is_definition() {
            let implemented_before = live
                .iter()
                .any(|old| old.kind.is_definition() && old.binds == item.binds && !old.stub);
            if item.stub && implemented_before {
                continue;
            }
            live.retain(|old| !(old.kind.is_definition() && old.binds == item.binds));
        }
        live.push(item);
    }
    live
}

/// What the program around the hole defines already.
struct Program<'a> {
    target: &'a ExtractTarget,
    /// Names the prelude binds other than by import, and the shapes of its statements.
    prelude_names: BTreeSet<String>,
    prelude_shapes: Vec<Vec<String>>,
    star_imports: Vec<Vec<String>>,
}

impl<'a> Program<'a> {
    fn new(target: &'a ExtractTarget, parser: &mut Parser) -> Program<'a> {
        let mut prelude_names = BTreeSet::new();
        let mut prelude_shapes = Vec::new();
        let mut star_imports = Vec::new();
        if let Some(tree) = answer::parse(parser, &target.prelude) {
            let mut found = Vec::new();
            items::collect_items(tree.root_node(), target.prelude.as_bytes(), 0, &mut found);
            for item in found.iter().filter(|i| i.kind == ItemKind::StarImport) {
                star_imports.push(items::shape(parser, &target.prelude[item.start..item.end]));
            }
            for item in found.iter().filter(|i| !i.kind.is_import()) {
                prelude_names.extend(item.binds.iter().cloned());
                prelude_shapes.push(items::shape(parser, &target.prelude[item.start..item.end]));
            }
        }
        Program {
            target,
            prelude_names,
            prelude_shapes,
            star_imports,
        }
    }

    /// Whether `name` belongs to the program rather than to the hole `hole` being extracted.
    fn owns(&self, name: &str, hole: &str) -> bool {
        name != hole
            && (self.target.forbidden.iter().any(|f| f == name)
                || self.prelude_names.contains(name)
                || self.target.other_holes.iter().any(|h| h == name)
                || (name == self.target.name))
    }

    /// Notes on the program's definitions the answer rewrote: every rewritten sketch
    /// function, and prelude definitions the kept code uses.
    fn notes(
        &self,
        live: &[Item],
        blocks: &[Block],
        used: &BTreeSet<String>,
        parser: &mut Parser,
    ) -> Vec<String> {
        let mut notes = Vec::new();
        for item in live.iter().filter(|i| !i.kind.is_import()) {
            let code = &blocks[item.block].code[item.start..item.end];
            let name = &item.binds[0];
            if item.kind == ItemKind::Function {
                if let Some(original) = self.target.sketch_sources.get(name) {
                    if items::shape(parser, code) != items::shape(parser, original) {
                        notes.push(format!(
                            "dropped the answer's rewrite of sketch function `{name}`: the program keeps its own"
                        ));
                    }
                    continue;
                }
            }
            let prelude: Vec<&String> = item
                .binds
                .iter()
                .filter(|b| self.prelude_names.contains(*b) && used.contains(*b))
                .collect();
            if !prelude.is_empty() && !self.prelude_shapes.contains(&items::shape(parser, code)) {
                let names: Vec<String> = prelude.iter().map(|n| format!("`{n}`")).collect();
                notes.push(format!(
                    "dropped the answer's own definition of {}: the program uses the sketch's",
                    names.join(", ")
                ));
            }
        }
        notes
    }
}

struct Assembled {
    code: String,
    helpers: Vec<String>,
    /// Every name the kept code mentions.
    used: BTreeSet<String>,
}

/// The chosen function and everything it reaches, transitively, that the program does not
/// define already, renamed to `name`.
fn assemble(
    live: &[Item],
    blocks: &[Block],
    chosen: usize,
    name: &str,
    owned: &dyn Fn(&str) -> bool,
) -> Assembled {
    let old_name = live[chosen].binds[0].clone();
    let mut keep = vec![false; live.len()];
    keep[chosen] = true;
    let mut needed: BTreeSet<String> = live[chosen].uses.clone();
    loop {
        let mut grew = false;
        for (i, item) in live.iter().enumerate() {
            if keep[i] {
                continue;
            }
            let wanted = item.kind == ItemKind::StarImport
                || (item
                    .binds
                    .iter()
                    .any(|b| needed.contains(b) && *b != old_name)
                    && (item.kind.is_import() || !item.binds.iter().all(|b| owned(b))));
            if wanted {
                keep[i] = true;
                needed.extend(item.uses.iter().cloned());
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }

    let helpers: Vec<String> = live
        .iter()
        .enumerate()
        .filter(|(i, it)| keep[*i] && *i != chosen && !it.kind.is_import())
        .flat_map(|(_, it)| it.binds.iter().cloned())
        .collect();

    let render = |item: &Item| -> String {
        let code = &blocks[item.block].code;
        if old_name == name {
            return code[item.start..item.end].to_string();
        }
        let mut out = String::new();
        let mut at = item.start;
        for (s, e, text) in &item.idents {
            if *text == old_name {
                out.push_str(&code[at..*s]);
                out.push_str(name);
                at = *e;
            }
        }
        out.push_str(&code[at..item.end]);
        out
    };
    let imports = live
        .iter()
        .enumerate()
        .filter(|(i, it)| keep[*i] && it.kind.is_import());
    let others = live
        .iter()
        .enumerate()
        .filter(|(i, it)| keep[*i] && *i != chosen && !it.kind.is_import());
    let mut parts: Vec<String> = imports.map(|(_, it)| render(it)).collect();
    let import_count = parts.len();
    parts.extend(others.map(|(_, it)| render(it)));
    parts.push(render(&live[chosen]));
    let mut code = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            code.push_str(if i < import_count { "\n" } else { "\n\n\n" });
        }
        code.push_str(part);
    }
    code.push('\n');
    Assembled {
        code,
        helpers,
        used: needed,
    }
}
