//! Operations of two arguments: arithmetic with Python's rounding of `//` and `%`,
//! comparisons, membership, and the two-argument methods of strings and sequences.

use std::cmp::Ordering;
use std::sync::Arc;

use super::sequence::{index, slice};
use super::{as_f64, char_count, float, int, items, iter_values, list, string, text, MAX_LEN, R};
use crate::synth::ops::Op;
use crate::synth::value::{int_as_exact_float, py_cmp, Value};

fn floor_div(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let q = a.checked_div(b)?;
    Some(if a % b != 0 && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    })
}

fn py_mod(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let r = a.checked_rem(b)?;
    Some(if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    })
}

fn arith(op: Op, a: &Value, b: &Value) -> R {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return match op {
            Op::Add => x.checked_add(*y).map(Value::Int),
            Op::Sub => x.checked_sub(*y).map(Value::Int),
            Op::Mul => x.checked_mul(*y).map(Value::Int),
            Op::TrueDiv if *y != 0 => float(int_as_exact_float(*x)? / int_as_exact_float(*y)?),
            _ => None,
        };
    }
    let (x, y) = (as_f64(a)?, as_f64(b)?);
    match op {
        Op::Add => float(x + y),
        Op::Sub => float(x - y),
        Op::Mul => float(x * y),
        Op::TrueDiv if y != 0.0 => float(x / y),
        _ => None,
    }
}

fn compare(op: Op, a: &Value, b: &Value) -> R {
    let o = py_cmp(a, b)?;
    Some(Value::Bool(match op {
        Op::Lt => o == Ordering::Less,
        Op::Le => o != Ordering::Greater,
        Op::Gt => o == Ordering::Greater,
        _ => o != Ordering::Less,
    }))
}

fn contains(hay: &Value, needle: &Value) -> Option<bool> {
    match hay {
        Value::Str(h) => Some(h.contains(text(needle)?)),
        Value::Dict(d) => Some(d.iter().any(|(k, _)| k == needle)),
        other => Some(items(other)?.iter().any(|x| x == needle)),
    }
}

pub(super) fn binary(op: Op, a: &Value, b: &Value) -> R {
    use Op::*;
    match op {
        Index => match a {
            Value::Dict(d) => d.iter().find(|(k, _)| k == b).map(|(_, v)| v.clone()),
            _ => index(a, int(b)?),
        },
        Add => match (a, b) {
            (Value::Str(x), Value::Str(y)) => string(format!("{x}{y}")),
            (Value::List(x), Value::List(y)) => list(x.iter().chain(y.iter()).cloned().collect()),
            (Value::Tuple(x), Value::Tuple(y)) => {
                Some(Value::Tuple(x.iter().chain(y.iter()).cloned().collect()))
            }
            _ => arith(op, a, b),
        },
        Sub => match (a, b) {
            (Value::Set(x), Value::Set(y)) => {
                Value::new_set(x.iter().filter(|v| !y.contains(v)).cloned().collect())
            }
            _ => arith(op, a, b),
        },
        Mul => match (a, b) {
            (Value::Str(s), Value::Int(n)) => {
                let n = (*n).max(0) as usize;
                if s.len().saturating_mul(n) > MAX_LEN {
                    return None;
                }
                Some(Value::str(&s.repeat(n)))
            }
            (Value::List(x), Value::Int(n)) => {
                let n = (*n).max(0) as usize;
                if x.len().saturating_mul(n) > MAX_LEN {
                    return None;
                }
                list(x.iter().cycle().take(x.len() * n).cloned().collect())
            }
            _ => arith(op, a, b),
        },
        TrueDiv => arith(op, a, b),
        FloorDiv => floor_div(int(a)?, int(b)?).map(Value::Int),
        Mod => py_mod(int(a)?, int(b)?).map(Value::Int),
        Pow => {
            let e = u32::try_from(int(b)?).ok()?;
            int(a)?.checked_pow(e).map(Value::Int)
        }
        Eq => Some(Value::Bool(a == b)),
        Ne => Some(Value::Bool(a != b)),
        Lt | Le | Gt | Ge => compare(op, a, b),
        In => contains(b, a).map(Value::Bool),
        NotIn => contains(b, a).map(|c| Value::Bool(!c)),
        And => Some(Value::Bool(a.truthy() && b.truthy())),
        Or => Some(Value::Bool(a.truthy() || b.truthy())),
        Min2 | Max2 => {
            let o = py_cmp(b, a)?;
            // min(a, b) returns a unless b < a; max(a, b) returns a unless b > a.
            let take_b = if op == Min2 {
                o == Ordering::Less
            } else {
                o == Ordering::Greater
            };
            Some(if take_b { b.clone() } else { a.clone() })
        }
        SliceFrom => slice(a, Some(int(b)?), None, 1),
        SliceTo => slice(a, None, Some(int(b)?), 1),
        SliceStep => slice(a, None, None, int(b)?),
        Count => match a {
            Value::Str(s) => {
                let sub = text(b)?;
                let n = if sub.is_empty() {
                    char_count(s) + 1
                } else {
                    s.matches(sub).count()
                };
                Some(Value::Int(n as i64))
            }
            other => Some(Value::Int(
                items(other)?.iter().filter(|x| *x == b).count() as i64
            )),
        },
        Find | IndexOf => {
            let pos = match a {
                Value::Str(s) => s.find(text(b)?).map(|byte| char_count(&s[..byte])),
                other => items(other)?.iter().position(|x| x == b),
            };
            match (pos, op) {
                (Some(p), _) => Some(Value::Int(p as i64)),
                (None, Find) => Some(Value::Int(-1)),
                (None, _) => None,
            }
        }
        Split => {
            let sep = text(b)?;
            if sep.is_empty() {
                return None;
            }
            list(text(a)?.split(sep).map(Value::str).collect())
        }
        Join => {
            let sep = text(a)?;
            let parts: Option<Vec<&str>> = items(b)?.iter().map(text).collect();
            string(parts?.join(sep))
        }
        StartsWith => Some(Value::Bool(text(a)?.starts_with(text(b)?))),
        EndsWith => Some(Value::Bool(text(a)?.ends_with(text(b)?))),
        StripChars => {
            let set = text(b)?;
            Some(Value::str(text(a)?.trim_matches(|c| set.contains(c))))
        }
        ZFill => {
            let s = text(a)?;
            let width = usize::try_from(int(b)?).unwrap_or(0);
            let have = char_count(s);
            if have >= width {
                return Some(a.clone());
            }
            if width > MAX_LEN {
                return None;
            }
            // Python puts the zeros after a leading sign.
            let (sign, digits) = match s.chars().next() {
                Some(c @ ('+' | '-')) => (c.to_string(), &s[1..]),
                _ => (String::new(), s),
            };
            string(format!("{sign}{}{digits}", "0".repeat(width - have)))
        }
        Range2 => {
            let (lo, hi) = (int(a)?, int(b)?);
            if hi.saturating_sub(lo) > MAX_LEN as i64 {
                return None;
            }
            list((lo..hi).map(Value::Int).collect())
        }
        Zip => {
            let (x, y) = (iter_values(a)?, iter_values(b)?);
            list(
                x.into_iter()
                    .zip(y)
                    .map(|(p, q)| Value::Tuple(Arc::from(vec![p, q])))
                    .collect(),
            )
        }
        _ => None,
    }
}
