//! The on-disk part of questions (`engine::questions`): per hole, the candidates that pass
//! every example (so a question can be asked again later without new requests) and the
//! questions the user skipped. Answered questions need no record of their own: an answer
//! is an example of the hole, kept with the other examples.

use serde::{Deserialize, Serialize};

use super::model::Origin;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HoleQuestions {
    /// Implementations that passed every example when they were found, the one in use
    /// first. A question is asked when they disagree on some input.
    #[serde(default)]
    pub candidates: Vec<Candidate>,
    /// Candidates an example has ruled out. They are checked again, with the candidates
    /// above, whenever a question is computed, so removing a mistaken answer (or any
    /// example) brings back the candidates it alone ruled out. A new fill starts afresh.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_aside: Vec<Candidate>,
    /// Questions the user chose not to answer. One is not asked again while the
    /// candidates it was asked about are the same.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub code: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The call asked about (Python source).
    pub call: String,
    /// A hash of the candidates the question was computed from.
    pub candidates: String,
}
