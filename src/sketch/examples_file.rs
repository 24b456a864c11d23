//! `--examples FILE`: input/output examples in JSON (DESIGN.md §2, docs/examples-file.md),
//! turned into [`Example`]s whose call and expected value are Python source, converted
//! along the parameters' and return annotations (`values`). Three shapes are read:
//! `{"examples": [...]}` naming the function and its inputs, a single `{"input", "output"}`
//! pair, and an ARC task `{"train", "test"}`; the last two are examples of the entry's single
//! parameter.
//!
//! The file is checked against the sketch before anything runs: unknown keys (with the key
//! that was probably meant), wrong shapes, unknown functions and parameter names are all
//! reported at once, each as `FILE:line:col` of the examples file (`json_spans` keeps the
//! positions). The engine loads it when it opens a sketch; `anpl check --examples` only
//! validates it.

use std::path::Path;

use super::error::{Diagnostic, SketchError};
use super::examples_call::{build_call, Inputs, Signature};
use super::json_spans::{self, Kind, Node};
use super::model::{Example, HoleKind, Sketch};
use super::values::Conversion;

/// Keys of a listed example, and what people write instead of them.
const EXAMPLE_KEYS: &[&str] = &["function", "inputs", "output"];
/// Keys of an input/output pair (a whole file, or one pair of an ARC task).
const PAIR_KEYS: &[&str] = &["input", "output"];
const SYNONYMS: &[(&str, &str)] = &[
    ("fn", "function"),
    ("func", "function"),
    ("name", "function"),
    ("hole", "function"),
    ("method", "function"),
    ("target", "function"),
    ("entry", "function"),
    ("args", "inputs"),
    ("arguments", "inputs"),
    ("params", "inputs"),
    ("parameters", "inputs"),
    ("kwargs", "inputs"),
    ("call", "inputs"),
    ("args", "input"),
    ("inputs", "input"),
    ("expected", "output"),
    ("expect", "output"),
    ("expected_output", "output"),
    ("result", "output"),
    ("returns", "output"),
    ("return", "output"),
    ("answer", "output"),
    ("want", "output"),
    ("outputs", "output"),
    ("example", "examples"),
    ("cases", "examples"),
    ("tests", "test"),
    ("training", "train"),
];

/// Load an examples file for `sketch`. Each example comes with the name of the function or
/// hole it belongs to, in file order.
pub fn load_examples_file(
    path: &Path,
    sketch: &Sketch,
) -> Result<Vec<(String, Example)>, SketchError> {
    let text = std::fs::read_to_string(path).map_err(|error| SketchError::ExamplesIo {
        path: path.to_path_buf(),
        error,
    })?;
    let file = path.display().to_string();
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let (line, col) = (e.line().max(1), e.column().max(1));
        let message = e.to_string();
        // serde_json ends its message with the position we already print in front.
        let message = match message.rfind(" at line ") {
            Some(i) => &message[..i],
            None => &message,
        };
        return Err(SketchError::Invalid(vec![Diagnostic {
            file,
            line,
            col,
            message: format!("not valid JSON: {message}"),
            source_line: text.lines().nth(line - 1).unwrap_or("").to_string(),
        }]));
    }
    let Some(root) = json_spans::parse(text) else {
        return Err(SketchError::Invalid(vec![Diagnostic {
            file,
            line: 1,
            col: 1,
            message: "not valid JSON".into(),
            source_line: String::new(),
        }]));
    };
    let mut loader = Loader {
        file,
        text,
        sketch,
        problems: Vec::new(),
        out: Vec::new(),
    };
    loader.file_shape(&root);
    loader.problems.sort_by_key(|d| (d.line, d.col));
    if loader.problems.is_empty() {
        Ok(loader.out)
    } else {
        Err(SketchError::Invalid(loader.problems))
    }
}

struct Loader<'a> {
    file: String,
    text: &'a str,
    sketch: &'a Sketch,
    problems: Vec<Diagnostic>,
    out: Vec<(String, Example)>,
}

