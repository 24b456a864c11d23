//! Expression trees found by the search, and their spelling as ordinary Python.
//!
//! The search only stores a node when it keeps an expression, so the arena holds the bank's
//! expressions and the solutions; every node refers to its children by index. Rendering
//! follows Python's precedence table and adds parentheses only where Python needs them;
//! comprehensions passed to `sum`/`max`/`join`… are written as bare generators, and
//! iterators (`range`, `zip`, `enumerate`) get a `list(...)` only where a list is needed.

use std::collections::HashSet;

use super::ops::Op;
use super::value::Value;

pub type NodeId = u32;

#[derive(Debug, Clone)]
pub enum Node {
    Var(usize),
    Const(Value),
    Op(Op, [NodeId; 3]),
    /// `[elem for vars in src if cond]`; several vars unpack tuple elements.
    Compr {
        src: NodeId,
        vars: Vec<usize>,
        elem: NodeId,
        cond: Option<NodeId>,
    },
}

/// All expression nodes of one search, plus the names of its variables.
#[derive(Debug, Default)]
pub struct Arena {
    nodes: Vec<Node>,
    names: Vec<String>,
    /// Names a rendered helper variable must not shadow (the parameters and the function).
    reserved: HashSet<String>,
    /// Variables bound by comprehensions (the others are parameters).
    bound: HashSet<usize>,
}

// Binding strengths from Python's grammar, weakest first.
const P_TERNARY: u8 = 1;
const P_OR: u8 = 2;
const P_AND: u8 = 3;
const P_NOT: u8 = 4;
const P_CMP: u8 = 5;
const P_ADD: u8 = 10;
const P_MUL: u8 = 11;
const P_UNARY: u8 = 12;
const P_POW: u8 = 13;
const P_PRIMARY: u8 = 14;

impl Arena {
    pub fn new(reserved: impl IntoIterator<Item = String>) -> Self {
        Arena {
            nodes: Vec::new(),
            names: Vec::new(),
            reserved: reserved.into_iter().collect(),
            bound: HashSet::new(),
        }
    }

