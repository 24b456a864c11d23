//! Ranks the programs that fit every example by how well they read as the description.
//!
//! With two or three examples many programs fit: `s[1]` and `s[len(s) // 2]` both give the
//! middle of `'abc'` and `'xyz'`. The search (`search.rs`) finds the small ones and asks this
//! module for an order. A program's cost is its size plus penalties for shapes a user
//! rarely means, minus a bonus for the description words it accounts for:
//!
//! - **Words an operator expresses** ([`Op::keywords`]: "largest" → `max`).
//! - **Words a shape expresses**: a constant index or slice bound names a position
//!   (`[0]` first, `[-1]` last, `[1:]` the rest, `[len(s) // 2]` the middle), `% 2` parity
//!   (even, odd), `// 2` a half, `[::-1]` a reversal, `== ''` emptiness, `* 2` doubling.
//!   Words that pin the meaning down (middle, even, odd, empty, reverse) weigh double.
//! - **Constants the description names** (quoted text, numbers, "the letter s").
//!
//! Penalties are evidence against a reading: an operation that changes order, case or
//! kind of character when the description never mentions it (`sorted`, `.upper()`,
//! `.isalpha()`); a constant index no position word explains (`s[1]` for "the middle
//! character"); a constant on the left of `%` or `//` (`2 % len(xs)`); the same expression
//! on both sides of a comparison or `zip`; one case mapping or sort undoing another.
//!
//! Each word counts once however many parts of the program match it, so piling up
//! operators cannot buy a better rank, and the bonus is capped so size still decides
//! between programs far apart.

use std::collections::BTreeSet;

use super::expr::{Arena, Node, NodeId};
use super::ops::Op;
use super::task::Prepared;
use super::value::Value;

/// Added to a solution's cost for each parameter it ignores: a user passes a parameter
/// because the result depends on it, so `xs[1:]` is a poor reading of `above(xs, k)`.
const UNUSED_PARAM_COST: i64 = 3;
/// Most a solution's cost may drop for naming what the description says.
pub const MAX_WORD_BONUS: i64 = 5;

/// Order of solutions, best first: cost (size plus penalties minus description bonus),
/// then how much of the description it uses, then size, then discovery order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rank {
    pub cost: i64,
    pub neg_score: i64,
    pub size: usize,
    pub order: usize,
}

const FIRST: &[&str] = &[
    "first",
    "initial",
    "head",
    "leading",
    "front",
    "begin",
    "begins",
    "beginning",
    "start",
    "starts",
];
const LAST: &[&str] = &["last", "final", "end", "ends", "ending", "trailing"];
/// Words for what is left once a first or last part is dropped.
const REST: &[&str] = &[
    "rest", "tail", "drop", "dropped", "without", "except", "but", "remove", "skip", "after",
];
const MIDDLE: &[&str] = &["middle", "center", "centre", "central", "median"];
const HALF: &[&str] = &["half", "halve", "halved", "halves"];
const PARITY: &[&str] = &["even", "odd", "parity"];
const REVERSE: &[&str] = &["reverse", "reversed", "backwards", "backward", "palindrome"];
const EMPTY: &[&str] = &["empty", "blank", "nothing"];
const ALTERNATE: &[&str] = &["every", "other", "second", "alternate", "alternating"];
const DOUBLE: &[&str] = &["double", "doubled", "twice"];
const TRIPLE: &[&str] = &["triple", "tripled", "thrice", "three"];
const SQUARE: &[&str] = &["square", "squared", "squares"];
const CUBE: &[&str] = &["cube", "cubed", "third"];
const COUNT: &[&str] = &["many", "count", "number", "often"];
const CLAMP: &[&str] = &[
    "limit", "limited", "clamp", "clamped", "between", "within", "range", "bound", "bounded",
];

/// Operations a description would name if it meant them: each changes the order, case,
/// content or kind of what it is given. Unnamed, they are more often an accident of few
/// examples than the user's intent.
fn salient(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        Sorted
            | SortedDesc
            | Reverse
            | SetOf
            | Upper
            | Lower
            | Title
            | Capitalize
            | SwapCase
            | Strip
            | StripChars
            | Abs
            | Round
            | IsDigit
            | IsAlpha
            | IsAlnum
            | IsUpper
            | IsLower
            | IsSpace
            | Replace
            | Transpose
            | Flatten
            | ZFill
            | SortedByLen
            | MaxByLen
            | MinByLen
    )
}

