//! Evaluation of [`Op`]s on [`Value`]s, mirroring CPython exactly for the subset.
//!
//! The search evaluates millions of candidate expressions, so it does so here in Rust rather
//! than in a Python worker. Wherever Rust cannot be sure to agree with Python (a float sum,
//! whose algorithm changed in Python 3.12; case mapping outside ASCII; an integer that
//! overflows 64 bits) the operation returns `None`, exactly as if Python had raised, and the
//! candidate is dropped: a missed candidate costs little, a wrong one would be accepted on
//! false evidence. Every result is checked in real Python afterwards anyway.

use std::cmp::Ordering;
use std::sync::Arc;

use super::ops::Op;
use super::value::{float_repr, int_as_exact_float, py_cmp, Value};

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

/// Python's `slice.indices` followed by the selection it describes.
fn slice_indices(
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

fn slice(v: &Value, start: Option<i64>, stop: Option<i64>, step: i64) -> R {
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

/// `min`/`max` keep the first of equal extremes, as CPython does.
fn extreme(xs: &[Value], want: Ordering, key: impl Fn(&Value) -> Option<Value>) -> R {
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
fn sort(
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

fn len_key(v: &Value) -> Option<Value> {
    Some(Value::Int(match v {
        Value::Str(s) => char_count(s),
        other => items(other)?.len(),
    } as i64))
}

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

fn unary(op: Op, a: &Value) -> R {
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

fn index(seq: &Value, i: i64) -> R {
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

fn binary(op: Op, a: &Value, b: &Value) -> R {
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

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn s(x: &str) -> Value {
        Value::str(x)
    }
    fn i(x: i64) -> Value {
        Value::Int(x)
    }
    fn ints(v: &[i64]) -> Value {
        Value::list(v.iter().map(|x| Value::Int(*x)).collect())
    }
    fn run(op: Op, args: &[Value]) -> Option<String> {
        let refs: Vec<&Value> = args.iter().collect();
        apply(op, &refs).map(|v| v.repr())
    }

    #[test]
    fn floor_division_and_modulo_of_negatives() {
        assert_eq!(run(Op::FloorDiv, &[i(-7), i(2)]), Some("-4".into()));
        assert_eq!(run(Op::FloorDiv, &[i(7), i(-2)]), Some("-4".into()));
        assert_eq!(run(Op::Mod, &[i(-7), i(2)]), Some("1".into()));
        assert_eq!(run(Op::Mod, &[i(7), i(-2)]), Some("-1".into()));
        assert_eq!(run(Op::Mod, &[i(-6), i(3)]), Some("0".into()));
        assert_eq!(run(Op::Mod, &[i(1), i(0)]), None, "ZeroDivisionError");
        assert_eq!(run(Op::FloorDiv, &[i(i64::MIN), i(-1)]), None, "overflow");
    }

    #[test]
    fn slicing_with_negative_steps() {
        assert_eq!(run(Op::Reverse, &[s("abc")]), Some("'cba'".into()));
        assert_eq!(
            run(Op::SliceStep, &[ints(&[1, 2, 3, 4, 5]), i(-2)]),
            Some("[5, 3, 1]".into())
        );
        assert_eq!(
            run(Op::SliceStep, &[s("abcdef"), i(2)]),
            Some("'ace'".into())
        );
        assert_eq!(run(Op::SliceStep, &[s("abc"), i(0)]), None, "ValueError");
        assert_eq!(
            run(Op::SliceFrom, &[s("hello"), i(-3)]),
            Some("'llo'".into())
        );
        assert_eq!(
            run(Op::SliceTo, &[ints(&[1, 2]), i(5)]),
            Some("[1, 2]".into())
        );
        assert_eq!(run(Op::Slice, &[s("hello"), i(3), i(1)]), Some("''".into()));
        assert_eq!(
            run(Op::Slice, &[s("hello"), i(-4), i(-1)]),
            Some("'ell'".into())
        );
        assert_eq!(
            slice_indices(5, Some(-1), Some(-6), -1),
            Some(vec![4, 3, 2, 1, 0])
        );
        assert_eq!(slice_indices(5, Some(10), None, -2), Some(vec![4, 2, 0]));
    }

    #[test]
    fn repetition_and_arithmetic() {
        assert_eq!(run(Op::Mul, &[s("ab"), i(3)]), Some("'ababab'".into()));
        assert_eq!(run(Op::Mul, &[s("ab"), i(-1)]), Some("''".into()));
        assert_eq!(
            run(Op::Mul, &[ints(&[1, 2]), i(2)]),
            Some("[1, 2, 1, 2]".into())
        );
        assert_eq!(run(Op::TrueDiv, &[i(9), i(2)]), Some("4.5".into()));
        assert_eq!(run(Op::TrueDiv, &[i(6), i(3)]), Some("2.0".into()));
        assert_eq!(run(Op::Pow, &[i(2), i(-1)]), None);
        assert_eq!(run(Op::Add, &[i(i64::MAX), i(1)]), None);
        assert_eq!(run(Op::Round, &[Value::Float(2.5)]), Some("2".into()));
        assert_eq!(run(Op::Round, &[Value::Float(3.5)]), Some("4".into()));
        assert_eq!(run(Op::Round, &[Value::Float(-0.5)]), Some("0".into()));
        assert_eq!(
            run(Op::StrOf, &[Value::Float(1e16)]),
            Some("'1e+16'".into())
        );
    }

    #[test]
    fn sorting_is_stable_and_reverse_keeps_ties_in_order() {
        let words = Value::list(vec![s("bb"), s("a"), s("cc"), s("d")]);
        assert_eq!(
            run(Op::SortedByLen, std::slice::from_ref(&words)),
            Some("['a', 'd', 'bb', 'cc']".into())
        );
        assert_eq!(
            run(Op::MaxByLen, std::slice::from_ref(&words)),
            Some("'bb'".into())
        );
        assert_eq!(run(Op::MinByLen, &[words]), Some("'a'".into()));
        assert_eq!(
            run(Op::SortedDesc, &[ints(&[3, 1, 2])]),
            Some("[3, 2, 1]".into())
        );
        let mixed = Value::list(vec![i(1), s("a")]);
        assert_eq!(run(Op::Sorted, &[mixed]), None, "TypeError in Python");
        assert_eq!(run(Op::Max, &[ints(&[])]), None, "ValueError in Python");
    }

    #[test]
    fn string_methods() {
        assert_eq!(
            run(Op::Title, &[s("they're a1b")]),
            Some("\"They'Re A1B\"".into())
        );
        assert_eq!(
            run(Op::Capitalize, &[s("hELLO wORLD")]),
            Some("'Hello world'".into())
        );
        assert_eq!(
            run(Op::SplitWs, &[s("  a \x1c b\t")]),
            Some("['a', 'b']".into())
        );
        assert_eq!(
            run(Op::Split, &[s("a,,b"), s(",")]),
            Some("['a', '', 'b']".into())
        );
        assert_eq!(run(Op::Split, &[s(""), s(",")]), Some("['']".into()));
        assert_eq!(run(Op::Split, &[s("a"), s("")]), None);
        assert_eq!(run(Op::Count, &[s("aaaa"), s("aa")]), Some("2".into()));
        assert_eq!(run(Op::Count, &[s("ab"), s("")]), Some("3".into()));
        assert_eq!(run(Op::ZFill, &[s("7"), i(3)]), Some("'007'".into()));
        assert_eq!(run(Op::ZFill, &[s("-7"), i(3)]), Some("'-07'".into()));
        assert_eq!(run(Op::ZFill, &[s("1234"), i(3)]), Some("'1234'".into()));
        assert_eq!(run(Op::ZFill, &[s("5"), i(-1)]), Some("'5'".into()));
        assert_eq!(run(Op::Find, &[s("héllo"), s("l")]), Some("2".into()));
        assert_eq!(run(Op::Find, &[s("abc"), s("z")]), Some("-1".into()));
        assert_eq!(run(Op::IndexOf, &[s("abc"), s("z")]), None);
        assert_eq!(
            run(Op::Replace, &[s("ab"), s(""), s("-")]),
            Some("'-a-b-'".into())
        );
        assert_eq!(run(Op::IsDigit, &[s("")]), Some("False".into()));
        assert_eq!(run(Op::IsUpper, &[s("A1")]), Some("True".into()));
        assert_eq!(run(Op::IsUpper, &[s("12")]), Some("False".into()));
        assert_eq!(run(Op::IntOf, &[s(" -1_000 ")]), Some("-1000".into()));
        assert_eq!(run(Op::IntOf, &[s("1__0")]), None);
        assert_eq!(run(Op::IntOf, &[s("x")]), None);
        assert_eq!(run(Op::Index, &[s("abc"), i(-1)]), Some("'c'".into()));
        assert_eq!(run(Op::Index, &[s("abc"), i(3)]), None, "IndexError");
        assert_eq!(run(Op::Upper, &[s("straße")]), Some("'STRASSE'".into()));
    }

    #[test]
    fn containers() {
        let g = Value::list(vec![ints(&[1, 2, 3]), ints(&[4, 5, 6])]);
        assert_eq!(
            run(Op::Transpose, std::slice::from_ref(&g)),
            Some("[[1, 4], [2, 5], [3, 6]]".into())
        );
        assert_eq!(run(Op::Flatten, &[g]), Some("[1, 2, 3, 4, 5, 6]".into()));
        assert_eq!(
            run(Op::Zip, &[ints(&[1, 2, 3]), s("ab")]),
            Some("[(1, 'a'), (2, 'b')]".into())
        );
        assert_eq!(run(Op::SetOf, &[ints(&[3, 1, 3])]), Some("{1, 3}".into()));
        assert_eq!(
            run(
                Op::Sum,
                &[Value::list(vec![Value::Bool(true), Value::Bool(true)])]
            ),
            Some("2".into())
        );
        assert_eq!(
            run(Op::Sum, &[Value::list(vec![Value::Float(0.1)])]),
            None,
            "float sums differ across Pythons"
        );
        assert_eq!(run(Op::Prod, &[ints(&[])]), Some("1".into()));
        assert_eq!(
            run(Op::Min2, &[Value::Float(0.0), Value::Float(-0.0)]),
            Some("0.0".into())
        );
        assert_eq!(run(Op::Range2, &[i(2), i(5)]), Some("[2, 3, 4]".into()));
        assert_eq!(run(Op::Range, &[i(1 << 40)]), None, "too large to build");
    }
}
