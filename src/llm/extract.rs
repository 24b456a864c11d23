//! From a model's answer to the code anpl keeps: find the fenced Python block(s) (or take the
//! whole text when there are none), parse them with tree-sitter, take the function the hole
//! needs and everything it uses (helper functions, classes, constants, imports), and drop the
//! rest (demo calls, `if __name__ == "__main__":` blocks, copies of sketch functions nobody
//! calls). For an inline hole the model may name its function anything: the single
//! top-level function that no other one calls is taken and renamed, with its recursive
//! calls, to the hole's name.
//!
//! Answers that cannot be used are rejected with a reason the engine records in the
//! transcript and shows the model on retry: no code, a truncated block, code that does not
//! parse, no usable function, an empty body, or a redefinition of a sketch function that the
//! kept code would call.

use std::collections::BTreeSet;

use thiserror::Error;
use tree_sitter::{Node, Parser, Tree};

/// What the engine wants out of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractTarget {
    /// The hole's function name, which the kept function ends up with.
    pub name: String,
    /// An inline hole: take the single top-level function whatever it is called.
    pub inline: bool,
    /// The sketch's own function names; kept code may call them but not redefine them.
    pub forbidden: Vec<String>,
}

/// The code to splice into the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// Imports first, then helpers and constants in the model's order, then the function.
    pub code: String,
    /// Top-level names the code binds besides the function (helper functions, classes,
    /// constants), so the engine can spot two holes defining the same helper.
    pub helpers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExtractError {
    #[error("the answer holds no Python code block")]
    NoCode,
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
    #[error("the code redefines sketch function `{name}`; implement only `{target}` and call `{name}` as it is")]
    Redefines { name: String, target: String },
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

/// One fenced block, or the whole answer.
#[derive(Debug)]
struct Block {
    code: String,
    /// Answer line (1-based) of the block's first code line.
    first_line: usize,
    /// Columns removed from every line by dedenting.
    indent: usize,
}

/// Python blocks of a Markdown answer; `Ok(None)` when it has no fences at all.
fn fenced_blocks(text: &str) -> Result<Option<Vec<Block>>, ExtractError> {
    let mut blocks = Vec::new();
    let mut saw_fence = false;
    let mut open: Option<(usize, bool, Vec<&str>)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    saw_fence = true;
                    let lang = info.trim().to_ascii_lowercase();
                    let lang = lang.split_whitespace().next().unwrap_or("");
                    let python = matches!(lang, "" | "python" | "py" | "python3" | "py3");
                    open = Some((i + 1, python, Vec::new()));
                }
            }
            Some((start, python, lines)) => {
                if trimmed.trim_end() == "```" {
                    if *python {
                        let (code, indent) = dedent(lines);
                        blocks.push(Block {
                            code,
                            first_line: *start + 1,
                            indent,
                        });
                    }
                    open = None;
                } else {
                    lines.push(line);
                }
            }
        }
    }
    if let Some((start, python, _)) = open {
        if python {
            return Err(ExtractError::Truncated { line: start });
        }
    }
    Ok(saw_fence.then_some(blocks))
}

fn dedent(lines: &[&str]) -> (String, usize) {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let code = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    (code, indent)
}

/// The answer without fences: the whole text if it parses, else from the first line that
/// starts Python code at column 0 (models often say a sentence before the code).
fn unfenced_block(text: &str, parser: &mut Parser) -> Block {
    let whole = Block {
        code: text.to_string(),
        first_line: 1,
        indent: 0,
    };
    if parse(parser, &whole.code).is_some_and(|t| !t.root_node().has_error()) {
        return whole;
    }
    let starts = ["def ", "import ", "from ", "class ", "@", "async def "];
    for (i, line) in text.lines().enumerate() {
        if starts.iter().any(|s| line.starts_with(s)) {
            let rest: Vec<&str> = text.lines().skip(i).collect();
            return Block {
                code: rest.join("\n"),
                first_line: i + 1,
                indent: 0,
            };
        }
    }
    whole
}

fn parse(parser: &mut Parser, code: &str) -> Option<Tree> {
    parser.parse(code, None)
}

