//! The search proper: grows the main bank (expressions over the parameters) one size at a
//! time, and, for list comprehensions, one sub-bank per iterated expression whose rows are
//! the elements being iterated. A comprehension `[E for x in L if C]` of size
//! `1 + |L| + |E| + |C|` is assembled from an iterable `L` of the main bank and an element
//! expression `E` and a condition `C` of `L`'s sub-bank.
//!
//! Every candidate is compared with the expected outputs before the equivalence check, so
//! all equally small solutions are seen and the caller can prefer the one whose words match
//! the description.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;
use std::time::Instant;

use super::bank::{
    admit, enumerate_ops, Bank, Candidate, Ctl, Entry, Pending, Rows, Stop, TypeCache, RAISED,
};
use super::expr::{Arena, Node, NodeId};
use super::ops::Op;
use super::rank::{self, Rank, MAX_WORD_BONUS};
use super::task::Prepared;
use super::types::{Ty, Types};
use super::value::Value;
use super::{CancelFlag, SynthLimits};

/// Largest iterated expression a comprehension may use (`s.lower()`, `zip(a, b)`).
const MAX_SOURCE_SIZE: usize = 3;
/// Most iterated expressions that get a sub-bank.
const MAX_SOURCES: usize = 40;
/// Largest element expression or condition inside a comprehension.
const MAX_INNER_SIZE: usize = 6;

/// One solution: an expression of the arena whose values match every example.
#[derive(Debug, Clone, Copy)]
pub struct Found {
    pub node: NodeId,
    pub size: usize,
    pub order: usize,
    pub penalty: u8,
}

pub struct Outcome {
    pub arena: Arena,
    pub found: Vec<Found>,
    pub tried: u64,
    pub stop: Option<Stop>,
    /// The largest program size whose candidates were all tried.
    pub level: usize,
    pub bank_full: bool,
}

/// The rows of a comprehension: each element of the iterated value, in every example.
struct Sub {
    bank: Bank,
    /// Row range of each example.
    ranges: Vec<std::ops::Range<usize>>,
    vars: Vec<usize>,
    src_node: NodeId,
    src_size: usize,
}

struct Search<'a> {
    arena: Arena,
    types: Types,
    cache: TypeCache,
    main: Bank,
    subs: Vec<Sub>,
    sub_of: HashMap<u32, usize>,
    ctl: Ctl<'a>,
    expected: Vec<Value>,
    found: Vec<Found>,
    prep: &'a Prepared,
    /// Param variables, in order.
    param_vars: Vec<usize>,
    /// Candidates of an interrupted level, dropped with the banks (see `run`).
    trash: Vec<Vec<Pending>>,
}

pub fn run(
    prep: &Prepared,
    fn_name: &str,
    limits: &SynthLimits,
    cancel: &CancelFlag,
    want: usize,
) -> Outcome {
    let reserved = prep
        .params
        .iter()
        .map(|p| p.name.clone())
        .chain([fn_name.to_string(), "math".to_string()]);
    let mut arena = Arena::new(reserved);
    let param_vars = prep
        .params
        .iter()
        .map(|p| arena.declare_param(&p.name))
        .collect();
    let mut s = Search {
        arena,
        types: Types::default(),
        cache: TypeCache::default(),
        main: Bank {
            rows: prep
                .params
                .first()
                .map_or(prep.examples, |p| p.values.len()),
            strict: prep.examples,
            ..Bank::default()
        },
        subs: Vec::new(),
        sub_of: HashMap::default(),
        ctl: Ctl {
            // A fifth of the budget is left for tearing down the banks and ranking.
            deadline: Instant::now() + limits.time_budget.mul_f64(0.8),
            cancel,
            tried: 0,
            entries: 0,
            max_entries: limits.max_bank,
            soft_cap: None,
        },
        expected: prep.expected.clone(),
        found: Vec::new(),
        prep,
        param_vars,
        trash: Vec::new(),
    };
    let mut stop = None;
    for n in 1..=limits.max_size {
        match s.main_level(n) {
            Ok(()) => s.main.level = n,
            Err(Stop::Enough) => break,
            Err(e) => {
                stop = Some(e);
                break;
            }
        }
        if s.found.is_empty() {
            continue;
        }
        if s.ctl.soft_cap.is_none() {
            s.ctl.soft_cap = Some((s.ctl.tried * EXTENSION_FACTOR).max(EXTENSION_MIN));
        }
        // A solution found later is at least one size larger and can gain at most
        // MAX_WORD_BONUS, so once that cannot beat the best one the search is done.
        let best = s.found.iter().map(|f| s.rank(f).cost).min().unwrap_or(0);
        if s.found.len() >= want && n as i64 >= best + MAX_WORD_BONUS {
            break;
        }
    }
    let mut ranked: Vec<(Rank, Found)> = s.found.iter().map(|f| (s.rank(f), *f)).collect();
    ranked.sort_by_key(|(r, _)| *r);
    // Freeing millions of small values takes a good fraction of a second; the caller
    // should not wait for it, so the banks are dropped on a thread of their own. If no
    // thread can be started they are dropped here when the closure is.
    let level = s.main.level;
    let banks = (
        std::mem::take(&mut s.main),
        std::mem::take(&mut s.subs),
        std::mem::take(&mut s.trash),
    );
    let _ = std::thread::Builder::new()
        .name("synth-free".into())
        .spawn(move || drop(banks));
    Outcome {
        level,
        bank_full: s.ctl.full(),
        arena: s.arena,
        found: ranked.into_iter().map(|(_, f)| f).collect(),
        tried: s.ctl.tried,
        stop,
    }
}

