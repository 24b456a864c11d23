//! The tree-sitter language and the queries in `grammars/*.scm`, compiled once. The files
//! are embedded at build time, so a broken query is a build-time bug caught by the test
//! below, never something a user can trigger.

use std::sync::LazyLock;

use tree_sitter::{Language, Query};

pub(crate) struct Queries {
    /// Definitions, inline holes, invalid constructs and references, in one query so the
    /// tree is walked once.
    pub sketch: Query,
    pub prelude: Query,
}

pub(crate) fn language() -> Language {
    tree_sitter_python::LANGUAGE.into()
}

fn compile() -> Result<Queries, String> {
    let lang = language();
    let q = |name: &str, text: &str| {
        Query::new(&lang, text).map_err(|e| format!("grammars/{name}: {e}"))
    };
    let sketch = [
        include_str!("../../grammars/definitions.scm"),
        include_str!("../../grammars/holes.scm"),
        include_str!("../../grammars/invalid.scm"),
        include_str!("../../grammars/references.scm"),
    ]
    .join("\n");
    Ok(Queries {
        sketch: q("{definitions,holes,invalid,references}.scm", &sketch)?,
        prelude: q("prelude.scm", include_str!("../../grammars/prelude.scm"))?,
    })
}

static QUERIES: LazyLock<Result<Queries, String>> = LazyLock::new(compile);

/// The compiled queries, or the message of the query that failed to compile.
pub(crate) fn queries() -> Result<&'static Queries, &'static str> {
    QUERIES.as_ref().map_err(String::as_str)
}

/// Index of a capture name in a query (`u32::MAX` when absent, which matches nothing).
pub(crate) fn capture(query: &Query, name: &str) -> u32 {
    query.capture_index_for_name(name).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_queries_compile() {
        if let Err(e) = super::queries() {
            panic!("{e}");
        }
    }
}
