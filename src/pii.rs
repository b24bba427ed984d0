//! Personal data in text: 居民身份证号 (GB 11643, with its check digit and
//! birth date), bank card numbers (Luhn, known prefixes) and mobile
//! numbers, found in one pass over the text and shown only masked.
//!
//! Owns: the number rules and masking. Imports nothing of the crate (a
//! leaf: `content` scans each file with it, `check` reports what it found).
//!
//! Invariants: a hit is a whole number — never part of a longer digit run,
//! a URL or a word, a date-time stamp or a 文号 (`…号`); digits grouped by
//! single spaces or hyphens (`138 0013 8000`) count as one number; a hit's
//! digits are kept for the site's allow list and never printed (use
//! [`Hit::masked`]).

/// What a number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// 居民身份证号
    PersonalId,
    /// 银行卡号
    BankCard,
    /// 手机号码
    Mobile,
}

impl Rule {
    /// The rule id of `anxuan check`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::PersonalId => "personal-id",
            Rule::BankCard => "bank-card",
            Rule::Mobile => "mobile",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rule::PersonalId => "居民身份证号",
            Rule::BankCard => "银行卡号",
            Rule::Mobile => "手机号码",
        }
    }
}

/// A number found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hit {
    pub rule: Rule,
    /// Byte range in the text, as written (separators included).
    pub start: usize,
    pub end: usize,
    /// The digits (and a final `X` of an ID), separators removed.
    pub digits: String,
}

impl Hit {
    /// The number with its middle hidden: `110105********1234`,
    /// `138****8000`, `6222*********1234`.
    pub fn masked(&self) -> String {
        let d: Vec<char> = self.digits.chars().collect();
        let (keep_head, keep_tail) = match self.rule {
            Rule::PersonalId => (6, 4),
            Rule::Mobile => (3, 4),
            Rule::BankCard => (4, 4),
        };
        d.iter()
            .enumerate()
            .map(|(i, c)| {
                if i < keep_head || i + keep_tail >= d.len() {
                    *c
                } else {
                    '*'
                }
            })
            .collect()
    }
}

/// The digit at byte `i`, if any.
fn digit(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

/// A run of digit groups: where it is, and each group's range.
struct Run {
    start: usize,
    end: usize,
    groups: Vec<(usize, usize)>,
}

/// Every run of digits in `text`, groups joined by one space or hyphen.
fn runs(text: &str) -> Vec<Run> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // Most bytes are not digits: skip to the next one.
        match b[i..].iter().position(u8::is_ascii_digit) {
            Some(n) => i += n,
            None => break,
        }
        let start = i;
        let mut groups = Vec::new();
        loop {
            let g = i;
            while digit(b, i) {
                i += 1;
            }
            groups.push((g, i));
            // One separator between two groups keeps the run going.
            if matches!(b.get(i), Some(b' ' | b'-')) && digit(b, i + 1) {
                i += 1;
                continue;
            }
            break;
        }
        out.push(Run {
            start,
            end: i,
            groups,
        });
    }
    out
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

fn num(s: &str) -> u32 {
    s.bytes().fold(0, |n, c| n * 10 + u32::from(c - b'0'))
}

