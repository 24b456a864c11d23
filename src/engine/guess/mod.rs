//! Telling a guess from an implementation the evidence supports.
//!
//! Examples underdetermine programs: one example admits many programs, and a search that
//! only looks at examples (the offline synthesizer, or a model that ignored the prose)
//! can return code that fits them by accident, such as `2 % len(xs)` for "how many zeros
//! the list has". The engine's status module asks [`guess_reason`] about every hole whose
//! checks pass; a reason turns `passing` into `guess`, so the user knows to review it.
//!
//! Two signs, each cheap and explainable: the hole was filled from a single example; or
//! its code uses none of the content words or numbers of its description. A content word
//! is a description word that is not filler ("the", "how", "many"), not a parameter name
//! and not a plain type ("list", "string"). Code uses a word when an identifier, attribute
//! or string in it contains the word, when it writes a number the description names
//! ("zero" and `0`), or when it uses an operation that word describes ("largest" and
//! `max`, "backwards" and `[::-1]`). Docstrings and comments are not code: a model that
//! copies the description into its docstring does not make its code follow it.

use std::collections::BTreeSet;

use crate::sketch::Hole;

mod lex;
mod words;

use lex::{lex, split_identifier, Token};
use words::{concepts_of, number_word, stem, symbol_of, FILLER};

