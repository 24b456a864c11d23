//! From an answer's text to blocks of Python: reasoning removed, fences found, prose and
//! example output between code salvaged away, indentation made uniform.
//!
//! Models write code many ways: one ```` ```python ```` block, several (helpers in one, the
//! function in another, a usage example in a third), ```` ```py ```` or unlabelled fences, no
//! fence at all with a sentence before and an explanation after, tab indentation, Windows line
//! endings. Reasoning models put a `<think>…</think>` section (with draft code blocks) before
//! the answer, or only its closing tag when the chat template opened it. This module turns
//! all of these into [`Block`]s whose code parses, remembering where each came from so a parse
//! error still points at the answer's own line and column.

use tree_sitter::{Parser, Tree};

use super::ExtractError;

/// One fenced block, or the whole answer, as Python that parses.
#[derive(Debug)]
pub(super) struct Block {
    pub code: String,
    /// Answer line (1-based) of the block's first code line.
    pub first_line: usize,
    /// Columns removed from every line by dedenting.
    pub indent: usize,
    /// Why part of the block was left out: the first piece that looked like code but did not
    /// parse, reported when the function asked for is then missing.
    pub parse_error: Option<ExtractError>,
}

/// Pairs of markers models wrap their reasoning in. A closing marker with no opening one
/// means the chat template opened the section before the answer began.
const REASONING: &[(&str, &str)] = &[
    ("<think>", "</think>"),
    ("<thinking>", "</thinking>"),
    ("<reasoning>", "</reasoning>"),
    ("<seed:think>", "</seed:think>"),
    ("[THINK]", "[/THINK]"),
    ("<|begin_of_thought|>", "<|end_of_thought|>"),
];

/// The final channel of a model speaking the harmony format through a server that does not
/// split it (gpt-oss): everything before the last marker is analysis.
const FINAL_CHANNEL: &str = "<|channel|>final<|message|>";

/// The answer with reasoning sections removed. `Err(OnlyReasoning)` when a reasoning section
/// opens and never closes and nothing else is left: the model never got to its answer.
pub(super) fn strip_reasoning(text: &str) -> Result<String, ExtractError> {
    let mut out = text.to_string();
    if let Some(at) = out.rfind(FINAL_CHANNEL) {
        out = out[at + FINAL_CHANNEL.len()..].to_string();
        if let Some(end) = out.find("<|end|>").or_else(|| out.find("<|return|>")) {
            out.truncate(end);
        }
    }
    for (open, close) in REASONING {
        loop {
            let opened = find_opening(&out, open);
            let closed = out.find(close);
            match (opened, closed) {
                (Some(o), Some(c)) if o < c => {
                    out.replace_range(o..c + close.len(), "");
                }
                // A closing marker first: the template opened the section.
                (_, Some(c)) => {
                    out.replace_range(..c + close.len(), "");
                }
                (Some(o), None) => {
                    let before = out[..o].to_string();
                    if before.trim().is_empty() {
                        return Err(ExtractError::OnlyReasoning);
                    }
                    out = before;
                    break;
                }
                (None, None) => break,
            }
        }
    }
    Ok(out)
}

/// An opening marker at the start of the text or of a line, so a `<think>` inside a string
/// of the code is left alone.
fn find_opening(text: &str, marker: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(marker) {
        let at = from + i;
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        if text[line_start..at].trim().is_empty() {
            return Some(at);
        }
        from = at + marker.len();
    }
    None
}

