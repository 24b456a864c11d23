//! Questions: when implementations that pass every example of a hole still disagree on some
//! input, ask the user what that call should return.
//!
//! Compile keeps, per hole, the candidates that passed every example besides the one it
//! took (the synthesizer's other fitting programs; for a model hole with fewer than three
//! examples, a round of samples drawn for the purpose) in the session
//! (`session::questions`). From them this module computes at most one question per hole:
//!
//! 1. Inputs to try ([`inputs_to_try`]): the arguments the hole really receives when the
//!    program runs on its examples, then small type-aware changes of an example's
//!    arguments, one argument at a time (`synth::probe`: a shorter list, one character
//!    more, another number), so every input is one a user can answer at a glance.
//! 2. Every candidate runs on every input in the sandbox ([`Checker::run_calls`]).
//! 3. [`choose`] takes the input that splits the candidates most evenly (fewest pairs of
//!    candidates left undecided whatever the answer), never one whose answers are all
//!    errors, and reports the call with each distinct answer and how many candidates give it.
//!
//! An answer ([`Engine::answer`]) becomes an example of the hole; candidates that disagree
//! with it are dropped without any new request, the implementation in use is replaced by a
//! surviving one if it was dropped, and the next question is computed at once. Dropped
//! candidates are set aside, not forgotten: every question is computed from the candidates
//! and the set-aside ones that pass the examples as they are then, so removing a mistaken
//! answer (`example rm`) brings back what it alone ruled out. A skipped
//! question ([`Engine::skip_question`]) is not asked again while its candidates are the same.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::session::questions::{Candidate, HoleQuestions, Skipped};
use crate::session::{HoleStatus, ImplVersion};
use crate::sketch::Example;
use crate::synth::literal::parse_call;
use crate::synth::probe::{vary, CHANGES};
use crate::synth::value::Value;

use super::check::Checker;
use super::compile::HoleOutcome;
use super::fingerprint::fingerprint;
use super::{Engine, EngineError, FrontEnd};

/// One question about one hole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub hole: String,
    /// The call to answer, as Python source.
    pub call: String,
    /// Each distinct value the candidates give, most common first.
    pub answers: Vec<AnswerCount>,
    /// Candidates that raise on this call (never all of them).
    #[serde(skip_serializing_if = "is_zero")]
    pub errors: usize,
    /// Which answer the implementation in use gives (index into `answers`), if any.
    #[serde(skip)]
    pub in_use: Option<usize>,
    /// A hash of the candidates, so a skipped question is recognised.
    #[serde(skip)]
    pub candidates_hash: String,
}

