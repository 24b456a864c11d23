//! The latest trace: each hole call of the traced example with its arguments and result,
//! nested under the call that made it. With a hole selected, only that hole's calls; grids
//! are drawn as cells, other values folded.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::block;
use super::grid::grid_lines;
use crate::exec::TraceEvent;
use crate::tui::app::{App, Pane};
use crate::tui::values::{fold, one_line, Grid};

/// Lines of one value under a label: a grid as cells, anything else folded.
fn value_lines(
    app: &App,
    indent: &str,
    label: &str,
    value: &str,
    width: usize,
    out: &mut Vec<Line<'static>>,
) {
    if let Some(grid) = Grid::parse(value) {
        out.push(Line::from(vec![
            Span::raw(indent.to_string()),
            Span::styled(
                format!("{label}{}×{} grid", grid.height(), grid.width()),
                app.theme.dim,
            ),
        ]));
        for line in grid_lines(&grid, None, &app.theme) {
            let mut spans = vec![Span::raw(format!("{indent}  "))];
            spans.extend(line.spans);
            out.push(Line::from(spans));
        }
        return;
    }
    let room = width.saturating_sub(indent.len() + label.len()).max(8);
    for (i, text) in fold(value, room, 4).into_iter().enumerate() {
        let head = if i == 0 {
            label.to_string()
        } else {
            " ".repeat(label.chars().count())
        };
        out.push(Line::from(vec![
            Span::raw(indent.to_string()),
            Span::styled(head, app.theme.dim),
            Span::raw(text),
        ]));
    }
}

fn depth(trace: &[TraceEvent], event: &TraceEvent) -> usize {
    let mut depth = 0;
    let mut parent = event.parent;
    while let Some(p) = parent {
        depth += 1;
        if depth > trace.len() {
            break;
        }
        parent = trace.iter().find(|e| e.id == p).and_then(|e| e.parent);
    }
    depth
}

pub fn trace_lines(
    app: &App,
    trace: &[TraceEvent],
    only: Option<&str>,
    width: usize,
    limit: usize,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for event in trace {
        if lines.len() >= limit {
            break;
        }
        if only.is_some_and(|h| h != event.function) {
            continue;
        }
        let indent = if only.is_some() {
            String::new()
        } else {
            "  ".repeat(depth(trace, event).min(8))
        };
        let args: Vec<String> = event
            .args
            .iter()
            .map(|(name, value)| match Grid::parse(&value.src) {
                Some(g) => format!("{name}=<{}×{} grid>", g.height(), g.width()),
                None => format!("{name}={}", one_line(&value.src, 24)),
            })
            .collect();
        lines.push(Line::from(vec![
            Span::raw(indent.clone()),
            Span::styled(format!("#{} ", event.id), app.theme.dim),
            Span::styled(event.function.clone(), app.theme.function),
            Span::raw(one_line(
                &format!("({})", args.join(", ")),
                width.saturating_sub(indent.len() + 8),
            )),
        ]));
        let inner = format!("{indent}  ");
        for (name, value) in &event.args {
            if Grid::parse(&value.src).is_some() {
                value_lines(
                    app,
                    &inner,
                    &format!("{name} = "),
                    &value.src,
                    width,
                    &mut lines,
                );
            }
        }
        match (&event.result, &event.error) {
            (_, Some(error)) => lines.push(Line::from(vec![
                Span::raw(inner.clone()),
                Span::styled(
                    format!(
                        "raised {}",
                        one_line(&error.to_string(), width.saturating_sub(inner.len() + 7))
                    ),
                    app.theme.error,
                ),
            ])),
            (Some(value), None) => value_lines(app, &inner, "→ ", &value.src, width, &mut lines),
            (None, None) => lines.push(Line::styled(
                format!("{inner}(did not return)"),
                app.theme.warn,
            )),
        }
    }
    lines
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(2) as usize;
    let name = app.selected_name().unwrap_or("");
    let only = app.snapshot.holes.contains_key(name).then_some(name);
    let (title, lines) = match &app.trace {
        None => (
            " trace ".to_string(),
            vec![Line::styled(
                "no trace yet: t traces the chosen example, r runs them all",
                app.theme.dim,
            )],
        ),
        Some((n, result)) => {
            // Only what can be seen (plus the scroll) is built, so a long trace of big
            // grids costs a screenful per frame.
            let limit = area.height as usize + app.trace_scroll as usize;
            let mut lines = trace_lines(app, &result.trace, only, width, limit);
            if lines.is_empty() {
                let text = match only {
                    Some(h) => format!("{h} was not called on this example"),
                    None => "no hole was called on this example".to_string(),
                };
                lines.push(Line::styled(text, app.theme.dim));
            }
            let outcome = match (&result.error, &result.actual) {
                (Some(_), _) => "raised",
                _ if result.passed => "passed",
                _ => "failed",
            };
            (
                format!(
                    " trace of example {} · {} · {} ",
                    n + 1,
                    one_line(&result.call, 40),
                    outcome
                ),
                lines,
            )
        }
    };
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((app.trace_scroll, 0))
            .block(block(app, Pane::Trace, title)),
        area,
    );
}
