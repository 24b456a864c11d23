//! The order in which compile checks holes: what must exist before a check can mean
//! anything comes first (docs/architecture.md, "Compile order").
//!
//! 1. Holes that run while the program loads (`Sketch::load_time_holes`), in the order the
//!    module runs them: while one is empty the program cannot be imported at all.
//! 2. Then every other hole, a hole with examples after the holes it calls (directly or
//!    through sketch functions), so its examples run against real callees. Holes that call
//!    each other (mutual recursion) do not wait for each other.
//!
//! Requests are not held back: a hole's task asks the model at once and waits at its
//! [`Waiter`] only before checking. The engine is the only writer of the [`Gate`]: after it
//! records a hole's outcome it settles the hole with the implementations now in use, and
//! every task waiting for that hole checks against them. A task is spawned only after the
//! holes it waits for, so with any number of concurrent jobs the wait always ends.

use std::collections::{BTreeMap, BTreeSet};

use tokio::sync::watch;

use crate::sketch::Sketch;

/// The holes of one compile in the order to start them, and whom each waits for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub order: Vec<String>,
    pub waits: BTreeMap<String, Vec<String>>,
    /// The targets that run while the program loads, in the order they run.
    pub load_time: Vec<String>,
}

/// Plan `targets` (the holes to fill) of `sketch`; `has_examples` says which holes have
/// examples of their own (only those gain anything from waiting for their callees).
pub fn plan(sketch: &Sketch, targets: &[String], has_examples: impl Fn(&str) -> bool) -> Plan {
    let is_target = |id: &str| targets.iter().any(|t| t == id);
    let load_time: Vec<String> = sketch
        .load_time_holes()
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| is_target(id))
        .collect();
    let mut waits: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in targets {
        let mut w: Vec<String> = Vec::new();
        if let Some(pos) = load_time.iter().position(|l| l == id) {
            w.extend(load_time[..pos].iter().cloned());
        } else {
            w.extend(load_time.iter().cloned());
            if has_examples(id) {
                for callee in sketch.holes_under(id) {
                    let mutual = sketch.holes_under(callee).contains(&id.as_str());
                    if is_target(callee) && !mutual && !w.iter().any(|x| x == callee) {
                        w.push(callee.to_string());
                    }
                }
            }
        }
        waits.insert(id.clone(), w);
    }
    // Start order: every hole after those it waits for, otherwise as the sketch lists them.
    let mut order: Vec<String> = Vec::new();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    let by_sketch: Vec<&String> = sketch
        .holes
        .iter()
        .map(|h| &h.id)
        .filter(|id| is_target(id))
        .chain(targets.iter().filter(|t| sketch.hole(t).is_none()))
        .collect();
    let mut queue: Vec<&String> = load_time.iter().collect();
    queue.extend(by_sketch.iter().filter(|id| !load_time.contains(id)));
    while order.len() < queue.len() {
        let next = queue.iter().find(|id| {
            !placed.contains(id.as_str())
                && waits
                    .get(id.as_str())
                    .is_none_or(|w| w.iter().all(|x| placed.contains(x)))
        });
        // The waits form no cycle (see `plan`'s rules); should one appear, start the rest
        // in sketch order rather than stall.
        let next = next.or_else(|| queue.iter().find(|id| !placed.contains(id.as_str())));
        let Some(id) = next else { break };
        placed.insert((*id).clone());
        order.push((*id).clone());
    }
    Plan {
        order,
        waits,
        load_time,
    }
}

/// What the engine has settled so far: the implementations in use and the holes done.
#[derive(Debug, Clone, Default)]
pub struct Settled {
    pub impls: BTreeMap<String, String>,
    pub done: BTreeSet<String>,
}

/// The engine's side: announces each hole as it is settled.
pub struct Gate {
    tx: watch::Sender<Settled>,
}

impl Gate {
    pub fn new(impls: BTreeMap<String, String>) -> Gate {
        let (tx, _rx) = watch::channel(Settled {
            impls,
            done: BTreeSet::new(),
        });
        Gate { tx }
    }

