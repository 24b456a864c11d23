//! Python's `repr` of a string, for every part of anpl that writes Python source from a
//! Rust string: the synthesizer's values (`synth::value`) and example values read from
//! JSON (`sketch::values`). One spelling, so a string reads alike wherever anpl wrote it.

use std::fmt::Write as _;

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double
/// one; backslashes, quotes and the characters Python does not print (C0 and C1 controls,
/// DEL) escaped as Python escapes them.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f || (0x80..0xa0).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::str_repr;

    #[test]
    fn str_repr_matches_python() {
        assert_eq!(str_repr("abc"), "'abc'");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(str_repr("tab\there\n"), "'tab\\there\\n'");
        assert_eq!(str_repr("\u{1}"), "'\\x01'");
        assert_eq!(str_repr("\u{85}"), "'\\x85'");
        assert_eq!(str_repr("é"), "'é'");
    }
}
