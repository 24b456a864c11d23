//! The call of one example from an examples file: JSON inputs, given by position (a list)
//! or by parameter name (an object), matched against a function's or hole's parameters the
//! way Python matches arguments (positional-only before `/`, keyword-only after `*` or
//! `*args`, defaults, `*args` and `**kwargs`), each value converted along its parameter's
//! annotation (`values`). `examples_file` calls this for every example it reads; problems
//! come back with the byte offset in the examples file to report them at.

use super::examples_file::list;
use super::json_spans::{Member, Node};
use super::model::Param;
use std::cell::RefCell;

use super::values::Conversion;

/// How a parameter may be passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    PositionOnly,
    Either,
    KeywordOnly,
}

#[derive(Debug)]
struct Slot<'a> {
    name: &'a str,
    annotation: Option<&'a str>,
    has_default: bool,
    pass: Pass,
}

/// A function's parameters as the call builder needs them.
#[derive(Debug)]
pub(crate) struct Signature<'a> {
    function: &'a str,
    slots: Vec<Slot<'a>>,
    /// `*args`, with the annotation of one element.
    star_args: Option<Option<&'a str>>,
    /// `**kwargs`, with the annotation of one value.
    star_kwargs: Option<Option<&'a str>>,
    conversion: Conversion,
    /// Which types the grid rule chose while converting this call's inputs.
    notes: RefCell<Vec<String>>,
}

/// The `inputs` of one example, with where it starts in the file.
pub(crate) enum Inputs<'a> {
    /// No `inputs` key; the offset is the example's.
    None(usize),
    Positional(usize, &'a [Node]),
    Named(usize, &'a [Member]),
}

/// Problems, each with the byte offset to report it at.
pub(crate) type Problems = Vec<(usize, String)>;

impl<'a> Signature<'a> {
    pub fn new(function: &'a str, params: &'a [Param], conversion: Conversion) -> Signature<'a> {
        let mut sig = Signature {
            function,
            slots: Vec::new(),
            star_args: None,
            star_kwargs: None,
            conversion,
            notes: RefCell::new(Vec::new()),
        };
        let mut pass = Pass::Either;
        for p in params {
            match p.name.as_str() {
                "/" => {
                    for s in &mut sig.slots {
                        s.pass = Pass::PositionOnly;
                    }
                }
                "*" => pass = Pass::KeywordOnly,
                n if n.starts_with("**") => sig.star_kwargs = Some(p.annotation.as_deref()),
                n if n.starts_with('*') => {
                    sig.star_args = Some(p.annotation.as_deref());
                    pass = Pass::KeywordOnly;
                }
                name => sig.slots.push(Slot {
                    name,
                    annotation: p.annotation.as_deref(),
                    has_default: p.default.is_some(),
                    pass,
                }),
            }
        }
        sig
    }

    /// `value` as the Python argument for parameter `param`, noting a type the grid rule
    /// chose.
    fn convert(&self, value: &Node, param: &str, annotation: Option<&str>) -> String {
        let arg = self
            .conversion
            .argument(&value.to_value(), param, annotation);
        self.notes.borrow_mut().extend(arg.note);
        arg.text
    }

    /// The notes of the calls built so far, leaving none.
    pub fn take_notes(&self) -> Vec<String> {
        std::mem::take(&mut *self.notes.borrow_mut())
    }

    fn names(&self) -> String {
        if self.slots.is_empty() {
            return "no parameters".to_string();
        }
        let names: Vec<String> = self.slots.iter().map(|s| format!("`{}`", s.name)).collect();
        list(&names)
    }

    /// The one parameter a call must be given, if there is exactly one (for hints).
    pub fn sole_name(&self) -> Option<&'a str> {
        let required: Vec<&Slot> = self
            .slots
            .iter()
            .filter(|s| !s.has_default && s.name != "self")
            .collect();
        match required.as_slice() {
            [one] => Some(one.name),
            _ => None,
        }
    }

    /// The call's arguments for an `{"input", "output"}` pair: the input is the value of the
    /// function's single required parameter.
    pub fn single_input(&self, input: &Node) -> Result<Vec<String>, String> {
        let required: Vec<&Slot> = self
            .slots
            .iter()
            .filter(|s| !s.has_default && s.name != "self")
            .collect();
        let [slot] = required.as_slice() else {
            return Err(format!(
                "an {{\"input\", \"output\"}} pair is an example of the entry's single parameter, but `{}` takes {} required ({}); name each input with {{\"examples\": [{{\"inputs\": {{...}}, \"output\": ...}}]}}",
                self.function,
                required.len(),
                self.names()
            ));
        };
        let text = self.convert(input, slot.name, slot.annotation);
        Ok(vec![match slot.pass {
            Pass::KeywordOnly => format!("{}={text}", slot.name),
            _ => text,
        }])
    }
}

