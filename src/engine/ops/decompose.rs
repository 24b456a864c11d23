//! Decomposition: a hole too hard for one function becomes a small sketch of its own.
//!
//! The user (or, on request, the model) writes a body for the hole that calls new holes.
//! A named hole keeps its `def` line and docstring and gets that body; an inline hole
//! becomes a named `def` carrying the body, inserted before the top-level statement that
//! holds its first call, and every call site's string literal is replaced by the new name.
//! The hole is then sketch, and the parser finds the new holes in its body: they are its
//! children in the hole tree, to be compiled. The new text is parsed before it is written.

use serde::Serialize;
use tokio_util::sync::CancellationToken;
use tree_sitter::{Node, Parser};

use crate::llm::{extract, ChatRequest, ExtractTarget, Message};
use crate::session::Usage;
use crate::sketch::{self, HoleKind, LiteralStyle};

use super::super::events::{Event, Events};
use super::super::sample::{self, Backend};
use super::super::{Engine, EngineError};
use super::OpError;

/// What `decompose` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decomposed {
    /// The function the hole became.
    pub function: String,
    /// Holes its body calls that did not exist before, in source order.
    pub new_holes: Vec<String>,
}

fn fail(message: impl Into<String>) -> EngineError {
    OpError::Decompose(message.into()).into()
}

/// The user's text read as either a bare body or a whole `def`.
struct Written {
    /// The name of a whole `def`, if that is what was written.
    name: Option<String>,
    /// The whole text, dedented.
    text: String,
    /// The body alone, dedented, when a whole `def` was written (else equal to `text`).
    body: String,
    /// Whether the body starts with a docstring of its own.
    has_docstring: bool,
}

fn dedent(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let out: Vec<&str> = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or_else(|| l.trim_start()))
        .collect();
    out.join("\n").trim_matches('\n').to_string() + "\n"
}

fn starts_with_docstring(body: Node<'_>) -> bool {
    body.named_child(0).is_some_and(|s| {
        s.kind() == "expression_statement" && s.named_child(0).is_some_and(|e| e.kind() == "string")
    })
}

fn read_written(text: &str) -> Result<Written, EngineError> {
    let text = dedent(text);
    if text.trim().is_empty() {
        return Err(fail("the new body is empty"));
    }
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .map_err(|e| fail(format!("cannot load the Python grammar: {e}")))?;
    let tree = parser
        .parse(&text, None)
        .ok_or_else(|| fail("the parser gave up on the new body"))?;
    let root = tree.root_node();
    let first = root.named_child(0);
    let def = first.and_then(|n| match n.kind() {
        "function_definition" => Some(n),
        "decorated_definition" => n.child_by_field_name("definition"),
        _ => None,
    });
    if let (Some(def), 1) = (def, root.named_child_count()) {
        let name = def
            .child_by_field_name("name")
            .and_then(|n| text.get(n.byte_range()))
            .map(str::to_string);
        let body = def
            .child_by_field_name("body")
            .ok_or_else(|| fail("the `def` has no body"))?;
        let line_start = text[..body.start_byte()].rfind('\n').map_or(0, |i| i + 1);
        let body_text = dedent(text.get(line_start..def.end_byte()).unwrap_or(""));
        return Ok(Written {
            name,
            has_docstring: starts_with_docstring(body),
            text,
            body: body_text,
        });
    }
    // A bare body: wrap it to see whether it starts with a docstring.
    let wrapped = format!("def _f():\n{}", indent_lines(&text, "    "));
    let has_docstring = parser
        .parse(&wrapped, None)
        .and_then(|t| {
            let r = t.root_node();
            r.named_child(0)
                .and_then(|d| d.child_by_field_name("body"))
                .map(starts_with_docstring)
        })
        .unwrap_or(false);
    Ok(Written {
        name: None,
        body: text.clone(),
        text,
        has_docstring,
    })
}

