//! Running a hole's candidates on the inputs the hole really received.
//!
//! Every (candidate, input) pair becomes one call of a single check: the call copies the
//! program's namespace, defines the candidate in the copy (so it calls the other holes'
//! implementations in use, and its own recursion finds itself), and returns what it gave
//! back together with its arguments afterwards (holes that change an argument in place
//! behave by that change). Exceptions are caught inside the call and become outcomes; only
//! a run that ends abnormally (a timeout, a crash) loses calls, and the calls after the lost
//! one are run again in a new check.

use std::collections::BTreeMap;

use crate::exec::{CallSpec, CheckRequest};

use super::super::check::Checker;
use super::super::EngineError;
use super::consensus::Outcome;

/// Defined in a copy of the program's namespace by each probe call.
const HELPER: &str = r#"
def __anpl_probe(code, name, args_src):
    g = globals()
    try:
        import numpy
        for k, v in (("np", numpy), ("numpy", numpy), ("array", numpy.array)):
            g.setdefault(k, v)
    except BaseException:
        pass
    try:
        args = list(eval(args_src, g))
    except BaseException:
        return ('input',)
    ns = dict(g)
    try:
        exec(code, ns)
        out = ns[name](*args)
    except BaseException as e:
        return ('raised', type(e).__name__)
    return ('value', out, args)
"#;

fn literal(text: &str) -> String {
    // A JSON string is a valid Python string literal (the escapes JSON uses are Python's).
    serde_json::to_string(text).unwrap_or_else(|_| "''".to_string())
}

fn probe_call(code: &str, hole: &str, input: &str) -> String {
    format!(
        "(lambda __g: (exec({}, __g), __g['__anpl_probe']({}, {}, {}))[1])(dict(globals()))",
        literal(HELPER),
        literal(code),
        literal(hole),
        literal(input)
    )
}

/// What one probe call reported.
fn outcome_of(value: Option<&crate::exec::PyValue>, error: bool) -> Option<Outcome> {
    let Some(value) = value else {
        return Some(if error {
            "! error".into()
        } else {
            "~ none".into()
        });
    };
    if value.truncated {
        return Some(format!("~ {}", value.src.len()));
    }
    let src = value.src.as_str();
    if src.starts_with("('input',") {
        return None;
    }
    if let Some(rest) = src.strip_prefix("('raised', ") {
        return Some(format!("! {}", rest.trim_end_matches(')')));
    }
    Some(format!("= {src}"))
}

/// One hole's candidates and the inputs to run them on.
pub struct ProbeJob<'a> {
    pub hole: &'a str,
    pub candidates: &'a [String],
    pub inputs: &'a [String],
}

/// Results by job: `outcomes[candidate][input]`, and which inputs could not be rebuilt
/// (their argument text did not evaluate) and should be dropped.
pub struct Probed {
    pub jobs: Vec<(Vec<Vec<Outcome>>, Vec<usize>)>,
    pub checks: usize,
}

pub async fn probe(
    checker: &Checker,
    impls: &BTreeMap<String, String>,
    jobs: &[ProbeJob<'_>],
) -> Result<Probed, EngineError> {
    let mut specs: Vec<(usize, usize, usize, String)> = Vec::new();
    for (j, job) in jobs.iter().enumerate() {
        for (c, code) in job.candidates.iter().enumerate() {
            for (i, input) in job.inputs.iter().enumerate() {
                specs.push((j, c, i, probe_call(code, job.hole, input)));
            }
        }
    }
    let mut results: Vec<Option<Option<Outcome>>> = vec![None; specs.len()];
    let program = checker.render(impls)?.source;
    let mut start = 0;
    let mut checks = 0;
    while start < specs.len() {
        let request = CheckRequest {
            program: program.clone(),
            traced: Vec::new(),
            calls: specs[start..]
                .iter()
                .map(|s| CallSpec::new(s.3.clone(), None))
                .collect(),
            stop_at_first_failure: false,
        };
        let outcome = checker.run_request(&request).await?;
        checks += 1;
        if outcome.load_error.is_some() {
            // The program itself does not load: nothing can be learned by probing.
            break;
        }
        let done = outcome.calls.len();
        for call in &outcome.calls {
            if let Some(slot) = results.get_mut(start + call.index) {
                *slot = Some(outcome_of(call.value.as_ref(), call.error.is_some()));
            }
        }
        // A run that ended early lost the call it was in: mark it and go on after it.
        if done < specs.len() - start {
            if let Some(slot) = results.get_mut(start + done) {
                *slot = Some(Some("~ ended".into()));
            }
            start += done + 1;
        } else {
            start = specs.len();
        }
    }
    let mut out: Vec<(Vec<Vec<Outcome>>, Vec<usize>)> = jobs
        .iter()
        .map(|job| {
            (
                vec![vec![String::new(); job.inputs.len()]; job.candidates.len()],
                Vec::new(),
            )
        })
        .collect();
    for ((j, c, i, _), result) in specs.iter().zip(results) {
        let (rows, bad) = &mut out[*j];
        match result {
            Some(Some(o)) => rows[*c][*i] = o,
            Some(None) => {
                if !bad.contains(i) {
                    bad.push(*i);
                }
            }
            None => rows[*c][*i] = "~ not run".into(),
        }
    }
    Ok(Probed { jobs: out, checks })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_outcomes_are_read_from_the_returned_tuple() {
        let v = |s: &str| crate::exec::PyValue {
            src: s.to_string(),
            truncated: false,
        };
        assert_eq!(outcome_of(Some(&v("('input',)")), false), None);
        assert_eq!(
            outcome_of(Some(&v("('raised', 'IndexError')")), false),
            Some("! 'IndexError'".to_string())
        );
        assert_eq!(
            outcome_of(Some(&v("('value', 3, [1])")), false),
            Some("= ('value', 3, [1])".to_string())
        );
    }

    #[test]
    fn candidate_code_reaches_python_as_a_literal() {
        let call = probe_call("def f(x):\n    return \"a\\b\"", "f", "(1,)");
        assert!(call.contains(r#""def f(x):\n    return \"a\\b\"""#));
    }
}