/// The arguments of the call, as Python source, or every problem found.
pub(crate) fn build_call(sig: &Signature, inputs: &Inputs) -> Result<Vec<String>, Problems> {
    match inputs {
        Inputs::None(at) => missing(sig, *at, |_| false).map(|()| Vec::new()),
        Inputs::Positional(at, values) => positional(sig, *at, values),
        Inputs::Named(at, members) => named(sig, *at, members),
    }
}

/// A problem for every required parameter `given` does not cover.
fn missing(sig: &Signature, at: usize, given: impl Fn(&str) -> bool) -> Result<(), Problems> {
    let absent: Vec<String> = sig
        .slots
        .iter()
        .filter(|s| !s.has_default && !given(s.name))
        .map(|s| format!("`{}`", s.name))
        .collect();
    if absent.is_empty() {
        return Ok(());
    }
    Err(vec![(
        at,
        format!(
            "missing input{} {} of `{}` (it takes {})",
            if absent.len() == 1 { "" } else { "s" },
            list(&absent),
            sig.function,
            sig.names()
        ),
    )])
}

fn positional(sig: &Signature, at: usize, values: &[Node]) -> Result<Vec<String>, Problems> {
    let slots: Vec<&Slot> = sig
        .slots
        .iter()
        .filter(|s| s.pass != Pass::KeywordOnly)
        .collect();
    let mut args = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let (name, annotation) = match (slots.get(i), sig.star_args) {
            (Some(slot), _) => (slot.name, slot.annotation),
            (None, Some(element)) => ("args", element),
            (None, None) => {
                let one = match (sig.sole_name(), values.len()) {
                    (Some(p), n) if n > 1 => format!(
                        "; to pass one list as `{p}`, write \"inputs\": [[...]] or {{\"{p}\": [...]}}"
                    ),
                    _ => String::new(),
                };
                return Err(vec![(
                    v.at,
                    format!(
                        "{} inputs given but `{}` takes {} by position ({}){one}",
                        values.len(),
                        sig.function,
                        slots.len(),
                        sig.names()
                    ),
                )]);
            }
        };
        args.push(sig.convert(v, name, annotation));
    }
    let given = |name: &str| slots.iter().take(values.len()).any(|s| s.name == name);
    missing(sig, at, given).map(|()| args)
}

