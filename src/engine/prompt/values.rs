//! Python values as a prompt shows them: their type, the shape of arrays and grids, and a
//! short text within a size budget.
//!
//! Values reach the engine as Python source text (`repr`, numpy arrays as `np.array(...)`).
//! The text's structure (`engine::repr`) becomes a typed tree ([`Lit`]) so a value can be
//! described (`list[tuple[int, int]] (3 items)`, `np.ndarray 3x4 of int`), abbreviated item
//! by item rather than cut mid-token, and, for 2-D grids of digits (ARC), drawn as rows of
//! digits. What cannot be read is shown as text, abbreviated. Object addresses
//! (`at 0x7f…`) and the program's module prefix are removed and sets are sorted, so the
//! same value always gives the same prompt text (the replay cache keys on it).

use crate::engine::repr::{cut, Entry, Node};

/// A Python value read back from its source text.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// A number, `None`, `True`, `False`, or another bare name, as written.
    Atom(String),
    /// A string or bytes literal, quotes included.
    Str(String),
    List(Vec<Lit>),
    Tuple(Vec<Lit>),
    Set(Vec<Lit>),
    Dict(Vec<(Lit, Lit)>),
    /// `name(args)`: `np.array([...])`, a dataclass or NamedTuple repr, `frozenset({...})`.
    Call {
        name: String,
        args: Vec<(Option<String>, Lit)>,
    },
    /// Text the reader does not understand (`<Kind.A: 1>`, a cut value), normalised.
    Opaque(String),
}

/// Read `text` as a Python value; whatever cannot be read becomes [`Lit::Opaque`].
pub fn read(text: &str) -> Lit {
    let clean = normalise(text);
    match Node::parse(&clean).and_then(|node| lit(&node, 0)) {
        Some(v) => v,
        None => Lit::Opaque(clean),
    }
}

/// Remove what changes from run to run: object addresses and the program's module name.
pub fn normalise(text: &str) -> String {
    let text = text.replace("__anpl_program__.", "");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find(" at 0x") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 6..];
        let hex = after
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(after.len());
        rest = &after[hex..];
    }
    out.push_str(rest);
    out
}

/// How deep a value may nest before it is shown as text.
const MAX_DEPTH: usize = 64;