/// A top-level statement worth keeping.
#[derive(Debug, Clone)]
struct Item {
    block: usize,
    start: usize,
    end: usize,
    kind: ItemKind,
    /// Names the statement binds at module level.
    binds: Vec<String>,
    /// Every identifier it mentions.
    uses: BTreeSet<String>,
    /// Byte ranges (in the block) of identifiers, with their text, for renaming.
    idents: Vec<(usize, usize, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Import,
    /// `from x import *`: binds unknown names, so always kept.
    StarImport,
    Function,
    Class,
    Assignment,
}

/// Extracts the hole's function from a model's answer.
pub fn extract(text: &str, target: &ExtractTarget) -> Result<Extracted, ExtractError> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .map_err(|e| ExtractError::Grammar(e.to_string()))?;
    let blocks = match fenced_blocks(text)? {
        Some(b) if b.is_empty() => return Err(ExtractError::NoCode),
        Some(b) => b,
        None if text.trim().is_empty() => return Err(ExtractError::NoCode),
        None => vec![unfenced_block(text, &mut parser)],
    };

    let mut items = Vec::new();
    let mut first_parse_error = None;
    for (bi, block) in blocks.iter().enumerate() {
        let Some(tree) = parse(&mut parser, &block.code) else {
            continue;
        };
        let root = tree.root_node();
        if root.has_error() {
            first_parse_error.get_or_insert_with(|| parse_error(root, block));
            continue;
        }
        collect_items(root, block.code.as_bytes(), bi, &mut items);
    }

    // Python semantics: a later definition of a name replaces an earlier one.
    let mut live: Vec<Item> = Vec::new();
    for item in items {
        if matches!(item.kind, ItemKind::Function | ItemKind::Class) {
            live.retain(|old| {
                !(matches!(old.kind, ItemKind::Function | ItemKind::Class)
                    && old.binds == item.binds)
            });
        }
        live.push(item);
    }

    let functions: Vec<usize> = (0..live.len())
        .filter(|&i| live[i].kind == ItemKind::Function)
        .collect();
    let chosen = match functions.iter().find(|&&i| live[i].binds[0] == target.name) {
        Some(&i) => i,
        None if target.inline => pick_inline(&live, &functions, target, first_parse_error)?,
        None => {
            if let Some(e) = first_parse_error {
                return Err(e);
            }
            return Err(ExtractError::NotFound {
                name: target.name.clone(),
                found: functions
                    .iter()
                    .map(|&i| live[i].binds[0].clone())
                    .collect(),
            });
        }
    };
    let old_name = live[chosen].binds[0].clone();
    let block = &blocks[live[chosen].block];
    if is_unimplemented(&block.code, &live[chosen], &mut parser) {
        return Err(ExtractError::Unimplemented { name: old_name });
    }

    // Everything the function reaches, transitively.
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
                || item
                    .binds
                    .iter()
                    .any(|b| needed.contains(b) && *b != old_name);
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

    let mut helpers = Vec::new();
    for (i, item) in live.iter().enumerate() {
        if !keep[i] || i == chosen || matches!(item.kind, ItemKind::Import | ItemKind::StarImport) {
            continue;
        }
        for name in &item.binds {
            if name != &target.name && target.forbidden.contains(name) {
                return Err(ExtractError::Redefines {
                    name: name.clone(),
                    target: target.name.clone(),
                });
            }
            helpers.push(name.clone());
        }
    }

    let render = |item: &Item| -> String {
        let code = &blocks[item.block].code;
        if old_name == target.name {
            return code[item.start..item.end].to_string();
        }
        let mut out = String::new();
        let mut at = item.start;
        for (s, e, text) in &item.idents {
            if *text == old_name {
                out.push_str(&code[at..*s]);
                out.push_str(&target.name);
                at = *e;
            }
        }
        out.push_str(&code[at..item.end]);
        out
    };
    let imports = live
        .iter()
        .enumerate()
        .filter(|(i, it)| keep[*i] && matches!(it.kind, ItemKind::Import | ItemKind::StarImport));
    let others = live.iter().enumerate().filter(|(i, it)| {
        keep[*i] && *i != chosen && !matches!(it.kind, ItemKind::Import | ItemKind::StarImport)
    });
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
    Ok(Extracted { code, helpers })
}

