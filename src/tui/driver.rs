//! The driver carries out the app's [`Effect`]s. The engine lives in one background task
//! that takes operations (compile, export, repairs, questions, shutdown) one at a time,
//! forwards their progress events in order, and sends a fresh [`Snapshot`] when each ends;
//! a compile ends by listing the questions it left open (`tui::questions`). Checks (run,
//! trace, a hole's examples) need only the warm worker pool and the snapshot's
//! implementations, so they run as their own tasks beside it; a newer check of the same
//! kind aborts the older one (latest wins), and the app drops any result whose generation
//! is stale.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::event::{AppEvent, AppSender, CheckJob, Effect};
use super::questions;
use super::repair::{self, RepairOp, Review};
use super::snapshot::Snapshot;
use crate::engine::check::Checker;
use crate::engine::compile::CompileReport;
use crate::engine::export::ExportOptions;
use crate::engine::ops::TraceTarget;
use crate::engine::{Backend, Engine, Events};
use crate::sketch::Example;

/// Builds the model backend for one compile, given that compile's cancellation token and
/// the models recorded in the session (for `replay`). The CLI supplies it, so the UI never
/// reads configuration itself. An `Err` is shown to the user as it is.
pub type BackendFactory =
    Arc<dyn Fn(&CancellationToken, &[String]) -> Result<Backend, String> + Send + Sync>;

enum EngineOp {
    Compile {
        generation: u64,
        only: Option<Vec<String>>,
        backend: Backend,
        cancel: CancellationToken,
    },
    Export {
        generation: u64,
        options: ExportOptions,
    },
    Repair {
        generation: u64,
        op: RepairOp,
        backend: Option<Backend>,
        cancel: CancellationToken,
    },
    Shutdown(oneshot::Sender<Result<(), String>>),
}

type CheckerState = Option<Result<Checker, String>>;

pub struct Driver {
    ops: mpsc::UnboundedSender<EngineOp>,
    checker: watch::Receiver<CheckerState>,
    sender: AppSender,
    backend: BackendFactory,
    cancel: Option<CancellationToken>,
    /// The running run or trace.
    job: Option<JoinHandle<()>>,
    /// The running check of the selected hole's examples.
    hole_job: Option<JoinHandle<()>>,
    engine_task: JoinHandle<()>,
}

impl Driver {
    /// Move the engine into its task and start its Python workers. Must be called within a
    /// tokio runtime.
    pub fn start(engine: Engine, sender: AppSender, backend: BackendFactory) -> Driver {
        let (ops, receiver) = mpsc::unbounded_channel();
        let (checker_tx, checker) = watch::channel(None);
        let engine_task = tokio::spawn(engine_task(engine, receiver, sender.clone(), checker_tx));
        Driver {
            ops,
            checker,
            sender,
            backend,
            cancel: None,
            job: None,
            hole_job: None,
            engine_task,
        }
    }

    pub fn perform(&mut self, effect: Effect, snapshot: &Arc<Snapshot>) {
        match effect {
            Effect::Compile { generation, only } => {
                let cancel = CancellationToken::new();
                match (self.backend)(&cancel, &snapshot.recorded_models) {
                    Ok(backend) => {
                        self.cancel = Some(cancel.clone());
                        let _ = self.ops.send(EngineOp::Compile {
                            generation,
                            only,
                            backend,
                            cancel,
                        });
                    }
                    Err(e) => self.sender.send(AppEvent::OperationDone {
                        generation,
                        result: Err(e),
                    }),
                }
            }
            Effect::Export {
                generation,
                path,
                tests,
                allow_partial,
                allow_failing,
            } => {
                let options = ExportOptions {
                    output: path.into(),
                    tests: tests.map(Into::into),
                    allow_partial,
                    allow_failing,
                    front: crate::engine::FrontEnd::Tui,
                };
                let _ = self.ops.send(EngineOp::Export {
                    generation,
                    options,
                });
            }
            Effect::Repair { generation, op } => {
                let cancel = CancellationToken::new();
                let backend = if op.needs_model() {
                    match (self.backend)(&cancel, &snapshot.recorded_models) {
                        Ok(backend) => Some(backend),
                        Err(e) => {
                            self.sender.send(AppEvent::OperationDone {
                                generation,
                                result: Err(e),
                            });
                            return;
                        }
                    }
                } else {
                    None
                };
                self.cancel = Some(cancel.clone());
                let _ = self.ops.send(EngineOp::Repair {
                    generation,
                    op,
                    backend,
                    cancel,
                });
            }
            // The terminal loop suspends the screen for the editor itself.
            Effect::ExternalEditor { .. } => {}
            Effect::Check { job, generation } => self.check(job, generation, snapshot),
            Effect::Cancel => self.cancel(),
            // The loop ends itself; `shutdown` does the rest.
            Effect::Quit => {}
        }
    }

