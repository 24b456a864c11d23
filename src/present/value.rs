//! A Python value's `repr` laid out for people from its structure ([`Node`], read by
//! `engine::repr`, which never evaluates it and never changes an atom): a string literal, a
//! number or a name is always shown byte for byte as Python wrote it, so `'x  y'` keeps its
//! two spaces and a string holding `], [` is never split. Only the whitespace *between*
//! tokens is chosen here: where a long list breaks onto a new line, and how far the next
//! line is indented.
//!
//! Text that does not read as one value (a value the sandbox cut short, an odd `repr`) is
//! shown as it is, cut with a visible marker where it does not fit.

use std::borrow::Cow;

use super::text::{cut, one_line_message};
pub use crate::engine::repr::{Entry, Node};

/// The value on one line. A value written on one line is returned exactly as it is; a
/// multi-line `repr` (numpy's own, pprint's) is put on one line from its structure, and
/// text that is not one value shows its line breaks as `⏎`.
pub fn one_line(src: &str) -> Cow<'_, str> {
    let src = src.trim();
    if !src.contains('\n') {
        return Cow::Borrowed(src);
    }
    match Node::parse(src) {
        Some(node) => Cow::Owned(node.flat()),
        None => one_line_message(src),
    }
}

/// The value laid out in lines of at most `width` characters where its structure allows:
/// a group that does not fit breaks after its commas, nested groups indented under their
/// bracket (`[[1, 2],\n [3, 4]]`), runs of atoms packed onto lines. An atom is never
/// broken, so a line holding an atom longer than `width` is longer than `width`; callers
/// cut such lines with a marker.
pub fn layout(src: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let one = one_line(src);
    if one.chars().count() <= width {
        return vec![one.into_owned()];
    }
    let Some(node) = Node::parse(src.trim()) else {
        return vec![one.into_owned()];
    };
    let mut printer = Printer {
        width,
        lines: vec![String::new()],
        col: 0,
    };
    printer.node(&node, 0);
    printer.lines
}

/// [`layout`], then every line cut to `width` and at most `max_lines` lines, the last one
/// saying how many more there are.
pub fn layout_fit(src: &str, width: usize, max_lines: usize) -> Vec<String> {
    let lines: Vec<String> = layout(src, width)
        .into_iter()
        .map(|l| cut(&l, width.max(8)).into_owned())
        .collect();
    super::text::fit_lines(lines, max_lines)
}

struct Printer {
    width: usize,
    lines: Vec<String>,
    col: usize,
}

impl Printer {
    fn push(&mut self, text: &str) {
        self.col += text.chars().count();
        if let Some(line) = self.lines.last_mut() {
            line.push_str(text);
        }
    }

    fn newline(&mut self, indent: usize) {
        self.lines.push(" ".repeat(indent));
        self.col = indent;
    }

    /// Write `node` at the current column; `trail` characters (closing brackets, a comma)
    /// will follow it on the same line.
    fn node(&mut self, node: &Node<'_>, trail: usize) {
        let room = self.width.saturating_sub(self.col + trail);
        let Node::Group {
            head,
            open,
            close,
            items,
            trailing_comma,
        } = node
        else {
            self.push(&node.flat());
            return;
        };
        if node.fits(room) {
            self.push(&node.flat());
            return;
        }
        self.push(head);
        self.push(&open.to_string());
        let indent = self.col;
        let packed = items.iter().all(|e| e.key.is_none() && e.value.is_atom());
        let count = items.len();
        for (i, entry) in items.iter().enumerate() {
            let last = i + 1 == count;
            let after = if last {
                trail + 1 + usize::from(*trailing_comma)
            } else {
                1
            };
            if i > 0 {
                if packed {
                    // Atoms share a line while they fit; a space follows the comma.
                    let room = self.width.saturating_sub(self.col + 1 + after);
                    if entry.value.fits(room) {
                        self.push(" ");
                    } else {
                        self.newline(indent);
                    }
                } else {
                    self.newline(indent);
                }
            }
            if let Some((key, sep)) = &entry.key {
                self.node(key, sep.len());
                self.push(sep);
            }
            self.node(&entry.value, after);
            if !last || *trailing_comma {
                self.push(",");
            }
        }
        self.push(&close.to_string());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn one_line_values_are_returned_byte_for_byte() {
        for text in ["'x  y'", "['a  b',   'c']", "'tab\\there'", "['], [', 1]"] {
            assert_eq!(one_line(text), text);
        }
        assert_eq!(
            one_line("array([[1, 2],\n       [3, 4]])"),
            "array([[1, 2], [3, 4]])"
        );
        assert_eq!(one_line("line one\n  line two"), "line one ⏎ line two");
    }

    #[test]
    fn long_grids_lay_out_one_row_per_line() {
        let row = "[1, 2, 3, 4, 5, 6, 7, 8, 9]";
        let grid = format!("[{}]", [row; 4].join(", "));
        assert_eq!(
            layout(&grid, 40),
            vec![
                format!("[{row},"),
                format!(" {row},"),
                format!(" {row},"),
                format!(" {row}]"),
            ]
        );
        let array = format!("np.array({grid})");
        let lines = layout(&array, 40);
        assert_eq!(lines[0], format!("np.array([{row},"));
        assert_eq!(lines[1], format!("          {row},"));
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn strings_holding_brackets_are_never_split() {
        let value = format!("['], [', '{}', '], [']", "x  ".repeat(20));
        let lines = layout(&value, 30);
        // Broken after commas and indented by one: the lines join back into the value.
        assert_eq!(lines.concat(), value);
        assert!(lines.iter().any(|l| l.contains("'], ['")), "{lines:?}");
        assert!(
            lines.iter().any(|l| l.contains(&"x  ".repeat(20))),
            "{lines:?}"
        );
    }

    #[test]
    fn runs_of_atoms_are_packed_and_dicts_keep_keys_with_values() {
        let list = format!(
            "[{}]",
            (0..30)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let lines = layout(&list, 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(lines.concat(), list);
        let dict = "{'alpha': [1, 2, 3], 'beta': 'a long string value here'}";
        assert_eq!(
            layout(dict, 30),
            vec![
                "{'alpha': [1, 2, 3],",
                " 'beta': 'a long string value here'}"
            ]
        );
    }

    #[test]
    fn fitting_cuts_lines_and_counts_the_rest() {
        let list = format!(
            "[{}]",
            (0..100)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let lines = layout_fit(&list, 20, 4);
        assert_eq!(lines.len(), 4);
        assert!(lines[3].starts_with("… "), "{lines:?}");
        assert_eq!(layout_fit("[1, 2]", 20, 4), vec!["[1, 2]".to_string()]);
        let long = format!("'{}'", "a".repeat(50));
        assert_eq!(
            layout_fit(&long, 20, 4),
            vec![format!("'{}…", "a".repeat(18))]
        );
    }
}
