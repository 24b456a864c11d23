//! Examples added, removed and pinned through anpl.
//!
//! An example lives in one of three places: a doctest in the sketch (written into the
//! docstring when the user asks, removed by deleting its lines), the session's example
//! store, or the `--examples` file (read-only here). Numbers are positions in
//! `Engine::examples_for`, from 1, in that order, as `show` lists them. Adding an example
//! does not make an implementation stale: the next compile checks it against the new
//! example and fills the hole again only if it fails.

use crate::session::StoredExample;
use crate::sketch;

use super::super::{Engine, EngineError};
use super::OpError;

/// Where an example came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleSource {
    Doctest,
    Stored,
    File,
}

impl Engine {
    /// Where example `n` (from 1) of `function` comes from, and its index in that source.
    pub fn example_source(&self, function: &str, n: usize) -> Option<(ExampleSource, usize)> {
        let (doctests, stored) = self.example_counts(function);
        let i = n.checked_sub(1)?;
        if i < doctests {
            Some((ExampleSource::Doctest, i))
        } else if i < doctests + stored {
            Some((ExampleSource::Stored, i - doctests))
        } else if i < self.examples_for(function).len() {
            Some((ExampleSource::File, i - doctests - stored))
        } else {
            None
        }
    }

    /// How many of `function`'s examples are doctests and how many are kept in the
    /// session; the examples file's come after both, in that order.
    fn example_counts(&self, function: &str) -> (usize, usize) {
        let doctests = self.sketch.examples_of(function).len();
        let stored = self
            .session
            .examples
            .iter()
            .filter(|e| e.function == function)
            .count();
        (doctests, stored)
    }

    fn known_function(&self, name: &str) -> Result<(), EngineError> {
        if self.sketch.hole(name).is_none() && self.sketch.function(name).is_none() {
            return Err(EngineError::UnknownFunction(name.to_string()));
        }
        Ok(())
    }

    /// Add the example `call` => `expected` (both Python expressions) to a function or
    /// hole: written into its docstring as a doctest when `into_docstring`, else kept in the
    /// session. Returns the example's number.
    pub fn add_example(
        &mut self,
        function: &str,
        call: &str,
        expected: &str,
        into_docstring: bool,
    ) -> Result<usize, EngineError> {
        self.begin("example add", Some(function));
        let result = self.add_example_inner(function, call, expected, into_docstring);
        self.end()?;
        result
    }

    fn add_example_inner(
        &mut self,
        function: &str,
        call: &str,
        expected: &str,
        into_docstring: bool,
    ) -> Result<usize, EngineError> {
        self.known_function(function)?;
        let (call, expected) = (call.trim(), expected.trim());
        for part in [call, expected] {
            if !sketch::is_expression(part) {
                return Err(OpError::NotAnExpression(part.to_string()).into());
            }
        }
        if !calls_name(call, function) {
            return Err(OpError::CallDoesNotCall {
                call: call.to_string(),
                function: function.to_string(),
            }
            .into());
        }
        if into_docstring {
            let text = sketch::add_example(&self.sketch, function, call, expected)
                .map_err(OpError::from)?;
            let text = self.sketch.file_text(&text);
            self.write_sketch(&text)?;
            self.checkpoint()?;
            return Ok(self.sketch.examples_of(function).len());
        }
        self.session.examples.push(StoredExample {
            function: function.to_string(),
            call: call.to_string(),
            expected: expected.to_string(),
        });
        self.checkpoint()?;
        let (doctests, stored) = self.example_counts(function);
        Ok(doctests + stored)
    }

    /// Remove example `n` (from 1, as `show` numbers them) of a function or hole. A doctest
    /// is deleted from the docstring; an example of the `--examples` file is refused.
    pub fn remove_example(&mut self, function: &str, n: usize) -> Result<(), EngineError> {
        self.begin("example rm", Some(function));
        let result = self.remove_example_inner(function, n);
        self.end()?;
        result
    }

    fn remove_example_inner(&mut self, function: &str, n: usize) -> Result<(), EngineError> {
        self.known_function(function)?;
        let count = self.examples_for(function).len();
        let (source, index) =
            self.example_source(function, n)
                .ok_or_else(|| OpError::NoSuchExample {
                    function: function.to_string(),
                    n,
                    count,
                })?;
        match source {
            ExampleSource::File => Err(OpError::FromExamplesFile {
                function: function.to_string(),
                n,
            }
            .into()),
            ExampleSource::Stored => {
                let position = self
                    .session
                    .examples
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.function == function)
                    .nth(index)
                    .map(|(i, _)| i);
                if let Some(i) = position {
                    self.session.examples.remove(i);
                }
                self.checkpoint()
            }
            ExampleSource::Doctest => {
                let line = self.sketch.examples_of(function)[index].line;
                let text = remove_doctest(&self.sketch, function, line).ok_or_else(|| {
                    EngineError::Other(format!(
                        "{}:{line}: cannot find the doctest to remove",
                        self.sketch.file
                    ))
                })?;
                let text = self.sketch.file_text(&text);
                self.write_sketch(&text)?;
                self.checkpoint()
            }
        }
    }

    /// Take call `#id` of the last trace as a new example of `hole`, with `expected` as the
    /// value it should have returned (default: what it did return). Returns the example's
    /// number.
    pub fn pin_example(
        &mut self,
        hole: &str,
        id: usize,
        expected: Option<&str>,
        into_docstring: bool,
    ) -> Result<usize, EngineError> {
        let trace = self.session.last_trace.clone().ok_or(OpError::NoTrace)?;
        let call = trace
            .calls
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| OpError::NoSuchCall {
                call: trace.call.clone(),
                id,
            })?;
        if call.function != hole {
            return Err(OpError::WrongCall {
                id,
                found: call.function.clone(),
                hole: hole.to_string(),
            }
            .into());
        }
        if call.truncated {
            return Err(OpError::NeedsExpected {
                id,
                what: "has values too large to have been recorded whole".to_string(),
            }
            .into());
        }
        let expected = match (expected, &call.result, &call.error) {
            (Some(e), _, _) => e.to_string(),
            (None, Some(result), None) => result.clone(),
            (None, _, Some(error)) => {
                return Err(OpError::NeedsExpected {
                    id,
                    what: format!("raised {error}"),
                }
                .into())
            }
            (None, None, None) => {
                return Err(OpError::NeedsExpected {
                    id,
                    what: "did not return".to_string(),
                }
                .into())
            }
        };
        let args: Vec<String> = self
            .sketch
            .params_of(hole)
            .unwrap_or_default()
            .iter()
            .filter(|p| p.is_plain())
            .zip(&call.args)
            .map(|(_, (_, value))| value.clone())
            .collect();
        let call_text = format!("{hole}({})", args.join(", "));
        self.begin("example pin", Some(hole));
        let result = self.add_example_inner(hole, &call_text, &expected, into_docstring);
        self.end()?;
        result
    }
}

