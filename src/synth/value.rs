//! Python values as the synthesizer sees them: the data of examples and of every
//! intermediate result in the search bank.
//!
//! Equality here is *strict*: `1`, `1.0` and `True` are different values, because a program
//! whose result prints differently from the expected value is not the one the user asked for,
//! and because the observational-equivalence table must not merge expressions that behave
//! differently later (`str(1)` is not `str(1.0)`). Dicts and sets compare without regard to
//! order, as in Python. `repr` renders a value as Python source text; the literal parser that
//! reads example text lives in `literal.rs`.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::pyrepr::str_repr;

/// A Python value of the subset the synthesizer handles.
#[derive(Debug, Clone)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    List(Arc<[Value]>),
    Tuple(Arc<[Value]>),
    /// Elements kept sorted and distinct (see [`Value::new_set`]), so equal sets are equal
    /// vectors. Iterating a set in Python has no order a program may rely on, so only
    /// order-free operations (`sorted`, `len`, `in`, `min`, `max`) accept one.
    Set(Arc<[Value]>),
    /// Pairs in insertion order (Python dicts keep it); equality ignores order.
    Dict(Arc<[(Value, Value)]>),
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::from(items))
    }

    /// Builds a set from any elements: sorts them by Python order and drops duplicates.
    /// Returns `None` when two elements cannot be ordered (mixed kinds), which Python would
    /// allow but which the synthesizer declines rather than guess an iteration order.
    pub fn new_set(mut items: Vec<Value>) -> Option<Value> {
        let mut failed = false;
        items.sort_by(|a, b| match py_cmp(a, b) {
            Some(o) => o,
            None => {
                failed = true;
                Ordering::Equal
            }
        });
        if failed {
            return None;
        }
        items.dedup();
        Some(Value::Set(Arc::from(items)))
    }

    /// The Python type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Set(_) => "set",
            Value::Dict(_) => "dict",
        }
    }

    /// Python truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => !v.is_empty(),
            Value::Dict(d) => !d.is_empty(),
        }
    }

    /// A rough measure of how much memory the value holds, used to cap the bank.
    pub fn weight(&self) -> usize {
        match self {
            Value::Str(s) => 1 + s.len() / 8,
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => {
                1 + v.iter().map(Value::weight).sum::<usize>()
            }
            Value::Dict(d) => {
                1 + d
                    .iter()
                    .map(|(k, v)| k.weight() + v.weight())
                    .sum::<usize>()
            }
            _ => 1,
        }
    }

    /// Python `repr`, which is also valid Python source for the value.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out);
        out
    }

    fn write_repr(&self, out: &mut String) {
        match self {
            Value::None => out.push_str("None"),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => out.push_str(&float_repr(*f)),
            Value::Str(s) => out.push_str(&str_repr(s)),
            Value::List(items) => {
                out.push('[');
                write_items(items, out);
                out.push(']');
            }
            Value::Tuple(items) => {
                out.push('(');
                write_items(items, out);
                if items.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            Value::Set(items) => {
                if items.is_empty() {
                    out.push_str("set()");
                } else {
                    out.push('{');
                    write_items(items, out);
                    out.push('}');
                }
            }
            Value::Dict(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write_repr(out);
                    out.push_str(": ");
                    v.write_repr(out);
                }
                out.push('}');
            }
        }
    }
}

