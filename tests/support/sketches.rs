//! Sketches several tests share, with the answers a model gives for them where more than one
//! test needs those too. Self-contained (it uses nothing else of `support`), so that the REPL
//! benchmark can include it by its path and time the session the tests check.

use anpl::llm::fake_server::FakeRule;

/// Word counts with a named hole and an inline one: the repair stories of the REPL.
pub const WORDS: &str = r#"def count_words(text: str) -> dict:
    """Count how often each word occurs, ignoring case."""


def main(text: str) -> list:
    """The most frequent words.

    >>> main("b a B")
    ['b', 'a']
    """
    counts = count_words(text)
    return "the words sorted by count, most frequent first, ties by first appearance"(counts)
"#;

/// What a model answers for `WORDS`: a case-sensitive count, right once the prompt shows the
/// example pinned for `count_words('b a B')`, and a right sort.
pub fn words_rules() -> Vec<FakeRule> {
    let fence = |body: &str| format!("```python\n{body}\n```\n");
    vec![
        FakeRule::new(
            "Count how often each word",
            fence("def count_words(text):\n    out = {}\n    for w in text.split():\n        out[w] = out.get(w, 0) + 1\n    return out"),
        ),
        FakeRule::new(
            ">>> count_words('b a B')",
            fence("def count_words(text):\n    out = {}\n    for w in text.lower().split():\n        out[w] = out.get(w, 0) + 1\n    return out"),
        ),
        FakeRule::new(
            "the words sorted by count",
            fence("def f(counts):\n    return sorted(counts, key=lambda w: -counts[w])"),
        ),
    ]
}

/// A 20-operation repair session of `anpl repl` on `WORDS`: the benchmark's, and the kill test's.
pub const TWENTY: &str = "holes\ncompile\nrun\ntrace\nexample pin count #0 {'b': 2, 'a': 1}\nresynth count\nrun\nshow count\nhistory\ndiff count 1 2\n\
use count 1\nuse count 2\nedit 2 the words by falling count, ties by first appearance\nundo\nredo\nundo\nexample add main main('x') => ['x']\nrun\nexample rm main 2\nrun\n";

/// Word frequencies with a named hole, an inline hole and a backtick hole: the TUI's sketch.
pub const WORD_FREQ: &str = r#"import re
from collections import Counter


def count_words(text: str) -> dict[str, int]:
    """Count how often each word occurs, ignoring case and punctuation.

    >>> count_words("A a, b!")
    {'a': 2, 'b': 1}
    """


def main(text: str) -> list[str]:
    """The three most frequent words, capitalised.

    >>> main("b a b c a b")
    ['B', 'A', 'C']
    """
    counts = count_words(text)
    top = "the k most frequent words, ties broken alphabetically"(counts, 3)
    return `capitalize each word`(top)
"#;

/// The answers for `WORD_FREQ`, as a table file for the fake model (`anpl-fake-model` or
/// `FakeTable` read from it).
pub const WORD_FREQ_TABLE: &str = "tests/data/word_freq_model.json";

/// A numpy grid hole with grid examples.
pub const RECOLOR: &str = r#"import numpy as np


def recolor(grid: np.ndarray) -> np.ndarray:
    """Recolour every blue (1) cell red (2).

    >>> recolor(np.array([[0, 1, 1, 0], [1, 0, 0, 1], [0, 0, 1, 0]]))
    np.array([[0, 2, 2, 0], [2, 0, 0, 2], [0, 0, 2, 0]])
    """


def main(grid: np.ndarray) -> np.ndarray:
    """
    >>> main(np.array([[1, 0], [0, 1]]))
    np.array([[2, 0], [0, 2]])
    """
    return recolor(grid)
"#;

/// Recolours only the first row: two cells of `RECOLOR`'s example come out wrong.
pub const RECOLOR_WRONG: &str =
    "def recolor(grid):\n    out = grid.copy()\n    out[0][out[0] == 1] = 2\n    return out";

/// A hole whose two examples the offline synthesizer's fitting programs agree on, and
/// disagree past: a question to ask.
pub const MIDDLE: &str = r#"def middle(s: str) -> str:
    """The character at the centre of the text.

    >>> middle('abc')
    'b'
    >>> middle('xyz')
    'y'
    """


def main(words: list[str]) -> str:
    return ''.join(middle(w) for w in words)
"#;