impl Loader<'_> {
    fn problem(&mut self, at: usize, message: String) {
        let (line, col, source_line) = json_spans::position(self.text, at);
        self.problems.push(Diagnostic {
            file: self.file.clone(),
            line,
            col,
            message,
            source_line: source_line.to_string(),
        });
    }

    /// Which of the three shapes the file has, and read it.
    fn file_shape(&mut self, root: &Node) {
        let Some(members) = root.members() else {
            let hint = if matches!(root.kind, Kind::Array(_)) {
                ": to give a list of examples, wrap it as {\"examples\": [...]}"
            } else {
                ""
            };
            self.problem(root.at, format!("{}, not {}{hint}", SHAPES, root.what()));
            return;
        };
        let has = |k: &str| members.iter().any(|m| m.key == k);
        if has("examples") {
            self.keys(root, &["examples"], "a file with `examples`");
            self.listed(root.get("examples"));
        } else if has("train") || has("test") {
            self.keys(root, &["train", "test"], "an ARC task");
            for part in ["train", "test"] {
                if let Some(pairs) = root.get(part) {
                    self.arc_part(part, pairs);
                }
            }
        } else if has("input") || has("output") {
            let misspelt = self.keys(root, PAIR_KEYS, "an input/output pair");
            self.pair(root, "the pair", true, &misspelt);
        } else {
            let all = ["examples", "train", "test", "input", "output"];
            let mut near = false;
            for m in members {
                if let Some(s) = suggest_key(&m.key, &all) {
                    near = true;
                    self.problem(
                        m.key_at,
                        format!("unknown key `{}` (did you mean `{s}`?); {SHAPES}", m.key),
                    );
                }
            }
            if !near {
                self.problem(root.at, SHAPES.to_string());
            }
        }
    }

    /// Report duplicate keys, and keys not in `allowed` with the one probably meant.
    /// Returns the keys suggested, so their absence is not reported again.
    fn keys<'k>(&mut self, object: &Node, allowed: &[&'k str], what: &str) -> Vec<&'k str> {
        let mut suggested = Vec::new();
        let Some(members) = object.members() else {
            return suggested;
        };
        for (i, m) in members.iter().enumerate() {
            if members[..i].iter().any(|earlier| earlier.key == m.key) {
                self.problem(m.key_at, format!("`{}` is given twice in {what}", m.key));
            } else if let Some(shape) = other_shape(&m.key, allowed) {
                self.problem(
                    m.key_at,
                    format!(
                        "`{}` belongs to {shape} and does not go with {what}: a file holds one of the shapes",
                        m.key
                    ),
                );
            } else if !allowed.contains(&m.key.as_str()) {
                let hint = match suggest_key(&m.key, allowed) {
                    Some(s) => {
                        suggested.push(s);
                        format!(" (did you mean `{s}`?)")
                    }
                    None => String::new(),
                };
                let known: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
                self.problem(
                    m.key_at,
                    format!(
                        "unknown key `{}` in {what}{hint}; it takes {}",
                        m.key,
                        list(&known)
                    ),
                );
            }
        }
        suggested
    }

    fn listed(&mut self, list: Option<&Node>) {
        let Some(list) = list else { return };
        let Kind::Array(items) = &list.kind else {
            self.problem(
                list.at,
                format!(
                    "`examples` must be a list of {{\"function\", \"inputs\", \"output\"}} objects, not {}",
                    list.what()
                ),
            );
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let what = format!("examples[{i}]");
            if item.members().is_none() {
                self.problem(
                    item.at,
                    format!(
                        "{what} must be an object {{\"function\", \"inputs\", \"output\"}}, not {}",
                        item.what()
                    ),
                );
                continue;
            }
            let misspelt = self.keys(item, EXAMPLE_KEYS, &what);
            self.listed_example(item, &what, &misspelt);
        }
    }

    /// One `{"function", "inputs", "output"}` object. Keys in `misspelt` were reported as
    /// misspelt already, so their absence is not reported again.
    fn listed_example(&mut self, item: &Node, what: &str, misspelt: &[&str]) {
        let function = match item.get("function") {
            None => Some(self.sketch.entry.clone()),
            Some(Node {
                kind: Kind::Scalar(serde_json::Value::String(name)),
                at,
            }) => self.function(name, *at),
            Some(other) => {
                self.problem(
                    other.at,
                    format!(
                        "`function` must be a string naming a function or hole of {}, not {}",
                        self.sketch.file,
                        other.what()
                    ),
                );
                None
            }
        };
        let output = item.get("output");
        if output.is_none() && !misspelt.contains(&"output") {
            self.problem(
                item.at,
                format!("{what} has no `output`: the value the call must return"),
            );
        }
        // A misspelt `function` leaves the entry as the default, which was not meant.
        let Some(function) = function.filter(|_| !misspelt.contains(&"function")) else {
            return;
        };
        let Some(params) = self.sketch.params_of(&function) else {
            return;
        };
        let signature = Signature::new(
            &function,
            params,
            Conversion::for_prelude(&self.sketch.prelude),
        );
        let inputs = match item.get("inputs") {
            None if misspelt.contains(&"inputs") => return,
            None => Inputs::None(item.at),
            Some(
                n @ Node {
                    kind: Kind::Array(values),
                    ..
                },
            ) => Inputs::Positional(n.at, values),
            Some(
                n @ Node {
                    kind: Kind::Object(members),
                    ..
                },
            ) => Inputs::Named(n.at, members),
            Some(other) => {
                let one = signature.sole_name().map_or(String::new(), |p| {
                    format!("; for one parameter write [VALUE] or {{\"{p}\": VALUE}}")
                });
                self.problem(
                    other.at,
                    format!(
                        "`inputs` must be a list (by position) or an object (by parameter name), not {}{one}",
                        other.what()
                    ),
                );
                return;
            }
        };
        let call = build_call(&signature, &inputs);
        let errors = call.as_ref().err().cloned().unwrap_or_default();
        for (at, message) in errors {
            self.problem(at, message);
        }
        if let (Ok(args), Some(output)) = (call, output) {
            self.push(&function, args, signature.take_notes(), output);
        }
    }

    /// The function or hole `name` names, or a problem at `at` saying what exists.
    fn function(&mut self, name: &str, at: usize) -> Option<String> {
        if self.sketch.params_of(name).is_some() {
            return Some(name.to_string());
        }
        let names: Vec<&str> = self
            .sketch
            .holes
            .iter()
            .map(|h| h.id.as_str())
            .chain(self.sketch.functions.iter().map(|f| f.name.as_str()))
            .collect();
        // An inline hole is named by its identifier, not its description.
        let by_description = self
            .sketch
            .holes
            .iter()
            .find(|h| h.kind != HoleKind::Named && h.description.trim() == name.trim());
        let hint = match by_description {
            Some(h) => format!(
                ": an inline hole is named by its identifier; did you mean `{}`?",
                h.id
            ),
            None => match crate::suggest::closest(name, names.iter().copied()) {
                Some(s) => format!(" (did you mean `{s}`?)"),
                None => {
                    let all: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                    format!("; it has {}", list(&all))
                }
            },
        };
        self.problem(
            at,
            format!(
                "{} has no function or hole named `{name}`{hint}",
                self.sketch.file
            ),
        );
        None
    }

    fn arc_part(&mut self, part: &str, pairs: &Node) {
        let Kind::Array(items) = &pairs.kind else {
            self.problem(
                pairs.at,
                format!(
                    "`{part}` must be a list of {{\"input\", \"output\"}} pairs, not {}",
                    pairs.what()
                ),
            );
            return;
        };
        for (i, pair) in items.iter().enumerate() {
            let what = format!("{part}[{i}]");
            if pair.members().is_none() {
                self.problem(
                    pair.at,
                    format!(
                        "{what} must be an object {{\"input\", \"output\"}}, not {}",
                        pair.what()
                    ),
                );
                continue;
            }
            let misspelt = self.keys(pair, PAIR_KEYS, &what);
            // ARC test pairs without an output cannot check anything; they are skipped.
            let needs_output = part == "train" || pair.get("output").is_some();
            if needs_output || pair.get("input").is_none() {
                self.pair(pair, &what, needs_output, &misspelt);
            }
        }
    }

    /// An `{"input", "output"}` pair: an example of the entry's single parameter.
    fn pair(&mut self, pair: &Node, what: &str, needs_output: bool, misspelt: &[&str]) {
        let entry = self.sketch.entry.clone();
        let params = self.sketch.params_of(&entry).unwrap_or(&[]);
        let signature = Signature::new(
            &entry,
            params,
            Conversion::for_prelude(&self.sketch.prelude),
        );
        let input = pair.get("input");
        let output = pair.get("output");
        if input.is_none() && !misspelt.contains(&"input") {
            self.problem(pair.at, format!("{what} has no `input`"));
        }
        if output.is_none() && needs_output && !misspelt.contains(&"output") {
            self.problem(
                pair.at,
                format!("{what} has no `output`: the value `{entry}` must return"),
            );
        }
        let (Some(input), Some(output)) = (input, output) else {
            return;
        };
        match signature.single_input(input) {
            Ok(args) => {
                let notes = signature.take_notes();
                self.push(&entry, args, notes, output)
            }
            Err(message) => {
                // One report for the whole file is enough: every pair would repeat it.
                if !self.problems.iter().any(|d| d.message == message) {
                    self.problem(input.at, message);
                }
            }
        }
    }

    fn push(&mut self, function: &str, args: Vec<String>, notes: Vec<String>, output: &Node) {
        let conversion = Conversion::for_prelude(&self.sketch.prelude);
        let expected = conversion.output(&output.to_value(), self.sketch.returns_of(function));
        self.out.push((
            function.to_string(),
            Example {
                call: format!("{function}({})", args.join(", ")),
                expected,
                line: 0,
                from_json: true,
                note: (!notes.is_empty()).then(|| notes.join("; ")),
            },
        ));
    }
}

