//! `Runner`: the pool of warm Python workers that everything else calls to run programs.
//! `start` writes the embedded harness to a private directory, launches one worker per slot
//! inside the strongest sandbox the machine allows (falling back, with a warning, when the
//! kernel refuses namespaces), and runs the prelude in each. `check` borrows an idle worker,
//! which forks a confined child for the check, so no state survives from one check to the
//! next. A worker that dies (its check killed it) is replaced before its slot is reused.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::config::ExecConfig;
use super::cpus::CpuSlots;
use super::error::ExecError;
use super::outcome::{CheckOutcome, CheckRequest};
use super::sandbox::{build_report, Launch, SandboxReport};
use super::scratch::ScratchDir;
use super::worker::{StartFailure, Worker, WorkerSpec};
use super::workspace::Workspace;

/// The worker program, kept in parts by concern and joined in order into one script (a
/// script run with `python -I` cannot import siblings, and one file keeps the worker
/// importable with nothing but the standard library).
pub(super) const HARNESS: &str = concat!(
    include_str!("harness/00_header.py"),
    include_str!("harness/10_values.py"),
    include_str!("harness/15_equality.py"),
    include_str!("harness/20_tracing.py"),
    include_str!("harness/30_check.py"),
    include_str!("harness/40_confine.py"),
    include_str!("harness/50_worker.py"),
    include_str!("harness/60_supervise.py"),
    include_str!("harness/65_warm.py"),
    include_str!("harness/70_main.py"),
);

pub struct Runner {
    config: ExecConfig,
    spec: WorkerSpec,
    report: SandboxReport,
    idle: Mutex<Vec<Worker>>,
    slots: Semaphore,
    replacements: AtomicUsize,
    // Dropped last: the workers' checks directory and harness live here.
    _dir: ScratchDir,
}

/// Resident memory of the pool's processes (launchers, workers and anything they run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolMemory {
    pub processes: usize,
    pub rss_bytes: u64,
    /// Proportional set size: shared pages split between the processes sharing them.
    pub pss_bytes: u64,
}

impl Runner {
    /// Start `config.workers` workers that have executed `prelude` (the sketch's top-level
    /// imports and assignments). A prelude that fails is an error naming the module or line.
    pub async fn start(config: ExecConfig, prelude: &str) -> Result<Runner, ExecError> {
        config.validate()?;
        let python = config.python_path()?;
        let dir = ScratchDir::create().map_err(ExecError::TempDir)?;
        let checks = dir.path().join("checks");
        let harness = dir.path().join("harness.py");
        // The checks run as another user: they must traverse (not list) these directories.
        let prepare = || -> std::io::Result<()> {
            std::fs::create_dir(&checks)?;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711))?;
            std::fs::set_permissions(&checks, std::fs::Permissions::from_mode(0o711))?;
            std::fs::write(&harness, HARNESS)?;
            std::fs::set_permissions(&harness, std::fs::Permissions::from_mode(0o644))
        };
        prepare().map_err(ExecError::TempDir)?;
        let workspace = match &config.workspace {
            Some(ws) => workspace_setup(ws, dir.path()).map_err(ExecError::TempDir)?,
            None => serde_json::Value::Null,
        };
        let setup = serde_json::json!({
            "setup": {
                "prelude": prelude,
                "checks_dir": checks,
                "sandbox": {
                    "landlock": config.sandbox.landlock,
                    "drop_user": config.sandbox.drop_user,
                    "uid": config.sandbox.uid,
                    // SAFETY: getuid has no preconditions and cannot fail.
                    "real_root": unsafe { libc::getuid() } == 0,
                },
                "workspace": workspace,
                "limits": {
                    "timeout_seconds": config.timeout.as_secs_f64(),
                    "cpu_seconds": config.cpu_seconds,
                    "memory_bytes": config.memory_bytes,
                    "file_bytes": config.file_bytes,
                    "open_files": config.open_files,
                    "processes": config.processes,
                    "max_output_bytes": config.max_output_bytes,
                    "output_kill_bytes": config.output_kill_bytes,
                    "max_value_bytes": config.max_value_bytes,
                    "max_trace_events": config.max_trace_events,
                }
            }
        });
        let mut launch = Launch::preferred(&config, &checks, &python);
        let cpus = CpuSlots::allowed();
        let spec_for = |launch: &Launch| {
            make_spec(
                &config,
                launch,
                &python,
                &harness,
                dir.path(),
                &setup,
                &cpus,
            )
        };
        let mut spec = spec_for(&launch);
        let first = match Worker::start(&spec).await {
            Ok(w) => w,
            Err(StartFailure::Fatal(e)) => return Err(e),
            Err(StartFailure::Launch { stderr }) => {
                if matches!(launch, Launch::Plain { .. }) {
                    return Err(ExecError::WorkerStart {
                        python,
                        message: stderr,
                    });
                }
                // The kernel refused the namespaces (no privilege, user namespaces disabled),
                // or sandbox-exec refused the profile: run without them and say so.
                let launcher = match &launch {
                    Launch::Seatbelt { .. } => "`sandbox-exec`",
                    _ => "`unshare`",
                };
                launch = Launch::Plain {
                    reason: format!("{launcher} failed: {}", first_line(&stderr)),
                };
                spec = spec_for(&launch);
                match Worker::start(&spec).await {
                    Ok(w) => w,
                    Err(StartFailure::Fatal(e)) => return Err(e),
                    Err(StartFailure::Launch { stderr: plain }) => {
                        return Err(ExecError::WorkerStart {
                            python,
                            message: format!(
                                "{plain} (and before that, with namespaces: {})",
                                first_line(&stderr)
                            ),
                        })
                    }
                }
            }
        };
        let mut report = build_report(
            &config,
            &python,
            &first.python_version,
            &launch,
            &first.layers,
            first.access.clone(),
            first.covered.clone(),
        );
        report.executable = first.executable.clone();
        let mut workers = vec![first];
        let rest =
            futures::future::join_all((1..config.workers).map(|_| start_worker(&spec))).await;
        for w in rest {
            workers.push(w?);
        }
        Ok(Runner {
            slots: Semaphore::new(config.workers),
            config,
            spec,
            report,
            idle: Mutex::new(workers),
            replacements: AtomicUsize::new(0),
            _dir: dir,
        })
    }

    /// Which sandbox layers are in force; `warnings()` names the missing ones.
    pub fn sandbox_report(&self) -> &SandboxReport {
        &self.report
    }

    pub fn config(&self) -> &ExecConfig {
        &self.config
    }

    /// How many workers were replaced after a check killed theirs.
    pub fn replacements(&self) -> usize {
        self.replacements.load(Ordering::Relaxed)
    }

    /// Run one check in a freshly forked, confined child of a warm worker. Any number of
    /// checks may be awaited concurrently; at most `workers` run at once. A program that
    /// misbehaves gives an outcome with a verdict, not an error.
    pub async fn check(&self, request: &CheckRequest) -> Result<CheckOutcome, ExecError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| ExecError::Protocol("the worker pool was closed".into()))?;
        let line = serde_json::to_string(&serde_json::json!({ "check": request }))
            .map_err(|e| ExecError::Protocol(e.to_string()))?;
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        // A slot without a worker: its last one died or its check was cancelled mid-run.
        let mut worker = match idle {
            Some(w) => w,
            None => start_worker(&self.spec).await?,
        };
        let phases = request.calls.len() as u32 + 1;
        let backstop = self.config.timeout * phases + Duration::from_secs(10);
        match worker.check(&line, backstop).await {
            Ok(outcome) => {
                self.put_back(worker);
                Ok(outcome)
            }
            Err(reason) => {
                drop(worker);
                self.replacements.fetch_add(1, Ordering::Relaxed);
                if let Ok(fresh) = start_worker(&self.spec).await {
                    self.put_back(fresh);
                }
                Ok(CheckOutcome::worker_lost(reason))
            }
        }
    }

    fn put_back(&self, worker: Worker) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(worker);
        }
    }

    /// Memory of the idle workers' process trees (measure when no check is running).
    pub fn memory(&self) -> PoolMemory {
        let roots: Vec<u32> = self
            .idle
            .lock()
            .map(|v| v.iter().filter_map(Worker::pid).collect())
            .unwrap_or_default();
        let mut total = PoolMemory {
            processes: 0,
            rss_bytes: 0,
            pss_bytes: 0,
        };
        let mut stack = roots;
        while let Some(pid) = stack.pop() {
            let base = PathBuf::from(format!("/proc/{pid}"));
            total.processes += 1;
            total.rss_bytes += status_kib(&base.join("status"), "VmRSS:") * 1024;
            total.pss_bytes += status_kib(&base.join("smaps_rollup"), "Pss:") * 1024;
            stack.extend(children(&base));
        }
        total
    }
}