impl Question {
    /// A question as lines of text: the call, then each answer with how many candidates
    /// give it and which one is in use.
    pub fn describe(&self) -> String {
        let q = self;
        let mut out = format!(
            "? {}: what should {} return? The implementations that pass its examples disagree:",
            q.hole, q.call
        );
        for (i, a) in q.answers.iter().enumerate() {
            out.push_str(&format!(
                "\n    {}) {}   ({} candidate{}{})",
                i + 1,
                a.value,
                a.count,
                if a.count == 1 { "" } else { "s" },
                if q.in_use == Some(i) {
                    ", the one in use"
                } else {
                    ""
                }
            ));
        }
        if q.errors > 0 {
            out.push_str(&format!(
                "\n    ({} candidate{} raise{} an error)",
                q.errors,
                if q.errors == 1 { "" } else { "s" },
                if q.errors == 1 { "s" } else { "" }
            ));
        }
        out
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerCount {
    /// Python source of the value.
    pub value: String,
    pub count: usize,
}

/// What one candidate did on one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Value(String),
    Raised,
}

/// Most inputs tried per hole: each costs one call per candidate in the sandbox.
const MAX_INPUTS: usize = 24;

/// Calls of `hole` to try, simplest first: the argument lists it received when the program
/// ran on its examples (`received`, Python source per argument), then each example with
/// one argument changed. Calls that are already examples are left out.
pub fn inputs_to_try(hole: &str, examples: &[Example], received: &[Vec<String>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let known: Vec<String> = examples.iter().map(|e| normalise(&e.call)).collect();
    let push = |call: String, out: &mut Vec<String>| {
        let key = normalise(&call);
        if out.len() < MAX_INPUTS
            && !known.contains(&key)
            && !out.iter().any(|c| normalise(c) == key)
        {
            out.push(call);
        }
    };
    for args in received {
        push(format!("{hole}({})", args.join(", ")), &mut out);
    }
    for how in CHANGES {
        for e in examples {
            let Ok(call) = parse_call(&e.call) else {
                continue;
            };
            let positional = call.args.len();
            let mut values: Vec<Value> = call.args.clone();
            values.extend(call.kwargs.iter().map(|(_, v)| v.clone()));
            for i in 0..values.len() {
                let Some(changed) = vary(&values[i], *how) else {
                    continue;
                };
                let mut parts: Vec<String> = Vec::new();
                for (j, v) in values.iter().enumerate() {
                    let text = if j == i { changed.repr() } else { v.repr() };
                    if j < positional {
                        parts.push(text);
                    } else {
                        parts.push(format!("{}={text}", call.kwargs[j - positional].0));
                    }
                }
                push(format!("{hole}({})", parts.join(", ")), &mut out);
            }
        }
    }
    out
}

fn normalise(call: &str) -> String {
    call.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The most evenly splitting question, if the candidates disagree anywhere. `replies[k][c]`
/// is candidate `k` (0: the one in use) on `calls[c]`. A call splits well when few pairs of
/// candidates give the same reply, since those pairs stay undecided whatever the answer;
/// ties go to the earlier, simpler call.
pub fn choose(hole: &str, calls: &[String], replies: &[Vec<Reply>]) -> Option<Question> {
    let mut best: Option<(usize, usize)> = None;
    for (c, _) in calls.iter().enumerate() {
        let column: Vec<&Reply> = replies.iter().filter_map(|r| r.get(c)).collect();
        if column.len() < 2 || column.iter().all(|r| **r == Reply::Raised) {
            continue;
        }
        let groups = group(&column);
        if groups.len() < 2 {
            continue;
        }
        let undecided: usize = groups.iter().map(|(_, n)| n * (n - 1) / 2).sum();
        if best.is_none_or(|(_, u)| undecided < u) {
            best = Some((c, undecided));
        }
    }
    let (c, _) = best?;
    let column: Vec<&Reply> = replies.iter().filter_map(|r| r.get(c)).collect();
    let mut answers: Vec<AnswerCount> = Vec::new();
    let mut errors = 0;
    for (reply, n) in group(&column) {
        match reply {
            Reply::Value(v) => answers.push(AnswerCount {
                value: v.clone(),
                count: n,
            }),
            Reply::Raised => errors = n,
        }
    }
    answers.sort_by_key(|a| std::cmp::Reverse(a.count));
    let in_use = match column.first() {
        Some(Reply::Value(v)) => answers.iter().position(|a| a.value == *v),
        _ => None,
    };
    Some(Question {
        hole: hole.to_string(),
        call: calls[c].clone(),
        answers,
        errors,
        in_use,
        candidates_hash: String::new(),
    })
}

/// Distinct replies with how many candidates give each, in order of first appearance.
fn group<'a>(column: &[&'a Reply]) -> Vec<(&'a Reply, usize)> {
    let mut groups: Vec<(&Reply, usize)> = Vec::new();
    for r in column {
        match groups.iter_mut().find(|(g, _)| *g == *r) {
            Some((_, n)) => *n += 1,
            None => groups.push((r, 1)),
        }
    }
    groups
}

fn hash_candidates(candidates: &[Candidate]) -> String {
    let mut h = Sha256::new();
    for c in candidates {
        h.update(c.code.as_bytes());
        h.update([0u8]);
    }
    format!("{:x}", h.finalize())[..16].to_string()
}

/// What answering a question did.
#[derive(Debug, Clone, Serialize)]
pub struct Answered {
    /// The example's number among the hole's examples.
    pub example: usize,
    /// Candidates ruled out by the answer.
    pub dropped: usize,
    /// Candidates that agree with every example now.
    pub remaining: usize,
    /// The implementation in use was ruled out and a surviving candidate took its place.
    pub replaced: bool,
    /// No candidate agrees with the answer: the hole must be filled again (`compile`).
    pub refill: bool,
    /// The next question about this hole, if its candidates still disagree.
    pub next: Option<Question>,
}

/// How many ruled-out candidates a hole keeps in case an example is removed.
const MAX_SET_ASIDE: usize = 32;

impl Engine {
    /// Called by compile when a hole is filled: the candidates to ask questions from are
    /// the one taken and the others that passed every example.
    pub(crate) fn remember_candidates(&mut self, outcome: &HoleOutcome) {
        let Some((code, origin)) = &outcome.chosen else {
            return;
        };
        if outcome.status != Some(HoleStatus::Passing) {
            self.session_mut().questions.remove(&outcome.hole);
            return;
        }
        let mut candidates = vec![Candidate {
            code: code.clone(),
            origin: origin.clone(),
        }];
        for (code, origin) in &outcome.alternatives {
            if !candidates.iter().any(|c| c.code == *code) {
                candidates.push(Candidate {
                    code: code.clone(),
                    origin: origin.clone(),
                });
            }
        }
        let entry = self
            .session_mut()
            .questions
            .entry(outcome.hole.clone())
            .or_default();
        entry.candidates = candidates;
        entry.set_aside.clear();
    }