/// The inline hole's function: the one top-level function no other one calls, leaving out
/// copies of sketch functions and obvious demo drivers when that settles it.
fn pick_inline(
    live: &[Item],
    functions: &[usize],
    target: &ExtractTarget,
    parse_error: Option<ExtractError>,
) -> Result<usize, ExtractError> {
    if functions.is_empty() {
        return Err(parse_error.unwrap_or(ExtractError::NothingUsable));
    }
    let name = |i: usize| live[i].binds[0].as_str();
    let is_demo = |n: &str| {
        n == "main" || n.starts_with("test") || n.starts_with("example") || n.starts_with("demo")
    };
    // Roots among a set of functions: those no other function of the set calls. Copies of
    // sketch functions and demo drivers are left out of the set first, since they call the
    // function we want and would hide it.
    let roots_of = |set: &[usize]| -> Vec<usize> {
        set.iter()
            .copied()
            .filter(|&i| {
                !set.iter()
                    .any(|&j| j != i && live[j].uses.contains(name(i)))
            })
            .collect()
    };
    let not_sketch: Vec<usize> = functions
        .iter()
        .copied()
        .filter(|&i| !target.forbidden.iter().any(|f| f == name(i)))
        .collect();
    let plain: Vec<usize> = not_sketch
        .iter()
        .copied()
        .filter(|&i| !is_demo(name(i)))
        .collect();
    let mut all_roots = roots_of(functions);
    if all_roots.is_empty() && functions.len() == 1 {
        all_roots = functions.to_vec();
    }
    for set in [&plain, &not_sketch] {
        let roots = roots_of(set);
        if roots.len() == 1 {
            return Ok(roots[0]);
        }
    }
    if all_roots.len() == 1 {
        return Ok(all_roots[0]);
    }
    // Several candidates (an unused helper beside the real function, say): the one whose
    // name shares most words with the hole's name, else the last defined, since models
    // write helpers first. The hole's examples check the choice either way.
    let candidates = [roots_of(&plain), roots_of(&not_sketch), all_roots.clone()]
        .into_iter()
        .find(|r| !r.is_empty());
    if let Some(candidates) = candidates {
        let words = |n: &str| -> BTreeSet<String> {
            n.to_lowercase()
                .split('_')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect()
        };
        let wanted = words(&target.name);
        let score = |i: usize| words(name(i)).intersection(&wanted).count();
        let best = candidates.iter().map(|&i| score(i)).max().unwrap_or(0);
        let top: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| score(i) == best)
            .collect();
        if let Some(&last) = top.last() {
            return Ok(last);
        }
    }
    let roots = functions;
    Err(ExtractError::Ambiguous {
        names: roots.iter().map(|&i| name(i).to_string()).collect(),
    })
}

/// True when the function body is only a docstring, `...` or `pass`: the model repeated the
/// hole instead of filling it.
fn is_unimplemented(code: &str, item: &Item, parser: &mut Parser) -> bool {
    let Some(tree) = parse(parser, &code[item.start..item.end]) else {
        return false;
    };
    let mut node = tree.root_node().named_child(0);
    while let Some(n) = node {
        if n.kind() == "function_definition" {
            break;
        }
        node = n.child_by_field_name("definition");
    }
    let Some(body) = node.and_then(|n| n.child_by_field_name("body")) else {
        return false;
    };
    let mut cursor = body.walk();
    let all_empty = body
        .named_children(&mut cursor)
        .all(|stmt| match stmt.kind() {
            "pass_statement" | "comment" => true,
            "expression_statement" => {
                stmt.named_child_count() == 1
                    && stmt
                        .named_child(0)
                        .is_some_and(|e| matches!(e.kind(), "string" | "ellipsis"))
            }
            _ => false,
        });
    all_empty
}

fn parse_error(root: Node, block: &Block) -> ExtractError {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let pos = node.start_position();
            let detail = if node.is_missing() {
                format!("missing `{}`", node.kind())
            } else {
                let text = &block.code[node.start_byte()..node.end_byte()];
                let first = text.lines().next().unwrap_or("").trim();
                let shown: String = first.chars().take(40).collect();
                format!("unexpected `{shown}`")
            };
            return ExtractError::Parse {
                line: block.first_line + pos.row,
                col: pos.column + 1 + block.indent,
                detail,
            };
        }
        // Depth-first, leftmost first: push children in reverse.
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        stack.extend(
            children
                .into_iter()
                .rev()
                .filter(|c| c.has_error() || c.is_error() || c.is_missing()),
        );
    }
    let pos = root.start_position();
    ExtractError::Parse {
        line: block.first_line + pos.row,
        col: pos.column + 1,
        detail: "syntax error".into(),
    }
}

