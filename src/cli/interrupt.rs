//! Ctrl-C (SIGINT) for the commands: stop the work, keep what was done, exit 130.
//!
//! A command that can stop part-way (`compile`) hands its cancellation token to
//! [`cancel_on_interrupt`]: the engine sees the token, saves every hole already filled and
//! every answer already received, and returns; the command prints what it has. Commands whose
//! work is simply abandoned (`run`, `trace`) use [`block_on`], which drops the work at the
//! first SIGINT so that the engine is dropped normally (its workers stopped, its session lock
//! released and removed). Either way `cli::finish` sees [`interrupted`] and exits 130, the
//! shell's code for "ended by SIGINT". A second Ctrl-C while the first is being handled exits
//! at once; the session file is still whole, since every save is an atomic rename.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_util::sync::CancellationToken;

/// The exit code of a command stopped by SIGINT (128 + 2, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether a SIGINT arrived while a command was watching for one.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The work was abandoned at the user's Ctrl-C.
#[derive(Debug, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// Wait for the first SIGINT and record it; a second one ends the process at once.
async fn first_interrupt() -> bool {
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handling on this platform: never report an interrupt.
        return std::future::pending().await;
    }
    INTERRUPTED.store(true, Ordering::SeqCst);
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("interrupted again: stopping now");
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
    });
    true
}

/// Cancel `token` at the first SIGINT. Call inside the runtime the command runs on.
pub fn cancel_on_interrupt(token: CancellationToken) {
    tokio::spawn(async move {
        if first_interrupt().await {
            token.cancel();
        }
    });
}

/// Run `work` on `rt` until it finishes or the first SIGINT, whichever comes first.
pub fn block_on<F: Future>(
    rt: &tokio::runtime::Runtime,
    work: F,
) -> Result<F::Output, Interrupted> {
    rt.block_on(async {
        tokio::select! {
            out = work => Ok(out),
            _ = first_interrupt() => Err(Interrupted),
        }
    })
}