const SHAPES: &str = "expected one of {\"examples\": [{\"function\", \"inputs\", \"output\"}, ...]}, {\"input\": ..., \"output\": ...} or an ARC task {\"train\": [...], \"test\": [...]} (docs/examples-file.md)";

/// For a top-level key of one shape found in another (`train` beside `examples`), the
/// shape it belongs to.
fn other_shape(key: &str, allowed: &[&str]) -> Option<&'static str> {
    if !allowed.contains(&"examples") && !allowed.contains(&"train") {
        return None;
    }
    match key {
        "examples" if !allowed.contains(&"examples") => Some("a list of examples"),
        "train" | "test" if !allowed.contains(&"train") => Some("an ARC task"),
        "input" | "output" => Some("an input/output pair"),
        _ => None,
    }
}

/// The allowed key a user probably meant by `key`: a common other name for it, or a near
/// spelling.
fn suggest_key<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_lowercase();
    SYNONYMS
        .iter()
        .filter(|(from, _)| *from == lower)
        .find_map(|(_, to)| allowed.iter().find(|a| *a == to).copied())
        .or_else(|| crate::suggest::closest(key, allowed.iter().copied()))
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn list(items: &[String]) -> String {
    match items {
        [] => "nothing".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::{parse_source, ParseOptions};
    use pretty_assertions::assert_eq;

    const SKETCH: &str = "import numpy as np\n\ndef main(grid: np.ndarray, colour: int = 2) -> np.ndarray:\n    \"\"\"Recolour.\"\"\"\n    return \"paint it\"(grid, colour)\n\ndef pairs(points: list[tuple[int, int]], *, unique: bool = False) -> set[tuple[int, int]]:\n    \"\"\"The points as a set.\"\"\"\n\ndef by_len(words) -> dict[int, list[str]]:\n    \"\"\"Words by length.\"\"\"\n";

    fn load(json: &str) -> Result<Vec<(String, String, String)>, Vec<String>> {
        let sketch = match parse_source("prog.py", SKETCH, &ParseOptions::default()) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        let path = dir.path().join("prog.json");
        if let Err(e) = std::fs::write(&path, json) {
            panic!("{e}");
        }
        match load_examples_file(&path, &sketch) {
            Ok(list) => Ok(list
                .into_iter()
                .map(|(f, e)| (f, e.call, e.expected))
                .collect()),
            Err(SketchError::Invalid(d)) => Err(d
                .into_iter()
                .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
                .collect()),
            Err(e) => panic!("{e}"),
        }
    }

    fn ex(f: &str, call: &str, expected: &str) -> (String, String, String) {
        (f.into(), call.into(), expected.into())
    }

    // The worked examples of docs/examples-file.md.
    #[test]
    fn documented_conversions_hold() {
        let json = r#"{"examples": [
            {"inputs": [[[0, 1]]], "output": [[0, 2]]},
            {"inputs": {"grid": [[3]], "colour": 4}, "output": [[4]]},
            {"function": "pairs", "inputs": {"points": [[1, 2]], "unique": true}, "output": [[1, 2]]},
            {"function": "by_len", "inputs": [["ab", "c"]], "output": {"1": ["c"], "2": ["ab"]}},
            {"function": "paint_it", "inputs": [[[1]], 3], "output": null}
        ]}"#;
        assert_eq!(
            load(json),
            Ok(vec![
                ex("main", "main(np.array([[0, 1]]))", "np.array([[0, 2]])"),
                ex("main", "main(np.array([[3]]), 4)", "np.array([[4]])"),
                ex("pairs", "pairs([(1, 2)], unique=True)", "{(1, 2)}"),
                ex("by_len", "by_len(['ab', 'c'])", "{1: ['c'], 2: ['ab']}"),
                ex("paint_it", "paint_it(np.array([[1]]), 3)", "None"),
            ])
        );
    }

    #[test]
    fn pairs_and_arc_tasks_are_examples_of_the_entry() {
        assert_eq!(
            load(r#"{"input": [[1]], "output": [[2]]}"#),
            Ok(vec![ex("main", "main(np.array([[1]]))", "np.array([[2]])")])
        );
        let task = r#"{"train": [{"input": [[1]], "output": [[2]]}],
                       "test": [{"input": [[3]], "output": [[2]]}, {"input": [[5]]}]}"#;
        assert_eq!(
            load(task),
            Ok(vec![
                ex("main", "main(np.array([[1]]))", "np.array([[2]])"),
                ex("main", "main(np.array([[3]]))", "np.array([[2]])"),
            ])
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_place_in_the_file() {
        let json = "{\"examples\": [\n  {\"function\": \"main\", \"input\": [[[1]]]},\n  {\"fn\": \"pairs\", \"outputs\": []},\n  {\"function\": \"paint it\", \"output\": 1},\n  {\"function\": \"mian\", \"output\": 1},\n  {\"inputs\": {\"grd\": [[1]]}, \"output\": 1, \"output\": 2}\n]}";
        assert_eq!(
            load(json),
            Err(vec![
                "2:3: examples[0] has no `output`: the value the call must return".to_string(),
                "2:24: unknown key `input` in examples[0] (did you mean `inputs`?); it takes `function`, `inputs` and `output`".to_string(),
                "3:4: unknown key `fn` in examples[1] (did you mean `function`?); it takes `function`, `inputs` and `output`".to_string(),
                "3:19: unknown key `outputs` in examples[1] (did you mean `output`?); it takes `function`, `inputs` and `output`".to_string(),
                "4:16: prog.py has no function or hole named `paint it`: an inline hole is named by its identifier; did you mean `paint_it`?".to_string(),
                "5:16: prog.py has no function or hole named `mian` (did you mean `main`?)".to_string(),
                "6:15: `main` has no parameter `grd` (did you mean `grid`?); it takes `grid` and `colour`".to_string(),
                "6:43: `output` is given twice in examples[4]".to_string(),
            ])
        );
    }

    #[test]
    fn wrong_shapes_say_which_shapes_there_are() {
        let errors = load("[{\"inputs\": [1]}]").err().unwrap_or_default();
        assert!(
            errors[0].starts_with("1:1: expected one of {\"examples\""),
            "{errors:?}"
        );
        assert!(
            errors[0].ends_with("wrap it as {\"examples\": [...]}"),
            "{errors:?}"
        );
        let errors = load("{\"exmaples\": []}").err().unwrap_or_default();
        assert!(
            errors[0].starts_with("1:2: unknown key `exmaples` (did you mean `examples`?)"),
            "{errors:?}"
        );
        let errors = load("{\"examples\": [], \"train\": []}")
            .err()
            .unwrap_or_default();
        assert!(
            errors[0].contains("`train` belongs to an ARC task"),
            "{errors:?}"
        );
        let errors = load("{\"examples\": [1, 2}").err().unwrap_or_default();
        assert!(
            errors[0].starts_with("1:19: not valid JSON: expected"),
            "{errors:?}"
        );
    }
}
