//! The order combinations are tried in: candidates in, ranked combinations out.
//!
//! Each hole offers its consensus groups (`consensus`), each tried through its first member
//! and weighted by its share of the hole's candidates. Two sources of combinations
//! alternate. The consensus order enumerates combinations best first by the product of their
//! groups' weights, so the combination of every hole's majority behaviour comes first and a
//! combination changing three holes comes as soon as its weight earns it, not after every
//! change of one or two. Blame (`blame`) pushes, after a failure, the swaps of one hole at a
//! time at the point where the failed run could first have gone differently; these go
//! before the next consensus combination. A combination whose every choice is in the same
//! group as one already tried behaves the same on every observed input and is skipped.
//!
//! The planner is pure: it never runs anything, so it is tested on synthetic candidate sets.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet, VecDeque};

use super::consensus::{weights, Group};

/// The default number of program checks one compile may spend on combinations: 16 per
/// candidate in hand (summed over the holes searched), at least 32. It grows with holes and
/// candidates; the distinct combinations left after grouping are usually fewer, and the
/// search stops when they run out.
pub fn auto_budget(candidates: &[usize]) -> usize {
    let total: usize = candidates.iter().sum();
    total.saturating_mul(16).max(32)
}

/// A combination as one candidate index per hole.
pub type Combo = Vec<usize>;

#[derive(Debug, PartialEq)]
struct Entry {
    /// Sum of log weights, scaled to an integer so entries order totally.
    score: i64,
    changed: usize,
    options: Vec<usize>,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .cmp(&other.score)
            .then(other.changed.cmp(&self.changed))
            .then(other.options.cmp(&self.options))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub struct Planner {
    /// Per hole, its groups, largest first.
    groups: Vec<Vec<Group>>,
    /// Per hole, the log weight of each group.
    log_weights: Vec<Vec<f64>>,
    heap: BinaryHeap<Entry>,
    queued: HashSet<Vec<usize>>,
    pending: VecDeque<Combo>,
    tried: Vec<Combo>,
    tried_keys: HashSet<Vec<usize>>,
    blame_turn: bool,
}

impl Planner {
    pub fn new(groups: Vec<Vec<Group>>) -> Planner {
        let mut planner = Planner {
            groups: Vec::new(),
            log_weights: Vec::new(),
            heap: BinaryHeap::new(),
            queued: HashSet::new(),
            pending: VecDeque::new(),
            tried: Vec::new(),
            tried_keys: HashSet::new(),
            blame_turn: false,
        };
        planner.regroup(groups);
        planner
    }

    /// New groups (more candidates, or inputs that split a group): the consensus order
    /// starts again over them; what was tried stays tried.
    pub fn regroup(&mut self, groups: Vec<Vec<Group>>) {
        self.log_weights = groups
            .iter()
            .map(|g| weights(g).into_iter().map(|w| w.max(1e-9).ln()).collect())
            .collect();
        self.groups = groups;
        self.heap.clear();
        self.queued.clear();
        if self.groups.iter().all(|g| !g.is_empty()) {
            self.push(vec![0; self.groups.len()]);
        }
        let tried = std::mem::take(&mut self.tried);
        self.tried_keys.clear();
        for combo in tried {
            self.mark_tried(&combo);
        }
    }

    /// The group index of each choice: combinations with the same key behave alike.
    fn key(&self, combo: &[usize]) -> Vec<usize> {
        combo
            .iter()
            .zip(&self.groups)
            .map(|(&c, groups)| {
                groups
                    .iter()
                    .position(|g| g.members.contains(&c))
                    .unwrap_or(usize::MAX - c)
            })
            .collect()
    }

    pub fn mark_tried(&mut self, combo: &[usize]) {
        self.tried_keys.insert(self.key(combo));
        self.tried.push(combo.to_vec());
    }

    pub fn was_tried(&self, combo: &[usize]) -> bool {
        self.tried_keys.contains(&self.key(combo))
    }

    /// Swaps to try before the next consensus combination (replacing earlier ones).
    pub fn blame(&mut self, swaps: Vec<Combo>) {
        self.pending = swaps.into();
        self.blame_turn = true;
    }

    /// Take the next consensus combination before any pending swap (a new round starts
    /// with the strongest prior).
    pub fn prefer_consensus(&mut self) {
        self.blame_turn = false;
    }

    fn push(&mut self, options: Vec<usize>) {
        if !self.queued.insert(options.clone()) {
            return;
        }
        let sum: f64 = options
            .iter()
            .zip(&self.log_weights)
            .map(|(&o, w)| w.get(o).copied().unwrap_or(f64::NEG_INFINITY))
            .sum();
        self.heap.push(Entry {
            score: (sum * 1e9).round() as i64,
            changed: options.iter().filter(|&&o| o != 0).count(),
            options,
        });
    }

    fn next_consensus(&mut self) -> Option<Combo> {
        let entry = self.heap.pop()?;
        for h in 0..entry.options.len() {
            if entry.options[h] + 1 < self.groups[h].len() {
                let mut next = entry.options.clone();
                next[h] += 1;
                self.push(next);
            }
        }
        Some(
            entry
                .options
                .iter()
                .zip(&self.groups)
                .map(|(&o, g)| g[o].representative())
                .collect(),
        )
    }

