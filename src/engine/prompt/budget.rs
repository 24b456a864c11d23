//! Keeping a prompt within its token budget.
//!
//! Every context section has a rank (how much a model loses without it). When a request
//! would exceed the budget, the lowest-ranked section gives up items first (the last
//! observed call, the last caller, the last example), down to its minimum, and then goes
//! entirely; then the next section. The hole itself, and in a repair the failure, are never
//! dropped: a request that is still too big is sent as it is, and `anpl prompt` says so.

use serde::Serialize;

use super::section::{Section, SectionKind};

/// What the budget left out of one section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    pub kind: SectionKind,
    /// Items left out.
    pub items: usize,
    /// Items the section had.
    pub of: usize,
    /// Whether the whole section went.
    pub whole: bool,
}

impl Dropped {
    pub fn describe(&self) -> String {
        if self.whole {
            format!("{} (all {} left out)", self.kind.title(), self.of)
        } else {
            format!(
                "{} ({} of {} left out)",
                self.kind.title(),
                self.items,
                self.of
            )
        }
    }
}

/// Estimated tokens of a text: about four characters a token for code and English.
pub fn tokens(text: &str) -> usize {
    text.len().div_ceil(4)
}

/// Drop items and sections, least useful first, until `fixed` (system text and whatever is
/// never dropped) plus the sections fit in `budget` tokens.
pub fn fit(sections: &mut Vec<Section>, fixed: usize, budget: usize) -> Vec<Dropped> {
    let mut dropped: Vec<Dropped> = Vec::new();
    let total = |sections: &[Section]| fixed + sections.iter().map(Section::tokens).sum::<usize>();
    while total(sections) > budget {
        let victim = sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind.rank().is_some())
            .min_by_key(|(i, s)| (s.kind.rank(), std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
        let Some(i) = victim else {
            break;
        };
        let kind = sections[i].kind;
        let of = sections[i].original_items;
        let record = match dropped.iter().position(|d| d.kind == kind) {
            Some(at) => at,
            None => {
                dropped.push(Dropped {
                    kind,
                    items: 0,
                    of,
                    whole: false,
                });
                dropped.len() - 1
            }
        };
        if sections[i].items.len() > sections[i].min_items.max(1) {
            sections[i].items.pop();
            dropped[record].items += 1;
        } else {
            dropped[record].items += sections[i].items.len();
            dropped[record].whole = true;
            sections.remove(i);
        }
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn section(kind: SectionKind, items: &[&str]) -> Section {
        Section::new(kind, "", items.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn the_least_useful_section_goes_first_item_by_item() {
        let big = "x".repeat(400); // 100 tokens
        let mut sections = vec![
            section(SectionKind::Callers, &[&big]),
            section(SectionKind::Siblings, &[&big, &big, &big]),
            section(SectionKind::Observed, &[&big, &big]),
        ];
        let dropped = fit(&mut sections, 0, 420);
        assert_eq!(
            dropped,
            vec![Dropped {
                kind: SectionKind::Siblings,
                items: 2,
                of: 3,
                whole: false
            }]
        );
        assert_eq!(sections.len(), 3);
        let dropped = fit(&mut sections, 0, 250);
        let kinds: Vec<(SectionKind, bool)> = dropped.iter().map(|d| (d.kind, d.whole)).collect();
        assert_eq!(
            kinds,
            vec![(SectionKind::Siblings, true), (SectionKind::Callers, true)]
        );
        assert_eq!(sections.len(), 1);
        // The observed calls keep their first item: then nothing more can go.
        let dropped = fit(&mut sections, 0, 10);
        assert_eq!(dropped.len(), 1);
        assert_eq!(dropped[0].kind, SectionKind::Observed);
        assert!(dropped[0].whole);
    }

    #[test]
    fn what_is_never_dropped_stays_even_over_budget() {
        let mut sections = vec![section(SectionKind::Hole, &["def f(): ..."])];
        assert_eq!(fit(&mut sections, 1000, 10), vec![]);
        assert_eq!(sections.len(), 1);
    }

    #[test]
    fn within_budget_nothing_changes() {
        let mut sections = vec![section(SectionKind::Prelude, &["import re"])];
        assert_eq!(fit(&mut sections, 10, 4000), vec![]);
        assert_eq!(sections[0].items, vec!["import re"]);
    }
}
