//! Checks in real project layouts (issue 12): the sketch's project is readable and
//! importable, the sketch's folder is the working directory, and everything else of the
//! user's (keys, anpl's own config, other projects, other users) stays out of reach, as root
//! and as an ordinary user (CI runs this file both ways). Hostile programs end with an
//! honest check on the same pool to show it carried on.

mod exec_support;

use std::path::Path;

use anpl::exec::{CheckOutcome, Runner, SandboxFlags};
use exec_support::*;

const READ: &str = "def f(path):\n    with open(path, 'rb') as fh:\n        return fh.read()\n";

async fn read_is_refused(runner: &Runner, path: &Path) -> CheckOutcome {
    let outcome = check(
        runner,
        &request(READ, &[(&format!("f({})", py_str(path)), None)]),
    )
    .await;
    let text = answer(&outcome, 0);
    assert!(!text.contains(SECRET), "{} leaked: {text}", path.display());
    assert!(
        text.starts_with("PermissionError") || text.starts_with("FileNotFoundError"),
        "{}: {text}",
        path.display()
    );
    outcome
}

async fn honest(runner: &Runner) {
    let req = request(
        "from helpers import double\ndef f(x):\n    return double(x)\n",
        &[("f(21)", Some("42"))],
    );
    let outcome = check(runner, &req).await;
    assert!(
        outcome.passed(&req),
        "the pool did not carry on: {outcome:#?}"
    );
}

// Regression: `from helpers import double` beside the sketch failed with "helpers is not
// installed for python3".
#[tokio::test]
async fn sibling_module_import_is_not_reported_as_not_installed() {
    let home = Home::new();
    let sketch = home.project.join("sketch.py");
    let runner = runner(home.config(&sketch), "from helpers import double\n").await;
    let req = request(
        "from helpers import double\ndef f(x):\n    return double(x)\n",
        &[("f(4)", Some("8"))],
    );
    let outcome = check(&runner, &req).await;
    assert!(outcome.passed(&req), "{outcome:#?}");
}

#[tokio::test]
async fn package_with_submodules_imports() {
    let home = Home::new();
    let project = &home.project;
    write_file(&project.join("shapes/__init__.py"), "");
    write_file(
        &project.join("shapes/grid/__init__.py"),
        "from .ops import flip\n",
    );
    write_file(
        &project.join("shapes/grid/ops.py"),
        "def flip(rows):\n    return rows[::-1]\n",
    );
    write_file(&project.join("tools/task.py"), "");
    let runner = runner(home.config(&project.join("tools/task.py")), "").await;
    let req = request(
        "from shapes.grid import flip\nfrom shapes.grid.ops import flip as f2\ndef f():\n    return flip([1, 2]) + f2([3, 4])\n",
        &[("f()", Some("[2, 1, 4, 3]"))],
    );
    let outcome = check(&runner, &req).await;
    assert!(outcome.passed(&req), "{outcome:#?}");
}

#[tokio::test]
async fn src_layout_package_imports() {
    let home = Home::new();
    let project = home.home.join("srcproj");
    write_file(
        &project.join("pyproject.toml"),
        "[project]\nname = \"ages\"\n",
    );
    write_file(
        &project.join("src/ages/__init__.py"),
        "def oldest(xs):\n    return max(xs)\n",
    );
    write_file(&project.join("notebooks/task.py"), "");
    let runner = runner(
        home.config(&project.join("notebooks/task.py")),
        "import ages\n",
    )
    .await;
    let req = request(
        "import ages\ndef f():\n    return ages.oldest([3, 9, 4])\n",
        &[("f()", Some("9"))],
    );
    let outcome = check(&runner, &req).await;
    assert!(outcome.passed(&req), "{outcome:#?}");
}

#[tokio::test]
async fn data_file_relative_to_the_sketch_reads() {
    let home = Home::new();
    write_file(&home.project.join("sub/ages.csv"), "ada,36\nbob,41\n");
    write_file(&home.project.join("sub/task.py"), "");
    let runner = runner(home.config(&home.project.join("sub/task.py")), "").await;
    let req = request(
        "import os\ndef f(path):\n    with open(path) as fh:\n        return [int(l.split(',')[1]) for l in fh]\ndef g():\n    return os.path.basename(os.getcwd())\n",
        &[("f('ages.csv')", Some("[36, 41]")), ("g()", Some("'sub'")), ("f('../sub/ages.csv')", Some("[36, 41]"))],
    );
    let outcome = check(&runner, &req).await;
    assert!(outcome.passed(&req), "{outcome:#?}");
}

