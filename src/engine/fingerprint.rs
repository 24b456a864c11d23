//! What an implementation was made for.
//!
//! A hole's fingerprint hashes its identifier, description and signature. When the user
//! changes any of them (in anpl or in their own editor), the saved implementation no longer
//! answers the question asked and the hole is stale. Examples are left out on purpose:
//! adding an example does not make old code stale, it makes the engine check it again.

use sha2::{Digest, Sha256};

use crate::sketch::Hole;

pub fn fingerprint(hole: &Hole) -> String {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        // Length-prefixed so that ("ab", "c") and ("a", "bc") differ.
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(hole.id.as_bytes());
    field(hole.description.trim().as_bytes());
    for param in &hole.params {
        field(param.name.as_bytes());
        field(param.annotation.as_deref().unwrap_or("").as_bytes());
        field(param.default.as_deref().unwrap_or("").as_bytes());
    }
    field(hole.returns.as_deref().unwrap_or("").as_bytes());
    field(if hole.is_async { b"async" } else { b"sync" });
    let digest = hasher.finalize();
    hex::encode(&digest[..12])
}

/// A hash of what a check saw (code and examples, or a whole program and its examples).
/// When it matches the one saved after a passing check, the check need not run again.
pub fn check_hash(code: &str, examples: &[crate::sketch::Example]) -> String {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(code.as_bytes());
    for e in examples {
        field(e.call.as_bytes());
        field(e.expected.as_bytes());
    }
    hex::encode(&hasher.finalize()[..12])
}

/// A hash of several texts, each length-prefixed so that no two different lists of parts
/// hash alike.
pub fn hash_parts<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(&hasher.finalize()[..12])
}