/// Whether `call` mentions `name` as a whole identifier.
fn calls_name(call: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    call.match_indices(name).any(|(i, _)| {
        let before = call[..i].chars().next_back();
        let after = call[i + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// The source without the doctest starting on 1-based `line` of `name`'s docstring: the
/// `>>>` line, its `...` continuations and its expected lines, up to a blank line, the next
/// `>>>` or the closing quotes.
fn remove_doctest(sketch: &sketch::Sketch, name: &str, line: usize) -> Option<String> {
    let content = sketch.layout.defs.get(name)?.doc_content.clone()?;
    let src = &sketch.source;
    let mut starts = vec![0usize];
    starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
    let start = *starts.get(line.checked_sub(1)?)?;
    if start < content.start || start >= content.end {
        return None;
    }
    let line_text = |at: usize| -> &str {
        let end = src[at..].find('\n').map_or(src.len(), |i| at + i + 1);
        &src[at..end.min(content.end)]
    };
    if !line_text(start).trim_start().starts_with(">>>") {
        return None;
    }
    let mut end = start + line_text(start).len();
    let mut in_call = true;
    while end < content.end {
        let text = line_text(end);
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.starts_with(">>>") {
            break;
        }
        if in_call && trimmed.starts_with("...") {
            end += text.len();
            continue;
        }
        in_call = false;
        end += text.len();
    }
    let mut from = start;
    let rest_is_blank = src[end..content.end].trim().is_empty();
    if rest_is_blank {
        // The last example: drop the blank line that separated it from the text before.
        let before = &src[content.start..start];
        let kept = before.trim_end();
        if let Some(nl) = before[kept.len()..].find('\n') {
            from = content.start + kept.len() + nl + 1;
        }
    }
    let replacement = if end >= content.end {
        // The closing quotes were on the example's last line: keep them indented.
        let indent: String = line_text(start)
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        indent
    } else {
        String::new()
    };
    Some(sketch::replace_span(src, from..end, &replacement))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::{parse_source, ParseOptions};
    use pretty_assertions::assert_eq;

    fn parse(src: &str) -> sketch::Sketch {
        parse_source("t.py", src, &ParseOptions::default()).unwrap()
    }

    #[test]
    fn removing_the_last_doctest_keeps_the_prose_and_quotes() {
        let s = parse("def f(x):\n    \"\"\"Double.\n\n    >>> f(2)\n    4\n    \"\"\"\n");
        let line = s.examples_of("f")[0].line;
        assert_eq!(
            remove_doctest(&s, "f", line).unwrap(),
            "def f(x):\n    \"\"\"Double.\n    \"\"\"\n"
        );
    }

    #[test]
    fn removing_a_middle_doctest_keeps_the_others() {
        let s = parse(
            "def f(x):\n    \"\"\"Double.\n\n    >>> f(2)\n    4\n    >>> f(\n    ...   3)\n    6\n    >>> f(0)\n    0\n    \"\"\"\n",
        );
        let line = s.examples_of("f")[1].line;
        let out = remove_doctest(&s, "f", line).unwrap();
        assert_eq!(
            out,
            "def f(x):\n    \"\"\"Double.\n\n    >>> f(2)\n    4\n    >>> f(0)\n    0\n    \"\"\"\n"
        );
        assert_eq!(parse(&out).examples_of("f").len(), 2);
    }

    #[test]
    fn closing_quotes_on_the_expected_line_survive() {
        let s = parse("def f(x):\n    \"\"\"Double.\n\n    >>> f(2)\n    4\"\"\"\n");
        let line = s.examples_of("f")[0].line;
        let out = remove_doctest(&s, "f", line).unwrap();
        assert_eq!(out, "def f(x):\n    \"\"\"Double.\n    \"\"\"\n");
        assert!(parse(&out).examples_of("f").is_empty());
    }

    #[test]
    fn a_call_must_name_its_function() {
        assert!(calls_name("f(2)", "f"));
        assert!(calls_name("sorted(f(2))", "f"));
        assert!(!calls_name("ff(2)", "f"));
        assert!(!calls_name("g_f(2)", "f"));
    }
}