/// A virtual environment with `six` installed from the registry: `ANPL_TEST_VENV` when the
/// test set-up made one (scripts/test), else made here. `None` (the test says why and
/// skips) when pip cannot reach the registry.
fn venv_with_six(scratch: &Path) -> Option<std::path::PathBuf> {
    if let Some(v) = std::env::var_os("ANPL_TEST_VENV").map(std::path::PathBuf::from) {
        if v.join("bin/python3").is_file() {
            return Some(v);
        }
    }
    let venv = scratch.join(".venv");
    let run = |cmd: &mut std::process::Command| cmd.output().map(|o| (o.status.success(), o));
    match run(std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv))
    {
        Ok((true, _)) => {}
        other => {
            eprintln!("SKIPPED: python3 -m venv failed: {other:?}");
            return None;
        }
    }
    match run(std::process::Command::new(venv.join("bin/python3")).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "six",
    ])) {
        Ok((true, _)) => Some(venv),
        other => {
            eprintln!("SKIPPED: pip could not install six from the registry: {other:?}");
            None
        }
    }
}

#[tokio::test]
async fn project_venv_packages_import() {
    let home = Home::new();
    let project = home.home.join("venvproj");
    write_file(&project.join("pyproject.toml"), "");
    write_file(&project.join("task.py"), "");
    let Some(venv) = venv_with_six(&project) else {
        return;
    };
    let mut config = home.config(&project.join("task.py"));
    if !venv.starts_with(&project) {
        // the set-up's shared venv, used as the activated environment would be
        let mut env = base_env();
        env.push(("HOME".into(), home.home.clone().into_os_string()));
        env.push(("VIRTUAL_ENV".into(), venv.clone().into_os_string()));
        config = anpl::exec::ExecConfig::for_sketch(
            &project.join("task.py"),
            None,
            &SandboxFlags::default(),
            env,
        );
        config.workers = 1;
    }
    assert!(
        config.python.starts_with(&venv),
        "{} was not chosen: {}",
        venv.display(),
        config.python.display()
    );
    let runner = runner(config, "import six\n").await;
    let req = request(
        &format!(
            "import six, sys\ndef f():\n    return six.__file__.startswith({}) and sys.prefix != sys.base_prefix\n",
            py_str(&venv)
        ),
        &[("f()", Some("True"))],
    );
    let outcome = check(&runner, &req).await;
    assert!(outcome.passed(&req), "{outcome:#?}");
}

#[tokio::test]
async fn reading_the_ssh_key_is_refused() {
    let home = Home::new();
    let runner = runner(home.config(&home.project.join("sketch.py")), "").await;
    read_is_refused(&runner, &home.home.join(".ssh/id_rsa")).await;
    read_is_refused(&runner, &home.home.join(".aws/credentials")).await;
    read_is_refused(&runner, &home.home.join(".bash_history")).await;
    honest(&runner).await;
}

#[tokio::test]
async fn reading_anpls_user_config_with_its_key_is_refused() {
    let home = Home::new();
    let runner = runner(home.config(&home.project.join("sketch.py")), "").await;
    read_is_refused(&runner, &home.home.join(".config/anpl/config.toml")).await;
    // and the credentials kept inside the project itself
    read_is_refused(&runner, &home.project.join(".env")).await;
    read_is_refused(&runner, &home.project.join(".git/config")).await;
    honest(&runner).await;
}

#[tokio::test]
async fn reading_another_project_is_refused() {
    let home = Home::new();
    let runner = runner(home.config(&home.project.join("sketch.py")), "").await;
    read_is_refused(&runner, &home.home.join("other-project/notes.txt")).await;
    read_is_refused(&runner, Path::new("../other-project/notes.txt")).await;
    honest(&runner).await;
}