/// After the first solution, the search looks for a better-ranked one for at most this
/// many times the candidates it took to find the first (and at least `EXTENSION_MIN`).
/// Counting candidates rather than time keeps the outcome the same on any machine.
const EXTENSION_FACTOR: u64 = 3;
const EXTENSION_MIN: u64 = 200_000;

impl Search<'_> {
    fn rank(&self, f: &Found) -> Rank {
        rank::rank(
            &self.arena,
            self.prep,
            &self.param_vars,
            f.node,
            f.size,
            f.penalty,
            f.order,
        )
    }
}

impl Search<'_> {
    fn atoms(&mut self, bank_rows: &[usize], bound: &[(usize, Ty, Vec<Value>)]) -> Vec<Pending> {
        let mut out = Vec::new();
        let atom = |node, ty, vals: Vec<Value>, konst, bound| Pending {
            node,
            ty,
            vals: Arc::from(vals),
            konst,
            bound,
            penalty: 0,
        };
        let const_atom = |node, ty, vals: Vec<Value>, penalty| Pending {
            node,
            ty,
            vals: Arc::from(vals),
            konst: true,
            bound: false,
            penalty,
        };
        for (var, ty, vals) in bound {
            out.push(atom(
                Node::Var(*var),
                self.types.intern(ty.clone()),
                vals.clone(),
                false,
                true,
            ));
        }
        for (p, var) in self.prep.params.iter().zip(&self.param_vars) {
            let vals: Vec<Value> = bank_rows.iter().map(|ex| p.values[*ex].clone()).collect();
            out.push(atom(
                Node::Var(*var),
                self.types.intern(p.ty.clone()),
                vals,
                false,
                false,
            ));
        }
        for c in &self.prep.consts {
            let ty = super::types::type_of(&c.value).unwrap_or(Ty::Unknown);
            let vals = vec![c.value.clone(); bank_rows.len()];
            out.push(const_atom(
                Node::Const(c.value.clone()),
                self.types.intern(ty),
                vals,
                c.extra_cost,
            ));
        }
        out
    }

    fn main_level(&mut self, n: usize) -> Result<(), Stop> {
        let mut pending: Vec<Pending> = Vec::new();
        if n == 1 {
            let rows: Vec<usize> = (0..self.main.rows).collect();
            for atom in self.atoms(&rows, &[]) {
                self.ctl.tick()?;
                self.offer(&atom.node, n, &atom.vals, atom.penalty);
                self.main.admit(&mut pending, atom, n);
            }
        } else {
            // Comprehensions first: they are few, they are the idiom when one fits, and
            // when time runs out within a level they have been tried.
            let mut done = self.comprehensions(n, &mut pending);
            let Search {
                arena,
                types,
                cache,
                main,
                ctl,
                expected,
                found,
                ..
            } = self;
            let full = ctl.full();
            let strict = main.strict;
            let key_rows = main.key_rows(n);
            let mut emit = |c: Candidate| {
                if c.vals[..strict] == **expected {
                    let node = arena.add(Node::Op(c.op, c.kids));
                    found.push(Found {
                        node,
                        size: n,
                        order: found.len(),
                        penalty: c.penalty,
                    });
                }
                if !full {
                    admit(
                        &mut main.seen,
                        &mut pending,
                        Pending {
                            node: Node::Op(c.op, c.kids),
                            ty: c.ty,
                            vals: Arc::from(c.vals),
                            konst: c.konst,
                            bound: false,
                            penalty: c.penalty,
                        },
                        key_rows,
                        strict,
                    );
                }
            };
            let rows = Rows {
                total: main.rows,
                strict: main.strict,
            };
            if done.is_ok() {
                done = enumerate_ops(&main.store, rows, n, types, cache, ctl, &mut emit);
            }
            if let Err(e) = done {
                self.trash.push(pending);
                return Err(e);
            }
        }
        self.ctl.entries += self.main.commit(pending, &mut self.arena, n);
        Ok(())
    }

    /// Records a solution if the values are the expected ones.
    fn offer(&mut self, node: &Node, size: usize, vals: &[Value], penalty: u8) {
        if vals[..self.main.strict] == *self.expected.as_slice() {
            let node = self.arena.add(node.clone());
            self.found.push(Found {
                node,
                size,
                order: self.found.len(),
                penalty,
            });
        }
    }

    fn comprehensions(&mut self, n: usize, pending: &mut Vec<Pending>) -> Result<(), Stop> {
        // Sources are entries of the main bank small enough to leave room for an element.
        let mut sources = Vec::new();
        for size in 1..=MAX_SOURCE_SIZE.min(n.saturating_sub(2)) {
            for (t, list) in self.main.store.groups(size) {
                if self
                    .types
                    .get(*t)
                    .seq_elem()
                    .is_none_or(|e| e == Ty::Unknown)
                {
                    continue;
                }
                sources.extend(list.iter().copied());
            }
        }
        sources.retain(|i| {
            let e = &self.main.store.entries[*i as usize];
            !e.konst && e.op.is_none_or(is_source_op)
        });
        sources.sort_unstable();
        // Comprehensions see only the example rows, so two sources alike there would give
        // the same comprehensions: the first (smallest, plainest) stands for both.
        let strict = self.main.strict;
        let mut seen_src: Vec<(super::types::TyId, &[Value])> = Vec::new();
        sources.retain(|i| {
            let e = &self.main.store.entries[*i as usize];
            let key = (e.ty, &e.vals[..strict]);
            if seen_src.contains(&key) {
                return false;
            }
            seen_src.push(key);
            true
        });
        for src in sources {
            let Some(sub) = self.sub_for(src) else {
                continue;
            };
            let rest = n - 1 - self.subs[sub].src_size;
            if rest > MAX_INNER_SIZE + 1 {
                continue;
            }
            self.grow_sub(sub, rest.min(MAX_INNER_SIZE))?;
            self.maps(sub, n, rest, pending)?;
            self.filters(sub, n, rest, pending)?;
        }
        Ok(())
    }

    fn sub_for(&mut self, src: u32) -> Option<usize> {
        if let Some(i) = self.sub_of.get(&src) {
            return Some(*i);
        }
        if self.subs.len() >= MAX_SOURCES {
            return None;
        }
        let entry = self.main.store.entries[src as usize].clone();
        if entry.konst {
            return None;
        }
        let elem_ty = self.types.get(entry.ty).seq_elem()?;
        let mut elems: Vec<Value> = Vec::new();
        let mut ranges = Vec::new();
        let mut ex_of_row = Vec::new();
        for (ex, v) in entry.vals.iter().enumerate() {
            let start = elems.len();
            match v {
                // Comprehensions are not probed: their element rows would double the work
                // of the slowest searches, so probe rows of a comprehension read as raised.
                _ if ex >= self.main.strict => {}
                Value::Str(s) => {
                    elems.extend(s.chars().map(|c| Value::str(c.encode_utf8(&mut [0; 4]))))
                }
                Value::List(x) | Value::Tuple(x) => elems.extend(x.iter().cloned()),
                _ => return None,
            }
            ranges.push(start..elems.len());
            ex_of_row.extend(std::iter::repeat_n(ex, elems.len() - start));
        }
        let from_enumerate = matches!(self.arena.node(entry.node), Node::Op(Op::Enumerate, _));
        let from_str = matches!(self.types.get(entry.ty), Ty::Str);
        let mut bound: Vec<(usize, Ty, Vec<Value>)> = Vec::new();
        match &elem_ty {
            Ty::Tuple(parts) if (2..=3).contains(&parts.len()) => {
                let mut vars = Vec::new();
                for (j, part) in parts.iter().enumerate() {
                    let prefs = if j == 0 && from_enumerate {
                        vec!["i", "j"]
                    } else if j > 0 && parts[0] == *part && !from_enumerate {
                        vec!["y", "z", "b"]
                    } else {
                        var_names(part, false)
                    };
                    let var = self.arena.declare_var(&prefs, &vars);
                    vars.push(var);
                    let vals = elems
                        .iter()
                        .map(|t| match t {
                            Value::Tuple(x) => x.get(j).cloned().unwrap_or(Value::None),
                            _ => Value::None,
                        })
                        .collect();
                    bound.push((var, part.clone(), vals));
                }
            }
            other => {
                let var = self.arena.declare_var(&var_names(other, from_str), &[]);
                bound.push((var, other.clone(), elems));
            }
        }
        let rows = ex_of_row.len();
        let strict = ex_of_row
            .iter()
            .take_while(|ex| **ex < self.main.strict)
            .count();
        let atoms = self.atoms(&ex_of_row, &bound);
        let mut bank = Bank {
            rows,
            strict,
            ..Bank::default()
        };
        let mut pending = Vec::new();
        for atom in atoms {
            bank.admit(&mut pending, atom, 1);
        }
        bank.commit(pending, &mut self.arena, 1);
        bank.level = 1;
        self.subs.push(Sub {
            bank,
            ranges,
            vars: bound.iter().map(|(v, _, _)| *v).collect(),
            src_node: entry.node,
            src_size: entry.size,
        });
        self.sub_of.insert(src, self.subs.len() - 1);
        Some(self.subs.len() - 1)
    }

    fn grow_sub(&mut self, sub: usize, upto: usize) -> Result<(), Stop> {
        while self.subs[sub].bank.level < upto {
            let n = self.subs[sub].bank.level + 1;
            let Search {
                arena,
                types,
                cache,
                subs,
                ctl,
                ..
            } = self;
            let bank = &mut subs[sub].bank;
            let full = ctl.full();
            let (key_rows, strict) = (bank.key_rows(n), bank.strict);
            let mut pending = Vec::new();
            let mut emit = |c: Candidate| {
                if full {
                    return;
                }
                let p = Pending {
                    node: Node::Op(c.op, c.kids),
                    ty: c.ty,
                    vals: Arc::from(c.vals),
                    konst: c.konst,
                    bound: c.bound,
                    penalty: c.penalty,
                };
                admit(&mut bank.seen, &mut pending, p, key_rows, strict);
            };
            let rows = Rows {
                total: bank.rows,
                strict: bank.strict,
            };
            enumerate_ops(&bank.store, rows, n, types, cache, ctl, &mut emit)?;
            ctl.entries += bank.commit(pending, arena, n);
            bank.level = n;
        }
        Ok(())
    }

    /// Per example, the list of `vals` over the rows where `keep` holds.
    /// Probe rows have no elements (see `sub_for`), so they read as raised.
    fn collect(
        ranges: &[std::ops::Range<usize>],
        strict: usize,
        vals: &[Value],
        keep: Option<&[Value]>,
    ) -> Vec<Value> {
        ranges
            .iter()
            .enumerate()
            .map(|(row, r)| {
                let raised = row >= strict
                    && r.clone()
                        .any(|i| vals[i] == RAISED || keep.is_some_and(|k| k[i] == RAISED));
                if raised {
                    return RAISED;
                }
                Value::list(
                    r.clone()
                        .filter(|i| keep.is_none_or(|k| k[*i].truthy()))
                        .map(|i| vals[i].clone())
                        .collect(),
                )
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn emit_compr(
        &mut self,
        sub: usize,
        n: usize,
        elem: &Entry,
        cond: Option<&Entry>,
        vals: Vec<Value>,
        pending: &mut Vec<Pending>,
    ) {
        let s = &self.subs[sub];
        let node = Node::Compr {
            src: s.src_node,
            vars: s.vars.clone(),
            elem: elem.node,
            cond: cond.map(|c| c.node),
        };
        let elem_ty = self.types.get(elem.ty).clone();
        let ty = self.types.intern(Ty::list(elem_ty));
        let penalty = elem.penalty.saturating_add(cond.map_or(0, |c| c.penalty));
        self.offer(&node, n, &vals, penalty);
        if !self.ctl.full() {
            let p = Pending {
                node,
                ty,
                vals: Arc::from(vals),
                konst: false,
                bound: false,
                penalty,
            };
            self.main.admit(pending, p, n);
        }
    }

    fn maps(
        &mut self,
        sub: usize,
        n: usize,
        rest: usize,
        pending: &mut Vec<Pending>,
    ) -> Result<(), Stop> {
        if rest > MAX_INNER_SIZE {
            return Ok(());
        }
        let elems: Vec<Entry> = self.subs[sub]
            .bank
            .store
            .groups(rest)
            .iter()
            .flat_map(|(_, l)| {
                l.iter()
                    .map(|i| self.subs[sub].bank.store.entries[*i as usize].clone())
            })
            // A bare bound variable would only copy the source.
            .filter(|e| e.bound && !matches!(self.arena.node(e.node), Node::Var(_)))
            .collect();
        for e in elems {
            self.ctl.tick()?;
            let vals = Self::collect(&self.subs[sub].ranges, self.main.strict, &e.vals, None);
            self.emit_compr(sub, n, &e, None, vals, pending);
        }
        Ok(())
    }

    fn filters(
        &mut self,
        sub: usize,
        n: usize,
        rest: usize,
        pending: &mut Vec<Pending>,
    ) -> Result<(), Stop> {
        let bool_ty = self.types.intern(Ty::Bool);
        // `[x for x in xs if C]` is one idiom, a filter: the bare variable adds no size.
        for cond_size in 1..=rest {
            let elem_size = rest - cond_size;
            if cond_size > MAX_INNER_SIZE || elem_size > MAX_INNER_SIZE {
                continue;
            }
            let store = &self.subs[sub].bank.store;
            let conds: Vec<Entry> = store
                .groups(cond_size)
                .iter()
                .filter(|(t, _)| *t == bool_ty)
                .flat_map(|(_, l)| l.iter().map(|i| store.entries[*i as usize].clone()))
                .filter(|c| {
                    c.bound
                        && c.vals.iter().any(|v| v.truthy())
                        && !c.vals.iter().all(|v| v.truthy())
                })
                .collect();
            let is_var = |e: &Entry| matches!(self.arena.node(e.node), Node::Var(_));
            let elems: Vec<Entry> = if elem_size == 0 {
                store
                    .groups(1)
                    .iter()
                    .flat_map(|(_, l)| l.iter().map(|i| store.entries[*i as usize].clone()))
                    .filter(|e| e.bound && is_var(e))
                    .collect()
            } else {
                store
                    .groups(elem_size)
                    .iter()
                    .flat_map(|(_, l)| l.iter().map(|i| store.entries[*i as usize].clone()))
                    .filter(|e| e.bound && !(elem_size == 1 && is_var(e)))
                    .collect()
            };
            for c in &conds {
                for e in &elems {
                    self.ctl.tick()?;
                    let vals = Self::collect(
                        &self.subs[sub].ranges,
                        self.main.strict,
                        &e.vals,
                        Some(&c.vals),
                    );
                    self.emit_compr(sub, n, e, Some(c), vals, pending);
                }
            }
        }
        Ok(())
    }
}

/// Operators whose results are worth iterating over in a comprehension. Iterating over any
/// list-valued expression would multiply the work for shapes users rarely write.
fn is_source_op(op: Op) -> bool {
    matches!(
        op,
        Op::SplitWs
            | Op::Split
            | Op::Lower
            | Op::Upper
            | Op::StrOf
            | Op::Range
            | Op::Range2
            | Op::Enumerate
            | Op::Zip
            | Op::Transpose
            | Op::Flatten
            | Op::DictItems
            | Op::DictValues
            | Op::ListOf
            | Op::Sorted
            | Op::SortedDesc
            | Op::Strip
            | Op::Reverse
    )
}

/// Conventional names for a loop variable over elements of this type.
fn var_names(t: &Ty, chars: bool) -> Vec<&'static str> {
    match t {
        Ty::Str if chars => vec!["c", "ch", "char"],
        Ty::Str => vec!["w", "word", "s"],
        Ty::Int | Ty::Float => vec!["x", "n", "v"],
        Ty::Bool => vec!["b", "flag"],
        Ty::List(_) => vec!["row", "r", "items"],
        Ty::Tuple(_) => vec!["t", "pair"],
        _ => vec!["v", "item"],
    }
}
