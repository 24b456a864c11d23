//! JSON example values to Python source text, following the parameter's annotation
//! (DESIGN.md §2): a list becomes `np.array(...)` for `np.ndarray`, a tuple for
//! `tuple[...]`, a set for `set[...]`, and object keys become ints for `dict[int, ...]`.
//! The engine builds `CallSpec` expressions from these strings, so an ARC grid from an
//! examples file reaches `def main(grid: np.ndarray)` as an array.

use serde_json::Value;
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ValueError {
    #[error("key {key:?} is not an integer, but the annotation {annotation} wants int keys")]
    IntKey { key: String, annotation: String },
    #[error("key {key:?} is not a number, but the annotation {annotation} wants float keys")]
    FloatKey { key: String, annotation: String },
}

/// Python source for `value`, shaped by `annotation` (the parameter's annotation as written).
pub fn json_to_python(value: &Value, annotation: Option<&str>) -> Result<String, ValueError> {
    let ty = annotation.map(|a| Ty::parse(a.trim()));
    convert(value, ty.as_ref())
}

/// A parsed annotation: `name[args]`.
#[derive(Debug, Clone, PartialEq)]
struct Ty {
    name: String,
    args: Vec<Ty>,
    text: String,
}

impl Ty {
    fn parse(text: &str) -> Ty {
        // `X | None` and `Optional[X]` both mean X for a non-null value.
        let parts = split_top(text, '|');
        if parts.len() > 1 {
            if let Some(p) = parts.iter().find(|p| p.trim() != "None") {
                return Ty::parse(p.trim());
            }
        }
        let (name, args) = match text.find('[') {
            Some(i) if text.ends_with(']') => {
                let inner = &text[i + 1..text.len() - 1];
                let args = split_top(inner, ',')
                    .into_iter()
                    .map(|a| Ty::parse(a.trim()))
                    .collect();
                (text[..i].trim().to_string(), args)
            }
            _ => (text.to_string(), Vec::new()),
        };
        let short = name.rsplit('.').next().unwrap_or(&name).to_string();
        if short == "Optional" {
            if let Some(inner) = args.first() {
                return inner.clone();
            }
        }
        Ty {
            name: short,
            args,
            text: text.to_string(),
        }
    }

    fn arg(&self, i: usize) -> Option<&Ty> {
        self.args.get(i)
    }
}

