//! JSON values to Python source text (DESIGN.md §2, docs/values.md). Examples cross
//! between Rust and Python as source text, so a JSON value from an examples file is written
//! as the Python literal the parameter's annotation asks for: a list becomes `np.array(...)`
//! for an `np.ndarray`, a tuple for `tuple[...]`, a set for `set[...]`, and int-keyed dicts
//! get int keys. Where no annotation says (none, or a name this module does not know, such
//! as a type alias), [`Conversion`] applies the grid rule ANPL programs were written for:
//! when the sketch imports numpy, a rectangular grid of integers becomes an array. A type
//! chosen by that rule comes with a note naming the annotation that changes it.

use serde_json::Value;

use crate::pyrepr::str_repr;

/// A parsed type annotation: `head[args, ...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ann {
    head: String,
    args: Vec<Ann>,
}

impl Ann {
    fn parse(s: &str) -> Ann {
        let s = s.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        let unions = split_top(s, '|');
        if unions.len() > 1 {
            return Ann {
                head: "Union".into(),
                args: unions.iter().map(|u| Ann::parse(u)).collect(),
            };
        }
        match s.find('[') {
            Some(open) if s.ends_with(']') => Ann {
                head: s[..open].trim().to_string(),
                args: split_top(&s[open + 1..s.len() - 1], ',')
                    .iter()
                    .filter(|a| !a.trim().is_empty())
                    .map(|a| Ann::parse(a))
                    .collect(),
            },
            _ => Ann {
                head: s.to_string(),
                args: Vec::new(),
            },
        }
    }

    /// The last dotted segment, lowercased: `np.ndarray` -> `ndarray`, `typing.List` -> `list`.
    fn base(&self) -> String {
        self.head
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    }

    /// The module an array type lives in (`np` for `np.ndarray`, `numpy` for
    /// `numpy.ndarray`, `np` otherwise).
    fn array_module(&self) -> String {
        match self.head.rsplit_once('.') {
            Some((m, _)) if m == "np" || m == "numpy" => m.to_string(),
            _ => "np".to_string(),
        }
    }
}

fn split_top(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            _ => {}
        }
        if c == sep && depth == 0 {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// Convert a JSON value to Python source for a parameter (or return value) with the given
/// annotation.
pub fn json_to_python(value: &Value, annotation: Option<&str>) -> String {
    match annotation {
        Some(a) if !a.trim().is_empty() => convert(value, &Ann::parse(a)),
        _ => literal(value),
    }
}

/// How one sketch's JSON values become Python: the annotation where it names a type this
/// module knows, else the grid rule, which depends on whether the prelude imports numpy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conversion {
    /// The name the prelude binds numpy to (`np` for `import numpy as np`).
    numpy: Option<String>,
}

/// A JSON argument written as Python, with a note when the grid rule chose its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub text: String,
    pub note: Option<String>,
}

impl Conversion {
    pub fn for_prelude(prelude: &str) -> Conversion {
        Conversion {
            numpy: numpy_name(prelude),
        }
    }

    /// The argument for parameter `param`.
    pub fn argument(&self, value: &Value, param: &str, annotation: Option<&str>) -> Converted {
        if let Some(ann) = known_annotation(annotation) {
            return Converted {
                text: convert(value, &ann),
                note: None,
            };
        }
        if !is_grid(value) {
            return Converted {
                text: literal(value),
                note: None,
            };
        }
        match &self.numpy {
            Some(np) => Converted {
                text: format!("{np}.array({})", literal(value)),
                note: Some(format!(
                    "`{param}` received an np.ndarray: with numpy imported, a grid read from JSON reaches a parameter without a type annotation as an array (docs/values.md); annotate `{param}: list` to receive a list of lists"
                )),
            },
            None => Converted {
                text: literal(value),
                note: Some(format!(
                    "`{param}` received a list of lists: a grid read from JSON becomes an np.ndarray only when the sketch imports numpy (docs/values.md); add `import numpy as np` to the sketch to receive an array"
                )),
            },
        }
    }

    /// The expected value of a function whose return annotation is `annotation`. Compared
    /// as JSON (docs/values.md), so its type changes how it reads, never the verdict.
    pub fn output(&self, value: &Value, annotation: Option<&str>) -> String {
        if let Some(ann) = known_annotation(annotation) {
            return convert(value, &ann);
        }
        match &self.numpy {
            Some(np) if is_grid(value) => format!("{np}.array({})", literal(value)),
            _ => literal(value),
        }
    }
}

