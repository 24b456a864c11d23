//! Reads the Python source text of examples into [`Value`]s.
//!
//! Examples reach the synthesizer as text, exactly as written in a doctest:
//! a call `reverse_string('abc')` and an expected value `'cba'`. This is a small
//! recursive-descent parser for Python literals (numbers, strings with escapes and either
//! quote, `True`/`False`/`None`, lists, tuples, dicts, sets, `set()`) and for one call with
//! positional or keyword arguments. Anything else (`np.array(...)`, a variable name) is an
//! error that says what and at which column, so the synthesizer can decline with a reason
//! instead of guessing.

use std::sync::Arc;

use thiserror::Error;

use super::value::Value;

/// Why a piece of example text could not be read; `col` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("column {col}: {message}")]
pub struct LiteralError {
    pub col: usize,
    pub message: String,
}

/// A parsed call `name(arg, ..., key=arg)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Vec<Value>,
    pub kwargs: Vec<(String, Value)>,
}

/// Parses one literal value, e.g. `[1, 'a', (2.5, None)]`.
pub fn parse_value(text: &str) -> Result<Value, LiteralError> {
    let mut p = Parser::new(text);
    let v = p.value()?;
    p.end()?;
    Ok(v)
}

/// Parses a call whose arguments are literals, e.g. `f([1, 2], n=3)`.
pub fn parse_call(text: &str) -> Result<Call, LiteralError> {
    let mut p = Parser::new(text);
    p.skip_ws();
    let name = p
        .dotted_name()
        .ok_or_else(|| p.err("expected a function call"))?;
    p.skip_ws();
    p.expect('(')?;
    let mut args = Vec::new();
    let mut kwargs: Vec<(String, Value)> = Vec::new();
    loop {
        p.skip_ws();
        if p.eat(')') {
            break;
        }
        let save = p.pos;
        let keyword = match p.dotted_name() {
            Some(k)
                if !k.contains('.') && {
                    p.skip_ws();
                    p.peek() == Some('=') && p.peek_at(1) != Some('=')
                } =>
            {
                p.pos += 1;
                Some(k)
            }
            _ => {
                p.pos = save;
                None
            }
        };
        let value = p.value()?;
        match keyword {
            Some(k) => {
                if kwargs.iter().any(|(n, _)| *n == k) {
                    return Err(p.err_at(save, &format!("keyword argument `{k}` repeated")));
                }
                kwargs.push((k, value));
            }
            None if !kwargs.is_empty() => {
                return Err(p.err_at(save, "positional argument follows keyword argument"));
            }
            None => args.push(value),
        }
        p.skip_ws();
        if p.eat(',') {
            continue;
        }
        p.expect(')')?;
        break;
    }
    p.end()?;
    Ok(Call { name, args, kwargs })
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    _text: &'a str,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            chars: text.chars().collect(),
            pos: 0,
            _text: text,
        }
    }

    fn err(&self, message: &str) -> LiteralError {
        self.err_at(self.pos, message)
    }

    fn err_at(&self, pos: usize, message: &str) -> LiteralError {
        LiteralError {
            col: pos + 1,
            message: message.to_string(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, off: usize) -> Option<char> {
        self.chars.get(self.pos + off).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), LiteralError> {
        self.skip_ws();
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(&match self.peek() {
                Some(found) => format!("expected `{c}`, found `{found}`"),
                None => format!("expected `{c}`, found the end of the text"),
            }))
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
    }

    fn end(&mut self) -> Result<(), LiteralError> {
        self.skip_ws();
        match self.peek() {
            None => Ok(()),
            Some(c) => Err(self.err(&format!("unexpected `{c}` after the value"))),
        }
    }

    fn dotted_name(&mut self) -> Option<String> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            let ok = if self.pos == start {
                c.is_alphabetic() || c == '_'
            } else {
                c.is_alphanumeric() || c == '_' || c == '.'
            };
            if !ok {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            None
        } else {
            Some(self.chars[start..self.pos].iter().collect())
        }
    }

    fn value(&mut self) -> Result<Value, LiteralError> {
        self.skip_ws();
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.err("expected a value, found the end of the text"));
        };
        match c {
            '[' => {
                self.pos += 1;
                let items = self.items(']')?;
                Ok(Value::list(items))
            }
            '(' => {
                self.pos += 1;
                self.skip_ws();
                if self.eat(')') {
                    return Ok(Value::Tuple(Arc::from(Vec::new())));
                }
                let first = self.value()?;
                self.skip_ws();
                if self.eat(')') {
                    return Ok(first);
                }
                self.expect(',')?;
                let mut items = vec![first];
                items.extend(self.items(')')?);
                Ok(Value::Tuple(Arc::from(items)))
            }
            '{' => {
                self.pos += 1;
                self.brace(start)
            }
            '\'' | '"' => self.string(),
            '-' | '+' | '.' | '0'..='9' => self.number(),
            c if c.is_alphabetic() || c == '_' => {
                let name = self.dotted_name().unwrap_or_default();
                let mut after = self.pos;
                while matches!(self.chars.get(after), Some(' ')) {
                    after += 1;
                }
                let quote_follows = matches!(self.chars.get(self.pos), Some('\'' | '"'));
                match name.as_str() {
                    "True" => Ok(Value::Bool(true)),
                    "False" => Ok(Value::Bool(false)),
                    "None" => Ok(Value::None),
                    "set" if self.chars.get(after) == Some(&'(') => {
                        self.pos = after + 1;
                        self.skip_ws();
                        if self.eat(')') {
                            return Ok(Value::new_set(Vec::new()).unwrap_or(Value::None));
                        }
                        let inner = self.value()?;
                        self.expect(')')?;
                        let items = match inner {
                            Value::List(v) | Value::Tuple(v) | Value::Set(v) => v.to_vec(),
                            _ => return Err(self.err_at(start, "set(...) of a non-sequence")),
                        };
                        Value::new_set(items).ok_or_else(|| {
                            self.err_at(start, "a set of values with no common order")
                        })
                    }
                    "r" | "R" if quote_follows => self.raw_string(),
                    "b" | "B" | "rb" | "br" if quote_follows => {
                        Err(self.err_at(start, "bytes literals are not supported"))
                    }
                    "f" | "F" if quote_follows => {
                        Err(self.err_at(start, "f-strings are not literals"))
                    }
                    "u" | "U" if quote_follows => self.string(),
                    _ if self.chars.get(after) == Some(&'(') => Err(self.err_at(
                        start,
                        &format!(
                            "`{name}(...)` is not a literal; only Python literals are supported"
                        ),
                    )),
                    _ => Err(self.err_at(
                        start,
                        &format!("`{name}` is not a literal; only Python literals are supported"),
                    )),
                }
            }
            c => Err(self.err(&format!("unexpected `{c}` where a value should be"))),
        }
    }

    fn items(&mut self, close: char) -> Result<Vec<Value>, LiteralError> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.eat(close) {
                return Ok(items);
            }
            items.push(self.value()?);
            self.skip_ws();
            if self.eat(',') {
                continue;
            }
            self.expect(close)?;
            return Ok(items);
        }
    }

    fn brace(&mut self, start: usize) -> Result<Value, LiteralError> {
        self.skip_ws();
        if self.eat('}') {
            return Ok(Value::Dict(Arc::from(Vec::new())));
        }
        let first = self.value()?;
        self.skip_ws();
        if self.eat(':') {
            let v = self.value()?;
            let mut pairs = vec![(first, v)];
            loop {
                self.skip_ws();
                if self.eat('}') {
                    break;
                }
                self.expect(',')?;
                self.skip_ws();
                if self.eat('}') {
                    break;
                }
                let k = self.value()?;
                self.expect(':')?;
                let v = self.value()?;
                // A repeated key keeps its first position and its last value, as in Python.
                match pairs.iter_mut().find(|(old, _)| *old == k) {
                    Some(slot) => slot.1 = v,
                    None => pairs.push((k, v)),
                }
            }
            if pairs
                .iter()
                .any(|(k, _)| matches!(k, Value::List(_) | Value::Dict(_) | Value::Set(_)))
            {
                return Err(self.err_at(start, "unhashable dict key"));
            }
            Ok(Value::Dict(Arc::from(pairs)))
        } else {
            let mut items = vec![first];
            self.skip_ws();
            if !self.eat('}') {
                self.expect(',')?;
                items.extend(self.items('}')?);
            }
            Value::new_set(items)
                .ok_or_else(|| self.err_at(start, "a set of values with no common order"))
        }
    }

    fn number(&mut self) -> Result<Value, LiteralError> {
        let start = self.pos;
        let mut negative = false;
        while let Some(c @ ('-' | '+')) = self.peek() {
            if c == '-' {
                negative = !negative;
            }
            self.pos += 1;
            self.skip_ws();
        }
        let body_start = self.pos;
        let mut is_float = false;
        while let Some(c) = self.peek() {
            match c {
                '0'..='9' | '_' => self.pos += 1,
                '.' => {
                    is_float = true;
                    self.pos += 1;
                }
                'e' | 'E' => {
                    is_float = true;
                    self.pos += 1;
                    if matches!(self.peek(), Some('+' | '-')) {
                        self.pos += 1;
                    }
                }
                'x' | 'X' | 'o' | 'O' | 'b' | 'B'
                    if self.pos == body_start + 1 && self.chars[body_start] == '0' =>
                {
                    return self.radix_int(body_start, negative);
                }
                'j' | 'J' => return Err(self.err_at(start, "complex numbers are not supported")),
                _ => break,
            }
        }
        let body: String = self.chars[body_start..self.pos]
            .iter()
            .filter(|c| **c != '_')
            .collect();
        if body.is_empty() {
            return Err(self.err_at(start, "expected a number"));
        }
        if is_float {
            let f: f64 = body
                .parse()
                .map_err(|_| self.err_at(start, &format!("`{body}` is not a number")))?;
            Ok(Value::Float(if negative { -f } else { f }))
        } else {
            if body.len() > 1 && body.starts_with('0') && body.chars().any(|c| c != '0') {
                return Err(self.err_at(start, "leading zeros are not allowed in Python integers"));
            }
            let text = if negative { format!("-{body}") } else { body };
            text.parse::<i64>().map(Value::Int).map_err(|_| {
                self.err_at(start, &format!("integer {text} is larger than 64 bits, which the synthesizer does not handle"))
            })
        }
    }

    fn radix_int(&mut self, body_start: usize, negative: bool) -> Result<Value, LiteralError> {
        let radix = match self.chars[body_start + 1] {
            'x' | 'X' => 16,
            'o' | 'O' => 8,
            _ => 2,
        };
        self.pos = body_start + 2;
        let digits_start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '_') {
            self.pos += 1;
        }
        let digits: String = self.chars[digits_start..self.pos]
            .iter()
            .filter(|c| **c != '_')
            .collect();
        let v = i64::from_str_radix(&digits, radix)
            .map_err(|_| self.err_at(body_start, "malformed or too large integer"))?;
        Ok(Value::Int(if negative { -v } else { v }))
    }

    fn raw_string(&mut self) -> Result<Value, LiteralError> {
        let (quote, triple) = self.open_quote();
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(c) if c == quote && self.closes(quote, triple) => break,
                Some('\\') => {
                    out.push('\\');
                    self.pos += 1;
                    if let Some(c) = self.peek() {
                        out.push(c);
                        self.pos += 1;
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
        Ok(Value::str(&out))
    }

    fn open_quote(&mut self) -> (char, bool) {
        let quote = self.peek().unwrap_or('\'');
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        (quote, triple)
    }

    /// At a quote char: consumes the closing quote(s) if they close the string.
    fn closes(&mut self, quote: char, triple: bool) -> bool {
        if !triple {
            self.pos += 1;
            return true;
        }
        if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
            self.pos += 3;
            return true;
        }
        false
    }

    fn string(&mut self) -> Result<Value, LiteralError> {
        let start = self.pos;
        let (quote, triple) = self.open_quote();
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err_at(start, "unterminated string"));
            };
            if c == quote {
                if self.closes(quote, triple) {
                    break;
                }
                out.push(c);
                self.pos += 1;
                continue;
            }
            if c == '\n' && !triple {
                return Err(self.err_at(start, "unterminated string"));
            }
            self.pos += 1;
            if c != '\\' {
                out.push(c);
                continue;
            }
            let esc_pos = self.pos - 1;
            let Some(e) = self.peek() else {
                return Err(self.err_at(start, "unterminated string"));
            };
            self.pos += 1;
            match e {
                '\n' => {}
                '\\' => out.push('\\'),
                '\'' => out.push('\''),
                '"' => out.push('"'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'a' => out.push('\u{7}'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'v' => out.push('\u{b}'),
                '0'..='7' => {
                    let mut v = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match self.peek().and_then(|c| c.to_digit(8)) {
                            Some(d) => {
                                v = v * 8 + d;
                                self.pos += 1;
                            }
                            None => break,
                        }
                    }
                    out.push(
                        char::from_u32(v)
                            .ok_or_else(|| self.err_at(esc_pos, "bad octal escape"))?,
                    );
                }
                'x' | 'u' | 'U' => {
                    let n = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let hex: String = self.chars.iter().skip(self.pos).take(n).collect();
                    let ch = (hex.len() == n)
                        .then(|| u32::from_str_radix(&hex, 16).ok())
                        .flatten()
                        .and_then(char::from_u32)
                        .ok_or_else(|| self.err_at(esc_pos, &format!("bad \\{e} escape")))?;
                    self.pos += n;
                    out.push(ch);
                }
                'N' => return Err(self.err_at(esc_pos, "\\N{...} escapes are not supported")),
                other => {
                    // Python keeps unknown escapes as written.
                    out.push('\\');
                    out.push(other);
                }
            }
        }
        Ok(Value::str(&out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn ints(v: &[i64]) -> Value {
        Value::list(v.iter().map(|i| Value::Int(*i)).collect())
    }

    #[test]
    fn scalars() {
        assert_eq!(parse_value("42").ok(), Some(Value::Int(42)));
        assert_eq!(parse_value(" -7 ").ok(), Some(Value::Int(-7)));
        assert_eq!(parse_value("1_000").ok(), Some(Value::Int(1000)));
        assert_eq!(parse_value("0x1f").ok(), Some(Value::Int(31)));
        assert_eq!(parse_value("2.5").ok(), Some(Value::Float(2.5)));
        assert_eq!(parse_value("-1e3").ok(), Some(Value::Float(-1000.0)));
        assert_eq!(parse_value(".5").ok(), Some(Value::Float(0.5)));
        assert_eq!(parse_value("True").ok(), Some(Value::Bool(true)));
        assert_eq!(parse_value("None").ok(), Some(Value::None));
    }

    #[test]
    fn strings_with_escapes_and_both_quotes() {
        assert_eq!(parse_value(r#"'a\'b'"#).ok(), Some(Value::str("a'b")));
        assert_eq!(parse_value(r#""it's""#).ok(), Some(Value::str("it's")));
        assert_eq!(
            parse_value(r"'a\nb\t\\'").ok(),
            Some(Value::str("a\nb\t\\"))
        );
        assert_eq!(parse_value(r"'\x41\u00e9'").ok(), Some(Value::str("Aé")));
        assert_eq!(parse_value(r"r'\d+'").ok(), Some(Value::str("\\d+")));
        assert_eq!(parse_value("'''x'y'''").ok(), Some(Value::str("x'y")));
    }

    #[test]
    fn containers() {
        assert_eq!(parse_value("[1, 2, 3]").ok(), Some(ints(&[1, 2, 3])));
        assert_eq!(parse_value("[]").ok(), Some(ints(&[])));
        assert_eq!(
            parse_value("[[1], [2, 3],]").ok(),
            Some(Value::list(vec![ints(&[1]), ints(&[2, 3])]))
        );
        assert_eq!(parse_value("(1)").ok(), Some(Value::Int(1)));
        assert_eq!(
            parse_value("(1,)").ok(),
            Some(Value::Tuple(Arc::from(vec![Value::Int(1)])))
        );
        assert_eq!(
            parse_value("()").ok(),
            Some(Value::Tuple(Arc::from(Vec::new())))
        );
        assert_eq!(
            parse_value("{'a': 1, 'b': 2}").map(|v| v.repr()).ok(),
            Some("{'a': 1, 'b': 2}".to_string())
        );
        assert_eq!(
            parse_value("{3, 1, 3}").map(|v| v.repr()).ok(),
            Some("{1, 3}".to_string())
        );
        assert_eq!(
            parse_value("set()").map(|v| v.repr()).ok(),
            Some("set()".to_string())
        );
        assert_eq!(
            parse_value("{}").map(|v| v.repr()).ok(),
            Some("{}".to_string())
        );
    }

    #[test]
    fn calls_with_keywords() {
        let call = parse_call("first_n([1, 2], n=1)").ok();
        assert_eq!(
            call,
            Some(Call {
                name: "first_n".into(),
                args: vec![ints(&[1, 2])],
                kwargs: vec![("n".into(), Value::Int(1))],
            })
        );
        assert_eq!(parse_call("f()").map(|c| c.args.len()).ok(), Some(0));
    }

    #[test]
    fn errors_say_what_and_where() {
        let e = parse_value("np.array([1, 2])").err();
        assert_eq!(
            e,
            Some(LiteralError {
                col: 1,
                message: "`np.array(...)` is not a literal; only Python literals are supported"
                    .into()
            })
        );
        assert_eq!(parse_value("[1, 2").err().map(|e| e.col), Some(6));
        assert_eq!(
            parse_value("'abc").err().map(|e| e.message),
            Some("unterminated string".into())
        );
        assert_eq!(parse_value("1 2").err().map(|e| e.col), Some(3));
        assert!(parse_value("99999999999999999999")
            .err()
            .is_some_and(|e| e.message.contains("64 bits")));
        assert_eq!(parse_call("f(x=1, 2)").err().map(|e| e.col), Some(8));
        assert!(parse_call("[1]").is_err());
    }
}