/// The value a node of the `repr` stands for: `(x)` is `x`, braces with `key: value`
/// entries a dict, a call's `name=value` entries its keywords. Atoms must be whole tokens
/// (a number, a name, a string, `<...>`); what is not (`1+2j`, `a b`) leaves the whole value
/// to be shown as text.
fn lit(node: &Node, depth: usize) -> Option<Lit> {
    if depth > MAX_DEPTH {
        return None;
    }
    let (head, open, items, trailing_comma) = match node {
        Node::Atom(text) => return atom(text),
        Node::Group {
            head,
            open,
            items,
            trailing_comma,
            ..
        } => (head, open, items, *trailing_comma),
    };
    if !head.is_empty() {
        if !is_name(head) {
            return None;
        }
        let args = items
            .iter()
            .map(|entry| {
                let key = match &entry.key {
                    None => None,
                    Some((Node::Atom(key), "=")) if is_keyword(key) => Some(key.to_string()),
                    Some(_) => return None,
                };
                Some((key, lit(&entry.value, depth + 1)?))
            })
            .collect::<Option<Vec<_>>>()?;
        return Some(Lit::Call {
            name: head.to_string(),
            args,
        });
    }
    match open {
        '[' => Some(Lit::List(values(items, depth)?)),
        '(' => {
            let mut v = values(items, depth)?;
            if v.len() == 1 && !trailing_comma {
                v.pop()
            } else {
                Some(Lit::Tuple(v))
            }
        }
        _ if items.iter().all(|e| e.key.is_none()) && !items.is_empty() => {
            Some(Lit::Set(values(items, depth)?))
        }
        _ => items
            .iter()
            .map(|entry| match &entry.key {
                Some((key, ": ")) => Some((lit(key, depth + 1)?, lit(&entry.value, depth + 1)?)),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(Lit::Dict),
    }
}

/// The items of a list, tuple or set: values without keys.
fn values(items: &[Entry], depth: usize) -> Option<Vec<Lit>> {
    items
        .iter()
        .map(|entry| match entry.key {
            None => lit(&entry.value, depth + 1),
            Some(_) => None,
        })
        .collect()
}

fn atom(text: &str) -> Option<Lit> {
    let b = text.as_bytes();
    let whole = |end: Option<usize>| end == Some(b.len());
    match *b.first()? {
        b'<' => whole(angle_end(b)).then(|| Lit::Opaque(text.to_string())),
        b'\'' | b'"' => whole(string_end(b, 0)).then(|| Lit::Str(text.to_string())),
        c if c == b'-' || c == b'+' || c == b'.' || c.is_ascii_digit() => {
            let number = b.iter().enumerate().all(|(i, &c)| {
                c.is_ascii_alphanumeric()
                    || c == b'.'
                    || c == b'_'
                    || ((c == b'-' || c == b'+') && (i == 0 || matches!(b[i - 1], b'e' | b'E')))
            });
            number.then(|| Lit::Atom(text.to_string()))
        }
        c if c.is_ascii_alphabetic() || c == b'_' => {
            let name = b
                .iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.'))
                .unwrap_or(b.len());
            if name == b.len() {
                return Some(Lit::Atom(text.to_string()));
            }
            // A string prefix: b'..', r'..'.
            (name <= 2 && whole(string_end(b, name))).then(|| Lit::Str(text.to_string()))
        }
        _ => None,
    }
}

/// Past the string literal that starts at `start` (a quote), escapes skipped.
fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let quote = *b.get(start).filter(|q| matches!(q, b'\'' | b'"'))?;
    let mut at = start + 1;
    while at < b.len() {
        match b[at] {
            b'\\' => at += 2,
            c if c == quote => return Some(at + 1),
            _ => at += 1,
        }
    }
    None
}

/// Past the `>` that closes the `<` at the start, nested angle brackets included.
fn angle_end(b: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    for (at, &c) in b.iter().enumerate() {
        match c {
            b'<' => depth += 1,
            b'>' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn is_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
}

fn is_keyword(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

fn is_array(name: &str) -> bool {
    matches!(name, "np.array" | "numpy.array" | "array")
}

impl Lit {
    /// The elements of a list, tuple or array (rows of a 2-D array).
    fn elements(&self) -> Option<&[Lit]> {
        match self {
            Lit::List(v) | Lit::Tuple(v) => Some(v),
            Lit::Call { name, args } if is_array(name) => {
                args.first().and_then(|(_, a)| a.elements())
            }
            _ => None,
        }
    }

    fn is_int(&self) -> bool {
        matches!(self, Lit::Atom(a) if a.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) && !a.is_empty() && a != "-")
    }

    /// Rows of a rectangular 2-D grid of integers 0-9 (an ARC grid): a list of lists or a
    /// 2-D array (tuples are records, not rows).
    pub fn grid(&self) -> Option<Vec<String>> {
        let is_array = matches!(self, Lit::Call { .. });
        if !is_array && !matches!(self, Lit::List(_)) {
            return None;
        }
        let rows = self.elements()?;
        if !is_array && rows.iter().any(|r| !matches!(r, Lit::List(_))) {
            return None;
        }
        // Small lists of lists of digits are as often records as grids: draw those as text.
        let list_min = GRID_MIN_LIST_SIDE;
        if !is_array
            && (rows.len() < list_min || rows[0].elements().map_or(0, <[Lit]>::len) < list_min)
        {
            return None;
        }
        let width = rows.first()?.elements()?.len();
        if width == 0 {
            return None;
        }
        rows.iter()
            .map(|r| {
                let cells = r.elements()?;
                if cells.len() != width {
                    return None;
                }
                cells
                    .iter()
                    .map(|c| match c {
                        Lit::Atom(a) if a.len() == 1 && a.as_bytes()[0].is_ascii_digit() => {
                            Some(a.as_str())
                        }
                        _ => None,
                    })
                    .collect::<Option<String>>()
            })
            .collect()
    }

    /// The shape of a rectangular nest of lists or an array: `[3, 4]`.
    fn shape(&self) -> Vec<usize> {
        let mut shape = Vec::new();
        let mut cur = self;
        while let Some(items) = cur.elements() {
            shape.push(items.len());
            let Some(first) = items.first() else { break };
            let width = first.elements().map(<[Lit]>::len);
            if width.is_none()
                || items
                    .iter()
                    .any(|i| i.elements().map(<[Lit]>::len) != width)
            {
                break;
            }
            cur = first;
        }
        shape
    }

    /// A Python-style type: `int`, `list[tuple[int, int]]`, `dict[str, int]`, `Point`.
    pub fn type_name(&self) -> String {
        match self {
            Lit::Atom(a) => match a.as_str() {
                "None" => "None".into(),
                "True" | "False" => "bool".into(),
                "inf" | "nan" => "float".into(),
                _ if self.is_int() => "int".into(),
                _ if a.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') => {
                    if a.ends_with('j') {
                        "complex".into()
                    } else {
                        "float".into()
                    }
                }
                _ => a.rsplit('.').nth(1).unwrap_or(a).to_string(),
            },
            Lit::Str(s) if s.starts_with('b') => "bytes".into(),
            Lit::Str(_) => "str".into(),
            Lit::List(v) => format!("list[{}]", common_type(v.iter())),
            Lit::Set(v) => format!("set[{}]", common_type(v.iter())),
            Lit::Tuple(v) if v.len() <= 4 => {
                let inner: Vec<String> = v.iter().map(Lit::type_name).collect();
                format!("tuple[{}]", inner.join(", "))
            }
            Lit::Tuple(v) => format!("tuple[{}, ...]", common_type(v.iter())),
            Lit::Dict(pairs) => format!(
                "dict[{}, {}]",
                common_type(pairs.iter().map(|(k, _)| k)),
                common_type(pairs.iter().map(|(_, v)| v))
            ),
            Lit::Call { name, args } if is_array(name) => {
                let dtype = args
                    .iter()
                    .find(|(k, _)| k.as_deref() == Some("dtype"))
                    .map(|(_, v)| match v {
                        Lit::Str(s) => s.trim_matches(|c| c == '\'' || c == '"').to_string(),
                        Lit::Atom(a) => a.rsplit('.').next().unwrap_or(a).to_string(),
                        other => other.type_name(),
                    });
                let leaf = dtype.unwrap_or_else(|| leaf_type(self));
                let shape: Vec<String> = self.shape().iter().map(usize::to_string).collect();
                format!("np.ndarray {} of {leaf}", shape.join("x"))
            }
            Lit::Call { name, .. } => name.rsplit('.').next().unwrap_or(name).to_string(),
            Lit::Opaque(text) => opaque_type(text),
        }
    }

    /// Compact source text within about `budget` characters: containers keep their first
    /// items and say how many more there are.
    pub fn short(&self, budget: usize) -> String {
        let mut out = String::new();
        self.write(&mut out, budget.max(8));
        out
    }

    fn write(&self, out: &mut String, budget: usize) {
        let limit = out.len() + budget;
        match self {
            Lit::Atom(a) | Lit::Str(a) => out.push_str(&cut(a, budget)),
            Lit::Opaque(text) => out.push_str(&cut(text, budget)),
            Lit::List(v) => write_items(out, "[", "]", &v.iter().collect::<Vec<_>>(), limit),
            Lit::Tuple(v) if v.len() == 1 => {
                out.push('(');
                v[0].write(out, budget.saturating_sub(3));
                out.push_str(",)");
            }
            Lit::Tuple(v) => write_items(out, "(", ")", &v.iter().collect::<Vec<_>>(), limit),
            Lit::Set(v) => {
                let mut sorted: Vec<&Lit> = v.iter().collect();
                sorted.sort_by_key(|l| l.short(64));
                write_items(out, "{", "}", &sorted, limit)
            }
            Lit::Dict(pairs) => write_seq(out, "{", "}", pairs.len(), limit, |out, i| {
                let (k, v) = &pairs[i];
                k.write(out, limit.saturating_sub(out.len()).max(4));
                out.push_str(": ");
                v.write(out, limit.saturating_sub(out.len()).max(4));
            }),
            Lit::Call { name, args } => {
                out.push_str(name);
                write_seq(out, "(", ")", args.len(), limit, |out, i| {
                    let (k, v) = &args[i];
                    if let Some(k) = k {
                        out.push_str(k);
                        out.push('=');
                    }
                    v.write(out, limit.saturating_sub(out.len()).max(4));
                });
            }
        }
    }
}

fn write_items(out: &mut String, open: &str, close: &str, items: &[&Lit], limit: usize) {
    write_seq(out, open, close, items.len(), limit, |out, i| {
        items[i].write(out, limit.saturating_sub(out.len()).max(4));
    });
}

/// `open`, the items written by `item` separated by commas until the text reaches `limit`,
/// then how many more there are, and `close`.
fn write_seq(
    out: &mut String,
    open: &str,
    close: &str,
    count: usize,
    limit: usize,
    mut item: impl FnMut(&mut String, usize),
) {
    out.push_str(open);
    for i in 0..count {
        if i > 0 {
            out.push_str(", ");
        }
        if out.len() >= limit.saturating_sub(4) {
            out.push_str(&format!("… +{} more", count - i));
            break;
        }
        item(out, i);
    }
    out.push_str(close);
}

fn common_type<'a>(items: impl Iterator<Item = &'a Lit>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for item in items.take(50) {
        let t = item.type_name();
        if !seen.contains(&t) {
            seen.push(t);
        }
    }
    match seen.len() {
        0 => "Any".into(),
        1..=3 => seen.join(" | "),
        _ => "Any".into(),
    }
}

fn leaf_type(lit: &Lit) -> String {
    let mut cur = lit;
    while let Some(first) = cur.elements().and_then(<[Lit]>::first) {
        cur = first;
    }
    if cur.elements().is_some() {
        return "Any".into();
    }
    cur.type_name()
}

/// `<Kind.RED: 1>` is a `Kind`; `<Account object>` an `Account`.
fn opaque_type(text: &str) -> String {
    let inner = text.trim_start_matches('<').trim_end_matches('>');
    let word = inner.split([' ', ':', '>']).next().unwrap_or("").trim();
    if inner.contains(" object") || !inner.contains('.') {
        return word.rsplit('.').next().unwrap_or("object").to_string();
    }
    // `Kind.RED` -> `Kind`
    word.rsplit_once('.').map_or(word, |(t, _)| t).to_string()
}

/// A parameter name for a value of this kind: `grid`, `items`, `text`, `point` (for a
/// `Point`).
pub fn name_for(lit: &Lit) -> String {
    if lit.grid().is_some() {
        return "grid".into();
    }
    let ty = lit.type_name();
    let head = ty.split(['[', ' ']).next().unwrap_or("");
    match head {
        "int" => "n".into(),
        "float" => "x".into(),
        "str" => "text".into(),
        "bytes" => "data".into(),
        "bool" => "flag".into(),
        "list" => "items".into(),
        "tuple" => "values".into(),
        "set" => "elements".into(),
        "dict" => "mapping".into(),
        "np.ndarray" => "array".into(),
        "None" | "" => "value".into(),
        other => snake_case(other),
    }
}

/// `GridPoint` -> `grid_point`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    let ok = out.starts_with(|c: char| c.is_ascii_alphabetic())
        && out.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        out
    } else {
        "value".into()
    }
}

