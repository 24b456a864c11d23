//! Which function of an answer implements an inline hole, whose name the model chose: the one
//! top-level function that no other calls, once copies of the sketch's functions, other holes'
//! functions, stubs and demo drivers (`main`, `test_*`, `example*`) are set aside; failing
//! that, the one whose name shares most words with the hole's, else the last written.

use std::collections::BTreeSet;

use super::items::Item;
use super::ExtractError;

/// `functions` indexes `live`; `owned` says whether a name belongs to the sketch or to
/// another hole.
pub(super) fn pick_inline(
    live: &[Item],
    functions: &[usize],
    hole: &str,
    owned: &dyn Fn(&str) -> bool,
    parse_error: Option<ExtractError>,
) -> Result<usize, ExtractError> {
    let name = |i: usize| live[i].binds[0].as_str();
    let is_demo = |n: &str| {
        n == "main" || n.starts_with("test") || n.starts_with("example") || n.starts_with("demo")
    };
    let usable: Vec<usize> = functions
        .iter()
        .copied()
        .filter(|&i| !owned(name(i)) && !live[i].stub)
        .collect();
    if usable.is_empty() {
        if let Some(e) = parse_error {
            return Err(e);
        }
        return Err(match functions.iter().find(|&&i| !owned(name(i))) {
            Some(&i) => ExtractError::Unimplemented {
                name: name(i).to_string(),
            },
            None => ExtractError::NothingUsable,
        });
    }
    // Roots among a set of functions: those no other function of the set calls. Demo
    // drivers call the function we want and would hide it, so they are left out first.
    let roots_of = |set: &[usize]| -> Vec<usize> {
        set.iter()
            .copied()
            .filter(|&i| {
                !set.iter()
                    .any(|&j| j != i && live[j].uses.contains(name(i)))
            })
            .collect()
    };
    let plain: Vec<usize> = usable
        .iter()
        .copied()
        .filter(|&i| !is_demo(name(i)))
        .collect();
    for set in [&plain, &usable] {
        let roots = roots_of(set);
        if roots.len() == 1 {
            return Ok(roots[0]);
        }
    }
    if usable.len() == 1 {
        return Ok(usable[0]);
    }
    // Several candidates (an unused helper beside the real function, say): the one whose
    // name shares most words with the hole's name, else the last defined, since models
    // write helpers first. The hole's examples check the choice either way.
    let candidates = [roots_of(&plain), roots_of(&usable)]
        .into_iter()
        .find(|r| !r.is_empty());
    if let Some(candidates) = candidates {
        let words = |n: &str| -> BTreeSet<String> {
            n.to_lowercase()
                .split('_')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect()
        };
        let wanted = words(hole);
        let score = |i: usize| words(name(i)).intersection(&wanted).count();
        let best = candidates.iter().map(|&i| score(i)).max().unwrap_or(0);
        if let Some(&last) = candidates.iter().rev().find(|&&i| score(i) == best) {
            return Ok(last);
        }
    }
    Err(ExtractError::Ambiguous {
        names: usable.iter().map(|&i| name(i).to_string()).collect(),
    })
}
