//! The sandbox's layers and how a worker is launched inside them. Namespaces are entered by
//! running the worker under util-linux `unshare` (as PID 1 of fresh PID, mount and network
//! namespaces, with its own /proc); everything finer (rlimits, Landlock, dropping to an
//! unprivileged uid, the per-check directory) is applied by the harness in each forked check.
//! The harness reports which of its layers took effect, and `SandboxReport` turns that into
//! the list `anpl doctor` prints and the warnings shown once per run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::config::{find_on_path, ExecConfig};

/// One confinement layer and whether it is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    pub name: String,
    pub active: bool,
    /// Why it is missing, or how it is provided.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxReport {
    pub python: PathBuf,
    pub python_version: String,
    pub layers: Vec<Layer>,
}

impl SandboxReport {
    /// One warning per missing layer, naming it.
    pub fn warnings(&self) -> Vec<String> {
        self.layers
            .iter()
            .filter(|l| !l.active)
            .map(|l| format!("sandbox layer unavailable: {}: {}", l.name, l.detail))
            .collect()
    }

    pub fn layer(&self, name: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.name == name)
    }
}

pub const LAYER_TIMEOUT: &str = "wall-clock timeout";
pub const LAYER_TREE_KILL: &str = "process-tree kill";
pub const LAYER_RLIMITS: &str = "resource limits";
pub const LAYER_NPROC: &str = "process limit";
pub const LAYER_TEMP_DIR: &str = "temporary working directory";
pub const LAYER_ENV: &str = "clean environment";
pub const LAYER_PROC: &str = "private /proc";
pub const LAYER_NETWORK: &str = "no network";
pub const LAYER_WRITES: &str = "no writes outside the check directory";
pub const LAYER_USER: &str = "unprivileged user";
pub const LAYER_OUTPUT: &str = "output cap";

/// How workers are started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Launch {
    /// Under `unshare` at this path; `user_ns` when not root (unprivileged user namespace).
    Namespaced { unshare: PathBuf, user_ns: bool },
    /// Directly; `reason` says why namespaces are not used.
    Plain { reason: String },
}

impl Launch {
    /// The preferred launch for this configuration; `Runner::start` falls back to `Plain`
    /// when the kernel refuses the namespaces.
    pub(crate) fn preferred(config: &ExecConfig) -> Launch {
        if !config.sandbox.namespaces {
            return Launch::Plain {
                reason: "disabled in the configuration".into(),
            };
        }
        let found = find_on_path(Path::new("unshare"), config.env_var("PATH")).or_else(|| {
            ["/usr/bin/unshare", "/bin/unshare"]
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_file())
        });
        match found {
            Some(unshare) => Launch::Namespaced {
                unshare,
                // SAFETY: geteuid has no preconditions and cannot fail.
                user_ns: unsafe { libc::geteuid() } != 0,
            },
            None => Launch::Plain {
                reason: "util-linux `unshare` was not found on PATH".into(),
            },
        }
    }

    /// Program and arguments that start `python harness`.
    pub(crate) fn command_line(&self, python: &Path, harness: &Path) -> (PathBuf, Vec<String>) {
        let py_args = vec![
            "-I".to_string(),
            "-B".to_string(),
            harness.to_string_lossy().into_owned(),
        ];
        match self {
            Launch::Namespaced { unshare, user_ns } => {
                let mut args: Vec<String> = Vec::new();
                if *user_ns {
                    args.push("--user".into());
                    args.push("--map-root-user".into());
                }
                for a in [
                    "--pid",
                    "--fork",
                    "--kill-child",
                    "--mount-proc",
                    "--net",
                    "--mount",
                    "--",
                ] {
                    args.push(a.into());
                }
                args.push(python.to_string_lossy().into_owned());
                args.extend(py_args);
                (unshare.clone(), args)
            }
            Launch::Plain { .. } => (python.to_path_buf(), py_args),
        }
    }
}

/// Build the report from the launch mode and the layers the first worker said it applied.
pub(crate) fn build_report(
    config: &ExecConfig,
    python: &Path,
    python_version: &str,
    launch: &Launch,
    worker_layers: &BTreeMap<String, serde_json::Value>,
) -> SandboxReport {
    let status = |key: &str| -> (bool, String) {
        match worker_layers.get(key).and_then(|v| v.as_str()) {
            Some("active") => (true, String::new()),
            Some(reason) => (false, reason.to_string()),
            None => (false, "not reported by the worker".to_string()),
        }
    };
    let ns_reason = match launch {
        Launch::Plain { reason } => Some(format!("no namespaces: {reason}")),
        Launch::Namespaced { .. } => None,
    };
    let from_ns = |key: &str, how: &str| -> (bool, String) {
        match &ns_reason {
            Some(r) => (false, r.clone()),
            None => {
                let (ok, why) = status(key);
                (ok, if ok { how.to_string() } else { why })
            }
        }
    };
    let mut layers = Vec::new();
    let mut push = |name: &str, (active, detail): (bool, String)| {
        layers.push(Layer {
            name: name.to_string(),
            active,
            detail,
        });
    };
    let secs = config.timeout.as_secs_f64();
    push(
        LAYER_TIMEOUT,
        (true, format!("{secs} s for loading and for each call")),
    );
    push(
        LAYER_TREE_KILL,
        match from_ns("pid_namespace", "PID namespace: the worker is its init") {
            (true, d) => (true, d),
            (false, d) => (
                false,
                format!("{d}; only the check's process group is killed, a setsid child survives"),
            ),
        },
    );
    push(
        LAYER_RLIMITS,
        (
            true,
            format!(
                "CPU {} s, address space {} MiB, file size {} MiB, {} open files",
                config.cpu_seconds,
                config.memory_bytes >> 20,
                config.file_bytes >> 20,
                config.open_files
            ),
        ),
    );
    let (user_ok, user_detail) = status("drop_user");
    // SAFETY: getuid has no preconditions and cannot fail.
    let root = unsafe { libc::getuid() } == 0;
    push(
        LAYER_USER,
        if user_ok {
            (true, format!("checks run as uid {}", config.sandbox.uid))
        } else {
            (!root, user_detail)
        },
    );
    push(
        LAYER_NPROC,
        if user_ok || !root {
            (true, format!("RLIMIT_NPROC {}", config.processes))
        } else {
            (
                false,
                "checks run as root, where RLIMIT_NPROC does not bind: a fork bomb runs until the timeout"
                    .to_string(),
            )
        },
    );
    push(
        LAYER_TEMP_DIR,
        (true, "fresh per check, removed after".into()),
    );
    push(
        LAYER_ENV,
        (
            true,
            "allowlist: PATH, LANG, LC_*, TZ; private HOME and TMPDIR".into(),
        ),
    );
    push(
        LAYER_PROC,
        from_ns("private_proc", "mounted for the PID namespace"),
    );
    push(LAYER_NETWORK, from_ns("network", "empty network namespace"));
    push(
        LAYER_WRITES,
        match status("landlock") {
            (true, _) => (
                true,
                format!(
                    "Landlock ABI {}",
                    worker_layers
                        .get("landlock_abi")
                        .and_then(|v| v.as_u64())
                        .unwrap_or(0)
                ),
            ),
            other => other,
        },
    );
    push(
        LAYER_OUTPUT,
        (
            true,
            format!(
                "{} KiB kept, killed past {} MiB",
                config.max_output_bytes >> 10,
                config.output_kill_bytes >> 20
            ),
        ),
    );
    SandboxReport {
        python: python.to_path_buf(),
        python_version: python_version.to_string(),
        layers,
    }
}