/// The annotation, parsed, when it names a type the conversion knows; `None` for no
/// annotation, `Any`, `object`, or a name defined elsewhere (a type alias, a class).
fn known_annotation(annotation: Option<&str>) -> Option<Ann> {
    let ann = Ann::parse(annotation?);
    let known = matches!(
        ann.base().as_str(),
        "ndarray"
            | "array"
            | "arraylike"
            | "optional"
            | "union"
            | "tuple"
            | "list"
            | "sequence"
            | "iterable"
            | "collection"
            | "set"
            | "frozenset"
            | "abstractset"
            | "dict"
            | "mapping"
            | "defaultdict"
            | "ordereddict"
            | "counter"
            | "int"
            | "float"
            | "str"
            | "bool"
            | "bytes"
            | "complex"
            | "none"
    );
    known.then_some(ann)
}

/// A grid in the ARC sense: at least one row, every row the same non-zero length, every
/// cell an integer.
fn is_grid(value: &Value) -> bool {
    let Value::Array(rows) = value else {
        return false;
    };
    let Some(Value::Array(first)) = rows.first() else {
        return false;
    };
    !first.is_empty()
        && rows.iter().all(|row| match row {
            Value::Array(cells) => {
                cells.len() == first.len() && cells.iter().all(|c| c.is_i64() || c.is_u64())
            }
            _ => false,
        })
}

/// The name `import numpy as np` (or `import numpy`) binds in the prelude.
fn numpy_name(prelude: &str) -> Option<String> {
    for line in prelude.lines() {
        let Some(rest) = line.trim().strip_prefix("import ") else {
            continue;
        };
        for item in rest.split(',') {
            let mut words = item.split_whitespace();
            let module = words.next().unwrap_or("");
            let top = module.split('.').next().unwrap_or("");
            if top != "numpy" {
                continue;
            }
            match (words.next(), words.next()) {
                (Some("as"), Some(alias)) if module == "numpy" => return Some(alias.to_string()),
                (None, _) => return Some("numpy".to_string()),
                _ => {}
            }
        }
    }
    None
}

fn convert(value: &Value, ann: &Ann) -> String {
    let arg = |i: usize| ann.args.get(i);
    let conv = |v: &Value, a: Option<&Ann>| match a {
        Some(a) => convert(v, a),
        None => literal(v),
    };
    match (ann.base().as_str(), value) {
        (_, Value::Null) => "None".into(),
        ("ndarray" | "array" | "arraylike", Value::Array(_)) => {
            format!("{}.array({})", ann.array_module(), literal(value))
        }
        ("optional", v) => conv(v, arg(0)),
        ("union", v) => conv(v, ann.args.iter().find(|a| a.head != "None")),
        ("tuple", Value::Array(items)) => {
            let homogeneous = ann.args.len() == 2 && ann.args[1].head == "...";
            let parts: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, v)| conv(v, if homogeneous { arg(0) } else { arg(i) }))
                .collect();
            match parts.len() {
                1 => format!("({},)", parts[0]),
                _ => format!("({})", parts.join(", ")),
            }
        }
        ("list" | "sequence" | "iterable" | "collection", Value::Array(items)) => {
            let parts: Vec<String> = items.iter().map(|v| conv(v, arg(0))).collect();
            format!("[{}]", parts.join(", "))
        }
        (kind @ ("set" | "frozenset" | "abstractset"), Value::Array(items)) => {
            let parts: Vec<String> = items.iter().map(|v| conv(v, arg(0))).collect();
            match (kind, parts.is_empty()) {
                ("frozenset", true) => "frozenset()".into(),
                ("frozenset", false) => format!("frozenset({{{}}})", parts.join(", ")),
                (_, true) => "set()".into(),
                (_, false) => format!("{{{}}}", parts.join(", ")),
            }
        }
        ("dict" | "mapping" | "defaultdict" | "ordereddict" | "counter", Value::Object(map)) => {
            let key_kind = arg(0).map(Ann::base).unwrap_or_default();
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    let key = match key_kind.as_str() {
                        "int" if k.parse::<i64>().is_ok() => k.clone(),
                        "float" if k.parse::<f64>().is_ok_and(f64::is_finite) => k.clone(),
                        "tuple" => match serde_json::from_str::<Value>(k) {
                            Ok(kv @ Value::Array(_)) => conv(&kv, arg(0)),
                            _ => str_repr(k),
                        },
                        _ => str_repr(k),
                    };
                    format!("{key}: {}", conv(v, arg(1)))
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        _ => literal(value),
    }
}

