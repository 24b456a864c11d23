//! `anpl export` through the real binary, and the exported files under real
//! `python3 -m pytest`: the sketch is never overwritten, any program file name works, the
//! REPL's export writes the pytest file too, the exported program keeps the signature the
//! user wrote and each import once, and numpy-printed expected values are read as anpl
//! reads them.

// Helpers outside #[test] functions fail loudly too: a broken fixture is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use anpl::llm::fake_server::FakeRule;
use support::model::code;
use support::project::{Project, Run};
use support::pytest::pytest_passes;

const SHOUT: &str = r#"def shout(s: str, mark: str = "!") -> str:
    """Upper-case the text and add the mark.

    >>> shout('hi')
    'HI!'
    >>> shout('go', '?')
    'GO?'
    """


def main(s: str) -> str:
    """Shout it.

    >>> main('a')
    'A!'
    """
    return shout(s)
"#;

const NUMPY: &str = r#"import numpy as np


def halve(xs: np.ndarray, by: float = 2.0) -> np.ndarray:
    """Half of every number.

    >>> halve(np.array([3, 5]))
    array([1.5, 2.5])
    >>> halve(np.array([[2, 4]]))
    array([[1., 2.]])
    """


def grid(n: int) -> np.ndarray:
    """A one-row grid of 1 to n.

    >>> grid(2)
    array([[1, 2]])
    """


def main(n: int) -> np.ndarray:
    """Half of the grid of 1 to n."""
    return halve(grid(n))
"#;

/// `anpl COMMAND prog.py` asking the fake model, with `stdin` as its input.
async fn with_model(p: &Project, command: &str, stdin: &str) -> Run {
    p.run_model(&[command, "prog.py"], stdin).await
}

/// The sketch compiled: every hole filled.
async fn compiled(p: &Project) {
    let out = with_model(p, "compile", "").await;
    assert_eq!(out.code, 0, "{}", out.all());
}

