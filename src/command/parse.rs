//! Parsing one command line into a [`Command`]: words, numbers, flags and the `=>` of an
//! example, with an error that says what was expected.

use std::path::PathBuf;

use super::{Asking, Command, DecomposeFrom, COMMANDS};

/// A parse error, shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

fn err<T>(message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(message.into()))
}

fn usage(name: &str) -> String {
    let synopsis = COMMANDS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or(name, |(_, s, _)| s);
    format!("usage: {synopsis}")
}

/// Split off the first word of `text`, returning it and the rest (trimmed).
fn word(text: &str) -> (&str, &str) {
    let text = text.trim();
    match text.find(char::is_whitespace) {
        Some(i) => (&text[..i], text[i..].trim()),
        None => (text, ""),
    }
}

fn number(text: &str, what: &str) -> Result<usize, ParseError> {
    let t = text.trim_start_matches(['#', 'v']);
    match t.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => err(format!("{what} must be a number from 1, not `{text}`")),
    }
}

/// Remove a `--flag` word from `rest`, saying whether it was there.
fn take_flag(rest: &str, flag: &str) -> (String, bool) {
    let mut found = false;
    let words: Vec<&str> = rest
        .split(' ')
        .filter(|w| {
            if *w == flag {
                found = true;
                false
            } else {
                true
            }
        })
        .collect();
    (words.join(" ").trim().to_string(), found)
}

/// Parse one command line. `text` is the body collected for a trailing `<<TAG`, if any.
pub fn parse(line: &str, text: Option<String>) -> Result<Option<Command>, ParseError> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (name, rest) = word(line);
    let command = match name {
        "holes" | "ls" => Command::Holes,
        "show" => {
            if rest.is_empty() {
                return err(usage("show"));
            }
            Command::Show(rest.to_string())
        }
        "compile" => Command::Compile(rest.split_whitespace().map(str::to_string).collect()),
        "run" => Command::Run,
        "trace" => parse_trace(rest)?,
        "edit" => {
            let (hole, text_arg) = word(rest);
            if hole.is_empty() {
                return err(usage("edit"));
            }
            let text = text.or_else(|| (!text_arg.is_empty()).then(|| text_arg.to_string()));
            Command::Edit {
                hole: hole.to_string(),
                text,
            }
        }
        "example" | "examples" => parse_example(rest)?,
        "resynth" | "resynthesize" => {
            let (hole, more) = word(rest);
            if hole.is_empty() {
                return err(usage("resynth"));
            }
            let samples = match word(more) {
                ("", _) => None,
                ("--samples" | "-n", n) => Some(number(n, "--samples")? as u32),
                (other, _) => {
                    return err(format!("unknown option `{other}`; {}", usage("resynth")))
                }
            };
            Command::Resynth {
                hole: hole.to_string(),
                samples,
            }
        }
        "decompose" => {
            let (hole, more) = word(rest);
            if hole.is_empty() {
                return err(usage("decompose"));
            }
            let how = match (text, word(more)) {
                (Some(t), _) => DecomposeFrom::Text(t),
                (None, ("", _)) => DecomposeFrom::Editor,
                (None, ("--from", "")) => return err("--from needs a file"),
                (None, ("--from", file)) => DecomposeFrom::File(PathBuf::from(file)),
                (None, ("--suggest", "")) => DecomposeFrom::Suggest,
                (None, (other, _)) => {
                    return err(format!("unknown option `{other}`; {}", usage("decompose")))
                }
            };
            Command::Decompose {
                hole: hole.to_string(),
                how,
            }
        }
        "undo" => Command::Undo,
        "redo" => Command::Redo,
        "history" => Command::History,
        "diff" => {
            let parts: Vec<&str> = rest.split_whitespace().collect();
            match parts.as_slice() {
                [hole] => Command::Diff {
                    hole: hole.to_string(),
                    versions: None,
                },
                [hole, a, b] => Command::Diff {
                    hole: hole.to_string(),
                    versions: Some((number(a, "a version")?, number(b, "a version")?)),
                },
                _ => return err(usage("diff")),
            }
        }
        "use" => {
            let parts: Vec<&str> = rest.split_whitespace().collect();
            match parts.as_slice() {
                [hole, v] => Command::Use {
                    hole: hole.to_string(),
                    version: number(v, "the version")?,
                },
                _ => return err(usage("use")),
            }
        }
        "export" => parse_export(rest)?,
        "questions" | "question" => Command::Questions(Asking::List),
        "answer" => {
            let (n, value) = word(rest);
            let (value, docstring) = take_flag(value, "--doc");
            if n.is_empty() || value.is_empty() {
                return err(usage("answer"));
            }
            Command::Questions(Asking::Answer {
                n: number(n, "the question")?,
                value,
                docstring,
            })
        }
        "skip" => Command::Questions(Asking::Skip(number(rest.trim(), "the question")?)),
        "help" | "?" => Command::Help((!rest.is_empty()).then(|| rest.to_string())),
        "quit" | "exit" | "q" => Command::Quit,
        other => return err(format!("unknown command `{other}`; `help` lists them")),
    };
    Ok(Some(command))
}

