//! What the REPL shows, as text: the numbered hole tree, one hole in full, the history,
//! engine events as progress lines, and coloured diffs. Pure functions of engine state, so
//! they are tested without a terminal; the loop in `mod.rs` writes them out.

use std::fmt::Write as _;

use crate::engine::check::CheckReport;
use crate::engine::history::HistoryItem;
use crate::engine::{Engine, Event};
use crate::present;
use crate::session::HoleStatus;
use crate::sketch::TreeNode;

/// The number `holes` shows for each hole: its position in the sketch, from 1.
pub fn hole_number(engine: &Engine, id: &str) -> Option<usize> {
    engine
        .sketch
        .holes
        .iter()
        .position(|h| h.id == id)
        .map(|i| i + 1)
}

fn status_label(engine: &Engine, id: &str) -> &'static str {
    if engine.stale_holes().iter().any(|h| h == id) {
        return HoleStatus::Stale.label();
    }
    engine.status(id).label()
}

/// The program as a tree: functions, and every hole numbered with its status.
pub fn holes(engine: &Engine) -> String {
    let mut out = String::new();
    for (i, root) in engine.sketch.tree().iter().enumerate() {
        if i == 1 {
            out.push_str("not reached from the entry:\n");
        }
        out.push_str(&label(engine, root));
        out.push('\n');
        walk(engine, &root.children, "", &mut out);
    }
    out
}

fn walk(engine: &Engine, nodes: &[TreeNode], prefix: &str, out: &mut String) {
    for (i, n) in nodes.iter().enumerate() {
        let last = i + 1 == nodes.len();
        let _ = writeln!(
            out,
            "{prefix}{}{}",
            if last { "└── " } else { "├── " },
            label(engine, n)
        );
        let deeper = format!("{prefix}{}", if last { "    " } else { "│   " });
        walk(engine, &n.children, &deeper, out);
    }
}

fn label(engine: &Engine, node: &TreeNode) -> String {
    let again = if node.repeated { " (see above)" } else { "" };
    match engine.sketch.hole(&node.name) {
        Some(h) => format!(
            "[{}] {} {:<9} {}{again}",
            hole_number(engine, &h.id).unwrap_or(0),
            h.id,
            status_label(engine, &h.id),
            present::clip(h.summary(), 60)
        ),
        None => {
            let entry = if node.name == engine.sketch.entry {
                " (entry)"
            } else {
                ""
            };
            format!("{}{entry}{again}", node.name)
        }
    }
}

/// One hole in full: what it is for, its examples and how they fare, the code in use and
/// every version.
pub fn hole(engine: &Engine, id: &str, checked: Option<&CheckReport>) -> String {
    let mut out = String::new();
    let Some(h) = engine.sketch.hole(id) else {
        return out;
    };
    let _ = writeln!(
        out,
        "[{}] {} · {} · {} line {}",
        hole_number(engine, id).unwrap_or(0),
        h.signature(),
        h.kind.as_str(),
        status_label(engine, id),
        h.line
    );
    for line in h.description.lines() {
        let _ = writeln!(out, "  {line}");
    }
    let examples = engine.examples_for(id);
    if examples.is_empty() {
        let _ = writeln!(
            out,
            "examples: none (add one with `example add {id} {id}(...) => VALUE`)"
        );
    } else {
        let _ = writeln!(out, "examples:");
        match checked {
            Some(report) if report.results.len() == examples.len() => {
                if let Some(fatal) = &report.fatal {
                    let _ = writeln!(out, "  {}", present::clip(fatal, 200));
                }
                for (i, r) in report.results.iter().enumerate() {
                    out.push_str(&present::example_lines(i + 1, r));
                }
            }
            _ => {
                for (i, e) in examples.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "       {}  {} => {}",
                        i + 1,
                        e.call,
                        present::value_line(&e.expected, 80)
                    );
                }
            }
        }
    }
    match engine.session().current_code(id) {
        Some(code) => {
            let _ = writeln!(out, "implementation:");
            for line in code.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        None => {
            let _ = writeln!(out, "implementation: none yet (`compile {id}`)");
        }
    }
    if let Some(failure) = engine
        .session()
        .holes
        .get(id)
        .and_then(|r| r.last_failure.as_ref())
    {
        let _ = writeln!(out, "last failure: {}", present::clip(failure, 200));
    }
    let versions = engine.versions(id);
    if !versions.is_empty() {
        let _ = writeln!(out, "versions:");
        for v in versions {
            let _ = writeln!(
                out,
                "  {} v{} by {}{}",
                if v.current { "*" } else { " " },
                v.number,
                v.origin,
                if v.outdated {
                    " (for an older description)"
                } else {
                    ""
                }
            );
        }
    }
    out
}

