//! The on-disk record of a combination search that has not found a passing program yet,
//! so the next compile resumes it instead of starting over.
//!
//! It belongs to one program: `key` hashes the program's examples and the fingerprints of
//! the holes searched, and a record whose key no longer matches is dropped. The record is
//! optional in the session file (absent from sessions that never searched, and from files
//! written before it existed), so adding it needed no migration.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchRecord {
    pub key: String,
    /// Candidates of each hole searched, in the order they arrived.
    #[serde(default)]
    pub pools: BTreeMap<String, Vec<String>>,
    /// Rounds of samples drawn for each hole after its first answer; round `r` asked for
    /// sample indices `r * samples ..`, so the next round gets answers not seen yet.
    #[serde(default)]
    pub rounds: BTreeMap<String, u32>,
    /// Hashes of the combinations checked (the code chosen for each hole).
    #[serde(default)]
    pub tried: Vec<String>,
    /// Holes whose swaps changed the program's result, most to blame first.
    #[serde(default)]
    pub blamed: Vec<String>,
    /// Compiles that ran this search.
    #[serde(default)]
    pub compiles: u32,
}