fn valid_date(year: u32, month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

/// A province-level code opens every ID: 11–15, 21–23, 31–37, 41–46,
/// 50–54, 61–65, 71, 81–83.
fn valid_region(d: &str) -> bool {
    matches!(num(&d[..2]), 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83)
}

/// An 18-character 居民身份证号 (17 digits and a check character).
pub fn is_personal_id(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let check = ID_CHECK[(sum % 11) as usize];
    let year = num(&d[6..10]);
    valid_region(d)
        && b[17].eq_ignore_ascii_case(&check)
        && (1900..=2100).contains(&year)
        && valid_date(year, num(&d[10..12]), num(&d[12..14]))
}

/// The 15-digit form (before 1999): region, yymmdd of the 1900s, sequence.
pub fn is_old_personal_id(d: &str) -> bool {
    d.len() == 15
        && d.bytes().all(|c| c.is_ascii_digit())
        && valid_region(d)
        && valid_date(1900 + num(&d[6..8]), num(&d[8..10]), num(&d[10..12]))
}

/// Passes the Luhn check.
pub fn luhn(d: &str) -> bool {
    let sum: u32 = d
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let v = u32::from(c - b'0');
            if i % 2 == 1 {
                let v = v * 2;
                if v > 9 { v - 9 } else { v }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A bank card number: 16–19 digits, a card scheme's prefix (UnionPay 62,
/// Visa 4, Mastercard 51–55 and 2221–2720, JCB 35), the Luhn check.
pub fn is_bank_card(d: &str) -> bool {
    let known = d.starts_with("62")
        || d.starts_with('4')
        || (51..=55).contains(&num(&d[..2.min(d.len())]))
        || (2221..=2720).contains(&num(&d[..4.min(d.len())]))
        || d.starts_with("35");
    (16..=19).contains(&d.len()) && d.bytes().all(|c| c.is_ascii_digit()) && known && luhn(d)
}

/// A mobile number: `1[3-9]` and nine digits.
pub fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// A date-time stamp `yyyyMMddHHmmss` (and milliseconds).
fn is_timestamp(d: &str) -> bool {
    if !(d.len() == 14 || d.len() == 17) {
        return false;
    }
    let year = num(&d[..4]);
    (1900..=2100).contains(&year)
        && valid_date(year, num(&d[4..6]), num(&d[6..8]))
        && num(&d[8..10]) < 24
        && num(&d[10..12]) < 60
        && num(&d[12..14]) < 60
}

/// The number's class, if it is one of the three.
fn classify(d: &str) -> Option<Rule> {
    if is_timestamp(d) {
        None
    } else if is_personal_id(d) || is_old_personal_id(d) {
        Some(Rule::PersonalId)
    } else if is_bank_card(d) {
        Some(Rule::BankCard)
    } else if is_mobile(d) {
        Some(Rule::Mobile)
    } else {
        None
    }
}

/// Whether the number at `start..end` belongs to a longer token: a word, a
/// decimal, a path or URL, a 文号 or serial number (`…号`).
fn embedded(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let before = start.checked_sub(1).map(|i| b[i]);
    let after = b.get(end).copied();
    let glued = |c: Option<u8>| {
        c.is_some_and(|c| {
            c.is_ascii_alphanumeric() || matches!(c, b'_' | b'/' | b'=' | b'%' | b'&' | b'#' | b'@')
        })
    };
    if glued(before) || glued(after) {
        return true;
    }
    // A decimal or a dotted name (`1.5`, `a.13800138000`, `13800138000.html`).
    if (before == Some(b'.') && start >= 2 && b[start - 2].is_ascii_alphanumeric())
        || (after == Some(b'.') && b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric))
    {
        return true;
    }
    if text[end..].starts_with('号') {
        return true;
    }
    // Inside a URL: the whitespace-free stretch around it names a scheme.
    let token_start = text[..start]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '(' | '<' | '"' | '\''))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let token = &text[token_start..start];
    token.contains("://") || token.starts_with("www.")
}

