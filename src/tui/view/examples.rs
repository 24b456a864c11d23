//! The selected hole's examples as a table with pass/fail and expected vs actual, and
//! below it the example under the cursor in detail: grids side by side with differing
//! cells marked, other values folded to fit, or the error it raised.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::grid::side_by_side;
use super::{block, spinner};
use crate::engine::check::{CheckReport, ExampleResult};
use crate::tui::app::{App, Pane};
use crate::tui::keymap::Action;
use crate::tui::values::{fold, one_line, Grid};

/// The results that belong to the selected row, if a check produced them.
fn results<'a>(app: &'a App, name: &str) -> Option<&'a CheckReport> {
    if name == app.entry() {
        return app.program.as_ref();
    }
    app.hole_check
        .as_ref()
        .filter(|c| c.hole == name)
        .and_then(|c| c.report.as_ref())
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let name = app.selected_name().unwrap_or("");
    let examples = app.snapshot.examples_of(name);
    let report = results(app, name);
    let checking = app
        .hole_check
        .as_ref()
        .is_some_and(|c| c.hole == name && c.report.is_none());
    let passed = report.map(|r| r.passed_count());
    let title = match (passed, checking) {
        (_, true) => format!(
            " examples ({}) {} checking ",
            examples.len(),
            spinner(app.tick)
        ),
        (Some(p), _) => format!(" examples: {p} of {} pass ", examples.len()),
        (None, _) => format!(" examples ({}) ", examples.len()),
    };
    let width = area.width.saturating_sub(2) as usize;
    let height = area.height.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    if examples.is_empty() {
        // Inline holes have no docstring, so the way that works for every row is the key.
        let add = match app.keymap.key_for(&Action::AddExample) {
            Some(key) => format!("press {key} to add one"),
            None => format!(":example add {name} CALL => VALUE"),
        };
        lines.push(Line::styled(
            format!("no examples: {add}, or pass --examples FILE (docs/examples-file.md)"),
            theme.dim,
        ));
    }
    if let Some(fatal) = report.and_then(|r| r.fatal.as_ref()) {
        lines.push(Line::styled(one_line(fatal, width), theme.error));
    }
    let call_w = (width.saturating_sub(6) * 2 / 5).max(8);
    let value_w = (width.saturating_sub(6 + call_w) / 2).max(6);
    // Keep the cursor row in view when the list is longer than half the pane.
    let table_rows = (height / 2).max(1);
    let first = app
        .example_cursor
        .saturating_sub(table_rows.saturating_sub(1));
    for (i, example) in examples.iter().enumerate().skip(first).take(table_rows) {
        let result = report.and_then(|r| r.results.get(i));
        let (mark, style) = match result {
            Some(r) if r.passed => ("✓", theme.ok),
            Some(_) => ("✗", theme.error),
            None => ("·", theme.dim),
        };
        let actual = result.map_or(String::new(), |r| match (&r.error, &r.actual) {
            (Some(e), _) => format!("raised {}", e.lines().next().unwrap_or("")),
            (None, Some(a)) => a.clone(),
            (None, None) => String::new(),
        });
        let mut line = Line::from(vec![
            Span::styled(format!("{mark} "), style),
            Span::raw(format!("{:<3}", i + 1)),
            Span::raw(pad(&one_line(&example.call, call_w - 1), call_w)),
            Span::styled(
                pad(&one_line(&example.expected, value_w - 1), value_w),
                theme.dim,
            ),
            Span::styled(one_line(&actual, value_w), style),
        ]);
        if i == app.example_cursor && app.focus == Pane::Examples {
            line = line.patch_style(theme.selected);
        }
        lines.push(line);
    }
    let detail = report
        .and_then(|r| r.results.get(app.example_cursor))
        .or_else(|| report.and_then(|r| r.results.iter().find(|r| !r.passed)));
    if let Some(result) = detail.filter(|r| !r.passed) {
        lines.push(Line::raw(""));
        let room = height.saturating_sub(lines.len()).max(1);
        lines.extend(detail_lines(app, result, width, room));
    }
    frame.render_widget(
        Paragraph::new(lines).block(block(app, Pane::Examples, title)),
        area,
    );
}

fn pad(text: &str, width: usize) -> String {
    format!("{text:<width$}")
}

/// A failing example in full: grids drawn, other values folded, or the error.
pub fn detail_lines(
    app: &App,
    result: &ExampleResult,
    width: usize,
    room: usize,
) -> Vec<Line<'static>> {
    let theme = &app.theme;
    if let Some(error) = &result.error {
        return error
            .lines()
            .take(room)
            .map(|l| Line::styled(l.to_string(), theme.error))
            .collect();
    }
    let expected = result.expected.as_deref().unwrap_or("");
    let actual = result.actual.as_deref().unwrap_or("");
    if let (Some(e), Some(a)) = (Grid::parse(expected), Grid::parse(actual)) {
        return side_by_side(&e, &a, theme, width)
            .into_iter()
            .take(room)
            .collect();
    }
    let half = (room / 2).max(1);
    let mut lines = Vec::new();
    for (label, value, style) in [
        ("expected ", expected, Style::new()),
        ("actual   ", actual, theme.error),
    ] {
        for (j, text) in fold(value, width.saturating_sub(9), half)
            .into_iter()
            .enumerate()
        {
            let head = if j == 0 { label } else { "         " };
            lines.push(Line::from(vec![
                Span::styled(head, theme.dim),
                Span::styled(text, style),
            ]));
        }
    }
    lines
}