    /// What to say when [`Engine::questions`] found none (for every hole, or for `only`):
    /// that the implementations agree, or which holes with candidates were passed over
    /// because they do not pass their examples, and how to mend them where it is read.
    pub fn no_questions_note(&self, only: Option<&str>, front: FrontEnd) -> String {
        let statuses = self.statuses();
        let held: Vec<String> = self
            .session()
            .questions
            .keys()
            .filter(|h| only.is_none_or(|o| o == h.as_str()))
            .filter_map(|h| {
                let why = match statuses.get(h)? {
                    HoleStatus::Failing => "fails its examples",
                    HoleStatus::Stale => "changed in the sketch since it was filled",
                    HoleStatus::Empty => "is not filled",
                    HoleStatus::Unchecked => "could not be checked",
                    _ => return None,
                };
                Some(format!("{h} {why}"))
            })
            .collect();
        if !held.is_empty() {
            return format!(
                "no open questions: {}; questions come from implementations that pass a hole's examples ({})",
                held.join(", "),
                front.repair()
            );
        }
        match only {
            Some(h) => format!(
                "no open questions: the implementations of `{h}` that pass its examples agree on every input tried (or it has no others)"
            ),
            None => "no open questions: where several implementations pass a hole's examples, they agree on every input tried".to_string(),
        }
    }

    /// The open question of every hole (or of `only`), computed now.
    pub async fn questions(&mut self, only: Option<&str>) -> Result<Vec<Question>, EngineError> {
        if let Some(h) = only {
            if self.sketch.hole(h).is_none() {
                return Err(EngineError::UnknownFunction(h.to_string()));
            }
        }
        // A hole whose examples changed since it was last checked (an `example rm`, an edited
        // docstring) is unchecked, and would otherwise be passed over as if it had no question.
        self.refresh_statuses().await?;
        let holes: Vec<String> = self
            .session()
            .questions
            .keys()
            .filter(|h| only.is_none_or(|o| o == h.as_str()))
            .cloned()
            .collect();
        let mut out = Vec::new();
        let mut received: Option<BTreeMap<String, Vec<Vec<String>>>> = None;
        for hole in holes {
            // A guess is exactly what a question can settle.
            if !matches!(self.status(&hole), HoleStatus::Passing | HoleStatus::Guess) {
                continue;
            }
            if received.is_none() {
                received = Some(self.received_inputs().await?);
            }
            let got = received
                .as_ref()
                .and_then(|r| r.get(&hole))
                .cloned()
                .unwrap_or_default();
            if let Some(q) = self.question_for(&hole, &got).await? {
                out.push(q);
            }
        }
        Ok(out)
    }

    /// The hole's question, or `None` when its candidates agree on every input tried (or
    /// the question was skipped for these same candidates).
    async fn question_for(
        &mut self,
        hole_id: &str,
        received: &[Vec<String>],
    ) -> Result<Option<Question>, EngineError> {
        if self.sketch.hole(hole_id).is_none() {
            return Ok(None);
        }
        let examples = self.examples_for(hole_id);
        let checker = self.checker().await?;
        let candidates = self.surviving(&checker, hole_id, &examples).await?;
        if candidates.len() < 2 {
            return Ok(None);
        }
        let state = self
            .session()
            .questions
            .get(hole_id)
            .cloned()
            .unwrap_or_default();
        let hash = hash_candidates(&candidates);
        let mut calls = inputs_to_try(hole_id, &examples, received);
        calls.retain(|c| {
            !state
                .skipped
                .iter()
                .any(|s| s.candidates == hash && normalise(&s.call) == normalise(c))
        });
        if calls.is_empty() {
            return Ok(None);
        }
        let impls = self.implementations();
        let mut replies = Vec::new();
        for cand in &candidates {
            let mut with = impls.clone();
            with.insert(hole_id.to_string(), cand.code.clone());
            let report = checker.run_calls(&with, &calls).await?;
            let row: Vec<Reply> = (0..calls.len())
                .map(|i| match report.results.get(i) {
                    Some(r) if r.error.is_none() && report.fatal.is_none() => {
                        r.actual.clone().map_or(Reply::Raised, Reply::Value)
                    }
                    _ => Reply::Raised,
                })
                .collect();
            replies.push(row);
        }
        Ok(choose(hole_id, &calls, &replies).map(|mut q| {
            q.candidates_hash = hash;
            q
        }))
    }

