//! Types of the expression subset, used to prune the search: an operator is only tried on
//! arguments whose types it accepts, so `len(3)` or `'a' - 1` never get evaluated.
//!
//! Types come from the hole's annotations (`list[int]`) where they can be read, and from the
//! example values otherwise; `Unknown` stands for the element type of a container that is
//! empty in every example. Types are interned (`TyId`) so the bank can group entries by type
//! and check an operator once per group instead of once per entry.

use rustc_hash::FxHashMap as HashMap;

use super::value::Value;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    Unknown,
    None,
    Bool,
    Int,
    Float,
    Str,
    List(Box<Ty>),
    Tuple(Vec<Ty>),
    Set(Box<Ty>),
    Dict(Box<Ty>, Box<Ty>),
}

impl Ty {
    pub fn list(t: Ty) -> Ty {
        Ty::List(Box::new(t))
    }

    /// The least type covering both, where `Unknown` is covered by anything; `None` when the
    /// two disagree (an int here and a str there).
    pub fn join(&self, other: &Ty) -> Option<Ty> {
        match (self, other) {
            (Ty::Unknown, t) | (t, Ty::Unknown) => Some(t.clone()),
            (Ty::List(a), Ty::List(b)) => Some(Ty::list(a.join(b)?)),
            (Ty::Set(a), Ty::Set(b)) => Some(Ty::Set(Box::new(a.join(b)?))),
            (Ty::Dict(k1, v1), Ty::Dict(k2, v2)) => {
                Some(Ty::Dict(Box::new(k1.join(k2)?), Box::new(v1.join(v2)?)))
            }
            (Ty::Tuple(a), Ty::Tuple(b)) if a.len() == b.len() => Some(Ty::Tuple(
                a.iter()
                    .zip(b)
                    .map(|(x, y)| x.join(y))
                    .collect::<Option<Vec<_>>>()?,
            )),
            (a, b) if a == b => Some(a.clone()),
            _ => None,
        }
    }

    /// Whether Python can order two values of this type with `<` (as `sorted` needs).
    pub fn orderable(&self) -> bool {
        match self {
            Ty::Unknown | Ty::Bool | Ty::Int | Ty::Float | Ty::Str => true,
            Ty::List(t) => t.orderable(),
            Ty::Tuple(ts) => ts.iter().all(Ty::orderable),
            _ => false,
        }
    }

    /// Whether values of this type can be set elements or dict keys.
    pub fn hashable(&self) -> bool {
        match self {
            Ty::List(_) | Ty::Set(_) | Ty::Dict(..) => false,
            Ty::Tuple(ts) => ts.iter().all(Ty::hashable),
            _ => true,
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Ty::Int | Ty::Float)
    }

    /// The element type when iterating in a fixed order: lists, strings, homogeneous tuples.
    pub fn seq_elem(&self) -> Option<Ty> {
        match self {
            Ty::List(t) => Some((**t).clone()),
            Ty::Str => Some(Ty::Str),
            Ty::Tuple(ts) => homogeneous(ts),
            _ => None,
        }
    }

    /// The element type for order-free consumers (`sorted`, `min`, `sum`, `in`): also sets.
    pub fn bag_elem(&self) -> Option<Ty> {
        match self {
            Ty::Set(t) => Some((**t).clone()),
            other => other.seq_elem(),
        }
    }
}

fn homogeneous(ts: &[Ty]) -> Option<Ty> {
    let mut acc = Ty::Unknown;
    for t in ts {
        acc = acc.join(t)?;
    }
    Some(acc)
}

/// Interned type handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TyId(pub u32);

/// The table of types seen during one search.
#[derive(Debug, Default)]
pub struct Types {
    list: Vec<Ty>,
    map: HashMap<Ty, TyId>,
}

impl Types {
    pub fn intern(&mut self, t: Ty) -> TyId {
        if let Some(id) = self.map.get(&t) {
            return *id;
        }
        let id = TyId(self.list.len() as u32);
        self.list.push(t.clone());
        self.map.insert(t, id);
        id
    }

    pub fn get(&self, id: TyId) -> &Ty {
        // Ids only come from `intern` on this table.
        &self.list[id.0 as usize]
    }
}

