//! Export: the finished program as plain Python, and a pytest file of every example.
//!
//! The program is the user's sketch with each hole replaced by its implementation and
//! each inline hole turned into a named function whose docstring is the description. The
//! tests import it by module name and compare results the way anpl does (numpy arrays by
//! shape and elements), so they pass under plain `pytest` exactly when `anpl run` passes.

use std::collections::BTreeMap;

use crate::sketch::{self, RenderMode};

use super::{Engine, EngineError};

pub struct Exported {
    pub program: String,
    pub tests: String,
    pub example_count: usize,
}

impl Engine {
    /// `module` is the name the tests import the program as (the output file's stem).
    pub fn export(&self, module: &str, allow_partial: bool) -> Result<Exported, EngineError> {
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
                "cannot export: {} unfilled ({}); run `anpl compile` first, or pass --allow-partial to export with those holes raising NotImplementedError",
                if missing.len() == 1 { "1 hole is" } else { "holes are" },
                missing.join(", ")
            )));
        }
        let mode = RenderMode::Export { allow_partial };
        let program = sketch::render(&self.sketch, &impls, mode)
            .map_err(|e| EngineError::Render(e.to_string()))?
            .source;
        let (tests, example_count) = self.pytest_file(module, &impls);
        Ok(Exported {
            program,
            tests,
            example_count,
        })
    }

    fn pytest_file(&self, module: &str, _impls: &BTreeMap<String, String>) -> (String, usize) {
        let mut out = String::new();
        out.push_str(&format!(
            "\"\"\"Examples of {module}.py, checked with pytest.\"\"\"\n\nimport os\nimport sys\n\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n\nfrom {module} import *  # noqa: E402,F401,F403\n\n\n"
        ));
        out.push_str(SAME);
        let mut names: Vec<String> = self
            .sketch
            .functions
            .iter()
            .map(|f| f.name.clone())
            .collect();
        names.extend(self.sketch.holes.iter().map(|h| h.id.clone()));
        let mut count = 0;
        let mut used: BTreeMap<String, usize> = BTreeMap::new();
        for name in names {
            for example in self.examples_for(&name) {
                let n = used.entry(name.clone()).or_default();
                *n += 1;
                count += 1;
                out.push_str(&format!(
                    "\n\ndef test_{name}_{n}():\n    actual = {call}\n    expected = {expected}\n    assert _same(actual, expected{json}), f\"{{actual!r}} != {{expected!r}}\"\n",
                    call = one_line(&example.call),
                    expected = one_line(&example.expected),
                    json = if example.from_json { ", from_json=True" } else { "" },
                ));
            }
        }
        (out, count)
    }
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

/// anpl's equality (docs/values.md), the same text the worker checks with.
const SAME: &str = include_str!("../exec/harness/15_equality.py");