    fn check(&mut self, job: CheckJob, generation: u64, snapshot: &Snapshot) {
        let entry = snapshot.sketch.entry.as_str();
        let mut impls = snapshot.implementations.clone();
        let (examples, trace): (Vec<Example>, bool) = match &job {
            CheckJob::Run => (snapshot.examples_of(entry).to_vec(), true),
            CheckJob::Trace(n) => (
                snapshot
                    .examples_of(entry)
                    .get(*n)
                    .cloned()
                    .into_iter()
                    .collect(),
                true,
            ),
            CheckJob::Examples(hole) => {
                // A stale hole is left out of runs, but its own table shows how its saved
                // code does against its (changed) examples.
                if let Some(code) = snapshot.holes.get(hole).and_then(|h| h.code.clone()) {
                    impls.insert(hole.clone(), code);
                }
                (snapshot.examples_of(hole).to_vec(), false)
            }
        };
        let mut checker = self.checker.clone();
        let sender = self.sender.clone();
        let is_hole = matches!(job, CheckJob::Examples(_));
        let handle = tokio::spawn(async move {
            let ready = checker
                .wait_for(Option::is_some)
                .await
                .map(|state| state.clone())
                .ok()
                .flatten();
            let result = match ready {
                Some(Ok(checker)) => checker
                    .check_examples(&impls, &examples, trace)
                    .await
                    .map_err(|e| e.to_string()),
                Some(Err(e)) => Err(e),
                None => Err("the engine stopped".to_string()),
            };
            sender.send(AppEvent::Checked {
                job,
                generation,
                result,
            });
        });
        let slot = if is_hole {
            &mut self.hole_job
        } else {
            &mut self.job
        };
        if let Some(old) = slot.replace(handle) {
            old.abort();
        }
    }

    /// Cancel the running compile (its token) and the running run or trace (its task).
    fn cancel(&mut self) {
        if let Some(cancel) = self.cancel.take() {
            cancel.cancel();
        }
        if let Some(job) = self.job.take() {
            job.abort();
        }
    }

    /// Cancel what runs, let the engine save the session, and stop its task.
    pub async fn shutdown(mut self) -> Result<(), String> {
        self.cancel();
        if let Some(job) = self.hole_job.take() {
            job.abort();
        }
        let (reply, answer) = oneshot::channel();
        if self.ops.send(EngineOp::Shutdown(reply)).is_err() {
            return Err("the engine task had already stopped; the session was saved after the last operation".into());
        }
        let saved = match tokio::time::timeout(Duration::from_secs(10), answer).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err("the engine task stopped before saving".to_string()),
            Err(_) => Err("the engine did not stop within 10 s; the session was saved after the last operation".to_string()),
        };
        let _ = tokio::time::timeout(Duration::from_secs(2), self.engine_task).await;
        saved
    }
}

async fn engine_task(
    mut engine: Engine,
    mut ops: mpsc::UnboundedReceiver<EngineOp>,
    sender: AppSender,
    checker: watch::Sender<CheckerState>,
) {
    let ready = engine.checker().await.map_err(|e| e.to_string());
    if let Err(e) = &ready {
        sender.send(AppEvent::OperationDone {
            generation: 0,
            result: Err(format!("cannot start Python: {e}")),
        });
    }
    let _ = checker.send(Some(ready));
    // Statuses saved before an example or another hole changed are decided again first.
    if let Ok(changes) = engine.refresh_statuses().await {
        if !changes.is_empty() {
            sender.send(AppEvent::Snapshot(Box::new(Snapshot::of(&engine))));
        }
    }
    while let Some(op) = ops.recv().await {
        match op {
            EngineOp::Compile {
                generation,
                only,
                backend,
                cancel,
            } => {
                let result = compile(&mut engine, &backend, only, &cancel, &sender).await;
                let result = if cancel.is_cancelled() {
                    Err("compile cancelled; holes already filled are kept".to_string())
                } else {
                    // The app points to the questions the compile left open.
                    let listed = questions::after_compile(&mut engine, generation, &sender).await;
                    match (result, listed) {
                        (result, Ok(())) => result,
                        (Ok(text), Err(e)) => Ok(format!("{text}; questions not computed: {e}")),
                        (Err(text), Err(e)) => Err(format!("{text}; questions not computed: {e}")),
                    }
                };
                sender.send(AppEvent::Snapshot(Box::new(Snapshot::of(&engine))));
                sender.send(AppEvent::OperationDone { generation, result });
            }
            EngineOp::Export {
                generation,
                options,
            } => {
                let result = match engine.export_files(&options).await {
                    Ok(report) => {
                        let mut text = report.summary();
                        for warning in report.warnings() {
                            text.push_str(&format!("; warning: {warning}"));
                        }
                        Ok(text)
                    }
                    Err(e) => Err(e.to_string()),
                };
                sender.send(AppEvent::OperationDone { generation, result });
            }
            EngineOp::Repair {
                generation,
                op,
                backend,
                cancel,
            } => {
                let result = repair_op(
                    &mut engine,
                    generation,
                    op,
                    backend.as_ref(),
                    &cancel,
                    &sender,
                )
                .await;
                let result = if cancel.is_cancelled() {
                    Err("cancelled".to_string())
                } else {
                    result
                };
                sender.send(AppEvent::Snapshot(Box::new(Snapshot::of(&engine))));
                sender.send(AppEvent::OperationDone { generation, result });
            }
            EngineOp::Shutdown(reply) => {
                let _ = reply.send(engine.save().map_err(|e| e.to_string()));
                return;
            }
        }
    }
}

