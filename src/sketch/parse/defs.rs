//! `def`s: each one's parameters, docstring and layout, whether it is a hole (a
//! docstring-only body), and the rule that a hole's name is its own.

use std::collections::HashMap;

use tree_sitter::Node;

use super::{squash, Builder, DefInfo};
use crate::sketch::docstring::{check_examples, read_docstring, Literal};
use crate::sketch::model::{DefLayout, Param};

impl<'s, 't> Builder<'s, 't> {
    pub(super) fn collect_defs(&mut self) -> Vec<DefInfo<'t>> {
        let raw = std::mem::take(&mut self.caps.defs);
        let mut defs = Vec::with_capacity(raw.len());
        for (node, name, params, ret) in raw {
            let doc_node = self.caps.docstrings.get(&node.id()).copied();
            defs.push(self.def_info(node, name, params, ret, doc_node));
        }
        check_examples(
            self.src,
            defs.iter_mut().filter_map(|d| d.doc.as_mut()),
            &mut self.checker,
            &mut self.diags,
        );
        // Only now are a docstring's examples known, and a hole with neither prose nor a
        // valid example has no description.
        for d in defs.iter().filter(|d| d.is_hole) {
            if d.doc
                .as_ref()
                .is_some_and(|doc| doc.prose.is_empty() && doc.examples.is_empty())
            {
                let at = d
                    .layout
                    .doc
                    .as_ref()
                    .map_or(d.node.start_byte(), |r| r.start);
                self.diags.push(self.src.diag(
                    at,
                    format!(
                        "empty description: say in the docstring what `{}` should do",
                        d.name
                    ),
                ));
            }
        }
        defs
    }

    fn def_info(
        &mut self,
        node: Node<'t>,
        name: Node<'t>,
        params: Node<'t>,
        ret: Option<Node<'t>>,
        doc_node: Option<Node<'t>>,
    ) -> DefInfo<'t> {
        let outer = node
            .parent()
            .filter(|p| p.kind() == "decorated_definition")
            .unwrap_or(node);
        let is_async = node.child(0).is_some_and(|c| c.kind() == "async");
        let mut parent = None;
        let mut top_level = true;
        let mut up = outer.parent();
        while let Some(p) = up {
            if matches!(p.kind(), "function_definition" | "class_definition") {
                top_level = false;
                if parent.is_none() {
                    parent = p
                        .child_by_field_name("name")
                        .map(|n| self.text(n).to_string());
                }
            }
            up = p.parent();
        }
        let lit = doc_node
            .and_then(|d| Literal::of(d, &self.src.text))
            .filter(|l| !l.is_bytes() && !l.is_format() && !l.is_backtick());
        let doc = lit
            .as_ref()
            .map(|l| read_docstring(self.src, l, &mut self.checker, &mut self.diags));
        let is_hole = doc.is_some() && body_is_docstring_only(node);
        let layout = self.def_layout(node, outer, doc_node, lit.as_ref());
        DefInfo {
            node,
            outer,
            name: self.text(name).to_string(),
            params: self.params(params),
            returns: ret.map(|r| squash(self.text(r))),
            is_async,
            doc,
            layout,
            is_hole,
            parent,
            top_level,
        }
    }

    fn def_layout(
        &self,
        node: Node,
        outer: Node,
        doc_node: Option<Node>,
        lit: Option<&Literal>,
    ) -> DefLayout {
        let indent = self.src.indent_at(outer.start_byte()).to_string();
        let body = node.child_by_field_name("body");
        let colon_row = body
            .and_then(|b| b.prev_sibling())
            .map(|c| c.end_position().row);
        let body_start = body.map_or(node.end_byte(), |b| b.start_byte());
        let body_inline = body.is_some_and(|b| Some(b.start_position().row) == colon_row);
        let body_indent = if body_inline {
            format!("{indent}    ")
        } else {
            self.src.indent_at(body_start).to_string()
        };
        DefLayout {
            def_start: node.start_byte(),
            def_end: node.end_byte(),
            indent,
            body_inline,
            body_indent,
            body_start,
            doc: lit.and(doc_node).map(|d| d.byte_range()),
            doc_content: lit.map(|l| l.content.clone()),
            doc_quote: lit.map(|l| l.quote.clone()).unwrap_or_default(),
            doc_prefix: lit.map(|l| l.prefix.clone()).unwrap_or_default(),
        }
    }

    fn params(&self, params: Node) -> Vec<Param> {
        let mut out = Vec::new();
        let mut cursor = params.walk();
        for p in params.named_children(&mut cursor) {
            let field = |f: &str| p.child_by_field_name(f).map(|n| squash(self.text(n)));
            let param = match p.kind() {
                "comment" => continue,
                "typed_parameter" => Param {
                    name: p
                        .named_child(0)
                        .map(|n| self.text(n).to_string())
                        .unwrap_or_default(),
                    annotation: field("type"),
                    default: None,
                },
                "default_parameter" | "typed_default_parameter" => Param {
                    name: field("name").unwrap_or_default(),
                    annotation: field("type"),
                    default: field("value"),
                },
                "keyword_separator" => Param {
                    name: "*".into(),
                    annotation: None,
                    default: None,
                },
                "positional_separator" => Param {
                    name: "/".into(),
                    annotation: None,
                    default: None,
                },
                _ => Param {
                    name: squash(self.text(p)),
                    annotation: None,
                    default: None,
                },
            };
            out.push(param);
        }
        out
    }

    /// A hole must not share its name with another hole or function.
    pub(super) fn check_def_names(&mut self, defs: &[DefInfo]) {
        let mut first: HashMap<&str, &DefInfo> = HashMap::new();
        for d in defs {
            match first.get(d.name.as_str()) {
                Some(prev) if prev.is_hole || d.is_hole => {
                    let what = |x: &DefInfo| if x.is_hole { "a hole" } else { "a function" };
                    self.diags.push(self.src.diag(
                        d.node.start_byte(),
                        format!(
                            "`{}` is defined here as {} and at line {} as {}: a hole needs a name of its own",
                            d.name,
                            what(d),
                            self.src.line_of(prev.node.start_byte()),
                            what(prev)
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    first.insert(&d.name, d);
                }
            }
        }
    }
}

/// True when a function body is a docstring, optionally followed by `...` or `pass`.
fn body_is_docstring_only(def: Node) -> bool {
    let Some(body) = def.child_by_field_name("body") else {
        return false;
    };
    let mut cursor = body.walk();
    let stmts: Vec<Node> = body
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect();
    let Some((first, rest)) = stmts.split_first() else {
        return false;
    };
    let is_string_stmt = first.kind() == "expression_statement"
        && first.named_child_count() == 1
        && first.named_child(0).is_some_and(|s| s.kind() == "string");
    is_string_stmt
        && rest.iter().all(|s| match s.kind() {
            "pass_statement" => true,
            "expression_statement" => {
                s.named_child_count() == 1
                    && s.named_child(0).is_some_and(|e| e.kind() == "ellipsis")
            }
            _ => false,
        })
}
