//! The latest trace: each hole call of the traced example with its arguments and result,
//! nested under the call that made it, read by the shared presenter
//! ([`crate::present::trace::calls`]). With a hole selected, only that hole's calls. A call
//! whose arguments fit the pane's width is one line; otherwise each argument gets a line of
//! its own, laid out from its structure across the whole width. Grids are drawn as cells;
//! values are never rewritten, only cut with `…` where even that does not fit. The call
//! chosen for pinning (`p`) is highlighted and kept in view.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::grid::grid_lines;
use super::{block, prose};
use crate::exec::{PyValue, TraceEvent};
use crate::present::trace::{calls, Outcome};
use crate::present::{clip, cut, layout_fit, one_line, Grid};
use crate::tui::app::{App, Pane};

/// Lines a value may take under its call before the rest is counted.
const VALUE_LINES: usize = 4;
/// Nesting deeper than this is drawn at this depth, so deep recursion keeps its width.
const MAX_DEPTH: usize = 8;

/// A traced value's text, marked when the sandbox recorded only its beginning.
fn source(value: &PyValue) -> String {
    if value.truncated {
        format!("{}…[not recorded whole]", value.src)
    } else {
        value.src.clone()
    }
}

/// Lines of one value under a label: a grid as cells, anything else laid out to fit.
fn value_lines(
    app: &App,
    indent: &str,
    label: &str,
    value: &PyValue,
    width: usize,
    out: &mut Vec<Line<'static>>,
) {
    if let Some(grid) = Grid::parse(&value.src) {
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
    let used = indent.chars().count() + label.chars().count();
    let room = width.saturating_sub(used).max(8);
    for (i, text) in layout_fit(&source(value), room, VALUE_LINES)
        .into_iter()
        .enumerate()
    {
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

/// `name=value` for the call line: a grid by its shape, anything else as written.
fn argument(name: &str, value: &PyValue) -> String {
    match Grid::parse(&value.src) {
        Some(g) => format!("{name}=<{}×{} grid>", g.height(), g.width()),
        None => format!("{name}={}", one_line(&source(value))),
    }
}

/// The lines of every call, and the line where the call at `cursor` (an index into the
/// listed calls) starts. Lines are built until `limit` and the cursor's call are reached:
/// a long trace of big grids costs a screenful per frame.
pub fn trace_lines(
    app: &App,
    trace: &[TraceEvent],
    only: Option<&str>,
    width: usize,
    cursor: Option<usize>,
    limit: usize,
) -> (Vec<Line<'static>>, Option<usize>) {
    let mut lines = Vec::new();
    let mut cursor_line = None;
    for (k, call) in calls(trace, only).into_iter().enumerate() {
        let past_cursor = cursor.is_none_or(|c| k > c);
        if lines.len() >= limit && past_cursor {
            break;
        }
        let event = call.event;
        let indent = "  ".repeat(call.depth.min(MAX_DEPTH));
        let inner = format!("{indent}  ");
        let start = lines.len();
        let args: Vec<String> = event.args.iter().map(|(n, v)| argument(n, v)).collect();
        let head = format!("#{} ", event.id);
        let whole = format!("{}({})", event.function, args.join(", "));
        let used = indent.chars().count() + head.chars().count();
        let fits = used + whole.chars().count() <= width;
        let call_text = if fits {
            whole
        } else {
            let names: Vec<&str> = event.args.iter().map(|(n, _)| n.as_str()).collect();
            format!("{}({})", event.function, names.join(", "))
        };
        let call_text = cut(&call_text, width.saturating_sub(used)).into_owned();
        let (name, rest) = match call_text.strip_prefix(event.function.as_str()) {
            Some(rest) => (event.function.as_str(), rest),
            None => (call_text.as_str(), ""),
        };
        lines.push(Line::from(vec![
            Span::raw(indent.clone()),
            Span::styled(head, app.theme.dim),
            Span::styled(name.to_string(), app.theme.function),
            Span::raw(rest.to_string()),
        ]));
        for (name, value) in &event.args {
            let grid = Grid::parse(&value.src).is_some();
            if grid || !fits {
                value_lines(app, &inner, &format!("{name} = "), value, width, &mut lines);
            }
        }
        match call.outcome() {
            Outcome::Raised(error) => lines.push(Line::from(vec![
                Span::raw(inner.clone()),
                Span::styled(
                    clip(
                        &format!("raised {error}"),
                        width.saturating_sub(inner.len()),
                    ),
                    app.theme.error,
                ),
            ])),
            Outcome::Returned(value) => value_lines(app, &inner, "→ ", value, width, &mut lines),
            Outcome::DidNotReturn => lines.push(Line::styled(
                format!("{inner}(did not return)"),
                app.theme.warn,
            )),
        }
        if Some(k) == cursor {
            cursor_line = Some(start);
            lines[start] = std::mem::take(&mut lines[start]).patch_style(app.theme.selected);
        }
    }
    (lines, cursor_line)
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(2) as usize;
    let height = area.height.saturating_sub(2) as usize;
    let name = app.selected_name().unwrap_or("");
    let only = app.snapshot.holes.contains_key(name).then_some(name);
    let mut scroll = app.trace_scroll as usize;
    let (title, lines) = match &app.trace {
        None => (
            " trace ".to_string(),
            prose(
                "no trace yet: t traces the chosen example, r runs them all",
                width,
                app.theme.dim,
            ),
        ),
        Some((n, result)) => {
            let cursor = (app.focus == Pane::Trace).then_some(app.trace_cursor);
            let (mut lines, at) =
                trace_lines(app, &result.trace, only, width, cursor, height + scroll);
            // The chosen call is scrolled into view.
            if let Some(at) = at {
                scroll = scroll.min(at).max((at + 2).saturating_sub(height));
            }
            if lines.is_empty() {
                let text = match only {
                    Some(h) => format!("{h} was not called on this example"),
                    None => "no hole was called on this example".to_string(),
                };
                lines.extend(prose(&text, width, app.theme.dim));
            }
            let outcome = match (&result.error, &result.actual) {
                (Some(_), _) => "raised",
                _ if result.passed => "passed",
                _ => "failed",
            };
            // An older trace stays readable, but says it is from before the last change.
            let stale = if app.trace_outdated {
                " · outdated"
            } else {
                ""
            };
            let fixed = format!(" trace of example {} ·  · {outcome}{stale} ", n + 1);
            let room = width.saturating_sub(fixed.chars().count()).max(6);
            (
                format!(
                    " trace of example {} · {} · {outcome}{stale} ",
                    n + 1,
                    cut(&one_line(&result.call), room),
                ),
                lines,
            )
        }
    };
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(u16::MAX as usize) as u16, 0))
            .block(block(app, Pane::Trace, title)),
        area,
    );
}