/// Compile, forwarding the engine's events in the order they happen, all before the
/// snapshot that follows (a late "queued" must not mark a finished hole).
async fn compile(
    engine: &mut Engine,
    backend: &Backend,
    only: Option<Vec<String>>,
    cancel: &CancellationToken,
    sender: &AppSender,
) -> Result<String, String> {
    let (tx, rx) = mpsc::unbounded_channel();
    let events = Events::new(tx);
    let result = forward(
        engine.compile(backend, only.as_deref(), &events, cancel),
        rx,
        sender,
    )
    .await;
    // A compile that leaves a hole or the program failing is reported in the error tone.
    match result {
        Ok(report) if report.success() => Ok(summary(&report)),
        Ok(report) => Err(summary(&report)),
        Err(e) => Err(e.to_string()),
    }
}

fn summary(report: &CompileReport) -> String {
    let ok = report.holes.iter().filter(|h| h.status.is_ok()).count();
    let mut text = format!("compiled: {ok} of {} hole(s) filled", report.holes.len());
    if let Some(program) = &report.program {
        text.push_str(&format!(
            "; program: {} of {} example(s) pass",
            program.passed_count(),
            program.results.len()
        ));
    }
    if let Some(stop) = report.search.as_ref().and_then(|s| s.stopped) {
        text.push_str(&format!("; combination search: {}", stop.describe()));
    }
    let u = &report.usage;
    if u.requests > 0 {
        text.push_str(&format!("; {}", u.summary()));
    }
    text
}

/// Run one repair operation, reloading the sketch first if it changed on disk (so an edit
/// made in another editor is never overwritten). The `Ok` text is the message to show.
async fn repair_op(
    engine: &mut Engine,
    generation: u64,
    op: RepairOp,
    backend: Option<&Backend>,
    cancel: &CancellationToken,
    sender: &AppSender,
) -> Result<String, String> {
    let reloaded = engine.reload().map_err(|e| e.to_string())?;
    let mut text = perform_repair(engine, generation, op, backend, cancel, sender)
        .await
        .map_err(|e| e.to_string())?;
    // An example added or removed, an undo or an edit: decide the statuses it touched.
    engine.refresh_statuses().await.map_err(|e| e.to_string())?;
    if let Some(r) = reloaded {
        let mut changed = Vec::new();
        for (what, list) in [("new", &r.added), ("gone", &r.removed), ("stale", &r.stale)] {
            if !list.is_empty() {
                changed.push(format!("{what}: {}", list.join(", ")));
            }
        }
        let detail = if changed.is_empty() {
            String::new()
        } else {
            format!(" ({})", changed.join("; "))
        };
        text = format!("sketch changed on disk, reloaded{detail}; {text}");
    }
    Ok(text)
}

