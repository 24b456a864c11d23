//! Configuration resolution: precedence of flags, environment, `anpl.toml` and the user file,
//! provenance of every value, masked keys, provider rows from files, and errors that point
//! at the file, line and column. Environments are explicit maps; no test touches the
//! process environment.

#![cfg(feature = "fake-server")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anpl::llm::config::{resolve, ConfigError, ConfigPaths};
use anpl::llm::fake_server::{FakeRule, FakeServer, FakeTable};
use anpl::llm::{
    ChatRequest, Client, ConfigFlags, LlmError, Message, ModelSpec, ResolvedConfig, Secret, Source,
};
use pretty_assertions::assert_eq;
use tokio_util::sync::CancellationToken;

const KEY: &str = "sk-env-KEY-0123456789abcdef";

struct Dirs {
    _tmp: tempfile::TempDir,
    cwd: PathBuf,
    home: PathBuf,
}

fn dirs() -> Dirs {
    let tmp = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let cwd = tmp.path().join("project");
    let home = tmp.path().join("home");
    for d in [&cwd, &home.join(".config/anpl")] {
        if let Err(e) = std::fs::create_dir_all(d) {
            panic!("{e}");
        }
    }
    Dirs {
        _tmp: tmp,
        cwd,
        home,
    }
}

fn write(path: &Path, text: &str) {
    if let Err(e) = std::fs::write(path, text) {
        panic!("{}: {e}", path.display());
    }
}

fn env(d: &Dirs, pairs: &[(&str, &str)]) -> HashMap<String, String> {
    let mut map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    map.insert("HOME".into(), d.home.display().to_string());
    map
}

fn run(d: &Dirs, flags: &ConfigFlags, env: &HashMap<String, String>) -> ResolvedConfig {
    match resolve(flags, env, &ConfigPaths::standard(&d.cwd, env)) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

fn run_err(d: &Dirs, flags: &ConfigFlags, env: &HashMap<String, String>) -> ConfigError {
    match resolve(flags, env, &ConfigPaths::standard(&d.cwd, env)) {
        Ok(c) => panic!("resolved: {c:?}"),
        Err(e) => e,
    }
}

fn project(d: &Dirs) -> PathBuf {
    d.cwd.join("anpl.toml")
}

fn user(d: &Dirs) -> PathBuf {
    d.home.join(".config/anpl/config.toml")
}

#[test]
fn nothing_configured_means_offline_and_says_so() {
    let d = dirs();
    let c = run(&d, &ConfigFlags::default(), &env(&d, &[]));
    assert_eq!(c.model.value, ModelSpec::Offline);
    assert_eq!(c.model.source, Source::Default);
    assert!(c
        .offline_notice()
        .is_some_and(|n| n.contains("working offline")));
    assert_eq!(c.samples.value, 5);
    assert_eq!(c.temperature.value, 0.8);
    assert_eq!(c.repair_rounds.value, 2);
    assert!(c.problems().is_empty());
    assert!(c.files_read.is_empty());
    assert_eq!(
        Client::from_config(&c, CancellationToken::new()).map(|_| ()),
        Err(LlmError::NotRemote("offline".into()))
    );
}

#[test]
fn flags_beat_environment_beat_project_file_beat_user_file() {
    let d = dirs();
    write(
        &user(&d),
        "model = \"anthropic:claude-sonnet-4-5\"\nsamples = 7\njobs = 3\n",
    );
    write(
        &project(&d),
        "model = \"openai:gpt-4o-mini\"\nsamples = 9\n",
    );
    let e = env(&d, &[("ANPL_MODEL", "ollama:qwen2.5-coder:7b")]);
    let flags = ConfigFlags {
        model: Some("openai:gpt-4o".into()),
        ..ConfigFlags::default()
    };
    let c = run(&d, &flags, &e);
    assert_eq!(c.model.value.to_string(), "openai:gpt-4o");
    assert_eq!(c.model.source, Source::Flag("--model".into()));
    assert_eq!(c.samples.value, 9);
    assert_eq!(c.samples.source, Source::ProjectFile(project(&d)));
    assert_eq!(c.jobs.value, 3);
    assert_eq!(c.jobs.source, Source::UserFile(user(&d)));
    assert_eq!(c.files_read, vec![project(&d), user(&d)]);

    let c = run(&d, &ConfigFlags::default(), &e);
    assert_eq!(c.model.value.to_string(), "ollama:qwen2.5-coder:7b");
    assert_eq!(c.model.source, Source::Env("ANPL_MODEL".into()));

    let c = run(&d, &ConfigFlags::default(), &env(&d, &[]));
    assert_eq!(c.model.value.to_string(), "openai:gpt-4o-mini");
    assert_eq!(c.model.source, Source::ProjectFile(project(&d)));

    if let Err(e) = std::fs::remove_file(project(&d)) {
        panic!("{e}");
    }
    let c = run(&d, &ConfigFlags::default(), &env(&d, &[]));
    assert_eq!(c.model.value.to_string(), "anthropic:claude-sonnet-4-5");
    assert_eq!(c.model.source, Source::UserFile(user(&d)));
}

#[test]
fn xdg_config_home_is_honoured() {
    let d = dirs();
    let xdg = d.home.join("xdg");
    if let Err(e) = std::fs::create_dir_all(xdg.join("anpl")) {
        panic!("{e}");
    }
    write(&xdg.join("anpl/config.toml"), "model = \"replay\"\n");
    write(&user(&d), "model = \"offline\"\n");
    let e = env(&d, &[("XDG_CONFIG_HOME", &xdg.display().to_string())]);
    let c = run(&d, &ConfigFlags::default(), &e);
    assert_eq!(c.model.value, ModelSpec::Replay);
    assert_eq!(
        c.model.source,
        Source::UserFile(xdg.join("anpl/config.toml"))
    );
}

#[test]
fn keys_come_from_flag_env_or_file_and_are_never_shown() {
    let d = dirs();
    write(
        &user(&d),
        "[providers.openai]\napi_key = \"sk-file-KEY-0123456789abcdef\"\n",
    );
    let flags = ConfigFlags {
        model: Some("openai:gpt-4o-mini".into()),
        ..ConfigFlags::default()
    };
    let c = run(&d, &flags, &env(&d, &[]));
    assert_eq!(
        c.api_key.as_ref().map(|k| k.source.clone()),
        Some(Source::UserFile(user(&d)))
    );
    let c = run(&d, &flags, &env(&d, &[("OPENAI_API_KEY", KEY)]));
    let key = c.api_key.clone().map(|k| (k.value, k.source));
    assert_eq!(
        key,
        Some((Secret::new(KEY), Source::Env("OPENAI_API_KEY".into())))
    );
    let shown = [
        format!("{c:?}"),
        serde_json::to_string(&c).unwrap_or_default(),
    ];
    for text in shown {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains("sk-file-KEY"), "{text}");
        assert!(text.contains("****cdef"));
    }
    let with_flag = ConfigFlags {
        api_key: Some(Secret::new("sk-flag-KEY-0123456789abcdef")),
        ..flags
    };
    let c = run(&d, &with_flag, &env(&d, &[("OPENAI_API_KEY", KEY)]));
    assert_eq!(
        c.api_key.map(|k| k.source),
        Some(Source::Flag("--api-key".into()))
    );
}

