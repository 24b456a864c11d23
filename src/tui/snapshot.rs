//! What the UI knows about the engine: a plain-data copy of the sketch, each hole's saved
//! state, the examples of every function, and usage, taken after every operation. The
//! engine lives in a background task (it is busy, mutably borrowed, for a whole compile),
//! so the UI never reaches into it; it draws from the latest snapshot plus the live events
//! of the running operation. The hole tree is flattened here once per snapshot, not per
//! frame.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::engine::history::HistoryItem;
use crate::engine::ops::VersionInfo;
use crate::engine::Engine;
use crate::session::{HoleStatus, Usage};
use crate::sketch::{Example, Sketch, TreeNode};

/// A hole's saved state.
#[derive(Debug, Clone, PartialEq)]
pub struct HoleState {
    pub status: HoleStatus,
    pub code: Option<String>,
    /// 1-based number of the version in use, and how many there are.
    pub version: Option<usize>,
    pub versions: usize,
    /// Who wrote the version in use.
    pub by: Option<String>,
    /// Why the implementation is a guess to review, when its status is `guess`.
    pub guess: Option<String>,
    pub last_failure: Option<String>,
}

/// One row of the flattened hole tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    pub depth: usize,
    pub name: String,
    pub is_hole: bool,
    /// The subtree is drawn elsewhere (called from several places, or recursion).
    pub repeated: bool,
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub sketch: Arc<Sketch>,
    pub holes: BTreeMap<String, HoleState>,
    /// Every example of every function and hole, from every source.
    pub examples: BTreeMap<String, Vec<Example>>,
    /// Implementations in use (stale holes left out), what runs and traces execute.
    pub implementations: BTreeMap<String, String>,
    pub usage: Usage,
    pub session_path: PathBuf,
    /// Models with transcripts in the session, most recent last (for `replay`).
    pub recorded_models: Vec<String>,
    pub tree: Vec<TreeRow>,
    /// Every hole's versions, oldest first (for the versions overlay).
    pub versions: BTreeMap<String, Vec<VersionInfo>>,
    /// The operations recorded for undo, oldest first.
    pub history: Vec<HistoryItem>,
}

impl Snapshot {
    pub fn of(engine: &Engine) -> Snapshot {
        let sketch = engine.sketch.clone();
        let session = engine.session();
        let statuses = engine.statuses();
        let mut holes = BTreeMap::new();
        for hole in &sketch.holes {
            let record = session.holes.get(&hole.id);
            let current = record.and_then(|r| r.current);
            let version = current.and_then(|i| record.and_then(|r| r.versions.get(i)));
            let status = statuses.get(&hole.id).copied().unwrap_or_default();
            holes.insert(
                hole.id.clone(),
                HoleState {
                    status,
                    code: version.map(|v| v.code.clone()),
                    version: current.map(|i| i + 1),
                    versions: record.map_or(0, |r| r.versions.len()),
                    by: version.map(|v| v.origin.to_string()),
                    guess: record
                        .and_then(|r| r.guess.clone())
                        .filter(|_| status == HoleStatus::Guess),
                    last_failure: record.and_then(|r| r.last_failure.clone()),
                },
            );
        }
        let versions = sketch
            .holes
            .iter()
            .map(|h| (h.id.clone(), engine.versions(&h.id)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let mut examples = BTreeMap::new();
        let names = sketch
            .functions
            .iter()
            .map(|f| f.name.as_str())
            .chain(sketch.holes.iter().map(|h| h.id.as_str()));
        for name in names {
            let list = engine.examples_for(name);
            if !list.is_empty() {
                examples.insert(name.to_string(), list);
            }
        }
        let mut transcripts: Vec<_> = session.transcripts.values().collect();
        transcripts.sort_by_key(|t| t.created);
        let mut recorded_models: Vec<String> = Vec::new();
        for t in transcripts {
            recorded_models.retain(|m| m != &t.model);
            recorded_models.push(t.model.clone());
        }
        let mut tree = Vec::new();
        for root in sketch.tree() {
            flatten(&root, 0, &sketch, &mut tree);
        }
        Snapshot {
            implementations: engine.implementations(),
            sketch,
            holes,
            examples,
            usage: session.usage,
            session_path: engine.session_path().to_path_buf(),
            recorded_models,
            tree,
            versions,
            history: engine.history(),
        }
    }

    pub fn examples_of(&self, name: &str) -> &[Example] {
        self.examples.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn status(&self, name: &str) -> Option<HoleStatus> {
        self.holes.get(name).map(|h| h.status)
    }
}

fn flatten(node: &TreeNode, depth: usize, sketch: &Sketch, out: &mut Vec<TreeRow>) {
    out.push(TreeRow {
        depth,
        name: node.name.clone(),
        is_hole: sketch.hole(&node.name).is_some(),
        repeated: node.repeated,
    });
    for child in &node.children {
        flatten(child, depth + 1, sketch, out);
    }
}