async fn perform_repair(
    engine: &mut Engine,
    generation: u64,
    op: RepairOp,
    backend: Option<&Backend>,
    cancel: &CancellationToken,
    sender: &AppSender,
) -> Result<String, String> {
    let err = |e: crate::engine::EngineError| e.to_string();
    // Flags cannot change inside the UI, so say how to open it again with a model.
    let file = engine.sketch.file.clone();
    let no_model = || {
        format!("this operation needs a model: quit and open the sketch with one, e.g. `anpl {file} --model openai:gpt-4o-mini` (`anpl models` shows what is configured)")
    };
    match op {
        RepairOp::EditDescription { hole, text } => {
            let id = engine.edit_description(&hole, &text).map_err(err)?;
            Ok(format!(
                "reworded {id}: c compiles it and what depends on it"
            ))
        }
        RepairOp::AddExample {
            function,
            call,
            expected,
            docstring,
        } => {
            let n = engine
                .add_example(&function, &call, &expected, docstring)
                .map_err(err)?;
            Ok(format!("added example {n} of {function}"))
        }
        RepairOp::RemoveExample { function, n } => {
            engine.remove_example(&function, n).map_err(err)?;
            Ok(format!("removed example {n} of {function}"))
        }
        RepairOp::Pin {
            hole,
            example,
            call,
            expected,
            docstring,
        } => {
            // Pin from a trace the engine made itself, so the call numbers are its own.
            engine
                .trace(&TraceTarget::Example(example))
                .await
                .map_err(err)?;
            let n = engine
                .pin_example(&hole, call, expected.as_deref(), docstring)
                .map_err(err)?;
            Ok(format!("pinned call #{call} as example {n} of {hole}"))
        }
        RepairOp::Resynthesize { hole, samples } => {
            let backend = backend.ok_or_else(no_model)?;
            let samples = samples.unwrap_or(engine.search.samples.max(1));
            let (tx, rx) = mpsc::unbounded_channel();
            let events = Events::new(tx);
            let run = engine.resynthesize(backend, &hole, samples, &events, cancel);
            let report = forward(run, rx, sender).await.map_err(err)?;
            let mut text = format!(
                "resynth {}: {} candidate(s) tried, {}",
                report.hole,
                report.tried,
                if report.replaced {
                    "new implementation in use"
                } else {
                    "kept the one in use"
                }
            );
            if let Some(why) = report.failure {
                let first = why.lines().next().unwrap_or_default().to_string();
                text.push_str(&format!("; {first}"));
                return Err(text);
            }
            text.push_str(&format!(" ({:?})", report.status).to_lowercase());
            Ok(text)
        }
        RepairOp::Decompose { hole, text } => {
            let d = engine.decompose(&hole, &text).map_err(err)?;
            Ok(format!(
                "{hole} is now a function calling {}: c fills them",
                if d.new_holes.is_empty() {
                    "no new holes".to_string()
                } else {
                    d.new_holes.join(", ")
                }
            ))
        }
        RepairOp::Suggest { hole } => {
            let backend = backend.ok_or_else(no_model)?;
            let (tx, rx) = mpsc::unbounded_channel();
            let events = Events::new(tx);
            let run = engine.suggest_decomposition(backend, &hole, &events, cancel);
            let body = forward(run, rx, sender).await.map_err(err)?;
            let new = engine.decomposed_source(&hole, &body).map_err(err)?;
            let name = engine.sketch.file.clone();
            let diff = repair::unified_diff(
                &engine.sketch.source,
                &new,
                &format!("{name} (now)"),
                &format!("{name} (suggested)"),
            );
            sender.send(AppEvent::Review {
                generation,
                review: Box::new(Review {
                    title: format!("suggested decomposition of {hole} · y accepts, n rejects"),
                    diff,
                    accept: Some(RepairOp::Decompose { hole, text: body }),
                    scroll: 0,
                }),
            });
            Ok("review the suggestion: y accepts, n rejects".to_string())
        }
        RepairOp::Undo => {
            let e = engine.undo().map_err(err)?;
            Ok(format!("undid {}", e.operation))
        }
        RepairOp::Redo => {
            let e = engine.redo().map_err(err)?;
            Ok(format!("redid {}", e.operation))
        }
        RepairOp::Diff { hole, a, b } => {
            let diff = engine.diff(&hole, a, b).map_err(err)?;
            let diff = if diff.is_empty() {
                format!("versions {a} and {b} of {hole} are the same")
            } else {
                diff
            };
            sender.send(AppEvent::Review {
                generation,
                review: Box::new(Review {
                    title: format!("{hole}: version {a} → {b}"),
                    diff,
                    accept: None,
                    scroll: 0,
                }),
            });
            Ok(format!("diff of {hole} versions {a} and {b}"))
        }
        RepairOp::UseVersion { hole, version } => {
            let status = engine.use_version(&hole, version).await.map_err(err)?;
            Ok(format!("{hole} uses version {version} ({status:?})").to_lowercase())
        }
        RepairOp::Ask(op) => questions::perform(engine, generation, op, sender).await,
    }
}

/// Await an engine operation while forwarding its progress events, all before returning.
async fn forward<T>(
    run: impl std::future::Future<Output = T>,
    mut rx: mpsc::UnboundedReceiver<crate::engine::Event>,
    sender: &AppSender,
) -> T {
    tokio::pin!(run);
    let result = loop {
        tokio::select! {
            biased;
            Some(event) = rx.recv() => sender.send(AppEvent::Engine(event)),
            result = &mut run => break result,
        }
    };
    while let Ok(event) = rx.try_recv() {
        sender.send(AppEvent::Engine(event));
    }
    result
}
