//! Parameter names for inline hole arguments that are expressions, not plain names.
//!
//! `"the median"(sorted_list[i])` used to give the hole a parameter `arg1`, which tells a
//! model nothing. The parser asks [`from_expression`] for a name instead: the subscripted
//! value's name with `_item` (`sorted_list_item`), an attribute's field (`self.grid` gives
//! `grid`), a call's function and argument (`sorted(words)` gives `sorted_words`), or the
//! kind of a literal (`3` gives `n`). `naming::param_names` still settles repeats, and an
//! expression with nothing to go on keeps `arg<position>`.

use tree_sitter::Node;

use super::naming::{BUILTINS, KEYWORDS};

/// Longest derived name; longer ones read worse than the expression they came from.
const MAX_LEN: usize = 32;

/// A Python identifier for the value of `expr`, when its shape suggests one.
pub(crate) fn from_expression(expr: Node, text: &str) -> Option<String> {
    let name = derive(expr, text, 0)?;
    let name = name.trim_matches('_').to_ascii_lowercase();
    if name.is_empty() || name.len() > MAX_LEN || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if KEYWORDS.contains(&name.as_str()) || BUILTINS.contains(&name.as_str()) {
        // A parameter named `sum` or `len` would hide the builtin inside the implementation.
        return Some(format!("{name}_value"));
    }
    Some(name)
}

fn derive(n: Node, text: &str, depth: usize) -> Option<String> {
    if depth > 4 {
        return None;
    }
    let source = |n: Node| text.get(n.byte_range()).unwrap_or("").to_string();
    let ident = |s: String| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
            .then_some(s)
    };
    match n.kind() {
        "identifier" => ident(source(n)),
        "parenthesized_expression" => derive(n.named_child(0)?, text, depth + 1),
        "attribute" => ident(source(n.child_by_field_name("attribute")?)),
        "subscript" => {
            let value = n.child_by_field_name("value")?;
            let base = derive(value, text, depth + 1)?;
            let sliced = n
                .children_by_field_name("subscript", &mut n.walk())
                .any(|s| s.kind() == "slice");
            let base = base.strip_suffix("_item").unwrap_or(&base).to_string();
            Some(if sliced {
                format!("{base}_part")
            } else {
                format!("{base}_item")
            })
        }
        "call" => {
            let function = n.child_by_field_name("function")?;
            let fname = match function.kind() {
                "identifier" => source(function),
                "attribute" => source(function.child_by_field_name("attribute")?),
                _ => return None,
            };
            let fname = ident(fname)?;
            if fname == "len" {
                return Some("length".to_string());
            }
            let args = n.child_by_field_name("arguments")?;
            let mut cursor = args.walk();
            let positional: Vec<Node> = args
                .named_children(&mut cursor)
                .filter(|a| a.kind() != "comment" && a.kind() != "keyword_argument")
                .collect();
            match positional.as_slice() {
                [only] => match derive(*only, text, depth + 1) {
                    Some(arg) => Some(format!("{fname}_{arg}")),
                    None => Some(format!("{fname}_result")),
                },
                _ => Some(format!("{fname}_result")),
            }
        }
        "integer" => Some("n".to_string()),
        "float" => Some("x".to_string()),
        "string" | "concatenated_string" => Some("text".to_string()),
        "true" | "false" => Some("flag".to_string()),
        "list" | "list_comprehension" => Some("items".to_string()),
        "tuple" => Some("values".to_string()),
        "dictionary" | "dictionary_comprehension" => Some("mapping".to_string()),
        "set" | "set_comprehension" => Some("elements".to_string()),
        "generator_expression" => Some("values".to_string()),
        "lambda" => Some("function".to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::queries::language;

    /// The name derived for the first argument of the call in `call`.
    fn name(call: &str) -> Option<String> {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&language()).unwrap();
        let tree = parser.parse(call, None).unwrap();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            if n.kind() == "argument_list" {
                return from_expression(n.named_child(0).unwrap(), call);
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
        None
    }

    #[test]
    fn expressions_give_names_a_model_can_use() {
        let cases = [
            ("f(sorted_list[i])", Some("sorted_list_item")),
            ("f(grid[r][c])", Some("grid_item")),
            ("f(words[1:])", Some("words_part")),
            ("f(self.grid)", Some("grid")),
            ("f(sorted(words))", Some("sorted_words")),
            ("f(np.copy(input_grid))", Some("copy_input_grid")),
            ("f(len(objects))", Some("length")),
            ("f(max(a, b))", Some("max_result")),
            ("f(3)", Some("n")),
            ("f('x')", Some("text")),
            ("f([1, 2])", Some("items")),
            ("f({1: 2})", Some("mapping")),
            ("f((objects))", Some("objects")),
            ("f(a + b)", None),
            ("f(obj.sum)", Some("sum_value")),
        ];
        for (call, want) in cases {
            assert_eq!(name(call).as_deref(), want, "{call}");
        }
    }
}