fn named(sig: &Signature, at: usize, members: &[Member]) -> Result<Vec<String>, Problems> {
    let mut problems: Problems = Vec::new();
    let known = |key: &str| {
        sig.slots.iter().any(|s| s.name == key) || sig.star_kwargs.is_some() && is_identifier(key)
    };
    let value = |name: &str| members.iter().rev().find(|m| m.key == name);
    let unknown: Vec<&Member> = members.iter().filter(|m| !known(&m.key)).collect();
    let absent: Vec<&str> = sig
        .slots
        .iter()
        .filter(|s| !s.has_default && value(s.name).is_none())
        .map(|s| s.name)
        .collect();
    // Parameters an unknown key was taken for: their absence is not reported again.
    let mut meant: Vec<&str> = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if members[..i].iter().any(|e| e.key == m.key) {
            problems.push((m.key_at, format!("input `{}` is given twice", m.key)));
        } else if !known(&m.key) {
            let near = crate::suggest::closest(&m.key, sig.slots.iter().map(|s| s.name));
            // One unknown name and one missing parameter: that is the one it was meant for.
            let near = near.or(match (unknown.as_slice(), absent.as_slice()) {
                ([_], [only]) => Some(*only),
                _ => None,
            });
            meant.extend(near);
            let hint = near.map_or(String::new(), |n| format!(" (did you mean `{n}`?)"));
            problems.push((
                m.key_at,
                format!(
                    "`{}` has no parameter `{}`{hint}; it takes {}",
                    sig.function,
                    m.key,
                    sig.names()
                ),
            ));
        }
    }
    let mut args = Vec::new();
    // After a parameter left to its default, later ones must be passed by name.
    let mut gap = false;
    for slot in &sig.slots {
        match value(slot.name) {
            Some(m) => {
                let text = sig.convert(&m.value, slot.name, slot.annotation);
                match slot.pass {
                    Pass::PositionOnly if gap => problems.push((
                        m.key_at,
                        format!(
                            "`{}` is positional-only and an earlier parameter is left to its default; give the inputs as a list instead",
                            slot.name
                        ),
                    )),
                    Pass::PositionOnly => args.push(text),
                    Pass::Either if !gap => args.push(text),
                    _ => args.push(format!("{}={text}", slot.name)),
                }
            }
            None => gap = true,
        }
    }
    if let Some(annotation) = sig.star_kwargs {
        for m in members {
            if !sig.slots.iter().any(|s| s.name == m.key) && is_identifier(&m.key) {
                let text = sig.convert(&m.value, &m.key, annotation);
                args.push(format!("{}={text}", m.key));
            }
        }
    }
    if let Err(more) = missing(sig, at, |name| {
        value(name).is_some() || meant.contains(&name)
    }) {
        problems.extend(more);
    }
    if problems.is_empty() {
        Ok(args)
    } else {
        Err(problems)
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::json_spans;
    use pretty_assertions::assert_eq;

    fn param(name: &str, annotation: Option<&str>, default: Option<&str>) -> Param {
        Param {
            name: name.into(),
            annotation: annotation.map(Into::into),
            default: default.map(Into::into),
        }
    }

    fn call(params: &[Param], inputs: &str) -> Result<Vec<String>, Vec<String>> {
        let sig = Signature::new("f", params, Conversion::default());
        let Some(node) = json_spans::parse(inputs) else {
            panic!("bad JSON in the test")
        };
        let inputs = match &node.kind {
            json_spans::Kind::Array(v) => Inputs::Positional(node.at, v),
            json_spans::Kind::Object(m) => Inputs::Named(node.at, m),
            _ => Inputs::None(node.at),
        };
        build_call(&sig, &inputs).map_err(|p| p.into_iter().map(|(_, m)| m).collect())
    }

    #[test]
    fn positional_and_named_inputs_follow_python_rules() {
        let ps = [
            param("grid", Some("np.ndarray"), None),
            param("n", Some("int"), Some("1")),
            param("*", None, None),
            param("fill", Some("tuple[int, int]"), Some("(0, 0)")),
        ];
        assert_eq!(
            call(&ps, "[[[1]], 2]"),
            Ok(vec!["np.array([[1]])".into(), "2".into()])
        );
        assert_eq!(
            call(&ps, r#"{"grid": [[1]], "fill": [1, 2]}"#),
            Ok(vec!["np.array([[1]])".into(), "fill=(1, 2)".into()])
        );
        let err = call(&ps, "[[[1]], 2, [1, 2]]").err().unwrap_or_default();
        assert!(
            err[0].starts_with("3 inputs given but `f` takes 2 by position"),
            "{err:?}"
        );
        let err = call(&ps, r#"{"n": 2}"#).err().unwrap_or_default();
        assert_eq!(
            err,
            ["missing input `grid` of `f` (it takes `grid`, `n` and `fill`)"]
        );
    }

    #[test]
    fn a_flat_list_for_one_list_parameter_gets_a_hint() {
        let ps = [param("xs", Some("list[int]"), None)];
        let err = call(&ps, "[3, 1, 2]").err().unwrap_or_default();
        assert!(
            err[0]
                .contains("to pass one list as `xs`, write \"inputs\": [[...]] or {\"xs\": [...]}"),
            "{err:?}"
        );
        assert_eq!(call(&ps, "[[3, 1]]"), Ok(vec!["[3, 1]".into()]));
    }

    #[test]
    fn unknown_names_are_suggested_and_star_params_take_the_rest() {
        let ps = [param("text", None, None), param("limit", None, Some("3"))];
        let err = call(&ps, r#"{"txt": "a"}"#).err().unwrap_or_default();
        assert_eq!(
            err[0],
            "`f` has no parameter `txt` (did you mean `text`?); it takes `text` and `limit`"
        );
        let ps = [
            param("a", None, None),
            param("/", None, None),
            param("*rest", Some("int"), None),
            param("**opts", Some("str"), None),
        ];
        assert_eq!(
            call(&ps, "[1, 2, 3]"),
            Ok(vec!["1".into(), "2".into(), "3".into()])
        );
        assert_eq!(
            call(&ps, r#"{"a": 1, "mode": "x"}"#),
            Ok(vec!["1".into(), "mode='x'".into()])
        );
    }
}
