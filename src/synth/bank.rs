//! The bank of a bottom-up search: every distinct expression found so far, grouped by size
//! and type, with its value on every row (an example, or an element of a comprehension).
//!
//! Two expressions with the same type and the same values on every row are
//! interchangeable as far as the examples can tell, so only the first (smallest, plainest)
//! one is kept: this *observational equivalence* is what keeps the bank small. Candidates of
//! size `n` are built from entries of smaller sizes, type group by type group, so an operator
//! is type-checked once per pair of groups rather than once per pair of entries.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;
use std::time::Instant;

use super::eval::apply;
use super::expr::{Arena, Node, NodeId};
use super::ops::Op;
use super::types::{TyId, Types};
use super::value::Value;
use super::CancelFlag;

#[derive(Debug, Clone)]
pub struct Entry {
    pub node: NodeId,
    pub ty: TyId,
    pub size: usize,
    pub vals: Arc<[Value]>,
    /// Built from constants only: its value is the same on every row.
    pub konst: bool,
    /// Mentions a comprehension's bound variable.
    pub bound: bool,
    /// The operator at the root, if any.
    pub op: Option<Op>,
    /// Extra cost of unusual operator uses inside (see [`Op::penalty`]).
    pub penalty: u8,
}

/// Entries of one search context, grouped for enumeration.
#[derive(Debug, Default)]
pub struct Store {
    pub entries: Vec<Entry>,
    /// `by_size[n]` lists the entries of size `n` grouped by type, in insertion order.
    by_size: Vec<Vec<(TyId, Vec<u32>)>>,
}

impl Store {
    pub fn push(&mut self, e: Entry) {
        let (size, ty) = (e.size, e.ty);
        let idx = self.entries.len() as u32;
        self.entries.push(e);
        if self.by_size.len() <= size {
            self.by_size.resize_with(size + 1, Vec::new);
        }
        let groups = &mut self.by_size[size];
        match groups.iter_mut().find(|(t, _)| *t == ty) {
            Some((_, list)) => list.push(idx),
            None => groups.push((ty, vec![idx])),
        }
    }

    pub fn groups(&self, size: usize) -> &[(TyId, Vec<u32>)] {
        self.by_size.get(size).map_or(&[], Vec::as_slice)
    }
}

/// A store plus its equivalence table and how far it has been grown.
#[derive(Debug, Default)]
pub struct Bank {
    pub store: Store,
    /// Values seen so far: `u32::MAX` for committed entries, else the index in the
    /// pending list of the level being built.
    pub seen: Seen,
    pub rows: usize,
    /// The first `strict` rows come from examples: an expression that raises on one of
    /// them is dropped. The rows after them come from probes (`probe.rs`), where raising
    /// only makes the value [`RAISED`].
    pub strict: usize,
    /// The largest size whose candidates have all been enumerated.
    pub level: usize,
}

/// A candidate kept for the bank at the end of its level.
pub struct Pending {
    pub node: Node,
    pub ty: TyId,
    pub vals: Arc<[Value]>,
    pub konst: bool,
    pub bound: bool,
    pub penalty: u8,
}

impl Pending {
    fn into_entry(self, node: NodeId, size: usize) -> Entry {
        Entry {
            node,
            ty: self.ty,
            size,
            vals: self.vals,
            konst: self.konst,
            bound: self.bound,
            op: match self.node {
                Node::Op(op, _) => Some(op),
                _ => None,
            },
            penalty: self.penalty,
        }
    }
}

impl Bank {
    /// Offers a candidate of size `size` to the level being built. New values are kept;
    /// values equal to those of another candidate of this level replace it when the
    /// newcomer is plainer (lower penalty), so `x % 2 == 0` wins over an equally small
    /// oddity found first.
    pub fn admit(&mut self, pending: &mut Vec<Pending>, p: Pending, size: usize) {
        let key_rows = self.key_rows(size);
        admit(&mut self.seen, pending, p, key_rows, self.strict)
    }

    /// The rows that tell candidates of this size apart: every row up to
    /// [`PROBED_SIZE`], then only the examples (see [`admit`]).
    pub fn key_rows(&self, size: usize) -> usize {
        if size <= PROBED_SIZE {
            self.rows
        } else {
            self.strict
        }
    }

    /// Adds the level's candidates to the store; returns how many.
    pub fn commit(&mut self, pending: Vec<Pending>, arena: &mut Arena, size: usize) -> usize {
        let n = pending.len();
        for p in pending {
            for rows in [self.rows, self.strict] {
                let key = (p.ty, Arc::from(&p.vals[..rows.min(p.vals.len())]));
                if let Some(slot) = self.seen.get_mut(&key) {
                    *slot = u32::MAX;
                }
            }
            let node = arena.add(p.node.clone());
            self.store.push(p.into_entry(node, size));
        }
        n
    }
}

