//! Overlays drawn over the panes: the key help (from the key table itself), the quit
//! confirmation while an operation runs, and the message shown instead of the panes when
//! the terminal is too small for them.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{MIN_HEIGHT, MIN_WIDTH};
use crate::command::COMMANDS;
use crate::tui::app::App;

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// A line of key hints: each key in the key colour, then what it does (spacing included).
pub(super) fn key_hints<'a>(app: &App, hints: &[(&'a str, &'a str)]) -> Line<'a> {
    let spans: Vec<Span<'a>> = hints
        .iter()
        .flat_map(|&(key, what)| [Span::styled(key, app.theme.key), Span::raw(what)])
        .collect();
    Line::from(spans)
}

pub fn help(app: &App, frame: &mut Frame, area: Rect) {
    let rows = app.keymap.help_rows();
    let key_w = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(4)
        + 2;
    let mut lines: Vec<Line> = rows
        .into_iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!("{keys:<key_w$}"), app.theme.key),
                Span::raw(what),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    // The REPL's commands, wrapped to the overlay's width.
    let mut line = String::from(":");
    for (name, _, _) in COMMANDS {
        if line.chars().count() + name.len() + 1 > 72 {
            lines.push(Line::styled(std::mem::take(&mut line), app.theme.dim));
            line.push(' ');
        }
        line.push(' ');
        line.push_str(name);
    }
    lines.push(Line::styled(line, app.theme.dim));
    lines.push(Line::styled(
        "mouse: click a hole to select it, wheel scrolls the pane under it",
        app.theme.dim,
    ));
    let height = lines.len() as u16 + 2;
    let rect = centered(area, 76, height);
    // Taller than the screen: scrolled with j/k, never cut silently.
    let hidden = height.saturating_sub(rect.height);
    let scroll = app.help_scroll.min(hidden);
    let title = if hidden > 0 {
        format!(
            " keys · j/k scroll ({} more) · Esc closes ",
            hidden - scroll
        )
    } else {
        " keys · Esc closes ".to_string()
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(app.theme.border_focused)
                .title(Line::styled(title, app.theme.title)),
        ),
        rect,
    );
}

pub fn confirm_quit(app: &App, frame: &mut Frame, area: Rect) {
    let label = app
        .operation
        .as_ref()
        .map_or("an operation", |o| o.label.as_str());
    let text = vec![
        Line::raw(format!("{label} is running.")),
        Line::raw("Quit anyway? It is cancelled; the session keeps what is done."),
        Line::raw(""),
        key_hints(app, &[("y", " quit   "), ("any other key", " stay")]),
    ];
    let rect = centered(area, 64, 6);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(app.theme.warn)
                .title(" quit? "),
        ),
        rect,
    );
}

pub fn too_small(app: &App, frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::styled("terminal too small", app.theme.warn),
        Line::raw(format!(
            "{}×{}; anpl needs at least {MIN_WIDTH}×{MIN_HEIGHT}",
            area.width, area.height
        )),
        Line::styled("enlarge the window, or q to quit", app.theme.dim),
    ];
    let rect = centered(area, area.width, 3);
    frame.render_widget(
        Paragraph::new(text)
            .alignment(ratatui::layout::Alignment::Center)
            .wrap(Wrap { trim: true }),
        rect,
    );
}
