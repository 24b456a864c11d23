//! The one loop that owns the terminal: it enters raw mode and the alternate screen,
//! selects over terminal input, app events from background jobs, an animation tick and
//! SIGTERM/SIGHUP, drains bursts of events before drawing once, and hands effects to the
//! driver. The terminal is restored on every way out: a normal quit, an error, a signal
//! (the loop ends and saves first), and a panic (a hook restores it before the message).

use std::io::{self, Stdout};
use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture, EventStream};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use futures::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use super::app::App;
use super::driver::{BackendFactory, Driver};
use super::event::{AppEvent, AppSender, Effect};
use super::repair::EditPurpose;
use super::snapshot::Snapshot;
use super::view;
use crate::engine::Engine;

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("the terminal could not be set up or drawn on: {0}")]
    Terminal(#[from] io::Error),
    #[error("the session could not be saved on exit: {0}")]
    Save(String),
}

/// What the TUI needs to start.
pub struct TuiOptions {
    pub engine: Engine,
    /// The model as the status line names it.
    pub model: String,
    pub backend: BackendFactory,
    /// Paths inside this directory are shown relative to it.
    pub cwd: Option<PathBuf>,
    /// Shown as the first message (e.g. that no model is configured).
    pub notice: Option<String>,
    /// The user's editor command (`$VISUAL` or `$EDITOR`), run through `sh -c` with the
    /// file to edit as its argument.
    pub editor: Option<String>,
}

/// Puts the terminal back however the guard is dropped.
struct TerminalGuard {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        if let Err(e) = execute!(stdout, EnterAlternateScreen, EnableMouseCapture) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        let _ = self.terminal.show_cursor();
    }
}

/// Leave raw mode, the alternate screen and mouse capture; errors are ignored because
/// this runs on the way out, when there is nothing better to do.
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen);
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Run the TUI until the user quits or a signal asks it to stop. The session is saved
/// on the way out.
pub async fn run(options: TuiOptions) -> Result<(), TuiError> {
    let mut terms = signal(SignalKind::terminate())?;
    let mut hangups = signal(SignalKind::hangup())?;
    let mut guard = TerminalGuard::enter()?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let sender = AppSender::new(tx);
    let snapshot = Snapshot::of(&options.engine);
    let mut app = App::new(snapshot, options.model, options.cwd);
    if let Some(notice) = options.notice {
        app.message = Some((notice, super::app::Tone::Info));
    }
    let size = guard.terminal.size()?;
    app.width = size.width;
    app.height = size.height;
    let sender_for_editor = sender.clone();
    let mut driver = Driver::start(options.engine, sender, options.backend);
    let start = app.start();
    perform(&mut driver, &app, start);
    let mut input = EventStream::new();
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    guard.terminal.draw(|f| view::draw(&app, f))?;
    let result = loop {
        let event = tokio::select! {
            input = input.next() => match input {
                Some(Ok(event)) => AppEvent::Input(event),
                Some(Err(e)) => break Err(TuiError::Terminal(e)),
                // stdin closed: nobody can type any more.
                None => AppEvent::Terminate,
            },
            Some(event) = rx.recv() => event,
            _ = ticker.tick() => AppEvent::Tick,
            _ = terms.recv() => AppEvent::Terminate,
            _ = hangups.recv() => AppEvent::Terminate,
        };
        let animate = app.is_busy() || app.hole_check.as_ref().is_some_and(|c| c.report.is_none());
        let redraw = !matches!(event, AppEvent::Tick) || animate;
        let effects = app.update(event);
        let mut edit = perform(&mut driver, &app, effects);
        // Drain what else arrived so a burst of engine events costs one frame.
        while let Ok(event) = rx.try_recv() {
            let effects = app.update(event);
            edit = edit.or(perform(&mut driver, &app, effects));
        }
        if let Some((purpose, text)) = edit {
            let result = suspended(&mut guard, options.editor.as_deref(), &text);
            sender_for_editor.send(AppEvent::Edited { purpose, result });
        }
        if app.quit {
            break Ok(());
        }
        if redraw {
            if let Err(e) = guard.terminal.draw(|f| view::draw(&app, f)) {
                break Err(TuiError::Terminal(e));
            }
        }
    };
    let saved = driver.shutdown().await;
    drop(guard);
    result?;
    saved.map_err(TuiError::Save)
}

/// Hand effects to the driver; an edit in `$EDITOR` is returned for the loop, which owns
/// the terminal it must give up meanwhile.
fn perform(driver: &mut Driver, app: &App, effects: Vec<Effect>) -> Option<(EditPurpose, String)> {
    let mut edit = None;
    for effect in effects {
        match effect {
            Effect::ExternalEditor { purpose, text } => edit = Some((purpose, text)),
            effect => driver.perform(effect, &app.snapshot),
        }
    }
    edit
}

/// Give the terminal to the editor and take it back, however the editor ends.
fn suspended(
    guard: &mut TerminalGuard,
    editor: Option<&str>,
    text: &str,
) -> Result<String, String> {
    let Some(editor) = editor else {
        return Err("no editor: set $VISUAL or $EDITOR (e edits in the screen)".to_string());
    };
    restore();
    let result = crate::editor::edit_in(editor, text);
    let back = enable_raw_mode()
        .and_then(|_| execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture))
        .and_then(|_| guard.terminal.clear());
    match back {
        Ok(()) => result,
        Err(e) => Err(format!(
            "the screen could not be taken back after the editor: {e}"
        )),
    }
}