#[tokio::test]
async fn listing_home_shows_no_one() {
    let home = Home::new();
    let runner = runner(home.config(&home.project.join("sketch.py")), "").await;
    let program = "import os\ndef f(path):\n    try:\n        return sorted(os.listdir(path))\n    except OSError as e:\n        return type(e).__name__\n";
    let mut calls = vec![format!("f({})", py_str(&home.home))];
    let real: Vec<String> = std::fs::read_dir("/home")
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    calls.push("f('/home')".into());
    calls.push("f('/root')".into());
    let calls: Vec<(&str, Option<&str>)> = calls.iter().map(|c| (c.as_str(), None)).collect();
    let outcome = check(&runner, &request(program, &calls)).await;
    for (i, (call, _)) in calls.iter().enumerate() {
        let seen = answer(&outcome, i);
        assert!(
            seen == "'PermissionError'" || seen == "'FileNotFoundError'" || seen == "[]",
            "{call}: {seen}"
        );
        assert!(!seen.contains(".ssh") && !real.iter().any(|u| seen.contains(u.as_str())));
    }
    honest(&runner).await;
}

#[tokio::test]
async fn writing_into_the_project_is_refused() {
    let home = Home::new();
    let runner = runner(home.config(&home.project.join("sketch.py")), "").await;
    let program = "import os\ndef f(path):\n    with open(path, 'w') as fh:\n        fh.write('pwned')\n    return 'wrote'\ndef g():\n    os.remove('helpers.py')\n";
    let outcome = check(
        &runner,
        &request(
            program,
            &[
                ("f('helpers.py')", None),
                ("f('new.txt')", None),
                ("g()", None),
            ],
        ),
    )
    .await;
    for i in 0..3 {
        let text = answer(&outcome, i);
        assert!(
            text.starts_with("PermissionError") || text.starts_with("OSError"),
            "{text}"
        );
    }
    assert!(
        answer(&outcome, 1).contains("new.txt"),
        "the message names the path"
    );
    assert_eq!(
        std::fs::read_to_string(home.project.join("helpers.py"))
            .ok()
            .as_deref(),
        Some("def double(x):\n    return 2 * x\n")
    );
    assert!(!home.project.join("new.txt").exists());
    honest(&runner).await;
}

