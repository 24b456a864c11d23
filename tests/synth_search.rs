//! End-to-end tests of the model-free synthesizer through its public API: holes of the kind
//! users leave in sketches, bad input, cancellation and determinism. Every program found is
//! also run in real `python3` against the examples and further checks.

use std::time::Duration;

use anpl::synth::bench::{check_in_python, Pair};
use anpl::synth::{
    synthesize, synthesize_ranked, CancelFlag, Solution, SynthFailure, SynthLimits, SynthTask,
};
use pretty_assertions::assert_eq;

fn task(
    name: &str,
    params: &[(&str, &str)],
    ret: &str,
    description: &str,
    examples: &[(&str, &str)],
) -> SynthTask {
    SynthTask {
        name: name.to_string(),
        params: params
            .iter()
            .map(|(n, t)| (n.to_string(), Some(t.to_string())))
            .collect(),
        returns: Some(ret.to_string()),
        description: description.to_string(),
        examples: examples
            .iter()
            .map(|(c, e)| (c.to_string(), e.to_string()))
            .collect(),
    }
}

fn limits() -> SynthLimits {
    // Generous: test builds are not optimized for speed and the machine may be busy.
    SynthLimits {
        time_budget: Duration::from_secs(30),
        ..SynthLimits::default()
    }
}

/// The best program for `t`, searched with the generous `limits`.
fn solve(t: &SynthTask) -> Result<Solution, SynthFailure> {
    synthesize(t, &limits(), &CancelFlag::new())
}

/// The `n` best programs for `t`, searched with the generous `limits`.
fn solve_ranked(t: &SynthTask, n: usize) -> Result<Vec<Solution>, SynthFailure> {
    synthesize_ranked(t, &limits(), &CancelFlag::new(), n)
}

/// A hash-like mapping no small expression reproduces.
fn scramble() -> SynthTask {
    task(
        "scramble",
        &[("n", "int")],
        "int",
        "",
        &[
            ("scramble(1)", "7342"),
            ("scramble(2)", "-991"),
            ("scramble(3)", "12"),
        ],
    )
}

/// The code of the program found for `t`, whose expression must be `expected`.
fn found(t: &SynthTask, expected: &str) -> String {
    let sol = solve(t).map_err(|e| e.to_string());
    assert_eq!(sol.as_ref().map(|s| s.expression.as_str()), Ok(expected));
    sol.map(|s| s.code).unwrap_or_default()
}

fn expression(t: &SynthTask) -> String {
    match solve(t) {
        Ok(s) => s.expression,
        Err(e) => format!("failed: {e}"),
    }
}

/// Checks a program in real Python on pairs it was not synthesized from.
fn passes_in_python(code: &str, tests: &[(&str, &str)]) -> Option<String> {
    let pairs = tests
        .iter()
        .map(|(c, e)| Pair {
            call: c.to_string(),
            expected: e.to_string(),
        })
        .collect();
    match check_in_python("python3", &[(code.to_string(), pairs)]) {
        Ok(mut v) => v.pop().flatten(),
        Err(e) => Some(e.to_string()),
    }
}

#[test]
fn string_holes() {
    let t = task(
        "shout",
        &[("s", "str")],
        "str",
        "Upper-case the text and add an exclamation mark.",
        &[("shout('hi')", "'HI!'"), ("shout('go team')", "'GO TEAM!'")],
    );
    assert_eq!(expression(&t), "(s + '!').upper()");
    let t = task(
        "domain",
        &[("email", "str")],
        "str",
        "The part of the address after the @.",
        &[
            ("domain('ann@example.com')", "'example.com'"),
            ("domain('bob@mail.org')", "'mail.org'"),
        ],
    );
    assert_eq!(expression(&t), "email.split('@')[1]");
}

#[test]
fn list_holes_with_comprehensions() {
    let t = task(
        "odds",
        &[("xs", "list[int]")],
        "list[int]",
        "Keep the odd numbers.",
        &[
            ("odds([1, 2, 3, 4])", "[1, 3]"),
            ("odds([8, 7, 10])", "[7]"),
            ("odds([5, 6, 9])", "[5, 9]"),
        ],
    );
    let code = found(&t, "[x for x in xs if x % 2 == 1]");
    assert_eq!(
        code,
        "def odds(xs: list[int]) -> list[int]:\n    return [x for x in xs if x % 2 == 1]\n"
    );
    assert_eq!(
        passes_in_python(&code, &[("odds([])", "[]"), ("odds([-3, -2])", "[-3]")]),
        None
    );

    let t = task(
        "total_len",
        &[("words", "list[str]")],
        "int",
        "Total length of the words.",
        &[
            ("total_len(['ab', 'c'])", "3"),
            ("total_len(['hello'])", "5"),
        ],
    );
    assert_eq!(expression(&t), "sum(len(w) for w in words)");
}

