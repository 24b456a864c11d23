//! One frame of the terminal UI on a big session: a 500-hole sketch parsed by the real
//! parser, the selected hole's trace holding 30×30 grids, drawn on a 200×60 TestBackend.
//! Target: under 5 ms per frame.

use std::hint::black_box;

use anpl::engine::check::ExampleResult;
use anpl::engine::{Engine, EngineOptions, SearchSettings};
use anpl::exec::{ExecConfig, PyValue, TraceEvent};
use anpl::tui::{view, App, Snapshot};
use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const HOLES: usize = 500;

fn sketch() -> String {
    let mut out = String::from("import numpy as np\n\n");
    for i in 0..HOLES {
        out.push_str(&format!(
            "def step_{i}(grid: np.ndarray) -> np.ndarray:\n    \"\"\"Step {i}: move every object of colour {c} one cell towards the nearest border.\n\n    >>> step_{i}(np.array([[0, {c}], [{c}, 0]]))\n    np.array([[{c}, 0], [0, {c}]])\n    \"\"\"\n\n\n",
            c = i % 10
        ));
    }
    out.push_str("def main(grid: np.ndarray) -> np.ndarray:\n");
    for i in 0..HOLES {
        out.push_str(&format!("    grid = step_{i}(grid)\n"));
    }
    out.push_str("    return grid\n");
    out
}

fn grid(seed: usize) -> PyValue {
    let rows: Vec<String> = (0..30)
        .map(|r| {
            let cells: Vec<String> = (0..30)
                .map(|c| ((r * 7 + c * 3 + seed) % 10).to_string())
                .collect();
            format!("[{}]", cells.join(", "))
        })
        .collect();
    PyValue {
        src: format!("np.array([{}])", rows.join(", ")),
        truncated: false,
    }
}

fn app(dir: &std::path::Path) -> App {
    let path = dir.join("big.py");
    std::fs::write(&path, sketch()).unwrap_or_else(|e| panic!("{e}"));
    let engine = Engine::open(EngineOptions {
        sketch: path,
        session: Some(dir.join("sessions/big.json")),
        entry: None,
        examples_file: None,
        exec: ExecConfig::new("python3".into(), Vec::new()),
        search: SearchSettings::default(),
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let mut app = App::new(
        Snapshot::of(&engine),
        "offline".into(),
        Some(dir.to_path_buf()),
    );
    app.width = 200;
    app.height = 60;
    // Select a hole halfway down so the tree scrolls.
    app.selected = app
        .snapshot
        .tree
        .iter()
        .position(|r| r.name == "step_250")
        .unwrap_or(0);
    let trace: Vec<TraceEvent> = (0..40)
        .map(|i| TraceEvent {
            id: i,
            parent: None,
            function: if i % 2 == 0 {
                "step_250".into()
            } else {
                format!("step_{i}")
            },
            args: vec![("grid".into(), grid(i))],
            result: Some(grid(i + 1)),
            error: None,
            args_after: None,
            finished: true,
        })
        .collect();
    app.trace = Some((
        0,
        ExampleResult {
            call: "main(np.array(...))".into(),
            expected: Some(grid(0).src),
            actual: Some(grid(1).src),
            passed: false,
            error: None,
            trace,
        },
    ));
    app
}

fn frame(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let app = app(dir.path());
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("frame 500 holes, 30x30 grid trace, 200x60", |b| {
        b.iter(|| {
            terminal
                .draw(|f| view::draw(black_box(&app), f))
                .unwrap_or_else(|e| panic!("{e}"));
        })
    });
}

criterion_group!(benches, frame);
criterion_main!(benches);
