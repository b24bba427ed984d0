//! Slugs: the last URL segment of a page, and percent-encoding of segments.
//!
//! Owns: the only use of `percent-encoding`. Pure functions; imports
//! nothing from the crate.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Normalizes a slug: trims, lowercases ASCII, turns whitespace into `-`, drops
/// characters that are unsafe in a URL path segment or a file name, and
/// collapses repeated dashes. Chinese characters are kept (they are encoded in
/// links, and readable in the address bar).
pub fn slugify(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.trim().chars() {
        let c = c.to_ascii_lowercase();
        if c.is_alphanumeric() || c == '_' || c == '.' {
            out.push(c);
        } else if (c.is_whitespace() || c == '-' || c == '—' || c == '·') && !out.ends_with('-')
        {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == '.');
    trimmed.to_owned()
}

/// What [`encode_segment`] escapes: all but RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes one path segment (RFC 3986 unreserved characters stay).
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Decodes `%XX` escapes (invalid UTF-8 keeps the input; a `%` not
/// followed by two hex digits stays as it is).
pub fn percent_decode(s: &str) -> String {
    percent_decode_str(s)
        .decode_utf8()
        .map_or_else(|_| s.to_owned(), |d| d.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_keeps_chinese_and_drops_unsafe() {
        assert_eq!(slugify("Fire Drill 2025"), "fire-drill-2025");
        assert_eq!(slugify("消防 演练/../x"), "消防-演练..x");
        assert_eq!(slugify("  --a--b-- "), "a-b");
        assert_eq!(slugify("a%20b?#"), "a20b");
        assert_eq!(slugify("../.."), "");
    }

    #[test]
    fn encode_segment_encodes_utf8() {
        assert_eq!(encode_segment("消防"), "%E6%B6%88%E9%98%B2");
        assert_eq!(encode_segment("a b"), "a%20b");
    }
}
