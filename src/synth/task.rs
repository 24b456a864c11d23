//! Turns a [`SynthTask`] (text from a sketch) into what the search needs: typed parameter
//! values per example, the expected outputs, the constants worth trying, and the words of
//! the description.
//!
//! Constants come from three general sources, none of them tuned to particular tasks:
//! the description (quoted strings, numbers and number words, symbols written out such as
//! `@` or "comma", and character lists such as "a, e, i, o, u"), the examples (runs of
//! punctuation and spacing in their strings, the separators a program usually needs), and a
//! few defaults (`0`, `1`, `-1`, `2`, `""`, `" "`).

use std::collections::BTreeSet;

use super::literal::{parse_call, parse_value};
use super::types::{coerce, parse_annotation, type_of, Ty};
use super::value::Value;
use super::{SynthFailure, SynthTask};

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub ty: Ty,
    pub values: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Const {
    pub value: Value,
    /// Taken from the description, so using it counts as following the description.
    pub described: bool,
    /// Added to the cost of a program using it: a default constant that neither the
    /// description nor the examples suggest is a guess, so programs that need fewer of
    /// them rank first. Only `2` costs: `0`, `1`, `-1`, `""` and `" "` are everyday.
    pub extra_cost: u8,
}

#[derive(Debug, Clone)]
pub struct Prepared {
    /// Each parameter's values: one per example, then one per probe row.
    pub params: Vec<Param>,
    /// How many rows are examples; the rows after them are probes (`probe.rs`), inputs
    /// with no expected value that only tell expressions apart.
    pub examples: usize,
    pub expected: Vec<Value>,
    pub target: Ty,
    pub consts: Vec<Const>,
    pub words: BTreeSet<String>,
}

/// Most constants taken from example strings; more would slow the search for little gain.
const MAX_EXAMPLE_CONSTS: usize = 8;
/// Probe rows added when a hole has at most `PROBED_EXAMPLES` examples. Each one makes
/// every candidate cost one evaluation more and keeps more expressions apart; with three
/// examples accidental fits are already rare, so the search keeps its speed there.
const PROBES: usize = 2;
const PROBED_EXAMPLES: usize = 2;

pub fn prepare(task: &SynthTask) -> Result<Prepared, SynthFailure> {
    if task.examples.is_empty() {
        return Err(SynthFailure::NoExamples {
            name: task.name.clone(),
        });
    }
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); task.params.len()];
    let mut expected = Vec::new();
    for (i, (call_text, expected_text)) in task.examples.iter().enumerate() {
        let index = i + 1;
        let call = parse_call(call_text).map_err(|e| SynthFailure::BadExample {
            index,
            text: call_text.clone(),
            message: e.to_string(),
        })?;
        if call.name != task.name {
            return Err(SynthFailure::BadExample {
                index,
                text: call_text.clone(),
                message: format!("calls `{}`, but the hole is `{}`", call.name, task.name),
            });
        }
        let args = bind_args(task, &call.args, &call.kwargs).map_err(|message| {
            SynthFailure::BadExample {
                index,
                text: call_text.clone(),
                message,
            }
        })?;
        for (col, v) in columns.iter_mut().zip(args) {
            col.push(v);
        }
        let value = parse_value(expected_text).map_err(|e| SynthFailure::BadExample {
            index,
            text: expected_text.clone(),
            message: format!("expected value: {e}"),
        })?;
        expected.push(value);
    }
    let mut params = Vec::new();
    for ((name, ann), values) in task.params.iter().zip(columns) {
        let (ty, values) =
            settle(ann.as_deref(), values).map_err(|detail| SynthFailure::MixedTypes {
                what: format!("parameter `{name}`"),
                detail,
            })?;
        params.push(Param {
            name: name.clone(),
            ty,
            values,
        });
    }
    let examples = expected.len();
    let want = if examples <= PROBED_EXAMPLES {
        PROBES
    } else {
        0
    };
    if want > 0 {
        let columns: Vec<Vec<Value>> = params.iter().map(|p| p.values.clone()).collect();
        let types: Vec<Ty> = params.iter().map(|p| p.ty.clone()).collect();
        for row in super::probe::probe_rows(&columns, &types, want) {
            for (p, v) in params.iter_mut().zip(row) {
                p.values.push(v);
            }
        }
    }
    let (target, expected) =
        settle(task.returns.as_deref(), expected).map_err(|detail| SynthFailure::MixedTypes {
            what: "the expected values".to_string(),
            detail,
        })?;
    let mut consts = defaults();
    for value in description_constants(&task.description) {
        push_const(&mut consts, value, true);
    }
    let mut example_ints = Vec::new();
    for v in params
        .iter()
        .flat_map(|p| p.values[..examples].iter())
        .chain(expected.iter())
    {
        ints_in(v, &mut example_ints);
    }
    for c in consts.iter_mut() {
        if let Value::Int(i) = c.value {
            if example_ints.contains(&i) {
                c.extra_cost = 0;
            }
        }
    }
    let mut from_examples = Vec::new();
    for v in params
        .iter()
        .flat_map(|p| p.values[..examples].iter())
        .chain(expected.iter())
    {
        punctuation_runs(v, &mut from_examples);
    }
    for value in from_examples.into_iter().take(MAX_EXAMPLE_CONSTS) {
        push_const(&mut consts, value, false);
    }
    Ok(Prepared {
        params,
        examples,
        expected,
        target,
        consts,
        words: description_words(&task.description),
    })
}

