//! The question overlay: one open question (the hole, the call to answer), the distinct
//! answers with how many candidates give each (the one in use marked, candidates that
//! raise counted apart), a last row to type another answer, and the last error. Values
//! and calls are laid out by `crate::present`, as everywhere else.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Padding, Paragraph};
use ratatui::Frame;

use super::overlay::centered;
use super::{prose, spinner};
use crate::engine::questions::AnswerCount;
use crate::present::layout_fit;
use crate::tui::app::App;

/// The overlay's width on a wide screen; it is never wider than the screen less a margin.
const WIDTH: u16 = 76;
/// Lines a call or one answer may take before the rest is counted.
const CALL_LINES: usize = 4;
const ANSWER_LINES: usize = 3;
/// Columns before an answer's value: the cursor, the row number, spaces.
const GUTTER: usize = 6;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let asking = &app.questions;
    let Some(q) = asking.shown() else {
        return;
    };
    let theme = &app.theme;
    let width = WIDTH.min(area.width.saturating_sub(2));
    // Borders and a column of padding on each side.
    let inner = width.saturating_sub(4) as usize;
    let mut lines: Vec<Line> = prose(
        &format!(
            "The implementations that pass the examples of {} disagree. What should this call return?",
            q.hole
        ),
        inner,
        Style::new(),
    );
    lines.push(Line::raw(""));
    for l in layout_fit(&q.call, inner.saturating_sub(2), CALL_LINES) {
        lines.push(Line::styled(format!("  {l}"), theme.title));
    }
    lines.push(Line::raw(""));
    // Counts beside short values line up in one column.
    let column = q
        .answers
        .iter()
        .map(|a| a.value.chars().count())
        .filter(|&w| w <= inner / 2)
        .max()
        .unwrap_or(0);
    for (i, answer) in q.answers.iter().enumerate() {
        let row = Row {
            i,
            in_use: q.in_use == Some(i),
            selected: asking.choice == i && asking.typing.is_none(),
            column,
        };
        lines.extend(answer_lines(app, answer, &row, inner));
    }
    let last = q.answers.len();
    let number = format!("{}{:<4}", cursor(asking.choice == last), last + 1);
    let row_style = if asking.choice == last && asking.typing.is_none() {
        theme.selected
    } else {
        Style::new()
    };
    match &asking.typing {
        Some(text) => {
            let label = "another answer (Python): ";
            let room = inner.saturating_sub(GUTTER + label.len() + 1);
            // The end of a long answer stays in view, where typing happens.
            let skip = text.chars().count().saturating_sub(room);
            let shown: String = text.chars().skip(skip).collect();
            lines.push(Line::from(vec![
                Span::raw(number),
                Span::styled(label, theme.dim),
                Span::raw(shown),
                Span::styled("▏", theme.key),
            ]));
        }
        None => lines.push(Line::from(vec![
            Span::styled(number, row_style),
            Span::styled("type another answer…", row_style.patch(theme.dim)),
        ])),
    }
    if q.errors > 0 {
        let s = if q.errors == 1 { "" } else { "s" };
        let verb = if q.errors == 1 { "raises" } else { "raise" };
        lines.push(Line::styled(
            format!(
                "{:GUTTER$}{} candidate{s} {verb} an error on this call",
                "", q.errors
            ),
            theme.dim,
        ));
    }
    if let Some(error) = &asking.error {
        lines.push(Line::raw(""));
        lines.extend(prose(error, inner, theme.error));
    }
    if asking.pending.is_some() {
        let label = app.operation.as_ref().map_or("", |o| o.label.as_str());
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("{} {label}…", spinner(app.tick)),
            theme.dim,
        ));
    }
    let count = asking.list.len();
    let title = format!(" question {} of {count} · {} ", asking.current + 1, q.hole);
    let keys = if asking.typing.is_some() {
        " Enter answers · Esc back to the list ".to_string()
    } else {
        let others = if count > 1 { "←→ next · " } else { "" };
        format!(" ↑↓ 1-9 choose · Enter answers · Esc skips · {others}q closes ")
    };
    let height = lines.len() as u16 + 2;
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border_focused)
                .padding(Padding::horizontal(1))
                .title(Line::styled(title, theme.title))
                .title_bottom(Line::styled(keys, theme.key)),
        ),
        rect,
    );
}

fn cursor(on: bool) -> &'static str {
    if on {
        "› "
    } else {
        "  "
    }
}

struct Row {
    i: usize,
    in_use: bool,
    selected: bool,
    /// Where counts beside a value start (values padded to it).
    column: usize,
}

/// One answer: its number, its value laid out to fit, and how many candidates give it,
/// beside a one-line value or under a longer one.
fn answer_lines(app: &App, answer: &AnswerCount, row: &Row, inner: usize) -> Vec<Line<'static>> {
    let (i, in_use, selected) = (row.i, row.in_use, row.selected);
    let theme = &app.theme;
    let style = if selected {
        theme.selected
    } else {
        Style::new()
    };
    let s = if answer.count == 1 { "" } else { "s" };
    let mut count = format!("{} candidate{s}", answer.count);
    if in_use {
        count.push_str(", the one in use");
    }
    let room = inner.saturating_sub(GUTTER);
    let values = layout_fit(&answer.value, room, ANSWER_LINES);
    let number = format!("{}{:<4}", cursor(selected), i + 1);
    let width = values.first().map_or(0, |v| v.chars().count());
    let pad = row.column.saturating_sub(width);
    let beside = values.len() == 1 && width + pad + 3 + count.chars().count() <= room;
    let mut out = Vec::new();
    for (k, value) in values.into_iter().enumerate() {
        let head = if k == 0 {
            number.clone()
        } else {
            " ".repeat(GUTTER)
        };
        let mut spans = vec![Span::styled(head, style), Span::styled(value, style)];
        if beside {
            spans.push(Span::styled(format!("{:pad$}   {count}", ""), theme.dim));
        }
        out.push(Line::from(spans));
    }
    if !beside {
        out.push(Line::styled(format!("{:GUTTER$}{count}", ""), theme.dim));
    }
    out
}
