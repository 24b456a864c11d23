//! The selected hole: description, signature, who wrote the version in use (N of M), and
//! its code with Python highlighting; for a sketch function, its source as the user wrote it.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::block;
use crate::tui::app::{App, Pane};
use crate::tui::highlight::highlight;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let sketch = &app.snapshot.sketch;
    let name = app.selected_name().unwrap_or("");
    let mut lines: Vec<Line> = Vec::new();
    let title;
    if let (Some(hole), Some(state)) = (sketch.hole(name), app.snapshot.holes.get(name)) {
        title = format!(" {} · {} ", hole.id, hole.kind.as_str());
        for text in hole.description.lines() {
            lines.push(Line::raw(text.trim().to_string()));
        }
        lines.push(Line::styled(hole.signature(), theme.function));
        let version = match state.version {
            Some(v) => format!(
                "version {v} of {} · {} · {}",
                state.versions,
                state.by.as_deref().unwrap_or("?"),
                state.status.label()
            ),
            None => format!("no implementation yet · {}", state.status.label()),
        };
        lines.push(Line::styled(version, theme.status(state.status)));
        if let Some(guess) = &state.guess {
            lines.push(Line::styled(format!("guess: {guess}"), theme.warn));
        }
        if let Some(failure) = &state.last_failure {
            if state.status != crate::session::HoleStatus::Passing {
                let first = failure.lines().next().unwrap_or("");
                lines.push(Line::styled(format!("last failure: {first}"), theme.error));
            }
        }
        lines.push(Line::raw(""));
        if let Some(code) = &state.code {
            lines.extend(highlight(code, theme));
        }
    } else if let Some(function) = sketch.function(name) {
        title = format!(" {} · sketch ", function.name);
        lines.push(Line::from(vec![
            Span::styled(function.signature(), theme.function),
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
        lines.extend(highlight(source, theme));
    } else {
        title = " nothing selected ".to_string();
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.code_scroll, 0))
            .block(block(app, Pane::Code, title)),
        area,
    );
}