    /// The hole's candidates that pass every current example, the one in use first; the
    /// session is updated to hold only those.
    async fn surviving(
        &mut self,
        checker: &Checker,
        hole: &str,
        examples: &[Example],
    ) -> Result<Vec<Candidate>, EngineError> {
        let Some(state) = self.session().questions.get(hole).cloned() else {
            return Ok(Vec::new());
        };
        let in_use = self.session().current_code(hole).map(str::to_string);
        let impls = self.implementations();
        let mut keep: Vec<Candidate> = Vec::new();
        let mut set_aside: Vec<Candidate> = Vec::new();
        for cand in state.candidates.into_iter().chain(state.set_aside) {
            if keep.iter().chain(&set_aside).any(|c| c.code == cand.code) {
                continue;
            }
            let passed = !examples.is_empty()
                && checker
                    .check_candidate(&impls, hole, &cand.code, examples)
                    .await?
                    .passed();
            if passed {
                keep.push(cand);
            } else {
                set_aside.push(cand);
            }
        }
        // newly ruled out first, so a long series of answers forgets the oldest
        set_aside.truncate(MAX_SET_ASIDE);
        if let Some(code) = in_use {
            if let Some(i) = keep.iter().position(|c| c.code == code) {
                let first = keep.remove(i);
                keep.insert(0, first);
            }
        }
        let entry = self
            .session_mut()
            .questions
            .entry(hole.to_string())
            .or_default();
        if entry.candidates != keep {
            entry.candidates = keep.clone();
        }
        if entry.set_aside != set_aside {
            entry.set_aside = set_aside;
        }
        Ok(keep)
    }

    /// Per hole, the argument lists it received when the program ran on its examples.
    async fn received_inputs(&self) -> Result<BTreeMap<String, Vec<Vec<String>>>, EngineError> {
        let mut out: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
        let entry = self.sketch.entry.clone();
        let examples = self.examples_for(&entry);
        if examples.is_empty() {
            return Ok(out);
        }
        let checker = self.checker().await?;
        let report = checker
            .check_examples(&self.implementations(), &examples, true)
            .await?;
        for result in &report.results {
            for event in &result.trace {
                if event.args.iter().any(|(_, v)| v.truncated) {
                    continue;
                }
                let args: Vec<String> = event.args.iter().map(|(_, v)| v.src.clone()).collect();
                let list = out.entry(event.function.clone()).or_default();
                if !list.contains(&args) {
                    list.push(args);
                }
            }
        }
        Ok(out)
    }

    /// Answer a question: `expected` (Python source) becomes an example of `hole` (in the
    /// docstring when `into_docstring`), candidates that disagree are dropped, and the next
    /// question is computed.
    pub async fn answer(
        &mut self,
        hole: &str,
        call: &str,
        expected: &str,
        into_docstring: bool,
    ) -> Result<Answered, EngineError> {
        if self.sketch.hole(hole).is_none() {
            return Err(EngineError::UnknownFunction(hole.to_string()));
        }
        let before = self
            .session()
            .questions
            .get(hole)
            .map_or(0, |q| q.candidates.len());
        let example = self.add_example(hole, call, expected, into_docstring)?;
        let examples = self.examples_for(hole);
        let checker = self.checker().await?;
        let keep = self.surviving(&checker, hole, &examples).await?;
        let in_use = self.session().current_code(hole).map(str::to_string);
        let in_use_survives = in_use
            .as_deref()
            .is_some_and(|code| keep.iter().any(|c| c.code == code));
        let mut replaced = false;
        let mut refill = false;
        if !in_use_survives {
            match keep.first() {
                Some(next) => {
                    self.use_candidate(hole, next);
                    replaced = true;
                }
                None => refill = !self.in_use_passes(&checker, hole, &examples).await?,
            }
        }
        if refill {
            let record = self.record_mut(hole);
            record.status = HoleStatus::Failing;
            record.evidence = None;
            record.last_failure = Some(format!(
                "no implementation found so far gives {expected} for {call}; `compile` fills it again"
            ));
        }
        if !refill {
            self.refresh_statuses().await?;
        }
        self.save()?;
        let next = if refill {
            None
        } else {
            let received = self.received_inputs().await?;
            let got = received.get(hole).cloned().unwrap_or_default();
            self.question_for(hole, &got).await?
        };
        self.save()?;
        Ok(Answered {
            example,
            dropped: before.saturating_sub(keep.len()),
            remaining: keep.len(),
            replaced,
            refill,
            next,
        })
    }