fn shout_rules() -> Vec<FakeRule> {
    vec![FakeRule::new(
        "Upper-case the text",
        code("def shout(s, mark='!'):\n    return s.upper() + mark"),
    )]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_over_the_sketch_is_refused_however_it_is_named() {
    let fx = Project::new(SHOUT, shout_rules()).await;
    compiled(&fx).await;
    std::os::unix::fs::symlink("prog.py", fx.path("link.py")).unwrap();
    std::fs::create_dir(fx.path("sub")).unwrap();
    let attempts: &[&[&str]] = &[
        &["-o", "prog.py"],
        &["-o", "./prog.py"],
        &["-o", "sub/../prog.py"],
        &["-o", "link.py"],
        &["-o", "done.py", "--tests", "prog.py"],
    ];
    for extra in attempts {
        let mut args = vec!["export", "prog.py"];
        args.extend_from_slice(extra);
        let out = fx.run(&args, "").await;
        assert_eq!(out.code, 2, "{extra:?}: {}", out.all());
        assert!(
            out.all().contains("that is the sketch itself"),
            "{}",
            out.all()
        );
        assert!(out.all().contains("prog_done.py"), "{}", out.all());
        assert_eq!(std::fs::read_to_string(fx.path("prog.py")).unwrap(), SHOUT);
    }
    assert!(!fx.path("done.py").exists());
    // The suggested name works.
    let out = fx
        .run(&["export", "prog.py", "-o", "prog_done.py"], "")
        .await;
    assert_eq!(out.code, 0, "{}", out.all());
    pytest_passes(fx.dir.path(), "test_prog_done.py", "3 passed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_to_any_program_file_name_gives_passing_tests() {
    let fx = Project::new(SHOUT, shout_rules()).await;
    compiled(&fx).await;
    for name in ["my-prog.py", "2024.py", "prog.v2"] {
        let out = fx.run(&["export", "prog.py", "-o", name], "").await;
        assert_eq!(out.code, 0, "{name}: {}", out.all());
    }
    pytest_passes(fx.dir.path(), "test_my_prog.py", "3 passed");
    pytest_passes(fx.dir.path(), "test_2024.py", "3 passed");
    pytest_passes(fx.dir.path(), "test_prog.py", "3 passed");
    // The program and its tests in different folders, run from a third.
    std::fs::create_dir_all(fx.path("build/out")).unwrap();
    std::fs::create_dir_all(fx.path("checks")).unwrap();
    let out = fx
        .run(
            &[
                "export",
                "prog.py",
                "-o",
                "build/out/final-v1.py",
                "--tests",
                "checks/test_final.py",
            ],
            "",
        )
        .await;
    assert_eq!(out.code, 0, "{}", out.all());
    pytest_passes(fx.dir.path(), "checks/test_final.py", "3 passed");
    // A failing export leaves nothing behind and names an unfilled hole.
    let fresh = Project::new(SHOUT, shout_rules()).await;
    let out = fresh.run(&["export", "prog.py", "-o", "x.py"], "").await;
    assert_ne!(out.code, 0, "{}", out.all());
    assert!(out.all().contains("--allow-partial"), "{}", out.all());
    assert!(!fresh.path("x.py").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repl_export_writes_the_pytest_file_like_the_cli() {
    let fx = Project::new(SHOUT, shout_rules()).await;
    let out = with_model(&fx, "repl", "compile\nexport -o done-1.py\nquit\n").await;
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.all()
            .contains("wrote done-1.py and test_done_1.py (3 example(s))"),
        "{}",
        out.all()
    );
    pytest_passes(fx.dir.path(), "test_done_1.py", "3 passed");
    // Refusals in the REPL are the CLI's.
    let out = with_model(&fx, "repl", "export -o prog.py\nquit\n").await;
    assert!(
        out.all().contains("that is the sketch itself"),
        "{}",
        out.all()
    );
    assert_eq!(std::fs::read_to_string(fx.path("prog.py")).unwrap(), SHOUT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exported_program_keeps_the_users_signature_and_each_import_once() {
    let fx = Project::new(
        NUMPY,
        vec![
            FakeRule::new(
                "Half of every number",
                code("import numpy as np\n\ndef halve(xs, by=2.0):\n    return np.asarray(xs) / by"),
            ),
            FakeRule::new(
                "one-row grid",
                code("import numpy as np\nimport numpy as np\n\ndef grid(k):\n    return np.array([list(range(1, k + 1))])"),
            ),
        ],
    )
    .await;
    compiled(&fx).await;
    let out = fx.run(&["export", "prog.py", "-o", "done.py"], "").await;
    assert_eq!(out.code, 0, "{}", out.all());
    let program = std::fs::read_to_string(fx.path("done.py")).unwrap();
    assert_eq!(
        program.matches("import numpy as np").count(),
        1,
        "{program}"
    );
    assert!(
        program.contains("def halve(xs: np.ndarray, by: float = 2.0) -> np.ndarray:\n    \"\"\"Half of every number."),
        "{program}"
    );
    // Parameters named differently: the implementation's header is kept, so it runs.
    assert!(program.contains("def grid(k):"), "{program}");
    pytest_passes(fx.dir.path(), "test_done.py", "3 passed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numpy_printed_expected_values_are_read_as_anpl_reads_them() {
    // The program imports numpy as `np` only: `array(...)` in the expected values must
    // still mean np.array in the exported tests, as it does in anpl's checks.
    let fx = Project::new(
        NUMPY,
        vec![
            FakeRule::new(
                "Half of every number",
                code("def halve(xs, by=2.0):\n    return xs / by"),
            ),
            FakeRule::new(
                "one-row grid",
                code("def grid(n):\n    return np.arange(1, n + 1).reshape(1, n)"),
            ),
        ],
    )
    .await;
    compiled(&fx).await;
    let run = fx.run(&["export", "prog.py", "-o", "halves.py"], "").await;
    assert_eq!(run.code, 0, "{}", run.all());
    let tests = std::fs::read_to_string(fx.path("test_halves.py")).unwrap();
    assert!(tests.contains("expected = array([1.5, 2.5])"), "{tests}");
    pytest_passes(fx.dir.path(), "test_halves.py", "3 passed");
    // And a wrong shape fails in both, the same way.
    let wrong = NUMPY.replace("array([[1, 2]])", "array([1, 2])");
    std::fs::write(fx.path("prog.py"), wrong).unwrap();
    let run = fx.run(&["export", "prog.py", "-o", "halves.py"], "").await;
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.all().contains("test_grid_1"), "{}", run.all());
}
