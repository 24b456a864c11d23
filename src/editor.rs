//! Handing text to the user's editor (`$VISUAL` / `$EDITOR`), for the REPL and the TUI.
//!
//! The text goes to a temporary file, the editor runs on it through `sh -c` (so the
//! variable may carry flags, as `code --wait` does), and what it left there comes back. A
//! failing editor or an unchanged text changes nothing.

use std::io::Write;

/// Run `editor` (through `sh -c`, so it may carry flags) on a temporary file holding
/// `text`, and return what it left there. A failing or missing editor changes nothing.
pub fn edit_in(editor: &str, text: &str) -> Result<String, String> {
    let mut file = tempfile::Builder::new()
        .prefix("anpl-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("cannot create a file to edit: {e}"))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| format!("cannot write the file to edit: {e}"))?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .map_err(|e| format!("cannot start `{editor}`: {e}"))?;
    if !status.success() {
        return Err(format!("`{editor}` exited with {status}; nothing changed"));
    }
    let edited = std::fs::read_to_string(file.path())
        .map_err(|e| format!("cannot read the edited file: {e}"))?;
    if edited.trim() == text.trim() {
        return Err("nothing changed in the editor".to_string());
    }
    Ok(edited.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::edit_in;

    #[test]
    fn the_editor_edits_a_file_and_failures_change_nothing() {
        let edited = edit_in("sed -i 's/old/new/'", "an old text\n");
        assert_eq!(edited, Ok("an new text".to_string()));
        let failed = edit_in("false", "text");
        assert!(failed.is_err_and(|e| e.contains("exited with")));
        let same = edit_in("true", "text");
        assert_eq!(same, Err("nothing changed in the editor".to_string()));
    }
}