    /// `hole` is done (filled or given up); `impls` are the implementations now in use.
    pub fn settle(&self, hole: &str, impls: BTreeMap<String, String>) {
        self.tx.send_modify(|s| {
            s.impls = impls;
            s.done.insert(hole.to_string());
        });
    }

    pub fn waiter(&self, waits: Vec<String>) -> Waiter {
        Waiter {
            rx: self.tx.subscribe(),
            waits,
        }
    }
}

/// A task's side: waits until the holes it needs are settled.
pub struct Waiter {
    rx: watch::Receiver<Settled>,
    waits: Vec<String>,
}

impl Waiter {
    /// The implementations in use once every awaited hole is settled (at once if none is
    /// awaited, or if the engine stopped announcing).
    pub async fn ready(&mut self) -> BTreeMap<String, String> {
        let waits = &self.waits;
        let ready = self
            .rx
            .wait_for(|s| waits.iter().all(|w| s.done.contains(w)))
            .await
            .map(|settled| settled.impls.clone());
        match ready {
            Ok(impls) => impls,
            Err(_) => self.rx.borrow().impls.clone(),
        }
    }

    pub fn waits(&self) -> &[String] {
        &self.waits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::{parse_source, ParseOptions};
    use pretty_assertions::assert_eq;

    const SKETCH: &str = r#"LIMIT = "the default limit"()


def line_total(item):
    """The price of an order line: quantity times unit price.

    >>> line_total({'qty': 2, 'price': 3})
    6
    """


def order_total(order):
    """The total of an order's lines.

    >>> order_total([{'qty': 2, 'price': 3}])
    6
    """
    return sum(line_total(i) for i in order)


def describe(order):
    """One line describing the order."""


def main(order):
    return describe(order) + str(order_total(order))
"#;

    fn targets(s: &Sketch) -> Vec<String> {
        s.holes.iter().map(|h| h.id.clone()).collect()
    }

    #[test]
    fn load_time_holes_first_then_callees_before_callers() {
        let s = parse_source("s.py", SKETCH, &ParseOptions::default()).unwrap();
        let p = plan(&s, &targets(&s), |id| !s.examples_of(id).is_empty());
        assert_eq!(p.load_time, vec!["the_default_limit"]);
        assert_eq!(p.order[0], "the_default_limit");
        assert_eq!(p.waits["line_total"], vec!["the_default_limit"]);
        assert_eq!(p.waits["describe"], vec!["the_default_limit"]);
    }

    #[test]
    fn a_hole_with_examples_waits_for_the_holes_it_calls() {
        // A named hole's only code is its header; a default argument there calls a hole
        // each time the enclosing function runs (not at load: the def is nested).
        let source = r#"def main(xs):
    def scale(x, k="pick the scale factor for xs"(xs)):
        """Multiply x by k.

        >>> scale(2, 3)
        6
        """
    return [scale(x) for x in xs]
"#;
        let s = parse_source("s.py", source, &ParseOptions::default()).unwrap();
        let t = targets(&s);
        let p = plan(&s, &t, |id| !s.examples_of(id).is_empty());
        assert_eq!(p.load_time, Vec::<String>::new());
        assert_eq!(p.waits["scale"], vec!["pick_the_scale_factor_for"]);
        assert_eq!(p.order, vec!["pick_the_scale_factor_for", "scale"]);
    }

    #[tokio::test]
    async fn a_waiter_sees_the_implementations_once_its_holes_are_settled() {
        let gate = Gate::new(BTreeMap::new());
        let mut waiter = gate.waiter(vec!["a".to_string()]);
        let task = tokio::spawn(async move { waiter.ready().await });
        tokio::task::yield_now().await;
        assert!(!task.is_finished());
        let mut impls = BTreeMap::new();
        impls.insert("a".to_string(), "def a(): return 1".to_string());
        gate.settle("a", impls.clone());
        assert_eq!(task.await.unwrap(), impls);
    }
}
