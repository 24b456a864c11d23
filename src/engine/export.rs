//! Export: the finished program as plain Python, and a pytest file of every example.
//!
//! The program is the user's sketch with each hole replaced by its implementation (under
//! the header the user wrote) and each inline hole turned into a named function whose
//! docstring is the description. The tests load the program from its path, so any file
//! name works (`my-prog.py`, `2024.py`), and judge results with the very functions the
//! checker runs (`values_equal` and the evaluation namespace, taken from the worker
//! harness at build time), so numpy-printed expected values (`array([1.5, 2.5])`) mean
//! what they mean in anpl and the tests pass under plain `pytest` exactly when anpl's
//! checks do. Before anything is written, every test is run through anpl's own checker:
//! an export whose tests would fail is refused unless the user allows it, and an export
//! over the sketch itself is always refused. CLI, REPL and TUI all export through
//! [`Engine::export_files`].

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::sketch::{self, Example, RenderMode};

use super::check::describe_failure;
use super::{Engine, EngineError};

/// The harness parts the exported tests borrow their equality and namespace from.
const VALUES_PY: &str = include_str!("../exec/harness/10_values.py");
const CHECK_PY: &str = include_str!("../exec/harness/30_check.py");
/// anpl's equality (docs/values.md), the same text the worker checks with.
const SAME: &str = include_str!("../exec/harness/15_equality.py");

/// The program and its tests, as text.
pub struct Exported {
    pub program: String,
    pub tests: String,
    pub example_count: usize,
}

/// Where and how to export.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// The program file.
    pub output: PathBuf,
    /// The pytest file (default `test_<program name>.py` beside the program).
    pub tests: Option<PathBuf>,
    /// Export with unfilled holes (they raise `NotImplementedError`).
    pub allow_partial: bool,
    /// Export even when some of the tests would fail.
    pub allow_failing: bool,
    /// Whose user reads the refusals (their advice names that front end's commands).
    pub front: super::FrontEnd,
}

/// A test that fails when anpl runs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailingTest {
    /// The pytest function, e.g. `test_shout_3`.
    pub test: String,
    /// The call, what was expected and what happened.
    pub failure: String,
}

/// What `export_files` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub program: PathBuf,
    pub tests: PathBuf,
    pub example_count: usize,
    /// Tests that fail (written anyway, with `allow_failing`).
    pub failing: Vec<FailingTest>,
    /// Holes exported unfilled because the sketch changed since they were filled.
    pub stale: Vec<String>,
}

impl ExportReport {
    /// `wrote PROGRAM and TESTS (N example(s))`.
    pub fn summary(&self) -> String {
        format!(
            "wrote {} and {} ({} example(s))",
            self.program.display(),
            self.tests.display(),
            self.example_count
        )
    }

    /// What the user should know about an export that went through: failing tests
    /// written anyway, holes exported unfilled.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.failing.is_empty() {
            let names: Vec<&str> = self.failing.iter().map(|f| f.test.as_str()).collect();
            out.push(format!(
                "{} of {} exported test(s) fail: {}",
                self.failing.len(),
                self.example_count,
                names.join(", ")
            ));
        }
        for hole in &self.stale {
            out.push(format!(
                "hole {hole} changed since it was filled and was exported unfilled"
            ));
        }
        out
    }
}

impl Engine {
    /// The program and a pytest file that loads it from `program_path` (relative to the
    /// tests file's folder, or absolute).
    pub fn export(&self, program_path: &str, allow_partial: bool) -> Result<Exported, EngineError> {
        self.export_for(program_path, allow_partial, super::FrontEnd::Cli)
    }

    /// As [`Engine::export`], refusing with advice in `front`'s words.
    pub fn export_for(
        &self,
        program_path: &str,
        allow_partial: bool,
        front: super::FrontEnd,
    ) -> Result<Exported, EngineError> {
        let impls = self.implementations();
        let missing: Vec<&str> = self
            .sketch
            .holes
            .iter()
            .filter(|h| !impls.contains_key(&h.id))
            .map(|h| h.id.as_str())
            .collect();
        if !missing.is_empty() && !allow_partial {
            return Err(EngineError::Other(format!(
                "cannot export: {} unfilled ({}); {}, or {} to export with those holes raising NotImplementedError",
                if missing.len() == 1 { "1 hole is" } else { "holes are" },
                missing.join(", "),
                front.compile(),
                front.export_flag("--allow-partial"),
            )));
        }
        let mode = RenderMode::Export { allow_partial };
        let program = sketch::render(&self.sketch, &impls, mode)
            .map_err(|e| EngineError::Render(e.to_string()))?
            .source;
        let tests = self.tests();
        let example_count = tests.len();
        Ok(Exported {
            program,
            tests: render_tests(program_path, &tests)?,
            example_count,
        })
    }

