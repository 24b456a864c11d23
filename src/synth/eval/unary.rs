//! Operations of one argument: builtins (`len`, `sum`, `sorted`, `int`, …) and the
//! string methods that take no argument.

use std::cmp::Ordering;
use std::sync::Arc;

use super::sequence::{extreme, len_key, slice, sort};
use super::{ascii, float, int, items, iter_values, list, py_space, string, text, MAX_LEN, R};
use crate::synth::ops::Op;
use crate::synth::value::{float_repr, Value};

fn py_int_parse(s: &str) -> Option<i64> {
    let t = s.trim_matches(py_space);
    let (neg, digits) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let v: i64 = clean.parse().ok()?;
    Some(if neg { -v } else { v })
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_cased = false;
    for c in s.chars() {
        out.push(if prev_cased {
            c.to_ascii_lowercase()
        } else {
            c.to_ascii_uppercase()
        });
        prev_cased = c.is_ascii_alphabetic();
    }
    out
}

pub(super) fn unary(op: Op, a: &Value) -> R {
    use Op::*;
    match op {
        Len => len_key(a).or_else(|| match a {
            Value::Dict(d) => Some(Value::Int(d.len() as i64)),
            _ => None,
        }),
        Sum => {
            let mut acc: i64 = 0;
            for x in items(a)? {
                acc = acc.checked_add(match x {
                    Value::Int(i) => *i,
                    Value::Bool(b) => *b as i64,
                    _ => return None,
                })?;
            }
            Some(Value::Int(acc))
        }
        Max | Min => {
            let want = if op == Max {
                Ordering::Greater
            } else {
                Ordering::Less
            };
            extreme(&iter_values(a)?, want, |v| Some(v.clone()))
        }
        Sorted | SortedDesc => list(sort(iter_values(a)?, op == SortedDesc, |v| {
            Some(v.clone())
        })?),
        Reverse => slice(a, None, None, -1),
        SetOf => Value::new_set(iter_values(a)?),
        ListOf => list(iter_values(a)?),
        Abs => match a {
            Value::Int(i) => i.checked_abs().map(Value::Int),
            Value::Float(f) => float(f.abs()),
            _ => None,
        },
        Neg => match a {
            Value::Int(i) => i.checked_neg().map(Value::Int),
            Value::Float(f) => float(-f),
            _ => None,
        },
        Not => Some(Value::Bool(!a.truthy())),
        StrOf => match a {
            Value::Int(i) => Some(Value::str(&i.to_string())),
            Value::Float(f) => Some(Value::str(&float_repr(*f))),
            Value::Bool(_) => Some(Value::str(&a.repr())),
            _ => None,
        },
        IntOf => match a {
            Value::Str(s) => py_int_parse(s).map(Value::Int),
            Value::Float(f) if f.is_finite() && f.abs() < 9.0e18 => {
                Some(Value::Int(f.trunc() as i64))
            }
            Value::Bool(b) => Some(Value::Int(*b as i64)),
            _ => None,
        },
        Round => match a {
            Value::Float(f) if f.is_finite() && f.abs() < 9.0e18 => {
                Some(Value::Int(f.round_ties_even() as i64))
            }
            _ => None,
        },
        Upper => string(text(a)?.to_uppercase()),
        Lower => string(text(a)?.to_lowercase()),
        Strip => Some(Value::str(text(a)?.trim_matches(py_space))),
        Title => Some(Value::str(&title(ascii(text(a)?)?))),
        Capitalize => {
            let s = ascii(text(a)?)?;
            let mut out = String::with_capacity(s.len());
            for (i, c) in s.chars().enumerate() {
                out.push(if i == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                });
            }
            Some(Value::str(&out))
        }
        SwapCase => {
            let s = ascii(text(a)?)?;
            let out: String = s
                .chars()
                .map(|c| {
                    if c.is_ascii_uppercase() {
                        c.to_ascii_lowercase()
                    } else {
                        c.to_ascii_uppercase()
                    }
                })
                .collect();
            Some(Value::str(&out))
        }
        SplitWs => list(
            text(a)?
                .split(py_space)
                .filter(|w| !w.is_empty())
                .map(Value::str)
                .collect(),
        ),
        IsDigit | IsAlpha | IsAlnum | IsSpace => {
            let s = ascii(text(a)?)?;
            let pred: fn(&char) -> bool = match op {
                IsDigit => |c| c.is_ascii_digit(),
                IsAlpha => |c| c.is_ascii_alphabetic(),
                IsAlnum => |c| c.is_ascii_alphanumeric(),
                _ => |c| py_space(*c),
            };
            Some(Value::Bool(!s.is_empty() && s.chars().all(|c| pred(&c))))
        }
        IsUpper | IsLower => {
            let s = ascii(text(a)?)?;
            let cased = s.chars().any(|c| c.is_ascii_alphabetic());
            let ok = if op == IsUpper {
                !s.chars().any(|c| c.is_ascii_lowercase())
            } else {
                !s.chars().any(|c| c.is_ascii_uppercase())
            };
            Some(Value::Bool(cased && ok))
        }
        Any => Some(Value::Bool(iter_values(a)?.iter().any(Value::truthy))),
        All => Some(Value::Bool(iter_values(a)?.iter().all(Value::truthy))),
        Range => {
            let n = int(a)?;
            if n > MAX_LEN as i64 {
                return None;
            }
            list((0..n.max(0)).map(Value::Int).collect())
        }
        Enumerate => list(
            iter_values(a)?
                .into_iter()
                .enumerate()
                .map(|(i, v)| Value::Tuple(Arc::from(vec![Value::Int(i as i64), v])))
                .collect(),
        ),
        Prod => {
            let mut acc: i64 = 1;
            for x in items(a)? {
                acc = acc.checked_mul(int(x)?)?;
            }
            Some(Value::Int(acc))
        }
        SortedByLen => list(sort(items(a)?.to_vec(), false, len_key)?),
        MaxByLen => extreme(items(a)?, Ordering::Greater, len_key),
        MinByLen => extreme(items(a)?, Ordering::Less, len_key),
        Transpose => {
            let rows = items(a)?;
            let width = rows
                .iter()
                .map(|r| items(r).map(<[Value]>::len))
                .min()
                .unwrap_or(Some(0))?;
            let mut cols = Vec::with_capacity(width);
            for j in 0..width {
                let col: Option<Vec<Value>> = rows
                    .iter()
                    .map(|r| items(r).map(|r| r[j].clone()))
                    .collect();
                cols.push(Value::list(col?));
            }
            list(cols)
        }
        Flatten => {
            let mut out = Vec::new();
            for r in items(a)? {
                out.extend(items(r)?.iter().cloned());
            }
            list(out)
        }
        DictValues => match a {
            Value::Dict(d) => list(d.iter().map(|(_, v)| v.clone()).collect()),
            _ => None,
        },
        DictItems => match a {
            Value::Dict(d) => list(
                d.iter()
                    .map(|(k, v)| Value::Tuple(Arc::from(vec![k.clone(), v.clone()])))
                    .collect(),
            ),
            _ => None,
        },
        _ => None,
    }
}
