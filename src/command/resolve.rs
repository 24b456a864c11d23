//! Hole and function names as commands take them: an identifier, a unique prefix of one,
//! or the number `holes` shows (`3`, `#3`, `[3]`). One resolver, so `show 2` or
//! `resynth count` means the same hole in the REPL and on the TUI's `:` line.

use crate::sketch::Sketch;

/// A hole by identifier, unique prefix, or number in `holes`; the error says what to type.
pub fn resolve_hole(sketch: &Sketch, word: &str) -> Result<String, String> {
    if sketch.hole(word).is_some() {
        return Ok(word.to_string());
    }
    if let Ok(n) = word
        .trim_start_matches(['#', '['])
        .trim_end_matches(']')
        .parse::<usize>()
    {
        return sketch
            .holes
            .get(n.wrapping_sub(1))
            .map(|h| h.id.clone())
            .ok_or_else(|| {
                format!(
                    "there is no hole {n}: `holes` numbers them 1 to {}",
                    sketch.holes.len()
                )
            });
    }
    let matches: Vec<&str> = sketch
        .holes
        .iter()
        .map(|h| h.id.as_str())
        .filter(|id| id.starts_with(word))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.to_string()),
        [] if sketch.function(word).is_some() => {
            Err(format!("`{word}` is a function of the sketch, not a hole"))
        }
        [] => Err(format!("no hole `{word}` (see `holes`)")),
        many => Err(format!(
            "`{word}` could be {}; type more of it",
            many.join(", ")
        )),
    }
}

/// A sketch function or a hole (examples belong to both).
pub fn resolve_function(sketch: &Sketch, word: &str) -> Result<String, String> {
    if sketch.function(word).is_some() {
        return Ok(word.to_string());
    }
    resolve_hole(sketch, word)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    const SKETCH: &str = r#"def count_words(text: str) -> dict:
    """Count the words."""


def count_chars(text: str) -> int:
    """Count the characters."""


def main(text: str) -> int:
    return count_chars(text) + len(count_words(text))
"#;

    fn sketch() -> Sketch {
        crate::sketch::parse_source("prog.py", SKETCH, &crate::sketch::ParseOptions::default())
            .unwrap()
    }

    #[test]
    fn holes_by_name_prefix_or_number() {
        let s = sketch();
        assert_eq!(resolve_hole(&s, "count_words").unwrap(), "count_words");
        assert_eq!(resolve_hole(&s, "count_c").unwrap(), "count_chars");
        assert_eq!(resolve_hole(&s, "#2").unwrap(), "count_chars");
        assert_eq!(resolve_hole(&s, "[1]").unwrap(), "count_words");
        assert_eq!(
            resolve_hole(&s, "count").unwrap_err(),
            "`count` could be count_words, count_chars; type more of it"
        );
        assert_eq!(
            resolve_hole(&s, "9").unwrap_err(),
            "there is no hole 9: `holes` numbers them 1 to 2"
        );
        assert_eq!(
            resolve_hole(&s, "main").unwrap_err(),
            "`main` is a function of the sketch, not a hole"
        );
        assert_eq!(resolve_function(&s, "main").unwrap(), "main");
        assert_eq!(
            resolve_function(&s, "nothing").unwrap_err(),
            "no hole `nothing` (see `holes`)"
        );
    }
}
