//! The sandbox's layers and how a worker is launched inside them. Namespaces are entered by
//! running the worker under util-linux `unshare` (as PID 1 of fresh PID, mount and network
//! namespaces, with its own /proc); everything finer (rlimits, Landlock, dropping to an
//! unprivileged uid, the per-check directory) is applied by the harness in each forked check.
//! The harness reports which of its layers took effect and the paths checks may use, and
//! `SandboxReport` turns that into the list `anpl doctor` prints and the warnings shown once
//! per run. Without `unshare`, or when the kernel refuses namespaces, workers start plainly
//! (on macOS under `sandbox-exec` when it is there) and the report names what that costs.

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

/// One path a check may use: `mode` is `read`, `list` (the folder's names only),
/// `read and write` or `device`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub path: PathBuf,
    pub mode: String,
    pub why: String,
}

impl Access {
    /// The harness's short modes (`r`, `rdir`, `rw`, `dev`) in words.
    pub(crate) fn described(mut self) -> Access {
        self.mode = match self.mode.as_str() {
            "r" => "read",
            "rdir" => "list",
            "rw" => "read and write",
            "dev" => "device",
            other => other,
        }
        .to_string();
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxReport {
    pub python: PathBuf,
    pub python_version: String,
    pub layers: Vec<Layer>,
    /// What checks may read and write, and why; empty when no layer limits reads (then they
    /// read what the user can).
    pub access: Vec<Access>,
    /// Folders the mount fallback covers (only the paths in `access` show through).
    pub covered: Vec<PathBuf>,
    /// The interpreter the workers really run (`sys.executable`).
    pub executable: PathBuf,
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
pub const LAYER_READS: &str = "reads limited to the project and Python";
pub const LAYER_USER: &str = "unprivileged user";
pub const LAYER_OUTPUT: &str = "output cap";

/// How workers are started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Launch {
    /// Under `unshare` at this path; `user_ns` when not root (unprivileged user namespace).
    Namespaced { unshare: PathBuf, user_ns: bool },
    /// Under macOS `sandbox-exec` with this profile (no namespaces on macOS).
    Seatbelt { program: PathBuf, profile: String },
    /// Directly; `reason` says why namespaces are not used.
    Plain { reason: String },
}

impl Launch {
    /// The preferred launch for this configuration; `Runner::start` falls back to `Plain`
    /// when the kernel refuses the namespaces. `unshare` is looked up on the configured
    /// `PATH` only, so hiding it there (as a minimal image does) is the same as not having it.
    pub(crate) fn preferred(config: &ExecConfig, checks_dir: &Path, python: &Path) -> Launch {
        if !config.sandbox.namespaces {
            return Launch::Plain {
                reason: "disabled in the configuration".into(),
            };
        }
        if cfg!(target_os = "macos") {
            let program = PathBuf::from("/usr/bin/sandbox-exec");
            return if program.is_file() {
                Launch::Seatbelt {
                    program,
                    profile: seatbelt_profile(config, checks_dir, python),
                }
            } else {
                Launch::Plain {
                    reason: "macOS has no namespaces and /usr/bin/sandbox-exec is missing".into(),
                }
            };
        }
        let found = match config.env_var("PATH") {
            Some(path) => find_on_path(Path::new("unshare"), Some(path)),
            None => ["/usr/bin/unshare", "/bin/unshare"]
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_file()),
        };
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
            Launch::Seatbelt { program, profile } => {
                let mut args = vec![
                    "-p".to_string(),
                    profile.clone(),
                    python.to_string_lossy().into_owned(),
                ];
                args.extend(py_args);
                (program.clone(), args)
            }
            Launch::Plain { .. } => (python.to_path_buf(), py_args),
        }
    }
}

/// A macOS sandbox profile with the same read and write model as the Linux layers: no
/// network, writes only in the checks folder and granted folders, and the user folders
/// unreadable except the Python installation and the workspace. Later rules win.
pub(crate) fn seatbelt_profile(config: &ExecConfig, checks_dir: &Path, python: &Path) -> String {
    let quote = |p: &Path| format!("{:?}", p.to_string_lossy());
    let mut readable: Vec<PathBuf> = Vec::new();
    for exe in [
        python.to_path_buf(),
        python.canonicalize().unwrap_or_default(),
    ] {
        if let Some(prefix) = exe.parent().and_then(Path::parent) {
            readable.push(prefix.to_path_buf());
        }
    }
    let mut writable = vec![checks_dir.to_path_buf()];
    let mut withheld = Vec::new();
    if let Some(ws) = &config.workspace {
        readable.extend(ws.read.iter().map(|g| g.path.clone()));
        writable.extend(ws.write.iter().map(|g| g.path.clone()));
        withheld.extend(ws.withheld.iter().cloned());
    }
    let hidden: Vec<PathBuf> = ["/Users", "/Volumes", "/private/tmp", "/private/var/tmp"]
        .iter()
        .map(PathBuf::from)
        .chain(config.env_var("HOME").map(PathBuf::from))
        .collect();
    let list = |paths: &[PathBuf]| {
        paths
            .iter()
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| format!(" (subpath {})", quote(p)))
            .collect::<String>()
    };
    let mut profile = String::from("(version 1)\n(allow default)\n(deny network*)\n");
    profile.push_str(&format!("(deny file-read*{})\n", list(&hidden)));
    profile.push_str(&format!("(allow file-read*{})\n", list(&readable)));
    profile.push_str("(deny file-write*)\n");
    profile.push_str(&format!(
        "(allow file-write* (literal \"/dev/null\"){})\n",
        list(&writable)
    ));
    if !withheld.is_empty() {
        profile.push_str(&format!("(deny file-read*{})\n", list(&withheld)));
    }
    profile
}

