//! Slicing, indexing, sorting and the extremes of sequences, as CPython does them.

use std::cmp::Ordering;

use super::{char_count, items, R};
use crate::synth::value::{py_cmp, Value};

/// Python's `slice.indices` followed by the selection it describes.
pub(super) fn slice_indices(
    len: usize,
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
) -> Option<Vec<usize>> {
    if step == 0 {
        return None;
    }
    let len = len as i64;
    let (lower, upper) = if step > 0 { (0, len) } else { (-1, len - 1) };
    let clamp = |v: Option<i64>, default: i64| match v {
        None => default,
        Some(v) if v < 0 => (v + len).max(lower),
        Some(v) => v.min(upper),
    };
    let start = clamp(start, if step > 0 { lower } else { upper });
    let stop = clamp(stop, if step > 0 { upper } else { lower });
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        i += step;
    }
    Some(out)
}

pub(super) fn slice(v: &Value, start: Option<i64>, stop: Option<i64>, step: i64) -> R {
    match v {
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            let idx = slice_indices(chars.len(), start, stop, step)?;
            Some(Value::str(
                &idx.into_iter().map(|i| chars[i]).collect::<String>(),
            ))
        }
        Value::List(x) => {
            let idx = slice_indices(x.len(), start, stop, step)?;
            Some(Value::list(idx.into_iter().map(|i| x[i].clone()).collect()))
        }
        Value::Tuple(x) => {
            let idx = slice_indices(x.len(), start, stop, step)?;
            Some(Value::Tuple(
                idx.into_iter().map(|i| x[i].clone()).collect(),
            ))
        }
        _ => None,
    }
}

pub(super) fn index(seq: &Value, i: i64) -> R {
    let get = |len: usize| -> Option<usize> {
        let j = if i < 0 { i + len as i64 } else { i };
        (0..len as i64).contains(&j).then_some(j as usize)
    };
    match seq {
        Value::Str(s) => {
            let n = char_count(s);
            s.chars()
                .nth(get(n)?)
                .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
        }
        Value::List(x) | Value::Tuple(x) => Some(x[get(x.len())?].clone()),
        _ => None,
    }
}

/// `min`/`max` keep the first of equal extremes, as CPython does.
pub(super) fn extreme(xs: &[Value], want: Ordering, key: impl Fn(&Value) -> Option<Value>) -> R {
    let mut best: Option<(&Value, Value)> = None;
    for x in xs {
        let k = key(x)?;
        match &best {
            None => best = Some((x, k)),
            Some((_, bk)) => {
                if py_cmp(&k, bk)? == want {
                    best = Some((x, k));
                }
            }
        }
    }
    best.map(|(v, _)| v.clone())
}

/// A stable sort by Python's `<`, failing if two elements cannot be compared. With
/// `reverse`, equal elements keep their original order, as in Python.
pub(super) fn sort(
    mut xs: Vec<Value>,
    reverse: bool,
    key: impl Fn(&Value) -> Option<Value>,
) -> Option<Vec<Value>> {
    let keys: Option<Vec<Value>> = xs.iter().map(&key).collect();
    let keys = keys?;
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    let mut failed = false;
    idx.sort_by(|&i, &j| {
        let o = py_cmp(&keys[i], &keys[j]).unwrap_or_else(|| {
            failed = true;
            Ordering::Equal
        });
        if reverse {
            o.reverse()
        } else {
            o
        }
    });
    if failed {
        return None;
    }
    let mut taken: Vec<Option<Value>> = xs.drain(..).map(Some).collect();
    Some(idx.into_iter().filter_map(|i| taken[i].take()).collect())
}

pub(super) fn len_key(v: &Value) -> Option<Value> {
    Some(Value::Int(match v {
        Value::Str(s) => char_count(s),
        other => items(other)?.len(),
    } as i64))
}
