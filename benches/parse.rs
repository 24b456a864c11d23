//! Parse a generated 5,000-line sketch with 500 holes of every form and build its call
//! graph (issue 2 target: under 50 ms). Run with `cargo bench --bench parse`.

use std::fmt::Write;
use std::hint::black_box;

use anpl::sketch::{parse_source, ParseOptions};
use criterion::{criterion_group, criterion_main, Criterion};

/// 100 groups of 50 lines, each with 5 holes: a named hole with a doctest, string,
/// backtick, triple-quoted and keyword-argument inline holes, and a sketch function
/// calling them; `main` calls every group.
fn generated_sketch() -> String {
    let mut s =
        String::from("import numpy as np\nfrom typing import *\n(black, blue, red) = range(3)\n\n");
    for g in 0..100 {
        let _ = write!(
            s,
            r#"
def named_{g}(grid: np.ndarray, color: int) -> np.ndarray:
    """Recolour every pixel of colour {g} in the grid with the given colour.

    The grid is copied first; the input is never changed.
    Pixels of other colours are left as they are.

    >>> named_{g}(np.array([[0, {g}]]), 2)
    array([[0, 2]])
    """


def step_{g}(grid: np.ndarray) -> np.ndarray:
    # Group {g}: find the objects, keep the largest, recolour it.
    # Comments and blank lines count too: real sketches have plenty.

    objects = "find the objects of group {g}, as lists of cells"(grid)
    largest = `the largest object among those of group {g}`(objects)
    out = np.copy(grid)
    for (r, c) in largest:
        out[r, c] = red
    if len(objects) > 1:
        out = """combine the grid of group {g}
        with the second object"""(out, objects[1])
    total = 0
    for row in out:
        for v in row:
            total += int(v)
    if total % 2 == 0:
        out = named_{g}(out, blue)
    else:
        out = named_{g}(out, black)
    counts = {{}}
    for row in out:
        for v in row:
            counts[int(v)] = counts.get(int(v), 0) + 1
    best = max(counts, key=counts.get) if counts else 0
    shifted = "shift the grid of group {g} by n cells"(grid=out, n=best)
    result = np.where(shifted == 0, out, shifted)
    flags = [x for x in range(3) if x != best]
    result = result if flags else out
    if result.shape != grid.shape:
        result = np.copy(grid)
    h, w = result.shape
    for r in range(h):
        for c in range(w):
            if result[r, c] < 0:
                result[r, c] = 0
    # Done with group {g}.
    return result
"#
        );
    }
    s.push_str("\n\ndef main(input_grid: np.ndarray) -> np.ndarray:\n    grid = input_grid\n");
    for g in 0..100 {
        let _ = writeln!(s, "    grid = step_{g}(grid)");
    }
    s.push_str("    return grid\n");
    s
}

fn bench(c: &mut Criterion) {
    let text = generated_sketch();
    let opts = ParseOptions::default();
    match parse_source("bench.py", &text, &opts) {
        Ok(s) => {
            assert_eq!(s.holes.len(), 500);
            assert!(text.lines().count() >= 5000);
        }
        Err(e) => panic!("generated sketch does not parse: {e}"),
    }
    c.bench_function("parse 5000-line sketch with 500 holes + call graph", |b| {
        b.iter(|| {
            let s = parse_source("bench.py", black_box(&text), &opts);
            black_box(s.map(|s| s.dependents("named_0").len()).ok())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
