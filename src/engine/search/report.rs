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

impl SearchReport {
    /// The report as lines of text, the same in every front end. `offline`: no model can
    /// be asked for more candidates.
    pub fn lines(&self, offline: bool) -> Vec<String> {
        let mut out = Vec::new();
        if self.stopped == Some(Stop::Blocked) {
            out.push(
                "combination search: not run, because a hole is empty, stale or fails its own examples; fix that hole first".to_string(),
            );
            return out;
        }
        let candidates: usize = self.holes.iter().map(|h| h.candidates).sum();
        out.push(format!(
            "combination search: {} hole(s) without examples of their own, {candidates} candidate(s); {} of {} program check(s) spent, {} more running candidates on their holes' inputs{}",
            self.holes.len(),
            self.tried,
            self.budget,
            self.probe_checks,
            if self.resumed { "; resumed from an earlier compile" } else { "" }
        ));
        let width = self.holes.iter().map(|h| h.hole.len()).max().unwrap_or(0);
        let which = if self.passed { "passing" } else { "closest" };
        for h in &self.holes {
            let groups: Vec<String> = h.groups.iter().map(usize::to_string).collect();
            let mut line = format!(
                "  {:<width$}  {} candidate(s) in {} group(s) [{}]",
                h.hole,
                h.candidates,
                h.groups.len(),
                groups.join(", ")
            );
            if let (Some(g), Some(c)) = (h.group, h.candidate) {
                line.push_str(&format!("; {which}: group {}, candidate {c}", g + 1));
            }
            if h.blamed {
                line.push_str("; blamed");
            }
            out.push(line);
        }
        if self.passed {
            out.push("  passed with the combination above".to_string());
        } else if let Some(c) = &self.closest {
            out.push(format!(
                "  closest: {} of {} example(s) fail (difference from the expected output {:.2})",
                c.failing, c.total, c.distance
            ));
        }
        let stages: Vec<String> = ["first answers", "samples", "blamed samples", "repairs"]
            .iter()
            .filter_map(|s| self.stages.get(*s).map(|u| format!("{s} {}", u.requests)))
            .collect();
        if !stages.is_empty() {
            out.push(format!("  requests: {}", stages.join(", ")));
        }
        match self.stopped {
            Some(Stop::Budget) => out.push(format!(
                "  stopped: the budget of {} program check(s) ran out with {} combination(s) untried; run the same compile again to continue, or give it more with --search-budget N",
                self.budget, self.untried
            )),
            Some(Stop::Exhausted) if offline => out.push(
                "  stopped: every combination of the candidates in hand failed; compile with a model (--model) to draw more candidates".to_string(),
            ),
            Some(Stop::Exhausted) => out.push(
                "  stopped: every combination of the candidates in hand failed; run the same compile again to continue the search (more samples and a repair for the blamed holes)".to_string(),
            ),
            Some(Stop::Cancelled) => out.push("  stopped: cancelled; run the same compile again to continue".to_string()),
            Some(Stop::Blocked) | None => {}
        }
        out
    }
}
