//! Request targets to site-relative paths: strict percent-decoding and
//! the traversal rules (no `..`, encoded slashes, backslashes, NUL,
//! control characters or absolute URLs; nothing longer than [`MAX_URL`]).
//!
//! Imports nothing from the crate.

/// The longest request target accepted.
pub const MAX_URL: usize = 2048;

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Strictly percent-decodes one path segment; `None` on a malformed escape
/// or invalid UTF-8.
fn decode_segment(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let h = hex(*bytes.get(i + 1)?)?;
            let l = hex(*bytes.get(i + 2)?)?;
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Why a request path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPath {
    TooLong,
    Malformed,
}

/// Decodes the path of a request target into a site-relative path (no
/// leading slash; a trailing slash is kept). Refuses everything that is not
/// a plain path of normal segments.
pub fn decode_path(url: &str) -> Result<String, BadPath> {
    if url.len() > MAX_URL {
        return Err(BadPath::TooLong);
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(rest) = path.strip_prefix('/') else {
        // `*`, `http://host/x`, `C:\x` …
        return Err(BadPath::Malformed);
    };
    if path.contains('\\') || path.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err(BadPath::Malformed);
    }
    if rest.is_empty() {
        return Ok(String::new());
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    let mut out = Vec::with_capacity(segments.len());
    for (i, raw) in segments.iter().enumerate() {
        if raw.is_empty() {
            if i == last {
                break;
            }
            // `//`: never produced by our links.
            return Err(BadPath::Malformed);
        }
        let seg = decode_segment(raw).ok_or(BadPath::Malformed)?;
        if seg == "."
            || seg == ".."
            || seg.contains(['/', '\\', ':'])
            || seg.chars().any(char::is_control)
        {
            return Err(BadPath::Malformed);
        }
        out.push(seg);
    }
    let mut joined = out.join("/");
    if segments[last].is_empty() {
        joined.push('/');
    }
    Ok(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_path_accepts_plain_and_encoded_chinese_paths() {
        assert_eq!(decode_path("/").unwrap(), "");
        assert_eq!(decode_path("/a/b/?q=1").unwrap(), "a/b/");
        assert_eq!(
            decode_path("/tags/%E6%B6%88%E9%98%B2/").unwrap(),
            "tags/消防/"
        );
        assert_eq!(decode_path("/tags/消防/").unwrap(), "tags/消防/");
    }

    #[test]
    fn decode_path_refuses_traversal_and_oddities() {
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/a%2fb",
            "/a%2F..%2Fb",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00b",
            "/a\0b",
            "/./x",
            "//etc/passwd",
            "etc/passwd",
            "http://example.com/etc/passwd",
            "/C:%5cwindows",
            "/%zz",
            "/%e6%b6",
        ] {
            assert!(decode_path(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("/{}", "a".repeat(MAX_URL));
        assert_eq!(decode_path(&long), Err(BadPath::TooLong));
    }
}
