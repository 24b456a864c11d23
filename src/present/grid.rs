//! 2-D grids of small integers, which ARC tasks are made of: recognised from a value's
//! structure (`[[0, 1], [2, 3]]`, `np.array([[0, 1], [2, 3]])`, the same with tuples), so
//! the TUI can draw them as coloured cells and compare two cell by cell. The values are
//! never evaluated, only read, so a hostile `repr` is just text.

use super::value::{Entry, Node};

/// A rectangular grid of small integers, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub rows: Vec<Vec<i64>>,
}

/// Values above this are not "small": a grid of them is data, not a picture.
const MAX_CELL: i64 = 99;
/// Larger grids are laid out as text instead of drawn.
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

    /// The grid a value's text holds, if it is one. Anything else (ragged rows, floats,
    /// big or negative numbers, one dimension, a string that looks like a grid) is not.
    pub fn parse(text: &str) -> Option<Grid> {
        Grid::from_node(&Node::parse(text.trim())?)
    }

    pub fn from_node(node: &Node<'_>) -> Option<Grid> {
        let Node::Group {
            head, open, items, ..
        } = node
        else {
            return None;
        };
        let rows = match (*head, *open) {
            ("np.array" | "numpy.array" | "array", '(') => {
                // `np.array([[1]], dtype=np.int8)`: the keywords are not the grid.
                let [Entry {
                    key: None,
                    value: inner,
                }, rest @ ..] = items.as_slice()
                else {
                    return None;
                };
                if rest.iter().any(|e| e.key.is_none()) {
                    return None;
                }
                return Grid::from_node(inner);
            }
            ("", '[' | '(') => items,
            _ => return None,
        };
        let rows: Vec<Vec<i64>> = rows
            .iter()
            .map(|entry| match entry {
                Entry {
                    key: None,
                    value:
                        Node::Group {
                            head: "",
                            open: '[' | '(',
                            items,
                            ..
                        },
                } => items.iter().map(cell).collect::<Option<Vec<i64>>>(),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let width = rows.first().map_or(0, Vec::len);
        let rectangular = rows.iter().all(|r| r.len() == width);
        (width > 0 && rectangular && rows.len() <= MAX_SIDE && width <= MAX_SIDE)
            .then_some(Grid { rows })
    }

    /// Whether the cell at (`row`, `col`) differs from `other`'s (every cell differs where
    /// the shapes do).
    pub fn differs(&self, other: &Grid, row: usize, col: usize) -> bool {
        self.get(row, col) != other.get(row, col)
    }

    /// How many cells of the larger shape differ.
    pub fn count_differences(&self, other: &Grid) -> usize {
        let h = self.height().max(other.height());
        let w = self.width().max(other.width());
        (0..h)
            .flat_map(|r| (0..w).map(move |c| (r, c)))
            .filter(|&(r, c)| self.differs(other, r, c))
            .count()
    }
}

fn cell(entry: &Entry<'_>) -> Option<i64> {
    match entry {
        Entry {
            key: None,
            value: Node::Atom(text),
        } => text
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=MAX_CELL).contains(n)),
        _ => None,
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
        for text in [
            "[[0, 1], [2, 3]]",
            "np.array([[0, 1], [2, 3]])",
            "np.array([[0, 1], [2, 3]], dtype=np.int8)",
            "array([[0, 1],\n       [2, 3]])",
            "((0, 1), (2, 3))",
        ] {
            assert_eq!(Grid::parse(text), Some(want.clone()), "{text}");
        }
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
            "Grid([[1]])",
            "np.array([[1]], [[2]])",
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
        assert_eq!(b.count_differences(&a), 1);
        assert_eq!(c.count_differences(&a), 2);
    }
}