fn parse_trace(rest: &str) -> Result<Command, ParseError> {
    if rest.contains('(') {
        return Ok(Command::Trace {
            example: None,
            call: Some(rest.to_string()),
            hole: None,
        });
    }
    let mut example = None;
    let mut hole = None;
    for part in rest.split_whitespace() {
        if part.chars().all(|c| c.is_ascii_digit()) && example.is_none() && hole.is_none() {
            example = Some(number(part, "the example")?);
        } else if hole.is_none() {
            hole = Some(part.to_string());
        } else {
            return err(usage("trace"));
        }
    }
    Ok(Command::Trace {
        example,
        call: None,
        hole,
    })
}

fn parse_example(rest: &str) -> Result<Command, ParseError> {
    let (action, rest) = word(rest);
    let (rest, docstring) = take_flag(rest, "--doc");
    let (function, rest) = word(&rest);
    if function.is_empty() {
        return err(usage("example"));
    }
    let function = function.to_string();
    match action {
        "add" => {
            if rest.is_empty() {
                return Ok(Command::ExampleAdd {
                    function,
                    example: None,
                    docstring,
                });
            }
            let Some((call, expected)) = rest.split_once("=>") else {
                return err(
                    "write the example as `CALL => EXPECTED`, e.g. `example add f f(2) => 4`",
                );
            };
            let (call, expected) = (call.trim(), expected.trim());
            if call.is_empty() || expected.is_empty() {
                return err("both sides of `=>` need a Python expression");
            }
            Ok(Command::ExampleAdd {
                function,
                example: Some((call.to_string(), expected.to_string())),
                docstring,
            })
        }
        "rm" | "remove" => Ok(Command::ExampleRm {
            function,
            n: number(rest.trim(), "the example")?,
        }),
        "pin" => {
            let (call, expected) = word(rest);
            if call.is_empty() {
                return err(
                    "usage: example pin HOLE #CALL [EXPECTED] (call numbers are shown by `trace`)",
                );
            }
            let id = call.trim_start_matches('#');
            let Ok(id) = id.parse::<usize>() else {
                return err(format!(
                    "the call must be a number as `trace` shows it (#0, #1, …), not `{call}`"
                ));
            };
            Ok(Command::ExamplePin {
                hole: function,
                call: id,
                expected: (!expected.is_empty()).then(|| expected.to_string()),
                docstring,
            })
        }
        _ => err(usage("example")),
    }
}

fn parse_export(rest: &str) -> Result<Command, ParseError> {
    let mut output = None;
    let mut tests = None;
    let (mut allow_partial, mut allow_failing) = (false, false);
    let mut words = rest.split_whitespace();
    while let Some(w) = words.next() {
        match w {
            "-o" | "--output" => output = words.next().map(PathBuf::from),
            "--tests" => tests = words.next().map(PathBuf::from),
            "--allow-partial" => allow_partial = true,
            "--allow-failing" => allow_failing = true,
            _ => return err(usage("export")),
        }
    }
    match output {
        Some(output) => Ok(Command::Export {
            output,
            tests,
            allow_partial,
            allow_failing,
        }),
        None => err(usage("export")),
    }
}

