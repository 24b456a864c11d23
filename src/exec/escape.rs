//! Neutralising terminal control sequences in text that came out of untrusted Python code
//! (its stdout and stderr, exception messages, a hostile `__repr__`). Everything the exec
//! module hands to a front end has been through `neutralize`, so printing it can never move
//! the cursor, retitle the window or clear the user's screen.

/// Replace every control character except newline and tab by a visible escape (`\x1b`,
/// `\u{9b}`), so the text can be printed raw and still shows what the program wrote.
pub fn neutralize(text: &str) -> String {
    if !text.chars().any(is_dangerous) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_dangerous(c) {
            let code = c as u32;
            if code <= 0xff {
                out.push_str(&format!("\\x{code:02x}"));
            } else {
                out.push_str(&format!("\\u{{{code:x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_dangerous(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        // C0 controls, DEL, C1 controls (U+009B is a one-byte CSI on some terminals), and
        // the bidirectional overrides that can make text display differently from its bytes.
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_csi_osc_and_keeps_newlines() {
        let raw = "a\x1b[2J\x1b]0;title\x07b\n\tc\u{9b}31m";
        assert_eq!(neutralize(raw), "a\\x1b[2J\\x1b]0;title\\x07b\n\tc\\x9b31m");
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(neutralize("héllo wörld\n"), "héllo wörld\n");
    }

    #[test]
    fn carriage_return_cannot_overwrite_a_line() {
        assert_eq!(neutralize("PASS\rFAIL"), "PASS\\x0dFAIL");
    }

    #[test]
    fn bidi_override_is_visible() {
        assert_eq!(neutralize("x\u{202e}y"), "x\\u{202e}y");
    }
}