async fn start_worker(spec: &WorkerSpec) -> Result<Worker, ExecError> {
    Worker::start(spec).await.map_err(|f| match f {
        StartFailure::Fatal(e) => e,
        StartFailure::Launch { stderr } => ExecError::WorkerStart {
            python: spec.python.clone(),
            message: stderr,
        },
    })
}

fn make_spec(
    config: &ExecConfig,
    launch: &Launch,
    python: &Path,
    harness: &Path,
    dir: &Path,
    setup: &serde_json::Value,
    cpus: &Arc<CpuSlots>,
) -> WorkerSpec {
    let (program, args) = launch.command_line(python, harness);
    WorkerSpec {
        program,
        args,
        env: config.worker_env(dir),
        cwd: dir.to_path_buf(),
        setup_line: setup.to_string(),
        python: python.to_path_buf(),
        startup_timeout: Duration::from_secs(60),
        cpus: Arc::clone(cpus),
    }
}

/// The workspace as the harness reads it. In home mode, `dir/modules` gets a link to each
/// module the sketch imports from the home folder and stands in for that folder on
/// `sys.path`, so nothing else there is listed or imported.
fn workspace_setup(ws: &Workspace, dir: &Path) -> std::io::Result<serde_json::Value> {
    let mut sys_path = ws.import_paths.clone();
    let mut read: Vec<(PathBuf, String)> = ws
        .read
        .iter()
        .map(|g| (g.path.clone(), g.why.clone()))
        .collect();
    if ws.home_mode {
        let view = dir.join("modules");
        std::fs::create_dir(&view)?;
        for module in &ws.home_modules {
            if let Some(name) = module.file_name() {
                std::os::unix::fs::symlink(module, view.join(name))?;
            }
        }
        std::fs::set_permissions(&view, std::fs::Permissions::from_mode(0o755))?;
        read.push((
            view.clone(),
            "links to the modules the sketch imports from your home folder".to_string(),
        ));
        sys_path.insert(0, view);
    }
    Ok(serde_json::json!({
        "cwd": ws.cwd,
        "sys_path": sys_path,
        "read": read,
        "write": ws.write.iter().map(|g| (g.path.clone(), g.why.clone())).collect::<Vec<_>>(),
        "withhold": ws.withheld,
        "home": ws.home,
    }))
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("no message")
}

fn status_kib(path: &Path, key: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn children(proc_dir: &Path) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(proc_dir.join("task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
        .flat_map(|s| {
            s.split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect()
}