    /// Every example as a named test, in the order of the sketch: functions, then holes.
    fn tests(&self) -> Vec<(String, Example)> {
        let mut names: Vec<String> = self
            .sketch
            .functions
            .iter()
            .map(|f| f.name.clone())
            .collect();
        names.extend(self.sketch.holes.iter().map(|h| h.id.clone()));
        let mut out = Vec::new();
        let mut used: BTreeMap<String, usize> = BTreeMap::new();
        for name in names {
            for example in self.examples_for(&name) {
                let n = used.entry(name.clone()).or_default();
                *n += 1;
                out.push((format!("test_{name}_{n}"), example));
            }
        }
        out
    }

    /// Export to files: refuse to write over the sketch, render, run every test through
    /// the checker (refusing failing tests unless `allow_failing`), then write both files.
    pub async fn export_files(&self, options: &ExportOptions) -> Result<ExportReport, EngineError> {
        let paths = ExportPaths::resolve(&self.sketch_path, options)?;
        let exported = self.export_for(
            &paths.program_from_tests,
            options.allow_partial,
            options.front,
        )?;
        let failing = self.failing_tests().await?;
        if !failing.is_empty() && !options.allow_failing {
            let mut message = format!(
                "cannot export: {} of {} test(s) would fail, so the exported tests would not pass:\n",
                failing.len(),
                exported.example_count
            );
            for f in failing.iter().take(10) {
                let short: Vec<&str> = f.failure.lines().take(3).collect();
                message.push_str(&format!("  {}: {}\n", f.test, short.join("\n    ")));
            }
            if failing.len() > 10 {
                message.push_str(&format!("  … and {} more\n", failing.len() - 10));
            }
            message.push_str(&format!(
                "fix them first ({}), or {} to export them as they are",
                options.front.repair(),
                options.front.export_flag("--allow-failing"),
            ));
            return Err(EngineError::FailingTests(message));
        }
        write(&options.output, &exported.program, "the program")?;
        write(&paths.tests, &exported.tests, "the tests")?;
        Ok(ExportReport {
            program: options.output.clone(),
            tests: paths.tests,
            example_count: exported.example_count,
            failing,
            stale: self.stale_holes().to_vec(),
        })
    }

    /// Run every test the pytest file holds through the checker, as `anpl run` would.
    pub async fn failing_tests(&self) -> Result<Vec<FailingTest>, EngineError> {
        let tests = self.tests();
        if tests.is_empty() {
            return Ok(Vec::new());
        }
        let examples: Vec<Example> = tests.iter().map(|(_, e)| e.clone()).collect();
        let checker = self.checker().await?;
        let report = checker
            .check_examples(&self.implementations(), &examples, false)
            .await?;
        if let Some(fatal) = &report.fatal {
            return Ok(tests
                .iter()
                .map(|(name, _)| FailingTest {
                    test: name.clone(),
                    failure: fatal.clone(),
                })
                .collect());
        }
        Ok(tests
            .iter()
            .zip(&report.results)
            .filter(|(_, r)| !r.passed)
            .map(|((name, _), r)| FailingTest {
                test: name.clone(),
                failure: describe_failure(r),
            })
            .collect())
    }
}

fn write(path: &Path, text: &str, what: &str) -> Result<(), EngineError> {
    std::fs::write(path, text)
        .map_err(|e| EngineError::Other(format!("{}: cannot write {what}: {e}", path.display())))
}

/// The files an export writes, checked against the sketch.
struct ExportPaths {
    tests: PathBuf,
    /// The program's path as the tests file finds it: relative to the tests' folder.
    program_from_tests: String,
}

