//! `anpl export` through the real binary, and the exported files under real
//! `python3 -m pytest`: the sketch is never overwritten, any program file name works, the
//! REPL's export writes the pytest file too, the exported program keeps the signature the
//! user wrote and each import once, and numpy-printed expected values are read as anpl
//! reads them.

// Helpers outside #[test] functions fail loudly too: a broken fixture is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use anpl::llm::fake_server::{FakeRule, FakeServer, FakeTable};

fn code(body: &str) -> String {
    format!("```python\n{body}\n```\n")
}

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

struct Fixture {
    dir: tempfile::TempDir,
    server: FakeServer,
}

impl Fixture {
    async fn new(sketch: &str, rules: Vec<FakeRule>) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("prog.py"), sketch).unwrap();
        let server = FakeServer::start(FakeTable {
            rules,
            ..FakeTable::default()
        })
        .await
        .unwrap();
        Fixture { dir, server }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_anpl"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("ANPL_MODEL")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(!text(&out).contains("panicked"), "{}", text(&out));
        out
    }

    fn with_model(&self, command: &str, stdin: &str) -> Output {
        let base = self.server.openai_base();
        self.run(
            &[
                command,
                "prog.py",
                "--model",
                "openai-compatible:fake",
                "--base-url",
                &base,
                "--max-retries",
                "0",
            ],
            stdin,
        )
    }

    fn compiled(&self) {
        let out = self.with_model("compile", "");
        assert!(out.status.success(), "{}", text(&out));
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `python3 -m pytest` on one file, from `dir`; the pytest summary must say `expect`.
fn pytest_passes(dir: &Path, file: &str, expect: &str) {
    let out = Command::new("python3")
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", file])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{file}:\n{}", text(&out));
    assert!(text(&out).contains(expect), "{file}:\n{}", text(&out));
}

fn shout_rules() -> Vec<FakeRule> {
    vec![FakeRule::new(
        "Upper-case the text",
        code("def shout(s, mark='!'):\n    return s.upper() + mark"),
    )]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_over_the_sketch_is_refused_however_it_is_named() {
    let fx = Fixture::new(SHOUT, shout_rules()).await;
    fx.compiled();
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
        let out = fx.run(&args, "");
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", text(&out));
        assert!(
            text(&out).contains("that is the sketch itself"),
            "{}",
            text(&out)
        );
        assert!(text(&out).contains("prog_done.py"), "{}", text(&out));
        assert_eq!(std::fs::read_to_string(fx.path("prog.py")).unwrap(), SHOUT);
    }
    assert!(!fx.path("done.py").exists());
    // The suggested name works.
    let out = fx.run(&["export", "prog.py", "-o", "prog_done.py"], "");
    assert!(out.status.success(), "{}", text(&out));
    pytest_passes(fx.dir.path(), "test_prog_done.py", "3 passed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_to_any_program_file_name_gives_passing_tests() {
    let fx = Fixture::new(SHOUT, shout_rules()).await;
    fx.compiled();
    for name in ["my-prog.py", "2024.py", "prog.v2"] {
        let out = fx.run(&["export", "prog.py", "-o", name], "");
        assert!(out.status.success(), "{name}: {}", text(&out));
    }
    pytest_passes(fx.dir.path(), "test_my_prog.py", "3 passed");
    pytest_passes(fx.dir.path(), "test_2024.py", "3 passed");
    pytest_passes(fx.dir.path(), "test_prog.py", "3 passed");
    // The program and its tests in different folders, run from a third.
    std::fs::create_dir_all(fx.path("build/out")).unwrap();
    std::fs::create_dir_all(fx.path("checks")).unwrap();
    let out = fx.run(
        &[
            "export",
            "prog.py",
            "-o",
            "build/out/final-v1.py",
            "--tests",
            "checks/test_final.py",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    pytest_passes(fx.dir.path(), "checks/test_final.py", "3 passed");
    // A failing export leaves nothing behind and names an unfilled hole.
    let fresh = Fixture::new(SHOUT, shout_rules()).await;
    let out = fresh.run(&["export", "prog.py", "-o", "x.py"], "");
    assert!(!out.status.success());
    assert!(text(&out).contains("--allow-partial"), "{}", text(&out));
    assert!(!fresh.path("x.py").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repl_export_writes_the_pytest_file_like_the_cli() {
    let fx = Fixture::new(SHOUT, shout_rules()).await;
    let out = fx.with_model("repl", "compile\nexport -o done-1.py\nquit\n");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("wrote done-1.py and test_done_1.py (3 example(s))"),
        "{}",
        text(&out)
    );
    pytest_passes(fx.dir.path(), "test_done_1.py", "3 passed");
    // Refusals in the REPL are the CLI's.
    let out = fx.with_model("repl", "export -o prog.py\nquit\n");
    assert!(
        text(&out).contains("that is the sketch itself"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_to_string(fx.path("prog.py")).unwrap(), SHOUT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exported_program_keeps_the_users_signature_and_each_import_once() {
    let fx = Fixture::new(
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
    fx.compiled();
    let out = fx.run(&["export", "prog.py", "-o", "done.py"], "");
    assert!(out.status.success(), "{}", text(&out));
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
    let fx = Fixture::new(
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
    fx.compiled();
    let run = fx.run(&["export", "prog.py", "-o", "halves.py"], "");
    assert!(run.status.success(), "{}", text(&run));
    let tests = std::fs::read_to_string(fx.path("test_halves.py")).unwrap();
    assert!(tests.contains("expected = array([1.5, 2.5])"), "{tests}");
    pytest_passes(fx.dir.path(), "test_halves.py", "3 passed");
    // And a wrong shape fails in both, the same way.
    let wrong = NUMPY.replace("array([[1, 2]])", "array([1, 2])");
    std::fs::write(fx.path("prog.py"), wrong).unwrap();
    let run = fx.run(&["export", "prog.py", "-o", "halves.py"], "");
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(text(&run).contains("test_grid_1"), "{}", text(&run));
}
