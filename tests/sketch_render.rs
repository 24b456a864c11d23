//! Rendering sketches into programs that real `python3` runs: trivial and real hole
//! implementations, unimplemented holes, export with docstrings (checked by doctest), the
//! line map back to the sketch, and examples loaded from an ARC task file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anpl::sketch::{
    load_examples_file, parse_file, parse_source, render, HoleKind, ParseOptions, RenderError,
    RenderMode, Sketch,
};
use pretty_assertions::assert_eq;

fn example_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn example(name: &str) -> Sketch {
    match parse_file(&example_path(name), &ParseOptions::default()) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

/// Run `python3 -c script program_path` and return (success, stdout, stderr).
fn python(program: &str, script: &str) -> (bool, String, String) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let path = dir.path().join("program.py");
    if let Err(e) = std::fs::write(&path, program) {
        panic!("{e}");
    }
    let out = match Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("python3: {e}"),
    };
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const IMPORT: &str = "import runpy, sys\nns = runpy.run_path(sys.argv[1], run_name='sketch')\n";
const COMPILE: &str = "import sys\ncompile(open(sys.argv[1]).read(), sys.argv[1], 'exec')\n";

fn rendered(s: &Sketch, impls: &BTreeMap<String, String>, mode: RenderMode) -> String {
    match render(s, impls, mode) {
        Ok(r) => r.source,
        Err(e) => panic!("{e}"),
    }
}

/// A trivial implementation of every hole, with a helper and an import of its own.
fn trivial(s: &Sketch) -> BTreeMap<String, String> {
    s.holes
        .iter()
        .map(|h| {
            let params: Vec<String> = h.params.iter().map(|p| p.to_python()).collect();
            let kw = if h.is_async { "async def" } else { "def" };
            let text = format!(
                "import math\n\ndef _helper_{id}():\n    return math.floor(0.5)\n\n{kw} {id}({}):\n    return _helper_{id}()\n",
                params.join(", "),
                id = h.id
            );
            (h.id.clone(), text)
        })
        .collect()
}

#[test]
fn every_example_renders_to_valid_python() {
    let names = [
        "word_freq.py",
        "arc_recolor.py",
        "arc_decompose.py",
        "all_forms.py",
        "program_examples.py",
        "only_hole.py",
    ];
    for name in names {
        let s = example(name);
        // With trivial implementations the module imports and defines everything.
        let program = rendered(&s, &trivial(&s), RenderMode::Run);
        assert!(
            !program.contains('`'),
            "{name}: backtick left in\n{program}"
        );
        let (ok, _, err) = python(&program, IMPORT);
        assert!(ok, "{name}:\n{err}\n{program}");
        // Without any, it is still valid Python, and exported with all of them too.
        let bare = rendered(&s, &BTreeMap::new(), RenderMode::Run);
        let (ok, _, err) = python(&bare, COMPILE);
        assert!(ok, "{name}:\n{err}\n{bare}");
        let export = rendered(
            &s,
            &trivial(&s),
            RenderMode::Export {
                allow_partial: false,
            },
        );
        let (ok, _, err) = python(&export, IMPORT);
        assert!(ok, "{name} export:\n{err}\n{export}");
    }
}

fn word_freq_impls() -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    m.insert(
        "count_words".to_string(),
        "import re\n\ndef count_words(text: str) -> dict[str, int]:\n    counts = {}\n    for w in re.findall(r\"[a-z']+\", text.lower()):\n        counts[w] = counts.get(w, 0) + 1\n    return counts\n".to_string(),
    );
    m.insert(
        "the_k_most_frequent_words".to_string(),
        "def the_k_most_frequent_words(counts, arg2):\n    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:arg2]]\n".to_string(),
    );
    m.insert(
        "capitalize_each_word".to_string(),
        "def capitalize_each_word(top): return [w.capitalize() for w in top]".to_string(),
    );
    m
}

#[test]
fn real_implementations_run_and_the_user_bytes_are_kept() {
    let s = example("word_freq.py");
    let program = rendered(&s, &word_freq_impls(), RenderMode::Run);
    let (ok, out, err) = python(
        &program,
        &format!("{IMPORT}print(ns['main']('b a B c a b. C!'))\n"),
    );
    assert!(ok, "{err}\n{program}");
    assert_eq!(out.trim(), "['B', 'A', 'C']");
    // The sketch's own lines are all there, with only the hole strings swapped for names.
    assert!(program.starts_with("# A text task: the most frequent words of a text, capitalised.\n"));
    assert!(program.contains("    counts = count_words(text)\n    top = the_k_most_frequent_words(counts, 3)\n    return capitalize_each_word(top)\n"));
}