fn split_top(text: &str, sep: char) -> Vec<&str> {
    let mut depth = 0i32;
    let mut start = 0;
    let mut parts = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            c if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn convert(value: &Value, ty: Option<&Ty>) -> Result<String, ValueError> {
    let Some(ty) = ty else {
        return plain(value, None);
    };
    match (ty.name.as_str(), value) {
        ("ndarray" | "NDArray" | "ArrayLike", Value::Array(_)) => {
            Ok(format!("np.array({})", plain(value, None)?))
        }
        ("tuple" | "Tuple", Value::Array(items)) => {
            let variadic = ty.args.len() == 2 && ty.args[1].name == "...";
            let parts = items
                .iter()
                .enumerate()
                .map(|(i, v)| convert(v, if variadic { ty.arg(0) } else { ty.arg(i) }))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(match parts.len() {
                1 => format!("({},)", parts[0]),
                _ => format!("({})", parts.join(", ")),
            })
        }
        ("set" | "Set" | "frozenset" | "FrozenSet", Value::Array(items)) => {
            let parts = items
                .iter()
                .map(|v| convert(v, ty.arg(0)))
                .collect::<Result<Vec<_>, _>>()?;
            let frozen = ty.name.eq_ignore_ascii_case("frozenset");
            Ok(match (frozen, parts.is_empty()) {
                (true, _) => format!("frozenset([{}])", parts.join(", ")),
                (false, true) => "set()".to_string(),
                (false, false) => format!("{{{}}}", parts.join(", ")),
            })
        }
        ("list" | "List" | "Sequence", Value::Array(items)) => {
            let parts = items
                .iter()
                .map(|v| convert(v, ty.arg(0)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("[{}]", parts.join(", ")))
        }
        ("dict" | "Dict" | "Mapping", Value::Object(map)) => {
            let mut parts = Vec::with_capacity(map.len());
            for (k, v) in map {
                let key = match ty.arg(0).map(|t| t.name.as_str()) {
                    Some("int") => {
                        k.trim()
                            .parse::<i64>()
                            .map(|n| n.to_string())
                            .map_err(|_| ValueError::IntKey {
                                key: k.clone(),
                                annotation: ty.text.clone(),
                            })?
                    }
                    Some("float") => {
                        k.trim()
                            .parse::<f64>()
                            .map(|n| format!("{n:?}"))
                            .map_err(|_| ValueError::FloatKey {
                                key: k.clone(),
                                annotation: ty.text.clone(),
                            })?
                    }
                    _ => string_literal(k),
                };
                parts.push(format!("{key}: {}", convert(v, ty.arg(1))?));
            }
            Ok(format!("{{{}}}", parts.join(", ")))
        }
        ("float", Value::Number(n)) if !n.is_f64() => Ok(format!("{}.0", n)),
        _ => plain(value, Some(ty)),
    }
}

fn plain(value: &Value, _ty: Option<&Ty>) -> Result<String, ValueError> {
    Ok(match value {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string_literal(s),
        Value::Array(items) => {
            let parts = items
                .iter()
                .map(|v| plain(v, None))
                .collect::<Result<Vec<_>, _>>()?;
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts = map
                .iter()
                .map(|(k, v)| Ok(format!("{}: {}", string_literal(k), plain(v, None)?)))
                .collect::<Result<Vec<_>, ValueError>>()?;
            format!("{{{}}}", parts.join(", "))
        }
    })
}

/// A JSON string literal is a valid Python string literal with the same value: serde_json
/// writes non-ASCII characters raw and escapes only `"`, `\` and control characters, all in
/// forms Python reads identically.
fn string_literal(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "''".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn py(v: Value, ann: Option<&str>) -> String {
        json_to_python(&v, ann).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn grid_becomes_array_for_ndarray() {
        assert_eq!(
            py(json!([[1, 2], [3, 4]]), Some("np.ndarray")),
            "np.array([[1, 2], [3, 4]])"
        );
        assert_eq!(
            py(json!([[1]]), Some("numpy.typing.NDArray[np.int64]")),
            "np.array([[1]])"
        );
    }

    #[test]
    fn containers_follow_the_annotation() {
        assert_eq!(py(json!([1, "a"]), Some("tuple[int, str]")), "(1, \"a\")");
        assert_eq!(py(json!([7]), Some("tuple[int, ...]")), "(7,)");
        assert_eq!(py(json!([]), Some("set[int]")), "set()");
        assert_eq!(
            py(json!([1, 2]), Some("frozenset[int]")),
            "frozenset([1, 2])"
        );
        assert_eq!(
            py(json!({"1": [1, 2]}), Some("dict[int, tuple[int, int]]")),
            "{1: (1, 2)}"
        );
        assert_eq!(
            py(json!([[1, 2]]), Some("list[tuple[int, int]]")),
            "[(1, 2)]"
        );
        assert_eq!(py(json!([1]), Some("Optional[set[int]]")), "{1}");
        assert_eq!(py(json!([1]), Some("set[int] | None")), "{1}");
        assert_eq!(py(json!(null), Some("set[int] | None")), "None");
    }

    #[test]
    fn plain_values_are_python_literals() {
        assert_eq!(
            py(json!({"a": [true, null, 1.5, "x\"y\n"]}), None),
            "{\"a\": [True, None, 1.5, \"x\\\"y\\n\"]}"
        );
        assert_eq!(py(json!(3), Some("float")), "3.0");
    }

    #[test]
    fn bad_int_key_names_key_and_annotation() {
        let err = json_to_python(&json!({"x": 1}), Some("dict[int, int]"));
        assert_eq!(
            err,
            Err(ValueError::IntKey {
                key: "x".into(),
                annotation: "dict[int, int]".into()
            })
        );
    }
}