#[test]
fn missing_key_and_missing_base_url_are_problems_with_a_fix() {
    let d = dirs();
    let flags = ConfigFlags {
        model: Some("openai:gpt-4o-mini".into()),
        ..ConfigFlags::default()
    };
    let c = run(&d, &flags, &env(&d, &[]));
    assert_eq!(
        c.problems(),
        vec!["no API key for openai: set OPENAI_API_KEY, or api_key under [providers.openai] in the user config file".to_string()]
    );
    let flags = ConfigFlags {
        model: Some("openai-compatible:local".into()),
        ..ConfigFlags::default()
    };
    let c = run(&d, &flags, &env(&d, &[]));
    assert_eq!(c.problems().len(), 1);
    assert!(c.problems()[0].contains("needs a base URL: pass --base-url"));
    let flags = ConfigFlags {
        base_url: Some("http://127.0.0.1:8000/v1".into()),
        ..flags
    };
    let c = run(&d, &flags, &env(&d, &[]));
    assert!(c.problems().is_empty());
    assert_eq!(
        c.endpoint().map(|e| e.base_url),
        Ok("http://127.0.0.1:8000/v1".to_string())
    );
}

#[test]
fn base_urls_from_the_environment() {
    let d = dirs();
    let flags = ConfigFlags {
        model: Some("ollama:qwen2.5-coder:7b".into()),
        ..ConfigFlags::default()
    };
    let c = run(&d, &flags, &env(&d, &[]));
    assert_eq!(
        c.base_url.map(|b| (b.value, b.source)),
        Some(("http://localhost:11434/v1".to_string(), Source::Default))
    );
    let c = run(&d, &flags, &env(&d, &[("OLLAMA_HOST", "gpu-box:9000")]));
    assert_eq!(
        c.base_url.map(|b| (b.value, b.source)),
        Some((
            "http://gpu-box:9000/v1".to_string(),
            Source::Env("OLLAMA_HOST".into())
        ))
    );
    let flags = ConfigFlags {
        model: Some("anthropic:claude-sonnet-4-5".into()),
        ..ConfigFlags::default()
    };
    let c = run(
        &d,
        &flags,
        &env(&d, &[("ANTHROPIC_BASE_URL", "http://127.0.0.1:7000")]),
    );
    assert_eq!(
        c.base_url.map(|b| b.value),
        Some("http://127.0.0.1:7000".to_string())
    );
}