#[test]
fn unimplemented_holes_raise_when_called() {
    let s = example("word_freq.py");
    let program = rendered(&s, &BTreeMap::new(), RenderMode::Run);
    let (ok, out, err) = python(
        &program,
        &format!(
            "{IMPORT}\ntry:\n    ns['main']('a')\nexcept NotImplementedError as e:\n    print(e)\n"
        ),
    );
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "hole count_words is not implemented yet");
}

#[test]
fn line_map_points_back_to_sketch_lines() {
    let s = example("word_freq.py");
    let r = match render(&s, &word_freq_impls(), RenderMode::Run) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let lines: Vec<&str> = r.source.lines().collect();
    assert_eq!(lines.len(), r.line_map.len());
    let find = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or(usize::MAX)
    };
    assert_eq!(r.line_map[find("top = the_k_most")], Some(19));
    assert_eq!(
        r.line_map[find("return capitalize_each_word(top)")],
        Some(20)
    );
    assert_eq!(r.line_map[find("def main(text")], Some(17));
    assert_eq!(r.line_map[find("for w in re.findall")], None);
    assert_eq!(r.line_map[find("def capitalize_each_word")], None);
    assert_eq!(r.line_map[0], Some(1));
}

#[test]
fn export_keeps_descriptions_as_docstrings_and_doctests_pass() {
    let s = example("word_freq.py");
    let program = rendered(
        &s,
        &word_freq_impls(),
        RenderMode::Export {
            allow_partial: false,
        },
    );
    assert!(program.contains("    \"\"\"Count how often each word occurs, ignoring case and punctuation.\n\n    >>> count_words(\"A a, b!\")"), "{program}");
    assert!(program.contains("def the_k_most_frequent_words(counts, arg2):\n    \"\"\"the k most frequent words, ties broken alphabetically\"\"\"\n"), "{program}");
    assert!(
        program.contains(
            "def capitalize_each_word(top):\n    \"\"\"capitalize each word\"\"\"\n    return"
        ),
        "{program}"
    );
    let (ok, out, err) = python(
        &program,
        "import doctest, importlib.util, sys\nspec = importlib.util.spec_from_file_location('prog', sys.argv[1])\nm = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(m)\nprint(doctest.testmod(m))\n",
    );
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "TestResults(failed=0, attempted=2)");
}

#[test]
fn export_refuses_missing_holes_unless_partial() {
    let s = example("word_freq.py");
    let mut impls = word_freq_impls();
    impls.remove("count_words");
    assert_eq!(
        render(
            &s,
            &impls,
            RenderMode::Export {
                allow_partial: false
            }
        )
        .err(),
        Some(RenderError::Missing(vec!["count_words".into()]))
    );
    let partial = rendered(
        &s,
        &impls,
        RenderMode::Export {
            allow_partial: true,
        },
    );
    assert!(partial.contains("    \"\"\"\n    raise NotImplementedError(\"hole count_words is not implemented yet\")"), "{partial}");
}

#[test]
fn bad_implementations_are_refused() {
    let s = example("word_freq.py");
    let one = |id: &str, text: &str| {
        let mut m = BTreeMap::new();
        m.insert(id.to_string(), text.to_string());
        render(&s, &m, RenderMode::Run).err()
    };
    assert!(matches!(
        one("count_words", "def other(text):\n    return {}\n"),
        Some(RenderError::BadImplementation { message, .. }) if message.contains("does not define `def count_words(...)`")
    ));
    assert!(matches!(
        one("count_words", "def count_words(text:\n"),
        Some(RenderError::BadImplementation { message, .. }) if message.contains("not valid Python")
    ));
    assert_eq!(
        one("nope", "def nope(): pass"),
        Some(RenderError::UnknownHole("nope".into()))
    );
}

