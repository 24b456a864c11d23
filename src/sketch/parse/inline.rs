//! Inline holes: hole calls grouped by description (one description, one hole), the
//! shape of their arguments, and their identifiers.

use std::collections::{BTreeMap, HashSet};

use tree_sitter::Node;

use super::{Builder, InlineInfo};
use crate::sketch::arg_names;
use crate::sketch::docstring::{cleandoc, unescape, Literal};
use crate::sketch::model::HoleKind;
use crate::sketch::naming::{self, ArgShape, Naming};
use crate::sketch::sharing;

impl<'s, 't> Builder<'s, 't> {
    pub(super) fn collect_inline(&mut self) -> Vec<InlineInfo> {
        let mut by_desc: BTreeMap<String, usize> = BTreeMap::new();
        let mut out: Vec<InlineInfo> = Vec::new();
        for &n in &self.caps.concatenated {
            self.diags.push(self.src.diag(
                n.start_byte(),
                "a hole description must be one string literal, not several written side by side",
            ));
        }
        let found = std::mem::take(&mut self.caps.hole_calls);
        for (call, lit_node, args) in found {
            let Some(lit) = Literal::of(lit_node, &self.src.text) else {
                continue;
            };
            let at = lit_node.start_byte();
            if lit.is_bytes() {
                self.diags.push(
                    self.src
                        .diag(at, "a bytes literal cannot be a hole description"),
                );
                continue;
            }
            if lit.has_interpolation {
                self.diags.push(self.src.diag(
                    at,
                    "an f-string with {…} cannot be a hole description: descriptions are fixed text",
                ));
                continue;
            }
            let raw = self.src.text.get(lit.content.clone()).unwrap_or("");
            let decoded = if lit.is_backtick() || lit.is_raw() {
                raw.to_string()
            } else {
                unescape(raw)
            };
            let description = if lit.is_triple() {
                cleandoc(&decoded)
            } else {
                decoded.replace("\r\n", "\n").trim().to_string()
            };
            if description.is_empty() {
                self.diags.push(
                    self.src
                        .diag(at, "empty description: say what this hole should do"),
                );
                continue;
            }
            let lead = raw.len() - raw.trim_start().len();
            let desc_span = lit.content.start + lead..lit.content.start + raw.trim_end().len();
            let shapes = self.arg_shapes(args);
            let usage = sharing::Use::of(
                call,
                shapes
                    .iter()
                    .filter(|s| matches!(s, ArgShape::Positional(_)))
                    .count(),
                shapes
                    .iter()
                    .filter_map(|s| match s {
                        ArgShape::Keyword(k) => Some(k.clone()),
                        _ => None,
                    })
                    .collect(),
                shapes
                    .iter()
                    .filter(|s| matches!(s, ArgShape::Splat | ArgShape::DoubleSplat))
                    .count(),
            );
            let kind = if lit.is_backtick() {
                HoleKind::InlineBacktick
            } else {
                HoleKind::InlineString
            };
            match by_desc.get(&description) {
                Some(&i) => {
                    let first = &out[i];
                    if let Some(why) = sharing::conflict(&usage, &first.usage) {
                        let (line, col) = self.src.line_col(first.calls[0]);
                        self.diags.push(self.src.diag(
                            call.start_byte(),
                            format!(
                                "this call and the one at {line}:{col} share a description, so they \
                                 would share one implementation, but {why}. If they mean different \
                                 functions, give each its own description (say what differs); if \
                                 they mean one, call it the same way in both places"
                            ),
                        ));
                    }
                    out[i].sites.push(lit_node.byte_range());
                    out[i].calls.push(call.start_byte());
                }
                None => {
                    by_desc.insert(description.clone(), out.len());
                    out.push(InlineInfo {
                        description,
                        kind,
                        desc_span,
                        sites: vec![lit_node.byte_range()],
                        calls: vec![call.start_byte()],
                        params: naming::param_names(&shapes),
                        usage,
                    });
                }
            }
        }
        out
    }

    fn arg_shapes(&self, args: Node) -> Vec<ArgShape> {
        if args.kind() != "argument_list" {
            return vec![ArgShape::Positional(None)];
        }
        let mut cursor = args.walk();
        args.named_children(&mut cursor)
            .filter(|a| a.kind() != "comment")
            .map(|a| match a.kind() {
                "identifier" => ArgShape::Positional(Some(self.text(a).to_string())),
                "keyword_argument" => ArgShape::Keyword(
                    a.child_by_field_name("name")
                        .map(|n| self.text(n).to_string())
                        .unwrap_or_default(),
                ),
                "list_splat" | "parenthesized_list_splat" => ArgShape::Splat,
                "dictionary_splat" => ArgShape::DoubleSplat,
                _ => ArgShape::Positional(arg_names::from_expression(a, &self.src.text)),
            })
            .collect()
    }

    /// Identifiers for the inline holes, or `None` after reporting a clash.
    pub(super) fn name_inline(&mut self, inline: &[InlineInfo]) -> Option<Vec<String>> {
        // Borrowed names: a big sketch has tens of thousands of identifiers to reserve.
        let mut reserved: HashSet<&str> = naming::KEYWORDS
            .iter()
            .chain(naming::BUILTINS)
            .copied()
            .collect();
        for &n in self.caps.names.iter().chain(&self.caps.bound) {
            reserved.insert(self.text(n));
        }
        let descs: Vec<&str> = inline.iter().map(|h| h.description.as_str()).collect();
        match naming::inline_ids(&descs, &reserved) {
            Naming::Ids(ids) => Some(ids),
            Naming::Clash(a, b) => {
                let (first, second) = (&inline[a], &inline[b]);
                let line = self.src.line_of(first.sites[0].start);
                self.diags.push(self.src.diag(
                    second.sites[0].start,
                    format!(
                        "this description and the one at line {line} differ only in case or punctuation, \
                         so they would get the same identifier: reword one, or write both the same way to make them one hole"
                    ),
                ));
                None
            }
        }
    }
}