/// The type of one value; `None` for a container mixing element types.
pub fn type_of(v: &Value) -> Option<Ty> {
    Some(match v {
        Value::None => Ty::None,
        Value::Bool(_) => Ty::Bool,
        Value::Int(_) => Ty::Int,
        Value::Float(_) => Ty::Float,
        Value::Str(_) => Ty::Str,
        Value::List(items) => Ty::list(join_all(items)?),
        Value::Set(items) => Ty::Set(Box::new(join_all(items)?)),
        Value::Tuple(items) => Ty::Tuple(items.iter().map(type_of).collect::<Option<_>>()?),
        Value::Dict(pairs) => {
            let mut k = Ty::Unknown;
            let mut t = Ty::Unknown;
            for (a, b) in pairs.iter() {
                k = k.join(&type_of(a)?)?;
                t = t.join(&type_of(b)?)?;
            }
            Ty::Dict(Box::new(k), Box::new(t))
        }
    })
}

fn join_all(items: &[Value]) -> Option<Ty> {
    let mut acc = Ty::Unknown;
    for v in items {
        acc = acc.join(&type_of(v)?)?;
    }
    Some(acc)
}

/// Reads a Python annotation such as `list[dict[str, int]]`; `None` for anything outside
/// the subset (`np.ndarray`, `Optional[int]`, `tuple[int, ...]`), in which case the type is
/// taken from the example values.
pub fn parse_annotation(text: &str) -> Option<Ty> {
    let text = text.trim();
    let (head, args) = match text.find('[') {
        Some(open) if text.ends_with(']') => (
            text[..open].trim(),
            split_top(&text[open + 1..text.len() - 1])?,
        ),
        Some(_) => return None,
        None => (text, Vec::new()),
    };
    let head = head.strip_prefix("typing.").unwrap_or(head);
    let arg = |i: usize| args.get(i).and_then(|a| parse_annotation(a));
    match (head, args.len()) {
        ("int", 0) => Some(Ty::Int),
        ("float", 0) => Some(Ty::Float),
        ("str", 0) => Some(Ty::Str),
        ("bool", 0) => Some(Ty::Bool),
        ("None", 0) => Some(Ty::None),
        ("list" | "List", 0) => Some(Ty::list(Ty::Unknown)),
        ("list" | "List", 1) => Some(Ty::list(arg(0)?)),
        ("set" | "Set", 1) => Some(Ty::Set(Box::new(arg(0)?))),
        ("dict" | "Dict", 2) => Some(Ty::Dict(Box::new(arg(0)?), Box::new(arg(1)?))),
        ("tuple" | "Tuple", n) if n > 0 && !args.iter().any(|a| a.trim() == "...") => {
            Some(Ty::Tuple((0..n).map(arg).collect::<Option<_>>()?))
        }
        _ => None,
    }
}

fn split_top(s: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        if depth < 0 {
            return None;
        }
        cur.push(c);
    }
    parts.push(cur);
    Some(parts)
}

/// Converts ints to floats where the annotation asks for a float, as Python code written for
/// a `float` parameter would see them used; everything else is left as it is.
pub fn coerce(v: Value, t: &Ty) -> Value {
    match (v, t) {
        (Value::Int(i), Ty::Float) => Value::Float(i as f64),
        (Value::List(items), Ty::List(e)) if matches!(**e, Ty::Float | Ty::List(_)) => {
            Value::list(items.iter().map(|x| coerce(x.clone(), e)).collect())
        }
        (v, _) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn annotations() {
        assert_eq!(parse_annotation("list[int]"), Some(Ty::list(Ty::Int)));
        assert_eq!(
            parse_annotation("dict[str, list[int]]"),
            Some(Ty::Dict(Box::new(Ty::Str), Box::new(Ty::list(Ty::Int))))
        );
        assert_eq!(
            parse_annotation("tuple[int, str]"),
            Some(Ty::Tuple(vec![Ty::Int, Ty::Str]))
        );
        assert_eq!(parse_annotation("tuple[int, ...]"), None);
        assert_eq!(parse_annotation("np.ndarray"), None);
        assert_eq!(
            parse_annotation("List[List[int]]"),
            Some(Ty::list(Ty::list(Ty::Int)))
        );
    }

    #[test]
    fn value_types_join_empty_containers() {
        let empty = Value::list(vec![]);
        let full = Value::list(vec![Value::Int(1)]);
        let a = type_of(&empty);
        let b = type_of(&full);
        assert_eq!(a.clone(), Some(Ty::list(Ty::Unknown)));
        assert_eq!(
            a.and_then(|a| b.and_then(|b| a.join(&b))),
            Some(Ty::list(Ty::Int))
        );
        assert_eq!(
            type_of(&Value::list(vec![Value::Int(1), Value::str("a")])),
            None
        );
    }
}
