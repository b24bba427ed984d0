//! The search tokenizer, shared by the index (here) and the browser
//! (`themes/default/static/js/search-core.js`). Both implement exactly the
//! algorithm in docs/search-format.md and are tested against one case table,
//! `tests/fixtures/tokenizer_cases.json`.
//!
//! Pure functions; imports nothing from the crate.
//!
//! 1. Fold: full-width ASCII forms U+FF01–U+FF5E become ASCII (U+0021–U+007E),
//!    the ideographic space U+3000 becomes a space, ASCII letters are
//!    lowercased.
//! 2. Classify each code point: Han (the ranges in [`is_han`]), ASCII letter or
//!    digit, or separator (everything else).
//! 3. A run of Han characters yields its overlapping bigrams (a run of one
//!    character yields that character); a run of ASCII letters and digits
//!    yields itself; separators yield nothing.

/// Folds one character (full-width → ASCII, lowercase ASCII).
pub fn fold(c: char) -> char {
    let u = c as u32;
    let c = if (0xFF01..=0xFF5E).contains(&u) {
        char::from_u32(u - 0xFEE0).unwrap_or(c)
    } else if u == 0x3000 {
        ' '
    } else {
        c
    };
    c.to_ascii_lowercase()
}

/// Han ideographs: CJK Unified Ideographs and Extension A, compatibility
/// ideographs, Extensions B–F and the supplement, and 〇.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// What a folded character is for the tokenizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Han,
    Word,
    Sep,
}

pub fn class(c: char) -> Class {
    if is_han(c) {
        Class::Han
    } else if c.is_ascii_alphanumeric() {
        Class::Word
    } else {
        Class::Sep
    }
}

/// One token with the character offset (in the folded text) where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub start: usize,
}

/// Calls `emit(token, char_offset)` for every token of `text`. `unigrams`
/// additionally emits every Han character of runs longer than one (the index
/// does this so that one-character queries find every document).
pub fn for_each_token(text: &str, unigrams: bool, mut emit: impl FnMut(&str, usize)) {
    let mut run: Vec<char> = Vec::new();
    let mut run_class = Class::Sep;
    let mut run_start = 0;
    let mut buf = String::new();
    let mut flush =
        |run: &mut Vec<char>, class: Class, start: usize, emit: &mut dyn FnMut(&str, usize)| {
            match class {
                Class::Han if run.len() == 1 => {
                    buf.clear();
                    buf.push(run[0]);
                    emit(&buf, start);
                }
                Class::Han => {
                    for i in 0..run.len() - 1 {
                        buf.clear();
                        buf.push(run[i]);
                        buf.push(run[i + 1]);
                        emit(&buf, start + i);
                    }
                    if unigrams {
                        for (i, c) in run.iter().enumerate() {
                            buf.clear();
                            buf.push(*c);
                            emit(&buf, start + i);
                        }
                    }
                }
                Class::Word => {
                    buf.clear();
                    buf.extend(run.iter());
                    emit(&buf, start);
                }
                Class::Sep => {}
            }
            run.clear();
        };
    for (i, c) in text.chars().map(fold).enumerate() {
        let k = class(c);
        if k != run_class {
            flush(&mut run, run_class, run_start, &mut emit);
            run_class = k;
            run_start = i;
        }
        if k != Class::Sep {
            run.push(c);
        }
    }
    flush(&mut run, run_class, run_start, &mut emit);
}

/// The tokens of `text`, in order (no unigrams).
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, false, |t, _| out.push(t.to_owned()));
    out
}

/// Folds a whole string (for phrase verification).
pub fn fold_str(text: &str) -> String {
    text.chars().map(fold).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Case {
        input: String,
        tokens: Vec<String>,
    }

    #[test]
    fn tokenizer_matches_the_shared_case_table() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tokenizer_cases.json"
        );
        let cases: Vec<Case> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(cases.len() >= 20);
        for c in cases {
            assert_eq!(tokenize(&c.input), c.tokens, "input {:?}", c.input);
        }
    }

    #[test]
    fn unigrams_are_added_for_longer_runs_only() {
        let mut v = Vec::new();
        for_each_token("安全 火", true, |t, s| v.push((t.to_owned(), s)));
        assert_eq!(
            v,
            [
                ("安全".into(), 0),
                ("安".into(), 0),
                ("全".into(), 1),
                ("火".into(), 3)
            ]
        );
    }
}
