//! Checking the program's own examples, and searching combinations of candidates when they
//! fail.
//!
//! Holes without examples of their own are accepted on their first loadable candidate, so
//! the program's examples (the entry's) are their real test. When those fail, the search
//! runs in rounds over the candidates in hand: each hole's candidates are run on the inputs
//! the hole really received (`probe`) and grouped by behaviour (`consensus`); combinations
//! of groups are tried largest groups first, alternating with swaps at the point where a
//! failed run could first have gone differently (`plan`, `blame`). Only when every distinct
//! combination in hand has failed is the model asked again: first more samples for every
//! hole searched, then more samples and a repair request (showing the hole's traced call,
//! its output and what the program should have returned) for the holes blame points at.
//! What was learned is kept in the session (`session::SearchRecord`), so recompiling a
//! program that still fails resumes the search. `compile` calls [`Engine::check_program`];
//! the rest of the engine sees only its [`SearchReport`].

pub mod blame;
pub mod consensus;
mod draw;
pub mod plan;
pub mod probe;
pub mod report;

use std::collections::{BTreeMap, HashMap};

use crate::session::{HoleStatus, Origin, SearchRecord, Usage};
use crate::sketch::Example;

use super::check::{CheckReport, Checker};
use super::compile::{HoleOutcome, JobContext};
use super::events::Event;
use super::fingerprint::{check_hash, fingerprint};
use super::{Engine, EngineError};

use blame::{Call, Closeness, Table};
use plan::{Combo, Planner};
pub use report::{SearchReport, Stop};

/// Inputs kept per hole for consensus: enough to tell behaviours apart, few enough that
/// probing stays one quick check.
const MAX_INPUTS: usize = 24;
/// Holes given blamed samples and a repair request in one round.
const MAX_BLAMED: usize = 2;

/// The state of one search while it runs.
struct Search {
    holes: Vec<String>,
    pools: Vec<Vec<String>>,
    tables: Vec<Table>,
    planner: Planner,
    record: SearchRecord,
    report: SearchReport,
    /// The best failing run so far: its combination, closeness and report.
    closest: (Combo, Closeness, CheckReport),
    /// Swaps pushed by blame, by combination, with the hole each one changes.
    swap_of: HashMap<Combo, usize>,
    /// The failed run the current swaps start from.
    base: (Combo, Vec<String>),
    blamed: Vec<String>,
}

impl Engine {
    /// Run the entry's examples with every implementation in use; if they fail, search
    /// combinations of candidates of the holes without examples of their own.
    pub(crate) async fn check_program(
        &mut self,
        context: &JobContext,
        outcomes: &mut BTreeMap<String, HoleOutcome>,
    ) -> Result<(Option<CheckReport>, Option<SearchReport>), EngineError> {
        let (checker, events) = (&context.checker, &context.events);
        let entry = self.sketch.entry.clone();
        let examples = self.examples_for(&entry);
        if examples.is_empty() {
            return Ok((None, None));
        }
        let impls = self.implementations();
        let program = checker.render(&impls)?.source;
        let seen = check_hash(&program, &examples);
        if self.session().program_verified.as_deref() == Some(seen.as_str()) {
            events.send(Event::ProgramChecked {
                passed: examples.len(),
                total: examples.len(),
            });
            return Ok((Some(CheckReport::remembered(&examples)), None));
        }
        let report = checker.check_examples(&impls, &examples, true).await?;
        events.send(Event::ProgramChecked {
            passed: report.passed_count(),
            total: examples.len(),
        });
        if report.passed() {
            self.session_mut().program_verified = Some(seen);
            self.session_mut().search = None;
            return Ok((Some(report), None));
        }
        // As decided during this compile: the evidence hashes are written only when the
        // statuses are refreshed after it, so `status` would say `unchecked` for them all.
        let decided = self.decided_statuses();
        let status = |id: &str| decided.get(id).copied().unwrap_or(HoleStatus::Empty);
        let holes: Vec<String> = self
            .sketch
            .holes
            .iter()
            .filter(|h| impls.contains_key(&h.id) && self.examples_for(&h.id).is_empty())
            .filter(|h| {
                matches!(
                    status(&h.id),
                    HoleStatus::Unchecked | HoleStatus::ProgramChecked
                )
            })
            .map(|h| h.id.clone())
            .collect();
        if holes.is_empty() {
            return Ok((Some(report), None));
        }
        let blocked = self.sketch.holes.iter().any(|h| {
            !matches!(
                status(&h.id),
                HoleStatus::Passing
                    | HoleStatus::Guess
                    | HoleStatus::Unchecked
                    | HoleStatus::ProgramChecked
            )
        });
        if blocked {
            events.send(Event::Message {
                text: "combination search: not run while a hole is empty, stale or fails its own examples".to_string(),
            });
            let search = SearchReport {
                stopped: Some(Stop::Blocked),
                ..SearchReport::default()
            };
            return Ok((Some(report), Some(search)));
        }
        let mut search = self
            .start_search(context, &holes, &impls, &examples, report.clone(), outcomes)
            .await?;
        let result = self
            .run_search(context, &mut search, &impls, &examples, outcomes)
            .await?;
        Ok(match result {
            Some(passing) => (Some(passing), Some(search.report)),
            None => {
                let closest = search.closest.2.clone();
                self.finish_failed(context, &mut search, &impls, &examples);
                self.save()?;
                (Some(closest), Some(search.report))
            }
        })
    }