/// The tag of a trailing `<<TAG`, if the line ends with one.
pub fn heredoc_tag(line: &str) -> Option<&str> {
    let last = line.split_whitespace().last()?;
    let tag = last.strip_prefix("<<")?;
    (!tag.is_empty()).then_some(tag)
}

/// The line without its trailing `<<TAG`.
pub fn strip_heredoc(line: &str) -> &str {
    match line.trim_end().rfind("<<") {
        Some(i) if heredoc_tag(line).is_some() => line[..i].trim_end(),
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn p(line: &str) -> Command {
        parse(line, None).unwrap().unwrap()
    }

    #[test]
    fn examples_parse_with_their_arrow() {
        assert_eq!(
            p("example add count_words count_words(\"a a b\") => {'a': 2, 'b': 1}"),
            Command::ExampleAdd {
                function: "count_words".into(),
                example: Some(("count_words(\"a a b\")".into(), "{'a': 2, 'b': 1}".into())),
                docstring: false,
            }
        );
        assert_eq!(
            p("example pin f #3 [1, 2] --doc"),
            Command::ExamplePin {
                hole: "f".into(),
                call: 3,
                expected: Some("[1, 2]".into()),
                docstring: true,
            }
        );
        assert_eq!(
            p("example rm f 2"),
            Command::ExampleRm {
                function: "f".into(),
                n: 2
            }
        );
        assert!(parse("example add f f(1)", None).is_err());
        assert!(parse("example rm f zero", None).is_err());
    }

    #[test]
    fn questions_are_answered_and_skipped_by_number() {
        assert_eq!(p("questions"), Command::Questions(Asking::List));
        assert_eq!(
            p("answer 2 'a b'"),
            Command::Questions(Asking::Answer {
                n: 2,
                value: "'a b'".into(),
                docstring: false,
            })
        );
        assert_eq!(
            p("answer 1 [1,  '--doc'] --doc"),
            Command::Questions(Asking::Answer {
                n: 1,
                value: "[1,  '--doc']".into(),
                docstring: true,
            })
        );
        assert!(parse("answer 1 --doc", None).is_err());
        assert_eq!(p("skip 1"), Command::Questions(Asking::Skip(1)));
        assert!(parse("answer 1", None).is_err());
        assert!(parse("skip x", None).is_err());
    }

    #[test]
    fn trace_takes_an_example_number_a_call_or_a_hole() {
        assert_eq!(
            p("trace 2 count"),
            Command::Trace {
                example: Some(2),
                call: None,
                hole: Some("count".into())
            }
        );
        assert_eq!(
            p("trace main('x y')"),
            Command::Trace {
                example: None,
                call: Some("main('x y')".into()),
                hole: None
            }
        );
    }

    #[test]
    fn heredoc_text_feeds_edit_and_decompose() {
        assert_eq!(heredoc_tag("decompose f <<END"), Some("END"));
        assert_eq!(strip_heredoc("decompose f <<END"), "decompose f");
        assert_eq!(
            parse("decompose f", Some("return 1\n".into()))
                .unwrap()
                .unwrap(),
            Command::Decompose {
                hole: "f".into(),
                how: DecomposeFrom::Text("return 1\n".into())
            }
        );
        assert_eq!(
            p("decompose f --from body.py"),
            Command::Decompose {
                hole: "f".into(),
                how: DecomposeFrom::File("body.py".into())
            }
        );
    }

    #[test]
    fn mistakes_say_what_is_expected() {
        assert_eq!(
            parse("frobnicate", None).unwrap_err().0,
            "unknown command `frobnicate`; `help` lists them"
        );
        assert_eq!(parse("show", None).unwrap_err().0, "usage: show HOLE");
        assert!(parse("resynth f --samples 0", None).is_err());
        assert!(parse("export", None).is_err());
        assert_eq!(parse("   # a comment", None).unwrap(), None);
    }
}
