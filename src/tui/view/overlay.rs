//! Overlays drawn over the panes: the key help (from the key table itself), the quit
//! confirmation while an operation runs, and the message shown instead of the panes when
//! the terminal is too small for them.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{MIN_HEIGHT, MIN_WIDTH};
use crate::tui::app::App;
use crate::tui::command::COMMANDS;

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
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
    lines.push(Line::styled(format!(":  {COMMANDS}"), app.theme.dim));
    lines.push(Line::styled(
        "mouse: click a hole to select it, wheel scrolls the pane under it",
        app.theme.dim,
    ));
    let height = lines.len() as u16 + 2;
    let rect = centered(area, 76, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(app.theme.border_focused)
                .title(Line::styled(" keys · Esc closes ", app.theme.title)),
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
        Line::from(vec![
            Span::styled("y", app.theme.key),
            Span::raw(" quit   "),
            Span::styled("any other key", app.theme.key),
            Span::raw(" stay"),
        ]),
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