impl ExportPaths {
    fn resolve(sketch: &Path, options: &ExportOptions) -> Result<ExportPaths, EngineError> {
        let output = &options.output;
        if output.as_os_str().is_empty() || output.is_dir() {
            return Err(EngineError::Other(format!(
                "{}: the program's path must name a file, not a folder",
                output.display()
            )));
        }
        let tests = match &options.tests {
            Some(t) => t.clone(),
            None => output.with_file_name(format!(
                "test_{}.py",
                module_name(output).trim_start_matches('_')
            )),
        };
        let sketch_real = real_path(sketch)?;
        let output_real = real_path(output)?;
        let tests_real = real_path(&tests)?;
        let suggestion = suggested_output(sketch);
        for (path, real, what, flag) in [
            (output, &output_real, "the program", "-o "),
            (&tests, &tests_real, "the tests", "--tests test_"),
        ] {
            if *real == sketch_real {
                return Err(EngineError::Other(format!(
                    "{}: that is the sketch itself; writing {what} there would replace it. Choose another file (e.g. `{flag}{suggestion}`)",
                    path.display(),
                )));
            }
        }
        if output_real == tests_real {
            return Err(EngineError::Other(format!(
                "{}: the program and its tests need two different files",
                output.display()
            )));
        }
        let tests_dir = tests_real.parent().unwrap_or(Path::new("/"));
        let program_from_tests = relative(tests_dir, &output_real).display().to_string();
        Ok(ExportPaths {
            tests,
            program_from_tests,
        })
    }
}

/// `prog_done.py` for `prog.py`: a file name that is not the sketch's.
fn suggested_output(sketch: &Path) -> String {
    let stem = sketch
        .file_stem()
        .map_or("program".into(), |s| s.to_string_lossy().into_owned());
    format!("{stem}_done.py")
}

/// The absolute path a file is (or would be) at: its folder's canonical path and its name,
/// or the file's own canonical path when it exists (so a symlink to the sketch is seen).
fn real_path(path: &Path) -> Result<PathBuf, EngineError> {
    if let Ok(real) = path.canonicalize() {
        return Ok(real);
    }
    let name = path
        .file_name()
        .ok_or_else(|| EngineError::Other(format!("{}: not a file name", path.display())))?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = parent.canonicalize().map_err(|e| {
        EngineError::Other(format!(
            "{}: cannot use the folder {}: {e}",
            path.display(),
            parent.display()
        ))
    })?;
    Ok(dir.join(name))
}

/// `to` relative to the folder `from` (both absolute and canonical).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to_parts[common..] {
        out.push(part.as_os_str());
    }
    out
}

/// A Python identifier for the program's module: its file stem with every other character
/// made `_`, and a leading `_` before a digit (`my-prog` → `my_prog`, `2024` → `_2024`).
pub fn module_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map_or(String::new(), |s| s.to_string_lossy().into_owned());
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        name = "program".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

/// The pytest file: load the program by path, bring its names and anpl's evaluation
/// namespace into scope, then one test per example.
fn render_tests(program_path: &str, tests: &[(String, Example)]) -> Result<String, EngineError> {
    let helpers = harness_helpers()?;
    let path_literal = serde_json::to_string(program_path)
        .map_err(|e| EngineError::Other(format!("cannot quote the program's path: {e}")))?;
    let module = serde_json::to_string(&module_name(Path::new(program_path)))
        .map_err(|e| EngineError::Other(format!("cannot quote the module name: {e}")))?;
    let mut out = format!(
        r#""""Examples of {shown}, checked with pytest."""

import importlib.machinery as _machinery
import importlib.util as _util
import os as _os
import sys

_PROGRAM = _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), {path_literal})
sys.path.insert(0, _os.path.dirname(_os.path.abspath(_PROGRAM)))


def _load(name, path):
    """Load the program from its path, whatever its file is called."""
    loader = _machinery.SourceFileLoader(name, path)
    spec = _util.spec_from_loader(name, loader)
    module = _util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


_program = _load({module}, _PROGRAM)
globals().update({{k: v for k, v in vars(_program).items() if not k.startswith("__")}})

# How results are compared and expected values read: the same code the checker runs.
{helpers}

