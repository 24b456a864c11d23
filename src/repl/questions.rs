//! The REPL's question commands: `questions` lists the open question of each hole
//! (numbered), `answer N VALUE` makes VALUE an example of that hole, which drops the
//! candidates that disagree and shows the hole's next question, and `skip N` puts a
//! question aside until its candidates change. The engine computes everything
//! (`engine::questions`); this file only numbers and prints.

use super::dispatch::{text, Result};
use super::Repl;
use crate::command::Asking;
use crate::engine::FrontEnd;

impl Repl {
    pub(super) fn asking(&mut self, command: Asking) -> Result<()> {
        match command {
            Asking::List => {
                let found = self
                    .block(|engine, _, _, _| async move { engine.questions(None).await })
                    .map_err(text)?;
                self.asked = found;
                self.show_questions();
            }
            Asking::Answer {
                n,
                value,
                docstring,
            } => {
                let q = self.question(n)?;
                self.engine.begin("answer", Some(&q.hole));
                let answered = self.block(|engine, _, _, _| {
                    let (hole, call) = (q.hole.clone(), q.call.clone());
                    let value = value.clone();
                    async move { engine.answer(&hole, &call, &value, docstring).await }
                });
                let ended = self.engine.end().map_err(text);
                let answered = answered.map_err(text)?;
                ended?;
                let mut out = format!(
                    "{}: example {} added: {} => {value}",
                    q.hole, answered.example, q.call
                );
                if answered.dropped > 0 {
                    out.push_str(&format!(
                        "\n{} candidate(s) that disagreed dropped, {} left",
                        answered.dropped, answered.remaining
                    ));
                }
                if answered.replaced {
                    out.push_str(
                        "\nthe implementation in use disagreed; a candidate that agrees took its place",
                    );
                }
                if answered.refill {
                    out.push_str(&format!(
                        "\nno candidate gives that; `compile {}` fills it again",
                        q.hole
                    ));
                }
                self.say(&out);
                self.asked.retain(|a| a.hole != q.hole);
                if let Some(next) = answered.next {
                    self.asked.push(next);
                }
                self.show_questions();
            }
            Asking::Skip(n) => {
                let q = self.question(n)?;
                self.engine.skip_question(&q).map_err(text)?;
                self.asked.remove(n - 1);
                self.say(&format!(
                    "{}: {} skipped; it is not asked again while its candidates stay the same",
                    q.hole, q.call
                ));
            }
        }
        Ok(())
    }

    fn question(&self, n: usize) -> Result<crate::engine::questions::Question> {
        match n.checked_sub(1).and_then(|i| self.asked.get(i)) {
            Some(q) => Ok(q.clone()),
            None if self.asked.is_empty() => {
                Err("no questions listed; `questions` lists the open ones".to_string())
            }
            None => Err(format!(
                "no question {n}: `questions` listed {} (numbered from 1)",
                self.asked.len()
            )),
        }
    }

    fn show_questions(&self) {
        if self.asked.is_empty() {
            self.say(&self.engine.no_questions_note(None, FrontEnd::Repl));
            return;
        }
        let mut out = String::new();
        for (i, q) in self.asked.iter().enumerate() {
            out.push_str(&format!("[{}] {}\n", i + 1, q.describe()));
        }
        out.push_str("answer N VALUE to answer (VALUE is Python source; --doc writes it into the docstring), skip N to put one aside");
        self.say(&out);
    }
}
