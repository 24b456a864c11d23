//! "Did you mean …?" for names a user typed: model providers (`llm::spec`, `llm::config`),
//! config settings, keys and function names in examples files (`sketch::examples_file`).
//! One small edit-distance rule used everywhere, so every front end suggests alike.
//!
//! The distance is optimal string alignment (Levenshtein plus swapping two neighbours,
//! the most common typo: `opneai`), compared without case. How far a word may be from a
//! suggestion grows with its length, so `fn` is never "corrected" to `in` but `ofline`
//! becomes `offline`.

/// The candidate closest to `word`, if one is close enough to be what the user meant.
/// Ties go to the earlier candidate, so callers list the likeliest names first.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word = word.to_lowercase();
    let allowed = match word.chars().count() {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    };
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let d = distance(&word, &candidate.to_lowercase());
        if d <= allowed && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `" (did you mean `x`?)"`, or nothing when no candidate is close.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    match closest(word, candidates) {
        Some(c) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

/// Optimal string alignment distance between two strings, by characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: two back (for swaps), one back, and the current one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("ofline", "offline"), 1);
        assert_eq!(distance("opneai", "openai"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ca", "abc"), 3);
    }

    #[test]
    fn closest_suggests_only_near_names() {
        let providers = ["openai", "anthropic", "ollama", "groq"];
        assert_eq!(closest("opneai", providers), Some("openai"));
        assert_eq!(closest("antropic", providers), Some("anthropic"));
        assert_eq!(closest("olama", providers), Some("ollama"));
        assert_eq!(closest("gorq", providers), Some("groq"));
        assert_eq!(closest("OpenAI", providers), Some("openai"));
        assert_eq!(closest("mistral", providers), None);
        assert_eq!(closest("fn", ["in", "function"]), None);
        assert_eq!(
            closest("input", ["function", "inputs", "output"]),
            Some("inputs")
        );
        assert_eq!(
            did_you_mean("outputs", ["output"]),
            " (did you mean `output`?)"
        );
        assert_eq!(did_you_mean("zzz", ["output"]), "");
    }
}