/// Build the report from the launch mode and the layers the first worker said it applied.
pub(crate) fn build_report(
    config: &ExecConfig,
    python: &Path,
    python_version: &str,
    launch: &Launch,
    worker_layers: &BTreeMap<String, serde_json::Value>,
    access: Vec<Access>,
    covered: Vec<PathBuf>,
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
        Launch::Seatbelt { .. } => Some("no namespaces on macOS".to_string()),
        Launch::Namespaced { .. } => None,
    };
    let seatbelt = matches!(launch, Launch::Seatbelt { .. });
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
    push(
        LAYER_NETWORK,
        if seatbelt {
            (true, "sandbox-exec profile: (deny network*)".to_string())
        } else {
            from_ns("network", "empty network namespace")
        },
    );
    let abi = worker_layers
        .get("landlock_abi")
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    let reads = worker_layers.get("reads").and_then(|v| v.as_str());
    push(
        LAYER_WRITES,
        match status("landlock") {
            (true, _) => (true, format!("Landlock ABI {abi}")),
            _ if seatbelt => (true, "sandbox-exec profile".to_string()),
            (false, why) if reads == Some("mount") => (
                false,
                format!("{why}; the mount fallback makes the project and the folders it binds back read-only, elsewhere only file permissions stop writes"),
            ),
            other => other,
        },
    );
    push(
        LAYER_READS,
        match reads {
            Some("active") => (true, format!("Landlock read rules (ABI {abi})")),
            Some("mount") => (
                true,
                format!(
                    "mount namespace: {} covered, only the paths checks need bound back",
                    covered
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            _ if seatbelt => (true, "sandbox-exec profile: user folders unreadable except the project and Python".to_string()),
            Some(why) => (
                false,
                format!("{why}: checks can read every file you can, and what they read can reach the model provider in repair prompts"),
            ),
            None => (false, "not reported by the worker".to_string()),
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
    let limited = layers.iter().any(|l| l.name == LAYER_READS && l.active);
    SandboxReport {
        python: python.to_path_buf(),
        python_version: python_version.to_string(),
        layers,
        access: if limited { access } else { Vec::new() },
        covered,
        executable: PathBuf::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::{SandboxFlags, Workspace};

    // The macOS profile cannot run here; its text is what can be pinned everywhere.
    #[test]
    fn seatbelt_profile_denies_home_and_network_and_allows_the_project() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let home = dir.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let project = home.join("proj");
        std::fs::create_dir_all(project.join(".git")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(project.join(".env"), "K=1").unwrap_or_else(|e| panic!("{e}"));
        let mut config = ExecConfig::new(
            "/opt/py/bin/python3".into(),
            vec![("HOME".into(), home.clone().into_os_string())],
        );
        config.workspace = Some(
            Workspace::for_sketch(&project.join("t.py"), Some(&home), &SandboxFlags::default())
                .unwrap_or_else(|e| panic!("{e}")),
        );
        let profile = seatbelt_profile(
            &config,
            Path::new("/private/var/x/checks"),
            Path::new("/opt/py/bin/python3"),
        );
        let line = |start: &str| {
            profile
                .lines()
                .position(|l| l.starts_with(start))
                .unwrap_or_else(|| panic!("no {start} in {profile}"))
        };
        assert!(profile.contains("(deny network*)"));
        let deny_home = line("(deny file-read*");
        let allow = line("(allow file-read*");
        assert!(deny_home < allow, "later rules win: {profile}");
        assert!(profile
            .lines()
            .nth(deny_home)
            .is_some_and(|l| l.contains(&format!("{:?}", home.display().to_string()))));
        assert!(profile
            .lines()
            .nth(allow)
            .is_some_and(|l| l.contains("proj") && l.contains("/opt/py")));
        assert!(profile.contains(
            "(allow file-write* (literal \"/dev/null\") (subpath \"/private/var/x/checks\"))"
        ));
        assert!(profile
            .trim_end()
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("(deny file-read*") && l.contains(".env")));
    }
}