fn bind_args(
    task: &SynthTask,
    args: &[Value],
    kwargs: &[(String, Value)],
) -> Result<Vec<Value>, String> {
    if args.len() > task.params.len() {
        return Err(format!(
            "passes {} arguments, but `{}` takes {}",
            args.len(),
            task.name,
            task.params.len()
        ));
    }
    let mut slots: Vec<Option<Value>> = args.iter().cloned().map(Some).collect();
    slots.resize(task.params.len(), None);
    for (k, v) in kwargs {
        let Some(pos) = task.params.iter().position(|(n, _)| n == k) else {
            return Err(format!("`{}` has no parameter `{k}`", task.name));
        };
        if slots[pos].is_some() {
            return Err(format!("parameter `{k}` given twice"));
        }
        slots[pos] = Some(v.clone());
    }
    slots
        .into_iter()
        .zip(&task.params)
        .map(|(v, (n, _))| v.ok_or_else(|| format!("no value for parameter `{n}`")))
        .collect()
}

/// One type for a column of values, refined by the annotation where it agrees with them.
fn settle(annotation: Option<&str>, values: Vec<Value>) -> Result<(Ty, Vec<Value>), String> {
    let ann = annotation.and_then(parse_annotation);
    let values: Vec<Value> = match &ann {
        Some(t) => values.into_iter().map(|v| coerce(v, t)).collect(),
        None => values,
    };
    let mut ty = Ty::Unknown;
    for (i, v) in values.iter().enumerate() {
        let t = type_of(v).ok_or_else(|| {
            format!(
                "example {} has `{}`, a container mixing element types",
                i + 1,
                v.repr()
            )
        })?;
        ty = ty.join(&t).ok_or_else(|| {
            format!(
                "example {} has a {} where an earlier one has another type; one type is needed",
                i + 1,
                v.type_name()
            )
        })?;
    }
    let ty = match ann.and_then(|a| a.join(&ty)) {
        Some(t) => t,
        None => ty,
    };
    Ok((ty, values))
}

fn defaults() -> Vec<Const> {
    [
        Value::Int(0),
        Value::Int(1),
        Value::Int(-1),
        Value::Int(2),
        Value::str(""),
        Value::str(" "),
    ]
    .into_iter()
    .map(|value| Const {
        extra_cost: u8::from(matches!(value, Value::Int(2))),
        value,
        described: false,
    })
    .collect()
}

