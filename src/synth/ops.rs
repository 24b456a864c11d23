//! The building blocks of synthesized expressions: every operator, builtin and method the
//! search may combine, with the typing rule that decides which arguments it is tried on and
//! the words that tie it to a description ("largest" → `max`).
//!
//! Semantics live in `eval/` (`unary.rs`, `binary.rs`, ternary ones in `eval/mod.rs`) and
//! the Python spelling in `expr.rs`; all three match on [`Op`], so adding an operator means
//! one arm in each. The order of [`Op::ALL`] is the order the search tries operators within
//! one size, which decides which of several equivalent expressions is kept, so the plainer
//! spellings come first.

use super::types::Ty;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    // Unary.
    Len,
    Sum,
    Max,
    Min,
    Sorted,
    SortedDesc,
    Reverse,
    SetOf,
    ListOf,
    Abs,
    Neg,
    Not,
    StrOf,
    IntOf,
    Round,
    Upper,
    Lower,
    Strip,
    Title,
    Capitalize,
    SwapCase,
    SplitWs,
    IsDigit,
    IsAlpha,
    IsAlnum,
    IsUpper,
    IsLower,
    IsSpace,
    Any,
    All,
    Range,
    Enumerate,
    Prod,
    SortedByLen,
    MaxByLen,
    MinByLen,
    Transpose,
    Flatten,
    DictValues,
    DictItems,
    // Binary.
    Index,
    Add,
    Sub,
    Mul,
    TrueDiv,
    FloorDiv,
    Mod,
    Pow,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    And,
    Or,
    Min2,
    Max2,
    SliceFrom,
    SliceTo,
    SliceStep,
    Count,
    Find,
    IndexOf,
    Split,
    Join,
    StartsWith,
    EndsWith,
    StripChars,
    ZFill,
    Range2,
    Zip,
    // Ternary.
    IfElse,
    Slice,
    Replace,
    DictGet,
}

