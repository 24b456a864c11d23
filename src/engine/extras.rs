//! Implementations of one hole found in another hole's answer. Models often answer with the
//! whole program, other holes included; extraction returns those implementations apart
//! (`Extracted::others`), and compile keeps them as candidates for their holes: checked
//! against a hole's examples before the model is asked for it, or kept for the combination
//! search when the hole has none.

use std::collections::BTreeMap;

use crate::session::HoleStatus;

use super::compile::HoleOutcome;

/// Records other holes' implementations found in one hole's answers: a hole not asked yet
/// gets them with its job (`pending`); a hole already done gets them as candidates for the
/// combination search. With no new ones, moves what is pending for holes done since.
pub(crate) fn record_extra_candidates(
    found: &[(String, String)],
    outcomes: &mut BTreeMap<String, HoleOutcome>,
    pending: &mut BTreeMap<String, Vec<String>>,
) {
    for (hole, code) in found {
        let list = pending.entry(hole.clone()).or_default();
        if !list.contains(code) {
            list.push(code.clone());
        }
    }
    let done: Vec<String> = pending
        .keys()
        .filter(|h| outcomes.contains_key(*h))
        .cloned()
        .collect();
    for hole in done {
        let codes = pending.remove(&hole).unwrap_or_default();
        if let Some(o) = outcomes.get_mut(&hole) {
            if o.status == Some(HoleStatus::Passing) {
                continue;
            }
            for code in codes {
                if !o.candidates.contains(&code) {
                    o.candidates.push(code);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(hole: &str, status: Option<HoleStatus>) -> HoleOutcome {
        HoleOutcome {
            hole: hole.to_string(),
            status,
            ..HoleOutcome::default()
        }
    }

    #[test]
    fn holes_not_asked_yet_wait_for_them_and_done_ones_get_candidates() {
        let mut outcomes = BTreeMap::new();
        outcomes.insert(
            "done".to_string(),
            outcome("done", Some(HoleStatus::Unchecked)),
        );
        outcomes.insert(
            "passing".to_string(),
            outcome("passing", Some(HoleStatus::Passing)),
        );
        let mut pending = BTreeMap::new();
        let found = vec![
            ("later".to_string(), "def later(): return 1".to_string()),
            ("later".to_string(), "def later(): return 1".to_string()),
            ("done".to_string(), "def done(): return 2".to_string()),
            ("passing".to_string(), "def passing(): return 3".to_string()),
        ];
        record_extra_candidates(&found, &mut outcomes, &mut pending);
        assert_eq!(
            pending,
            BTreeMap::from([(
                "later".to_string(),
                vec!["def later(): return 1".to_string()]
            )])
        );
        assert_eq!(
            outcomes["done"].candidates,
            vec!["def done(): return 2".to_string()]
        );
        assert!(outcomes["passing"].candidates.is_empty());
        outcomes.insert("later".to_string(), outcome("later", None));
        record_extra_candidates(&[], &mut outcomes, &mut pending);
        assert!(pending.is_empty());
        assert_eq!(
            outcomes["later"].candidates,
            vec!["def later(): return 1".to_string()]
        );
    }
}
