//! Results of background work: the engine's progress events while an operation runs, the
//! snapshot that ends it, and finished checks (run, trace, the selected function's
//! examples). Results under a generation that is no longer current are dropped.

use std::sync::Arc;

use super::{App, Live, Tone};
use crate::engine::check::CheckReport;
use crate::engine::Event;
use crate::tui::event::{CheckJob, Effect};
use crate::tui::snapshot::Snapshot;

impl App {
    pub(super) fn on_engine(&mut self, event: Event) {
        match event {
            Event::HoleQueued { hole } => {
                self.live.insert(hole, Live::Queued);
            }
            Event::RequestSent { hole, cached, .. } => {
                if !cached {
                    *self.in_flight.entry(hole.clone()).or_default() += 1;
                }
                self.live.insert(hole, Live::Generating);
            }
            Event::Tokens {
                hole,
                input,
                output,
            } => {
                self.answered(&hole);
                self.receiving.remove(&hole);
                self.live_tokens.0 += input;
                self.live_tokens.1 += output;
            }
            Event::CandidateRejected { hole, .. }
            | Event::CandidateChecked { hole, .. }
            | Event::RepairRound { hole, .. } => {
                self.answered(&hole);
                self.live.insert(hole, Live::Generating);
            }
            Event::HoleFilled { hole, .. } => {
                self.in_flight.remove(&hole);
                self.receiving.remove(&hole);
                self.live.insert(hole, Live::Filled);
            }
            Event::HoleFailed { hole, reason } => {
                self.in_flight.remove(&hole);
                self.receiving.remove(&hole);
                let first = reason.lines().next().unwrap_or("").to_string();
                self.say(format!("{hole}: {first}"), Tone::Error);
                self.live.insert(hole, Live::Failed);
            }
            Event::CombinationSearch { tried, budget } => self.say(
                format!("trying combinations of candidates: {tried} of {budget}"),
                Tone::Info,
            ),
            Event::ProgramChecked { passed, total } => self.say(
                format!("program: {passed} of {total} example(s) pass"),
                if passed == total {
                    Tone::Success
                } else {
                    Tone::Error
                },
            ),
            Event::Message { text } => self.say(text, Tone::Info),
            Event::Receiving { hole, tokens } => {
                self.receiving.insert(hole, tokens);
            }
        }
    }

    /// A request for `hole` was answered (the count is a floor at zero: providers that
    /// report no tokens are settled by the candidate that follows).
    pub(super) fn answered(&mut self, hole: &str) {
        if let Some(n) = self.in_flight.get_mut(hole) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.in_flight.remove(hole);
            }
        }
    }

    /// The engine's state after an operation. When the implementations in use or the
    /// examples changed, every result drawn from the old ones is out of date: the last
    /// run is dropped (its marks would be stale), the trace is kept but titled as from
    /// before the change, and the selected row's examples are checked again.
    pub(super) fn on_snapshot(&mut self, snapshot: Snapshot) -> Vec<Effect> {
        let keep = self.selected_name().map(str::to_string);
        let changed = self.snapshot.implementations != snapshot.implementations
            || self.snapshot.examples != snapshot.examples;
        self.snapshot = Arc::new(snapshot);
        self.live.clear();
        self.live_tokens = (0, 0);
        self.receiving.clear();
        if changed {
            self.program = None;
            self.hole_check = None;
            self.trace_outdated = self.trace.is_some();
            self.questions_outdated();
        }
        let row = keep
            .as_deref()
            .and_then(|name| self.snapshot.tree.iter().position(|r| r.name == name));
        let count = self.snapshot.examples_of(self.entry()).len();
        if self.trace_example >= count {
            self.trace_example = 0;
        }
        match row {
            Some(row) => {
                self.selected = row;
                let examples = self.selected_examples_len();
                self.example_cursor = self.example_cursor.min(examples.saturating_sub(1));
                if changed || self.hole_check.is_none() {
                    self.check_selection()
                } else {
                    Vec::new()
                }
            }
            None => {
                self.selected = 0;
                self.selection_changed()
            }
        }
    }

    pub(super) fn on_checked(
        &mut self,
        job: CheckJob,
        generation: u64,
        result: Result<CheckReport, String>,
    ) {
        if let CheckJob::Examples(hole) = &job {
            if let Some(check) = self.hole_check.as_mut() {
                if check.generation == generation && &check.hole == hole {
                    match result {
                        Ok(report) => check.report = Some(report),
                        Err(e) => self.say(format!("checking {hole}: {e}"), Tone::Error),
                    }
                }
            }
            return;
        }
        if self.operation.as_ref().map(|o| o.generation) != Some(generation) {
            return;
        }
        self.operation = None;
        let report = match result {
            Ok(report) => report,
            Err(e) => {
                self.say(e, Tone::Error);
                return;
            }
        };
        let passed = report.passed_count();
        let total = report.results.len();
        let fatal = report.fatal.clone();
        match job {
            CheckJob::Run => {
                self.trace_outdated = false;
                self.trace = report
                    .results
                    .get(self.trace_example)
                    .cloned()
                    .map(|r| (self.trace_example, r));
                self.program = Some(report);
                match fatal {
                    Some(f) => self.say(f, Tone::Error),
                    None => self.say(
                        format!("run: {passed} of {total} example(s) pass"),
                        if passed == total {
                            Tone::Success
                        } else {
                            Tone::Error
                        },
                    ),
                }
            }
            CheckJob::Trace(n) => {
                self.trace_outdated = false;
                self.trace = report.results.first().cloned().map(|r| (n, r));
                self.trace_scroll = 0;
                self.trace_cursor = 0;
                let calls = self.trace.as_ref().map_or(0, |(_, r)| r.trace.len());
                match fatal {
                    Some(f) => self.say(f, Tone::Error),
                    None => self.say(
                        format!("traced example {}: {calls} hole call(s)", n + 1),
                        Tone::Info,
                    ),
                }
            }
            CheckJob::Examples(_) => {}
        }
    }
}