/// Up to this size, expressions that agree on the examples but not on a probe row are
/// both kept: `len(s) // 2` beside `1`, `xs[0]` beside `min(xs)`, so the ranking can choose
/// between readings the examples cannot. Larger ones are told apart by the examples alone,
/// as without probes, so the bank grows only at the sizes where it is small.
pub const PROBED_SIZE: usize = 4;

/// [`Bank::admit`] on the equivalence table alone, for use while the store is borrowed.
/// `key_rows` rows decide equivalence; every entry also claims its value on the `strict`
/// example rows, so a larger expression equal there to any kept one is dropped.
pub fn admit(
    seen: &mut Seen,
    pending: &mut Vec<Pending>,
    p: Pending,
    key_rows: usize,
    strict: usize,
) {
    let key_rows = key_rows.min(p.vals.len());
    let key = (p.ty, Arc::from(&p.vals[..key_rows]));
    match seen.get(&key) {
        None => {
            if key_rows > strict {
                let strict_key = (p.ty, Arc::from(&p.vals[..strict.min(key_rows)]));
                seen.entry(strict_key).or_insert(pending.len() as u32);
            }
            seen.insert(key, pending.len() as u32);
            pending.push(p);
        }
        Some(&idx) if idx != u32::MAX => {
            if let Some(old) = pending.get_mut(idx as usize) {
                // Only a candidate with the same values on every row may take the place,
                // or the table would point at values no longer kept.
                if p.penalty < old.penalty && p.vals == old.vals {
                    *old = p;
                }
            }
        }
        Some(_) => {}
    }
}

pub type Seen = HashMap<(TyId, Arc<[Value]>), u32>;

/// Why a search stopped before it was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Time,
    Cancelled,
    /// The extra search for a better-ranked solution used up its share.
    Enough,
}

/// Budget and counters shared by every bank of one search.
pub struct Ctl<'a> {
    pub deadline: Instant,
    pub cancel: &'a CancelFlag,
    pub tried: u64,
    pub entries: usize,
    pub max_entries: usize,
    /// Candidate count after which the search stops looking for better solutions.
    pub soft_cap: Option<u64>,
}

impl Ctl<'_> {
    /// Counts one candidate; every few hundred, checks the clock and the cancel flag.
    pub fn tick(&mut self) -> Result<(), Stop> {
        self.tried += 1;
        if self.soft_cap.is_some_and(|cap| self.tried > cap) {
            return Err(Stop::Enough);
        }
        if self.tried & 255 == 0 {
            if self.cancel.is_cancelled() {
                return Err(Stop::Cancelled);
            }
            if Instant::now() >= self.deadline {
                return Err(Stop::Time);
            }
        }
        Ok(())
    }

    pub fn full(&self) -> bool {
        self.entries >= self.max_entries
    }
}

/// Result types of operators, memoized per combination of argument types.
#[derive(Debug, Default)]
pub struct TypeCache(HashMap<TypeKey, Option<(TyId, u8)>>);

type TypeKey = (Op, [TyId; 3]);

impl TypeCache {
    /// The result type and the penalty of applying `op` to these argument types.
    pub fn result(&mut self, types: &mut Types, op: Op, args: &[TyId]) -> Option<(TyId, u8)> {
        let mut key = [TyId(u32::MAX); 3];
        key[..args.len()].copy_from_slice(args);
        if let Some(r) = self.0.get(&(op, key)) {
            return *r;
        }
        let tys: Vec<_> = args.iter().map(|t| types.get(*t).clone()).collect();
        let refs: Vec<_> = tys.iter().collect();
        let r = op
            .result_type(&refs)
            .map(|t| (types.intern(t), op.penalty(&refs)));
        self.0.insert((op, key), r);
        r
    }
}

/// A candidate that evaluated without error on every row.
pub struct Candidate {
    pub op: Op,
    pub kids: [NodeId; 3],
    pub ty: TyId,
    pub vals: Vec<Value>,
    pub konst: bool,
    pub bound: bool,
    pub penalty: u8,
}

/// Combinations that are legal but never worth keeping: a range is already sorted and
/// distinct, and `len(range(n))` is `max(n, 0)` in disguise, which lets tiny programs fit
/// examples by accident.
fn pointless(op: Op, first: &Entry) -> bool {
    match first.op {
        Some(Op::Range | Op::Range2) => !matches!(
            op,
            Op::Sum | Op::Zip | Op::Enumerate | Op::In | Op::NotIn | Op::Index | Op::Add
        ),
        Some(Op::Enumerate) => op == Op::Len,
        // `x[a:][b:]` is one slice written twice.
        Some(prev @ (Op::SliceFrom | Op::SliceTo | Op::SliceStep)) => prev == op,
        _ => false,
    }
}

/// The number of rows of a bank and how many of them are strict (see [`Bank::strict`]).
#[derive(Debug, Clone, Copy)]
pub struct Rows {
    pub total: usize,
    pub strict: usize,
}

/// What a probe row holds where Python would raise. `None` is otherwise rare in the
/// search, and any operation given it is treated as raising again, so a probe never
/// decides more than which expressions are told apart.
pub const RAISED: Value = Value::None;

