//! Small, type-aware changes of an example's input: a list rotated and one element longer,
//! a string with one character more, another number. Two uses:
//!
//! - The search (`search.rs`) evaluates every expression on a few such *probe* inputs as
//!   well as on the examples, without any expected value. Two expressions that agree on the
//!   examples but not on a probe are then different functions to the observational
//!   equivalence of `bank.rs`, so with two examples `len(s) // 2` is no longer thrown away
//!   as a copy of the constant `1`, nor `xs[0]` as a copy of `min(xs)`.
//! - The engine's questions (`engine::questions`) try the same changes as inputs a user can
//!   answer at a glance, because each is one small step from an example the user wrote.

use std::sync::Arc;

use super::types::{type_of, Ty};
use super::value::Value;

/// The ways one value is changed, from the smallest step up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// One element or character more, after a rotation so order matters; a number grown.
    Grow,
    /// One element or character fewer, from the front; a number of the other sign.
    Shrink,
    /// Reversed order; a number one larger.
    Turn,
    /// Text only: the last letter in the other case, so case handling shows.
    Case,
}

pub const CHANGES: &[Change] = &[Change::Grow, Change::Shrink, Change::Turn, Change::Case];

/// The changed value, of the same type, or `None` when the change does not apply
/// (an empty list cannot shrink) or would give the value back unchanged.
pub fn vary(v: &Value, how: Change) -> Option<Value> {
    let out = match (v, how) {
        (Value::Int(n), Change::Grow) => Value::Int(n.checked_mul(2)?.checked_add(3)?),
        (Value::Int(n), Change::Shrink) => Value::Int(n.checked_neg()?.checked_sub(1)?),
        (Value::Int(n), Change::Turn) => Value::Int(n.checked_add(1)?),
        (Value::Float(f), Change::Grow) => Value::Float(f * 2.0 + 0.5),
        (Value::Float(f), Change::Shrink) => Value::Float(-f - 1.0),
        (Value::Float(f), Change::Turn) => Value::Float(f + 1.0),
        (Value::Bool(b), Change::Grow | Change::Shrink) => Value::Bool(!b),
        (Value::Str(s), Change::Case) => {
            let mut chars: Vec<char> = s.chars().collect();
            let last = chars.iter().rposition(|c| c.is_ascii_alphabetic())?;
            let c = chars[last];
            chars[last] = if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            Value::str(&chars.into_iter().collect::<String>())
        }
        (_, Change::Case) => return None,
        (Value::Str(s), _) => {
            let chars: Vec<Value> = s.chars().map(|c| Value::str(&c.to_string())).collect();
            // An empty string grows by one letter.
            let changed = match seq(&chars, how) {
                Some(c) => c,
                None if how == Change::Grow => vec![Value::str("a")],
                None => return None,
            };
            let text: String = changed
                .iter()
                .filter_map(|c| match c {
                    Value::Str(c) => Some(c.to_string()),
                    _ => None,
                })
                .collect();
            Value::str(&text)
        }
        (Value::List(items), _) => Value::List(Arc::from(seq(items, how)?)),
        (Value::Tuple(items), Change::Turn) => Value::Tuple(Arc::from(seq(items, how)?)),
        _ => return None,
    };
    (out != *v).then_some(out)
}

fn seq(items: &[Value], how: Change) -> Option<Vec<Value>> {
    Some(match how {
        Change::Grow => {
            // [1, 2, 3] → [2, 3, 1, 2]: one longer, rotated, with a repeat, so neither end
            // holds the smallest or largest as it often does in a user's example.
            let first = items.first()?.clone();
            let mut out: Vec<Value> = items.iter().skip(1).cloned().collect();
            out.push(first);
            out.push(out[0].clone());
            out
        }
        Change::Shrink => items.iter().skip(1).cloned().collect(),
        Change::Turn => items.iter().rev().cloned().collect(),
        Change::Case => return None,
    })
}

