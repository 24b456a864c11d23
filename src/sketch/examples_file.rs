//! `--examples FILE`: input/output examples in JSON (DESIGN.md §2), turned into [`Example`]s
//! whose call and expected value are Python source, converted along the parameters' and
//! return annotations. Three shapes are read: `{"examples": [...]}` naming the function and
//! its inputs, a single `{"input", "output"}` pair, and an ARC task `{"train", "test"}`;
//! the last two are examples of the entry's single parameter.

use std::path::Path;

use serde_json::{Map, Value};

use super::error::{Diagnostic, SketchError};
use super::model::{Example, Sketch};
use super::values::Conversion;

/// Load an examples file for `sketch`. Each example comes with the name of the function or
/// hole it belongs to.
pub fn load_examples_file(
    path: &Path,
    sketch: &Sketch,
) -> Result<Vec<(String, Example)>, SketchError> {
    let io = |source| SketchError::Io {
        path: path.to_path_buf(),
        source,
    };
    if std::fs::metadata(path).map_err(io)?.is_dir() {
        return Err(SketchError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    let file = path.display().to_string();
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        let line = e.line().max(1);
        SketchError::Invalid(vec![Diagnostic {
            file: file.clone(),
            line,
            col: e.column().max(1),
            message: format!("not valid JSON: {e}"),
            source_line: text.lines().nth(line - 1).unwrap_or("").to_string(),
        }])
    })?;
    let fail = |message: String| SketchError::Examples {
        path: path.to_path_buf(),
        message,
    };
    let Value::Object(top) = &value else {
        return Err(fail("expected a JSON object at the top level".into()));
    };
    if let Some(list) = top.get("examples") {
        let Value::Array(items) = list else {
            return Err(fail("`examples` must be a list".into()));
        };
        return items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                listed_example(sketch, i, item).map_err(|m| fail(format!("examples[{i}]: {m}")))
            })
            .collect();
    }
    if top.contains_key("train") || top.contains_key("test") {
        let mut out = Vec::new();
        for part in ["train", "test"] {
            let Some(pairs) = top.get(part) else { continue };
            let Value::Array(pairs) = pairs else {
                return Err(fail(format!(
                    "`{part}` must be a list of {{\"input\", \"output\"}} pairs"
                )));
            };
            for (i, pair) in pairs.iter().enumerate() {
                let Value::Object(pair) = pair else {
                    return Err(fail(format!(
                        "{part}[{i}]: expected an object with `input` and `output`"
                    )));
                };
                // ARC test pairs without an output cannot check anything; skip them.
                if part == "test" && !pair.contains_key("output") {
                    continue;
                }
                out.push(
                    pair_example(sketch, pair).map_err(|m| fail(format!("{part}[{i}]: {m}")))?,
                );
            }
        }
        return Ok(out);
    }
    if top.contains_key("input") {
        return Ok(vec![pair_example(sketch, top).map_err(fail)?]);
    }
    Err(fail(
        "expected {\"examples\": [...]}, {\"input\": ..., \"output\": ...} or an ARC task {\"train\": [...], \"test\": [...]}"
            .into(),
    ))
}

/// An `{"input", "output"}` pair: an example of the entry's single parameter.
fn pair_example(sketch: &Sketch, pair: &Map<String, Value>) -> Result<(String, Example), String> {
    let entry = &sketch.entry;
    let params = sketch.params_of(entry).unwrap_or(&[]);
    let required: Vec<_> = params
        .iter()
        .filter(|p| p.is_plain() && p.default.is_none() && p.name != "self")
        .collect();
    if required.len() != 1 {
        return Err(format!(
            "an input/output pair needs an entry with exactly one parameter, but `{entry}` takes {}",
            required.len()
        ));
    }
    let input = pair.get("input").ok_or("missing `input`")?;
    let output = pair.get("output").ok_or("missing `output`")?;
    let conversion = Conversion::for_prelude(&sketch.prelude);
    let param = required[0];
    let arg = conversion.argument(input, &param.name, param.annotation.as_deref());
    Ok((
        entry.clone(),
        Example {
            call: format!("{entry}({})", arg.text),
            expected: conversion.output(output, sketch.returns_of(entry)),
            line: 0,
            from_json: true,
            note: arg.note,
        },
    ))
}

fn listed_example(
    sketch: &Sketch,
    _index: usize,
    item: &Value,
) -> Result<(String, Example), String> {
    let Value::Object(item) = item else {
        return Err("expected an object with `inputs` and `output`".into());
    };
    let function = match item.get("function") {
        None => sketch.entry.clone(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err("`function` must be a string".into()),
    };
    let params = sketch
        .params_of(&function)
        .ok_or_else(|| format!("the sketch has no function or hole named `{function}`"))?;
    let plain: Vec<_> = params.iter().filter(|p| p.is_plain()).collect();
    let output = item.get("output").ok_or("missing `output`")?;
    let conversion = Conversion::for_prelude(&sketch.prelude);
    let mut notes: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    match item.get("inputs") {
        None => {}
        Some(Value::Array(values)) => {
            if values.len() > plain.len() {
                return Err(format!(
                    "{} inputs given but `{function}` takes {}",
                    values.len(),
                    plain.len()
                ));
            }
            for (v, p) in values.iter().zip(&plain) {
                let arg = conversion.argument(v, &p.name, p.annotation.as_deref());
                notes.extend(arg.note);
                args.push(arg.text);
            }
        }
        Some(Value::Object(named)) => {
            if let Some(unknown) = named.keys().find(|k| !plain.iter().any(|p| &p.name == *k)) {
                let names: Vec<&str> = plain.iter().map(|p| p.name.as_str()).collect();
                return Err(format!(
                    "`{function}` has no parameter `{unknown}` (its parameters: {})",
                    names.join(", ")
                ));
            }
            let mut gap = false;
            for p in &plain {
                match named.get(&p.name) {
                    Some(v) => {
                        let arg = conversion.argument(v, &p.name, p.annotation.as_deref());
                        notes.extend(arg.note);
                        let text = arg.text;
                        args.push(if gap {
                            format!("{}={text}", p.name)
                        } else {
                            text
                        });
                    }
                    None if p.default.is_some() => gap = true,
                    None => return Err(format!("missing input `{}` of `{function}`", p.name)),
                }
            }
        }
        Some(_) => return Err("`inputs` must be an object (by parameter name) or a list".into()),
    }
    Ok((
        function.clone(),
        Example {
            call: format!("{function}({})", args.join(", ")),
            expected: conversion.output(output, sketch.returns_of(&function)),
            line: 0,
            from_json: true,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
        },
    ))
}
