//! Python syntax highlighting for the selected hole's code, with tree-sitter-python's own
//! highlight query (the grammar the sketch parser already uses), so the colours follow the
//! same parse the rest of anpl trusts. Captures become theme styles by name; text no capture
//! names keeps the default style.

use std::sync::OnceLock;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use tree_sitter::{Parser, Query, QueryCursor, StreamingIterator};

use super::theme::Theme;

fn query() -> Option<&'static Query> {
    static QUERY: OnceLock<Option<Query>> = OnceLock::new();
    QUERY
        .get_or_init(|| {
            Query::new(
                &tree_sitter_python::LANGUAGE.into(),
                tree_sitter_python::HIGHLIGHTS_QUERY,
            )
            .ok()
        })
        .as_ref()
}

/// `code` as styled lines. Falls back to plain lines if the grammar cannot be loaded.
pub fn highlight(code: &str, theme: &Theme) -> Vec<Line<'static>> {
    let styles = byte_styles(code, theme).unwrap_or_default();
    let mut lines = Vec::new();
    let mut offset = 0;
    for raw in code.split('\n') {
        let mut spans: Vec<Span<'static>> = Vec::new();
        let mut run_start = 0;
        let mut run_style = style_at(&styles, offset);
        for (i, _) in raw.char_indices() {
            let s = style_at(&styles, offset + i);
            if s != run_style {
                spans.push(Span::styled(expand_tabs(&raw[run_start..i]), run_style));
                run_start = i;
                run_style = s;
            }
        }
        if run_start < raw.len() {
            spans.push(Span::styled(expand_tabs(&raw[run_start..]), run_style));
        }
        lines.push(Line::from(spans));
        offset += raw.len() + 1;
    }
    if code.ends_with('\n') {
        lines.pop();
    }
    lines
}

fn expand_tabs(text: &str) -> String {
    text.replace('\t', "    ")
}

fn style_at(styles: &[Style], at: usize) -> Style {
    styles.get(at).copied().unwrap_or_default()
}

/// One style per byte; later (more specific) captures of a node win over earlier ones,
/// except that the first capture of a byte range sets it when patterns overlap.
fn byte_styles(code: &str, theme: &Theme) -> Option<Vec<Style>> {
    let query = query()?;
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .ok()?;
    let tree = parser.parse(code, None)?;
    let mut styles = vec![Style::default(); code.len()];
    let mut painted = vec![false; code.len()];
    let names = query.capture_names();
    let mut cursor = QueryCursor::new();
    let mut captures = cursor.captures(query, tree.root_node(), code.as_bytes());
    while let Some((m, i)) = captures.next() {
        let capture = m.captures[*i];
        let Some(style) = names
            .get(capture.index as usize)
            .and_then(|name| theme.capture(name))
        else {
            continue;
        };
        let range = capture.node.byte_range();
        // tree-sitter's highlight queries list specific patterns first: the first one
        // that claims a byte keeps it.
        for b in range.clone() {
            if b < styles.len() && !painted[b] {
                styles[b] = style;
                painted[b] = true;
            }
        }
    }
    Some(styles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_strings_and_comments_get_their_styles() {
        let theme = Theme::default();
        let lines = highlight("def f(x):\n    return 'a'  # note\n", &theme);
        assert_eq!(lines.len(), 2);
        let style_of = |line: &Line, text: &str| {
            line.spans
                .iter()
                .find(|s| s.content.contains(text))
                .map(|s| s.style)
        };
        assert_eq!(style_of(&lines[0], "def"), Some(theme.keyword));
        assert_eq!(style_of(&lines[1], "return"), Some(theme.keyword));
        assert_eq!(style_of(&lines[1], "'a'"), Some(theme.string));
        assert_eq!(style_of(&lines[1], "# note"), Some(theme.comment));
        let text: String = lines[1].spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "    return 'a'  # note");
    }

    #[test]
    fn broken_code_still_shows_every_character() {
        let lines = highlight("def (:\n\tx = 'unterminated", &Theme::default());
        let text: Vec<String> = lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(text, vec!["def (:", "    x = 'unterminated"]);
    }
}
