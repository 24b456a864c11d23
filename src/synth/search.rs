//! The search proper: grows the main bank (expressions over the parameters) one size at a
//! time, and, for list comprehensions, one sub-bank per iterated expression whose rows are
//! the elements being iterated. A comprehension `[E for x in L if C]` of size
//! `1 + |L| + |E| + |C|` is assembled from an iterable `L` of the main bank and an element
//! expression `E` and a condition `C` of `L`'s sub-bank.
//!
//! Every candidate is compared with the expected outputs before the equivalence check, so
//! all equally small solutions are seen and the caller can prefer the one whose words match
//! the description.

use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

use super::bank::{enumerate_ops, Bank, Candidate, Ctl, Entry, Stop, TypeCache};
use super::expr::{Arena, Node, NodeId};
use super::task::Prepared;
use super::types::{Ty, TyId, Types};
use super::value::Value;
use super::{CancelFlag, SynthLimits};

/// Largest iterated expression a comprehension may use (`s.lower()`, `zip(a, b)`).
const MAX_SOURCE_SIZE: usize = 3;
/// Most iterated expressions that get a sub-bank.
const MAX_SOURCES: usize = 40;
/// Largest element expression or condition inside a comprehension.
const MAX_INNER_SIZE: usize = 6;

/// A candidate kept for the bank: node, type, values, constant?, mentions a bound variable?
type Pending = (Node, TyId, Vec<Value>, bool, bool);

/// One solution: an expression of the arena whose values match every example.
#[derive(Debug, Clone, Copy)]
pub struct Found {
    pub node: NodeId,
    pub size: usize,
    pub order: usize,
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
            rows: prep.expected.len(),
            ..Bank::default()
        },
        subs: Vec::new(),
        sub_of: HashMap::new(),
        ctl: Ctl {
            deadline: Instant::now() + limits.time_budget,
            cancel,
            tried: 0,
            entries: 0,
            max_entries: limits.max_bank,
        },
        expected: prep.expected.clone(),
        found: Vec::new(),
        prep,
        param_vars,
    };
    let mut stop = None;
    for n in 1..=limits.max_size {
        if let Err(e) = s.main_level(n) {
            stop = Some(e);
            break;
        }
        s.main.level = n;
        if s.found.len() >= want {
            break;
        }
    }
    Outcome {
        level: s.main.level,
        bank_full: s.ctl.full(),
        arena: s.arena,
        found: s.found,
        tried: s.ctl.tried,
        stop,
    }
}

