//! A small Python lexer for `guess`: what code mentions (names, numbers, strings,
//! operators), leaving out comments and docstrings, which are prose, not code.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token {
    Name(String),
    Number(String),
    Str(String),
    Op(String),
}

/// A small Python lexer: names, numbers (normalised), strings (content, except docstrings:
/// a string that is a whole statement), and the operators the concept table knows.
/// Comments are dropped. Not a full tokenizer; it only has to be right about what code
/// mentions.
pub(super) fn lex(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    // Whether the next token starts a statement (a string there is a docstring).
    let mut statement_start = true;
    let mut depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '\n' {
            if depth == 0 {
                statement_start = true;
            }
            i += 1;
            continue;
        }
        if c.is_whitespace() || c == '\\' {
            i += 1;
            continue;
        }
        let starts = statement_start;
        statement_start = false;
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let is_prefix = name.len() <= 3
                && name.chars().all(|c| "rRbBuUfF".contains(c))
                && matches!(chars.get(i), Some('"' | '\''));
            if is_prefix {
                if name.to_lowercase().contains('f') {
                    out.push(Token::Op("f\"".to_string()));
                }
                statement_start = starts;
                continue;
            }
            out.push(Token::Name(name));
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            let text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
            out.push(Token::Number(normalise_number(&text)));
            continue;
        }
        if c == '"' || c == '\'' {
            let triple = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
            let quote = if triple { 3 } else { 1 };
            i += quote;
            let start = i;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if chars[i] == c
                    && (!triple || (chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c)))
                {
                    break;
                }
                if !triple && chars[i] == '\n' {
                    break;
                }
                i += 1;
            }
            let content: String = chars[start..i.min(chars.len())].iter().collect();
            i = (i + quote).min(chars.len());
            let alone = starts
                && next_significant(&chars, i).is_none_or(|n| n == '\n' || n == ';' || n == '#');
            if !alone {
                out.push(Token::Str(unescape(&content)));
            }
            continue;
        }
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => {
                statement_start = true;
            }
            '[' => {
                if let Some((special, len)) = index_idiom(&chars[i..]) {
                    out.push(Token::Op(special.to_string()));
                    i += len;
                    continue;
                }
                depth += 1;
            }
            ']' => depth = depth.saturating_sub(1),
            ';' => statement_start = true,
            _ => {}
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let op = ["**", "//", "==", "!=", "<=", ">=", "+=", "-="]
            .into_iter()
            .find(|o| two == *o);
        match op {
            Some(o) => {
                out.push(Token::Op(o.to_string()));
                i += 2;
            }
            None => {
                if "%/*+-<>".contains(c) {
                    out.push(Token::Op(c.to_string()));
                }
                i += 1;
            }
        }
    }
    out
}

/// `[::-1]`, `[0]` or `[-1]` (spaces allowed inside) at the start of `chars`, and how many
/// characters it takes.
fn index_idiom(chars: &[char]) -> Option<(&'static str, usize)> {
    for special in ["[::-1]", "[0]", "[-1]"] {
        let mut want = special.chars().peekable();
        let mut used = 0;
        for c in chars {
            if want.peek().is_none() {
                break;
            }
            used += 1;
            if c.is_whitespace() {
                continue;
            }
            if want.next() != Some(*c) {
                break;
            }
        }
        if want.peek().is_none() {
            return Some((special, used));
        }
    }
    None
}

fn next_significant(chars: &[char], from: usize) -> Option<char> {
    chars[from.min(chars.len())..]
        .iter()
        .copied()
        .find(|c| *c == '\n' || !c.is_whitespace())
}

/// `0x10`, `1_000` and `2.0` as the integer text a description would name, where exact.
pub(super) fn normalise_number(text: &str) -> String {
    let lower = text.to_lowercase();
    let parsed = if let Some(hex) = lower.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(bin) = lower.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()
    } else if let Some(oct) = lower.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else {
        lower.parse::<i64>().ok().or_else(|| {
            lower
                .parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        })
    };
    parsed.map_or(lower, |n| n.to_string())
}

fn unescape(text: &str) -> String {
    text.replace("\\n", "\n").replace("\\t", "\t")
}

/// `snake_case` and `camelCase` identifiers as lower-case words.
pub(super) fn split_identifier(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split('_').filter(|p| !p.is_empty()) {
        let mut word = String::new();
        let mut prev_lower = false;
        for c in part.chars() {
            if c.is_uppercase() && prev_lower && !word.is_empty() {
                out.push(std::mem::take(&mut word).to_lowercase());
            }
            prev_lower = c.is_lowercase();
            word.push(c);
        }
        if !word.is_empty() {
            out.push(word.to_lowercase());
        }
    }
    out
}
