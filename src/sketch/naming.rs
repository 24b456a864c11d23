//! Names the tool makes up: the identifier of an inline hole (from the words of its
//! description, in whatever script it is written: Python allows Unicode identifiers) and
//! the names of its parameters (from its call's arguments). An identifier
//! must be a valid Python name, stable while the description is unchanged, distinct from
//! every other hole, and must not shadow anything the program uses (a builtin, an import, a
//! function), so names that would are given a `_hole` suffix.

use std::collections::{BTreeSet, HashSet};

use sha2::{Digest, Sha256};

/// How many words an identifier takes when nothing forces it to be longer.
const ID_WORDS: usize = 5;

/// Python keywords and soft keywords that cannot (or should not) be function names.
pub(crate) const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "match", "case", "type", "print", "exec",
];

/// Builtins a program is likely to use; a hole named like one would shadow it.
pub(crate) const BUILTINS: &[&str] = &[
    "abs",
    "all",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copy",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "property",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "vars",
    "zip",
    "np",
    "numpy",
    "math",
    "main",
    "self",
    "cls",
    "os",
    "sys",
    "re",
];

/// Longest run of one word kept in an identifier: scripts written without spaces (Japanese,
/// Chinese, Thai) give one long "word" per clause.
const WORD_CHARS: usize = 12;

/// The words of a description in any script, lowercased, and how many of them come before
/// the first clause break (`,` `.` `;` `:` `!` `?` `(`, their full-width forms, or a
/// newline). A word is a run of characters Python allows in identifiers.
pub(crate) fn words(description: &str) -> (Vec<String>, usize) {
    let mut words = Vec::new();
    let mut clause = None;
    let mut cur = String::new();
    for c in description.chars().flat_map(unligature) {
        if let Some(ok) = identifier_char(c) {
            cur.extend(ok.to_lowercase());
            continue;
        }
        if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        if clause.is_none()
            && !words.is_empty()
            && matches!(
                c,
                ',' | '.'
                    | ';'
                    | ':'
                    | '!'
                    | '?'
                    | '('
                    | '\n'
                    | '、'
                    | '。'
                    | '，'
                    | '；'
                    | '：'
                    | '！'
                    | '？'
                    | '（'
            )
        {
            clause = Some(words.len());
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let words: Vec<String> = words
        .into_iter()
        .map(|w| w.chars().take(WORD_CHARS).collect())
        .collect();
    let clause = clause.unwrap_or(words.len());
    (words, clause)
}

/// Latin ligatures as their letters (`ﬁ` is `fi`), as NFKC would read them.
fn unligature(c: char) -> Vec<char> {
    let letters = match c {
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        _ => return vec![c],
    };
    letters.chars().collect()
}

/// `c` as it may appear in an identifier, or `None` for a separator. Python folds
/// identifiers with NFKC, so a character that folds to another (full-width Latin letters,
/// ligatures, superscripts, compatibility ideographs) would name a different function than
/// the one anpl looks up: full-width ASCII is read as ASCII, the rest separates words.
fn identifier_char(c: char) -> Option<char> {
    let code = c as u32;
    if (0xFF01..=0xFF5E).contains(&code) {
        return char::from_u32(code - 0xFEE0).filter(|a| a.is_ascii_alphanumeric());
    }
    if c.is_ascii() {
        return c.is_ascii_alphanumeric().then_some(c);
    }
    let folds = matches!(code,
        0xAA | 0xB2..=0xB3 | 0xB5 | 0xB9..=0xBA | 0xBC..=0xBE | 0x17F
        | 0x2B0..=0x2FF | 0x1D2C..=0x1DBF | 0x2070..=0x218F | 0x2460..=0x24FF
        | 0x3200..=0x33FF | 0xF900..=0xFAFF | 0xFB00..=0xFDFF | 0xFE70..=0xFFEF
        | 0x1D400..=0x1D7FF | 0x1EE00..=0x1EEFF | 0x1F100..=0x1F1FF | 0x2F800..=0x2FA1F);
    (!folds && unicode_ident::is_xid_continue(c)).then_some(c)
}

fn join(words: &[String]) -> String {
    let id = words.join("_");
    if id.starts_with(|c: char| !unicode_ident::is_xid_start(c)) {
        format!("h_{id}")
    } else {
        id
    }
}

fn hashed(description: &str) -> String {
    let digest = Sha256::digest(description.as_bytes());
    format!("hole_{}", &hex::encode(digest)[..8])
}

/// Outcome of naming the inline holes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Naming {
    Ids(Vec<String>),
    /// Indices of two descriptions whose words are identical (they differ only in case,
    /// punctuation or spacing) and so cannot get distinct identifiers.
    Clash(usize, usize),
}

/// Give each distinct description an identifier: the first words up to the first clause
/// break (at most five), lengthened word by word while two descriptions share one, then a
/// `_hole` suffix when it would shadow a name in `reserved`.
pub(crate) fn inline_ids(descriptions: &[&str], reserved: &HashSet<&str>) -> Naming {
    let split: Vec<(Vec<String>, usize)> = descriptions.iter().map(|d| words(d)).collect();
    let mut len: Vec<usize> = split
        .iter()
        .map(|(w, clause)| (*clause).clamp(1, ID_WORDS).min(w.len()))
        .collect();
    let id_of = |i: usize, len: &[usize]| {
        let (w, _) = &split[i];
        if w.is_empty() {
            hashed(descriptions[i])
        } else {
            join(&w[..len[i]])
        }
    };
    loop {
        let ids: Vec<String> = (0..split.len()).map(|i| id_of(i, &len)).collect();
        let mut grew = false;
        let mut clash = None;
        for i in 0..ids.len() {
            for j in (i + 1)..ids.len() {
                if ids[i] != ids[j] {
                    continue;
                }
                let mut any = false;
                for k in [i, j] {
                    if len[k] < split[k].0.len() {
                        len[k] += 1;
                        any = true;
                    }
                }
                if any {
                    grew = true;
                } else if clash.is_none() {
                    clash = Some((i, j));
                }
            }
        }
        if let Some((i, j)) = clash {
            if !grew {
                return Naming::Clash(i, j);
            }
        }
        if !grew {
            let mut taken: BTreeSet<String> = BTreeSet::new();
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let mut name = id.clone();
                let mut n = 1;
                while reserved.contains(name.as_str()) || taken.contains(&name) {
                    name = if n == 1 {
                        format!("{id}_hole")
                    } else {
                        format!("{id}_hole{n}")
                    };
                    n += 1;
                }
                taken.insert(name.clone());
                out.push(name);
            }
            return Naming::Ids(out);
        }
    }
}