#[test]
fn a_vendor_defined_in_a_file_is_a_provider() {
    let d = dirs();
    write(
        &project(&d),
        "model = \"mylab:coder-7b\"\n\n[providers.mylab]\nformat = \"openai\"\nbase_url = \"http://127.0.0.1:9000/v1\"\napi_key_env = \"MYLAB_KEY\"\nsupports_n = true\n\n[keys]\nquit = \"q\"\n",
    );
    let c = run(&d, &ConfigFlags::default(), &env(&d, &[("MYLAB_KEY", KEY)]));
    let ep = match c.endpoint() {
        Ok(e) => e,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(ep.model_id(), "mylab:coder-7b");
    assert_eq!(ep.base_url, "http://127.0.0.1:9000/v1");
    assert_eq!(ep.api_key, Some(Secret::new(KEY)));
    assert!(ep.provider.supports_n);
    assert!(c.providers.iter().any(|p| p.name == "mylab"));
}

#[test]
fn file_errors_point_at_file_line_and_column() {
    let d = dirs();
    let p = project(&d).display().to_string();
    let e = env(&d, &[]);
    let cases = [
        ("model = \"openai:gpt-4o\n", format!("{p}:1:")),
        (
            "samples = 3\ntemprature = 0.2\n",
            format!("{p}:2:1: unknown setting `temprature`"),
        ),
        (
            "temperature = 5.0\n",
            format!("{p}:1:15: 5 is not a valid temperature: must be between 0 and 2"),
        ),
        (
            "jobs = 0\n",
            format!("{p}:1:8: 0 is not a valid jobs: must be at least 1"),
        ),
        (
            "\nmodel = \"gpt-4o\"\n",
            format!("{p}:2:9: model `gpt-4o` names no provider"),
        ),
        ("jobs = \"many\"\n", format!("{p}:1:8: invalid type")),
        (
            "[providers.x]\nformat = \"grpc\"\n",
            format!("{p}:2:10: [providers.x] format `grpc` is not one anpl speaks"),
        ),
        (
            "[providers.openai]\nbase_url = \"api.openai.com\"\n",
            format!("{p}:2:12: base URL `api.openai.com` must start with http://"),
        ),
        (
            "[providers.openai]\napikey = \"x\"\n",
            format!("{p}:2:1: unknown field `apikey`"),
        ),
    ];
    for (text, want) in cases {
        write(&project(&d), text);
        let got = run_err(&d, &ConfigFlags::default(), &e).to_string();
        assert!(
            got.starts_with(&want),
            "{text:?}\n got: {got}\nwant: {want}"
        );
    }
}

#[test]
fn bad_flags_and_unknown_providers_are_clear() {
    let d = dirs();
    let e = env(&d, &[]);
    let cases = [
        (
            ConfigFlags {
                model: Some("foo:bar".into()),
                ..ConfigFlags::default()
            },
            "flag --model: unknown provider `foo` in model `foo:bar` (known: openai, anthropic, ollama, openai-compatible",
        ),
        (
            ConfigFlags {
                model: Some("gpt-4o".into()),
                ..ConfigFlags::default()
            },
            "--model: model `gpt-4o` names no provider",
        ),
        (
            ConfigFlags {
                temperature: Some(-1.0),
                ..ConfigFlags::default()
            },
            "--temperature: -1 is not a valid temperature",
        ),
        (
            ConfigFlags {
                model: Some("openai:gpt-4o".into()),
                base_url: Some("localhost:8000".into()),
                ..ConfigFlags::default()
            },
            "--base-url: base URL `localhost:8000` must start with http://",
        ),
    ];
    for (flags, want) in cases {
        let got = run_err(&d, &flags, &e).to_string();
        assert!(got.starts_with(want), "got: {got}\nwant: {want}");
    }
    let got = run_err(
        &d,
        &ConfigFlags::default(),
        &env(&d, &[("ANPL_MODEL", "x")]),
    );
    assert!(got
        .to_string()
        .starts_with("environment ANPL_MODEL: model `x` names no provider"));
}

#[tokio::test]
async fn a_configured_client_talks_to_the_configured_server() {
    let d = dirs();
    let table = FakeTable {
        rules: vec![FakeRule::new("hello", "hi")],
        default: None,
        delay_ms: 0,
        api_key: Some(KEY.into()),
        supports_n: true,
        seed: 0,
    };
    let srv = match FakeServer::start(table).await {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    write(
        &project(&d),
        "model = \"openai:gpt-4o-mini\"\nrequest_timeout = 5\nmax_retries = 0\n",
    );
    let e = env(
        &d,
        &[
            ("OPENAI_API_KEY", KEY),
            ("OPENAI_BASE_URL", &srv.openai_base()),
        ],
    );
    let c = run(&d, &ConfigFlags::default(), &e);
    assert_eq!(c.http_settings().timeout, std::time::Duration::from_secs(5));
    let client = match Client::from_config(&c, CancellationToken::new()) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let req = ChatRequest {
        system: String::new(),
        messages: vec![Message::user("say hello")],
        temperature: 0.0,
        max_tokens: 16,
        n: 1,
    };
    let r = client.complete(&req).await.map(|r| r.texts);
    assert_eq!(r, Ok(vec!["hi".to_string()]));
    assert_eq!(srv.requests()[0].body["model"], "gpt-4o-mini");
}