impl Op {
    /// Every operator, in the order the search tries them.
    pub const ALL: &'static [Op] = &[
        Op::Len,
        Op::Sum,
        Op::Max,
        Op::Min,
        Op::Sorted,
        Op::SortedDesc,
        Op::Reverse,
        Op::SetOf,
        Op::ListOf,
        Op::Abs,
        Op::Neg,
        Op::Not,
        Op::StrOf,
        Op::IntOf,
        Op::Round,
        Op::Upper,
        Op::Lower,
        Op::Strip,
        Op::Title,
        Op::Capitalize,
        Op::SwapCase,
        Op::SplitWs,
        Op::IsDigit,
        Op::IsAlpha,
        Op::IsAlnum,
        Op::IsUpper,
        Op::IsLower,
        Op::IsSpace,
        Op::Any,
        Op::All,
        Op::Range,
        Op::Enumerate,
        Op::Prod,
        Op::SortedByLen,
        Op::MaxByLen,
        Op::MinByLen,
        Op::Transpose,
        Op::Flatten,
        Op::DictValues,
        Op::DictItems,
        // `''.join(...)` early: it is how a filtered or mapped string is put back together,
        // and late in a level the time may be gone.
        Op::Join,
        Op::Index,
        Op::Add,
        Op::Sub,
        Op::Mul,
        Op::TrueDiv,
        Op::FloorDiv,
        Op::Mod,
        Op::Pow,
        Op::Eq,
        Op::Ne,
        Op::Lt,
        Op::Le,
        Op::Gt,
        Op::Ge,
        Op::In,
        Op::NotIn,
        Op::And,
        Op::Or,
        Op::Min2,
        Op::Max2,
        Op::SliceFrom,
        Op::SliceTo,
        Op::SliceStep,
        Op::Count,
        Op::Find,
        Op::IndexOf,
        Op::Split,
        Op::StartsWith,
        Op::EndsWith,
        Op::StripChars,
        Op::ZFill,
        Op::Range2,
        Op::Zip,
        Op::IfElse,
        Op::Slice,
        Op::Replace,
        Op::DictGet,
    ];

    pub fn arity(self) -> usize {
        use Op::*;
        match self {
            Index | Add | Sub | Mul | TrueDiv | FloorDiv | Mod | Pow | Eq | Ne | Lt | Le | Gt
            | Ge | In | NotIn | And | Or | Min2 | Max2 | SliceFrom | SliceTo | SliceStep
            | Count | Find | IndexOf | Split | Join | StartsWith | EndsWith | StripChars
            | ZFill | Range2 | Zip => 2,
            IfElse | Slice | Replace | DictGet => 3,
            _ => 1,
        }
    }

    /// Whether swapping the two arguments gives an equal result, so the search can skip
    /// one order when both arguments have the same size.
    pub fn commutative(self) -> bool {
        matches!(
            self,
            Op::Eq | Op::Ne | Op::And | Op::Or | Op::Min2 | Op::Max2
        )
    }

    /// Whether the operator consumes its first argument as an iterable, so a comprehension
    /// there may be written as a bare generator (`sum(x * x for x in xs)`).
    pub fn takes_generator(self) -> bool {
        matches!(
            self,
            Op::Sum | Op::Max | Op::Min | Op::Sorted | Op::SetOf | Op::Any | Op::All | Op::Prod
        )
    }

    /// Argument positions where an iterator (`range(...)`, `zip(...)`) may appear as-is,
    /// without a `list(...)` around it.
    pub fn iterates_arg(self, pos: usize) -> bool {
        match self {
            Op::Sum
            | Op::Max
            | Op::Min
            | Op::Sorted
            | Op::SortedDesc
            | Op::SetOf
            | Op::Any
            | Op::All
            | Op::Prod
            | Op::Enumerate
            | Op::SortedByLen
            | Op::MaxByLen
            | Op::MinByLen
            | Op::Zip => true,
            Op::Join => pos == 1,
            Op::In | Op::NotIn => pos == 1,
            _ => false,
        }
    }

    /// Words that, found in a description, make an expression using this operator the
    /// preferred one among equally small solutions.
    pub fn keywords(self) -> &'static [&'static str] {
        use Op::*;
        match self {
            Len => &["length", "many", "count", "size", "long"],
            Sum => &["sum", "total", "add"],
            Max | Max2 => &[
                "largest", "max", "maximum", "biggest", "greatest", "highest", "larger",
            ],
            Min | Min2 => &["smallest", "min", "minimum", "lowest", "smaller"],
            Sorted => &[
                "sort",
                "sorted",
                "increasing",
                "ascending",
                "order",
                "ordered",
                "nondecreasing",
                "anagram",
            ],
            SortedDesc => &[
                "sort",
                "sorted",
                "descending",
                "decreasing",
                "nonincreasing",
            ],
            Reverse => &["reverse", "reversed", "backwards", "backward"],
            SetOf => &["distinct", "unique", "different", "set", "duplicates"],
            Abs => &["absolute", "abs", "magnitude", "distance"],
            Neg => &["negate", "negative", "minus"],
            Not | NotIn => &["not", "without", "remove", "except"],
            StrOf => &["digits", "decimal"],
            IntOf => &["integer", "int", "digits", "digit"],
            Round => &["round", "rounded", "nearest"],
            Upper => &["upper", "uppercase", "capital", "capitals", "shout", "case"],
            Lower => &["lower", "lowercase", "case", "insensitive"],
            Strip | StripChars => &["strip", "trim", "whitespace"],
            Title | Capitalize => &["capitalize", "capitalise", "title", "capital"],
            SwapCase => &["swap"],
            SplitWs | Split => &["word", "words", "split", "separated", "whitespace"],
            IsDigit => &["digit", "digits", "numeric"],
            IsAlpha => &["letter", "letters", "alphabetic"],
            IsAlnum => &["alphanumeric"],
            IsUpper => &["upper", "uppercase", "capital"],
            IsLower => &["lower", "lowercase"],
            IsSpace => &["space", "whitespace", "blank"],
            Any => &["any", "exists", "contains", "contain", "some", "has"],
            All => &["all", "every"],
            Range | Range2 => &["range", "indices"],
            Enumerate => &["index", "position", "indices", "positions"],
            Prod => &["product", "multiply", "multiplied"],
            SortedByLen | MaxByLen | MinByLen => &["length", "long", "longest", "shortest"],
            Transpose => &["transpose", "columns", "column"],
            Flatten => &["flatten", "flat", "concatenate"],
            DictValues => &["values", "value"],
            DictItems => &["items", "pairs", "entries"],
            // Which position an index or slice names depends on its constant, so positions
            // ("first", "last", "middle") are read from the whole expression in `rank.rs`.
            Index => &["index", "element", "item"],
            Add => &["add", "plus", "sum", "append", "concatenate"],
            Sub => &["subtract", "minus", "difference"],
            Mul => &[
                "multiply", "double", "square", "product", "repeat", "repeated", "twice",
            ],
            TrueDiv => &["divide", "divided", "mean", "average", "ratio", "half"],
            FloorDiv => &["divide", "quotient", "half", "integer"],
            Mod => &["remainder", "modulo", "mod", "even", "odd", "divisible"],
            Pow => &["power", "square", "squared", "cube", "exponent"],
            Eq => &["equal", "equals", "same"],
            Ne => &["different", "not", "unequal"],
            // `a < b` is `b > a`: one vocabulary for every ordering comparison.
            Lt | Le | Gt | Ge => &[
                "less", "smaller", "below", "under", "fewer", "greater", "larger", "above", "over",
                "positive", "negative", "strictly", "exceeds",
            ],
            In => &["contains", "member", "occurs"],
            And => &["and", "both"],
            Or => &["or", "either"],
            SliceFrom | SliceTo | Slice | SliceStep => &["prefix", "suffix"],
            Count => &[
                "count",
                "occurrences",
                "occurs",
                "occur",
                "times",
                "many",
                "often",
                "number",
            ],
            Find | IndexOf => &["index", "position", "find", "where"],
            Join => &["join", "joined", "concatenate", "separator", "comma"],
            StartsWith => &["starts", "begins", "prefix"],
            EndsWith => &["ends", "suffix"],
            ZFill => &["pad", "padded", "padding", "width"],
            Zip => &["pairwise", "element", "pairs", "together", "corresponding"],
            IfElse => &["otherwise", "unless", "limited", "clamp"],
            Replace => &["replace", "substitute"],
            DictGet => &["default", "get", "lookup"],
            ListOf => &["characters", "chars"],
        }
    }

    /// Extra cost, in size units, of an unusual use: the search still finds these, but an
    /// equally small plain program wins. `min` of words compares them alphabetically, which
    /// an example can satisfy by accident far more often than a user means it.
    pub fn penalty(self, args: &[&Ty]) -> u8 {
        match self {
            Op::Max | Op::Min => match args.first().and_then(|a| a.bag_elem()) {
                Some(Ty::Str | Ty::List(_) | Ty::Tuple(_)) => 2,
                _ => 0,
            },
            Op::Min2 | Op::Max2 => u8::from(args.first().is_some_and(|a| **a == Ty::Str)) * 2,
            Op::MaxByLen | Op::MinByLen => 3,
            Op::Range2 => 1,
            Op::Pow => 1,
            _ => 0,
        }
    }

    /// The result type for these argument types, or `None` when Python would reject the
    /// combination (or the synthesizer cannot mirror it exactly).
    pub fn result_type(self, args: &[&Ty]) -> Option<Ty> {
        use Op::*;
        use Ty as T;
        let a = args.first().copied()?;
        let b = args.get(1).copied();
        let c = args.get(2).copied();
        match self {
            Len => matches!(
                a,
                T::Str | T::List(_) | T::Tuple(_) | T::Set(_) | T::Dict(..)
            )
            .then_some(T::Int),
            Sum => match a.bag_elem()? {
                T::Int | T::Bool | T::Unknown if !matches!(a, T::Str) => Some(T::Int),
                _ => None,
            },
            Max | Min => {
                let e = a.bag_elem()?;
                (e.orderable() && e != T::Unknown && e != T::Bool).then_some(e)
            }
            Sorted | SortedDesc => {
                let e = a.bag_elem()?;
                e.orderable().then(|| T::list(e))
            }
            Reverse => match a {
                T::Str | T::List(_) => Some(a.clone()),
                T::Tuple(ts) => Some(T::Tuple(ts.iter().rev().cloned().collect())),
                _ => None,
            },
            SetOf => match a {
                T::Set(_) => None,
                _ => {
                    let e = a.seq_elem()?;
                    (e.hashable() && e.orderable()).then(|| T::Set(Box::new(e)))
                }
            },
            ListOf => match a {
                T::Str => Some(T::list(T::Str)),
                T::Tuple(_) => Some(T::list(a.seq_elem()?)),
                T::Dict(k, _) => Some(T::list((**k).clone())),
                _ => None,
            },
            Abs | Neg => a.is_number().then(|| a.clone()),
            Not => (*a == T::Bool).then_some(T::Bool),
            StrOf => matches!(a, T::Int | T::Float | T::Bool).then_some(T::Str),
            IntOf => matches!(a, T::Str | T::Float | T::Bool).then_some(T::Int),
            Round => (*a == T::Float).then_some(T::Int),
            Upper | Lower | Strip | Title | Capitalize | SwapCase => {
                (*a == T::Str).then_some(T::Str)
            }
            SplitWs => (*a == T::Str).then(|| T::list(T::Str)),
            IsDigit | IsAlpha | IsAlnum | IsUpper | IsLower | IsSpace => {
                (*a == T::Str).then_some(T::Bool)
            }
            Any | All => match a.seq_elem()? {
                T::Bool | T::Int => Some(T::Bool),
                _ => None,
            },
            Range => (*a == T::Int).then(|| T::list(T::Int)),
            Enumerate => match a {
                T::Str | T::List(_) => Some(T::list(T::Tuple(vec![T::Int, a.seq_elem()?]))),
                _ => None,
            },
            Prod => match a {
                T::List(e) if matches!(**e, T::Int | T::Unknown) => Some(T::Int),
                _ => None,
            },
            SortedByLen | MaxByLen | MinByLen => match a {
                T::List(e) if matches!(**e, T::Str | T::List(_)) => Some(if self == SortedByLen {
                    a.clone()
                } else {
                    (**e).clone()
                }),
                _ => None,
            },
            Transpose | Flatten => match a {
                T::List(e) => match &**e {
                    T::List(inner) if self == Transpose => {
                        Some(T::list(T::list((**inner).clone())))
                    }
                    T::List(inner) => Some(T::list((**inner).clone())),
                    _ => None,
                },
                _ => None,
            },
            DictValues => match a {
                T::Dict(_, v) => Some(T::list((**v).clone())),
                _ => None,
            },
            DictItems => match a {
                T::Dict(k, v) => Some(T::list(T::Tuple(vec![(**k).clone(), (**v).clone()]))),
                _ => None,
            },
            Index => {
                let b = b?;
                match (a, b) {
                    (T::Dict(k, v), key) => key.join(k).and(Some((**v).clone())),
                    (T::Str | T::List(_) | T::Tuple(_), T::Int) => {
                        let e = a.seq_elem()?;
                        (e != T::Unknown).then_some(e)
                    }
                    _ => None,
                }
            }
            Add => match (a, b?) {
                (T::Int, T::Int) => Some(T::Int),
                (x, y) if x.is_number() && y.is_number() => Some(T::Float),
                (T::Str, T::Str) => Some(T::Str),
                (T::List(x), T::List(y)) => Some(T::list(x.join(y)?)),
                (T::Tuple(x), T::Tuple(y)) => Some(T::Tuple(x.iter().chain(y).cloned().collect())),
                _ => None,
            },
            Sub => match (a, b?) {
                (T::Int, T::Int) => Some(T::Int),
                (x, y) if x.is_number() && y.is_number() => Some(T::Float),
                (T::Set(x), T::Set(y)) => Some(T::Set(Box::new(x.join(y)?))),
                _ => None,
            },
            Mul => match (a, b?) {
                (T::Int, T::Int) => Some(T::Int),
                (x, y) if x.is_number() && y.is_number() => Some(T::Float),
                (T::Str, T::Int) => Some(T::Str),
                (T::List(_), T::Int) => Some(a.clone()),
                _ => None,
            },
            TrueDiv => (a.is_number() && b?.is_number()).then_some(T::Float),
            FloorDiv | Mod | Pow => (*a == T::Int && *b? == T::Int).then_some(T::Int),
            Eq | Ne => {
                let j = a.join(b?)?;
                (!matches!(j, T::Unknown)).then_some(T::Bool)
            }
            Lt | Le | Gt | Ge => {
                let b = b?;
                if a.is_number() && b.is_number() {
                    return Some(T::Bool);
                }
                let j = a.join(b)?;
                (j.orderable() && !matches!(j, T::Bool | T::Unknown)).then_some(T::Bool)
            }
            In | NotIn => {
                let b = b?;
                match b {
                    T::Str => (*a == T::Str).then_some(T::Bool),
                    T::Dict(k, _) => a.join(k).map(|_| T::Bool),
                    _ => a.join(&b.bag_elem()?).map(|_| T::Bool),
                }
            }
            And | Or => (*a == T::Bool && *b? == T::Bool).then_some(T::Bool),
            Min2 | Max2 => {
                let b = b?;
                (a == b && matches!(a, T::Int | T::Float | T::Str)).then(|| a.clone())
            }
            SliceFrom | SliceTo | SliceStep => {
                (matches!(a, T::Str | T::List(_)) && *b? == T::Int).then(|| a.clone())
            }
            Count => match (a, b?) {
                (T::Str, T::Str) => Some(T::Int),
                (T::List(e), x) => e.join(x).map(|_| T::Int),
                _ => None,
            },
            Find => (*a == T::Str && *b? == T::Str).then_some(T::Int),
            IndexOf => match (a, b?) {
                (T::Str, T::Str) => Some(T::Int),
                (T::List(e), x) => e.join(x).map(|_| T::Int),
                _ => None,
            },
            Split => (*a == T::Str && *b? == T::Str).then(|| T::list(T::Str)),
            Join => match (a, b?) {
                (T::Str, T::List(e)) if matches!(**e, T::Str | T::Unknown) => Some(T::Str),
                _ => None,
            },
            StartsWith | EndsWith => (*a == T::Str && *b? == T::Str).then_some(T::Bool),
            StripChars => (*a == T::Str && *b? == T::Str).then_some(T::Str),
            ZFill => (*a == T::Str && *b? == T::Int).then_some(T::Str),
            Range2 => (*a == T::Int && *b? == T::Int).then(|| T::list(T::Int)),
            Zip => {
                let b = b?;
                let ok = |t: &T| matches!(t, T::Str | T::List(_));
                (ok(a) && ok(b))
                    .then(|| Some(T::list(T::Tuple(vec![a.seq_elem()?, b.seq_elem()?]))))
                    .flatten()
            }
            IfElse => (*a == T::Bool).then(|| b?.join(c?)).flatten(),
            Slice => (matches!(a, T::Str | T::List(_)) && *b? == T::Int && *c? == T::Int)
                .then(|| a.clone()),
            Replace => (*a == T::Str && *b? == T::Str && *c? == T::Str).then_some(T::Str),
            DictGet => match a {
                T::Dict(k, v) => {
                    b?.join(k)?;
                    v.join(c?)
                }
                _ => None,
            },
        }
    }
}