fn write_items(items: &[Value], out: &mut String) {
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        v.write_repr(out);
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, positional notation for
/// exponents in -4..16, scientific otherwise, always with a `.0` or an exponent.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    // Rust's `{:e}` gives the same shortest round-trip digits as Python's repr.
    let sci = format!("{f:e}");
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let n = digits.len() as i32;
        let body = if exp >= 0 {
            let int_len = exp + 1;
            if n <= int_len {
                format!("{digits}{}.0", "0".repeat((int_len - n) as usize))
            } else {
                let (a, b) = digits.split_at(int_len as usize);
                format!("{a}.{b}")
            }
        } else {
            format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let mant = if rest.is_empty() {
            first.to_string()
        } else {
            format!("{first}.{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{mant}e{esign}{:02}", exp.abs())
    }
}

/// Python's `<`-based ordering for values of comparable kinds; `None` when Python would
/// raise `TypeError` (or when the synthesizer cannot mirror the comparison exactly).
pub fn py_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(x), Value::Float(y)) => int_as_exact_float(*x)?.partial_cmp(y),
        (Value::Float(x), Value::Int(y)) => x.partial_cmp(&int_as_exact_float(*y)?),
        // UTF-8 byte order is code point order, which is how Python compares strings.
        (Value::Str(x), Value::Str(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                if p != q {
                    return py_cmp(p, q);
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => None,
    }
}

/// The float an int converts to, when the conversion is exact (|i| <= 2^53).
pub fn int_as_exact_float(i: i64) -> Option<f64> {
    if i.unsigned_abs() <= (1u64 << 53) {
        Some(i as f64)
    } else {
        None
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits() || a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b))
            | (Value::Tuple(a), Value::Tuple(b))
            | (Value::Set(a), Value::Set(b)) => a == b,
            (Value::Dict(a), Value::Dict(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2))
            }
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Value::None => {}
            Value::Bool(b) => b.hash(state),
            Value::Int(i) => i.hash(state),
            // 0.0 == -0.0, so both must hash alike.
            Value::Float(f) => (if *f == 0.0 { 0.0f64 } else { *f }).to_bits().hash(state),
            Value::Str(s) => s.hash(state),
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => v.hash(state),
            Value::Dict(d) => {
                // Order-free: combine the pair hashes commutatively.
                let mut acc: u64 = 0;
                for (k, v) in d.iter() {
                    let mut h = rustc_hash::FxHasher::default();
                    k.hash(&mut h);
                    v.hash(&mut h);
                    acc = acc.wrapping_add(h.finish());
                }
                d.len().hash(state);
                acc.hash(state);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        let cases = [
            (2.0, "2.0"),
            (4.5, "4.5"),
            (0.1, "0.1"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (123.456, "123.456"),
            (1e100, "1e+100"),
            (f64::INFINITY, "inf"),
        ];
        for (f, want) in cases {
            assert_eq!(float_repr(f), want, "repr of {f}");
        }
    }

    #[test]
    fn strict_equality_separates_numeric_kinds() {
        assert_ne!(Value::Int(1), Value::Float(1.0));
        assert_ne!(Value::Int(1), Value::Bool(true));
        assert_eq!(Value::Float(0.0), Value::Float(-0.0));
    }

    #[test]
    fn dicts_compare_without_order() {
        let a = Value::Dict(Arc::from(vec![
            (Value::str("a"), Value::Int(1)),
            (Value::str("b"), Value::Int(2)),
        ]));
        let b = Value::Dict(Arc::from(vec![
            (Value::str("b"), Value::Int(2)),
            (Value::str("a"), Value::Int(1)),
        ]));
        assert_eq!(a, b);
        let hash = |v: &Value| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            v.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&a), hash(&b));
    }

    #[test]
    fn sets_are_canonical() {
        let a = Value::new_set(vec![Value::Int(3), Value::Int(1), Value::Int(3)]);
        let b = Value::new_set(vec![Value::Int(1), Value::Int(3)]);
        assert_eq!(a, b);
        assert_eq!(a.map(|v| v.repr()), Some("{1, 3}".to_string()));
        assert_eq!(
            Value::new_set(vec![Value::Int(1), Value::str("a")]),
            None,
            "mixed kinds have no order"
        );
    }

    #[test]
    fn python_ordering() {
        assert_eq!(
            py_cmp(&Value::str("B"), &Value::str("a")),
            Some(Ordering::Less)
        );
        let l = |v: Vec<i64>| Value::list(v.into_iter().map(Value::Int).collect());
        assert_eq!(
            py_cmp(&l(vec![1, 2]), &l(vec![1, 2, 0])),
            Some(Ordering::Less)
        );
        assert_eq!(py_cmp(&Value::Int(1), &Value::str("a")), None);
        assert_eq!(
            py_cmp(&Value::Int(2), &Value::Float(1.5)),
            Some(Ordering::Greater)
        );
    }
}
