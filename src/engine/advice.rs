//! What to do next when a hole cannot be filled: the reasons `compile` records for a hole
//! the offline synthesizer gave up on, and the ways forward the CLI prints after a compile
//! that left holes empty. Every route named here is one a user can take as written: an
//! inline hole has no docstring, so it is never told to add a doctest; more time is offered
//! only when the time budget is what stopped the search.
//!
//! `compile::try_synthesizer` calls [`no_examples`] and [`synth_gave_up`]; `cli::compile`
//! calls [`offline_routes`] with the holes left empty.

use std::time::Duration;

use crate::sketch::{Hole, HoleKind};
use crate::synth::SynthFailure;

/// The flag that gives the synthesizer more time; a failure reason holding it is one the
/// time budget ended.
pub const MORE_TIME: &str = "--synth-budget SECS";

/// Why the synthesizer could not start on `hole`, and how to give it examples.
pub fn no_examples(hole: &Hole) -> String {
    let id = &hole.id;
    match hole.kind {
        HoleKind::Named => format!(
            "no examples, which the offline synthesizer needs: add a doctest to the docstring of `{id}` (`>>> {id}(...)`, then the value on the next line), `example add {id} {id}(...) => VALUE` in the REPL or UI, or \"function\": \"{id}\" in an --examples file"
        ),
        HoleKind::InlineString | HoleKind::InlineBacktick => format!(
            "no examples, which the offline synthesizer needs (an inline hole has no docstring for doctests): `example add {id} {id}(...) => VALUE` in the REPL or UI, or \"function\": \"{id}\" in an --examples file"
        ),
    }
}

/// The synthesizer's failure on `hole`, with the routes that may still work.
pub fn synth_gave_up(hole: &Hole, failure: &SynthFailure, budget: Duration) -> String {
    let id = &hole.id;
    match failure {
        SynthFailure::Exhausted {
            timed_out: true, ..
        } => format!(
            "offline synthesizer: {failure}; give it longer than {} s with {MORE_TIME}, add examples, or `decompose {id}` into smaller holes",
            seconds(budget)
        ),
        SynthFailure::Exhausted { .. } => format!(
            "offline synthesizer: {failure}; no program that small fits the examples: `decompose {id}` into smaller holes, or use a model"
        ),
        _ => format!("offline synthesizer: {failure}"),
    }
}

/// The lines to print after an offline compile left `unfilled` holes empty: each way
/// forward, with commands for `sketch` (the path as the user gave it). `timed_out` is the
/// synthesizer's budget when that budget stopped the search on any of them.
pub fn offline_routes(sketch: &str, unfilled: &[&str], timed_out: Option<Duration>) -> Vec<String> {
    let (count, example) = match unfilled {
        [one] => ("1 hole".to_string(), *one),
        many => (
            format!("{} holes", many.len()),
            many.first().copied().unwrap_or("HOLE"),
        ),
    };
    let sketch = shell_word(sketch);
    let mut lines = vec![
        format!("The offline synthesizer could not fill {count} ({}). Ways forward:", unfilled.join(", ")),
        format!(
            "  more examples: for any hole, `example add {example} {example}(...) => VALUE` in `anpl repl {sketch}` (or `a` in `anpl {sketch}`), or {{\"function\": \"{example}\", \"inputs\": [...], \"output\": ...}} in a file passed with --examples (docs/examples-file.md); a named hole also takes doctests in its docstring"
        ),
    ];
    if let Some(budget) = timed_out {
        let more = (budget.as_secs_f64() * 5.0).max(10.0).ceil();
        lines.push(format!(
            "  more time: anpl compile {sketch} --synth-budget {more}   (seconds per hole; this run gave each {} s)",
            seconds(budget)
        ));
    }
    lines.push(format!(
        "  smaller holes: `decompose {example}` in `anpl repl {sketch}` replaces a hole by a body that calls simpler holes"
    ));
    lines.push(
        "  a model: --model openai:gpt-4o-mini with OPENAI_API_KEY set, --model ollama:qwen2.5-coder:7b, or model = \"…\" in anpl.toml (see `anpl models` and docs/models.md)"
            .to_string(),
    );
    lines
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

/// A path quoted for a POSIX shell when it needs it, so printed commands can be pasted.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./+,:@%=".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::parse_source;

    fn holes() -> Vec<Hole> {
        let src = "def double(x: int) -> int:\n    \"\"\"Twice x.\"\"\"\n\ndef main(xs):\n    return \"sort them\"([double(x) for x in xs])\n";
        match parse_source("s.py", src, &Default::default()) {
            Ok(s) => s.holes,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn inline_holes_are_never_told_to_add_a_doctest() {
        let hs = holes();
        let named = hs.iter().find(|h| h.kind == HoleKind::Named);
        let inline = hs.iter().find(|h| h.kind != HoleKind::Named);
        let (Some(named), Some(inline)) = (named, inline) else {
            panic!("expected a named and an inline hole: {hs:?}")
        };
        assert!(no_examples(named).contains("add a doctest to the docstring of `double`"));
        let text = no_examples(inline);
        assert!(!text.contains("add a doctest"), "{text}");
        assert!(
            text.contains("`example add sort_them sort_them(...) => VALUE`"),
            "{text}"
        );
        assert!(text.contains("\"function\": \"sort_them\""), "{text}");
    }

    #[test]
    fn more_time_is_offered_only_when_time_ran_out() {
        let hs = holes();
        let exhausted = |timed_out| SynthFailure::Exhausted {
            candidates: 10,
            seconds: 2.0,
            level: 5,
            bank_full: false,
            timed_out,
        };
        let budget = Duration::from_secs(2);
        let slow = synth_gave_up(&hs[0], &exhausted(true), budget);
        assert!(
            slow.contains(MORE_TIME) && slow.contains("longer than 2 s"),
            "{slow}"
        );
        let done = synth_gave_up(&hs[0], &exhausted(false), budget);
        assert!(!done.contains(MORE_TIME), "{done}");
        assert!(done.contains("decompose double"), "{done}");
        let routes = offline_routes("my dir/s.py", &["double"], None).join("\n");
        assert!(!routes.contains("--synth-budget"), "{routes}");
        assert!(routes.contains("`anpl repl 'my dir/s.py'`"), "{routes}");
        let routes = offline_routes("s.py", &["a", "b"], Some(budget)).join("\n");
        let want =
            "anpl compile s.py --synth-budget 10   (seconds per hole; this run gave each 2 s)";
        assert!(routes.contains(want), "{routes}");
        assert!(routes.contains("could not fill 2 holes (a, b)"), "{routes}");
        let routes = offline_routes("s.py", &["a"], Some(Duration::from_secs(10))).join("\n");
        assert!(routes.contains("--synth-budget 50 "), "{routes}");
    }
}