#[test]
fn nested_and_decorated_holes_take_their_place() {
    let src = "import functools\n\n@functools.lru_cache(maxsize=None)\ndef fib(n: int) -> int:\n    \"\"\"The n-th Fibonacci number.\"\"\"\n\ndef main(xs):\n    def inner(x):\n        \"\"\"Triple x.\"\"\"\n        ...\n    return [inner(x) + fib(x) for x in xs]\n";
    let s = match parse_source("n.py", src, &ParseOptions::default()) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let mut impls = BTreeMap::new();
    impls.insert(
        "fib".to_string(),
        "def _add(a, b):\n    return a + b\n\ndef fib(n: int) -> int:\n    return n if n < 2 else _add(fib(n - 1), fib(n - 2))\n".to_string(),
    );
    impls.insert(
        "inner".to_string(),
        "def inner(x):\n    y = x * 3\n    return y\n".to_string(),
    );
    let program = rendered(&s, &impls, RenderMode::Run);
    assert!(program.contains("def _add(a, b):\n    return a + b\n\n@functools.lru_cache(maxsize=None)\ndef fib(n: int) -> int:\n"), "{program}");
    assert!(
        program.contains("    def inner(x):\n        y = x * 3\n        return y\n    return"),
        "{program}"
    );
    let (ok, out, err) = python(
        &program,
        &format!("{IMPORT}print(ns['main']([1, 10]), ns['fib'].cache_info().hits > 0)\n"),
    );
    assert!(ok, "{err}\n{program}");
    assert_eq!(out.trim(), "[4, 85] True");
}

#[test]
fn crlf_sketch_renders_with_crlf_and_runs() {
    let plain = example("arc_recolor.py");
    let text = format!("\u{feff}{}", plain.source.replace('\n', "\r\n"));
    let s = match parse_source("crlf.py", &text, &ParseOptions::default()) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let program = rendered(&s, &trivial(&s), RenderMode::Run);
    assert!(
        !program.replace("\r\n", "").contains('\n'),
        "mixed line endings"
    );
    let (ok, _, err) = python(&program, IMPORT);
    assert!(ok, "{err}");
}

#[test]
fn arc_task_examples_check_a_real_program() {
    let s = example("arc_recolor.py");
    let examples = match load_examples_file(&example_path("arc_recolor.json"), &s) {
        Ok(e) => e,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(examples.len(), 3);
    assert_eq!(examples[0].0, "main");
    assert!(
        examples[0]
            .1
            .call
            .starts_with("main(np.array([[0, 1, 0, 0], "),
        "{}",
        examples[0].1.call
    );
    assert!(examples[0]
        .1
        .expected
        .starts_with("np.array([[0, 1, 0, 0], "));
    let mut impls = BTreeMap::new();
    let objects = s
        .holes
        .iter()
        .find(|h| h.kind == HoleKind::InlineString)
        .map(|h| h.id.clone())
        .unwrap_or_default();
    let largest = s
        .holes
        .iter()
        .find(|h| h.kind == HoleKind::InlineBacktick)
        .map(|h| h.id.clone())
        .unwrap_or_default();
    impls.insert(objects.clone(), format!(
        "def {objects}(input_grid):\n    seen, objs = set(), []\n    h, w = input_grid.shape\n    for r in range(h):\n        for c in range(w):\n            if input_grid[r, c] and (r, c) not in seen:\n                stack, obj = [(r, c)], []\n                seen.add((r, c))\n                while stack:\n                    y, x = stack.pop()\n                    obj.append((y, x))\n                    for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):\n                        ny, nx = y + dy, x + dx\n                        if 0 <= ny < h and 0 <= nx < w and input_grid[ny, nx] == input_grid[r, c] and (ny, nx) not in seen:\n                            seen.add((ny, nx))\n                            stack.append((ny, nx))\n                objs.append(obj)\n    return objs\n"
    ));
    impls.insert(
        largest.clone(),
        format!("def {largest}(objects):\n    return max(objects, key=len)\n"),
    );
    let program = rendered(&s, &impls, RenderMode::Run);
    let checks: Vec<String> = examples
        .iter()
        .map(|(_, e)| format!("print(bool(np.array_equal({}, {})))", e.call, e.expected))
        .collect();
    let script = format!("import runpy, sys\nns = runpy.run_path(sys.argv[1], run_name='sketch')\nglobals().update(ns)\n{}\n", checks.join("\n"));
    let (ok, out, err) = python(&program, &script);
    assert!(ok, "{err}\n{program}");
    assert_eq!(
        out.split_whitespace().collect::<Vec<_>>(),
        vec!["True", "True", "True"]
    );
}