pub fn history(items: &[HistoryItem]) -> String {
    if items.is_empty() {
        return "no operations recorded yet\n".to_string();
    }
    let mut out = String::new();
    for item in items {
        let _ = writeln!(
            out,
            "{:>3}  {}{}{}",
            item.number,
            item.operation,
            if item.changed_sketch {
                "  (sketch edited)"
            } else {
                ""
            },
            if item.undone { "  [undone]" } else { "" }
        );
    }
    out
}

/// A unified diff, coloured for a terminal when `color`.
pub fn diff(text: &str, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let mut out = String::new();
    for line in text.lines() {
        let code = if line.starts_with("+++") || line.starts_with("---") {
            "1"
        } else if line.starts_with('+') {
            "32"
        } else if line.starts_with('-') {
            "31"
        } else if line.starts_with("@@") {
            "36"
        } else {
            ""
        };
        if code.is_empty() {
            let _ = writeln!(out, "{line}");
        } else {
            let _ = writeln!(out, "\x1b[{code}m{line}\x1b[0m");
        }
    }
    out
}

/// One engine event as a progress line, or None for events not worth a line.
pub fn event(event: &Event) -> Option<String> {
    Some(match event {
        Event::HoleQueued { .. }
        | Event::Tokens { .. }
        | Event::CombinationSearch { .. }
        | Event::Receiving { .. } => return None,
        Event::CandidateChecked { passed: true, .. } => return None,
        Event::RequestSent {
            hole,
            samples,
            temperature,
            cached,
            ..
        } => format!(
            "  {hole}: {} {samples} sample(s) at temperature {temperature}",
            if *cached { "replayed" } else { "requested" }
        ),
        Event::CandidateRejected { hole, reason } => {
            format!("  {hole}: answer rejected: {}", present::clip(reason, 120))
        }
        Event::CandidateChecked { hole, failure, .. } => format!(
            "  {hole}: candidate failed: {}",
            present::clip(failure.as_deref().unwrap_or(""), 140)
        ),
        Event::RepairRound { hole, round } => format!("  {hole}: repair round {round}"),
        Event::HoleFilled { hole, by, verified } => format!(
            "  {hole}: filled by {by}{}",
            if *verified { ", examples pass" } else { "" }
        ),
        Event::HoleFailed { hole, reason } => {
            format!("  {hole}: not filled: {}", present::clip(reason, 200))
        }
        Event::ProgramChecked { passed, total } => {
            format!("  program: {passed} of {total} example(s) pass")
        }
        Event::Message { text } => format!("  {text}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_are_coloured_only_for_terminals() {
        let d = "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n";
        assert_eq!(diff(d, false), d);
        let c = diff(d, true);
        assert!(c.contains("\x1b[31m-x\x1b[0m"));
        assert!(c.contains("\x1b[32m+y\x1b[0m"));
    }

    #[test]
    fn quiet_events_have_no_line() {
        assert_eq!(event(&Event::HoleQueued { hole: "f".into() }), None);
        assert_eq!(
            event(&Event::RepairRound {
                hole: "f".into(),
                round: 2
            })
            .as_deref(),
            Some("  f: repair round 2")
        );
    }
}
