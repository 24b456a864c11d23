//! JSON with positions, for the examples file (`examples_file`): `serde_json` checks the
//! text and reports syntax errors, then this small reader walks the same (now known valid)
//! text again and keeps where every value and every object key starts, so a wrong key or a
//! wrong value can be reported as `FILE:line:col` of the examples file itself.
//!
//! Objects keep their members in file order, duplicates included (JSON allows them and
//! `serde_json` silently keeps the last; the examples loader reports them instead).

use serde_json::Value;

/// One JSON value and where it starts (a byte offset into the text).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub at: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Object(Vec<Member>),
    Array(Vec<Node>),
    /// A string, number, boolean or null.
    Scalar(Value),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub key: String,
    /// Where the key's opening quote is.
    pub key_at: usize,
    pub value: Node,
}

impl Node {
    /// The value without positions (the last of duplicate keys wins, as in `serde_json`).
    pub fn to_value(&self) -> Value {
        match &self.kind {
            Kind::Scalar(v) => v.clone(),
            Kind::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Kind::Object(members) => {
                let mut map = serde_json::Map::new();
                for m in members {
                    map.insert(m.key.clone(), m.value.to_value());
                }
                Value::Object(map)
            }
        }
    }

    pub fn members(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The last member named `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.members()?
            .iter()
            .rev()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    /// "an object", "a list", "a string"…: what the value is, for messages.
    pub fn what(&self) -> &'static str {
        match &self.kind {
            Kind::Object(_) => "an object",
            Kind::Array(_) => "a list",
            Kind::Scalar(Value::String(_)) => "a string",
            Kind::Scalar(Value::Number(_)) => "a number",
            Kind::Scalar(Value::Bool(_)) => "a boolean",
            Kind::Scalar(_) => "null",
        }
    }
}

/// Read `text`, which `serde_json` has already accepted. `None` only if it was not in fact
/// valid JSON, which the caller treats as a syntax error.
pub(crate) fn parse(text: &str) -> Option<Node> {
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let node = r.value()?;
    r.skip_ws();
    (r.pos == r.bytes.len()).then_some(node)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.bytes.get(self.pos) == Some(&byte)).then(|| self.pos += 1)
    }

    // Recursion is bounded: serde_json refuses nesting deeper than 128 before we get here.
    fn value(&mut self) -> Option<Node> {
        self.skip_ws();
        let at = self.pos;
        let kind = match self.bytes.get(at)? {
            b'{' => {
                self.pos += 1;
                let mut members = Vec::new();
                if self.eat(b'}').is_none() {
                    loop {
                        self.skip_ws();
                        let key_at = self.pos;
                        let key = match self.string()? {
                            Value::String(s) => s,
                            _ => return None,
                        };
                        self.eat(b':')?;
                        let value = self.value()?;
                        members.push(Member { key, key_at, value });
                        if self.eat(b',').is_none() {
                            self.eat(b'}')?;
                            break;
                        }
                    }
                }
                Kind::Object(members)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                if self.eat(b']').is_none() {
                    loop {
                        items.push(self.value()?);
                        if self.eat(b',').is_none() {
                            self.eat(b']')?;
                            break;
                        }
                    }
                }
                Kind::Array(items)
            }
            b'"' => Kind::Scalar(self.string()?),
            _ => {
                // A number or a literal: up to the next delimiter.
                let end = self.bytes[at..]
                    .iter()
                    .position(|b| matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))
                    .map_or(self.bytes.len(), |n| at + n);
                self.pos = end;
                Kind::Scalar(serde_json::from_str(self.text.get(at..end)?).ok()?)
            }
        };
        Some(Node { at, kind })
    }

    /// A string token starting at `pos`, unescaped by serde_json.
    fn string(&mut self) -> Option<Value> {
        let start = self.pos;
        if self.bytes.get(start) != Some(&b'"') {
            return None;
        }
        let mut i = start + 1;
        loop {
            match self.bytes.get(i)? {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        self.pos = i + 1;
        serde_json::from_str(self.text.get(start..=i)?).ok()
    }
}

/// 1-based line and character column of a byte offset, and the text of that line.
pub(crate) fn position(text: &str, offset: usize) -> (usize, usize, &str) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    let line_text = text[line_start..]
        .split('\n')
        .next()
        .unwrap_or("")
        .trim_end_matches('\r');
    (line, col, line_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use serde_json::json;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let text = "{\n  \"a\": [1, {\"b\": \"x\\\"y\"}],\n  \"c\": null\n}";
        let Some(node) = parse(text) else {
            panic!("valid JSON was refused")
        };
        let Some(members) = node.members() else {
            panic!("not an object")
        };
        assert_eq!(
            position(text, members[0].key_at),
            (2, 3, "  \"a\": [1, {\"b\": \"x\\\"y\"}],")
        );
        assert_eq!(position(text, members[1].value.at).0, 3);
        assert_eq!(position(text, members[1].value.at).1, 8);
        assert_eq!(node.to_value(), json!({"a": [1, {"b": "x\"y"}], "c": null}));
        let Some(Kind::Array(items)) = node.get("a").map(|n| &n.kind) else {
            panic!("no list")
        };
        assert_eq!(
            position(text, items[1].at),
            (2, 12, "  \"a\": [1, {\"b\": \"x\\\"y\"}],")
        );
    }

    #[test]
    fn reads_every_scalar_and_keeps_duplicates() {
        let text =
            r#"{"k": 1, "k": -2.5e3, "t": true, "f": false, "u": "\u00e9", "e": [], "o": {}}"#;
        let Some(node) = parse(text) else {
            panic!("valid JSON was refused")
        };
        assert_eq!(node.members().map(<[Member]>::len), Some(7));
        assert_eq!(node.get("k").map(Node::to_value), Some(json!(-2500.0)));
        assert_eq!(node.get("u").map(Node::to_value), Some(json!("é")));
        assert_eq!(
            node.to_value(),
            json!({"k": -2500.0, "t": true, "f": false, "u": "é", "e": [], "o": {}})
        );
    }

    #[test]
    fn columns_count_characters() {
        let text = "{\"é\": 1, \"x\": 2}";
        let Some(node) = parse(text) else {
            panic!("valid JSON was refused")
        };
        let Some(m) = node.members() else {
            panic!("not an object")
        };
        assert_eq!(position(text, m[1].key_at).1, 10);
        assert_eq!(parse("[1, 2] x"), None);
    }
}
