//! The status line (the running operation, open questions, model, requests in flight,
//! tokens and cost, session file) and the bottom line (the `:` command being typed, or the last message, or
//! the main keys).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::spinner;
use crate::tui::app::{App, Tone};
use crate::tui::keymap::Action;

pub fn draw_status(app: &App, frame: &mut Frame, area: Rect) {
    let usage = &app.snapshot.usage;
    let in_flight: u32 = app.in_flight.values().sum();
    let tokens_in = usage.input_tokens + app.live_tokens.0;
    let tokens_out = usage.output_tokens + app.live_tokens.1;
    // The running operation first, so a narrow terminal still shows it.
    let mut text = match &app.operation {
        Some(op) => format!(" {} {}… │", spinner(app.tick), op.label),
        None => String::new(),
    };
    // Questions left open by the last compile are pointed to until answered or skipped.
    let open = app.questions.list.len();
    if open > 0 {
        let key = app
            .keymap
            .key_for(&Action::Questions)
            .unwrap_or_else(|| ":questions".to_string());
        let what = if open == 1 { "question" } else { "questions" };
        text.push_str(&format!(" {open} open {what}: {key} │"));
    }
    text.push_str(&format!(
        " {} │ {} in flight │ {} + {} tokens",
        app.model, in_flight, tokens_in, tokens_out
    ));
    let arriving: u64 = app.receiving.values().sum();
    if arriving > 0 {
        text.push_str(&format!(" │ ↓{arriving} arriving"));
    }
    if usage.requests > 0 {
        text.push_str(&format!(" │ {}", usage.cost_text()));
    }
    text.push_str(&format!(
        " │ {} │ session {}",
        app.display_path(std::path::Path::new(&app.snapshot.sketch.file)),
        app.display_path(&app.snapshot.session_path)
    ));
    let width = area.width as usize;
    let line = truncate_line(Line::raw(format!("{text:<width$}")), width);
    frame.render_widget(Paragraph::new(line).style(app.theme.status_bar), area);
}

pub fn draw_bottom(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let line = if let Some(text) = &app.command {
        Line::from(vec![
            Span::styled(":", theme.key),
            Span::raw(text.clone()),
            Span::raw("▏"),
        ])
    } else if let Some((text, tone)) = &app.message {
        let style = match tone {
            Tone::Info => ratatui::style::Style::new(),
            Tone::Success => theme.ok,
            Tone::Error => theme.error,
        };
        Line::styled(crate::present::clip(text, area.width as usize), style)
    } else {
        let mut spans = Vec::new();
        for (key, what) in [
            ("?", "help"),
            ("c", "compile"),
            ("r", "run"),
            ("t", "trace"),
            ("Tab", "pane"),
            (":", "command"),
            ("q", "quit"),
        ] {
            spans.push(Span::styled(key, theme.key));
            spans.push(Span::styled(format!(" {what}  "), theme.dim));
        }
        Line::from(spans)
    };
    frame.render_widget(
        Paragraph::new(truncate_line(line, area.width as usize)),
        area,
    );
}

/// Cut a line to `width` columns, ending in `…` when something was cut.
pub fn truncate_line(line: Line<'_>, width: usize) -> Line<'_> {
    if line.width() <= width {
        return line;
    }
    let style = line.style;
    let mut used = 0;
    let mut spans = Vec::new();
    for span in line.spans {
        let room = width.saturating_sub(used + 1);
        if span.width() <= room {
            used += span.width();
            spans.push(span);
            continue;
        }
        let cut: String = span.content.chars().take(room).collect();
        spans.push(Span::styled(cut, span.style));
        break;
    }
    spans.push(Span::raw("…"));
    Line::from(spans).style(style)
}