    /// Pools from the session's record (when it is this program's) and from this compile,
    /// probed on the inputs of the failed run and grouped.
    async fn start_search(
        &mut self,
        context: &JobContext,
        holes: &[String],
        impls: &BTreeMap<String, String>,
        examples: &[Example],
        report: CheckReport,
        outcomes: &BTreeMap<String, HoleOutcome>,
    ) -> Result<Search, EngineError> {
        let key = self.search_key(holes, examples);
        let record = match self.session().search.clone() {
            Some(r) if r.key == key => r,
            _ => SearchRecord {
                key,
                ..SearchRecord::default()
            },
        };
        let resumed = record.compiles > 0;
        let mut pools = Vec::new();
        for hole in holes {
            let mut pool = record.pools.get(hole).cloned().unwrap_or_default();
            let fresh = impls.get(hole).into_iter().chain(
                outcomes
                    .get(hole)
                    .map(|o| o.candidates.iter())
                    .into_iter()
                    .flatten(),
            );
            for code in fresh {
                if !pool.contains(code) {
                    pool.push(code.clone());
                }
            }
            pools.push(pool);
        }
        let current: Combo = holes
            .iter()
            .zip(&pools)
            .map(|(h, pool)| {
                impls
                    .get(h)
                    .and_then(|code| pool.iter().position(|c| c == code))
                    .unwrap_or(0)
            })
            .collect();
        let mut stages = BTreeMap::new();
        let mut first = Usage::default();
        for outcome in outcomes.values() {
            first.add(&outcome.usage);
        }
        stages.insert("first answers".to_string(), first);
        let tables = vec![Table::default(); holes.len()];
        let mut search = Search {
            holes: holes.to_vec(),
            pools,
            tables,
            planner: Planner::new(Vec::new()),
            blamed: record.blamed.clone(),
            record,
            report: SearchReport {
                resumed,
                stages,
                ..SearchReport::default()
            },
            closest: (current.clone(), Closeness::of(&report), report.clone()),
            swap_of: HashMap::new(),
            base: (current.clone(), blame::results(&report)),
        };
        if resumed {
            context.events.send(Event::Message {
                text: format!(
                    "combination search: resuming ({} combination(s) tried by earlier compiles; {} candidate(s) in hand)",
                    search.record.tried.len(),
                    search.pools.iter().map(Vec::len).sum::<usize>()
                ),
            });
        }
        self.learn_inputs(&context.checker, &mut search, impls, &report)
            .await?;
        let groups = self.group_all(&search);
        search.planner = Planner::new(groups);
        for tried in search.record.tried.clone() {
            if let Some(combo) = decode(&tried, &search.pools) {
                search.planner.mark_tried(&combo);
            }
        }
        search.planner.mark_tried(&current);
        remember(&mut search.record, &current);
        let run = blame::calls(&report);
        push_swaps(&mut search, &current, &run);
        Ok(search)
    }