impl Search<'_> {
    fn atoms(&mut self, bank_rows: &[usize], bound: &[(usize, Ty, Vec<Value>)]) -> Vec<Pending> {
        let mut out = Vec::new();
        for (var, ty, vals) in bound {
            out.push((
                Node::Var(*var),
                self.types.intern(ty.clone()),
                vals.clone(),
                false,
                true,
            ));
        }
        for (p, var) in self.prep.params.iter().zip(&self.param_vars) {
            let vals: Vec<Value> = bank_rows.iter().map(|ex| p.values[*ex].clone()).collect();
            out.push((
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
            out.push((
                Node::Const(c.value.clone()),
                self.types.intern(ty),
                vals,
                true,
                false,
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
                self.offer(&atom.0, n, &atom.2);
                pending.push(atom);
            }
        } else {
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
            let mut emit = |c: Candidate| {
                if c.vals == *expected {
                    let node = arena.add(Node::Op(c.op, c.kids));
                    found.push(Found {
                        node,
                        size: n,
                        order: found.len(),
                    });
                }
                if !full {
                    let vals: Rc<[Value]> = Rc::from(c.vals);
                    if main.seen.insert((c.ty, vals.clone())) {
                        pending.push((Node::Op(c.op, c.kids), c.ty, vals.to_vec(), c.konst, false));
                    }
                }
            };
            enumerate_ops(&main.store, main.rows, n, types, cache, ctl, &mut emit)?;
            self.comprehensions(n, &mut pending)?;
        }
        for (node, ty, vals, konst, bound) in pending {
            let vals: Rc<[Value]> = Rc::from(vals);
            if n == 1 && !self.main.seen.insert((ty, vals.clone())) {
                continue;
            }
            let node = self.arena.add(node);
            self.main.store.push(Entry {
                node,
                ty,
                size: n,
                vals,
                konst,
                bound,
            });
            self.ctl.entries += 1;
        }
        Ok(())
    }

    /// Records a solution if the values are the expected ones.
    fn offer(&mut self, node: &Node, size: usize, vals: &[Value]) {
        if vals == self.expected.as_slice() {
            let node = self.arena.add(node.clone());
            self.found.push(Found {
                node,
                size,
                order: self.found.len(),
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
        sources.sort_unstable();
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
                Value::Str(s) => {
                    elems.extend(s.chars().map(|c| Value::str(c.encode_utf8(&mut [0; 4]))))
                }
                Value::List(x) | Value::Tuple(x) => elems.extend(x.iter().cloned()),
                _ => return None,
            }
            ranges.push(start..elems.len());
            ex_of_row.extend(std::iter::repeat_n(ex, elems.len() - start));
        }
        let from_enumerate = matches!(
            self.arena.node(entry.node),
            Node::Op(super::ops::Op::Enumerate, _)
        );
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
        let atoms = self.atoms(&ex_of_row, &bound);
        let mut bank = Bank {
            rows,
            ..Bank::default()
        };
        for (node, ty, vals, konst, is_bound) in atoms {
            let vals: Rc<[Value]> = Rc::from(vals);
            if !bank.seen.insert((ty, vals.clone())) {
                continue;
            }
            let node = self.arena.add(node);
            bank.store.push(Entry {
                node,
                ty,
                size: 1,
                vals,
                konst,
                bound: is_bound,
            });
        }
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
            let mut pending = Vec::new();
            let mut emit = |c: Candidate| {
                if full {
                    return;
                }
                let vals: Rc<[Value]> = Rc::from(c.vals);
                if bank.seen.insert((c.ty, vals.clone())) {
                    pending.push((Node::Op(c.op, c.kids), c.ty, vals, c.konst, c.bound));
                }
            };
            enumerate_ops(&bank.store, bank.rows, n, types, cache, ctl, &mut emit)?;
            for (node, ty, vals, konst, bound) in pending {
                let node = arena.add(node);
                bank.store.push(Entry {
                    node,
                    ty,
                    size: n,
                    vals,
                    konst,
                    bound,
                });
                ctl.entries += 1;
            }
            bank.level = n;
        }
        Ok(())
    }

    /// Per example, the list of `vals` over the rows where `keep` holds.
    fn collect(
        ranges: &[std::ops::Range<usize>],
        vals: &[Value],
        keep: Option<&[Value]>,
    ) -> Vec<Value> {
        ranges
            .iter()
            .map(|r| {
                Value::list(
                    r.clone()
                        .filter(|i| keep.is_none_or(|k| k[*i].truthy()))
                        .map(|i| vals[i].clone())
                        .collect(),
                )
            })
            .collect()
    }

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
        self.offer(&node, n, &vals);
        if !self.ctl.full() {
            let key: Rc<[Value]> = Rc::from(vals.clone());
            if self.main.seen.insert((ty, key)) {
                pending.push((node, ty, vals, false, false));
            }
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
            let vals = Self::collect(&self.subs[sub].ranges, &e.vals, None);
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
        for cond_size in 1..rest {
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
            let elems: Vec<Entry> = store
                .groups(elem_size)
                .iter()
                .flat_map(|(_, l)| l.iter().map(|i| store.entries[*i as usize].clone()))
                .filter(|e| e.bound)
                .collect();
            for c in &conds {
                for e in &elems {
                    self.ctl.tick()?;
                    let vals = Self::collect(&self.subs[sub].ranges, &e.vals, Some(&c.vals));
                    self.emit_compr(sub, n, e, Some(c), vals, pending);
                }
            }
        }
        Ok(())
    }
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
