//! The terminal UI in a real terminal: tmux runs the `anpl` binary on a sketch against the
//! `anpl-fake-model` server, keys are sent as a user types them, and the screen is read
//! back with capture-pane. Skipped, with the reason printed, where tmux is not installed.
#![cfg(feature = "fake-server")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::bin::repo_file;
use support::fake_model::FakeModel;
use support::sketches::{WORD_FREQ, WORD_FREQ_TABLE};

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A directory holding `source` as `prog.py`; `None`, with the reason printed, where tmux
/// is not installed.
fn sketch_dir(source: &str) -> Option<tempfile::TempDir> {
    if !have_tmux() {
        println!("skipped: tmux is not installed");
        return None;
    }
    let dir = support::bin::dir_with(&[("prog.py", source)]);
    Some(dir)
}

/// The session anpl saved for `prog.py` in `dir`.
fn session(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("sessions/prog.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// One private tmux server (its own socket), killed when the test ends.
struct Tmux {
    socket: String,
    config: tempfile::NamedTempFile,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        let config = tempfile::NamedTempFile::new().unwrap();
        // Keep the pane after the program exits so the restored screen can be read.
        std::fs::write(config.path(), "set -g remain-on-exit on\n").unwrap();
        Tmux {
            socket: format!("anpl-test-{name}-{}", std::process::id()),
            config,
        }
    }

    fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("-f")
            .arg(self.config.path())
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", "ui"])
    }

    fn keys(&self, keys: &str) {
        self.cmd(&["send-keys", "-t", "ui", keys]);
    }

    /// Type text literally (no key names).
    fn type_text(&self, text: &str) {
        self.cmd(&["send-keys", "-t", "ui", "-l", text]);
    }

    /// Wait until the screen shows `text`; fail with the screen when it does not.
    fn wait_for(&self, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if start.elapsed() > limit {
                panic!("the screen never showed {text:?}; it shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Wait until the screen no longer shows `text`.
    fn wait_while(&self, text: &str, limit: Duration) {
        let start = Instant::now();
        while self.screen().contains(text) {
            if start.elapsed() > limit {
                panic!("the screen kept showing {text:?}:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `Some(status)` once anpl has exited (the pane's shell writes it to `exit.txt`).
    fn exit_status(&self, dir: &Path, limit: Duration) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(text) = std::fs::read_to_string(dir.join("exit.txt")) {
                if text.ends_with('\n') {
                    return text.trim().parse().ok();
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }

    /// The pid of anpl: the only child of the pane's shell.
    fn anpl_pid(&self) -> i32 {
        let shell: i32 = self
            .cmd(&["display", "-p", "-t", "ui", "#{pane_pid}"])
            .trim()
            .parse()
            .unwrap();
        let children =
            std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).unwrap();
        children.split_whitespace().next().unwrap().parse().unwrap()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// Start `anpl prog.py` (`WORD_FREQ`) in a 100×30 tmux pane against a fake model answering
/// its three holes; the model lives as long as the value returned with the pane.
fn open(name: &str, dir: &Path) -> (Tmux, FakeModel) {
    let model = FakeModel::start(&repo_file(WORD_FREQ_TABLE));
    let flags = format!("--model openai-compatible:fake --base-url {}", model.base());
    let tmux = launch(name, dir, &flags);
    tmux.wait_for("holes 0/3", Duration::from_secs(20));
    (tmux, model)
}

/// Start `anpl prog.py FLAGS` in a 100×30 tmux pane; its shell writes the exit status to
/// exit.txt.
fn launch(name: &str, dir: &Path, flags: &str) -> Tmux {
    let tmux = Tmux::new(name);
    let command = format!(
        "env -i HOME={home} PATH={path} TERM=xterm-256color {anpl} prog.py {flags}; echo $? > exit.txt",
        home = dir.display(),
        path = std::env::var("PATH").unwrap_or_default(),
        anpl = support::bin::exe().display(),
    );
    tmux.cmd(&[
        "new-session",
        "-d",
        "-s",
        "ui",
        "-x",
        "100",
        "-y",
        "30",
        "-c",
        &dir.display().to_string(),
        &command,
    ]);
    tmux
}

#[test]
fn compile_trace_and_quit_in_a_real_terminal() {
    let Some(dir) = sketch_dir(WORD_FREQ) else {
        return;
    };
    let (tmux, _model) = open("compile", dir.path());

    tmux.keys("c");
    let screen = tmux.wait_for("compiled: 3 of 3 hole(s) filled", Duration::from_secs(30));
    // One example: a guess (`!`) until a second one pins it down.
    assert!(screen.contains("! count_words"), "{screen}");
    assert!(screen.contains("holes 3/3"), "{screen}");
    assert!(
        screen.contains("program: 1 of 1 example(s) pass"),
        "{screen}"
    );

    tmux.keys("t");
    let screen = tmux.wait_for("traced example 1: 3 hole call(s)", Duration::from_secs(20));
    assert!(
        screen.contains("count_words(text='b a b c a b')"),
        "{screen}"
    );

    // The entry's examples, checked with the holes in use, under column headers.
    tmux.keys("k");
    let screen = tmux.wait_for("✓ 1   main(", Duration::from_secs(20));
    assert!(screen.contains("#   call"), "{screen}");
    assert!(screen.contains("examples: 1 of 1 pass"), "{screen}");
    // At 80 columns the entry's long line is cut at the pane's edge, not wrapped, and the
    // code scrolls sideways with l / → and back with ← / h.
    tmux.cmd(&["resize-window", "-t", "ui", "-x", "80", "-y", "24"]);
    tmux.wait_for("main · sketch · l →", Duration::from_secs(10));
    tmux.keys("l");
    tmux.wait_for("from column 9", Duration::from_secs(5));
    tmux.keys("Right");
    tmux.wait_for("from column 17", Duration::from_secs(5));
    tmux.keys("Left");
    tmux.wait_for("from column 9", Duration::from_secs(5));
    tmux.keys("h");
    tmux.wait_while("from column", Duration::from_secs(5));
    tmux.cmd(&["resize-window", "-t", "ui", "-x", "100", "-y", "30"]);
    tmux.keys("j");
    tmux.wait_for("count_words · named", Duration::from_secs(10));

    // Repair: add an example to the selected hole from the command line `a` opens, then
    // resynthesize it against the fake model.
    tmux.keys("a");
    tmux.wait_for(
        ":example add count_words count_words(",
        Duration::from_secs(5),
    );
    tmux.type_text("'x y, x') => {'x': 2, 'y': 1}");
    tmux.keys("Enter");
    tmux.wait_for("added example 2 of count_words", Duration::from_secs(20));
    // The new example is checked against the code in use; its mark follows.
    let screen = tmux.wait_for("examples: 2 of 2 pass", Duration::from_secs(20));
    assert!(screen.contains("✓ 2   count_words("), "{screen}");
    tmux.keys("s");
    let screen = tmux.wait_for("resynth count_words:", Duration::from_secs(30));
    assert!(screen.contains("candidate(s) tried"), "{screen}");
    assert!(screen.contains("✓ count_words"), "{screen}");

    tmux.keys("?");
    tmux.wait_for("keys ·", Duration::from_secs(5));
    tmux.keys("Escape");
    // ESC and a key sent together read as Alt+key; wait for the overlay to close first.
    tmux.wait_while("keys ·", Duration::from_secs(5));
    tmux.keys(":");
    tmux.wait_for(":▏", Duration::from_secs(5));
    tmux.keys("frobnicate");
    tmux.keys("Enter");
    tmux.wait_for("unknown command `frobnicate`", Duration::from_secs(5));

    tmux.keys("q");
    assert_eq!(
        tmux.exit_status(dir.path(), Duration::from_secs(15)),
        Some(0)
    );
    // The alternate screen is gone: the shell's screen is back.
    assert!(!tmux.screen().contains("holes 3/3"), "{}", tmux.screen());
    let session = session(dir.path());
    assert_eq!(session["holes"]["count_words"]["status"], "passing");
    let stored = session["examples"].as_array().unwrap();
    assert!(
        stored
            .iter()
            .any(|e| e["function"] == "count_words" && e["call"] == "count_words('x y, x')"),
        "{stored:?}"
    );
}

#[test]
fn sigterm_restores_the_terminal_and_keeps_the_session() {
    let Some(dir) = sketch_dir(WORD_FREQ) else {
        return;
    };
    let (tmux, _model) = open("sigterm", dir.path());
    tmux.keys("c");
    tmux.wait_for("compiled: 3 of 3", Duration::from_secs(30));
    let pid = tmux.anpl_pid();
    // SAFETY: kill(2) on the pid of the process this test started in its own tmux pane.
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(sent, 0);
    assert_eq!(
        tmux.exit_status(dir.path(), Duration::from_secs(15)),
        Some(0)
    );
    assert!(!tmux.screen().contains("holes 3/3"), "{}", tmux.screen());
    assert!(dir.path().join("sessions/prog.json").exists());
}

#[test]
fn a_question_answered_in_a_real_terminal() {
    // Two examples the offline synthesizer's fitting programs agree on, and disagree past.
    let Some(dir) = sketch_dir(
        "def middle(s: str) -> str:\n    \"\"\"The character at the centre of the text.\n\n    >>> middle('abc')\n    'b'\n    >>> middle('xyz')\n    'y'\n    \"\"\"\n",
    ) else {
        return;
    };
    let tmux = launch("questions", dir.path(), "--model offline");
    tmux.wait_for("holes 0/1", Duration::from_secs(20));
    tmux.keys("c");
    tmux.wait_for("1 open question: press Q", Duration::from_secs(30));
    tmux.keys("Q");
    let screen = tmux.wait_for("question 1 of 1 · middle", Duration::from_secs(5));
    assert!(screen.contains("middle('bcab')"), "{screen}");
    assert!(screen.contains("the one in use"), "{screen}");
    tmux.keys("Enter");
    tmux.wait_for("no open questions left", Duration::from_secs(20));
    tmux.keys("q");
    assert_eq!(
        tmux.exit_status(dir.path(), Duration::from_secs(15)),
        Some(0)
    );
    let session = session(dir.path());
    let stored = session["examples"].as_array().unwrap();
    assert!(
        stored
            .iter()
            .any(|e| e["call"] == "middle('bcab')" && e["expected"] == "'a'"),
        "{stored:?}"
    );
}