/// Families of operations where applying one to the other's result mostly undoes it.
fn family(op: Op) -> Option<u8> {
    use Op::*;
    match op {
        Upper | Lower | Title | Capitalize | SwapCase => Some(0),
        Sorted | SortedDesc | Reverse | SortedByLen => Some(1),
        SetOf => Some(2),
        Strip => Some(3),
        Abs => Some(4),
        _ => None,
    }
}

struct Reading<'a> {
    arena: &'a Arena,
    words: &'a BTreeSet<String>,
    described_ints: Vec<i64>,
    /// Description words the program accounts for, with their weight.
    covered: Vec<(&'static str, i64)>,
    penalty: i64,
    unexplained_ops: Vec<Op>,
}

impl Reading<'_> {
    fn said(&self, list: &[&str]) -> bool {
        list.iter().any(|w| self.words.contains(*w))
    }

    fn cover(&mut self, list: &'static [&'static str], weight: i64) {
        for w in list {
            if self.words.contains(*w) {
                self.covered.push((w, weight));
            }
        }
    }

    fn int_const(&self, id: NodeId) -> Option<i64> {
        match self.arena.node(id) {
            Node::Const(Value::Int(i)) => Some(*i),
            _ => None,
        }
    }

    fn is_const(&self, id: NodeId) -> bool {
        matches!(self.arena.node(id), Node::Const(_))
    }

    fn contains_half(&self, id: NodeId) -> bool {
        match self.arena.node(id) {
            Node::Op(Op::FloorDiv, k) => {
                self.int_const(k[1]) == Some(2) || self.contains_half(k[0])
            }
            Node::Op(op, k) => k[..op.arity()].iter().any(|c| self.contains_half(*c)),
            _ => false,
        }
    }

    /// Words a constant position names, and whether one of them is in the description.
    fn position(&mut self, k: i64, slice: Option<bool>) {
        let names: &'static [&'static str] = match (k, slice) {
            (0, None) => FIRST,
            (1, None) => &["second"],
            (2, None) => &["third"],
            (-1, None) => LAST,
            (-2, None) => &["penultimate", "second"],
            // `[:k]` keeps a first part; `[k:]` drops one.
            (k, Some(true)) if k > 0 => FIRST,
            (k, Some(false)) if k > 0 => REST,
            (_, Some(true)) => REST,
            (_, Some(false)) => LAST,
            _ => &[],
        };
        let explained = self.said(names)
            || self.described_ints.contains(&k)
            || self.described_ints.contains(&-k)
            || (slice == Some(false) && k > 0 && self.said(FIRST))
            || (slice == Some(true) && k < 0 && self.said(LAST));
        self.cover(names, 1);
        if slice == Some(false) && k > 0 {
            self.cover(FIRST, 1);
        }
        if slice == Some(true) && k < 0 {
            self.cover(LAST, 1);
        }
        if !explained {
            self.penalty += 1;
        }
    }

    fn walk(&mut self, id: NodeId) {
        match self.arena.node(id).clone() {
            Node::Var(_) | Node::Const(_) => {}
            Node::Compr {
                src, elem, cond, ..
            } => {
                self.walk(src);
                self.walk(elem);
                if let Some(c) = cond {
                    self.walk(c);
                }
            }
            Node::Op(op, kids) => {
                let kids = &kids[..op.arity()];
                self.cover(op.keywords(), 1);
                if salient(op) && !self.said(op.keywords()) {
                    self.unexplained_ops.push(op);
                }
                self.shape(op, kids);
                for k in kids {
                    self.walk(*k);
                }
            }
        }
    }

    fn shape(&mut self, op: Op, kids: &[NodeId]) {
        use Op::*;
        let second = kids.get(1).and_then(|k| self.int_const(*k));
        match op {
            // The piece of a split text before or after the separator.
            Index if matches!(self.arena.node(kids[0]), Node::Op(Split | SplitWs, _)) => {
                match second {
                    Some(0) => self.cover(&["before"], 1),
                    Some(1 | -1) => self.cover(&["after"], 1),
                    _ => {}
                }
                if let Some(k) = second {
                    if !self.said(&["before", "after"]) {
                        self.position(k, None);
                    }
                }
            }
            Index => match second {
                Some(k) => self.position(k, None),
                // The middle is what `[len(s) // 2]` means and almost nothing else does.
                None if kids.get(1).is_some_and(|k| self.contains_half(*k)) => {
                    self.cover(MIDDLE, 3)
                }
                None => {}
            },
            SliceTo | SliceFrom => match second {
                Some(k) => self.position(k, Some(op == SliceTo)),
                None if kids.get(1).is_some_and(|k| self.contains_half(*k)) => {
                    self.cover(HALF, 2);
                    self.cover(MIDDLE, 1);
                }
                None => {}
            },
            SliceStep => match second {
                Some(-1) => self.cover(REVERSE, 2),
                Some(2) => self.cover(ALTERNATE, 1),
                _ => {}
            },
            Mod if second == Some(2) => self.cover(PARITY, 2),
            FloorDiv if second == Some(2) => self.cover(HALF, 1),
            Mul if second == Some(2) => self.cover(DOUBLE, 1),
            Mul if second == Some(3) => self.cover(TRIPLE, 1),
            Add if kids[0] == kids[1] => self.cover(DOUBLE, 1),
            Mul if kids[0] == kids[1] => self.cover(SQUARE, 1),
            Pow if second == Some(2) => self.cover(SQUARE, 1),
            Pow if second == Some(3) => self.cover(CUBE, 1),
            // `sum(x % 2 for x in xs)` counts what the comprehension marks.
            Sum if matches!(self.arena.node(kids[0]), Node::Compr { .. }) => {
                self.cover(COUNT, 1)
            }
            Min2 | Max2
                if kids.iter().any(|k| {
                    matches!(self.arena.node(*k), Node::Op(inner, _) if matches!(inner, Min2 | Max2) && *inner != op)
                }) =>
            {
                self.cover(CLAMP, 1)
            }
            Eq | Ne => {
                let empty = kids.iter().any(|k| {
                    matches!(self.arena.node(*k), Node::Const(v) if *v == Value::str("") || *v == Value::list(Vec::new()))
                        || matches!(self.arena.node(*k), Node::Op(Len, _))
                            && kids.iter().any(|o| self.int_const(*o) == Some(0))
                });
                if empty {
                    self.cover(EMPTY, 2);
                }
            }
            _ => {}
        }
        // A constant divided by or raised to what the input gives is rarely meant:
        // `2 % len(xs)` fits "how many odd numbers" only by accident.
        if matches!(op, Mod | FloorDiv | Pow | TrueDiv)
            && self.is_const(kids[0])
            && !self.is_const(kids[1])
        {
            self.penalty += 2;
        }
        // A method of a constant given what the input gives: `''.zfill(n)`, `' '.count(s)`.
        if matches!(
            op,
            ZFill | Count | StripChars | Replace | Find | IndexOf | StartsWith | EndsWith | Split
        ) && self.is_const(kids[0])
            && !self.is_const(kids[1])
        {
            self.penalty += 2;
        }
        // Looking for a number the description never names: `xs.count(1)`.
        let needle = match op {
            Count | IndexOf => kids.get(1),
            In | NotIn => kids.first(),
            _ => None,
        };
        if let Some(k) = needle.and_then(|k| self.int_const(*k)) {
            if !self.described_ints.contains(&k) {
                self.penalty += 1;
            }
        }
        // The same expression on both sides: `zip(xs, xs)`, `min(x, x)`.
        if kids.len() >= 2 && kids[0] == kids[1] && !matches!(op, Add | Mul) {
            self.penalty += 2;
        }
        // One case mapping or ordering applied to another's result.
        if let (Some(f), Some(&k)) = (family(op), kids.first()) {
            if let Node::Op(inner, _) = self.arena.node(k) {
                if family(*inner) == Some(f) {
                    self.penalty += 2;
                }
            }
        }
    }
}