/// `\r\n` and lone `\r` as `\n`; non-breaking spaces in indentation (pasted through web
/// pages) as spaces.
pub(super) fn normalize(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.lines()
        .map(|line| {
            let body = line.trim_start_matches([' ', '\t', '\u{a0}']);
            let lead = &line[..line.len() - body.len()];
            format!("{}{body}", lead.replace('\u{a0}', " "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A fenced block being read.
struct OpenFence<'a> {
    /// Line of the opening fence.
    start: usize,
    /// Its character and length.
    fence: (char, usize),
    python: bool,
    lines: Vec<&'a str>,
}

/// Python blocks of a Markdown answer; `Ok(None)` when it has no fences at all.
pub(super) fn fenced_blocks(
    text: &str,
    parser: &mut Parser,
) -> Result<Option<Vec<Block>>, ExtractError> {
    let mut blocks = Vec::new();
    let mut saw_fence = false;
    let mut open: Option<OpenFence> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                let Some(fence) = ['`', '~'].into_iter().find_map(|c| {
                    let n = trimmed.chars().take_while(|&x| x == c).count();
                    (n >= 3).then_some((c, n))
                }) else {
                    continue;
                };
                saw_fence = true;
                let info = trimmed.trim_start_matches(fence.0);
                let lang = info.trim().to_ascii_lowercase();
                let lang = lang
                    .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
                    .next()
                    .unwrap_or("");
                let python = matches!(
                    lang,
                    "" | "python" | "py" | "python3" | "py3" | "python 3" | "ipython"
                );
                open = Some(OpenFence {
                    start: i + 1,
                    fence,
                    python,
                    lines: Vec::new(),
                });
            }
            Some(OpenFence {
                start,
                fence: (c, n),
                python,
                lines,
            }) => {
                let closing = trimmed.trim_end();
                if closing.len() >= *n && closing.chars().all(|x| x == *c) {
                    if *python {
                        blocks.push(block(lines, *start + 1, parser));
                    }
                    open = None;
                } else {
                    lines.push(line);
                }
            }
        }
    }
    if let Some(OpenFence {
        start,
        python,
        lines,
        ..
    }) = open
    {
        // A last block whose closing fence never came: a model that forgot it (or a stop
        // sequence that ate it) still wrote whole code, which parses; an answer cut off in
        // the middle does not. (Answers the output budget cut off are known from the
        // provider's finish reason and never get here.)
        if python {
            let (code, _) = dedent(&lines);
            if lines.is_empty() || !parses(parser, &code) {
                return Err(ExtractError::Truncated { line: start });
            }
            blocks.push(block(&lines, start + 1, parser));
        }
    }
    Ok(saw_fence.then_some(blocks))
}

/// The answer without fences, prose before and after it salvaged away.
pub(super) fn unfenced_block(text: &str, parser: &mut Parser) -> Block {
    let lines: Vec<&str> = text.lines().collect();
    block(&lines, 1, parser)
}

fn block(lines: &[&str], first_line: usize, parser: &mut Parser) -> Block {
    let lines = uniform_indentation(lines);
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let (code, indent) = dedent(&refs);
    let mut b = Block {
        code,
        first_line,
        indent,
        parse_error: None,
    };
    if parses(parser, &b.code) {
        return b;
    }
    salvage(&mut b, parser);
    b
}

/// Leading tabs as spaces: four a tab when a block indents with tabs alone (one tab, one
/// level), else to the next multiple of eight, as Python reads them.
fn uniform_indentation(lines: &[&str]) -> Vec<String> {
    let lead = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let has_tab = lines.iter().any(|l| l[..lead(l)].contains('\t'));
    if !has_tab {
        return lines.iter().map(|l| l.to_string()).collect();
    }
    let tabs_only = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .all(|l| !l[..lead(l)].contains(' '));
    lines
        .iter()
        .map(|l| {
            let n = lead(l);
            let mut col = 0;
            for c in l[..n].chars() {
                col = match (c, tabs_only) {
                    ('\t', true) => col + 4,
                    ('\t', false) => (col / 8 + 1) * 8,
                    _ => col + 1,
                };
            }
            format!("{}{}", " ".repeat(col), &l[n..])
        })
        .collect()
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

pub(super) fn parse(parser: &mut Parser, code: &str) -> Option<Tree> {
    parser.parse(code, None)
}

fn parses(parser: &mut Parser, code: &str) -> bool {
    parse(parser, code).is_some_and(|t| !t.root_node().has_error())
}

/// How many following pieces a piece may be joined with to make it parse (a decorator and
/// its `def`, a list whose closing bracket is at column 0).
const JOIN_WINDOW: usize = 12;

/// Keeps the pieces of a block that parse, dropping the rest: prose before, between and after
/// the code, `>>>` examples and their output. A piece starts at each line that begins at
/// column 0; pieces that only parse together are joined.
fn salvage(block: &mut Block, parser: &mut Parser) {
    let lines: Vec<&str> = block.code.lines().collect();
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let starts = !line.is_empty() && !line.starts_with([' ', '\t']);
        match pieces.last_mut() {
            Some(last) if !starts => last.1 = i + 1,
            _ => pieces.push((i, i + 1)),
        }
    }
    let text = |from: usize, to: usize| lines[from..to].join("\n");
    let mut kept: Vec<(usize, usize)> = Vec::new();
    let mut joined = String::new();
    let mut i = 0;
    while i < pieces.len() {
        let mut taken = None;
        for j in i..pieces.len().min(i + JOIN_WINDOW) {
            let candidate = format!("{joined}\n{}", text(pieces[i].0, pieces[j].1));
            if parses(parser, &candidate) {
                taken = Some((j, candidate));
                break;
            }
        }
        match taken {
            Some((j, candidate)) => {
                kept.push((pieces[i].0, pieces[j].1));
                joined = candidate;
                i = j + 1;
            }
            None => {
                let piece = text(pieces[i].0, pieces[i].1);
                if block.parse_error.is_none() && looks_like_code(&piece) {
                    block.parse_error = Some(piece_error(parser, &piece, block, pieces[i].0));
                }
                i += 1;
            }
        }
    }
    // Blank out what was dropped rather than removing it, so line numbers stay the answer's.
    let mut out: Vec<&str> = vec![""; lines.len()];
    for (from, to) in kept {
        out[from..to].copy_from_slice(&lines[from..to]);
    }
    block.code = out.join("\n");
}

fn looks_like_code(piece: &str) -> bool {
    let first = piece.trim_start();
    ["def ", "async def ", "class ", "import ", "from ", "@"]
        .iter()
        .any(|k| first.starts_with(k))
}

/// The parse error of a dropped piece, at the answer's line and column.
fn piece_error(parser: &mut Parser, piece: &str, block: &Block, line: usize) -> ExtractError {
    let shifted = Block {
        code: piece.to_string(),
        first_line: block.first_line + line,
        indent: block.indent,
        parse_error: None,
    };
    match parse(parser, piece) {
        Some(tree) => super::items::parse_error(tree.root_node(), &shifted),
        None => ExtractError::Parse {
            line: shifted.first_line,
            col: 1,
            detail: "syntax error".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasoning_forms() {
        let cases = [
            ("<think>\nuse ```python\ndef f(): pass\n```\n</think>\nANSWER", "\nANSWER"),
            ("Okay, let me think.\n</think>\n\nANSWER", "\n\nANSWER"),
            ("<thinking>x</thinking>ANSWER", "ANSWER"),
            ("[THINK]x[/THINK]ANSWER", "ANSWER"),
            (
                "<|channel|>analysis<|message|>hmm<|end|><|start|>assistant<|channel|>final<|message|>ANSWER<|return|>",
                "ANSWER",
            ),
            ("s = '<think>'\nANSWER", "s = '<think>'\nANSWER"),
        ];
        for (text, want) in cases {
            assert_eq!(strip_reasoning(text).as_deref(), Ok(want), "{text}");
        }
        assert_eq!(
            strip_reasoning("<think>\nstill thinking when the budget ran out"),
            Err(ExtractError::OnlyReasoning)
        );
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(
            uniform_indentation(&["def f(x):", "\tif x:", "\t\treturn 1"]),
            vec!["def f(x):", "    if x:", "        return 1"]
        );
        assert_eq!(
            uniform_indentation(&["def f(x):", "\tif x:", "\t    return 1"]),
            vec!["def f(x):", "        if x:", "            return 1"]
        );
    }
}