    /// Try combinations until one passes, the budget runs out, or (every combination in
    /// hand having failed) the model has been asked for as many rounds as this compile
    /// may. `Some(report)` when a combination passed (it is applied).
    async fn run_search(
        &mut self,
        context: &JobContext,
        search: &mut Search,
        impls: &BTreeMap<String, String>,
        examples: &[Example],
        outcomes: &mut BTreeMap<String, HoleOutcome>,
    ) -> Result<Option<CheckReport>, EngineError> {
        let (checker, events, cancel) = (&context.checker, &context.events, &context.cancel);
        let fixed = self.search.search_budget;
        let budget_for = |pools: &[Vec<String>]| {
            fixed.unwrap_or_else(|| {
                plan::auto_budget(&pools.iter().map(Vec::len).collect::<Vec<_>>())
            })
        };
        search.report.budget = budget_for(&search.pools);
        // One round of samples for holes never sampled, then the repair rounds.
        let mut draws_left = 1 + self.search.repair_rounds;
        loop {
            while search.report.tried < search.report.budget {
                if cancel.is_cancelled() {
                    search.report.stopped = Some(Stop::Cancelled);
                    return Ok(None);
                }
                let Some(combo) = search.planner.next_combo() else {
                    break;
                };
                search.report.tried += 1;
                events.send(Event::CombinationSearch {
                    tried: search.report.tried,
                    budget: search.report.budget,
                });
                let candidate_impls = with_combo(impls, search, &combo);
                let attempt = checker
                    .check_examples(&candidate_impls, examples, true)
                    .await?;
                search.planner.mark_tried(&combo);
                remember(&mut search.record, &combo);
                if attempt.passed() {
                    self.apply_combo(context, search, impls, &combo, &candidate_impls, examples)?;
                    events.send(Event::ProgramChecked {
                        passed: attempt.passed_count(),
                        total: examples.len(),
                    });
                    search.report.passed = true;
                    self.fill_report(search, &combo);
                    return Ok(Some(attempt));
                }
                self.after_failure(checker, search, impls, combo, attempt)
                    .await?;
            }
            search.report.untried = search.planner.remaining();
            if search.report.tried >= search.report.budget && search.planner.remaining() > 0 {
                search.report.stopped = Some(Stop::Budget);
                return Ok(None);
            }
            if draws_left == 0 || context.backend.model_name().is_none() {
                search.report.stopped = Some(Stop::Exhausted);
                return Ok(None);
            }
            draws_left -= 1;
            // Nothing new (every answer a duplicate) just means the next round is drawn.
            self.draw_for_search(context, search, outcomes).await?;
            let closest_report = search.closest.2.clone();
            let closest_impls = with_combo(impls, search, &search.closest.0);
            self.learn_inputs(checker, search, &closest_impls, &closest_report)
                .await?;
            let groups = self.group_all(search);
            search.planner.regroup(groups);
            search.report.budget = search.report.budget.max(budget_for(&search.pools));
            let (combo, run) = (search.closest.0.clone(), blame::calls(&closest_report));
            push_swaps(search, &combo, &run);
            search.planner.prefer_consensus();
        }
    }

    /// Learn from a failed combination: was it a blamed swap that changed the result, is
    /// it the closest yet (then its run is probed and swaps start from it).
    async fn after_failure(
        &mut self,
        checker: &Checker,
        search: &mut Search,
        impls: &BTreeMap<String, String>,
        combo: Combo,
        attempt: CheckReport,
    ) -> Result<(), EngineError> {
        let results = blame::results(&attempt);
        if let Some(&h) = search.swap_of.get(&combo) {
            if results != search.base.1 && !search.blamed.contains(&search.holes[h]) {
                search.blamed.push(search.holes[h].clone());
            }
        }
        // Its run may have given holes inputs they never had (an upstream hole answered
        // differently): run their candidates on those too, which can split groups that
        // only looked alike on the old inputs.
        let known: usize = search.tables.iter().map(|t| t.inputs.len()).sum();
        let attempt_impls = with_combo(impls, search, &combo);
        self.learn_inputs(checker, search, &attempt_impls, &attempt)
            .await?;
        if search.tables.iter().map(|t| t.inputs.len()).sum::<usize>() != known {
            let groups = self.group_all(search);
            search.planner.regroup(groups);
        }
        let closeness = Closeness::of(&attempt);
        if closeness.better_than(&search.closest.1) {
            let run = blame::calls(&attempt);
            search.base = (combo.clone(), results);
            search.closest = (combo.clone(), closeness, attempt);
            push_swaps(search, &combo, &run);
        }
        Ok(())
    }