fn indent_lines(text: &str, indent: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("{indent}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Engine {
    /// The sketch text after decomposing `hole` with `text` (a body, or a whole `def`),
    /// without writing it: for previews and for [`decompose`](Engine::decompose).
    pub fn decomposed_source(&self, hole: &str, text: &str) -> Result<String, EngineError> {
        let h = self
            .sketch
            .hole(hole)
            .ok_or_else(|| EngineError::UnknownFunction(hole.to_string()))?;
        let written = read_written(text)?;
        let src = &self.sketch.source;
        let newline = if self.sketch.crlf { "\r\n" } else { "\n" };
        let out = if h.kind == HoleKind::Named {
            let layout = self
                .sketch
                .layout
                .defs
                .get(hole)
                .ok_or_else(|| fail(format!("cannot find the definition of `{hole}`")))?;
            if layout.body_inline {
                return Err(fail(format!(
                    "`{hole}` is written on one line; put its docstring on a line of its own first"
                )));
            }
            let ind = &layout.body_indent;
            let (from, text) = match (&layout.doc, written.has_docstring) {
                (Some(doc), false) => (
                    doc.end,
                    format!("\n{}", indent_lines(written.body.trim_end(), ind)),
                ),
                (Some(doc), true) => (
                    doc.start,
                    indent_lines(written.body.trim_end(), ind)
                        .trim_start()
                        .to_string(),
                ),
                (None, _) => (
                    layout.body_start,
                    indent_lines(written.body.trim_end(), ind)
                        .trim_start()
                        .to_string(),
                ),
            };
            let text = text.replace('\n', newline);
            sketch::replace_span(src, from..layout.def_end, &text)
        } else {
            let name = written.name.clone().unwrap_or_else(|| hole.to_string());
            if self.sketch.function(&name).is_some()
                || (name != hole && self.sketch.hole(&name).is_some())
            {
                return Err(fail(format!(
                    "the sketch already defines `{name}`; name the new function differently"
                )));
            }
            let def = match written.name {
                Some(_) => written.text.trim_end().to_string(),
                None => {
                    let params: Vec<String> = h.params.iter().map(|p| p.to_python()).collect();
                    let doc = if written.has_docstring {
                        String::new()
                    } else {
                        let d = sketch::escape_description(
                            h.description.trim(),
                            LiteralStyle::TripleDouble,
                        )
                        .replace('\n', "\n    ");
                        format!("    \"\"\"{d}\"\"\"\n")
                    };
                    format!(
                        "def {name}({}):\n{doc}{}",
                        params.join(", "),
                        indent_lines(written.body.trim_end(), "    ")
                    )
                }
            };
            let anchor = self.sketch.layout.anchors.get(hole).copied().unwrap_or(0);
            let mut out = src.clone();
            for site in h.sites.iter().rev() {
                out = sketch::replace_span(&out, site.clone(), &name);
            }
            let insert = format!("{def}\n\n\n").replace('\n', newline);
            sketch::replace_span(&out, anchor..anchor, &insert)
        };
        Ok(self.sketch.file_text(&out))
    }

    /// Replace a hole by a small sketch: `text` is the new body (indented as a function
    /// body or not), or a whole `def`. Returns the function it became and its new holes.
    pub fn decompose(&mut self, hole: &str, text: &str) -> Result<Decomposed, EngineError> {
        self.begin("decompose", Some(hole));
        let result = self.decompose_inner(hole, text);
        self.end()?;
        result
    }

    fn decompose_inner(&mut self, hole: &str, text: &str) -> Result<Decomposed, EngineError> {
        let new_text = self.decomposed_source(hole, text)?;
        let before: Vec<String> = self.sketch.holes.iter().map(|h| h.id.clone()).collect();
        let kind = self.sketch.hole(hole).map(|h| h.kind);
        let parsed = sketch::parse_source(&self.sketch.file, &new_text, &self.parse_options)
            .map_err(|e| OpError::EditBreaksSketch(e.to_string()))?;
        let function = match (kind, read_written(text)?.name) {
            (Some(HoleKind::Named), _) | (_, None) => hole.to_string(),
            (_, Some(name)) => name,
        };
        if parsed.hole(&function).is_some() {
            return Err(fail(format!(
                "the new body of `{function}` holds only a docstring, so it would still be a hole; write the steps that call new holes"
            )));
        }
        self.write_sketch(&new_text)?;
        let new_holes = self
            .sketch
            .holes
            .iter()
            .filter(|h| !before.contains(&h.id))
            .map(|h| h.id.clone())
            .collect();
        self.checkpoint()?;
        Ok(Decomposed {
            function,
            new_holes,
        })
    }

    /// Ask the model to propose a decomposition of `hole`: a whole `def` whose body calls
    /// new inline holes. Nothing is written; the text is checked to make a valid sketch and
    /// returned for the user to accept, edit or reject.
    pub async fn suggest_decomposition(
        &mut self,
        backend: &Backend,
        hole: &str,
        events: &Events,
        cancel: &CancellationToken,
    ) -> Result<String, EngineError> {
        let mut h = self
            .sketch
            .hole(hole)
            .ok_or_else(|| EngineError::UnknownFunction(hole.to_string()))?
            .clone();
        h.examples = self.examples_for(hole);
        if backend.model_name().is_none() || matches!(backend, Backend::Replay { .. }) {
            return Err(OpError::Model(
                format!("suggesting a decomposition needs a model: start anpl with --model PROVIDER:MODEL (e.g. `anpl repl {} --model openai:gpt-4o-mini`; `anpl models` shows what is configured), or write the new body yourself: `decompose {hole}` in the REPL, the decompose key in the UI", self.sketch.file),
            )
            .into());
        }
        let request = suggestion_request(&self.sketch, &h, self.search.max_tokens);
        events.send(Event::RequestSent {
            hole: hole.to_string(),
            samples: 1,
            temperature: request.temperature,
            prompt_tokens: super::super::prompt::approx_tokens(&request),
            cached: false,
        });
        let progress = sample::receiving(events, hole);
        let fetched = tokio::select! {
            r = sample::fetch_missing(backend, hole, &request, 1, &progress) => r,
            _ = cancel.cancelled() => return Err(EngineError::Other("cancelled".to_string())),
        };
        let fetched = fetched.map_err(|e| OpError::Model(e.to_string()))?;
        let usage = fetched.usage;
        let texts = sample::whole_texts(&fetched, &request, events, hole);
        self.account(hole, &usage);
        self.save()?;
        let text = texts
            .first()
            .ok_or_else(|| OpError::Model("the model sent no answer".to_string()))?;
        let target = ExtractTarget {
            name: hole.to_string(),
            inline: false,
            forbidden: self
                .sketch
                .functions
                .iter()
                .map(|f| f.name.clone())
                .collect(),
            ..ExtractTarget::default()
        };
        let code = extract(text, &target)
            .map_err(|e| OpError::Model(format!("the suggested decomposition is unusable: {e}")))?
            .code;
        // Only propose what would make a valid sketch.
        let preview = self.decomposed_source(hole, &code)?;
        sketch::parse_source(&self.sketch.file, &preview, &self.parse_options).map_err(|e| {
            OpError::Model(format!("the suggested decomposition does not parse: {e}"))
        })?;
        Ok(code)
    }

    fn account(&mut self, hole: &str, usage: &Usage) {
        self.session_mut().usage.add(usage);
        self.record_mut(hole).usage.add(usage);
    }
}

/// The request for a decomposition. The instruction comes after the hole, at the end of
/// the message, where models attend most (and where recorded-answer servers look).
fn suggestion_request(sk: &sketch::Sketch, hole: &sketch::Hole, max_tokens: u32) -> ChatRequest {
    let mut text = String::new();
    if !sk.prelude.trim().is_empty() {
        text.push_str("The program imports:\n\n```python\n");
        text.push_str(sk.prelude.trim_end());
        text.push_str("\n```\n\n");
    }
    text.push_str("This function of the program is too hard to write in one piece:\n\n```python\n");
    text.push_str(sketch::stub(hole).trim_end());
    text.push_str(&format!(
        "\n```\n\nDecompose it into a short sketch: write the complete definition of `{}` whose body \
does the task in a few steps, calling a new helper for every step that is not trivial. Write each \
helper as an inline hole: a string literal describing exactly what the helper does, called like a \
function with the values it needs, for example `\"the k largest values, largest first\"(values, k)`. \
Do not define the helpers.",
        hole.id
    ));
    ChatRequest {
        system: "You decompose Python functions into small, well-described steps.".to_string(),
        messages: vec![Message::user(text)],
        temperature: 0.0,
        max_tokens,
        n: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn a_whole_def_is_read_as_its_body() {
        let w = read_written("def f(x):\n    y = \"step\"(x)\n    return y\n").unwrap();
        assert_eq!(w.name.as_deref(), Some("f"));
        assert_eq!(w.body, "y = \"step\"(x)\nreturn y\n");
        assert!(!w.has_docstring);
    }

    #[test]
    fn a_bare_body_is_dedented_and_its_docstring_seen() {
        let w = read_written("        \"\"\"Doc.\"\"\"\n        return \"step\"(x)\n").unwrap();
        assert_eq!(w.name, None);
        assert_eq!(w.body, "\"\"\"Doc.\"\"\"\nreturn \"step\"(x)\n");
        assert!(w.has_docstring);
    }

    #[test]
    fn an_empty_body_is_refused() {
        assert!(read_written("  \n\n").is_err());
    }
}