/// How a value reads in a prompt: `type = short text`, or for a grid its size and rows of
/// digits on the lines below, each indented by `indent`.
pub fn describe(text: &str, truncated: bool, budget: usize, indent: &str) -> String {
    let lit = if truncated {
        Lit::Opaque(normalise(text))
    } else {
        read(text)
    };
    describe_value(&lit, truncated, budget, indent)
}

/// [`describe`] for a value already read.
pub fn describe_value(lit: &Lit, truncated: bool, budget: usize, indent: &str) -> String {
    if let Some(rows) = lit.grid() {
        let width = rows.first().map_or(0, String::len);
        let kind = if matches!(lit, Lit::Call { .. }) {
            "np.ndarray grid"
        } else {
            "grid (list of rows)"
        };
        let mut out = format!("{kind} {}x{width}:", rows.len());
        let shown = rows.len().min(GRID_ROWS);
        for row in &rows[..shown] {
            out.push('\n');
            out.push_str(indent);
            out.push_str(&cut(row, GRID_ROWS));
        }
        if rows.len() > shown {
            out.push_str(&format!("\n{indent}… {} more rows", rows.len() - shown));
        }
        return out;
    }
    let ty = lit.type_name();
    let count = match lit {
        Lit::List(v) | Lit::Set(v) | Lit::Tuple(v) if v.len() > 4 => {
            format!(" ({} items)", v.len())
        }
        Lit::Dict(p) if p.len() > 4 => format!(" ({} keys)", p.len()),
        _ => String::new(),
    };
    let cut = if truncated {
        " (cut: the value is larger)"
    } else {
        ""
    };
    let short = match lit {
        // The default repr of an object says nothing its type does not.
        Lit::Opaque(t) if t.contains(" object") => return format!("{ty} instance"),
        other => other.short(budget),
    };
    format!("{ty}{count} = {short}{cut}")
}

