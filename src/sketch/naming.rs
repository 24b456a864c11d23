//! Names the tool makes up: the identifier of an inline hole (from the words of its
//! description) and the names of its parameters (from its call's arguments). An identifier
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

/// The ASCII words of a description, lowercased, and how many of them come before the
/// first clause break (`,` `.` `;` `:` `!` `?` `(` or a newline).
pub(crate) fn words(description: &str) -> (Vec<String>, usize) {
    let mut words = Vec::new();
    let mut clause = None;
    let mut cur = String::new();
    for c in description.chars() {
        if c.is_ascii_alphanumeric() {
            cur.push(c.to_ascii_lowercase());
            continue;
        }
        if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        if clause.is_none()
            && !words.is_empty()
            && matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | '(' | '\n')
        {
            clause = Some(words.len());
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let clause = clause.unwrap_or(words.len());
    (words, clause)
}

fn join(words: &[String]) -> String {
    let id = words.join("_");
    if id.starts_with(|c: char| c.is_ascii_digit()) {
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
    fn no_ascii_words_gives_a_hash_and_digits_a_prefix() {
        match ids(&["找到最大的物体", "3 colours"]) {
            Naming::Ids(v) => {
                assert!(v[0].starts_with("hole_") && v[0].len() == 13, "{v:?}");
                assert_eq!(v[1], "h_3_colours");
            }
            other => panic!("{other:?}"),
        }
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
