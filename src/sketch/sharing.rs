//! Inline holes that share a description. The same description written twice is one hole
//! with one implementation, which is right only when both places mean one function. When
//! the calls disagree on how the function is called (how many positional arguments, which
//! keywords, splats) or on what it returns (unpacked into two names here, three there), one
//! implementation cannot serve both: the parser reports both places and what to do.

use tree_sitter::Node;

/// How one call site uses an inline hole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Use {
    pub positional: usize,
    /// Keyword argument names, sorted.
    pub keywords: Vec<String>,
    pub splats: usize,
    /// `a, b = "desc"(x)`: how many names the result is unpacked into.
    pub unpacked: Option<usize>,
}

impl Use {
    /// The use of the call `call` (whose argument shapes the parser already read).
    pub fn of(call: Node, positional: usize, mut keywords: Vec<String>, splats: usize) -> Use {
        keywords.sort();
        Use {
            positional,
            keywords,
            splats,
            unpacked: unpacked_into(call),
        }
    }

    fn arguments(&self) -> String {
        let mut parts = vec![match self.positional {
            1 => "1 positional argument".to_string(),
            n => format!("{n} positional arguments"),
        }];
        if !self.keywords.is_empty() {
            parts.push(format!("keywords {}", self.keywords.join(", ")));
        }
        if self.splats > 0 {
            parts.push("*/** arguments".to_string());
        }
        parts.join(", ")
    }
}

/// Why two uses of one description cannot be one function, as "here …, there …", or
/// `None` when they agree.
pub(crate) fn conflict(here: &Use, there: &Use) -> Option<String> {
    if (here.positional, &here.keywords, here.splats)
        != (there.positional, &there.keywords, there.splats)
    {
        return Some(format!(
            "it is called with {} here and with {} there",
            here.arguments(),
            there.arguments()
        ));
    }
    match (here.unpacked, there.unpacked) {
        (Some(a), Some(b)) if a != b => Some(format!(
            "its result is unpacked into {a} names here and into {b} there"
        )),
        _ => None,
    }
}

/// How many names the call's value is unpacked into, when it is the right-hand side of a
/// tuple assignment without a starred target.
fn unpacked_into(call: Node) -> Option<usize> {
    let mut node = call;
    while let Some(parent) = node.parent() {
        if parent.kind() != "parenthesized_expression" {
            break;
        }
        node = parent;
    }
    let assignment = node.parent().filter(|p| p.kind() == "assignment")?;
    if assignment.child_by_field_name("right")?.id() != node.id() {
        return None;
    }
    let left = assignment.child_by_field_name("left")?;
    if !matches!(
        left.kind(),
        "pattern_list" | "tuple_pattern" | "list_pattern"
    ) {
        return None;
    }
    let mut cursor = left.walk();
    let targets: Vec<Node> = left.named_children(&mut cursor).collect();
    if targets.iter().any(|t| t.kind() == "list_splat_pattern") {
        return None;
    }
    Some(targets.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(positional: usize) -> Use {
        Use {
            positional,
            keywords: Vec::new(),
            splats: 0,
            unpacked: None,
        }
    }

    #[test]
    fn different_argument_counts_conflict() {
        assert_eq!(
            conflict(&plain(2), &plain(1)),
            Some(
                "it is called with 2 positional arguments here and with 1 positional argument there"
                    .to_string()
            )
        );
        assert_eq!(conflict(&plain(1), &plain(1)), None);
    }

    #[test]
    fn different_unpacking_conflicts() {
        let two = Use {
            unpacked: Some(2),
            ..plain(1)
        };
        let three = Use {
            unpacked: Some(3),
            ..plain(1)
        };
        assert_eq!(
            conflict(&two, &three),
            Some("its result is unpacked into 2 names here and into 3 there".to_string())
        );
        assert_eq!(conflict(&two, &plain(1)), None);
    }
}
