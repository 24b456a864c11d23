//! Edits of the sketch text that anpl makes for the user (rewording a hole, adding a
//! doctest example), written at exact byte spans so every other byte stays as the user
//! left it. Each function returns the new source; the session writes it back (through
//! [`Sketch::file_text`](super::Sketch::file_text) to keep a BOM) and parses it again.

use std::ops::Range;

use super::docstring::ExprChecker;
use super::error::EditError;
use super::model::{HoleKind, Sketch};

/// The delimiters of a string literal, which decide how its text must be escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteralStyle {
    Double,
    Single,
    TripleDouble,
    TripleSingle,
    Backtick,
}

impl LiteralStyle {
    fn of(quote: &str) -> LiteralStyle {
        match quote {
            "\"" => LiteralStyle::Double,
            "'" => LiteralStyle::Single,
            "'''" => LiteralStyle::TripleSingle,
            "`" => LiteralStyle::Backtick,
            _ => LiteralStyle::TripleDouble,
        }
    }
    fn quote(self) -> &'static str {
        match self {
            LiteralStyle::Double => "\"",
            LiteralStyle::Single => "'",
            LiteralStyle::TripleDouble => "\"\"\"",
            LiteralStyle::TripleSingle => "'''",
            LiteralStyle::Backtick => "`",
        }
    }
    fn is_triple(self) -> bool {
        matches!(
            self,
            LiteralStyle::TripleDouble | LiteralStyle::TripleSingle
        )
    }
    /// Whether `text` can be written in this style at all.
    fn can_hold(self, text: &str) -> bool {
        match self {
            LiteralStyle::Backtick => !text.contains(['`', '\n', '\r', '\\']),
            LiteralStyle::Double | LiteralStyle::Single => true,
            _ => true,
        }
    }
}

/// Replace `span` of `source` with `text`. A span that is out of range or not on character
/// boundaries leaves the source unchanged.
pub fn replace_span(source: &str, span: Range<usize>, text: &str) -> String {
    match (source.get(..span.start), source.get(span.end..)) {
        (Some(a), Some(b)) if span.start <= span.end => format!("{a}{text}{b}"),
        _ => source.to_string(),
    }
}