fn collect_items(root: Node, src: &[u8], block: usize, out: &mut Vec<Item>) {
    let mut cursor = root.walk();
    for stmt in root.named_children(&mut cursor) {
        let (kind, binds) = match stmt.kind() {
            "import_statement" => (ItemKind::Import, import_binds(stmt, src)),
            "import_from_statement" => {
                let mut c = stmt.walk();
                if stmt
                    .named_children(&mut c)
                    .any(|n| n.kind() == "wildcard_import")
                {
                    (ItemKind::StarImport, Vec::new())
                } else {
                    (ItemKind::Import, import_binds(stmt, src))
                }
            }
            "function_definition" => (ItemKind::Function, def_name(stmt, src)),
            "class_definition" => (ItemKind::Class, def_name(stmt, src)),
            "decorated_definition" => match stmt.child_by_field_name("definition") {
                Some(d) if d.kind() == "function_definition" => {
                    (ItemKind::Function, def_name(d, src))
                }
                Some(d) if d.kind() == "class_definition" => (ItemKind::Class, def_name(d, src)),
                _ => continue,
            },
            "expression_statement" => match stmt.named_child(0) {
                Some(a) if a.kind() == "assignment" => {
                    let binds = a
                        .child_by_field_name("left")
                        .map(|l| target_names(l, src))
                        .unwrap_or_default();
                    (ItemKind::Assignment, binds)
                }
                _ => continue,
            },
            // `from __future__` must open a module, and the program already has a start;
            // demo code under `if __name__ == ...`, prints and loops are not part of a hole.
            _ => continue,
        };
        if binds.is_empty() && kind != ItemKind::StarImport {
            continue;
        }
        let idents = identifiers(stmt, src);
        out.push(Item {
            block,
            start: stmt.start_byte(),
            end: stmt.end_byte(),
            kind,
            binds,
            uses: idents.iter().map(|(_, _, t)| t.clone()).collect(),
            idents,
        });
    }
}

fn text(node: Node, src: &[u8]) -> String {
    node.utf8_text(src).unwrap_or("").to_string()
}

fn def_name(def: Node, src: &[u8]) -> Vec<String> {
    def.child_by_field_name("name")
        .map(|n| vec![text(n, src)])
        .unwrap_or_default()
}

fn import_binds(stmt: Node, src: &[u8]) -> Vec<String> {
    let mut binds = Vec::new();
    let mut cursor = stmt.walk();
    for name in stmt.children_by_field_name("name", &mut cursor) {
        match name.kind() {
            "aliased_import" => {
                if let Some(alias) = name.child_by_field_name("alias") {
                    binds.push(text(alias, src));
                }
            }
            // `import a.b` binds `a`; `from m import b` binds `b`.
            _ => {
                let full = text(name, src);
                let bound = if stmt.kind() == "import_statement" {
                    full.split('.').next().unwrap_or("").to_string()
                } else {
                    full
                };
                binds.push(bound);
            }
        }
    }
    binds
}

/// Plain names an assignment's left side binds (`a`, `a, b`, `(a, b)`, `[a, *b]`), not
/// attributes or subscripts.
fn target_names(left: Node, src: &[u8]) -> Vec<String> {
    match left.kind() {
        "identifier" => vec![text(left, src)],
        "pattern_list" | "tuple_pattern" | "list_pattern" | "list_splat_pattern" => {
            let mut cursor = left.walk();
            left.named_children(&mut cursor)
                .flat_map(|c| target_names(c, src))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Every identifier under `node` that names a variable, with its byte range: attribute
/// names after a dot and keyword-argument names are not variables.
fn identifiers(node: Node, src: &[u8]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind() == "identifier" {
            let is_attr = n.parent().is_some_and(|p| {
                (p.kind() == "attribute" && p.child_by_field_name("attribute") == Some(n))
                    || (p.kind() == "keyword_argument" && p.child_by_field_name("name") == Some(n))
            });
            if !is_attr {
                out.push((n.start_byte(), n.end_byte(), text(n, src)));
            }
            continue;
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    out.sort_by_key(|(s, _, _)| *s);
    out
}