    /// Add the inputs each searched hole received in `report`'s run to its table, and run
    /// every candidate on the inputs it has not been run on.
    async fn learn_inputs(
        &mut self,
        checker: &Checker,
        search: &mut Search,
        impls: &BTreeMap<String, String>,
        report: &CheckReport,
    ) -> Result<(), EngineError> {
        let run = blame::calls(report);
        let mut new_inputs: Vec<Vec<String>> = vec![Vec::new(); search.holes.len()];
        for call in &run {
            if let Some(h) = search.holes.iter().position(|id| *id == call.hole) {
                let table = &search.tables[h];
                if table.inputs.len() + new_inputs[h].len() < MAX_INPUTS
                    && !table.inputs.contains(&call.input)
                    && !new_inputs[h].contains(&call.input)
                {
                    new_inputs[h].push(call.input.clone());
                }
            }
        }
        // (hole, first candidate to run, inputs): candidates that arrived since the table's
        // inputs were probed, then every candidate on the new inputs.
        let mut plan: Vec<(usize, usize, Vec<String>, bool)> = Vec::new();
        for h in 0..search.holes.len() {
            let table = &search.tables[h];
            let known = table.outcomes.len().min(search.pools[h].len());
            if known < search.pools[h].len() && !table.inputs.is_empty() {
                plan.push((h, known, table.inputs.clone(), true));
            }
        }
        for (h, inputs) in new_inputs.into_iter().enumerate() {
            if !inputs.is_empty() {
                plan.push((h, 0, inputs, false));
            }
        }
        if plan.is_empty() {
            return Ok(());
        }
        let jobs: Vec<probe::ProbeJob> = plan
            .iter()
            .map(|(h, from, inputs, _)| probe::ProbeJob {
                hole: &search.holes[*h],
                candidates: &search.pools[*h][*from..],
                inputs,
            })
            .collect();
        let probed = probe::probe(checker, impls, &jobs).await?;
        search.report.probe_checks += probed.checks;
        for ((h, from, inputs, on_old_inputs), (rows, bad)) in plan.into_iter().zip(probed.jobs) {
            let size = search.pools[h].len();
            let table = &mut search.tables[h];
            if on_old_inputs {
                // New candidates on the table's own inputs.
                table.outcomes.truncate(from);
                table.outcomes.extend(rows);
                continue;
            }
            // Every candidate on new inputs: one more column per usable input.
            let width = table.inputs.len();
            table.outcomes.resize(size, Vec::new());
            for row in &mut table.outcomes {
                row.resize(width, "~ unknown".into());
            }
            for (i, input) in inputs.into_iter().enumerate() {
                if bad.contains(&i) {
                    continue;
                }
                table.inputs.push(input);
                for (c, row) in table.outcomes.iter_mut().enumerate() {
                    let value = rows
                        .get(c)
                        .and_then(|r| r.get(i))
                        .cloned()
                        .unwrap_or_else(|| "~ unknown".into());
                    row.push(value);
                }
            }
        }
        Ok(())
    }

    fn group_all(&self, search: &Search) -> Vec<Vec<consensus::Group>> {
        search
            .tables
            .iter()
            .zip(&search.pools)
            .map(|(table, pool)| {
                let mut rows = table.outcomes.clone();
                rows.resize(pool.len(), Vec::new());
                for row in &mut rows {
                    row.resize(table.inputs.len(), "~ unknown".into());
                }
                if table.inputs.is_empty() {
                    rows.iter_mut().for_each(Vec::clear);
                }
                consensus::group(&rows)
            })
            .collect()
    }

    /// A passing combination: its implementations go into the session.
    fn apply_combo(
        &mut self,
        context: &JobContext,
        search: &Search,
        impls: &BTreeMap<String, String>,
        combo: &[usize],
        candidate_impls: &BTreeMap<String, String>,
        examples: &[Example],
    ) -> Result<(), EngineError> {
        let program = context.checker.render(candidate_impls)?.source;
        self.session_mut().program_verified = Some(check_hash(&program, examples));
        self.session_mut().search = None;
        self.use_combo(context, search, impls, combo);
        self.save()
    }

