//! The selected hole's (or function's) examples as a table under column headers, with
//! pass/fail and expected vs actual, and below it the example under the cursor in detail:
//! grids side by side with differing cells marked, other values laid out from their
//! structure to fit, or the error it raised. Values are shown as written, cut with `…`.
//! A mark is shown only from a check of the example as it is now: a result for another
//! call (the examples changed since) shows `·`, not a stale ✓.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::grid::side_by_side;
use super::{block, prose, spinner};
use crate::engine::check::{CheckReport, ExampleResult};
use crate::present::{clip, cut, layout_fit, one_line, Grid};
use crate::tui::app::{App, Pane};
use crate::tui::keymap::Action;

/// The results that belong to the selected row, if a check produced them: the last run
/// for the entry, else the check started when the row was selected.
fn results<'a>(app: &'a App, name: &str) -> Option<&'a CheckReport> {
    let program = app.program.as_ref().filter(|_| name == app.entry());
    program.or_else(|| {
        app.hole_check
            .as_ref()
            .filter(|c| c.hole == name)
            .and_then(|c| c.report.as_ref())
    })
}

/// `text` on one line, cut to `width - 1` and padded to `width`.
fn cell(text: &str, width: usize) -> String {
    let shown = cut(&one_line(text), width.saturating_sub(1)).into_owned();
    format!("{shown:<width$}")
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
    // Only a result for this very call counts: after an example is added or removed, an
    // older report's positions no longer line up.
    let outcomes: Vec<Option<&ExampleResult>> = examples
        .iter()
        .enumerate()
        .map(|(i, e)| {
            report
                .and_then(|r| r.results.get(i))
                .filter(|r| r.call == e.call)
        })
        .collect();
    let checked = outcomes.iter().flatten().count();
    let passed = outcomes.iter().flatten().filter(|r| r.passed).count();
    let total = examples.len();
    let title = if checking {
        format!(" examples ({total}) {} checking ", spinner(app.tick))
    } else if checked == 0 {
        format!(" examples ({total}) ")
    } else if checked < total {
        format!(
            " examples: {passed} of {total} pass, {} not checked ",
            total - checked
        )
    } else {
        format!(" examples: {passed} of {total} pass ")
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
        lines.extend(prose(
            &format!("no examples: {add}, or pass --examples FILE (docs/examples-file.md)"),
            width,
            theme.dim,
        ));
    }
    if let Some(fatal) = report.and_then(|r| r.fatal.as_ref()) {
        lines.push(Line::styled(clip(fatal, width), theme.error));
    }
    // The failing example under the cursor, else the first failing one.
    let detail = outcomes
        .get(app.example_cursor)
        .copied()
        .flatten()
        .filter(|r| !r.passed)
        .or_else(|| outcomes.iter().flatten().copied().find(|r| !r.passed));
    let call_w = (width.saturating_sub(6) * 2 / 5).max(8);
    let value_w = (width.saturating_sub(6 + call_w) / 2).max(6);
    if !examples.is_empty() {
        lines.push(Line::styled(
            format!(
                "  {:<3} {}{}{}",
                "#",
                cell("call", call_w),
                cell("expected", value_w),
                "actual"
            ),
            theme.dim,
        ));
    }
    // With a failure to show below, the table takes half the pane but leaves the failure
    // two rows (expected and actual), and shows the failing row unless the user is
    // moving the cursor through the table.
    let free = height.saturating_sub(lines.len());
    let table_rows = match detail {
        Some(_) => free.div_ceil(2).min(free.saturating_sub(2)).max(1),
        None => free.max(1),
    };
    let failing_row = detail.and_then(|d| {
        outcomes
            .iter()
            .position(|o| o.is_some_and(|r| std::ptr::eq(r, d)))
    });
    let keep = match failing_row {
        Some(row) if app.focus != Pane::Examples => row,
        _ => app.example_cursor,
    };
    let first = keep.saturating_sub(table_rows.saturating_sub(1));
    for (i, example) in examples.iter().enumerate().skip(first).take(table_rows) {
        let result = outcomes.get(i).copied().flatten();
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
            Span::raw(format!("{:<4}", i + 1)),
            Span::raw(cell(&example.call, call_w)),
            Span::styled(cell(&example.expected, value_w), theme.dim),
            Span::styled(cut(&one_line(&actual), value_w).into_owned(), style),
        ]);
        if i == app.example_cursor && app.focus == Pane::Examples {
            line = line.patch_style(theme.selected);
        }
        lines.push(line);
    }
    if let Some(result) = detail {
        if height.saturating_sub(lines.len()) > 4 {
            lines.push(Line::raw(""));
        }
        let room = height.saturating_sub(lines.len()).max(1);
        lines.extend(detail_lines(app, result, width, room));
    }
    frame.render_widget(
        Paragraph::new(lines).block(block(app, Pane::Examples, title)),
        area,
    );
}

/// A failing example in full: grids drawn, other values laid out to fit, or the error.
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
            .map(|l| Line::styled(cut(l, width).into_owned(), theme.error))
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
        for (j, text) in layout_fit(value, width.saturating_sub(9), half)
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
