//! Functional consensus: group a hole's candidates by what they do.
//!
//! Each candidate has been run on the inputs its hole really receives when the program runs
//! on its examples (`probe`), giving one observed outcome per input. Candidates whose
//! outcomes are identical on every input behave alike there and form one group; only the
//! group's first member needs to be tried in a combination. Groups are ordered largest
//! first, as FunCoder does: when a model answers wrongly in varied ways, the behaviour most
//! samples share is the likeliest to be right, and a lone outlier the least.

/// What one candidate did on one input, as comparable text: `= value`, `! ExcType`, or a
/// mark that never equals another (`~`, a value too long to compare in full, a run that
/// ended before this call).
pub type Outcome = String;

/// Outcomes that must never make two candidates look alike.
pub fn is_opaque(outcome: &str) -> bool {
    outcome.starts_with('~')
}

/// A set of candidates that behaved alike on every observed input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Candidate indices, smallest first; the first is the one tried.
    pub members: Vec<usize>,
}

impl Group {
    pub fn representative(&self) -> usize {
        self.members[0]
    }
}

/// Group candidates by their outcomes (`outcomes[c][i]`: candidate `c` on input `i`).
/// With no input at all, nothing tells candidates apart and each is its own group, in the
/// order given; an opaque outcome keeps its candidate apart from every other.
/// Largest group first; ties keep the order of their first members (the greedy answer
/// first), so the result is deterministic.
pub fn group(outcomes: &[Vec<Outcome>]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut keys: Vec<&[Outcome]> = Vec::new();
    for (c, row) in outcomes.iter().enumerate() {
        let comparable = !row.is_empty() && !row.iter().any(|o| is_opaque(o));
        let found = comparable
            .then(|| keys.iter().position(|k| *k == row.as_slice()))
            .flatten();
        match found {
            Some(g) => groups[g].members.push(c),
            None => {
                groups.push(Group { members: vec![c] });
                // An incomparable row gets a key no other row can equal.
                keys.push(if comparable { row.as_slice() } else { &[] });
            }
        }
    }
    groups.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.members[0].cmp(&b.members[0]))
    });
    groups
}

/// The weight of each group: its share of the candidates, the chance (under consensus)
/// that its behaviour is the right one.
pub fn weights(groups: &[Group]) -> Vec<f64> {
    let total: usize = groups.iter().map(|g| g.members.len()).sum();
    groups
        .iter()
        .map(|g| g.members.len() as f64 / total.max(1) as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn rows(rows: &[&[&str]]) -> Vec<Vec<Outcome>> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    fn members(groups: &[Group]) -> Vec<Vec<usize>> {
        groups.iter().map(|g| g.members.clone()).collect()
    }

    #[test]
    fn the_largest_agreeing_group_comes_first() {
        // Candidate 0 (the greedy answer) is an outlier; 1, 3 and 4 agree; 2 and 5 agree.
        let g = group(&rows(&[
            &["= 1", "= 2"],
            &["= 3", "= 4"],
            &["= 0", "= 0"],
            &["= 3", "= 4"],
            &["= 3", "= 4"],
            &["= 0", "= 0"],
        ]));
        assert_eq!(members(&g), vec![vec![1, 3, 4], vec![2, 5], vec![0]]);
        assert_eq!(weights(&g), vec![0.5, 2.0 / 6.0, 1.0 / 6.0]);
    }

    #[test]
    fn agreeing_on_some_inputs_is_not_enough() {
        let g = group(&rows(&[&["= 1", "= 2"], &["= 1", "= 5"], &["= 1", "= 2"]]));
        assert_eq!(members(&g), vec![vec![0, 2], vec![1]]);
    }

    #[test]
    fn raising_the_same_exception_is_behaving_alike() {
        let g = group(&rows(&[&["! IndexError"], &["= 1"], &["! IndexError"]]));
        assert_eq!(members(&g), vec![vec![0, 2], vec![1]]);
    }

    #[test]
    fn without_inputs_every_candidate_stands_alone() {
        let g = group(&[vec![], vec![], vec![]]);
        assert_eq!(members(&g), vec![vec![0], vec![1], vec![2]]);
    }

    #[test]
    fn opaque_outcomes_never_merge() {
        let g = group(&rows(&[&["~ long"], &["~ long"], &["= 1"], &["= 1"]]));
        assert_eq!(members(&g), vec![vec![2, 3], vec![0], vec![1]]);
    }
}
