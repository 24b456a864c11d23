//! The sketch's text as the parser sees it: decoded from bytes (UTF-8 only, a leading BOM
//! dropped and remembered), with a line index so every byte offset the tree-sitter walk
//! produces can be turned into the `file:line:col` a user reads. Columns count characters,
//! not bytes, so a tab or a non-ASCII letter is one column.

use super::error::{Diagnostic, SketchError};

/// Decoded sketch text plus what is needed to report positions and write it back.
#[derive(Debug, Clone)]
pub(crate) struct SourceText {
    pub file: String,
    pub text: String,
    pub bom: bool,
    pub crlf: bool,
    line_starts: Vec<usize>,
}

impl SourceText {
    pub fn new(file: &str, text: &str) -> SourceText {
        let (text, bom) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest.to_string(), true),
            None => (text.to_string(), false),
        };
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let crlf = text.contains("\r\n");
        SourceText {
            file: file.to_string(),
            text,
            bom,
            crlf,
            line_starts,
        }
    }

    /// Decode raw bytes, reporting the position of the first byte that is not UTF-8.
    pub fn from_bytes(file: &str, bytes: &[u8]) -> Result<SourceText, SketchError> {
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(SourceText::new(file, s)),
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                // The valid prefix is UTF-8 by construction, so lossy decoding is exact.
                let prefix = String::from_utf8_lossy(valid);
                let line = prefix.matches('\n').count() + 1;
                let col = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                Err(SketchError::NotUtf8 {
                    file: file.to_string(),
                    line,
                    col,
                    byte: bytes.get(e.valid_up_to()).copied().unwrap_or(0),
                })
            }
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        (line, col)
    }

    /// The text of a 1-based line without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// A diagnostic pointing at a byte offset.
    pub fn diag(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.line_col(offset);
        Diagnostic {
            file: self.file.clone(),
            line,
            col,
            message: message.into(),
            source_line: self.line_text(line).to_string(),
        }
    }

    /// The whitespace that starts the line containing `offset`.
    pub fn indent_at(&self, offset: usize) -> &str {
        let start = self.line_start(self.line_of(offset));
        let line = self.text.get(start..).unwrap_or("");
        let n = line.len() - line.trim_start_matches([' ', '\t', '\x0c']).len();
        &line[..n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn positions_count_characters_and_skip_bom() {
        let s = SourceText::new("f.py", "\u{feff}ab\r\n\tçx = 1\n");
        assert!(s.bom);
        assert!(s.crlf);
        let x = s.text.find('x').unwrap_or(0);
        assert_eq!(s.line_col(x), (2, 3));
        assert_eq!(s.line_text(1), "ab");
        assert_eq!(s.line_text(2), "\tçx = 1");
        assert_eq!(s.line_text(9), "");
        assert_eq!(s.indent_at(x), "\t");
    }

    #[test]
    fn invalid_utf8_reports_where() {
        let err = SourceText::from_bytes("f.py", b"ok\nab\xffc").err();
        match err {
            Some(SketchError::NotUtf8 {
                line, col, byte, ..
            }) => assert_eq!((line, col, byte), (2, 3, 0xff)),
            other => panic!("unexpected {other:?}"),
        }
    }
}