    /// The next combination worth a program check, or `None` when every distinct
    /// behaviour has been tried.
    pub fn next_combo(&mut self) -> Option<Combo> {
        loop {
            let from_blame = !self.pending.is_empty() && (self.blame_turn || self.heap.is_empty());
            let combo = if from_blame {
                self.blame_turn = false;
                self.pending.pop_front()?
            } else {
                self.blame_turn = true;
                self.next_consensus()?
            };
            if !self.was_tried(&combo) {
                return Some(combo);
            }
        }
    }

    /// Distinct behaviours not yet tried, counting every combination of groups.
    pub fn remaining(&self) -> usize {
        let total = self
            .groups
            .iter()
            .try_fold(1usize, |acc, g| acc.checked_mul(g.len().max(1)))
            .unwrap_or(usize::MAX);
        total.saturating_sub(self.tried_keys.len())
    }

    pub fn groups(&self) -> &[Vec<Group>] {
        &self.groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::search::consensus::group;
    use pretty_assertions::assert_eq;

    /// Groups for a hole whose candidates behave as `labels` says (same label, same
    /// behaviour).
    fn hole(labels: &[&str]) -> Vec<Group> {
        group(
            &labels
                .iter()
                .map(|l| vec![format!("= {l}")])
                .collect::<Vec<_>>(),
        )
    }

    /// Checks spent until the program made of `right` behaviours passes.
    fn checks_to_find(
        planner: &mut Planner,
        labels: &[Vec<&str>],
        right: &[&str],
    ) -> Option<usize> {
        let mut checks = 0;
        while let Some(combo) = planner.next_combo() {
            checks += 1;
            planner.mark_tried(&combo);
            if combo
                .iter()
                .enumerate()
                .all(|(h, &c)| labels[h][c] == right[h])
            {
                return Some(checks);
            }
        }
        None
    }

    #[test]
    fn three_wrong_first_answers_are_found_by_consensus_first() {
        // Every hole's first (greedy) answer is wrong, the majority of samples right: the
        // old order (one hole changed before two, never three) could not reach it.
        let labels = vec![
            vec!["w1", "ok", "ok", "w2", "ok", "ok"],
            vec!["w3", "ok", "w4", "ok", "ok", "w4"],
            vec!["w5", "ok", "ok", "ok", "w6", "ok"],
        ];
        let mut planner = Planner::new(labels.iter().map(|l| hole(l)).collect());
        assert_eq!(
            checks_to_find(&mut planner, &labels, &["ok", "ok", "ok"]),
            Some(1)
        );
    }

    #[test]
    fn a_right_minority_is_reached_by_weight_not_by_distance() {
        // Hole 0's right answer is a minority of two against three; the rest agree.
        let labels = vec![
            vec!["w", "w", "ok", "w", "ok"],
            vec!["ok", "ok", "ok", "x", "ok"],
            vec!["ok", "y", "ok", "ok", "ok"],
        ];
        let mut planner = Planner::new(labels.iter().map(|l| hole(l)).collect());
        assert_eq!(
            checks_to_find(&mut planner, &labels, &["ok", "ok", "ok"]),
            Some(2)
        );
    }

    #[test]
    fn every_distinct_behaviour_is_tried_once_and_then_the_search_ends() {
        let labels = vec![vec!["a", "b", "a", "c"], vec!["d", "d", "e"]];
        let mut planner = Planner::new(labels.iter().map(|l| hole(l)).collect());
        assert_eq!(planner.remaining(), 6);
        assert_eq!(checks_to_find(&mut planner, &labels, &["z", "z"]), None);
        assert_eq!(planner.remaining(), 0);
    }

    #[test]
    fn blamed_swaps_go_before_the_next_consensus_combination() {
        let labels = [vec!["a", "a", "b", "c"], vec!["d", "d", "d", "e"]];
        let mut planner = Planner::new(labels.iter().map(|l| hole(l)).collect());
        let first = planner.next_combo();
        assert_eq!(first, Some(vec![0, 0]));
        planner.mark_tried(&[0, 0]);
        // Blame says the second hole is where the run could first go differently.
        planner.blame(vec![vec![0, 3]]);
        assert_eq!(planner.next_combo(), Some(vec![0, 3]));
    }

    #[test]
    fn a_combination_alike_to_a_tried_one_is_skipped() {
        let labels = [vec!["a", "a", "b"]];
        let mut planner = Planner::new(labels.iter().map(|l| hole(l)).collect());
        planner.mark_tried(&[1]);
        assert_eq!(planner.next_combo(), Some(vec![2]));
        assert_eq!(planner.next_combo(), None);
    }

    #[test]
    fn the_default_budget_grows_with_holes_and_candidates() {
        assert_eq!(auto_budget(&[1, 1]), 32);
        assert_eq!(auto_budget(&[6, 6, 6]), 288);
        assert!(auto_budget(&[11, 11, 11, 11]) > auto_budget(&[6, 6, 6]));
    }
}