/// Parameter names for an inline hole's arguments: a plain name argument gives its name,
/// a keyword argument its keyword, anything else `arg<position>`; repeats are renamed.
pub(crate) fn param_names(args: &[ArgShape]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(args.len());
    for (i, a) in args.iter().enumerate() {
        let want = match a {
            ArgShape::Positional(Some(name)) => name.clone(),
            ArgShape::Positional(None) => format!("arg{}", i + 1),
            ArgShape::Keyword(k) => k.clone(),
            ArgShape::Splat => "*args".to_string(),
            ArgShape::DoubleSplat => "**kwargs".to_string(),
        };
        let mut name = want.clone();
        if out.contains(&name) || KEYWORDS.contains(&name.as_str()) {
            name = format!("arg{}", i + 1);
        }
        let mut n = 2;
        while out.contains(&name) {
            name = format!("arg{}_{}", i + 1, n);
            n += 1;
        }
        out.push(name);
    }
    out
}

/// The shape of one argument at an inline hole's call site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArgShape {
    /// A positional argument; `Some(name)` when it is a plain name.
    Positional(Option<String>),
    Keyword(String),
    Splat,
    DoubleSplat,
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn ids(descs: &[&str]) -> Naming {
        inline_ids(descs, &HashSet::new())
    }

    #[test]
    fn id_stops_at_clause_or_five_words() {
        assert_eq!(
            ids(&[
                "the k most frequent words, ties by word",
                "find the largest object",
                "Split each pixel of 3x3 input_grid into a grid",
            ]),
            Naming::Ids(vec![
                "the_k_most_frequent_words".into(),
                "find_the_largest_object".into(),
                "split_each_pixel_of_3x3".into(),
            ])
        );
    }

    #[test]
    fn ids_grow_until_distinct() {
        assert_eq!(
            ids(&[
                "change each input row to output row :row[0,0,5] to 3",
                "change each input row to output row :row[0,5,0] to 4",
            ]),
            Naming::Ids(vec![
                "change_each_input_row_to_output_row_row_0_0".into(),
                "change_each_input_row_to_output_row_row_0_5".into(),
            ])
        );
    }

    #[test]
    fn same_words_are_a_clash() {
        assert_eq!(
            ids(&["Find the object.", "find the object"]),
            Naming::Clash(0, 1)
        );
    }

    #[test]
    fn no_words_gives_a_hash_and_digits_a_prefix() {
        match ids(&["→ ← ✓", "3 colours"]) {
            Naming::Ids(v) => {
                assert!(v[0].starts_with("hole_") && v[0].len() == 13, "{v:?}");
                assert_eq!(v[1], "h_3_colours");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn descriptions_in_any_script_give_readable_identifiers_not_fragments() {
        assert_eq!(
            ids(&[
                "Grüße an alle Nutzer, höflich",
                "找到最大的物体",
                "最大の物体を見つける。色は赤",
                "Найти самый большой объект",
                "ｆｉｎｄ the ＦＩＲＳＴ row",
                "ﬁnd ligatures",
            ]),
            Naming::Ids(vec![
                "grüße_an_alle_nutzer".into(),
                "找到最大的物体".into(),
                "最大の物体を見つける".into(),
                "найти_самый_большой_объект".into(),
                "find_the_first_row".into(),
                "find_ligatures".into(),
            ])
        );
    }

    #[test]
    fn reserved_names_get_a_suffix() {
        let reserved: HashSet<&str> = ["sum"].into_iter().collect();
        assert_eq!(
            inline_ids(&["sum"], &reserved),
            Naming::Ids(vec!["sum_hole".into()])
        );
    }

    #[test]
    fn params_from_arguments() {
        use ArgShape::*;
        assert_eq!(
            param_names(&[
                Positional(Some("grid".into())),
                Positional(None),
                Positional(Some("grid".into())),
                Keyword("n".into()),
                Splat,
            ]),
            vec!["grid", "arg2", "arg3", "n", "*args"]
        );
    }
}
