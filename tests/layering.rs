//! The crate's layering, held by reading its source: `cli` over `tui` over `repl` over
//! the shared `present` and `command` modules, over the engine and the core. No front end
//! imports another (the CLI only starts the REPL and the TUI), and only the TUI touches
//! terminal crates. A `use` that crosses a line fails here with the file and line.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every line of the files under `src/<module>` (or `src/<module>.rs`) naming one of
/// `forbidden`, as `path:line: text`.
fn crossings(module: &str, forbidden: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join(module), &mut files);
    let single = src.join(format!("{module}.rs"));
    if single.is_file() {
        files.push(single);
    }
    assert!(!files.is_empty(), "no source found for module {module}");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                if code.contains(word) {
                    found.push(format!(
                        "{}:{}: {}",
                        file.strip_prefix(&src).unwrap_or(&file).display(),
                        i + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    found
}

const TERMINAL: &[&str] = &["ratatui", "crossterm"];

#[test]
fn the_repl_imports_no_other_front_end() {
    assert_eq!(
        crossings("repl", &["crate::cli", "crate::tui"]),
        Vec::<String>::new()
    );
}

#[test]
fn the_tui_imports_no_other_front_end() {
    assert_eq!(
        crossings("tui", &["crate::cli", "crate::repl"]),
        Vec::<String>::new()
    );
}

#[test]
fn the_shared_layers_import_no_front_end_and_no_terminal() {
    for module in ["present", "command"] {
        let mut forbidden = vec!["crate::cli", "crate::repl", "crate::tui", "rustyline"];
        forbidden.extend(TERMINAL);
        assert_eq!(
            crossings(module, &forbidden),
            Vec::<String>::new(),
            "{module}"
        );
    }
}

#[test]
fn core_modules_know_nothing_of_front_ends_or_terminals() {
    for module in [
        "sketch", "exec", "llm", "synth", "engine", "session", "project", "editor", "pyrepr",
        "suggest",
    ] {
        let mut forbidden = vec![
            "crate::cli",
            "crate::repl",
            "crate::tui",
            "crate::present",
            "crate::command",
            "rustyline",
        ];
        forbidden.extend(TERMINAL);
        assert_eq!(
            crossings(module, &forbidden),
            Vec::<String>::new(),
            "{module}"
        );
    }
}
