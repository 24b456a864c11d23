//! The hole tree: the entry and what it calls, each hole with its status mark (live
//! compile progress overrides the saved status until the next snapshot).

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{block, spinner, tree_offset};
use crate::tui::app::{App, Live, Pane};

/// The mark and its style for one row.
pub fn mark(app: &App, name: &str) -> (&'static str, Style) {
    let theme = &app.theme;
    if let Some(live) = app.live.get(name) {
        return match live {
            Live::Queued => ("…", theme.dim),
            Live::Generating => (spinner(app.tick), theme.warn),
            Live::Filled => ("✓", theme.ok),
            Live::Failed => ("✗", theme.error),
        };
    }
    match app.snapshot.status(name) {
        None => ("ƒ", theme.dim),
        Some(status) => (status.mark(), theme.status(status)),
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let holes = app.snapshot.holes.len();
    let done = app
        .snapshot
        .holes
        .values()
        .filter(|h| h.status.is_ok())
        .count();
    let title = format!(" holes {done}/{holes} ");
    let height = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2) as usize;
    let offset = tree_offset(app.selected, height);
    let lines: Vec<Line> = app
        .snapshot
        .tree
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, row)| {
            let (symbol, style) = mark(app, &row.name);
            let indent = "  ".repeat(row.depth.min(12));
            let mut suffix = if row.repeated { " ↑" } else { "" }.to_string();
            if let Some(tokens) = app.receiving.get(&row.name) {
                suffix.push_str(&format!(" ↓{tokens}"));
            }
            let name_style = if row.is_hole {
                Style::new()
            } else {
                app.theme.dim
            };
            let mut line = Line::from(vec![
                Span::raw(indent),
                Span::styled(symbol, style),
                Span::raw(" "),
                Span::styled(row.name.clone(), name_style),
                Span::styled(suffix, app.theme.dim),
            ]);
            if line.width() > width {
                line = super::status::truncate_line(line, width);
            }
            if i == app.selected {
                line = line.patch_style(app.theme.selected);
            }
            line
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block(app, Pane::Tree, title)),
        area,
    );
}