fn push_const(consts: &mut Vec<Const>, value: Value, described: bool) {
    match consts.iter_mut().find(|c| c.value == value) {
        Some(c) => {
            c.described |= described;
            c.extra_cost = 0;
        }
        None => consts.push(Const {
            value,
            described,
            extra_cost: 0,
        }),
    }
}

fn ints_in(v: &Value, out: &mut Vec<i64>) {
    match v {
        Value::Int(i) => out.push(*i),
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            for x in items.iter() {
                ints_in(x, out);
            }
        }
        _ => {}
    }
}

/// Lower-case words of the description, with a plural `s` and a past `ed` also removed.
/// A negated word is one word ("non-decreasing" → `nondecreasing`), so it does not count
/// as the word it negates.
pub fn description_words(description: &str) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    let text = description
        .to_lowercase()
        .replace("non-", "non")
        .replace("non ", "non");
    for w in text.split(|c: char| !c.is_alphabetic()) {
        if w.is_empty() {
            continue;
        }
        if let Some(stem) = w.strip_suffix('s') {
            if stem.len() > 2 {
                words.insert(stem.to_string());
            }
        }
        if let Some(stem) = w.strip_suffix("ed") {
            if stem.len() > 2 {
                // "removed" → remove, "counted" → count, "padded" → pad.
                words.insert(format!("{stem}e"));
                words.insert(stem.to_string());
                let b = stem.as_bytes();
                if b.len() > 2 && b[b.len() - 1] == b[b.len() - 2] {
                    words.insert(stem[..stem.len() - 1].to_string());
                }
            }
        }
        words.insert(w.to_string());
    }
    words
}

/// Words after which a single character names that character ("the letter s").
const CHARACTER_NOUNS: &[&str] = &["letter", "character", "char", "symbol", "digit"];

const SYMBOL_WORDS: &[(&str, &str)] = &[
    ("comma", ","),
    ("space", " "),
    ("underscore", "_"),
    ("dash", "-"),
    ("hyphen", "-"),
    ("dot", "."),
    ("period", "."),
    ("colon", ":"),
    ("semicolon", ";"),
    ("slash", "/"),
    ("backslash", "\\"),
    ("newline", "\n"),
    ("tab", "\t"),
    ("exclamation", "!"),
    ("question", "?"),
    ("hash", "#"),
    ("asterisk", "*"),
    ("star", "*"),
    ("pipe", "|"),
    ("apostrophe", "'"),
];

/// Number words; "one" is left out because it is far more often a pronoun.
const NUMBER_WORDS: &[(&str, i64)] = &[
    ("zero", 0),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("twice", 2),
    ("double", 2),
    ("half", 2),
    ("triple", 3),
    ("thrice", 3),
    ("hundred", 100),
];

/// Constants a description names: quoted text, numbers, symbols, character lists.
pub fn description_constants(description: &str) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let push = |v: Value, out: &mut Vec<Value>| {
        if !out.contains(&v) {
            out.push(v);
        }
    };
    let (quotes, rest) = quoted(description);
    for q in quotes {
        push(Value::str(&q), &mut out);
    }
    let description = rest.as_str();
    for token in description.split_whitespace() {
        let bare = token
            .trim_end_matches(['.', ',', ';', ':', ')'])
            .trim_start_matches('(');
        if let Ok(i) = bare.parse::<i64>() {
            push(Value::Int(i), &mut out);
        } else if bare.contains('.') && bare.chars().any(|c| c.is_ascii_digit()) {
            if let Ok(f) = bare.parse::<f64>() {
                push(Value::Float(f), &mut out);
            }
        }
        // A token made only of symbols, e.g. "@" in "after the @.", names a symbol.
        let sym = if token.len() > 1 {
            token.trim_end_matches(['.', ','])
        } else {
            token
        };
        if !sym.is_empty()
            && sym.chars().count() <= 3
            && sym
                .chars()
                .all(|c| !c.is_alphanumeric() && !c.is_whitespace())
        {
            push(Value::str(sym), &mut out);
        }
    }
    for w in description.split(|c: char| !c.is_alphabetic()) {
        let w = w.to_lowercase();
        let singular = w.strip_suffix('s').unwrap_or(&w);
        if let Some((_, s)) = SYMBOL_WORDS
            .iter()
            .find(|(name, _)| *name == w || *name == singular)
        {
            push(Value::str(s), &mut out);
        }
        if let Some((_, n)) = NUMBER_WORDS
            .iter()
            .find(|(name, _)| *name == w || *name == singular)
        {
            push(Value::Int(*n), &mut out);
        }
    }
    let tokens: Vec<&str> = description.split_whitespace().collect();
    for pair in tokens.windows(2) {
        let noun = pair[0].to_lowercase();
        let named = pair[1].trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
        let mut cs = named.chars();
        if let (Some(c), None) = (cs.next(), cs.next()) {
            if CHARACTER_NOUNS.contains(&noun.as_str()) && c.is_alphanumeric() {
                push(Value::str(named), &mut out);
            }
        }
    }
    for chars in char_lists(description) {
        push(Value::str(&chars), &mut out);
    }
    out
}