#[tokio::test]
async fn replacing_a_project_file_through_a_symlink_is_refused() {
    let home = Home::new();
    let runner = runner(home.config(&home.project.join("sketch.py")), "").await;
    let target = home.project.join("helpers.py");
    let body = format!(
        r#"import os, tempfile
def f():
    scratch = tempfile.gettempdir()
    link = os.path.join(scratch, 'link.py')
    os.symlink({0}, link)
    results = []
    try:
        with open(link, 'w') as fh:
            fh.write('def double(x):\n    return "pwned"\n')
        results.append('wrote through the link')
    except OSError as e:
        results.append(type(e).__name__)
    evil = os.path.join(scratch, 'evil.py')
    with open(evil, 'w') as fh:
        fh.write('def double(x):\n    return "pwned"\n')
    for move in (os.replace, os.rename, os.link):
        try:
            move(evil, {0})
            results.append('replaced with ' + move.__name__)
        except OSError as e:
            results.append(type(e).__name__)
    return results
"#,
        py_str(&target)
    );
    let outcome = check(&runner, &request(&body, &[("f()", None)])).await;
    let text = answer(&outcome, 0);
    assert!(
        !text.contains("wrote") && !text.contains("replaced"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(&target).ok().as_deref(),
        Some("def double(x):\n    return 2 * x\n")
    );
    honest(&runner).await;
}

#[tokio::test]
async fn a_module_planted_in_scratch_does_not_shadow_the_project() {
    let home = Home::new();
    let runner = runner(home.config(&home.project.join("sketch.py")), "").await;
    let plant = r#"import importlib, os, sys, tempfile
def f():
    evil = 'def double(x):\n    return "pwned"\n'
    for folder in {os.environ['HOME'], tempfile.gettempdir(), os.getcwd()}:
        try:
            with open(os.path.join(folder, 'helpers.py'), 'w') as fh:
                fh.write(evil)
        except OSError:
            pass
    importlib.invalidate_caches()
    sys.modules.pop('helpers', None)
    import helpers
    return helpers.double(2)
"#;
    let outcome = check(&runner, &request(plant, &[("f()", Some("4"))])).await;
    assert_eq!(answer(&outcome, 0), "4");
    // and the next check in the same worker gets the project's module too
    honest(&runner).await;
}

// Regression: a hole reading a data file outside the project got FileNotFoundError, and
// compile spent its repair rounds asking the model to fix the environment.
#[tokio::test]
async fn data_file_outside_the_project_names_the_setting_that_grants_it() {
    let home = Home::new();
    write_file(&home.home.join("shared/ages.csv"), "36\n41\n");
    let sketch = home.project.join("sketch.py");
    let config = home.config(&sketch);
    let workspace = config
        .workspace
        .clone()
        .unwrap_or_else(|| panic!("no workspace"));
    let runner = runner(config, "").await;
    let program = "def f(path):\n    with open(path) as fh:\n        return [int(l) for l in fh]\n";
    let outcome = check(
        &runner,
        &request(program, &[("f('../shared/ages.csv')", None)]),
    )
    .await;
    let error = outcome.calls[0]
        .error
        .clone()
        .unwrap_or_else(|| panic!("the read succeeded: {outcome:#?}"));
    let advice = workspace
        .explain_denied(&error)
        .unwrap_or_else(|| panic!("not recognised as the sandbox's doing: {error:?}"));
    assert!(
        advice.contains("[sandbox]") && advice.contains("--sandbox-read"),
        "{advice}"
    );
    // ... and the advice works
    let flags = SandboxFlags {
        read: vec![home.home.join("shared")],
        write: Vec::new(),
    };
    let runner = runner_for(home.config_with(&sketch, &flags)).await;
    let req = request(program, &[("f('../shared/ages.csv')", Some("[36, 41]"))]);
    let outcome = check(&runner, &req).await;
    assert!(outcome.passed(&req), "{outcome:#?}");
}

#[tokio::test]
async fn sandbox_write_folder_is_writable_and_nothing_else() {
    let home = Home::new();
    std::fs::create_dir_all(home.project.join("out")).unwrap_or_else(|e| panic!("{e}"));
    write_file(
        &home.project.join("anpl.toml"),
        "[sandbox]\nwrite = [\"out\"]\n",
    );
    let runner = runner(home.config(&home.project.join("sketch.py")), "").await;
    let program = "def f(path):\n    with open(path, 'w') as fh:\n        fh.write('result')\n    return 'ok'\n";
    let outcome = check(
        &runner,
        &request(
            program,
            &[("f('out/result.txt')", None), ("f('result.txt')", None)],
        ),
    )
    .await;
    assert_eq!(answer(&outcome, 0), "'ok'");
    assert!(
        answer(&outcome, 1).starts_with("PermissionError"),
        "{outcome:#?}"
    );
    assert_eq!(
        std::fs::read_to_string(home.project.join("out/result.txt"))
            .ok()
            .as_deref(),
        Some("result")
    );
    // anpl.toml is withheld like .env: it may hold provider keys
    read_is_refused(&runner, &home.project.join("anpl.toml")).await;
}

// A sketch saved straight into the home folder: the home is not the project.
#[tokio::test]
async fn sketch_in_the_home_folder_reads_only_its_own_modules() {
    let home = Home::new();
    write_file(&home.home.join("task.py"), "import helpers2\n");
    write_file(
        &home.home.join("helpers2.py"),
        "def triple(x):\n    return 3 * x\n",
    );
    write_file(&home.home.join("diary.txt"), SECRET);
    let runner = runner(home.config(&home.home.join("task.py")), "import helpers2\n").await;
    let req = request(
        "import helpers2\ndef f():\n    return helpers2.triple(3)\n",
        &[("f()", Some("9"))],
    );
    let outcome = check(&runner, &req).await;
    assert!(outcome.passed(&req), "{outcome:#?}");
    read_is_refused(&runner, &home.home.join("diary.txt")).await;
    read_is_refused(&runner, Path::new("diary.txt")).await;
    read_is_refused(&runner, &home.project.join("data.csv")).await;
}

async fn runner_for(config: anpl::exec::ExecConfig) -> Runner {
    runner(config, "").await
}
