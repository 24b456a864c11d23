//! Overlays of the repair operations: the in-TUI editor (descriptions, sub-sketches), a
//! hole's versions, the undo history, and the review of a diff (two versions, or a
//! suggested decomposition waiting for y/n). Pure functions of the app, like every view.

use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::overlay::{centered, key_hints};
use crate::tui::app::App;

fn frame_block<'a>(app: &App, title: String) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border_focused)
        .title(Line::styled(title, app.theme.title))
}

/// `lines` in a frame titled `title`, over whatever `rect` covered.
fn framed(app: &App, frame: &mut Frame, rect: Rect, lines: Vec<Line>, title: String) {
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(frame_block(app, title)), rect);
}

/// The multi-line editor, with its cursor placed where the next character goes.
pub fn editor(app: &App, frame: &mut Frame, area: Rect) {
    let Some(editor) = &app.editor else {
        return;
    };
    let rect = centered(
        area,
        area.width.saturating_sub(8),
        area.height.saturating_sub(4),
    );
    let inner_height = rect.height.saturating_sub(3) as usize;
    let top = editor.row.saturating_sub(inner_height.saturating_sub(1));
    let mut lines: Vec<Line> = editor
        .lines
        .iter()
        .skip(top)
        .take(inner_height)
        .map(|l| Line::raw(l.clone()))
        .collect();
    while lines.len() < inner_height {
        lines.push(Line::styled("~", app.theme.dim));
    }
    lines.push(key_hints(
        app,
        &[
            ("C-s", " apply  "),
            ("Esc", " drop  "),
            ("C-e", " continue in $EDITOR"),
        ],
    ));
    framed(
        app,
        frame,
        rect,
        lines,
        format!(" {} ", editor.purpose.title()),
    );
    let x = rect.x + 1 + editor.col as u16;
    let y = rect.y + 1 + (editor.row - top) as u16;
    if x < rect.right().saturating_sub(1) && y < rect.bottom().saturating_sub(1) {
        frame.set_cursor_position(Position::new(x, y));
    }
}

/// The selected hole's versions, the cursor on one.
pub fn versions(app: &App, frame: &mut Frame, area: Rect) {
    let Some(hole) = app.selected_hole() else {
        return;
    };
    let versions = app
        .snapshot
        .versions
        .get(&hole)
        .map_or(&[][..], Vec::as_slice);
    let mut lines: Vec<Line> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut text = format!(
                "{} v{:<3} {:<10}{}",
                if v.current { "●" } else { " " },
                v.number,
                v.origin,
                if v.outdated {
                    " (for an older description)"
                } else {
                    ""
                }
            );
            if i == app.version_cursor {
                text.insert_str(0, "▶ ");
                Line::styled(text, app.theme.selected)
            } else {
                text.insert_str(0, "  ");
                Line::raw(text)
            }
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(key_hints(
        app,
        &[
            ("d", " diff with the one in use  "),
            ("o", " use it  "),
            ("Esc", " close"),
        ],
    ));
    let rect = centered(area, 64, lines.len() as u16 + 2);
    framed(app, frame, rect, lines, format!(" versions of {hole} "));
}

/// Every operation recorded for undo, oldest first; undone ones dimmed.
pub fn history(app: &App, frame: &mut Frame, area: Rect) {
    let items = &app.snapshot.history;
    let mut lines: Vec<Line> = if items.is_empty() {
        vec![Line::styled("nothing recorded yet", app.theme.dim)]
    } else {
        items
            .iter()
            .map(|h| {
                let text = format!(
                    "{:>3}  {}{}{}",
                    h.number,
                    h.operation,
                    h.hole
                        .as_deref()
                        .map(|x| format!(" · {x}"))
                        .unwrap_or_default(),
                    if h.undone { "  (undone: U redoes)" } else { "" }
                );
                if h.undone {
                    Line::styled(text, app.theme.dim)
                } else {
                    Line::raw(text)
                }
            })
            .collect()
    };
    let room = area.height.saturating_sub(6) as usize;
    if lines.len() > room {
        lines.drain(..lines.len() - room);
    }
    lines.push(Line::raw(""));
    lines.push(key_hints(
        app,
        &[
            ("u", " undoes the last  "),
            ("U", " redoes  "),
            ("Esc", " close"),
        ],
    ));
    let rect = centered(area, 72, lines.len() as u16 + 2);
    framed(app, frame, rect, lines, " history ".to_string());
}

/// A unified diff: removed lines in the error colour, added ones in the pass colour.
pub fn review(app: &App, frame: &mut Frame, area: Rect) {
    let Some(review) = &app.review else {
        return;
    };
    let lines: Vec<Line> = review
        .diff
        .lines()
        .map(|l| {
            let style = if l.starts_with("+++") || l.starts_with("---") {
                app.theme.title
            } else if l.starts_with('+') {
                app.theme.ok
            } else if l.starts_with('-') {
                app.theme.error
            } else if l.starts_with("@@") {
                app.theme.dim
            } else {
                ratatui::style::Style::default()
            };
            Line::styled(l.to_string(), style)
        })
        .collect();
    let height = (lines.len() as u16 + 3).min(area.height.saturating_sub(2));
    let rect = centered(area, area.width.saturating_sub(6), height.max(6));
    let keys = if review.accept.is_some() {
        "y accept · n reject · j/k scroll"
    } else {
        "Esc close · j/k scroll"
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).scroll((review.scroll, 0)).block(
            frame_block(app, format!(" {} ", review.title))
                .title_bottom(Line::styled(format!(" {keys} "), app.theme.key)),
        ),
        rect,
    );
}
