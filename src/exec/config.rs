//! How Python is run: which interpreter, how many workers, and the limits every check gets.
//! The CLI builds an `ExecConfig` from flags and the environment once, before any work
//! starts; the library never reads the process environment itself except through
//! `ExecConfig::from_process_env`, so tests pass every setting explicitly.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::ExecError;
use super::settings::SandboxFlags;
use super::workspace::Workspace;

/// Environment variables a worker may inherit. Nothing else crosses: no `*_API_KEY`, no
/// `ANPL_*`, no proxy or cloud credentials.
const ENV_ALLOWLIST: &[&str] = &["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ"];

#[derive(Debug, Clone)]
pub struct ExecConfig {
    /// The interpreter: an absolute path, or a name looked up on the `PATH` of `base_env`.
    pub python: PathBuf,
    /// Warm workers in the pool (default: the number of cores).
    pub workers: usize,
    /// Wall-clock limit for loading the program, and again for each call.
    pub timeout: Duration,
    /// RLIMIT_AS of a check (default 2 GiB).
    pub memory_bytes: u64,
    /// RLIMIT_CPU of a check.
    pub cpu_seconds: u64,
    /// RLIMIT_FSIZE: the largest file a check may write.
    pub file_bytes: u64,
    /// RLIMIT_NOFILE.
    pub open_files: u64,
    /// RLIMIT_NPROC: processes of the check's user.
    pub processes: u64,
    /// stdout and stderr kept per check; the rest is counted and dropped.
    pub max_output_bytes: usize,
    /// A check writing more than this (stdout, stderr or results) is killed.
    pub output_kill_bytes: u64,
    /// The longest value text kept; longer values are cut and marked truncated.
    pub max_value_bytes: usize,
    /// Trace events kept per check (a deep recursion through a hole can make millions).
    pub max_trace_events: usize,
    pub sandbox: SandboxConfig,
    /// The environment the worker's allowlisted variables are taken from.
    pub base_env: Vec<(OsString, OsString)>,
    /// The sketch's project as checks see it; `None` runs checks in their scratch
    /// directory with nothing of the user's readable (the library's default).
    pub workspace: Option<Workspace>,
    /// Why the workspace could not be built (a bad `[sandbox]` table or flag), reported by
    /// `validate` before any worker starts.
    pub problem: Option<String>,
    /// Where `python` came from, for `anpl doctor`.
    pub python_source: String,
}

/// Which confinement layers to attempt. All are on by default; turning one off is for
/// debugging, and the sandbox report still names it as missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    /// PID, mount and network namespaces (via `unshare`).
    pub namespaces: bool,
    /// Landlock: no writes outside the check's directory, no TCP.
    pub landlock: bool,
    /// Run checks as `uid` when anpl runs as root, so RLIMIT_NPROC binds.
    pub drop_user: bool,
    pub uid: u32,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            namespaces: true,
            landlock: true,
            drop_user: true,
            uid: 65534,
        }
    }
}

impl ExecConfig {
    /// Defaults with `python` and the environment given explicitly.
    pub fn new(python: PathBuf, base_env: Vec<(OsString, OsString)>) -> ExecConfig {
        ExecConfig {
            python,
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            timeout: Duration::from_secs(5),
            memory_bytes: 2 << 30,
            cpu_seconds: 10,
            file_bytes: 64 << 20,
            open_files: 256,
            processes: 64,
            max_output_bytes: 64 << 10,
            output_kill_bytes: 16 << 20,
            max_value_bytes: 64 << 10,
            max_trace_events: 10_000,
            sandbox: SandboxConfig::default(),
            base_env,
            workspace: None,
            problem: None,
            python_source: "given".to_string(),
        }
    }

