//! Slugs: the last URL segment of a page, and percent-encoding of segments.
//!
//! Pure functions; imports nothing from the crate.

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

/// Percent-encodes one path segment (RFC 3986 unreserved characters stay).
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
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