/// The Python literal for a JSON value with no type to follow.
fn literal(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => str_repr(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(literal).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", str_repr(k), literal(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use serde_json::json;

    #[test]
    fn arrays_follow_annotations() {
        let grid = json!([[1, 2], [3, 4]]);
        assert_eq!(
            json_to_python(&grid, Some("np.ndarray")),
            "np.array([[1, 2], [3, 4]])"
        );
        assert_eq!(
            json_to_python(&grid, Some("numpy.ndarray")),
            "numpy.array([[1, 2], [3, 4]])"
        );
        assert_eq!(json_to_python(&grid, None), "[[1, 2], [3, 4]]");
        assert_eq!(
            json_to_python(&json!([1, 2]), Some("tuple[int, int]")),
            "(1, 2)"
        );
        assert_eq!(json_to_python(&json!([1]), Some("Tuple[int, ...]")), "(1,)");
        assert_eq!(
            json_to_python(&json!([[1, 2]]), Some("set[tuple[int, int]]")),
            "{(1, 2)}"
        );
        assert_eq!(json_to_python(&json!([]), Some("set[int]")), "set()");
        assert_eq!(
            json_to_python(&json!([[0, 1]]), Some("List[np.ndarray]")),
            "[np.array([0, 1])]"
        );
    }

    #[test]
    fn grids_become_arrays_where_numpy_is_imported_and_nothing_says_otherwise() {
        let grid = json!([[1, 0], [0, 1]]);
        let np = Conversion::for_prelude("import numpy as np\nfrom typing import *\n");
        let plain = Conversion::for_prelude("import math\n");
        let arg = np.argument(&grid, "input", None);
        assert_eq!(arg.text, "np.array([[1, 0], [0, 1]])");
        assert!(arg.note.unwrap().contains("annotate `input: list`"));
        // An alias the sketch does not know is no annotation anpl can follow.
        assert_eq!(
            np.argument(&grid, "g", Some("Grid")).text,
            "np.array([[1, 0], [0, 1]])"
        );
        let listed = np.argument(&grid, "input", Some("list"));
        assert_eq!(
            (listed.text.as_str(), listed.note),
            ("[[1, 0], [0, 1]]", None)
        );
        let without = plain.argument(&grid, "input", None);
        assert_eq!(without.text, "[[1, 0], [0, 1]]");
        assert!(without.note.unwrap().contains("add `import numpy as np`"));
        // Not grids: 1-D, ragged, floats, empty.
        for v in [
            json!([1, 2]),
            json!([[1], [1, 2]]),
            json!([[1.5]]),
            json!([[]]),
            json!([]),
        ] {
            assert_eq!(np.argument(&v, "x", None).note, None, "{v}");
        }
        assert_eq!(np.output(&grid, None), "np.array([[1, 0], [0, 1]])");
        assert_eq!(
            np.output(&grid, Some("list[list[int]]")),
            "[[1, 0], [0, 1]]"
        );
        let numpy = Conversion::for_prelude("import os, numpy\n");
        assert_eq!(numpy.output(&grid, None), "numpy.array([[1, 0], [0, 1]])");
    }

    #[test]
    fn scalars_dicts_and_optionals() {
        assert_eq!(json_to_python(&json!(null), Some("int")), "None");
        assert_eq!(json_to_python(&json!(true), None), "True");
        assert_eq!(json_to_python(&json!(1.5), None), "1.5");
        assert_eq!(
            json_to_python(&json!("it's \"x\"\n"), None),
            r#"'it\'s "x"\n'"#
        );
        assert_eq!(json_to_python(&json!("it's"), None), r#""it's""#);
        assert_eq!(
            json_to_python(&json!({"1": "a", "x": 2}), Some("dict[int, str]")),
            "{1: 'a', 'x': 2}"
        );
        assert_eq!(
            json_to_python(&json!([1, 2]), Some("Optional[tuple[int, int]]")),
            "(1, 2)"
        );
        assert_eq!(
            json_to_python(&json!([1]), Some("np.ndarray | None")),
            "np.array([1])"
        );
    }
}