/// The rank of one solution: `node` of `size` found as the `order`-th, with `penalty`
/// from unusual operator uses ([`Op::penalty`]).
pub fn rank(
    arena: &Arena,
    prep: &Prepared,
    param_vars: &[usize],
    node: NodeId,
    size: usize,
    penalty: u8,
    order: usize,
) -> Rank {
    let described_ints = prep
        .consts
        .iter()
        .filter(|c| c.described)
        .filter_map(|c| match c.value {
            Value::Int(i) => Some(i),
            _ => None,
        })
        .collect();
    let mut r = Reading {
        arena,
        words: &prep.words,
        described_ints,
        covered: Vec::new(),
        penalty: 0,
        unexplained_ops: Vec::new(),
    };
    r.walk(node);
    r.unexplained_ops.sort_unstable();
    r.unexplained_ops.dedup();
    let mut covered = r.covered;
    covered.sort_unstable_by(|a, b| a.0.cmp(b.0).then(b.1.cmp(&a.1)));
    covered.dedup_by(|a, b| a.0 == b.0);
    let mut score: i64 = covered.iter().map(|(_, w)| w).sum();
    let mut consts = Vec::new();
    arena.consts(node, &mut consts);
    score += prep
        .consts
        .iter()
        .filter(|c| c.described && consts.contains(&c.value))
        .count() as i64;
    let mut vars = Vec::new();
    arena.vars(node, &mut vars);
    let unused = param_vars.iter().filter(|v| !vars.contains(v)).count() as i64;
    Rank {
        cost: size as i64
            + i64::from(penalty)
            + r.penalty
            + r.unexplained_ops.len() as i64
            + UNUSED_PARAM_COST * unused
            - score.min(MAX_WORD_BONUS),
        neg_score: -score,
        size,
        order,
    }
}

