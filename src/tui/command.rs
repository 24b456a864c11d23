//! The `:` command line: REPL-style commands parsed into what the app does. Unknown
//! commands and bad arguments get a message naming the problem and the commands there are.

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `compile` (every hole that needs it) or `compile HOLE…` (those again).
    Compile(Vec<String>),
    Run,
    /// `trace` (the chosen example) or `trace N` (1-based).
    Trace(Option<usize>),
    Export(String),
    Help,
    Quit,
}

pub const COMMANDS: &str = "compile [HOLE…], run, trace [N], export FILE, help, quit";

pub fn parse(line: &str) -> Result<Command, String> {
    let mut words = line.split_whitespace();
    let Some(head) = words.next() else {
        return Err(format!("type a command: {COMMANDS}"));
    };
    let rest: Vec<String> = words.map(str::to_string).collect();
    let no_args = |cmd: Command| {
        if rest.is_empty() {
            Ok(cmd)
        } else {
            Err(format!("`{head}` takes no arguments"))
        }
    };
    match head {
        "compile" | "c" => Ok(Command::Compile(rest)),
        "run" | "r" => no_args(Command::Run),
        "trace" | "t" => match rest.as_slice() {
            [] => Ok(Command::Trace(None)),
            [n] => match n.parse::<usize>() {
                Ok(n) if n >= 1 => Ok(Command::Trace(Some(n))),
                _ => Err(format!(
                    "trace {n}: give the example's number, counting from 1"
                )),
            },
            _ => Err("`trace` takes one example number".to_string()),
        },
        "export" => match rest.as_slice() {
            [path] => Ok(Command::Export(path.clone())),
            [] => Err(
                "export FILE: say where to write the program, e.g. `export solution.py`"
                    .to_string(),
            ),
            _ => Err("`export` takes one file name".to_string()),
        },
        "help" | "h" | "?" => no_args(Command::Help),
        "quit" | "q" => no_args(Command::Quit),
        other => Err(format!("unknown command `{other}`; commands: {COMMANDS}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn commands_parse() {
        assert_eq!(parse("compile"), Ok(Command::Compile(vec![])));
        assert_eq!(
            parse(" compile a  b "),
            Ok(Command::Compile(vec!["a".into(), "b".into()]))
        );
        assert_eq!(parse("trace 2"), Ok(Command::Trace(Some(2))));
        assert_eq!(parse("trace"), Ok(Command::Trace(None)));
        assert_eq!(parse("export out.py"), Ok(Command::Export("out.py".into())));
        assert_eq!(parse("q"), Ok(Command::Quit));
    }

    #[test]
    fn bad_commands_say_what_is_wrong() {
        assert_eq!(
            parse("frobnicate"),
            Err(format!(
                "unknown command `frobnicate`; commands: {COMMANDS}"
            ))
        );
        assert_eq!(
            parse("trace 0"),
            Err("trace 0: give the example's number, counting from 1".into())
        );
        assert!(parse("export").is_err_and(|e| e.starts_with("export FILE")));
        assert_eq!(parse("run now"), Err("`run` takes no arguments".into()));
        assert!(parse("  ").is_err());
    }
}
