//! 2-D grids of small integers drawn as coloured cells, two columns per cell so they look
//! square. With a grid to compare against, cells that differ are marked, so a wrong pixel in
//! a 30×30 ARC output stands out.

use ratatui::text::{Line, Span};

use crate::present::Grid;
use crate::tui::theme::Theme;

/// A cell is two columns: its value in a colour that reads on its background, or, where
/// it differs from the grid it is compared with, a mark and the value.
fn cell_text(value: i64, differs: bool) -> String {
    match (differs, value) {
        (true, v) if v < 10 => format!("×{v}"),
        (true, _) => "××".to_string(),
        (false, v) => format!("{v:>2}"),
    }
}

/// One line per row of `grid`; cells differing from `against` carry the diff mark.
pub fn grid_lines(grid: &Grid, against: Option<&Grid>, theme: &Theme) -> Vec<Line<'static>> {
    (0..grid.height())
        .map(|r| Line::from(row_spans(grid, r, against, theme)))
        .collect()
}

pub(super) fn row_spans(
    grid: &Grid,
    row: usize,
    against: Option<&Grid>,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let mut spans = Vec::with_capacity(grid.width());
    for col in 0..grid.width() {
        let Some(v) = grid.get(row, col) else {
            spans.push(Span::raw("  "));
            continue;
        };
        let differs = against.is_some_and(|a| grid.differs(a, row, col));
        let style = if differs {
            theme.diff_mark.bg(theme.arc(v))
        } else {
            theme.grid_digit.bg(theme.arc(v))
        };
        spans.push(Span::styled(cell_text(v, differs), style));
    }
    spans
}

/// Expected and actual side by side under their titles, differing cells of the actual one
/// marked. `width` bounds the drawing; too-wide grids are cut at the right.
pub fn side_by_side(
    expected: &Grid,
    actual: &Grid,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let left = expected.width() * 2;
    let gap = 3;
    let mut lines = Vec::new();
    let title = format!(
        "{:<w$}{}actual ({}×{}, {} differ)",
        format!("expected ({}×{})", expected.height(), expected.width()),
        " ".repeat(gap),
        actual.height(),
        actual.width(),
        actual.count_differences(expected),
        w = left.max(18)
    );
    lines.push(Line::styled(title, theme.dim));
    for r in 0..expected.height().max(actual.height()) {
        let mut spans = Vec::new();
        if r < expected.height() {
            spans.extend(row_spans(expected, r, None, theme));
        } else {
            spans.push(Span::raw(" ".repeat(left)));
        }
        spans.push(Span::raw(" ".repeat(gap + left.max(18) - left)));
        if r < actual.height() {
            spans.extend(row_spans(actual, r, Some(expected), theme));
        }
        let mut line = Line::from(spans);
        if line.width() > width {
            line = cut(line, width);
        }
        lines.push(line);
    }
    lines
}

fn cut(line: Line<'static>, width: usize) -> Line<'static> {
    let mut used = 0;
    let mut spans = Vec::new();
    for span in line.spans {
        let w = span.width();
        if used + w > width {
            break;
        }
        used += w;
        spans.push(span);
    }
    Line::from(spans)
}