#[cfg(test)]
mod tests {
    use crate::synth::{synthesize_ranked, CancelFlag, SynthLimits, SynthTask};

    fn task(sig: (&str, &[(&str, &str)], &str), desc: &str, ex: &[(&str, &str)]) -> SynthTask {
        SynthTask {
            name: sig.0.to_string(),
            params: sig
                .1
                .iter()
                .map(|(n, a)| (n.to_string(), Some(a.to_string())))
                .collect(),
            returns: Some(sig.2.to_string()),
            description: desc.to_string(),
            examples: ex
                .iter()
                .map(|(c, e)| (c.to_string(), e.to_string()))
                .collect(),
        }
    }

    /// The best program, with time enough that only the counted budget decides.
    fn best(t: &SynthTask) -> String {
        let limits = SynthLimits {
            time_budget: std::time::Duration::from_secs(60),
            ..SynthLimits::default()
        };
        synthesize_ranked(t, &limits, &CancelFlag::new(), 1).unwrap()[0]
            .expression
            .clone()
    }

    #[test]
    fn middle_is_read_as_half_the_length_not_a_constant_index() {
        let t = task(
            ("middle_char", &[("s", "str")], "str"),
            "The middle character of an odd-length string.",
            &[("middle_char('abc')", "'b'"), ("middle_char('xyz')", "'y'")],
        );
        assert_eq!(best(&t), "s[len(s) // 2]");
    }

    #[test]
    fn first_and_last_are_positions_not_the_extremes() {
        let t = task(
            ("first_plus_last", &[("xs", "list[int]")], "int"),
            "The sum of the first and the last element.",
            &[
                ("first_plus_last([1, 2, 3])", "4"),
                ("first_plus_last([5, 5])", "10"),
            ],
        );
        assert_eq!(best(&t), "xs[0] + xs[-1]");
    }

    #[test]
    fn a_named_letter_and_a_plural_number_word_are_constants() {
        let t = task(
            ("ends_with_s", &[("word", "str")], "bool"),
            "Whether the word ends with the letter s.",
            &[
                ("ends_with_s('cats')", "True"),
                ("ends_with_s('dog')", "False"),
            ],
        );
        assert_eq!(best(&t), "word.endswith('s')");
        let t = task(
            ("count_zeros", &[("xs", "list[int]")], "int"),
            "How many zeros the list has.",
            &[("count_zeros([0, 1, 0])", "2"), ("count_zeros([5])", "0")],
        );
        assert_eq!(best(&t), "xs.count(0)");
    }

    #[test]
    fn unnamed_sorting_and_negated_words_lose() {
        let t = task(
            ("is_sorted", &[("xs", "list[int]")], "bool"),
            "Whether the list is in non-decreasing order.",
            &[
                ("is_sorted([1, 2, 3])", "True"),
                ("is_sorted([3, 1])", "False"),
            ],
        );
        assert_eq!(best(&t), "xs == sorted(xs)");
    }
}