/// Probe rows for a search: per change, every text or list parameter's value in one
/// example changed that way (other parameters keep their value). `columns[p][e]` is
/// parameter `p` in example `e`; the result is one row per probe, one value per parameter.
/// A probe is kept only when each value still has its parameter's type and the row differs
/// from every example and earlier probe.
pub fn probe_rows(columns: &[Vec<Value>], types: &[Ty], want: usize) -> Vec<Vec<Value>> {
    let examples = columns.first().map_or(0, Vec::len);
    let mut rows: Vec<Vec<Value>> = (0..examples)
        .map(|e| columns.iter().map(|c| c[e].clone()).collect())
        .collect();
    // The most varied examples first: rotating `[5, 5]` tells nothing apart.
    let mut order: Vec<usize> = (0..examples).collect();
    order.sort_by_key(|e| std::cmp::Reverse(variety(&rows[*e])));
    let mut out = Vec::new();
    'outer: for how in [Change::Grow, Change::Shrink, Change::Turn] {
        for &e in &order {
            if out.len() >= want {
                break 'outer;
            }
            // Only texts and lists change: numbers already tell arithmetic apart on the
            // examples, and varying them would multiply the expressions kept.
            let row: Vec<Value> = columns
                .iter()
                .zip(types)
                .map(|(c, ty)| {
                    Some(&c[e])
                        .filter(|v| matches!(v, Value::Str(_) | Value::List(_)))
                        .and_then(|v| vary(v, how))
                        .filter(|v| type_of(v).and_then(|t| t.join(ty)).is_some())
                        .unwrap_or_else(|| c[e].clone())
                })
                .collect();
            if rows.contains(&row) {
                continue;
            }
            rows.push(row.clone());
            out.push(row);
            // One probe per change: the next change makes the next probe.
            continue 'outer;
        }
    }
    out
}

/// How many distinct elements or characters the values of a row hold.
fn variety(row: &[Value]) -> usize {
    row.iter()
        .map(|v| match v {
            Value::Str(s) => {
                let mut cs: Vec<char> = s.chars().collect();
                cs.sort_unstable();
                cs.dedup();
                cs.len()
            }
            Value::List(items) | Value::Tuple(items) => {
                let mut seen: Vec<&Value> = Vec::new();
                for x in items.iter() {
                    if !seen.contains(&x) {
                        seen.push(x);
                    }
                }
                seen.len()
            }
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::literal::parse_value;
    use pretty_assertions::assert_eq;

    fn v(s: &str) -> Value {
        parse_value(s).unwrap()
    }

    fn show(x: Option<Value>) -> String {
        x.map_or("-".into(), |x| x.repr())
    }

    #[test]
    fn changes_keep_the_type_and_change_the_value() {
        assert_eq!(show(vary(&v("[1, 2, 3]"), Change::Grow)), "[2, 3, 1, 2]");
        assert_eq!(show(vary(&v("[1, 2, 3]"), Change::Shrink)), "[2, 3]");
        assert_eq!(show(vary(&v("[1, 2, 3]"), Change::Turn)), "[3, 2, 1]");
        assert_eq!(show(vary(&v("'abc'"), Change::Grow)), "'bcab'");
        assert_eq!(show(vary(&v("''"), Change::Grow)), "'a'");
        assert_eq!(show(vary(&v("'abc'"), Change::Shrink)), "'bc'");
        assert_eq!(show(vary(&v("7"), Change::Grow)), "17");
        assert_eq!(show(vary(&v("7"), Change::Shrink)), "-8");
        assert_eq!(show(vary(&v("True"), Change::Grow)), "False");
        assert_eq!(show(vary(&v("[]"), Change::Shrink)), "-", "nothing to drop");
        assert_eq!(show(vary(&v("'aa'"), Change::Turn)), "-", "unchanged");
        assert_eq!(show(vary(&v("'hello'"), Change::Case)), "'hellO'");
        assert_eq!(show(vary(&v("7"), Change::Case)), "-");
    }

    #[test]
    fn probe_rows_differ_from_the_examples() {
        let cols = vec![vec![v("'abc'"), v("'xyz'")]];
        let rows = probe_rows(&cols, &[Ty::Str], 2);
        assert_eq!(
            rows.iter().map(|r| r[0].repr()).collect::<Vec<_>>(),
            vec!["'bcab'", "'bc'"]
        );
    }
}
