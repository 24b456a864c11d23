//! `anpl questions SKETCH [--hole H] [--json]`: the open question of each hole, where the
//! implementations that pass its examples still disagree (`engine::questions`). Answer one
//! with `anpl example add`, which prints the next question, if any.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::args::{environment, SketchArgs};
use super::runtime;
use crate::engine::questions::Question;
use crate::engine::{Engine, FrontEnd, SearchSettings};

#[derive(Debug, Args)]
pub struct QuestionsArgs {
    #[command(flatten)]
    pub sketch: SketchArgs,
    /// Only this hole's question.
    #[arg(long, value_name = "NAME")]
    pub hole: Option<String>,
    /// Print a JSON list of {"hole", "call", "answers": [{"value", "count"}]}; `call` and
    /// each `value` are Python source.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &QuestionsArgs) -> Result<ExitCode> {
    let env = environment();
    let mut engine = Engine::open(args.sketch.engine_options(&env, SearchSettings::default()))?;
    let questions = runtime()?.block_on(engine.questions(args.hole.as_deref()))?;
    engine.save()?;
    if args.json {
        super::print_json(&questions)?;
        return Ok(ExitCode::SUCCESS);
    }
    if questions.is_empty() {
        super::outln(format_args!(
            "{}",
            engine.no_questions_note(args.hole.as_deref(), FrontEnd::Cli)
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    print_questions(&engine, &questions)?;
    Ok(ExitCode::SUCCESS)
}

/// Each question with its answers and the command that answers it.
pub fn print_questions(engine: &Engine, questions: &[Question]) -> std::io::Result<()> {
    for q in questions {
        super::outln(format_args!("{}", q.describe()))?;
        let value = q.answers.first().map_or("VALUE", |a| a.value.as_str());
        super::outln(format_args!(
            "  answer: anpl example add {} {} {} {}",
            shell_quote(&engine.sketch.file),
            q.hole,
            shell_quote(&q.call),
            shell_quote(value)
        ))?;
    }
    Ok(())
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c));
    if plain {
        s.to_string()
    } else if !s.contains(['"', '$', '`', '\\', '!']) {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn shell_quote_survives_quotes() {
        assert_eq!(shell_quote("f.py"), "f.py");
        assert_eq!(shell_quote("f('a')"), "\"f('a')\"");
        assert_eq!(shell_quote("f('$a')"), "'f('\\''$a'\\'')'");
    }
}