/// Enumerates every operator application of size `n` over the store, in a fixed order, and
/// hands each one that Python would evaluate without raising on an example to `emit`.
pub fn enumerate_ops(
    store: &Store,
    rows: Rows,
    n: usize,
    types: &mut Types,
    cache: &mut TypeCache,
    ctl: &mut Ctl,
    emit: &mut dyn FnMut(Candidate),
) -> Result<(), Stop> {
    for &op in Op::ALL {
        let k = op.arity();
        if n < k + 1 {
            continue;
        }
        let budget = n - 1;
        match k {
            1 => {
                for (t, list) in store.groups(budget) {
                    let Some((rt, pen)) = cache.result(types, op, &[*t]) else {
                        continue;
                    };
                    for &a in list {
                        let ea = &store.entries[a as usize];
                        if ea.konst || pointless(op, ea) {
                            continue;
                        }
                        ctl.tick()?;
                        if let Some(vals) = eval_rows(op, rows, &[ea]) {
                            emit(Candidate {
                                op,
                                kids: [ea.node, 0, 0],
                                ty: rt,
                                vals,
                                konst: false,
                                bound: ea.bound,
                                penalty: pen.saturating_add(ea.penalty),
                            });
                        }
                    }
                }
            }
            2 => {
                for s1 in 1..budget {
                    let s2 = budget - s1;
                    for (t1, l1) in store.groups(s1) {
                        for (t2, l2) in store.groups(s2) {
                            let Some((rt, pen)) = cache.result(types, op, &[*t1, *t2]) else {
                                continue;
                            };
                            let symmetric = op.commutative() && s1 == s2 && t1 == t2;
                            for (i, &a) in l1.iter().enumerate() {
                                let ea = &store.entries[a as usize];
                                let from = if symmetric { i } else { 0 };
                                for &b in &l2[from..] {
                                    let eb = &store.entries[b as usize];
                                    if (ea.konst && eb.konst)
                                        || pointless(op, ea)
                                        || pointless(op, eb)
                                    {
                                        continue;
                                    }
                                    ctl.tick()?;
                                    if let Some(vals) = eval_rows(op, rows, &[ea, eb]) {
                                        emit(Candidate {
                                            op,
                                            kids: [ea.node, eb.node, 0],
                                            ty: rt,
                                            vals,
                                            konst: false,
                                            bound: ea.bound || eb.bound,
                                            penalty: pen
                                                .saturating_add(ea.penalty)
                                                .saturating_add(eb.penalty),
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
            }
            _ => {
                for s1 in 1..budget {
                    for s2 in 1..budget - s1 {
                        let s3 = budget - s1 - s2;
                        ternary(store, rows, op, [s1, s2, s3], types, cache, ctl, emit)?;
                    }
                }
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn ternary(
    store: &Store,
    rows: Rows,
    op: Op,
    sizes: [usize; 3],
    types: &mut Types,
    cache: &mut TypeCache,
    ctl: &mut Ctl,
    emit: &mut dyn FnMut(Candidate),
) -> Result<(), Stop> {
    for (t1, l1) in store.groups(sizes[0]) {
        for (t2, l2) in store.groups(sizes[1]) {
            for (t3, l3) in store.groups(sizes[2]) {
                let Some((rt, pen)) = cache.result(types, op, &[*t1, *t2, *t3]) else {
                    continue;
                };
                for &a in l1 {
                    let ea = &store.entries[a as usize];
                    // A conditional on a constant is just one of its branches.
                    if op == Op::IfElse && ea.konst {
                        continue;
                    }
                    for &b in l2 {
                        let eb = &store.entries[b as usize];
                        for &c in l3 {
                            let ec = &store.entries[c as usize];
                            if ea.konst && eb.konst && ec.konst {
                                continue;
                            }
                            ctl.tick()?;
                            if let Some(vals) = eval_rows(op, rows, &[ea, eb, ec]) {
                                emit(Candidate {
                                    op,
                                    kids: [ea.node, eb.node, ec.node],
                                    ty: rt,
                                    vals,
                                    konst: false,
                                    bound: ea.bound || eb.bound || ec.bound,
                                    penalty: pen
                                        .saturating_add(ea.penalty)
                                        .saturating_add(eb.penalty)
                                        .saturating_add(ec.penalty),
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// Evaluates the operator on every row; `None` as soon as a strict row fails.
fn eval_rows(op: Op, rows: Rows, args: &[&Entry]) -> Option<Vec<Value>> {
    let mut out = Vec::with_capacity(rows.total);
    let none = Value::None;
    let mut refs: [&Value; 3] = [&none; 3];
    for r in 0..rows.total {
        for (slot, e) in refs.iter_mut().zip(args) {
            *slot = &e.vals[r];
        }
        let args = &refs[..args.len()];
        if r < rows.strict {
            out.push(apply(op, args)?);
        } else if args.iter().any(|a| **a == RAISED) {
            out.push(RAISED);
        } else {
            out.push(apply(op, args).unwrap_or(RAISED));
        }
    }
    Some(out)
}