    pub fn add(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        (self.nodes.len() - 1) as NodeId
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// Declares a parameter under its own name.
    pub fn declare_param(&mut self, name: &str) -> usize {
        self.names.push(name.to_string());
        self.names.len() - 1
    }

    /// Declares a variable and returns its index; the name is made unique against the
    /// reserved names and the variables in `avoid` (those in scope where it is bound).
    pub fn declare_var(&mut self, preferred: &[&str], avoid: &[usize]) -> usize {
        let taken =
            |n: &str, a: &Arena| a.reserved.contains(n) || avoid.iter().any(|v| a.names[*v] == n);
        let mut name = None;
        for p in preferred {
            if !taken(p, self) {
                name = Some((*p).to_string());
                break;
            }
        }
        let name = name.unwrap_or_else(|| {
            let base = preferred.first().copied().unwrap_or("v");
            (2..)
                .map(|i| format!("{base}{i}"))
                .find(|n| !taken(n, self))
                .unwrap_or_else(|| base.to_string())
        });
        self.names.push(name);
        self.bound.insert(self.names.len() - 1);
        self.names.len() - 1
    }

    /// Whether the expression mentions a comprehension variable.
    fn mentions_bound(&self, id: NodeId) -> bool {
        let mut vars = Vec::new();
        self.vars(id, &mut vars);
        vars.iter().any(|v| self.bound.contains(v))
    }

    /// Whether a comparison reads better mirrored: `x > k` rather than `k < x`, `n % 2 == 0`
    /// rather than `0 == n % 2`. The subject (a constant never is; a loop variable is) goes
    /// on the left.
    fn mirror(&self, left: NodeId, right: NodeId) -> bool {
        let is_const = |id| matches!(self.node(id), Node::Const(_));
        (is_const(left) && !is_const(right))
            || (!self.mentions_bound(left) && self.mentions_bound(right))
    }

    /// A name for a helper variable inside a rendered idiom, e.g. `row` in a transpose.
    fn helper_name(&self, base: &str) -> String {
        let mut name = base.to_string();
        while self.reserved.contains(&name) || self.names.contains(&name) {
            name.push('_');
        }
        name
    }

    pub fn var_name(&self, v: usize) -> &str {
        &self.names[v]
    }

    /// The number of nodes, i.e. the size the search assigns the expression.
    pub fn size(&self, id: NodeId) -> usize {
        match self.node(id) {
            Node::Var(_) | Node::Const(_) => 1,
            Node::Op(op, kids) => {
                1 + kids[..op.arity()]
                    .iter()
                    .map(|k| self.size(*k))
                    .sum::<usize>()
            }
            Node::Compr {
                src,
                elem,
                cond,
                vars,
            } => {
                // A filter keeping the bare variable counts as one idiom (see search.rs).
                let elem_size = match (self.node(*elem), cond) {
                    (Node::Var(v), Some(_)) if vars.len() == 1 && vars[0] == *v => 0,
                    _ => self.size(*elem),
                };
                1 + self.size(*src) + elem_size + cond.map_or(0, |c| self.size(c))
            }
        }
    }

    /// Every node of the expression, each before its children, children in order.
    fn walk(&self, id: NodeId, visit: &mut impl FnMut(&Node)) {
        let node = self.node(id);
        visit(node);
        match node {
            Node::Var(_) | Node::Const(_) => {}
            Node::Op(op, kids) => {
                for k in &kids[..op.arity()] {
                    self.walk(*k, visit);
                }
            }
            Node::Compr {
                src, elem, cond, ..
            } => {
                self.walk(*src, visit);
                self.walk(*elem, visit);
                if let Some(c) = cond {
                    self.walk(*c, visit);
                }
            }
        }
    }

    /// Every operator used, for matching against the description's words.
    pub fn ops(&self, id: NodeId, out: &mut Vec<Op>) {
        self.walk(id, &mut |node| {
            if let Node::Op(op, _) = node {
                out.push(*op);
            }
        });
    }

    /// Every variable used.
    pub fn vars(&self, id: NodeId, out: &mut Vec<usize>) {
        self.walk(id, &mut |node| {
            if let Node::Var(v) = node {
                out.push(*v);
            }
        });
    }

    /// Every constant used.
    pub fn consts(&self, id: NodeId, out: &mut Vec<Value>) {
        self.walk(id, &mut |node| {
            if let Node::Const(v) = node {
                out.push(v.clone());
            }
        });
    }

    /// Whether the rendered code needs `import math`.
    pub fn needs_math(&self, id: NodeId) -> bool {
        let mut ops = Vec::new();
        self.ops(id, &mut ops);
        ops.contains(&Op::Prod)
    }

    /// Python source for the expression.
    pub fn render(&self, id: NodeId) -> String {
        self.render_prec(id).0
    }

    fn at_least(&self, id: NodeId, min: u8) -> String {
        let (s, p) = self.render_prec(id);
        if p < min {
            format!("({s})")
        } else {
            s
        }
    }

    fn arg(&self, id: NodeId) -> String {
        self.at_least(id, P_TERNARY)
    }

    /// An argument that is iterated: iterators need no `list(...)` here.
    fn iter_arg(&self, id: NodeId) -> String {
        self.as_iterator(id).unwrap_or_else(|| self.arg(id))
    }

    /// The expression spelled as the iterator it is (`range(n)`, `d.items()`), for a place
    /// that only iterates it; `None` when it is not one.
    fn as_iterator(&self, id: NodeId) -> Option<String> {
        match self.node(id) {
            Node::Op(
                op @ (Op::Range
                | Op::Range2
                | Op::Enumerate
                | Op::Zip
                | Op::DictValues
                | Op::DictItems),
                k,
            ) => Some(self.iterator(*op, k)),
            _ => None,
        }
    }

    /// The sole argument of a call that iterates it: a comprehension becomes a generator.
    fn gen_arg(&self, id: NodeId) -> String {
        match self.node(id) {
            Node::Compr { .. } => self.comprehension(id, false),
            _ => self.iter_arg(id),
        }
    }

    fn iterator(&self, op: Op, k: &[NodeId; 3]) -> String {
        match op {
            Op::Range => format!("range({})", self.arg(k[0])),
            Op::Range2 => format!("range({}, {})", self.arg(k[0]), self.arg(k[1])),
            Op::Enumerate => format!("enumerate({})", self.iter_arg(k[0])),
            Op::Zip => format!("zip({}, {})", self.iter_arg(k[0]), self.iter_arg(k[1])),
            Op::DictValues => format!("{}.values()", self.at_least(k[0], P_PRIMARY)),
            _ => format!("{}.items()", self.at_least(k[0], P_PRIMARY)),
        }
    }

    fn comprehension(&self, id: NodeId, brackets: bool) -> String {
        let Node::Compr {
            src,
            vars,
            elem,
            cond,
        } = self.node(id)
        else {
            return self.render(id);
        };
        let names: Vec<&str> = vars.iter().map(|v| self.var_name(*v)).collect();
        let mut s = format!(
            "{} for {} in {}",
            self.at_least(*elem, P_TERNARY),
            names.join(", "),
            self.as_iterator(*src)
                .unwrap_or_else(|| self.at_least(*src, P_OR))
        );
        if let Some(c) = cond {
            s.push_str(" if ");
            s.push_str(&self.at_least(*c, P_OR));
        }
        if brackets {
            format!("[{s}]")
        } else {
            s
        }
    }

    fn render_prec(&self, id: NodeId) -> (String, u8) {
        const ATOM: u8 = 15;
        match self.node(id) {
            Node::Var(v) => (self.var_name(*v).to_string(), ATOM),
            Node::Const(v) => {
                let s = v.repr();
                let p = if s.starts_with('-') { P_UNARY } else { ATOM };
                (s, p)
            }
            Node::Compr { .. } => (self.comprehension(id, true), ATOM),
            Node::Op(op, k) => self.render_op(*op, k),
        }
    }

    fn render_op(&self, op: Op, k: &[NodeId; 3]) -> (String, u8) {
        use Op::*;
        const ATOM: u8 = 15;
        let call = |name: &str| (format!("{name}({})", self.gen_arg(k[0])), ATOM);
        let method = |name: &str| {
            (
                format!("{}.{name}()", self.at_least(k[0], P_PRIMARY)),
                P_PRIMARY,
            )
        };
        let method1 = |name: &str| {
            (
                format!(
                    "{}.{name}({})",
                    self.at_least(k[0], P_PRIMARY),
                    self.arg(k[1])
                ),
                P_PRIMARY,
            )
        };
        let method2 = |name: &str| {
            (
                format!(
                    "{}.{name}({}, {})",
                    self.at_least(k[0], P_PRIMARY),
                    self.arg(k[1]),
                    self.arg(k[2])
                ),
                P_PRIMARY,
            )
        };
        let bin = |sym: &str, p: u8, left: u8, right: u8| {
            (
                format!(
                    "{} {sym} {}",
                    self.at_least(k[0], left),
                    self.at_least(k[1], right)
                ),
                p,
            )
        };
        match op {
            Len => (format!("len({})", self.arg(k[0])), ATOM),
            Sum => call("sum"),
            Max => call("max"),
            Min => call("min"),
            Sorted => call("sorted"),
            SortedDesc => (
                format!("sorted({}, reverse=True)", self.iter_arg(k[0])),
                ATOM,
            ),
            Reverse => (
                format!("{}[::-1]", self.at_least(k[0], P_PRIMARY)),
                P_PRIMARY,
            ),
            SetOf => call("set"),
            ListOf => (format!("list({})", self.arg(k[0])), ATOM),
            Abs => (format!("abs({})", self.arg(k[0])), ATOM),
            Neg => (format!("-{}", self.at_least(k[0], P_UNARY)), P_UNARY),
            Not => (format!("not {}", self.at_least(k[0], P_NOT)), P_NOT),
            StrOf => (format!("str({})", self.arg(k[0])), ATOM),
            IntOf => (format!("int({})", self.arg(k[0])), ATOM),
            Round => (format!("round({})", self.arg(k[0])), ATOM),
            Upper => method("upper"),
            Lower => method("lower"),
            Strip => method("strip"),
            Title => method("title"),
            Capitalize => method("capitalize"),
            SwapCase => method("swapcase"),
            SplitWs => method("split"),
            IsDigit => method("isdigit"),
            IsAlpha => method("isalpha"),
            IsAlnum => method("isalnum"),
            IsUpper => method("isupper"),
            IsLower => method("islower"),
            IsSpace => method("isspace"),
            Any => call("any"),
            All => call("all"),
            Range | Range2 | Enumerate | Zip | DictValues | DictItems => {
                (format!("list({})", self.iterator(op, k)), ATOM)
            }
            Prod => call("math.prod"),
            SortedByLen => (format!("sorted({}, key=len)", self.iter_arg(k[0])), ATOM),
            MaxByLen => (format!("max({}, key=len)", self.iter_arg(k[0])), ATOM),
            MinByLen => (format!("min({}, key=len)", self.iter_arg(k[0])), ATOM),
            Transpose => {
                let r = self.helper_name("col");
                (
                    format!(
                        "[list({r}) for {r} in zip(*{})]",
                        self.at_least(k[0], P_PRIMARY)
                    ),
                    ATOM,
                )
            }
            Flatten => {
                let (row, v) = (self.helper_name("row"), self.helper_name("item"));
                (
                    format!(
                        "[{v} for {row} in {} for {v} in {row}]",
                        self.at_least(k[0], P_OR)
                    ),
                    ATOM,
                )
            }
            Index => (
                format!("{}[{}]", self.at_least(k[0], P_PRIMARY), self.arg(k[1])),
                P_PRIMARY,
            ),
            Add => bin("+", P_ADD, P_ADD, P_ADD + 1),
            Sub => bin("-", P_ADD, P_ADD, P_ADD + 1),
            Mul => bin("*", P_MUL, P_MUL, P_MUL + 1),
            TrueDiv => bin("/", P_MUL, P_MUL, P_MUL + 1),
            FloorDiv => bin("//", P_MUL, P_MUL, P_MUL + 1),
            Mod => bin("%", P_MUL, P_MUL, P_MUL + 1),
            Pow => bin("**", P_POW, P_POW + 1, P_UNARY),
            Eq | Ne | Lt | Le | Gt | Ge => {
                let (mut l, mut r, mut sym) = (k[0], k[1], cmp_symbol(op));
                if self.mirror(l, r) {
                    std::mem::swap(&mut l, &mut r);
                    sym = cmp_symbol(mirrored(op));
                }
                // Comparisons chain in Python, so a comparison inside one needs parentheses.
                (
                    format!(
                        "{} {sym} {}",
                        self.at_least(l, P_CMP + 1),
                        self.at_least(r, P_CMP + 1)
                    ),
                    P_CMP,
                )
            }
            In | NotIn => (
                format!(
                    "{} {} {}",
                    self.at_least(k[0], P_CMP + 1),
                    if op == In { "in" } else { "not in" },
                    match self.node(k[1]) {
                        Node::Op(o @ (Range | Range2), kk) => self.iterator(*o, kk),
                        _ => self.at_least(k[1], P_CMP + 1),
                    }
                ),
                P_CMP,
            ),
            And => bin("and", P_AND, P_AND, P_AND + 1),
            Or => bin("or", P_OR, P_OR, P_OR + 1),
            Min2 => (format!("min({}, {})", self.arg(k[0]), self.arg(k[1])), ATOM),
            Max2 => (format!("max({}, {})", self.arg(k[0]), self.arg(k[1])), ATOM),
            SliceFrom => (
                format!("{}[{}:]", self.at_least(k[0], P_PRIMARY), self.arg(k[1])),
                P_PRIMARY,
            ),
            SliceTo => (
                format!("{}[:{}]", self.at_least(k[0], P_PRIMARY), self.arg(k[1])),
                P_PRIMARY,
            ),
            SliceStep => (
                format!("{}[::{}]", self.at_least(k[0], P_PRIMARY), self.arg(k[1])),
                P_PRIMARY,
            ),
            Slice => (
                format!(
                    "{}[{}:{}]",
                    self.at_least(k[0], P_PRIMARY),
                    self.arg(k[1]),
                    self.arg(k[2])
                ),
                P_PRIMARY,
            ),
            Count => method1("count"),
            Find => method1("find"),
            IndexOf => method1("index"),
            Split => method1("split"),
            Join => (
                format!(
                    "{}.join({})",
                    self.at_least(k[0], P_PRIMARY),
                    self.gen_arg(k[1])
                ),
                P_PRIMARY,
            ),
            StartsWith => method1("startswith"),
            EndsWith => method1("endswith"),
            StripChars => method1("strip"),
            ZFill => method1("zfill"),
            IfElse => (
                format!(
                    "{} if {} else {}",
                    self.at_least(k[1], P_OR),
                    self.at_least(k[0], P_OR),
                    self.at_least(k[2], P_TERNARY)
                ),
                P_TERNARY,
            ),
            Replace => method2("replace"),
            DictGet => method2("get"),
        }
    }
}

fn cmp_symbol(op: Op) -> &'static str {
    match op {
        Op::Eq => "==",
        Op::Ne => "!=",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Gt => ">",
        _ => ">=",
    }
}

