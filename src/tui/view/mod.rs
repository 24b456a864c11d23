//! Drawing: pure functions from [`App`] to a ratatui frame. Nothing here changes state;
//! [`layout`] is shared with `App::update` so mouse clicks land on what was drawn.

mod examples;
mod grid;
mod hole;
mod overlay;
mod questions;
mod repair;
mod status;
mod trace;
mod tree;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

use super::app::{App, Overlay, Pane};

pub use grid::grid_lines;

/// The smallest terminal the panes fit in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Where each pane goes on a screen of `area`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub tree: Rect,
    pub code: Rect,
    pub examples: Rect,
    pub trace: Rect,
    pub status: Rect,
    pub bottom: Rect,
}

/// `None` when the terminal is smaller than 80×24.
pub fn layout(area: Rect) -> Option<Panes> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [main, status, bottom] = Layout::vertical([
        Constraint::Min(10),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let tree_width = (area.width / 4).clamp(26, 48);
    let [tree, right] =
        Layout::horizontal([Constraint::Length(tree_width), Constraint::Min(40)]).areas(main);
    let [code, examples, trace] = Layout::vertical([
        Constraint::Percentage(40),
        Constraint::Percentage(30),
        Constraint::Percentage(30),
    ])
    .areas(right);
    Some(Panes {
        tree,
        code,
        examples,
        trace,
        status,
        bottom,
    })
}

/// The first tree row shown in a pane of `height` rows so that `selected` is visible.
/// Stateless, so a click can be mapped to the row it hit.
pub fn tree_offset(selected: usize, height: usize) -> usize {
    if height == 0 || selected < height {
        0
    } else {
        selected + 1 - height
    }
}

pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let Some(panes) = layout(area) else {
        overlay::too_small(app, frame, area);
        return;
    };
    tree::draw(app, frame, panes.tree);
    hole::draw(app, frame, panes.code);
    examples::draw(app, frame, panes.examples);
    trace::draw(app, frame, panes.trace);
    status::draw_status(app, frame, panes.status);
    status::draw_bottom(app, frame, panes.bottom);
    match app.overlay {
        Some(Overlay::Help) => overlay::help(app, frame, area),
        Some(Overlay::ConfirmQuit) => overlay::confirm_quit(app, frame, area),
        Some(Overlay::Versions) => repair::versions(app, frame, area),
        Some(Overlay::History) => repair::history(app, frame, area),
        Some(Overlay::Review) => repair::review(app, frame, area),
        Some(Overlay::Questions) => questions::draw(app, frame, area),
        None => {}
    }
    repair::editor(app, frame, area);
}

fn block<'a>(app: &App, pane: Pane, title: impl Into<Line<'a>>) -> Block<'a> {
    let border: Style = if app.focus == pane {
        app.theme.border_focused
    } else {
        app.theme.border
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(title.into().style(app.theme.title))
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

fn spinner(tick: u64) -> &'static str {
    SPINNER[(tick % SPINNER.len() as u64) as usize]
}

/// A message in a pane: wrapped at spaces to the pane's width, in one style.
fn prose(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    wrap(text, width)
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect()
}

/// Prose broken into lines of at most `width` characters at spaces (a word longer than the
/// line is cut at the edge). Only the spaces where a line breaks are dropped.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut rest = text;
    while rest.chars().count() > width {
        let head: String = rest.chars().take(width + 1).collect();
        let split = head.rfind(' ').filter(|&i| i > 0).unwrap_or_else(|| {
            head.char_indices()
                .nth(width)
                .map_or(head.len(), |(i, _)| i)
        });
        out.push(rest[..split].to_string());
        rest = rest[split..].strip_prefix(' ').unwrap_or(&rest[split..]);
    }
    out.push(rest.to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn prose_wraps_at_spaces_and_keeps_the_others() {
        assert_eq!(
            wrap("Count how  often each word occurs", 12),
            vec!["Count how ", "often each", "word occurs"]
        );
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("short", 40), vec!["short"]);
    }
}
