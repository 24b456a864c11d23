//! A scripted repair session of 20 operations through `anpl repl`, against the local fake
//! model server answering at once (0 ms), with real Python checks: how long the whole
//! session takes, start to exit. Run with `cargo bench --bench repl_session`.
//!
//! The operations: holes, compile, run, trace, pin an example, resynthesize, run, show,
//! history, diff, use v1, use v2, edit, undo, redo, undo, add an example, run, remove it,
//! run. The target is under 3 s, dominated by Python checks.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anpl::llm::fake_server::{FakeServer, FakeTable};

// The session and the sketch the tests check (tests/repl_stories.rs), so the time is of a
// session known to work.
#[allow(dead_code)]
#[path = "../tests/support/sketches.rs"]
mod sketches;

use sketches::{words_rules, TWENTY, WORDS};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Runtime::new()?;
    let server = rt.block_on(FakeServer::start(FakeTable {
        rules: words_rules(),
        delay_ms: 0,
        ..FakeTable::default()
    }))?;
    let runs = 5;
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..runs {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("prog.py"), WORDS)?;
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_anpl"))
            .current_dir(dir.path())
            .args([
                "repl",
                "prog.py",
                "--strict",
                "--model",
                "openai-compatible:fake",
            ])
            .args(["--base-url", &server.openai_base(), "--samples", "2"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        child
            .stdin
            .take()
            .ok_or("no stdin")?
            .write_all(TWENTY.as_bytes())?;
        let output = child.wait_with_output()?;
        let elapsed = started.elapsed();
        if !output.status.success() {
            return Err(format!(
                "the scripted session failed:\n{}",
                String::from_utf8_lossy(&output.stdout)
            )
            .into());
        }
        times.push(elapsed);
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "repl: 20-operation scripted session, 0 ms model: median {:.0} ms, min {:.0} ms, max {:.0} ms over {runs} runs ({} requests served)",
        median.as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0,
        server.request_count()
    );
    Ok(())
}