/// Why the implementation `code` of `hole` is a guess to review, or `None`.
/// `own_examples` is how many examples of its own it passed.
pub fn guess_reason(hole: &Hole, code: &str, own_examples: usize) -> Option<String> {
    let mut reasons = Vec::new();
    if own_examples == 1 {
        reasons.push("filled from a single example".to_string());
    }
    if let Some(words) = ignored_words(hole, code) {
        reasons.push(format!(
            "its code uses none of the description's words ({})",
            words.join(", ")
        ));
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// The description's content words and numbers, when the code uses none of them.
pub fn ignored_words(hole: &Hole, code: &str) -> Option<Vec<String>> {
    let params: BTreeSet<String> = hole.params.iter().map(|p| p.name.to_lowercase()).collect();
    let content = content_words(&hole.description, &params);
    let numbers = description_numbers(&hole.description);
    if content.is_empty() && numbers.is_empty() {
        return None;
    }
    let tokens = lex(code);
    let mut own: BTreeSet<&str> = params.iter().map(String::as_str).collect();
    let id = hole.id.to_lowercase();
    own.insert(&id);
    let mut words: BTreeSet<String> = BTreeSet::new();
    let mut concepts: BTreeSet<&'static str> = BTreeSet::new();
    let mut code_numbers: BTreeSet<String> = BTreeSet::new();
    let mut strings: Vec<String> = Vec::new();
    for token in &tokens {
        match token {
            Token::Name(name) => {
                let lower = name.to_lowercase();
                if own.contains(lower.as_str()) {
                    continue;
                }
                concepts.extend(concepts_of(&lower));
                for part in split_identifier(name) {
                    words.insert(part);
                }
            }
            Token::Number(n) => {
                code_numbers.insert(n.clone());
            }
            Token::Str(s) => {
                for w in s.split(|c: char| !c.is_alphanumeric()) {
                    if !w.is_empty() {
                        words.insert(w.to_lowercase());
                    }
                }
                strings.push(s.clone());
            }
            Token::Op(op) => concepts.extend(concepts_of(op)),
        }
    }
    let uses_word = |w: &str| {
        let root = stem(w);
        let meets = |c: &str| c == w || root == stem(c) || (root.len() >= 4 && c.starts_with(root));
        words.iter().any(|c| meets(c))
            || concepts.iter().any(|c| meets(c))
            || symbol_of(w).is_some_and(|s| strings.iter().any(|x| x.contains(s)))
    };
    if content.iter().any(|w| uses_word(w)) || numbers.iter().any(|n| code_numbers.contains(n)) {
        return None;
    }
    let mut named: Vec<String> = content.into_iter().collect();
    for n in numbers {
        if !named.iter().any(|w| number_word(w) == Some(n.as_str())) {
            named.push(n);
        }
    }
    Some(named)
}

/// Words of the description that say what to compute.
fn content_words(description: &str, params: &BTreeSet<String>) -> BTreeSet<String> {
    description
        .split(|c: char| !c.is_alphabetic())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() > 2)
        .filter(|w| !FILLER.contains(&w.as_str()) && !params.contains(w))
        .filter(|w| !params.contains(stem(w)))
        .collect()
}

/// Numbers the description names, as Python would write them: digits and number words.
fn description_numbers(description: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for token in description.split(|c: char| !(c.is_ascii_digit() || c.is_alphabetic())) {
        if !token.is_empty() && token.chars().all(|c| c.is_ascii_digit()) {
            out.insert(token.trim_start_matches('0').to_string());
            if token.chars().all(|c| c == '0') {
                out.insert("0".to_string());
                out.remove("");
            }
        } else if let Some(n) = number_word(&token.to_lowercase()) {
            out.insert(n.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lex::normalise_number;
    use super::*;
    use crate::sketch::{parse_source, ParseOptions};
    use pretty_assertions::assert_eq;

    fn hole(def: &str) -> Hole {
        let sketch = parse_source("t.py", def, &ParseOptions::default()).unwrap();
        sketch.holes[0].clone()
    }

    #[test]
    fn a_program_that_ignores_the_description_is_a_guess() {
        let h = hole(
            "def zeros(xs: list[int]) -> int:\n    \"\"\"How many zeros the list has.\"\"\"\n",
        );
        let code = "def zeros(xs: list[int]) -> int:\n    return 2 % len(xs)\n";
        assert_eq!(ignored_words(&h, code), Some(vec!["zeros".to_string()]));
        let reason = guess_reason(&h, code, 3).unwrap();
        assert!(
            reason.contains("none of the description's words (zeros)"),
            "{reason}"
        );
        assert_eq!(
            ignored_words(&h, "def zeros(xs):\n    return xs.count(0)\n"),
            None
        );
        assert_eq!(
            ignored_words(
                &h,
                "def zeros(xs):\n    return sum(1 for x in xs if x == 0)\n"
            ),
            None
        );
    }

    #[test]
    fn a_docstring_or_comment_repeating_the_description_is_not_code() {
        let h = hole("def zeros(xs):\n    \"\"\"How many zeros the list has.\"\"\"\n");
        let code = "def zeros(xs):\n    \"\"\"How many zeros the list has: zero, 0.\"\"\"\n    # count the zeros\n    return 2 % len(xs)\n";
        assert!(ignored_words(&h, code).is_some());
    }

    #[test]
    fn ordinary_implementations_follow_their_descriptions() {
        let cases = [
            ("def words(text: str) -> list[str]:\n    \"\"\"Split the text into words, lower-cased.\"\"\"\n", "def words(text):\n    return text.lower().split()\n"),
            ("def long_words(ws: list[str]) -> list[str]:\n    \"\"\"The words longer than 3 letters.\"\"\"\n", "def long_words(ws):\n    return [w for w in ws if len(w) > 3]\n"),
            ("def shout(s: str) -> str:\n    \"\"\"Upper-case the text and add an exclamation mark.\"\"\"\n", "def shout(s):\n    return (s + '!').upper()\n"),
            ("def count_words(text: str) -> dict:\n    \"\"\"Count how often each word occurs, ignoring case.\"\"\"\n", "def count_words(text):\n    out = {}\n    for w in text.lower().split():\n        out[w] = out.get(w, 0) + 1\n    return out\n"),
            ("def is_palindrome(word: str) -> bool:\n    \"\"\"Whether the word reads the same backwards, ignoring case.\"\"\"\n", "def is_palindrome(word):\n    w = word.lower()\n    return w == w[::-1]\n"),
            ("def double(x: int) -> int:\n    \"\"\"Double the number.\"\"\"\n", "def double(x):\n    return x * 2\n"),
            ("def f(counts):\n    \"\"\"The counts negated.\"\"\"\n", "def f(counts):\n    return {w: -n for w, n in counts.items()}\n"),
            ("def main(grid):\n    \"\"\"Rotate the grid a quarter turn clockwise.\"\"\"\n", "def main(grid):\n    return [list(r) for r in zip(*grid[::-1])]\n"),
        ];
        for (sketch, code) in cases {
            assert_eq!(ignored_words(&hole(sketch), code), None, "{sketch}{code}");
        }
    }

    #[test]
    fn a_single_example_is_a_guess_and_reasons_add_up() {
        let h = hole("def f(x):\n    \"\"\"Double the number.\"\"\"\n");
        assert_eq!(
            guess_reason(&h, "def f(x):\n    return x * 2\n", 1).as_deref(),
            Some("filled from a single example")
        );
        assert_eq!(guess_reason(&h, "def f(x):\n    return x * 2\n", 2), None);
        let both = guess_reason(&h, "def f(x):\n    return x - 1\n", 1).unwrap();
        assert!(
            both.starts_with("filled from a single example; its code uses none"),
            "{both}"
        );
    }

    #[test]
    fn a_description_of_filler_alone_cannot_be_ignored() {
        let h = hole("def f(x):\n    \"\"\"Return the value.\"\"\"\n");
        assert_eq!(ignored_words(&h, "def f(x):\n    return 7\n"), None);
    }

    #[test]
    fn numbers_and_symbols_count_as_words() {
        let h = hole("def f(xs):\n    \"\"\"Keep those above 10.\"\"\"\n");
        assert_eq!(ignored_words(&h, "def f(xs):\n    return xs[:10]\n"), None);
        let h = hole("def f(ws):\n    \"\"\"Comma-separated.\"\"\"\n");
        assert_eq!(
            ignored_words(&h, "def f(ws):\n    return ', '.join(ws)\n"),
            None
        );
    }

    #[test]
    fn the_lexer_keeps_code_and_drops_docstrings_and_comments() {
        let tokens =
            lex("def f(x):\n    'doc'\n    y = x[::-1]  # flip\n    return f\"{y}!\" + 'a b'\n");
        assert!(tokens.contains(&Token::Op("[::-1]".into())));
        assert!(!tokens.contains(&Token::Op("-".into())));
        assert!(lex("xs[ -1 ]").contains(&Token::Op("[-1]".into())));
        assert!(tokens.contains(&Token::Str("a b".into())));
        assert!(!tokens.contains(&Token::Str("doc".into())));
        assert!(!tokens
            .iter()
            .any(|t| matches!(t, Token::Name(n) if n == "flip")));
        assert_eq!(normalise_number("0x10"), "16");
        assert_eq!(normalise_number("2.0"), "2");
        assert_eq!(
            split_identifier("countZeros_fast"),
            vec!["count", "zeros", "fast"]
        );
    }
}
