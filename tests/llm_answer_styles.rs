//! Extraction of answers written the way chat models write them, against the real example
//! sketches: the whole program echoed back (prelude, the sketch's functions unchanged or
//! rewritten, the other holes' stubs or implementations, `main`), reasoning before the answer,
//! several code blocks, `py`/unlabelled fences, no fence, tabs, `__main__` guards and prose
//! after. Every style must give the same function a one-function answer gives.

use std::path::Path;

use anpl::engine::sample::extract_target;
use anpl::llm::{extract, ExtractError, ExtractTarget, Extracted};
use anpl::sketch::{parse_file, ParseOptions, Sketch};
use pretty_assertions::assert_eq;

fn sketch(name: &str) -> Sketch {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    match parse_file(&path, &ParseOptions::default()) {
        Ok(s) => s,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn target(sketch_file: &str, hole: &str) -> ExtractTarget {
    let s = sketch(sketch_file);
    match s.hole(hole) {
        Some(h) => extract_target(&s, h),
        None => panic!("no hole {hole} in {sketch_file}"),
    }
}

fn ok(text: &str, target: &ExtractTarget) -> Extracted {
    match extract(text, target) {
        Ok(e) => e,
        Err(e) => panic!("rejected: {e}\n---\n{text}"),
    }
}

const COUNT_WORDS: &str = "import re\nfrom collections import Counter\n\n\ndef count_words(text: str) -> dict[str, int]:\n    words = re.findall(r\"[a-z']+\", text.lower())\n    return dict(Counter(words))\n";

// --- The whole program echoed back -------------------------------------------------------

#[test]
fn echoed_program_with_the_sketch_main_unchanged_and_other_stubs() {
    // `main` keeps the sketch's inline-hole syntax, which is not Python: that part is
    // dropped, the rest is used.
    let text = r#"Here's the complete program with `count_words` implemented:

```python
import re
from collections import Counter


def count_words(text: str) -> dict[str, int]:
    """Count how often each word occurs, ignoring case and punctuation.

    >>> count_words("A a, b!")
    {'a': 2, 'b': 1}
    >>> count_words("")
    {}
    """
    words = re.findall(r"[a-z']+", text.lower())
    return dict(Counter(words))


def main(text: str) -> list[str]:
    counts = count_words(text)
    top = "the k most frequent words, ties broken alphabetically"(counts, 3)
    return `capitalize each word`(top)


def capitalize_each_word(top):
    """capitalize each word"""


def the_k_most_frequent_words(counts, arg2):
    """the k most frequent words, ties broken alphabetically"""
```

The function lowercases the text, pulls out the words with a regex and counts them."#;
    let got = ok(text, &target("word_freq.py", "count_words"));
    assert!(
        got.code.contains("return dict(Counter(words))"),
        "{}",
        got.code
    );
    assert!(!got.code.contains("def main"), "{}", got.code);
    assert!(
        !got.code.contains("def capitalize_each_word"),
        "{}",
        got.code
    );
    assert_eq!(got.others, vec![]);
}

#[test]
fn echoed_program_with_main_rewritten_and_other_holes_implemented() {
    let text = r#"```python
import re
from collections import Counter


def count_words(text: str) -> dict[str, int]:
    words = re.findall(r"[a-z']+", text.lower())
    return dict(Counter(words))


def the_k_most_frequent_words(counts, k):
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [word for word, _ in ranked[:k]]


def capitalize_each_word(top):
    """capitalize each word"""


def main(text: str) -> list[str]:
    counts = count_words(text)
    top = the_k_most_frequent_words(counts, 3)
    return capitalize_each_word(top)


if __name__ == "__main__":
    print(main("the cat and the hat and the bat"))
```"#;
    let got = ok(text, &target("word_freq.py", "count_words"));
    assert_eq!(got.code, COUNT_WORDS);
    assert_eq!(
        got.others,
        vec![(
            "the_k_most_frequent_words".to_string(),
            "def the_k_most_frequent_words(counts, k):\n    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))\n    return [word for word, _ in ranked[:k]]\n".to_string()
        )]
    );
    assert!(
        got.notes
            .iter()
            .any(|n| n.contains("rewrite of sketch function `main`")),
        "{:?}",
        got.notes
    );
}

#[test]
fn echoed_program_for_an_inline_hole_named_as_its_stub() {
    // Asked for the largest object; the model repeats the program with the other hole's stub
    // (which used to be picked, and rejected as having no body) and `main` rewritten.
    let text = "```python\nimport numpy as np\nfrom typing import *\n(black, blue, red, green, yellow, grey, pink, orange, teal, maroon) = range(10)\n\n\ndef find_the_connected_objects_of(input_grid):\n    \"\"\"find the connected objects of non-black pixels, as lists of (row, col)\"\"\"\n\n\ndef find_the_largest_object(objects):\n    if not objects:\n        return []\n    return max(objects, key=len)\n\n\ndef main(input_grid: np.ndarray) -> np.ndarray:\n    objects = find_the_connected_objects_of(input_grid)\n    largest = find_the_largest_object(objects)\n    output_grid = np.copy(input_grid)\n    for (r, c) in largest:\n        output_grid[r, c] = red\n    return output_grid\n```\n";
    let got = ok(text, &target("arc_recolor.py", "find_the_largest_object"));
    assert_eq!(
        got.code,
        "def find_the_largest_object(objects):\n    if not objects:\n        return []\n    return max(objects, key=len)\n"
    );
}

#[test]
fn echoed_program_for_an_inline_hole_renamed_by_the_model() {
    // The model named its function itself; the stubs and `main` are not candidates.
    let text = "Sure! I'll implement the missing piece.\n\n```python\nimport numpy as np\n\ndef find_the_connected_objects_of(input_grid):\n    \"\"\"find the connected objects of non-black pixels, as lists of (row, col)\"\"\"\n    ...\n\ndef largest_object(objects):\n    return max(objects, key=len) if objects else []\n\ndef main(input_grid):\n    objects = find_the_connected_objects_of(input_grid)\n    largest = largest_object(objects)\n    output_grid = np.copy(input_grid)\n    for (r, c) in largest:\n        output_grid[r, c] = 2\n    return output_grid\n```";
    let got = ok(text, &target("arc_recolor.py", "find_the_largest_object"));
    assert_eq!(
        got.code,
        "def find_the_largest_object(objects):\n    return max(objects, key=len) if objects else []\n"
    );
}

#[test]
fn echoed_prelude_constants_are_the_program_s_own() {
    // The kept function uses `red`; the answer's copy of the prelude line is not kept (the
    // program defines it), and a changed copy is noted.
    let text = "```python\nimport numpy as np\nblack, blue, red = 0, 1, 2\n\ndef the_cells_on_the_border(top, left, bottom, right):\n    cells = []\n    for c in range(left, right + 1):\n        cells.append((top, c))\n        if bottom != top:\n            cells.append((bottom, c))\n    for r in range(top + 1, bottom):\n        cells.append((r, left))\n        if right != left:\n            cells.append((r, right))\n    return cells if red else cells\n```";
    let got = ok(text, &target("arc_decompose.py", "the_cells_on_the_border"));
    assert!(!got.code.contains("black, blue, red"), "{}", got.code);
    assert!(
        got.code.starts_with("def the_cells_on_the_border"),
        "{}",
        got.code
    );
    assert_eq!(got.notes.len(), 1, "{:?}", got.notes);
    assert!(got.notes[0].contains("`red`"), "{:?}", got.notes);
}

#[test]
fn echoed_sketch_function_called_by_the_hole_is_not_kept() {
    // `frame_of` is the sketch's; the answer copies it (unchanged apart from formatting and
    // its comment) around the hole. The kept code calls the sketch's own, and an unchanged
    // copy is not worth a note.
    let text = r#"Below is the implementation of `bounding_box`. I also included `frame_of` for context.

```python
import numpy as np
from typing import List, Tuple


def bounding_box(points: List[Tuple[int, int]]) -> Tuple[int, int, int, int]:
    rows = [r for r, _ in points]
    cols = [c for _, c in points]
    return (min(rows), min(cols), max(rows), max(cols))


def frame_of(grid: np.ndarray, color: int) -> List[Tuple[int, int]]:
    points = `positions of every pixel of the given colour`(grid, color)
    if not points:
        return []
    top, left, bottom, right = bounding_box(points)
    return "the cells on the border of a rectangle given as (top, left, bottom, right)"(top, left, bottom, right)
```
"#;
    let got = ok(text, &target("arc_decompose.py", "bounding_box"));
    assert_eq!(
        got.code,
        "from typing import List, Tuple\n\n\ndef bounding_box(points: List[Tuple[int, int]]) -> Tuple[int, int, int, int]:\n    rows = [r for r, _ in points]\n    cols = [c for _, c in points]\n    return (min(rows), min(cols), max(rows), max(cols))\n"
    );
    assert_eq!(got.notes, Vec::<String>::new());
}

#[test]
fn the_asked_function_written_then_echoed_as_its_stub_keeps_the_implementation() {
    let text = "```python\ndef count_words(text):\n    return dict(__import__('collections').Counter(text.lower().split()))\n```\n\nPutting it in the program:\n\n```python\ndef count_words(text: str) -> dict[str, int]:\n    \"\"\"Count how often each word occurs, ignoring case and punctuation.\"\"\"\n    ...\n\ndef main(text: str) -> list[str]:\n    counts = count_words(text)\n    return counts\n```";
    let got = ok(text, &target("word_freq.py", "count_words"));
    assert!(
        got.code.contains("Counter(text.lower().split())"),
        "{}",
        got.code
    );
}

#[test]
fn an_echo_without_the_asked_function_is_rejected_as_missing_or_empty() {
    let t = target("word_freq.py", "count_words");
    let stub_only = "```python\ndef count_words(text: str) -> dict[str, int]:\n    \"\"\"Count how often each word occurs.\"\"\"\n\ndef main(text):\n    return count_words(text)\n```";
    assert_eq!(
        extract(stub_only, &t),
        Err(ExtractError::Unimplemented {
            name: "count_words".into()
        })
    );
    let missing = "```python\ndef main(text):\n    return text\n\ndef capitalize_each_word(top):\n    return [w.title() for w in top]\n```";
    assert_eq!(
        extract(missing, &t),
        Err(ExtractError::NotFound {
            name: "count_words".into(),
            found: vec![]
        })
    );
}

// --- Reasoning before the answer ---------------------------------------------------------

#[test]
fn think_block_with_draft_code_is_not_the_answer() {
    let text = "<think>\nThe user wants the largest object. A first idea:\n\n```python\ndef find_the_largest_object(objects):\n    return objects[0]\n```\n\nNo, that just takes the first one. I should use max with key=len, and handle an empty list.\n</think>\n\n```python\ndef find_the_largest_object(objects):\n    return max(objects, key=len) if objects else []\n```";
    let got = ok(text, &target("arc_recolor.py", "find_the_largest_object"));
    assert!(got.code.contains("max(objects, key=len)"), "{}", got.code);
}

#[test]
fn closing_think_tag_only_when_the_template_opened_it() {
    let text = "Okay, so I need to capitalize each word in the list `top`.\n\nMaybe:\n\ndef capitalize_each_word(top):\n    return top\n\nWait, that returns them unchanged. Use str.capitalize.\n</think>\n\nHere is the function:\n\n```python\ndef capitalize_each_word(top):\n    return [w.capitalize() for w in top]\n```";
    let got = ok(text, &target("word_freq.py", "capitalize_each_word"));
    assert_eq!(
        got.code,
        "def capitalize_each_word(top):\n    return [w.capitalize() for w in top]\n"
    );
}

#[test]
fn thinking_tags_and_unclosed_reasoning() {
    let text = "<thinking>\nThe border cells: the top and bottom rows, then the sides.\n</thinking>\n\n```py\ndef the_cells_on_the_border(top, left, bottom, right):\n    return [(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)\n            if r in (top, bottom) or c in (left, right)]\n```";
    let got = ok(text, &target("arc_decompose.py", "the_cells_on_the_border"));
    assert!(got.code.contains("if r in (top, bottom)"), "{}", got.code);
    let cut = "<think>\nLet me work through the example: \"A a, b!\" should give {'a': 2, 'b': 1}.\n\n```python\ndef count_words(text):\n    return {}\n```\nHmm, and then";
    assert_eq!(
        extract(cut, &target("word_freq.py", "count_words")),
        Err(ExtractError::OnlyReasoning)
    );
}

// --- Fences, several blocks, no fence, tabs, guards, prose -------------------------------

#[test]
fn helpers_in_one_block_the_function_in_another_and_a_usage_example_in_a_third() {
    let text = "First, a helper that finds the neighbours of a cell:\n\n```python\nDIRS = [(1, 0), (-1, 0), (0, 1), (0, -1)]\n\ndef neighbours(r, c, h, w):\n    for dr, dc in DIRS:\n        if 0 <= r + dr < h and 0 <= c + dc < w:\n            yield r + dr, c + dc\n```\n\nThen the flood fill itself:\n\n```python\ndef find_the_connected_objects_of(input_grid):\n    h, w = input_grid.shape\n    seen = set()\n    objects = []\n    for r in range(h):\n        for c in range(w):\n            if input_grid[r, c] == black or (r, c) in seen:\n                continue\n            stack, obj = [(r, c)], []\n            seen.add((r, c))\n            while stack:\n                y, x = stack.pop()\n                obj.append((y, x))\n                for ny, nx in neighbours(y, x, h, w):\n                    if (ny, nx) not in seen and input_grid[ny, nx] == input_grid[y, x]:\n                        seen.add((ny, nx))\n                        stack.append((ny, nx))\n            objects.append(obj)\n    return objects\n```\n\nUsage:\n\n```python\ngrid = np.array([[0, 1], [1, 1]])\nprint(find_the_connected_objects_of(grid))\n```\n```\n[[(0, 1), (1, 1), (1, 0)]]\n```";
    let got = ok(
        text,
        &target("arc_recolor.py", "find_the_connected_objects_of"),
    );
    assert!(got.code.starts_with("DIRS = "), "{}", got.code);
    assert!(got.code.contains("def neighbours"), "{}", got.code);
    assert!(!got.code.contains("print("), "{}", got.code);
    assert!(!got.code.contains("grid = np.array"), "{}", got.code);
    assert_eq!(
        got.helpers,
        vec!["DIRS".to_string(), "neighbours".to_string()]
    );
}

#[test]
fn bare_code_with_a_sentence_before_and_an_explanation_after() {
    let text = "Here is an implementation of capitalize_each_word:\n\ndef capitalize_each_word(top):\n    result = []\n    for word in top:\n        result.append(word[:1].upper() + word[1:])\n    return result\n\nThis keeps the rest of each word as it was, unlike str.title().\nIt also works for an empty list.";
    let got = ok(text, &target("word_freq.py", "capitalize_each_word"));
    assert_eq!(
        got.code,
        "def capitalize_each_word(top):\n    result = []\n    for word in top:\n        result.append(word[:1].upper() + word[1:])\n    return result\n"
    );
}

#[test]
fn tab_indented_answers_with_windows_line_endings() {
    let text = "```python\r\ndef the_distinct_non_black_colours(grid):\r\n\tcolours = set()\r\n\tfor row in grid:\r\n\t\tfor v in row:\r\n\t\t\tif v != black:\r\n\t\t\t\tcolours.add(int(v))\r\n\treturn sorted(colours)\r\n```\r\n";
    let got = ok(
        text,
        &target("arc_decompose.py", "the_distinct_non_black_colours"),
    );
    assert_eq!(
        got.code,
        "def the_distinct_non_black_colours(grid):\n    colours = set()\n    for row in grid:\n        for v in row:\n            if v != black:\n                colours.add(int(v))\n    return sorted(colours)\n"
    );
}

#[test]
fn main_guard_and_doctest_output_in_the_block() {
    let text = "```python\nimport numpy as np\n\ndef positions_of_every_pixel_of(grid, color):\n    return [(int(r), int(c)) for r, c in zip(*np.nonzero(grid == color))]\n\n>>> positions_of_every_pixel_of(np.array([[1, 0], [0, 1]]), 1)\n[(0, 0), (1, 1)]\n\nif __name__ == \"__main__\":\n    g = np.array([[1, 0], [0, 1]])\n    print(positions_of_every_pixel_of(g, 1))\n```\nThe function returns plain ints so the result compares equal to lists of tuples.";
    let got = ok(
        text,
        &target("arc_decompose.py", "positions_of_every_pixel_of"),
    );
    assert_eq!(
        got.code,
        "import numpy as np\n\n\ndef positions_of_every_pixel_of(grid, color):\n    return [(int(r), int(c)) for r, c in zip(*np.nonzero(grid == color))]\n"
    );
}

#[test]
fn unlabelled_and_tilde_fences() {
    let t = target("word_freq.py", "capitalize_each_word");
    for text in [
        "```\ndef capitalize_each_word(top):\n    return [w.capitalize() for w in top]\n```",
        "~~~python\ndef capitalize_each_word(top):\n    return [w.capitalize() for w in top]\n~~~",
        "```Python title=\"holes.py\"\ndef capitalize_each_word(top):\n    return [w.capitalize() for w in top]\n```",
    ] {
        assert_eq!(
            ok(text, &t).code,
            "def capitalize_each_word(top):\n    return [w.capitalize() for w in top]\n",
            "{text}"
        );
    }
}

#[test]
fn longer_fences_and_a_forgotten_closing_fence() {
    let t = target("word_freq.py", "capitalize_each_word");
    let want = "def capitalize_each_word(top):\n    return [w.capitalize() for w in top]\n";
    let four = "````python\ndef capitalize_each_word(top):\n    return [w.capitalize() for w in top]\n````\n";
    assert_eq!(ok(four, &t).code, want);
    let forgotten =
        "Here you go:\n\n```python\ndef capitalize_each_word(top):\n    return [w.capitalize() for w in top]\n";
    assert_eq!(ok(forgotten, &t).code, want);
    let cut = "```python\ndef capitalize_each_word(top):\n    return [w.capitalize(";
    assert_eq!(extract(cut, &t), Err(ExtractError::Truncated { line: 1 }));
}
