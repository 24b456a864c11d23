//! The `anpl` binary as a user with no configuration of their own runs it: HOME (and the
//! user config folder inside it) is a temporary directory, and none of anpl's settings
//! (`ANPL_*`, provider keys, an editor) come in from the machine running the tests.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `anpl` binary: `ANPL_TEST_BIN` when set (scripts/test-sandbox-as-user runs copies of
/// the binaries as another user), else the one cargo built.
pub fn exe() -> PathBuf {
    built_or("ANPL_TEST_BIN", env!("CARGO_BIN_EXE_anpl"))
}

/// The path in the environment variable `var`, or `built`.
pub fn built_or(var: &str, built: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(built))
}

/// A variable anpl reads a setting from (the model, a key, the interpreter, an editor).
fn is_setting(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with("ANPL_") || name.ends_with("_API_KEY") || name == "EDITOR" || name == "VISUAL"
}

/// `anpl` to run in `dir`, which is also HOME.
pub fn command(dir: &Path) -> Command {
    command_home(dir, dir)
}

/// `anpl` to run in `cwd` with HOME `home` and the user config folder `home/config`.
pub fn command_home(cwd: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(exe());
    cmd.current_dir(cwd);
    for (name, _) in std::env::vars_os().filter(|(name, _)| is_setting(name)) {
        cmd.env_remove(name);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"));
    cmd
}

/// `anpl` to run in `dir` with nothing of the machine's environment but PATH.
pub fn bare(dir: &Path) -> Command {
    let mut cmd = Command::new(exe());
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"));
    cmd
}

/// `anpl ARGS` in `dir` (see `command`), run to the end.
pub fn anpl(dir: &Path, args: &[&str]) -> Output {
    output(command(dir).args(args))
}

/// `anpl ARGS` in `dir` with nothing of the machine's environment but PATH (see `bare`),
/// run to the end.
pub fn anpl_bare(dir: &Path, args: &[&str]) -> Output {
    output(bare(dir).args(args))
}

/// `anpl ARGS` in `dir` with `stdin` as its input, run to the end.
pub fn anpl_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    output_with(command(dir).args(args), stdin)
}

/// Runs `cmd` to the end with no input; fails the test if anpl panicked.
pub fn output(cmd: &mut Command) -> Output {
    checked(cmd.output().expect("anpl starts"))
}

/// Runs `cmd` to the end with `stdin` as its input; fails the test if anpl panicked.
pub fn output_with(cmd: &mut Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("anpl starts");
    // Dropped at the end of the statement: anpl reads the end of its input.
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin");
    checked(child.wait_with_output().expect("anpl runs"))
}

/// `output_with` off the async runtime's threads, which may be serving the fake model anpl
/// is talking to.
pub async fn output_async(mut cmd: Command, stdin: String) -> Output {
    tokio::task::spawn_blocking(move || output_with(&mut cmd, &stdin))
        .await
        .expect("anpl runs")
}

fn checked(out: Output) -> Output {
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "anpl panicked:\n{}",
        text(&out)
    );
    out
}

/// What a run printed: stdout, then stderr.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A file of this repository, by its path from the top.
pub fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A temporary directory holding `files` (name, text), for `anpl` to run in.
pub fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// A temporary directory holding copies of the repository's `examples/NAME` for each name.
pub fn dir_with_examples(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        std::fs::copy(
            repo_file(&format!("examples/{name}")),
            dir.path().join(name),
        )
        .unwrap();
    }
    dir
}