globals().update(_eval_namespace(globals()))
"#,
        shown = program_path.rsplit('/').next().unwrap_or(program_path),
    );
    for (name, example) in tests {
        out.push_str(&format!(
            "\n\ndef {name}():\n    expected = {expected}\n    actual = {call}\n    assert values_equal(actual, expected{json}), f\"{{actual!r}} != {{expected!r}}\"\n",
            call = one_line(&example.call),
            expected = one_line(&example.expected),
            json = if example.from_json { ", from_json=True" } else { "" },
        ));
    }
    Ok(out)
}

/// `_numpy` and `values_equal` from the harness's values part, its equality part whole
/// and `_eval_namespace` from its check part, verbatim, so the tests compare and evaluate
/// exactly as the checker.
fn harness_helpers() -> Result<String, EngineError> {
    let mut parts = vec![SAME.trim_end().to_string() + "\n"];
    for (source, name) in [
        (VALUES_PY, "_numpy"),
        (VALUES_PY, "values_equal"),
        (CHECK_PY, "_eval_namespace"),
    ] {
        parts.push(top_level_function(source, name).ok_or_else(|| {
            EngineError::Other(format!(
                "the worker harness has no function `{name}` to export tests with"
            ))
        })?);
    }
    Ok(parts.join("\n\n"))
}

/// The text of `def name(...)` at the top level of `source`, up to the next top-level
/// statement.
fn top_level_function(source: &str, name: &str) -> Option<String> {
    let start = source
        .match_indices(&format!("def {name}("))
        .map(|(i, _)| i)
        .find(|&i| i == 0 || source[..i].ends_with('\n'))?;
    let rest = &source[start..];
    let mut end = rest.len();
    let mut offset = 0;
    for (n, line) in rest.split_inclusive('\n').enumerate() {
        let top = !line.starts_with([' ', '\t', '\n', '\r', '#']);
        if n > 0 && top {
            end = offset;
            break;
        }
        offset += line.len();
    }
    Some(rest[..end].trim_end().to_string() + "\n")
}

/// Multi-line expected values from doctests are joined so they stay valid inside an
/// assignment; Python ignores newlines inside brackets anyway, this is for bare ones.
fn one_line(expr: &str) -> String {
    let trimmed = expr.trim();
    if trimmed.contains('\n') {
        format!("({trimmed})")
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn the_harness_helpers_are_found_whole() {
        let helpers = harness_helpers().unwrap();
        for name in ["def _numpy(", "def values_equal(", "def _eval_namespace("] {
            assert!(helpers.contains(name), "{name} missing:\n{helpers}");
        }
        assert!(helpers.contains("def _same("), "{helpers}");
    }

    #[test]
    fn module_names_are_identifiers() {
        assert_eq!(module_name(Path::new("out/my-prog.py")), "my_prog");
        assert_eq!(module_name(Path::new("2024.py")), "_2024");
        assert_eq!(module_name(Path::new("prog")), "prog");
        let options = |output: &str| ExportOptions {
            output: PathBuf::from(output),
            ..ExportOptions::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let sketch = dir.path().join("s.py");
        std::fs::write(&sketch, "").unwrap();
        for (output, tests) in [
            ("2024.py", "test_2024.py"),
            ("my-prog.py", "test_my_prog.py"),
        ] {
            let paths = ExportPaths::resolve(
                &sketch,
                &options(&dir.path().join(output).display().to_string()),
            )
            .unwrap();
            assert_eq!(paths.tests, dir.path().join(tests));
            assert_eq!(paths.program_from_tests, output);
        }
    }

    #[test]
    fn relative_paths_climb_out_of_the_tests_folder() {
        assert_eq!(
            relative(Path::new("/a/b/tests"), Path::new("/a/b/src/p.py")),
            PathBuf::from("../src/p.py")
        );
        assert_eq!(
            relative(Path::new("/a"), Path::new("/a/p.py")),
            PathBuf::from("p.py")
        );
    }

    #[test]
    fn a_function_ends_at_the_next_top_level_statement() {
        let src = "x = 1\n\n\ndef f(a):\n    if a:\n\n        return 1\n    # note\n    return 2\n\n\ndef g():\n    pass\n";
        assert_eq!(
            top_level_function(src, "f").unwrap(),
            "def f(a):\n    if a:\n\n        return 1\n    # note\n    return 2\n"
        );
        assert_eq!(top_level_function(src, "h"), None);
    }
}