/// Text between matching quotes that are not apostrophes inside words, and the text
/// with those quotations blanked out.
fn quoted(text: &str) -> (Vec<String>, String) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut rest = String::new();
    let mut i = 0;
    while i < chars.len() {
        let q = chars[i];
        let opens = matches!(q, '\'' | '"' | '`') && (i == 0 || !chars[i - 1].is_alphanumeric());
        if opens {
            if let Some(len) = chars[i + 1..].iter().position(|c| *c == q) {
                let end = i + 1 + len;
                let closes = end + 1 >= chars.len() || !chars[end + 1].is_alphanumeric();
                if closes && len <= 24 {
                    out.push(chars[i + 1..end].iter().collect());
                    rest.push(' ');
                    i = end + 1;
                    continue;
                }
            }
        }
        rest.push(q);
        i += 1;
    }
    (out, rest)
}

/// Runs of three or more single characters separated by commas ("a, e, i, o, u"), which
/// describe a character class; joined into one string for `c in 'aeiou'`.
fn char_lists(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    for piece in text.split([',', '(', ')', ';', ':']) {
        let p = piece.trim();
        let p = p
            .strip_prefix("and ")
            .or_else(|| p.strip_prefix("or "))
            .unwrap_or(p)
            .trim();
        let mut cs = p.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) if c.is_alphanumeric() => run.push(c),
            _ => {
                if run.chars().count() >= 3 {
                    out.push(std::mem::take(&mut run));
                }
                run.clear();
            }
        }
    }
    if run.chars().count() >= 3 {
        out.push(run);
    }
    out
}

