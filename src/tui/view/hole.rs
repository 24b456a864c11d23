//! The selected hole: description, signature, who wrote the version in use (N of M), and
//! its code with Python highlighting; for a sketch function, its source as the user wrote
//! it. The description is prose and wraps; code never wraps (a wrapped Python line reads
//! as two statements): it scrolls sideways with `h`/`l` (`←`/`→`), and a line that goes on
//! past the pane's edge ends in `›` (begins with `‹` where text is scrolled off the left).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{block, wrap};
use crate::present::cut;
use crate::tui::app::{App, Pane};
use crate::tui::highlight::highlight;
use crate::tui::theme::Theme;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let sketch = &app.snapshot.sketch;
    let name = app.selected_name().unwrap_or("");
    let width = area.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut code: Vec<Line> = Vec::new();
    let title;
    if let (Some(hole), Some(state)) = (sketch.hole(name), app.snapshot.holes.get(name)) {
        title = format!(" {} · {} ", hole.id, hole.kind.as_str());
        for text in hole.description.lines() {
            for part in wrap(text.trim(), width) {
                lines.push(Line::raw(part));
            }
        }
        lines.push(Line::styled(
            cut(&hole.signature(), width).into_owned(),
            theme.function,
        ));
        let version = match state.version {
            Some(v) => format!(
                "version {v} of {} · {} · {}",
                state.versions,
                state.by.as_deref().unwrap_or("?"),
                state.status.label()
            ),
            None => format!("no implementation yet · {}", state.status.label()),
        };
        lines.push(Line::styled(
            cut(&version, width).into_owned(),
            theme.status(state.status),
        ));
        if let Some(guess) = &state.guess {
            lines.push(Line::styled(
                cut(&format!("guess: {guess}"), width).into_owned(),
                theme.warn,
            ));
        }
        if let Some(failure) = &state.last_failure {
            if state.status != crate::session::HoleStatus::Passing {
                let first = failure.lines().next().unwrap_or("");
                lines.push(Line::styled(
                    cut(&format!("last failure: {first}"), width).into_owned(),
                    theme.error,
                ));
            }
        }
        lines.push(Line::raw(""));
        if let Some(text) = &state.code {
            code = highlight(text, theme);
        }
    } else if let Some(function) = sketch.function(name) {
        title = format!(" {} · sketch ", function.name);
        lines.push(Line::from(vec![
            Span::styled(
                cut(&function.signature(), width).into_owned(),
                theme.function,
            ),
            Span::styled(
                if name == sketch.entry {
                    "  (entry)"
                } else {
                    ""
                },
                theme.dim,
            ),
        ]));
        lines.push(Line::raw(""));
        let source = sketch.source.get(function.span.clone()).unwrap_or("");
        code = highlight(source, theme);
    } else {
        title = " nothing selected ".to_string();
    }
    let offset = app.code_hscroll as usize;
    let overflow = code.iter().any(|l| l.width() > width + offset);
    lines.extend(
        code.into_iter()
            .map(|line| columns(line, offset, width, theme)),
    );
    let title = match (offset, overflow) {
        (0, false) => title,
        (0, true) => format!("{title}· l → "),
        (_, _) => format!("{title}· from column {} · h ← l → ", offset + 1),
    };
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((app.code_scroll, 0))
            .block(block(app, Pane::Code, title)),
        area,
    );
}

/// Columns `offset..offset + width` of a line, with `‹` / `›` where text goes on beyond
/// the left or right edge.
pub fn columns(line: Line<'static>, offset: usize, width: usize, theme: &Theme) -> Line<'static> {
    let total: usize = line.spans.iter().map(|s| s.content.chars().count()).sum();
    let hidden_left = offset > 0
        && line
            .spans
            .iter()
            .flat_map(|s| s.content.chars())
            .take(offset)
            .any(|c| !c.is_whitespace());
    let more_right = total > offset + width;
    let mut spans = Vec::new();
    let mut skip = offset;
    let mut room = width;
    for span in line.spans {
        let chars: Vec<char> = span.content.chars().collect();
        let from = skip.min(chars.len());
        skip -= from;
        let take = room.min(chars.len() - from);
        room -= take;
        if take > 0 {
            let text: String = chars[from..from + take].iter().collect();
            spans.push(Span::styled(text, span.style));
        }
    }
    if more_right && width > 0 {
        trim_last(&mut spans);
        spans.push(Span::styled("›", theme.dim));
    }
    if hidden_left && width > 1 {
        if let Some(first) = spans.first_mut() {
            let rest: String = first.content.chars().skip(1).collect();
            *first = Span::styled(rest, first.style);
        }
        spans.insert(0, Span::styled("‹", theme.dim));
    }
    Line::from(spans).style(line.style)
}

/// Drop the last character of a run of spans (to make room for a marker).
fn trim_last(spans: &mut Vec<Span<'static>>) {
    while let Some(last) = spans.last_mut() {
        let mut text = last.content.to_string();
        if text.pop().is_some() {
            *last = Span::styled(text, last.style);
            return;
        }
        spans.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn code_lines_show_their_columns_with_edge_marks() {
        let theme = Theme::default();
        let line = Line::from(vec![Span::raw("    return "), Span::raw("value + 1")]);
        let text = |l: Line<'static>| {
            l.spans
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        assert_eq!(
            text(columns(line.clone(), 0, 30, &theme)),
            "    return value + 1"
        );
        assert_eq!(text(columns(line.clone(), 0, 12, &theme)), "    return ›");
        assert_eq!(text(columns(line.clone(), 4, 12, &theme)), "return valu›");
        assert_eq!(text(columns(line, 8, 30, &theme)), "‹n value + 1");
    }
}
