//! The questions as the driver runs them in the engine task: the open questions listed
//! (after every compile, and when the user asks), one answered (`Engine::answer`, recorded
//! as one operation for undo) or skipped (`Engine::skip_question`, remembered in the
//! session). Each sends the app what changed as an [`Asked`] before the snapshot that ends
//! the operation; the `Ok` text is the message the bottom line shows.

use super::event::{AppEvent, AppSender};
use crate::engine::questions::Question;
use crate::engine::Engine;

/// A question operation, as the app asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AskOp {
    /// Compute the open question of every hole.
    List,
    /// `value` (Python source) is what `question.call` should return; `docstring`: written
    /// into the hole's docstring as a doctest.
    Answer {
        question: Question,
        value: String,
        docstring: bool,
    },
    /// Do not ask `question` again while its hole's candidates stay the same.
    Skip(Question),
}

impl AskOp {
    pub fn label(&self) -> String {
        match self {
            AskOp::List => "questions".into(),
            AskOp::Answer { question, .. } => format!("answer {}", question.call),
            AskOp::Skip(question) => format!("skip {}", question.call),
        }
    }
}

/// What a question operation changed in the list of open questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// Every open question, computed anew.
    Listed(Vec<Question>),
    /// `question` was answered; `next` is its hole's next question, if its candidates
    /// still disagree.
    Answered {
        question: Question,
        next: Option<Question>,
    },
    /// `question` was skipped; `next` is another question about its hole, on another
    /// call, if its candidates disagree there too.
    Skipped {
        question: Question,
        next: Option<Question>,
    },
}

pub async fn perform(
    engine: &mut Engine,
    generation: u64,
    op: AskOp,
    sender: &AppSender,
) -> Result<String, String> {
    let err = |e: crate::engine::EngineError| e.to_string();
    match op {
        AskOp::List => {
            let list = list(engine, None).await?;
            let text = match list.len() {
                0 => engine.no_questions_note(None, crate::engine::FrontEnd::Tui),
                1 => "1 open question".to_string(),
                n => format!("{n} open questions"),
            };
            sender.send(AppEvent::Asked {
                generation,
                asked: Asked::Listed(list),
            });
            Ok(text)
        }
        AskOp::Answer {
            question,
            value,
            docstring,
        } => {
            let (hole, call) = (question.hole.clone(), question.call.clone());
            // The example and a replaced implementation are undone together.
            engine.begin("answer", Some(&hole));
            let answered = engine.answer(&hole, &call, &value, docstring).await;
            let ended = engine.end();
            let answered = answered.map_err(err)?;
            ended.map_err(err)?;
            let mut text = format!(
                "{hole}: example {} added: {call} => {}",
                answered.example,
                value.trim()
            );
            if answered.dropped > 0 {
                text.push_str(&format!(
                    "; {} candidate(s) that disagreed dropped, {} left",
                    answered.dropped, answered.remaining
                ));
            }
            if answered.replaced {
                text.push_str("; a candidate that agrees took the place of the one in use");
            }
            if answered.refill {
                text.push_str(&format!(
                    "; no candidate gives that: `compile {hole}` fills it again"
                ));
            }
            sender.send(AppEvent::Asked {
                generation,
                asked: Asked::Answered {
                    question,
                    next: answered.next,
                },
            });
            Ok(text)
        }
        AskOp::Skip(question) => {
            engine.skip_question(&question).map_err(err)?;
            // A skip puts one call aside: the hole's candidates may disagree elsewhere.
            let next = list(engine, Some(&question.hole)).await?.into_iter().next();
            let text = format!(
                "{}: {} skipped; it is not asked again while its candidates stay the same",
                question.hole, question.call
            );
            sender.send(AppEvent::Asked {
                generation,
                asked: Asked::Skipped { question, next },
            });
            Ok(text)
        }
    }
}

/// After a compile: the open questions, sent to the app so it can point to them. `Err` is
/// why they could not be computed (the compile itself stands).
pub async fn after_compile(
    engine: &mut Engine,
    generation: u64,
    sender: &AppSender,
) -> Result<(), String> {
    let list = list(engine, None).await?;
    sender.send(AppEvent::Asked {
        generation,
        asked: Asked::Listed(list),
    });
    Ok(())
}

/// The open questions (of one hole, or all). Computing them drops the candidates that no
/// longer pass; the session keeps that.
async fn list(engine: &mut Engine, hole: Option<&str>) -> Result<Vec<Question>, String> {
    let list = engine.questions(hole).await.map_err(|e| e.to_string())?;
    engine.save().map_err(|e| e.to_string())?;
    Ok(list)
}
