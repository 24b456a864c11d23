//! Parsing the example sketches and sketches written the way ANPL users write them for ARC
//! tasks: exactly the holes the author wrote, with their ids, kinds, parameters, examples,
//! callers and the entry.

use std::path::Path;

use anpl::sketch::{parse_file, parse_source, Example, HoleKind, Param, ParseOptions, Sketch};
use pretty_assertions::assert_eq;

fn example(name: &str) -> Sketch {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    match parse_file(&path, &ParseOptions::default()) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

fn parse(src: &str) -> Sketch {
    match parse_source("t.py", src, &ParseOptions::default()) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

fn ids(s: &Sketch) -> Vec<(&str, &str)> {
    s.holes
        .iter()
        .map(|h| (h.id.as_str(), h.kind.as_str()))
        .collect()
}

fn p(name: &str, ann: Option<&str>) -> Param {
    Param {
        name: name.into(),
        annotation: ann.map(String::from),
        default: None,
    }
}

#[test]
fn word_freq_has_three_holes_of_three_kinds() {
    let s = example("word_freq.py");
    assert_eq!(s.entry, "main");
    assert_eq!(s.prelude, "import re\nfrom collections import Counter\n");
    assert_eq!(
        ids(&s),
        vec![
            ("count_words", "named"),
            ("the_k_most_frequent_words", "inline-string"),
            ("capitalize_each_word", "inline-backtick"),
        ]
    );
    let cw = &s.holes[0];
    assert_eq!(cw.params, vec![p("text", Some("str"))]);
    assert_eq!(cw.returns.as_deref(), Some("dict[str, int]"));
    assert_eq!(
        cw.description,
        "Count how often each word occurs, ignoring case and punctuation."
    );
    assert_eq!(
        cw.examples,
        vec![
            Example::new("count_words(\"A a, b!\")", "{'a': 2, 'b': 1}", 10),
            Example::new("count_words(\"\")", "{}", 12),
        ]
    );
    assert_eq!(&s.source[cw.desc_span.clone()], cw.description);
    let top = &s.holes[1];
    assert_eq!(top.params, vec![p("counts", None), p("n", None)]);
    assert_eq!(
        &s.source[top.sites[0].clone()],
        "\"the k most frequent words, ties broken alphabetically\""
    );
    assert_eq!((top.line, top.col), (19, 11));
    assert_eq!(s.callers("capitalize_each_word"), vec!["main"]);
    assert_eq!(
        s.callees("main"),
        vec![
            "count_words",
            "the_k_most_frequent_words",
            "capitalize_each_word"
        ]
    );
    assert_eq!(s.dependents("count_words"), vec!["main".to_string()]);
    assert_eq!(s.functions.len(), 1);
    assert_eq!(s.functions[0].signature(), "main(text: str) -> list[str]");
}

#[test]
fn every_hole_form_and_call_place_is_found() {
    let s = example("all_forms.py");
    assert_eq!(
        ids(&s),
        vec![
            ("double", "named"),
            ("fib", "named"),
            ("fetch_value", "named"),
            ("the_default_scaling_factor", "inline-string"),
            ("the_number_of_cells_of", "inline-string"),
            ("split_the_grid_into_its", "inline-string"),
            ("the_cells_of_the_grid", "inline-string"),
            ("is_the_number_even", "inline-string"),
            ("the_length_of_a_word", "inline-backtick"),
            ("is_the_grid_symmetric_left", "inline-backtick"),
            ("a_multi_line_description", "inline-string"),
            ("a_short_name_for_a", "inline-string"),
            ("count_the_vowels_of_a", "inline-string"),
            ("wrap_a_value_in_a", "inline-string"),
        ]
    );
    let hole = |id: &str| s.hole(id).unwrap_or_else(|| panic!("no hole {id}"));
    assert!(hole("fetch_value").is_async);
    let fib = hole("fib");
    let def = &s.source[fib.def_span.clone().unwrap_or_default()];
    assert!(
        def.starts_with("@functools.lru_cache(maxsize=None)\ndef fib"),
        "{def}"
    );
    assert_eq!(fib.callers, vec!["main"]);
    assert_eq!(
        hole("a_multi_line_description").description,
        "a multi-line description:\nflip the grid upside down in place"
    );
    assert_eq!(hole("count_the_vowels_of_a").params, vec![p("word", None)]);
    assert_eq!(hole("the_default_scaling_factor").params, vec![]);
    assert_eq!(hole("the_default_scaling_factor").callers, vec!["scale"]);
    assert_eq!(hole("the_number_of_cells_of").callers, vec!["area"]);
    let wrap = hole("wrap_a_value_in_a");
    assert_eq!(wrap.sites.len(), 2);
    assert_eq!(wrap.params, vec![p("arg1", None)]);
    // The class, its methods and the recursive function are sketch.
    let names: Vec<&str> = s.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["scale", "__init__", "area", "countdown", "main"]
    );
    assert_eq!(
        s.function("area").and_then(|f| f.parent.as_deref()),
        Some("Board")
    );
    assert_eq!(s.callers("countdown"), vec!["countdown", "main"]);
}

#[test]
fn decomposition_several_levels_deep() {
    let s = example("arc_decompose.py");
    assert_eq!(s.entry, "main");
    assert_eq!(
        s.dependents("bounding_box"),
        vec!["frame_of".to_string(), "draw_frames".into(), "main".into()]
    );
    assert_eq!(
        s.holes_under("main"),
        vec![
            "the_distinct_non_black_colours",
            "positions_of_every_pixel_of",
            "bounding_box",
            "the_cells_on_the_border",
        ]
    );
    assert_eq!(
        s.hole("bounding_box")
            .map(|h| h.examples[0].expected.as_str()),
        Some("(1, 0, 3, 2)")
    );
    assert!(s.prelude.contains("black, blue, red, green"));
}

#[test]
fn entry_doctests_are_the_program_examples() {
    let s = example("program_examples.py");
    let ex = s.examples_of(&s.entry);
    assert_eq!(ex.len(), 3);
    assert_eq!(ex[2].call, "main([\"noon\",\n      \"x\"])");
    assert_eq!(ex[2].expected, "['noon', 'x']");
    let only = example("only_hole.py");
    assert_eq!(only.entry, "main");
    assert_eq!(only.holes.len(), 1);
    assert_eq!(only.examples_of("main")[0].expected, "[[3, 1],\n [4, 2]]");
}

#[test]
fn crlf_bom_and_tabs_read_like_plain_text() {
    let plain = example("arc_recolor.py");
    let crlf = format!("\u{feff}{}", plain.source.replace('\n', "\r\n"));
    let s = parse(&crlf);
    assert!(s.has_bom && s.crlf);
    assert_eq!(ids(&s), ids(&plain));
    let descs = |s: &Sketch| {
        s.holes
            .iter()
            .map(|h| h.description.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(descs(&s), descs(&plain));
    assert_eq!(
        s.function("main").and_then(|f| f.docstring.clone()),
        plain.function("main").and_then(|f| f.docstring.clone())
    );
    for h in &s.holes {
        assert_eq!(s.source[h.desc_span.clone()], h.description);
    }
}

/// The way people wrote ANPL sketches for ARC: tabs, backticks, undefined helpers in
/// data flow, docstring plus code in `main`, colour constants.
const ANPL_STYLE: &str = "import numpy as np
black, blue, red, green, yellow, grey, pink, orange, teal, maroon = range(10)
def main(input_grid: np.ndarray) -> np.ndarray:
\t\"\"\"
\tIn the input, you should see a 6x3 grid with black and blue pixels.
\t\"\"\"
\toutput_grid = `output a black grid.Output size is same as input.`(input_grid)
\tthe_most_color = `find the most color in the input_grid.`(input_grid)
\tpatterns = ` make a 3d 10-color output to store each color 2d pattern in input_grid.`(input_grid)
\toutput_grid = `Except the_most_color, embed the small patterns into larger pattern.`(output_grid, patterns)
\treturn output_grid
";

#[test]
fn anpl_style_backtick_sketch() {
    let s = parse(ANPL_STYLE);
    assert_eq!(
        ids(&s),
        vec![
            ("output_a_black_grid", "inline-backtick"),
            ("find_the_most_color_in", "inline-backtick"),
            ("make_a_3d_10_color", "inline-backtick"),
            ("except_the_most_color", "inline-backtick"),
        ]
    );
    assert_eq!(
        s.holes[2].description,
        "make a 3d 10-color output to store each color 2d pattern in input_grid."
    );
    assert_eq!(
        s.holes[3].params,
        vec![p("output_grid", None), p("patterns", None)]
    );
}

#[test]
fn liberal_python_is_accepted_and_only_authored_holes_found() {
    let src = r#"import numpy as np
from typing import *
Grid = np.ndarray  # type alias
counter = 0

class Obj:
    """An object: its colour and cells."""
    def __init__(self, color, cells):
        self.color = color
        self.cells = cells

    def size(self):
        """The number of cells of the object."""

def helper(x):  # not a hole: it has code
    global counter
    counter += 1
    return x

def stub_without_docstring(x):
    ...

def main(input_grid: Grid) -> Grid:
    """Docstring and code: sketch, not a hole."""
    objs = "find the objects"(input_grid)  # type: List[Obj]
    def inner(o):
        """Whether the object touches the border."""
    keep = [o for o in objs if inner(o)]
    key = lambda o: "the size of an object"(o)
    big, small = "the biggest and the smallest object"(sorted(keep, key=key))
    out = "paint an object on a grid"("blank grid like"(input_grid), big)
    print("not a hole" + str(helper(1)))
    return out

if __name__ == "__main__":
    main(np.zeros((3, 3)))
"#;
    let s = parse(src);
    assert_eq!(
        ids(&s),
        vec![
            ("size", "named"),
            ("find_the_objects", "inline-string"),
            ("inner", "named"),
            ("the_size_of_an_object", "inline-string"),
            ("the_biggest_and_the_smallest", "inline-string"),
            ("paint_an_object_on_a", "inline-string"),
            ("blank_grid_like", "inline-string"),
        ]
    );
    assert_eq!(s.entry, "main");
    assert_eq!(
        s.hole("inner").and_then(|h| h.parent.as_deref()),
        Some("main")
    );
    assert_eq!(
        s.hole("inner").map(|h| h.callers.clone()),
        Some(vec!["main".to_string()])
    );
    assert_eq!(
        s.prelude,
        "import numpy as np\nfrom typing import *\nGrid = np.ndarray\ncounter = 0\n"
    );
    let fnames: Vec<&str> = s.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        fnames,
        vec!["__init__", "helper", "stub_without_docstring", "main"]
    );
    assert_eq!(
        s.hole("paint_an_object_on_a").map(|h| h.params.clone()),
        Some(vec![p("arg1", None), p("big", None)])
    );
}

#[test]
fn entry_is_chosen_by_calls_main_module_code_or_flag() {
    let two = "def a():\n    return b()\ndef b():\n    \"\"\"do b\"\"\"\n";
    assert_eq!(parse(two).entry, "a");
    let with_main = "def helper():\n    \"\"\"unused\"\"\"\ndef main():\n    return 1\n";
    assert_eq!(parse(with_main).entry, "main");
    let from_module =
        "def a():\n    return 1\ndef b():\n    return 2\nif __name__ == '__main__':\n    b()\n";
    assert_eq!(parse(from_module).entry, "b");
    let opts = ParseOptions {
        entry: Some("a".into()),
    };
    match parse_source("t.py", from_module, &opts) {
        Ok(s) => assert_eq!(s.entry, "a"),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn same_description_twice_is_one_hole_and_ids_avoid_user_names() {
    let src = "def find_the_largest(g):\n    return g\ndef main(g):\n    a = `find the largest`(g)\n    b = \"find the largest\"(a)\n    return sum(\"sum\"(b))\n";
    let s = parse(src);
    assert_eq!(
        ids(&s),
        vec![
            ("find_the_largest_hole", "inline-backtick"),
            ("sum_hole", "inline-string")
        ]
    );
    assert_eq!(s.holes[0].sites.len(), 2);
    assert_eq!(s.holes[0].kind, HoleKind::InlineBacktick);
}
