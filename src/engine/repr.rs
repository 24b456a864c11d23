//! A Python value's `repr` text: read into its structure ([`Node`]), and cut to a length
//! with a visible marker ([`cut`]). Values cross from Python as source text (DESIGN.md §2);
//! the reader scans the text into brackets, separators and atoms, never evaluates it, and
//! keeps every atom (a string literal, a number, a name) byte for byte as Python wrote it.
//! The prompts (`prompt::values`) and the presenter above the engine (`present`) both read
//! values through here, so a value has one structure wherever it is shown.

use std::borrow::Cow;

/// `text` in at most `max` characters: cut and ending in `…` when longer.
pub fn cut(text: &str, max: usize) -> Cow<'_, str> {
    if text.chars().count() <= max {
        return Cow::Borrowed(text);
    }
    let head: String = text.chars().take(max.saturating_sub(1)).collect();
    Cow::Owned(format!("{head}…"))
}

/// How deep brackets may nest before a value is shown as plain text: a hostile `repr` of a
/// million nested lists must not exhaust the stack.
const MAX_DEPTH: usize = 200;

/// One value of a `repr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node<'a> {
    /// Text kept exactly as written: a number, a string literal, a name, `<object at 0x…>`.
    Atom(&'a str),
    /// `head` then items between brackets: a list, tuple, set or dict, or a call such as
    /// `np.array([...], dtype=np.int8)` or `Point(x=1, y=2)`.
    Group {
        head: &'a str,
        open: char,
        close: char,
        items: Vec<Entry<'a>>,
        /// `(1,)`: the comma that makes a one-element tuple.
        trailing_comma: bool,
    },
}

/// One item of a group: a value, or a dict entry `key: value`, or a keyword `name=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub key: Option<(Node<'a>, &'static str)>,
    pub value: Node<'a>,
}

impl<'a> Node<'a> {
    /// Read one whole value; `None` when the text is not one value (or nests too deep).
    pub fn parse(text: &'a str) -> Option<Node<'a>> {
        let mut p = Parser {
            src: text,
            pos: 0,
            depth: 0,
        };
        let node = p.value()?;
        p.skip_ws();
        (p.pos == text.len()).then_some(node)
    }

    /// The value on one line: atoms as written, `, ` between items, `: ` in dicts.
    pub fn flat(&self) -> String {
        let mut out = String::new();
        self.write_flat(&mut out);
        out
    }

    fn write_flat(&self, out: &mut String) {
        match self {
            Node::Atom(text) => out.push_str(text),
            Node::Group {
                head,
                open,
                close,
                items,
                trailing_comma,
            } => {
                out.push_str(head);
                out.push(*open);
                for (i, entry) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    entry.write_flat(out);
                }
                if *trailing_comma {
                    out.push(',');
                }
                out.push(*close);
            }
        }
    }

    pub fn is_atom(&self) -> bool {
        matches!(self, Node::Atom(_))
    }

    /// Whether [`Node::flat`] is at most `room` characters, found without building it and
    /// stopping as soon as it is not: laying out a 64 KB value asks this at every level,
    /// so it must cost the room, not the value.
    pub fn fits(&self, room: usize) -> bool {
        let mut left = room;
        self.take(&mut left)
    }

    fn take(&self, left: &mut usize) -> bool {
        match self {
            Node::Atom(text) => {
                let n = text.chars().take(left.saturating_add(1)).count();
                spend(left, n)
            }
            Node::Group {
                head,
                items,
                trailing_comma,
                ..
            } => {
                if !spend(
                    left,
                    head.chars().count() + 2 + usize::from(*trailing_comma),
                ) {
                    return false;
                }
                for (i, entry) in items.iter().enumerate() {
                    if i > 0 && !spend(left, 2) {
                        return false;
                    }
                    if let Some((key, sep)) = &entry.key {
                        if !key.take(left) || !spend(left, sep.len()) {
                            return false;
                        }
                    }
                    if !entry.value.take(left) {
                        return false;
                    }
                }
                true
            }
        }
    }
}

impl Entry<'_> {
    fn write_flat(&self, out: &mut String) {
        if let Some((key, sep)) = &self.key {
            key.write_flat(out);
            out.push_str(sep);
        }
        self.value.write_flat(out);
    }
}