fn mirrored(op: Op) -> Op {
    match op {
        Op::Lt => Op::Gt,
        Op::Le => Op::Ge,
        Op::Gt => Op::Lt,
        Op::Ge => Op::Le,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (Arena, NodeId, NodeId) {
        let mut a = Arena::new(["xs".to_string(), "f".to_string()]);
        let v = a.declare_param("xs");
        let xs = a.add(Node::Var(v));
        let one = a.add(Node::Const(Value::Int(1)));
        (a, xs, one)
    }

    #[test]
    fn parentheses_only_where_python_needs_them() {
        let (mut a, xs, one) = setup();
        let len = a.add(Node::Op(Op::Len, [xs, 0, 0]));
        let sum = a.add(Node::Op(Op::Sum, [xs, 0, 0]));
        let plus = a.add(Node::Op(Op::Add, [len, one, 0]));
        let minus = a.add(Node::Op(Op::Sub, [sum, plus, 0]));
        assert_eq!(a.render(minus), "sum(xs) - (len(xs) + 1)");
        let left = a.add(Node::Op(Op::Sub, [plus, sum, 0]));
        assert_eq!(a.render(left), "len(xs) + 1 - sum(xs)");
        let neg = a.add(Node::Op(Op::Neg, [len, 0, 0]));
        let two = a.add(Node::Const(Value::Int(2)));
        let pow = a.add(Node::Op(Op::Pow, [neg, two, 0]));
        assert_eq!(a.render(pow), "(-len(xs)) ** 2");
        let lt = a.add(Node::Op(Op::Lt, [len, one, 0]));
        let t = a.add(Node::Const(Value::Bool(true)));
        let eq = a.add(Node::Op(Op::Eq, [lt, t, 0]));
        assert_eq!(a.render(eq), "(len(xs) < 1) == True");
        let rev = a.add(Node::Op(Op::Reverse, [plus, 0, 0]));
        assert_eq!(a.render(rev), "(len(xs) + 1)[::-1]");
    }

    #[test]
    fn generators_and_iterators() {
        let (mut a, xs, _) = setup();
        let x = a.declare_var(&["x", "y"], &[]);
        let xv = a.add(Node::Var(x));
        let sq = a.add(Node::Op(Op::Mul, [xv, xv, 0]));
        let comp = a.add(Node::Compr {
            src: xs,
            vars: vec![x],
            elem: sq,
            cond: None,
        });
        let sum = a.add(Node::Op(Op::Sum, [comp, 0, 0]));
        assert_eq!(a.render(sum), "sum(x * x for x in xs)");
        assert_eq!(a.render(comp), "[x * x for x in xs]");
        let len = a.add(Node::Op(Op::Len, [comp, 0, 0]));
        assert_eq!(a.render(len), "len([x * x for x in xs])");
        let n = a.add(Node::Op(Op::Len, [xs, 0, 0]));
        let r = a.add(Node::Op(Op::Range, [n, 0, 0]));
        assert_eq!(a.render(r), "list(range(len(xs)))");
        let s = a.add(Node::Op(Op::Sum, [r, 0, 0]));
        assert_eq!(a.render(s), "sum(range(len(xs)))");
        let zero = a.add(Node::Const(Value::Int(0)));
        let lt = a.add(Node::Op(Op::Lt, [zero, xv, 0]));
        assert_eq!(a.render(lt), "x > 0", "the subject goes left");
        let y = a.declare_var(&["x"], &[x]);
        assert_eq!(a.var_name(y), "x2", "names stay unique in one scope");
        let z = a.declare_var(&["xs", "ys"], &[]);
        assert_eq!(a.var_name(z), "ys", "parameters are never shadowed");
    }
}
