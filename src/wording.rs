//! Wording an inspector fails a site for: the site's own list of wrong or
//! forbidden words (`check/words.yaml`) and the built-in list of outdated
//! official names (data: `outdated_names.txt`, each entry with its
//! source), matched in one pass (Aho-Corasick) over text folded as the
//! search folds it (full-width letters and digits as half-width).
//! Also: 文号 written with the wrong brackets ([`doc_nos`]).
//!
//! Owns: [`WordList`], its matching, and the only use of aho-corasick.
//! Imports: nothing of the crate (a leaf: `config` builds the list,
//! `content` scans each file with it, `check` reports).
//!
//! Invariants: matching is leftmost-longest, so `国家安全生产监督管理总局`
//! is one hit, not also `安全生产监督管理局`; an outdated name inside a
//! Markdown quote (`>`) is historical text and not reported.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// Where an entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The site's `check/words.yaml` (rule `word`).
    Site,
    /// The built-in list of outdated official names (rule `outdated-name`).
    Outdated,
}

/// One word to report.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entry {
    pub wrong: String,
    /// What to write instead (none: the word is forbidden).
    pub right: Option<String>,
    pub note: Option<String>,
    pub source: Source,
}

/// The words of a site, compiled.
#[derive(Debug, Clone)]
pub struct WordList {
    pub entries: Vec<Entry>,
    matcher: Option<AhoCorasick>,
}

impl PartialEq for WordList {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Default for WordList {
    fn default() -> Self {
        WordList::new(builtin())
    }
}

/// The built-in outdated names: (old, new, source), one per line of the
/// data file, `|`-separated.
const OUTDATED: &str = include_str!("outdated_names.txt");

/// The built-in list.
pub fn builtin() -> Vec<Entry> {
    OUTDATED
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.split('|').map(str::trim);
            let (wrong, right, note) = (parts.next()?, parts.next()?, parts.next()?);
            Some(Entry {
                wrong: wrong.to_owned(),
                right: Some(right.to_owned()),
                note: Some(note.to_owned()),
                source: Source::Outdated,
            })
        })
        .collect()
}

/// Full-width letters and digits as half-width (`ＡＢＣ１２` → `ABC12`), as
/// the search folds them: one character for one, so offsets map back.
/// (Full-width punctuation, in every Chinese sentence, is left as it is:
/// no word turns on it.)
fn fold(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        c => c,
    }
}

/// Whether `text` has a character [`fold`] changes: `EF BC 90`–`99`,
/// `EF BC A1`–`BA`, `EF BD 81`–`9A` in UTF-8, found by byte search.
fn needs_fold(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(0xEF, b).any(|i| {
        matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0xBC), Some(0x90..=0x99 | 0xA1..=0xBA)) | (Some(0xBD), Some(0x81..=0x9A))
        )
    })
}

fn fold_str(s: &str) -> String {
    s.chars().map(fold).collect()
}

impl WordList {
    /// Compiles `entries` (an entry that folds to nothing is dropped).
    pub fn new(entries: Vec<Entry>) -> WordList {
        let entries: Vec<Entry> = entries
            .into_iter()
            .filter(|e| !fold_str(&e.wrong).trim().is_empty())
            .collect();
        let patterns: Vec<String> = entries.iter().map(|e| fold_str(&e.wrong)).collect();
        // A DFA without prefilter: Chinese words share their UTF-8 lead
        // bytes with every Chinese text, so a prefilter only slows it.
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .prefilter(false)
            .build(&patterns)
            .ok();
        WordList { entries, matcher }
    }

    /// Leaves out the built-in names in `allowed` (the site's `allow`).
    pub fn without(self, allowed: &[String]) -> WordList {
        let entries = self
            .entries
            .into_iter()
            .filter(|e| !(e.source == Source::Outdated && allowed.contains(&e.wrong)))
            .collect();
        WordList::new(entries)
    }

    /// Every entry found in `text`: (byte offset in `text`, entry index).
    pub fn scan(&self, text: &str) -> Vec<(usize, usize)> {
        let Some(m) = &self.matcher else {
            return Vec::new();
        };
        let needs_fold = needs_fold(text);
        let (haystack, back): (std::borrow::Cow<'_, str>, Option<Vec<usize>>) = if needs_fold {
            // Folded byte offset -> original byte offset, at char starts.
            let mut folded = String::with_capacity(text.len());
            let mut back = Vec::with_capacity(text.len() + 1);
            for (i, c) in text.char_indices() {
                let f = fold(c);
                back.extend(std::iter::repeat_n(i, f.len_utf8()));
                folded.push(f);
            }
            back.push(text.len());
            (folded.into(), Some(back))
        } else {
            (text.into(), None)
        };
        let mut out = Vec::new();
        for hit in m.find_iter(haystack.as_ref()) {
            let start = back.as_ref().map_or(hit.start(), |b| b[hit.start()]);
            let entry = hit.pattern().as_usize();
            if self.entries[entry].source == Source::Outdated && in_quote(text, start) {
                continue;
            }
            out.push((start, entry));
        }
        out
    }
}

