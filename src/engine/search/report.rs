//! What the combination search tells the user: per hole how many candidates it had and how
//! they grouped, the combination that passed or the closest one, what was spent, and why
//! it stopped. Front ends print it; `anpl compile --json` carries it whole.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::session::Usage;

#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchReport {
    /// This compile continued a search an earlier compile left unfinished.
    pub resumed: bool,
    pub holes: Vec<HoleSearch>,
    /// Program checks this compile could spend on combinations, and spent.
    pub budget: usize,
    pub tried: usize,
    /// Checks spent running candidates on the inputs their holes received.
    pub probe_checks: usize,
    /// Distinct combinations (by behaviour) not tried yet.
    pub untried: usize,
    pub passed: bool,
    /// The closest failing combination when none passed.
    pub closest: Option<Closest>,
    /// Requests and tokens by stage: `first answers` (filling the holes), `samples` (more
    /// answers for holes without examples), `blamed samples` and `repairs` (for the holes
    /// blame points at).
    pub stages: BTreeMap<String, Usage>,
    /// Why the search stopped without a passing combination.
    pub stopped: Option<Stop>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HoleSearch {
    pub hole: String,
    pub candidates: usize,
    /// Sizes of the groups of candidates that behave alike, largest first.
    pub groups: Vec<usize>,
    /// Which group (0 = largest) the passing or closest combination took, and which
    /// candidate (1-based, in the order they arrived).
    pub group: Option<usize>,
    pub candidate: Option<usize>,
    /// One of its swaps changed the program's result.
    pub blamed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Closest {
    pub failing: usize,
    pub total: usize,
    /// Summed difference from the expected outputs (0 equal, 1 nothing alike per example,
    /// 2 for an exception).
    pub distance: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// Program checks ran out with combinations left untried.
    Budget,
    /// Every combination was tried and the rounds of samples and repair for this compile
    /// were spent (or there is no model to ask).
    Exhausted,
    /// A hole is empty, failing its own examples or stale: no combination can pass.
    Blocked,
    Cancelled,
}

impl Stop {
    pub fn describe(self) -> &'static str {
        match self {
            Stop::Budget => "the search budget ran out with combinations left to try",
            Stop::Exhausted => "every combination of the candidates in hand failed",
            Stop::Blocked => "a hole is empty, stale or fails its own examples",
            Stop::Cancelled => "cancelled",
        }
    }
}