/// A list of lists of digits is drawn as a grid from this many rows and columns (arrays
/// always are).
const GRID_MIN_LIST_SIDE: usize = 3;

/// ARC grids are at most 30x30; larger ones are abbreviated to this many rows and columns.
const GRID_ROWS: usize = 30;

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn reads_containers_calls_and_strings() {
        assert_eq!(
            read("[(0, 1), (2, 3)]"),
            Lit::List(vec![
                Lit::Tuple(vec![Lit::Atom("0".into()), Lit::Atom("1".into())]),
                Lit::Tuple(vec![Lit::Atom("2".into()), Lit::Atom("3".into())]),
            ])
        );
        assert_eq!(read("{'a, b': -1.5e-3}").type_name(), "dict[str, float]");
        assert_eq!(read("Point(x=1, y=2)").type_name(), "Point");
        assert_eq!(read("{1, 2}").type_name(), "set[int]");
        assert_eq!(read("(1,)").type_name(), "tuple[int]");
        assert_eq!(read("b'x'").type_name(), "bytes");
        assert!(matches!(read("[1, 2"), Lit::Opaque(_)));
    }

    #[test]
    fn structure_that_is_not_a_python_value_is_shown_as_text() {
        assert_eq!(read("(3)"), Lit::Atom("3".into()));
        assert_eq!(read("{}"), Lit::Dict(Vec::new()));
        for text in [
            "[(1+2j)]",
            "[a b]",
            "[1: 2]",
            "(x=1)",
            "{1: 2, 3}",
            "{a=1}",
            "f(a.b=1)",
            "'a'(1)",
            "['''t''']",
        ] {
            assert_eq!(read(text), Lit::Opaque(text.into()), "{text}");
        }
        let deep = format!("{}1{}", "[".repeat(70), "]".repeat(70));
        assert!(matches!(read(&deep), Lit::Opaque(_)));
    }

    #[test]
    fn arrays_have_shape_and_dtype() {
        assert_eq!(
            read("np.array([[1, 2, 3], [4, 5, 6]])").type_name(),
            "np.ndarray 2x3 of int"
        );
        assert_eq!(
            read("np.array([1.5, 2.0], dtype=np.float32)").type_name(),
            "np.ndarray 2 of float32"
        );
    }

    #[test]
    fn grids_are_drawn_as_rows_of_digits() {
        assert_eq!(
            describe("np.array([[0, 1], [2, 0], [0, 0]])", false, 100, "  "),
            "np.ndarray grid 3x2:\n  01\n  20\n  00"
        );
        assert_eq!(
            describe("[[1, 1, 0], [0, 1, 1], [0, 0, 0]]", false, 100, ""),
            "grid (list of rows) 3x3:\n110\n011\n000"
        );
        // A short list of digit lists reads as records.
        assert_eq!(
            describe("[[0, 0, 2, 3], [1, 1, 4, 1]]", false, 100, ""),
            "list[list[int]] = [[0, 0, 2, 3], [1, 1, 4, 1]]"
        );
        // 10 is not a digit: not a grid, an array.
        assert_eq!(
            describe("np.array([[10, 1]])", false, 100, ""),
            "np.ndarray 1x2 of int = np.array([[10, 1]])"
        );
    }

    #[test]
    fn long_values_keep_their_first_items_and_say_how_many_more() {
        let text = format!(
            "[{}]",
            (0..100)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let short = describe(&text, false, 40, "");
        assert!(
            short.starts_with("list[int] (100 items) = [0, 1, 2"),
            "{short}"
        );
        assert!(short.ends_with("more]"), "{short}");
        assert!(short.len() < 90, "{short}");
    }

    #[test]
    fn object_reprs_are_stable_across_runs() {
        let a = describe(
            "<__anpl_program__.Account object at 0x7f083e6e6d10>",
            false,
            100,
            "",
        );
        assert_eq!(a, "Account instance");
        assert_eq!(read("<Kind.DEPOSIT: 1>").type_name(), "Kind");
        assert_eq!(read("{'b', 'a'}").short(100), read("{'a', 'b'}").short(100));
    }

    #[test]
    fn names_come_from_the_kind_of_value() {
        assert_eq!(name_for(&read("np.array([[0, 1]])")), "grid");
        assert_eq!(name_for(&read("[(1, 2)]")), "items");
        assert_eq!(name_for(&read("GridPoint(x=1)")), "grid_point");
        assert_eq!(name_for(&read("'a'")), "text");
        assert_eq!(name_for(&read("np.array([1.5])")), "array");
    }

    #[test]
    fn cut_values_say_so() {
        let d = describe("[1, 2, 3", true, 100, "");
        assert!(d.ends_with("(cut: the value is larger)"), "{d}");
    }
}