/// The 文号 with its year in 〔〕, when written with `[ ]`, `【 】`, `( )`
/// or `（ ）` instead; None when it is already right (or has no year).
pub fn corrected_doc_no(no: &str) -> Option<String> {
    let chars: Vec<char> = no.chars().collect();
    let mut out = String::new();
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        let open = chars[i];
        let close = match open {
            '[' => Some(']'),
            '【' => Some('】'),
            '(' => Some(')'),
            '（' => Some('）'),
            '〔' => Some('〕'),
            _ => None,
        };
        if let Some(close) = close
            && i + 5 < chars.len()
            && chars[i + 1..i + 5].iter().all(char::is_ascii_digit)
            && chars[i + 5] == close
        {
            out.push('〔');
            out.extend(&chars[i + 1..i + 5]);
            out.push('〕');
            changed |= open != '〔';
            i += 6;
            continue;
        }
        out.push(open);
        i += 1;
    }
    changed.then_some(out)
}

/// 文号 in `text` whose year is in `[ ]`, `【 】`, `( )` or `（ ）`: where
/// each starts (its issuer's characters included) and the corrected form.
pub fn doc_nos(text: &str) -> Vec<(usize, String)> {
    let is_han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let b = text.as_bytes();
    // Where an opening bracket is, found by byte search (most text has none).
    let mut at: Vec<usize> = memchr::memchr2_iter(b'[', b'(', b).collect();
    for wide in ["【", "（"] {
        at.extend(memchr::memmem::find_iter(b, wide.as_bytes()));
    }
    at.sort_unstable();
    let mut out = Vec::new();
    for i in at {
        let Some(open) = text[i..].chars().next() else {
            continue;
        };
        let before = &text[..i];
        if !before.chars().next_back().is_some_and(is_han) {
            continue;
        }
        // Year, bracket, number, 号: `[2026]12号`.
        let rest = &text[i + open.len_utf8()..];
        let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
        if digits(rest) != 4 {
            continue;
        }
        let Some(close) = rest[4..].chars().next() else {
            continue;
        };
        let after = &rest[4 + close.len_utf8()..];
        let n = digits(after);
        if n == 0 || !after[n..].starts_with('号') {
            continue;
        }
        // The issuer's characters before the bracket (a few: no walk back
        // over a whole page of Han text at every bracket).
        let start = before
            .char_indices()
            .rev()
            .take(24)
            .take_while(|&(_, c)| is_han(c))
            .last()
            .map_or(i, |(j, _)| j);
        let end = text.len() - after.len() + n + '号'.len_utf8();
        if let Some(fixed) = corrected_doc_no(&text[start..end]) {
            out.push((start, fixed));
        }
    }
    out
}

/// Whether byte `at` is on a Markdown quote line (`> …`).
fn in_quote(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..].trim_start().starts_with('>')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &WordList, text: &str) -> Vec<String> {
        list.scan(text)
            .into_iter()
            .map(|(at, e)| format!("{at}:{}", list.entries[e].wrong))
            .collect()
    }

    #[test]
    fn every_builtin_entry_has_a_replacement_and_a_source() {
        let b = builtin();
        assert!(b.len() >= 6, "{b:?}");
        for e in &b {
            assert!(e.right.as_deref().is_some_and(|r| !r.is_empty()), "{e:?}");
            assert!(e.note.as_deref().is_some_and(|n| n.contains("20")), "{e:?}");
        }
    }

    #[test]
    fn outdated_names_match_longest_and_not_in_quotes() {
        let list = WordList::default();
        assert_eq!(
            words(&list, "原国家安全生产监督管理总局发布"),
            ["3:国家安全生产监督管理总局"]
        );
        assert_eq!(words(&list, "请联系区安监局。"), ["12:安监局"]);
        assert_eq!(
            words(&list, "> 当年由区安监局牵头\n区应急管理局"),
            Vec::<String>::new()
        );
        assert_eq!(
            words(&list, "应急管理局和消防救援支队"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn site_words_match_folded_text_and_can_be_allowed() {
        let list = WordList::new(vec![Entry {
            wrong: "ABC安全".into(),
            right: Some("ABC 安全".into()),
            note: None,
            source: Source::Site,
        }]);
        // Full-width letters fold; the offset is the original one.
        assert_eq!(words(&list, "一、ＡＢＣ安全"), ["6:ABC安全"]);
        let without = WordList::default().without(&["安监局".to_owned()]);
        assert!(words(&without, "区安监局").is_empty());
        assert_eq!(words(&without, "国家安全监管总局").len(), 1);
    }

    #[test]
    fn doc_no_years_go_into_hexagonal_brackets() {
        assert_eq!(
            corrected_doc_no("临江应急[2026]12号").as_deref(),
            Some("临江应急〔2026〕12号")
        );
        assert_eq!(
            corrected_doc_no("临江应急【2026】12号").as_deref(),
            Some("临江应急〔2026〕12号")
        );
        assert_eq!(
            corrected_doc_no("临江应急(2026)12号").as_deref(),
            Some("临江应急〔2026〕12号")
        );
        assert_eq!(
            corrected_doc_no("临江应急（2026）12号").as_deref(),
            Some("临江应急〔2026〕12号")
        );
        assert_eq!(corrected_doc_no("临江应急〔2026〕12号"), None);
        assert_eq!(corrected_doc_no("临江应急函〔2026〕3号"), None);
        // Not a year: left alone.
        assert_eq!(corrected_doc_no("附件(一)"), None);
        assert_eq!(corrected_doc_no("[12]号"), None);
    }

    #[test]
    fn doc_nos_in_text_are_found_with_their_issuer() {
        assert_eq!(
            doc_nos("根据《通知》（临江应急[2026]12号）要求"),
            [(21, "临江应急〔2026〕12号".to_owned())]
        );
        assert!(doc_nos("临江应急〔2026〕12号").is_empty());
        assert!(doc_nos("见附件(1)和第[3]条").is_empty());
    }
}