/// Escape `text` so that, placed between the delimiters of `style`, Python (or the
/// backtick form) reads it back unchanged. Backtick text cannot hold a backtick, a line
/// break or a backslash: those characters are replaced by `'`, a space and `/`
/// ([`set_description`] switches such text to a `"""` literal instead).
pub fn escape_description(text: &str, style: LiteralStyle) -> String {
    match style {
        LiteralStyle::Backtick => text
            .chars()
            .map(|c| match c {
                '`' => '\'',
                '\n' | '\r' => ' ',
                '\\' => '/',
                other => other,
            })
            .collect(),
        LiteralStyle::Double | LiteralStyle::Single => {
            let q = if style == LiteralStyle::Double {
                '"'
            } else {
                '\''
            };
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c if c == q => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out
        }
        LiteralStyle::TripleDouble | LiteralStyle::TripleSingle => {
            let q = if style == LiteralStyle::TripleDouble {
                '"'
            } else {
                '\''
            };
            let chars: Vec<char> = text.chars().collect();
            let mut out = String::with_capacity(text.len());
            for (i, &c) in chars.iter().enumerate() {
                if c == '\\' {
                    out.push_str("\\\\");
                } else if c == q && (chars.get(i + 1) == Some(&q) || i + 1 == chars.len()) {
                    // A quote that could start or end the closing delimiter.
                    out.push('\\');
                    out.push(c);
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// A new literal holding `text`, in `style` when it can, else in a triple-quoted style.
fn literal(prefix: &str, style: LiteralStyle, text: &str, indent: &str) -> String {
    let style = if !style.can_hold(text) || (text.contains('\n') && !style.is_triple()) {
        if style == LiteralStyle::Single {
            LiteralStyle::TripleSingle
        } else {
            LiteralStyle::TripleDouble
        }
    } else {
        style
    };
    let prefix: String = prefix.chars().filter(|c| !matches!(c, 'r' | 'R')).collect();
    let body = escape_description(text, style).replace('\n', &format!("\n{indent}"));
    format!("{prefix}{q}{body}{q}", q = style.quote())
}

/// The sketch source with the description of `id` replaced by `text`: the prose of a
/// named hole's docstring (its doctests are kept), or the string at every call site of an
/// inline hole. A literal that cannot hold the new text (a line break in a one-line
/// string, a backtick in a backtick description) becomes a `"""` literal.
pub fn set_description(sketch: &Sketch, id: &str, text: &str) -> Result<String, EditError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(EditError::EmptyDescription);
    }
    let hole = sketch
        .hole(id)
        .ok_or_else(|| EditError::UnknownName(id.to_string()))?;
    let src = &sketch.source;
    if hole.kind == HoleKind::Named {
        let layout = sketch
            .layout
            .defs
            .get(id)
            .ok_or_else(|| EditError::NoDocstring(id.to_string()))?;
        let (Some(lit), Some(content)) = (layout.doc.clone(), layout.doc_content.clone()) else {
            return Err(EditError::NoDocstring(id.to_string()));
        };
        let style = LiteralStyle::of(&layout.doc_quote);
        let before = src.get(content.start..hole.desc_span.start).unwrap_or("");
        let after = src.get(hole.desc_span.end..content.end).unwrap_or("");
        let needs_triple = text.contains('\n') && !style.is_triple();
        let style = if needs_triple {
            LiteralStyle::TripleDouble
        } else {
            style
        };
        let body =
            escape_description(text, style).replace('\n', &format!("\n{}", layout.body_indent));
        let prefix: String = layout
            .doc_prefix
            .chars()
            .filter(|c| !matches!(c, 'r' | 'R'))
            .collect();
        let new = format!("{prefix}{q}{before}{body}{after}{q}", q = style.quote());
        return Ok(replace_span(src, lit, &new));
    }
    let mut out = src.clone();
    for site in hole.sites.iter().rev() {
        let old = src.get(site.clone()).unwrap_or("");
        let quote_at = old.find(['"', '\'', '`']).unwrap_or(0);
        let prefix = &old[..quote_at];
        let rest = &old[quote_at..];
        let quote = if rest.starts_with("\"\"\"") {
            "\"\"\""
        } else if rest.starts_with("'''") {
            "'''"
        } else {
            rest.get(..1).unwrap_or("\"")
        };
        let indent = "";
        out = replace_span(
            &out,
            site.clone(),
            &literal(prefix, LiteralStyle::of(quote), text, indent),
        );
    }
    Ok(out)
}

/// True when `text` is one Python expression (it may span lines), as an example's call
/// and expected value must be.
pub fn is_expression(text: &str) -> bool {
    ExprChecker::new().is_some_and(|mut c| c.is_expression(text))
}

/// The sketch source with a doctest example `>>> call` / `expected` added to the
/// docstring of function or named hole `name` (a docstring is created if it has none).
pub fn add_example(
    sketch: &Sketch,
    name: &str,
    call: &str,
    expected: &str,
) -> Result<String, EditError> {
    let mut checker = ExprChecker::new().ok_or_else(|| EditError::BadExample(call.to_string()))?;
    for part in [call, expected] {
        if !checker.is_expression(part) {
            return Err(EditError::BadExample(part.trim().to_string()));
        }
    }
    if sketch.hole(name).is_some_and(|h| h.kind != HoleKind::Named) {
        return Err(EditError::NoDocstring(name.to_string()));
    }
    let layout = sketch
        .layout
        .defs
        .get(name)
        .ok_or_else(|| EditError::UnknownName(name.to_string()))?;
    let src = &sketch.source;
    let ind = &layout.body_indent;
    let call_text = call.trim().replace('\n', &format!("\n{ind}... "));
    let expected_text = expected.trim().replace('\n', &format!("\n{ind}"));
    let example = format!(">>> {call_text}\n{ind}{expected_text}");
    let (Some(lit), Some(content)) = (layout.doc.clone(), layout.doc_content.clone()) else {
        // No docstring yet: start one holding just the example.
        let example = escape_description(&example, LiteralStyle::TripleDouble);
        let doc = format!("\"\"\"\n{ind}{example}\n{ind}\"\"\"");
        let text = if layout.body_inline {
            format!("\n{ind}{doc}\n{ind}")
        } else {
            format!("{doc}\n{ind}")
        };
        let at = layout.body_start;
        let new = replace_span(src, at..at, &text);
        // Drop the space left between the colon and the moved body.
        return Ok(if layout.body_inline {
            let head = new.get(..at).unwrap_or("").trim_end().to_string();
            format!("{head}{}", new.get(at..).unwrap_or(""))
        } else {
            new
        });
    };
    let style = LiteralStyle::of(&layout.doc_quote);
    let raw = layout.doc_prefix.contains(['r', 'R']);
    let inner = src.get(content.clone()).unwrap_or("");
    let kept = inner.trim_end();
    let sep = if inner.contains(">>>") || kept.trim().is_empty() {
        "\n"
    } else {
        "\n\n"
    };
    let example = if raw {
        example
    } else {
        escape_description(&example, LiteralStyle::TripleDouble)
    };
    let q = if style.is_triple() {
        style.quote()
    } else {
        "\"\"\""
    };
    let body = if kept.trim().is_empty() {
        format!("\n{ind}{example}\n{ind}")
    } else {
        format!("{kept}{sep}{ind}{example}\n{ind}")
    };
    let new = format!("{}{q}{body}{q}", layout.doc_prefix);
    Ok(replace_span(src, lit, &new))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn escaping_round_trips_through_each_style() {
        assert_eq!(
            escape_description(r#"say "hi"\n"#, LiteralStyle::Double),
            r#"say \"hi\"\\n"#
        );
        assert_eq!(escape_description("it's", LiteralStyle::Single), r"it\'s");
        assert_eq!(
            escape_description(r#"a """ b""#, LiteralStyle::TripleDouble),
            r#"a \"\"" b\""#
        );
        assert_eq!(
            escape_description("x`y\nz", LiteralStyle::Backtick),
            "x'y z"
        );
    }

    #[test]
    fn replace_span_ignores_bad_spans() {
        assert_eq!(replace_span("abcdef", 1..3, "XY"), "aXYdef");
        assert_eq!(replace_span("é", 1..2, "x"), "é");
        assert_eq!(replace_span("ab", 5..9, "x"), "ab");
    }
}