/// Collects runs of punctuation and spacing found in the strings of a value.
fn punctuation_runs(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Str(s) => {
            let mut run = String::new();
            for c in s.chars().chain(std::iter::once('a')) {
                if c.is_alphanumeric() {
                    if !run.is_empty() && run.chars().count() <= 3 {
                        if run.chars().count() > 1 {
                            for ch in run.chars() {
                                let single = Value::str(ch.encode_utf8(&mut [0; 4]));
                                if !out.contains(&single) {
                                    out.push(single);
                                }
                            }
                        }
                        let whole = Value::str(&run);
                        if !out.contains(&whole) {
                            out.push(whole);
                        }
                    }
                    run.clear();
                } else {
                    run.push(c);
                }
            }
        }
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            for x in items.iter() {
                punctuation_runs(x, out);
            }
        }
        Value::Dict(pairs) => {
            for (k, x) in pairs.iter() {
                punctuation_runs(k, out);
                punctuation_runs(x, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn reprs(vs: &[Value]) -> Vec<String> {
        vs.iter().map(Value::repr).collect()
    }

    #[test]
    fn constants_from_descriptions() {
        assert_eq!(
            reprs(&description_constants(
                "How many vowels (a, e, i, o, u, either case) the text has."
            )),
            vec!["'aeiou'"]
        );
        assert_eq!(
            reprs(&description_constants(
                "The part of the address after the @."
            )),
            vec!["'@'"]
        );
        assert_eq!(
            reprs(&description_constants(
                "Join with ' | ' and keep the first 3, don't sort."
            )),
            vec!["' | '", "3"]
        );
        assert_eq!(
            reprs(&description_constants(
                "Replace spaces with underscores, twice."
            )),
            vec!["' '", "'_'", "2"],
            "symbol words in the plural, and number words"
        );
        assert_eq!(
            reprs(&description_constants("Separate by a comma.")),
            vec!["','"]
        );
        assert_eq!(
            reprs(&description_constants(
                "Whether the word ends with the letter s, or the digit 7."
            )),
            vec!["7", "'s'", "'7'"],
            "a single character named by the noun before it"
        );
        assert_eq!(
            reprs(&description_constants("How many zeros the list has.")),
            vec!["0"],
            "number words in the plural"
        );
    }

    #[test]
    fn description_words_negation_and_past_tense() {
        let words =
            description_words("Whether the list is in non-decreasing order, vowels removed.");
        assert!(words.contains("nondecreasing"));
        assert!(!words.contains("decreasing"));
        assert!(words.contains("remove"));
        assert!(words.contains("vowel"));
        assert!(description_words("padded").contains("pad"));
    }

    #[test]
    fn punctuation_from_examples() {
        let mut out = Vec::new();
        punctuation_runs(&Value::str("x, y, z"), &mut out);
        punctuation_runs(&Value::str("HI!"), &mut out);
        assert_eq!(reprs(&out), vec!["','", "' '", "', '", "'!'"]);
    }

    #[test]
    fn examples_become_typed_columns() {
        let task = SynthTask {
            name: "f".into(),
            params: vec![
                ("xs".into(), Some("list[float]".into())),
                ("k".into(), None),
            ],
            returns: Some("float".into()),
            description: String::new(),
            examples: vec![
                ("f([1, 2.5], k=3)".into(), "3".into()),
                ("f([], 4)".into(), "0.5".into()),
            ],
        };
        let p = prepare(&task).ok();
        let p = p.as_ref();
        assert_eq!(p.map(|p| p.params[0].ty.clone()), Some(Ty::list(Ty::Float)));
        assert_eq!(
            p.map(|p| p.params[0].values[0].repr()),
            Some("[1.0, 2.5]".into())
        );
        assert_eq!(p.map(|p| p.params[1].ty.clone()), Some(Ty::Int));
        assert_eq!(
            p.map(|p| reprs(&p.expected)),
            Some(vec!["3.0".into(), "0.5".into()])
        );
    }

    #[test]
    fn bad_examples_are_reported_with_their_position() {
        let mut task = SynthTask {
            name: "f".into(),
            params: vec![("a".into(), None)],
            returns: None,
            description: String::new(),
            examples: vec![("f(np.array([1]))".into(), "1".into())],
        };
        let msg = prepare(&task).err().map(|e| e.to_string());
        assert_eq!(
            msg.as_deref(),
            Some("example 1 `f(np.array([1]))`: column 3: `np.array(...)` is not a literal; only Python literals are supported")
        );
        task.examples = vec![("g(1)".into(), "1".into())];
        assert!(prepare(&task)
            .err()
            .is_some_and(|e| e.to_string().contains("calls `g`")));
        task.examples = vec![("f(1)".into(), "1".into()), ("f('a')".into(), "1".into())];
        assert!(prepare(&task)
            .err()
            .is_some_and(|e| e.to_string().contains("parameter `a`")));
        task.examples = vec![("f(1, 2)".into(), "1".into())];
        assert!(prepare(&task)
            .err()
            .is_some_and(|e| e.to_string().contains("takes 1")));
        task.examples.clear();
        assert!(matches!(
            prepare(&task),
            Err(SynthFailure::NoExamples { .. })
        ));
    }
}