#[test]
fn arithmetic_mirrors_python() {
    // Floor division of negatives rounds down in Python, not toward zero.
    let t = task(
        "half",
        &[("n", "int")],
        "int",
        "Half of n, rounded down.",
        &[("half(7)", "3"), ("half(-7)", "-4"), ("half(10)", "5")],
    );
    let code = found(&t, "n // 2");
    assert_eq!(
        passes_in_python(&code, &[("half(-1)", "-1"), ("half(0)", "0")]),
        None
    );
}

#[test]
fn ranked_solutions_are_distinct_and_all_reproduce_the_examples() {
    let t = task(
        "biggest",
        &[("xs", "list[int]")],
        "int",
        "The largest number.",
        &[("biggest([3, 9, 2])", "9"), ("biggest([-4, -1])", "-1")],
    );
    let sols = solve_ranked(&t, 4).map_err(|e| e.to_string());
    let exprs: Vec<String> = sols
        .iter()
        .flatten()
        .map(|s| s.expression.clone())
        .collect();
    assert_eq!(exprs.first().map(String::as_str), Some("max(xs)"));
    assert_eq!(exprs.len(), 4);
    let mut dedup = exprs.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 4, "distinct: {exprs:?}");
    for s in sols.iter().flatten() {
        assert_eq!(
            passes_in_python(
                &s.code,
                &[("biggest([3, 9, 2])", "9"), ("biggest([-4, -1])", "-1")]
            ),
            None,
            "{}",
            s.code
        );
    }
}

#[test]
fn output_is_deterministic() {
    let t = task(
        "initial",
        &[("s", "str")],
        "str",
        "First letter, upper-case.",
        &[("initial('ada')", "'A'"), ("initial('bob')", "'B'")],
    );
    let a = solve_ranked(&t, 3).map(|v| v.into_iter().map(|s| s.code).collect::<Vec<_>>());
    let b = solve_ranked(&t, 3).map(|v| v.into_iter().map(|s| s.code).collect::<Vec<_>>());
    assert_eq!(a, b);
}

#[test]
fn declines_with_reasons() {
    let t = task("f", &[("xs", "list[int]")], "int", "", &[]);
    assert_eq!(
        solve(&t).map_err(|e| e.to_string()),
        Err("`f` has no examples; the synthesizer needs at least one".to_string())
    );
    let t = task(
        "f",
        &[("g", "np.ndarray")],
        "int",
        "",
        &[("f(np.array([1, 2]))", "2")],
    );
    assert_eq!(
        solve(&t).map_err(|e| e.to_string()),
        Err("example 1 `f(np.array([1, 2]))`: column 3: `np.array(...)` is not a literal; only Python literals are supported".to_string())
    );
    let t = task("f", &[("x", "int")], "int", "", &[("f(1)", "[1, 'a'")]);
    assert!(matches!(
        solve(&t),
        Err(SynthFailure::BadExample { index: 1, .. })
    ));
}

#[test]
fn exhausted_search_says_how_much_it_tried() {
    let t = scramble();
    let small = SynthLimits {
        time_budget: Duration::from_millis(300),
        max_size: 4,
        ..SynthLimits::default()
    };
    match synthesize(&t, &small, &CancelFlag::new()) {
        Err(SynthFailure::Exhausted {
            candidates, level, ..
        }) => {
            assert!(candidates > 0);
            assert!(level <= 4);
        }
        other => panic!("expected exhaustion, got {other:?}"),
    }
}

#[test]
fn cancellation_stops_the_search() {
    let t = scramble();
    let cancel = CancelFlag::new();
    cancel.cancel();
    match synthesize(&t, &limits(), &cancel) {
        Err(SynthFailure::Cancelled { .. }) => {}
        other => panic!("expected cancellation, got {other:?}"),
    }
}