    /// The configuration for checking the sketch at `sketch`: its workspace (project,
    /// `[sandbox]` settings, `flags`) and its interpreter (`choose_python`), with the
    /// environment `base_env` (HOME, VIRTUAL_ENV and ANPL_PYTHON are read from it).
    pub fn for_sketch(
        sketch: &Path,
        python_flag: Option<&Path>,
        flags: &SandboxFlags,
        base_env: Vec<(OsString, OsString)>,
    ) -> ExecConfig {
        let get = |key: &str| {
            base_env
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| v.to_str())
                .filter(|v| !v.trim().is_empty())
                .map(str::to_string)
        };
        let home = get("HOME").map(PathBuf::from);
        let (workspace, problem) = match Workspace::for_sketch(sketch, home.as_deref(), flags) {
            Ok(w) => (Some(w), None),
            Err(e) => (None, Some(e)),
        };
        let dirs: Vec<PathBuf> = match &workspace {
            Some(ws) => ws
                .cwd
                .ancestors()
                .take_while(|d| d.starts_with(&ws.project))
                .map(Path::to_path_buf)
                .collect(),
            None => vec![crate::project::sketch_dir(sketch)],
        };
        let (python, source) = choose_python(
            python_flag,
            get("ANPL_PYTHON").as_deref(),
            get("VIRTUAL_ENV").as_deref(),
            &dirs,
        );
        let mut config = ExecConfig::new(python, base_env);
        config.workspace = workspace;
        config.problem = problem;
        config.python_source = source;
        config
    }

    /// Defaults for this process, for a sketch in `sketch_dir` (see `for_sketch`).
    pub fn from_process_env(flag: Option<&Path>, sketch_dir: &Path) -> ExecConfig {
        ExecConfig::for_sketch(
            &sketch_dir.join("sketch.py"),
            flag,
            &SandboxFlags::default(),
            std::env::vars_os().collect(),
        )
    }

    /// `--python`, then `ANPL_PYTHON`, then `.venv/bin/python` beside the sketch, then `python3`.
    pub fn resolve_python(
        flag: Option<&Path>,
        env_anpl_python: Option<&str>,
        sketch_dir: &Path,
    ) -> PathBuf {
        choose_python(flag, env_anpl_python, None, &[sketch_dir.to_path_buf()]).0
    }

    /// The interpreter as an absolute path, looked up on the base environment's `PATH`.
    pub fn python_path(&self) -> Result<PathBuf, ExecError> {
        if self.python.components().count() > 1 {
            return if self.python.is_file() {
                Ok(std::path::absolute(&self.python).unwrap_or_else(|_| self.python.clone()))
            } else {
                Err(ExecError::PythonNotFound(self.python.clone()))
            };
        }
        find_on_path(&self.python, self.env_var("PATH"))
            .ok_or_else(|| ExecError::PythonNotFound(self.python.clone()))
    }

    pub(crate) fn env_var(&self, key: &str) -> Option<&OsString> {
        self.base_env.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The worker environment: allowlisted variables, a private HOME and TMPDIR, and
    /// single-threaded numerical libraries (threads would count against RLIMIT_NPROC and
    /// reserve memory against RLIMIT_AS in every forked check).
    pub(crate) fn worker_env(&self, private_dir: &Path) -> Vec<(OsString, OsString)> {
        let mut env: Vec<(OsString, OsString)> = ENV_ALLOWLIST
            .iter()
            .filter_map(|k| self.env_var(k).map(|v| (OsString::from(k), v.clone())))
            .collect();
        if self.env_var("PATH").is_none() {
            env.push(("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()));
        }
        env.push(("HOME".into(), private_dir.as_os_str().to_owned()));
        env.push(("TMPDIR".into(), private_dir.join("checks").into_os_string()));
        for k in [
            "OPENBLAS_NUM_THREADS",
            "OMP_NUM_THREADS",
            "MKL_NUM_THREADS",
            "NUMEXPR_NUM_THREADS",
        ] {
            env.push((k.into(), "1".into()));
        }
        env
    }

    pub(crate) fn validate(&self) -> Result<(), ExecError> {
        if let Some(problem) = &self.problem {
            return Err(ExecError::Sandbox(problem.clone()));
        }
        if self.workers == 0 {
            return Err(ExecError::Config("workers must be at least 1".into()));
        }
        if self.timeout.is_zero() {
            return Err(ExecError::Config("timeout must be positive".into()));
        }
        if self.max_output_bytes as u64 > self.output_kill_bytes {
            return Err(ExecError::Config(
                "max_output_bytes must not exceed output_kill_bytes".into(),
            ));
        }
        Ok(())
    }
}

/// The interpreter for a sketch, and where it came from: `--python`, then `ANPL_PYTHON`,
/// then an activated `VIRTUAL_ENV`, then a `.venv` or `venv` in the sketch's folder or a
/// folder above it up to the project root (`dirs`, nearest first), then `python3`.
pub fn choose_python(
    flag: Option<&Path>,
    env_anpl_python: Option<&str>,
    env_virtual_env: Option<&str>,
    dirs: &[PathBuf],
) -> (PathBuf, String) {
    if let Some(p) = flag {
        return (p.to_path_buf(), "--python".to_string());
    }
    if let Some(p) = env_anpl_python.filter(|p| !p.trim().is_empty()) {
        return (PathBuf::from(p), "ANPL_PYTHON".to_string());
    }
    let venv_python = |venv: &Path| {
        ["python3", "python"]
            .iter()
            .map(|name| venv.join("bin").join(name))
            .find(|p| p.is_file())
    };
    if let Some(venv) = env_virtual_env.filter(|p| !p.trim().is_empty()) {
        if let Some(p) = venv_python(Path::new(venv)) {
            return (
                p,
                "VIRTUAL_ENV (the activated virtual environment)".to_string(),
            );
        }
    }
    for dir in dirs {
        for name in [".venv", "venv"] {
            if let Some(p) = venv_python(&dir.join(name)) {
                return (
                    p,
                    format!("the virtual environment {}", dir.join(name).display()),
                );
            }
        }
    }
    (PathBuf::from("python3"), "python3 on PATH".to_string())
}

pub(crate) fn find_on_path(name: &Path, path: Option<&OsString>) -> Option<PathBuf> {
    let path = path?;
    std::env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_beats_venv() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let venv = dir.path().join(".venv/bin");
        std::fs::create_dir_all(&venv).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(venv.join("python3"), "").unwrap_or_else(|e| panic!("{e}"));
        let flag = PathBuf::from("/opt/py/bin/python3");
        assert_eq!(
            ExecConfig::resolve_python(Some(&flag), Some("envpy"), dir.path()),
            flag
        );
        assert_eq!(
            ExecConfig::resolve_python(None, Some("envpy"), dir.path()),
            PathBuf::from("envpy")
        );
        assert_eq!(
            ExecConfig::resolve_python(None, None, dir.path()),
            venv.join("python3")
        );
        let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ExecConfig::resolve_python(None, Some(""), empty.path()),
            PathBuf::from("python3")
        );
    }

    #[test]
    fn activated_env_beats_project_venvs() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let make = |venv: &Path| {
            std::fs::create_dir_all(venv.join("bin")).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(venv.join("bin/python3"), "").unwrap_or_else(|e| panic!("{e}"));
        };
        let project = dir.path().join("proj");
        let sketch_dir = project.join("scripts");
        make(&project.join("venv"));
        make(&dir.path().join("active"));
        let dirs = vec![sketch_dir.clone(), project.clone()];
        let (python, why) = choose_python(None, None, None, &dirs);
        assert_eq!(python, project.join("venv/bin/python3"));
        assert!(why.contains("venv"), "{why}");
        let active = dir.path().join("active");
        let (python, _) = choose_python(None, None, active.to_str(), &dirs);
        assert_eq!(python, active.join("bin/python3"));
    }

    #[test]
    fn secrets_never_reach_the_worker_env() {
        let base = vec![
            ("PATH".into(), "/usr/bin".into()),
            ("OPENAI_API_KEY".into(), "sk-secret".into()),
            ("ANPL_PYTHON".into(), "x".into()),
            ("LANG".into(), "C.UTF-8".into()),
        ];
        let config = ExecConfig::new("python3".into(), base);
        let env = config.worker_env(Path::new("/private"));
        let keys: Vec<String> = env
            .iter()
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect();
        assert!(keys.contains(&"PATH".to_string()));
        assert!(keys.contains(&"LANG".to_string()));
        assert!(!keys
            .iter()
            .any(|k| k.contains("API_KEY") || k.starts_with("ANPL_")));
    }

    #[test]
    fn missing_interpreter_is_a_clear_error() {
        let config = ExecConfig::new(
            "no-such-python-anpl".into(),
            vec![("PATH".into(), "/usr/bin".into())],
        );
        let err = config.python_path().err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("no-such-python-anpl") && e.contains("--python")));
    }
}