/// Take `n` from what is `left`; false (and nothing taken) when there is not that much.
fn spend(left: &mut usize, n: usize) -> bool {
    match left.checked_sub(n) {
        Some(rest) => {
            *left = rest;
            true
        }
        None => false,
    }
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// One value: an atom, or a head and a bracketed group.
    fn value(&mut self) -> Option<Node<'a>> {
        self.skip_ws();
        let start = self.pos;
        if self.peek() == Some(b'<') {
            self.angle()?;
            return Some(Node::Atom(&self.src[start..self.pos]));
        }
        while let Some(b) = self.peek() {
            match b {
                b'\'' | b'"' => self.string()?,
                b'(' | b'[' | b'{' => {
                    let head = &self.src[start..self.pos];
                    // Only a call has a head (`np.array(`); `x[0]` is not a repr.
                    if !head.is_empty() && b != b'(' {
                        return None;
                    }
                    return self.group(head);
                }
                b',' | b')' | b']' | b'}' | b':' | b'=' => break,
                b if b.is_ascii_whitespace() => {
                    // Whitespace ends an atom unless more of the same atom follows
                    // (`<class 'x'>` is handled above; `1 if x else 2` is not a repr).
                    let save = self.pos;
                    self.skip_ws();
                    match self.peek() {
                        None | Some(b',' | b')' | b']' | b'}' | b':' | b'=') => {
                            let text = &self.src[start..save];
                            return (!text.is_empty()).then_some(Node::Atom(text));
                        }
                        // An atom never spans lines: such text is not one value.
                        Some(_) if self.src[save..self.pos].contains('\n') => return None,
                        Some(_) => {}
                    }
                }
                _ => self.pos += 1,
            }
        }
        let text = &self.src[start..self.pos];
        (!text.is_empty()).then_some(Node::Atom(text))
    }

    fn group(&mut self, head: &'a str) -> Option<Node<'a>> {
        let open = self.peek()? as char;
        let close = match open {
            '(' => ')',
            '[' => ']',
            _ => '}',
        };
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.pos += 1;
        let mut items = Vec::new();
        let mut trailing_comma = false;
        loop {
            self.skip_ws();
            if self.peek() == Some(close as u8) {
                break;
            }
            let first = self.value()?;
            self.skip_ws();
            let entry = match self.peek() {
                Some(b':') => {
                    self.pos += 1;
                    Entry {
                        key: Some((first, ": ")),
                        value: self.value()?,
                    }
                }
                Some(b'=') => {
                    self.pos += 1;
                    Entry {
                        key: Some((first, "=")),
                        value: self.value()?,
                    }
                }
                _ => Entry {
                    key: None,
                    value: first,
                },
            };
            items.push(entry);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(close as u8) {
                        trailing_comma = true;
                        break;
                    }
                }
                Some(b) if b == close as u8 => break,
                _ => return None,
            }
        }
        self.pos += 1;
        self.depth -= 1;
        // `Foo(1).bar` or `x[0]` is not something a repr writes: show such text as it is.
        if let Some(b'(' | b'[' | b'{' | b'.' | b'\'' | b'"') = self.peek() {
            return None;
        }
        Some(Node::Group {
            head,
            open,
            close,
            items,
            trailing_comma,
        })
    }

    /// Past a string literal (single, double or triple quoted, with escapes).
    fn string(&mut self) -> Option<()> {
        let bytes = self.src.as_bytes();
        let quote = self.peek()?;
        let triple = bytes.get(self.pos..self.pos + 3) == Some(&[quote, quote, quote][..]);
        self.pos += if triple { 3 } else { 1 };
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.pos += 2,
                b if b == quote => {
                    if !triple {
                        self.pos += 1;
                        return Some(());
                    }
                    if bytes.get(self.pos..self.pos + 3) == Some(&[quote, quote, quote][..]) {
                        self.pos += 3;
                        return Some(());
                    }
                    self.pos += 1;
                }
                b'\n' if !triple => return None,
                _ => self.pos += 1,
            }
        }
        None
    }

    /// Past `<...>` (nested, with strings inside), as `<class 'int'>` or
    /// `<function <lambda> at 0x7f…>` are written.
    fn angle(&mut self) -> Option<()> {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'<' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'>' => {
                    depth -= 1;
                    self.pos += 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
                b'\'' | b'"' => self.string()?,
                _ => self.pos += 1,
            }
        }
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn reprs_read_into_their_structure() {
        let node = Node::parse("{'a': [1, 2], 'b': (3,)}").unwrap();
        let Node::Group { head, items, .. } = &node else {
            panic!("{node:?}")
        };
        assert_eq!(*head, "");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].key, Some((Node::Atom("'a'"), ": ")));
        assert_eq!(node.flat(), "{'a': [1, 2], 'b': (3,)}");
        let width = node.flat().chars().count();
        assert!(node.fits(width) && !node.fits(width - 1));
        for text in [
            "np.array([[1, 2], [3, 4]], dtype=np.int8)",
            "Point(x=1, y='a, b')",
            "defaultdict(<class 'int'>, {'x': 1})",
            "[<function <lambda> at 0x7f00>, None, ...]",
            "b'\\x00]'",
            "{1, 2}",
            "frozenset()",
            "[-1.5e-07, inf, nan, (1+2j)]",
            "['it\\'s', \"say \\\"hi\\\"\"]",
        ] {
            let node = Node::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(node.flat(), text);
        }
    }

    #[test]
    fn text_that_is_not_one_value_is_not_read() {
        for text in ["[1, 2", "'abc", "[1] [2]", "x[0]", "(1))", ""] {
            assert_eq!(Node::parse(text), None, "{text}");
        }
        let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        assert_eq!(Node::parse(&deep), None);
    }

    #[test]
    fn cutting_marks_what_was_cut_and_keeps_spaces() {
        assert_eq!(cut("'x  y'", 10), "'x  y'");
        assert_eq!(cut("abcdefghijkl", 5), "abcd…");
        assert_eq!(cut("héllo", 5), "héllo");
    }
}
