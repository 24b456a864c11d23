//! Evaluation of [`Op`]s on [`Value`]s, mirroring CPython exactly for the subset.
//!
//! The search evaluates millions of candidate expressions, so it does so here in Rust rather
//! than in a Python worker. Wherever Rust cannot be sure to agree with Python (a float sum,
//! whose algorithm changed in Python 3.12; case mapping outside ASCII; an integer that
//! overflows 64 bits) the operation returns `None`, exactly as if Python had raised, and the
//! candidate is dropped: a missed candidate costs little, a wrong one would be accepted on
//! false evidence. Every result is checked in real Python afterwards anyway.

mod binary;
mod sequence;
#[cfg(test)]
mod tests;
mod unary;

use super::ops::Op;
use super::value::{int_as_exact_float, Value};
use binary::binary;
use sequence::slice;
use unary::unary;

/// Longest string or list an operation may build; bigger results are treated as failures so
/// that `s * n` or `range(n)` cannot exhaust memory.
pub const MAX_LEN: usize = 4096;

type R = Option<Value>;

pub fn apply(op: Op, args: &[&Value]) -> R {
    let a = *args.first()?;
    match args.len() {
        1 => unary(op, a),
        2 => binary(op, a, args[1]),
        _ => ternary(op, a, args[1], *args.get(2)?),
    }
}

fn items(v: &Value) -> Option<&[Value]> {
    match v {
        Value::List(x) | Value::Tuple(x) | Value::Set(x) => Some(x),
        _ => None,
    }
}

/// The elements when iterating: characters of a string become one-character strings.
fn iter_values(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Str(s) => Some(
            s.chars()
                .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
                .collect(),
        ),
        Value::Dict(d) => Some(d.iter().map(|(k, _)| k.clone()).collect()),
        other => items(other).map(<[Value]>::to_vec),
    }
}

fn list(v: Vec<Value>) -> R {
    (v.len() <= MAX_LEN).then(|| Value::list(v))
}

fn string(s: String) -> R {
    (s.len() <= MAX_LEN).then(|| Value::str(&s))
}

fn float(f: f64) -> R {
    f.is_finite().then_some(Value::Float(f))
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => int_as_exact_float(*i),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Python's whitespace for `str.split()` and `str.strip()`: ASCII includes the
/// file/group/record/unit separators, which Rust's `char::is_whitespace` does not.
pub fn py_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(
            c,
            ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1f'
        )
    } else {
        c.is_whitespace()
    }
}

fn ascii(s: &str) -> Option<&str> {
    s.is_ascii().then_some(s)
}

fn char_count(s: &str) -> usize {
    s.chars().count()
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

fn ternary(op: Op, a: &Value, b: &Value, c: &Value) -> R {
    match op {
        Op::IfElse => Some(if a.truthy() { b.clone() } else { c.clone() }),
        Op::Slice => slice(a, Some(int(b)?), Some(int(c)?), 1),
        Op::Replace => {
            let (s, old, new) = (text(a)?, text(b)?, text(c)?);
            // Bound the result before building it: '' as `old` inserts `new` everywhere.
            let hits = if old.is_empty() {
                char_count(s) + 1
            } else {
                s.matches(old).count()
            };
            if s.len() + hits * new.len() > MAX_LEN {
                return None;
            }
            Some(Value::str(&s.replace(old, new)))
        }
        Op::DictGet => match a {
            Value::Dict(d) => Some(
                d.iter()
                    .find(|(k, _)| k == b)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| c.clone()),
            ),
            _ => None,
        },
        _ => None,
    }
}
