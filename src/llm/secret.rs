//! A secret string (an API key) that cannot leak by accident: its `Debug`, `Display` and
//! `Serialize` forms are masked, and the only way to the text is [`Secret::expose`], which
//! the provider clients call when they set a request header. Errors built from server text
//! pass through [`Secret::redact`] in case a server echoes the key back.

use std::fmt;

use serde::{Serialize, Serializer};

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Self {
        Secret(text.into())
    }

    /// The key itself, for an HTTP header. Nothing else should call this.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A form safe to show a user: the last four characters of a long key (enough to tell
    /// two keys apart), nothing of a short one.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() >= 16 {
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("****{tail}")
        } else {
            "****".to_string()
        }
    }

    /// `text` with every occurrence of the key replaced by its masked form.
    pub fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.0, &self.masked())
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-test-0123456789abcdefWXYZ";

    #[test]
    fn debug_display_and_serialize_never_show_the_key() {
        let s = Secret::new(KEY);
        let shown = [
            format!("{s:?}"),
            format!("{s}"),
            serde_json::to_string(&s).unwrap_or_default(),
        ];
        for text in shown {
            assert!(!text.contains(KEY), "{text}");
            assert!(text.contains("****WXYZ"), "{text}");
        }
    }

    #[test]
    fn short_keys_show_nothing() {
        assert_eq!(Secret::new("abc123").masked(), "****");
    }

    #[test]
    fn redact_replaces_every_occurrence() {
        let s = Secret::new(KEY);
        let text = format!("bad key {KEY} (again {KEY})");
        assert_eq!(s.redact(&text), "bad key ****WXYZ (again ****WXYZ)");
    }
}
