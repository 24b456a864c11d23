//! Reading Python values (the `repr` text the engine and `exec` hand over) for display:
//! recognising 2-D grids of small integers, which ARC tasks are made of and which the UI
//! draws as coloured cells, and folding any other long value to fit a pane. The values are
//! never evaluated, only scanned, so a hostile `repr` is just text.

/// A rectangular grid of small integers, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub rows: Vec<Vec<i64>>,
}

/// Values above this are not "small": a grid of them is data, not a picture.
const MAX_CELL: i64 = 99;
/// Larger grids are folded as text instead of drawn.
const MAX_SIDE: usize = 60;

impl Grid {
    pub fn height(&self) -> usize {
        self.rows.len()
    }

    pub fn width(&self) -> usize {
        self.rows.first().map_or(0, Vec::len)
    }

    pub fn get(&self, row: usize, col: usize) -> Option<i64> {
        self.rows.get(row).and_then(|r| r.get(col)).copied()
    }

    /// Parse `[[0, 1], [2, 3]]`, `np.array([[0, 1], [2, 3]])` or the same with tuples.
    /// Anything else (ragged rows, floats, big numbers, one dimension) is not a grid.
    pub fn parse(text: &str) -> Option<Grid> {
        let mut t = text.trim();
        for prefix in ["np.array(", "numpy.array(", "array("] {
            if let Some(rest) = t.strip_prefix(prefix) {
                let rest = rest.strip_suffix(')')?;
                // `np.array([[1]], dtype=int8)`: the keyword part is not the grid.
                t = match rest.rfind("]]") {
                    Some(end) => &rest[..end + 2],
                    None => rest,
                };
                break;
            }
        }
        let bytes = t.as_bytes();
        let (&first, &last) = (bytes.first()?, bytes.last()?);
        if !matches!((first, last), (b'[', b']') | (b'(', b')')) {
            return None;
        }
        let inner = &t[1..t.len() - 1];
        let mut rows = Vec::new();
        let mut rest = inner.trim();
        while !rest.is_empty() {
            let open = rest.chars().next()?;
            let close = match open {
                '[' => ']',
                '(' => ')',
                _ => return None,
            };
            let end = rest.find(close)?;
            let row = parse_row(&rest[1..end])?;
            rows.push(row);
            rest = rest[end + 1..].trim_start();
            rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
        }
        let width = rows.first().map_or(0, Vec::len);
        let rectangular = rows.iter().all(|r| r.len() == width);
        (width > 0 && rectangular && rows.len() <= MAX_SIDE && width <= MAX_SIDE)
            .then_some(Grid { rows })
    }

    /// Cells where `self` and `other` differ (every cell, where the shapes differ).
    pub fn differs(&self, other: &Grid, row: usize, col: usize) -> bool {
        self.get(row, col) != other.get(row, col)
    }
}

fn parse_row(text: &str) -> Option<Vec<i64>> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let n: i64 = part.parse().ok()?;
        if !(0..=MAX_CELL).contains(&n) {
            return None;
        }
        out.push(n);
    }
    Some(out)
}

/// `text` on at most `max_lines` lines of `width` characters: long lists are broken after
/// top-level commas, and what does not fit ends in a line saying how much was folded.
pub fn fold(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for ch in text.chars() {
        if ch == '\n' {
            lines.push(std::mem::take(&mut current));
            continue;
        }
        current.push(ch);
        match ch {
            '[' | '(' | '{' => depth += 1,
            ']' | ')' | '}' => depth -= 1,
            _ => {}
        }
        let at_break = ch == ',' && depth <= 1;
        if current.chars().count() >= width || (at_break && current.chars().count() > width / 2) {
            lines.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines.max(1) {
        let hidden = lines.len() - max_lines.max(1) + 1;
        lines.truncate(max_lines.max(1) - 1);
        lines.push(format!("… {hidden} more line(s)"));
    }
    lines
}

/// One line of at most `max` characters, whitespace runs collapsed.
pub fn one_line(text: &str, max: usize) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() <= max {
        joined
    } else {
        let cut: String = joined.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn lists_and_arrays_are_grids() {
        let want = Grid {
            rows: vec![vec![0, 1], vec![2, 3]],
        };
        assert_eq!(Grid::parse("[[0, 1], [2, 3]]"), Some(want.clone()));
        assert_eq!(
            Grid::parse("np.array([[0, 1], [2, 3]])"),
            Some(want.clone())
        );
        assert_eq!(
            Grid::parse("array([[0, 1],\n       [2, 3]])"),
            Some(want.clone())
        );
        assert_eq!(Grid::parse("((0, 1), (2, 3))"), Some(want));
    }

    #[test]
    fn other_values_are_not_grids() {
        for text in [
            "[1, 2, 3]",
            "[[1, 2], [3]]",
            "[[1.5, 2]]",
            "[[1000, 2]]",
            "[[-1]]",
            "'[[1]]'",
            "[]",
            "[[]]",
            "{'a': [[1]]}",
            "[[1, 2], [3, 4]",
        ] {
            assert_eq!(Grid::parse(text), None, "{text}");
        }
    }

    #[test]
    fn differing_cells_and_shapes() {
        let a = Grid::parse("[[1, 2], [3, 4]]").unwrap();
        let b = Grid::parse("[[1, 2], [3, 5]]").unwrap();
        let c = Grid::parse("[[1, 2]]").unwrap();
        assert!(!a.differs(&b, 0, 1));
        assert!(a.differs(&b, 1, 1));
        assert!(a.differs(&c, 1, 0));
    }

    #[test]
    fn long_values_fold_with_a_count() {
        let value = format!(
            "[{}]",
            (0..100)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let lines = fold(&value, 20, 4);
        assert_eq!(lines.len(), 4);
        assert!(lines[3].starts_with("… "), "{lines:?}");
        assert_eq!(fold("[1, 2]", 20, 4), vec!["[1, 2]".to_string()]);
        assert_eq!(one_line("a\n   b c", 4), "a b…");
    }
}
