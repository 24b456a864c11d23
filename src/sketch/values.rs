//! JSON values to Python source text (DESIGN.md §2). Examples cross between Rust and
//! Python as source text, so a JSON value from an examples file or a front end is written
//! as the Python literal the parameter's annotation asks for: a list becomes `np.array(...)`
//! for an `np.ndarray`, a tuple for `tuple[...]`, a set for `set[...]`, and int-keyed dicts
//! get int keys.

use serde_json::Value;

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
                            _ => py_str(k),
                        },
                        _ => py_str(k),
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
        Value::String(s) => py_str(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(literal).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_str(k), literal(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// A Python string literal, quoted the way `repr` would.
pub(crate) fn py_str(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
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