    fn use_combo(
        &mut self,
        context: &JobContext,
        search: &Search,
        impls: &BTreeMap<String, String>,
        combo: &[usize],
    ) {
        let by = context.backend.model_name().unwrap_or("model").to_string();
        for (h, &c) in combo.iter().enumerate() {
            let hole = &search.holes[h];
            let Some(code) = search.pools[h].get(c) else {
                continue;
            };
            if impls.get(hole) == Some(code) {
                continue;
            }
            let outcome = HoleOutcome {
                hole: hole.clone(),
                chosen: Some((code.clone(), Origin::Model { model: by.clone() })),
                status: Some(HoleStatus::Unchecked),
                ..HoleOutcome::default()
            };
            self.apply(&outcome, &context.events);
        }
    }

    /// No combination passed: keep the closest in use (so a trace shows the nearest
    /// program), and remember the search for the next compile.
    fn finish_failed(
        &mut self,
        context: &JobContext,
        search: &mut Search,
        impls: &BTreeMap<String, String>,
        examples: &[Example],
    ) {
        let combo = search.closest.0.clone();
        self.fill_report(search, &combo);
        search.report.closest = Some(report::Closest {
            failing: search.closest.1.failing.min(examples.len()),
            total: examples.len(),
            distance: search.closest.1.distance,
        });
        self.use_combo(context, search, impls, &combo);
        let mut record = search.record.clone();
        record.pools = search
            .holes
            .iter()
            .cloned()
            .zip(search.pools.iter().cloned())
            .collect();
        record.blamed = search.blamed.clone();
        record.compiles += 1;
        self.session_mut().search = Some(record);
    }

    fn fill_report(&self, search: &mut Search, combo: &[usize]) {
        let groups = search.planner.groups();
        search.report.holes = search
            .holes
            .iter()
            .enumerate()
            .map(|(h, id)| {
                let hole_groups = groups.get(h).map(Vec::as_slice).unwrap_or(&[]);
                let chosen = combo.get(h).copied();
                report::HoleSearch {
                    hole: id.clone(),
                    candidates: search.pools[h].len(),
                    groups: hole_groups.iter().map(|g| g.members.len()).collect(),
                    group: chosen
                        .and_then(|c| hole_groups.iter().position(|g| g.members.contains(&c))),
                    candidate: chosen.map(|c| c + 1),
                    blamed: search.blamed.contains(id),
                }
            })
            .collect();
        search.report.untried = search.planner.remaining();
    }

    /// Which program and which holes a search record belongs to.
    fn search_key(&self, holes: &[String], examples: &[Example]) -> String {
        let mut text = String::new();
        for id in holes {
            text.push_str(id);
            text.push('\0');
            if let Some(hole) = self.sketch.hole(id) {
                text.push_str(&fingerprint(hole));
            }
            text.push('\0');
        }
        check_hash(&text, examples)
    }
}

/// The implementations of `impls` with the combination's candidates in place.
fn with_combo(
    impls: &BTreeMap<String, String>,
    search: &Search,
    combo: &[usize],
) -> BTreeMap<String, String> {
    let mut out = impls.clone();
    for (h, &c) in combo.iter().enumerate() {
        if let Some(code) = search.pools[h].get(c) {
            out.insert(search.holes[h].clone(), code.clone());
        }
    }
    out
}

/// After a failed run, queue the swaps blame proposes.
fn push_swaps(search: &mut Search, base: &[usize], run: &[Call]) {
    let groups = search.planner.groups().to_vec();
    let swaps = blame::swaps(base, &search.holes, &groups, &search.tables, run);
    search.swap_of.clear();
    let mut combos = Vec::new();
    for (h, alternatives) in swaps {
        for alt in alternatives {
            let mut combo = base.to_vec();
            combo[h] = alt;
            if !search.planner.was_tried(&combo) {
                search.swap_of.insert(combo.clone(), h);
                combos.push(combo);
            }
        }
    }
    search.planner.blame(combos);
}

/// A combination as it is stored: candidate indices joined by commas.
fn remember(record: &mut SearchRecord, combo: &[usize]) {
    let text = combo
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",");
    if !record.tried.contains(&text) {
        record.tried.push(text);
    }
}

fn decode(text: &str, pools: &[Vec<String>]) -> Option<Combo> {
    let combo: Vec<usize> = text
        .split(',')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    (combo.len() == pools.len() && combo.iter().zip(pools).all(|(&c, p)| c < p.len()))
        .then_some(combo)
}