/// Every personal number in `text`, in order.
pub fn scan(text: &str) -> Vec<Hit> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for run in runs(text) {
        // A final X (or x) belongs to an 18-character ID.
        let mut end = run.end;
        let mut digits: String = run.groups.iter().map(|&(s, e)| &text[s..e]).collect();
        if digits.len() == 17 && matches!(b.get(end), Some(b'X' | b'x')) {
            digits.push('X');
            end += 1;
        }
        if embedded(text, run.start, end) {
            continue;
        }
        if let Some(rule) = classify(&digits) {
            out.push(Hit {
                rule,
                start: run.start,
                end,
                digits,
            });
            continue;
        }
        // Two numbers side by side (`13800138000 13900139000`): each group.
        if run.groups.len() > 1 {
            for &(s, e) in &run.groups {
                let d = &text[s..e];
                if let Some(rule) = classify(d) {
                    out.push(Hit {
                        rule,
                        start: s,
                        end: e,
                        digits: d.to_owned(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Rule, String)> {
        scan(text)
            .into_iter()
            .map(|h| (h.rule, h.masked()))
            .collect()
    }

    #[test]
    fn personal_ids_need_their_check_digit_and_a_birth_date() {
        // GB 11643's example: 11010519491231002X.
        assert!(is_personal_id("11010519491231002X"));
        assert!(is_personal_id("11010519491231002x"));
        assert!(!is_personal_id("110105194912310021"), "wrong check digit");
        assert!(!is_personal_id("110105194913310020"), "month 13");
        assert!(!is_personal_id("990105194912310029"), "no such province");
        assert!(is_old_personal_id("110105491231002"));
        assert!(!is_old_personal_id("110105491331002"));
        assert_eq!(
            found("身份证号：11010519491231002X。"),
            [(Rule::PersonalId, "110105********002X".to_owned())]
        );
        assert_eq!(
            found("身份证 110105-19491231-002X 请核对"),
            [(Rule::PersonalId, "110105********002X".to_owned())]
        );
    }

    #[test]
    fn bank_cards_need_luhn_and_a_known_prefix() {
        assert!(luhn("6222021234567890128"));
        assert!(is_bank_card("6222021234567890128"));
        assert!(!is_bank_card("6222021234567890127"), "fails Luhn");
        assert!(
            !is_bank_card("1222021234567890124"),
            "no scheme starts with 1"
        );
        assert_eq!(
            found("卡号 6222 0212 3456 7890 128"),
            [(Rule::BankCard, "6222***********0128".to_owned())]
        );
    }

    #[test]
    fn mobiles_are_whole_numbers_only() {
        assert_eq!(
            found("联系电话：13800138000，或 138-0013-8000、138 0013 8000"),
            vec![(Rule::Mobile, "138****8000".to_owned()); 3]
        );
        // After a full-width space (a multi-byte separator).
        assert_eq!(
            found("电话　13800138000"),
            [(Rule::Mobile, "138****8000".to_owned())]
        );
        assert_eq!(
            found("13800138000 13900139000"),
            [
                (Rule::Mobile, "138****8000".to_owned()),
                (Rule::Mobile, "139****9000".to_owned())
            ]
        );
        for text in [
            "订单号 138001380001",                       // longer run
            "编号13800138000号",                         // a serial number
            "https://example.gov.cn/a/13800138000.html", // a URL
            "见 www.example.gov.cn/13800138000 页面",
            "?id=13800138000",
            "a13800138000",
            "价格 13800138000.50 元",
            "时间戳 20260601123045",
            "12800138000",   // 12 is no mobile prefix
            "0571-86120350", // a landline
            "临江应急〔2026〕12号",
            "索引号 113301020025813466/2026-00018",
            "订单 6222021234567890127", // a 19-digit number failing Luhn
            "2026-06-01 13:80",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }

    #[test]
    fn scan_never_panics_on_mixed_text() {
        // Pieces that meet at every kind of boundary: multi-byte spaces and
        // punctuation beside digits, X, separators, URL parts.
        let pieces = [
            "1",
            "38",
            "0013",
            "8000",
            "X",
            "x",
            " ",
            "-",
            "　",
            "号",
            "〕",
            "。",
            ".",
            "/",
            "://",
            "www.",
            "a",
            "電",
            "𠀀",
            "\n",
            "11010519491231002",
            "6222",
        ];
        let mut seed = 0x2545_f491_u32;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                text.push_str(pieces[(seed as usize) % pieces.len()]);
            }
            for h in scan(&text) {
                assert!(
                    text.is_char_boundary(h.start) && text.is_char_boundary(h.end),
                    "{text:?}"
                );
                assert!(!h.masked().is_empty());
            }
        }
    }

    #[test]
    fn masks_keep_only_the_ends() {
        let h = |rule, d: &str| Hit {
            rule,
            start: 0,
            end: 0,
            digits: d.into(),
        };
        assert_eq!(h(Rule::Mobile, "13800138000").masked(), "138****8000");
        assert_eq!(
            h(Rule::PersonalId, "110105194912310021").masked(),
            "110105********0021"
        );
    }
}