    async fn in_use_passes(
        &self,
        checker: &Checker,
        hole: &str,
        examples: &[Example],
    ) -> Result<bool, EngineError> {
        let Some(code) = self.session().current_code(hole).map(str::to_string) else {
            return Ok(false);
        };
        let report = checker
            .check_candidate(&self.implementations(), hole, &code, examples)
            .await?;
        Ok(report.passed())
    }

    /// Make a surviving candidate the implementation in use, as a new version.
    fn use_candidate(&mut self, hole: &str, cand: &Candidate) {
        let print = self.sketch.hole(hole).map(fingerprint).unwrap_or_default();
        let record = self.record_mut(hole);
        let existing = record.versions.iter().position(|v| v.code == cand.code);
        let index = match existing {
            Some(i) => i,
            None => {
                record.versions.push(ImplVersion {
                    code: cand.code.clone(),
                    origin: cand.origin.clone(),
                    fingerprint: print,
                    created: crate::session::model::now(),
                });
                record.versions.len() - 1
            }
        };
        record.current = Some(index);
        record.status = HoleStatus::Passing;
        record.last_failure = None;
        // Decided again on its evidence by `refresh_statuses`.
        record.evidence = None;
    }

    /// Do not ask this question again while the hole's candidates are the same.
    pub fn skip_question(&mut self, question: &Question) -> Result<(), EngineError> {
        let entry: &mut HoleQuestions = self
            .session_mut()
            .questions
            .entry(question.hole.clone())
            .or_default();
        let skipped = Skipped {
            call: question.call.clone(),
            candidates: question.candidates_hash.clone(),
        };
        if !entry.skipped.contains(&skipped) {
            entry.skipped.push(skipped);
        }
        self.save()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn v(s: &str) -> Reply {
        Reply::Value(s.to_string())
    }

    fn calls(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("f({i})")).collect()
    }

    #[test]
    fn the_most_even_split_wins() {
        // Four candidates; call 0 splits 3/1, call 1 splits 2/2, call 2 all agree.
        let replies = vec![
            vec![v("1"), v("1"), v("5")],
            vec![v("1"), v("1"), v("5")],
            vec![v("1"), v("2"), v("5")],
            vec![v("2"), v("2"), v("5")],
        ];
        let q = choose("f", &calls(3), &replies).unwrap();
        assert_eq!(q.call, "f(1)");
        assert_eq!(
            q.answers,
            vec![
                AnswerCount {
                    value: "1".into(),
                    count: 2
                },
                AnswerCount {
                    value: "2".into(),
                    count: 2
                }
            ]
        );
        assert_eq!(q.in_use, Some(0));
    }

    #[test]
    fn agreeing_candidates_ask_nothing() {
        let replies = vec![vec![v("1"), v("2")], vec![v("1"), v("2")]];
        assert_eq!(choose("f", &calls(2), &replies), None);
    }

    #[test]
    fn a_question_whose_answers_are_all_errors_is_never_asked() {
        let replies = vec![
            vec![Reply::Raised, v("3")],
            vec![Reply::Raised, v("3")],
            vec![Reply::Raised, v("3")],
        ];
        assert_eq!(choose("f", &calls(2), &replies), None);
        // One raising, one answering: a real question, with the error counted apart.
        let replies = vec![vec![Reply::Raised], vec![v("'c'")]];
        let q = choose("f", &calls(1), &replies).unwrap();
        assert_eq!(q.errors, 1);
        assert_eq!(q.answers.len(), 1);
        assert_eq!(q.in_use, None);
    }

    #[test]
    fn inputs_are_received_arguments_then_small_changes_of_examples() {
        let sketch = crate::sketch::parse_source(
            "t.py",
            "def middle(s: str) -> str:\n    \"\"\"The middle character.\n\n    >>> middle('abc')\n    'b'\n    \"\"\"\n",
            &crate::sketch::ParseOptions::default(),
        )
        .unwrap();
        let hole = sketch.hole("middle").unwrap().clone();
        let examples = hole.examples.clone();
        let received = vec![vec!["'hello'".to_string()], vec!["'abc'".to_string()]];
        let got = inputs_to_try(&hole.id, &examples, &received);
        assert_eq!(
            got,
            vec![
                "middle('hello')",
                "middle('bcab')",
                "middle('bc')",
                "middle('cba')",
                "middle('abC')"
            ]
        );
    }
}
