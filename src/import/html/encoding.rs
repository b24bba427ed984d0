//! The character encoding of a saved page: its byte order mark, else the
//! `<meta charset>` or `http-equiv` declaration of its head, else UTF-8 if
//! the bytes are UTF-8, else GB18030 (old Chinese sites are GBK/GB2312,
//! which GB18030 contains).
//!
//! Owns: the decoding of saved pages with `encoding_rs` (its second user,
//! beside `content::frontmatter`). Pure; imports nothing from the crate.
//!
//! Invariants: only the first [`SNIFF`] bytes are searched for a
//! declaration (as browsers do); a declared encoding that the bytes
//! contradict (a browser re-saved a GBK page as UTF-8 and kept its meta
//! tag) gives way to UTF-8.

use encoding_rs::{Encoding, GB18030, UTF_8};

/// How far into the page a declaration is looked for.
pub const SNIFF: usize = 4096;

/// The encoding a `<meta>` tag in the first [`SNIFF`] bytes declares.
pub fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(SNIFF)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut at = 0;
    while let Some(i) = find(&lower[at..], b"<meta") {
        let start = at + i;
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let mut j = c + b"charset".len();
            while j < tag.len() && tag[j].is_ascii_whitespace() {
                j += 1;
            }
            if tag.get(j) == Some(&b'=') {
                j += 1;
                while j < tag.len()
                    && (tag[j].is_ascii_whitespace() || tag[j] == b'"' || tag[j] == b'\'')
                {
                    j += 1;
                }
                let label_end = tag[j..]
                    .iter()
                    .position(|b| {
                        !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                    })
                    .map_or(tag.len(), |p| j + p);
                if let Some(enc) = Encoding::for_label(&tag[j..label_end]) {
                    return Some(enc);
                }
            }
        }
        at = end.max(start + 1);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// The page's text and the encoding it was read in.
pub fn decode(bytes: &[u8]) -> (String, &'static Encoding) {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), enc);
    }
    let utf8 = std::str::from_utf8(bytes).ok();
    let enc = match declared(bytes) {
        // UTF-16 declared in a page without a BOM is not UTF-16 (the
        // declaration was read as ASCII): the HTML standard reads UTF-8.
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => UTF_8,
        Some(e) => e,
        None if utf8.is_some() => UTF_8,
        None => GB18030,
    };
    if enc == UTF_8 {
        if let Some(t) = utf8 {
            return (t.to_owned(), UTF_8);
        }
        // Declared UTF-8 but not: a GBK page with a wrong declaration?
        let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
        if !had_errors {
            return (text.into_owned(), GB18030);
        }
        return (String::from_utf8_lossy(bytes).into_owned(), UTF_8);
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors && let Some(t) = utf8 {
        return (t.to_owned(), UTF_8);
    }
    (text.into_owned(), enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_reads_both_meta_forms() {
        assert_eq!(
            declared(b"<html><head><meta charset=\"gb2312\">"),
            Some(encoding_rs::GBK)
        );
        assert_eq!(
            declared(b"<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=GBK\">"),
            Some(encoding_rs::GBK)
        );
        assert_eq!(declared(b"<meta charset='utf-8'/>"), Some(UTF_8));
        assert_eq!(
            declared(b"<meta name=\"x\" content=\"y\"><p>charset=gbk</p>"),
            None
        );
        assert_eq!(declared(b"<html>"), None);
    }

    #[test]
    fn decode_follows_bom_then_declaration_then_bytes() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=gbk><p>安全生产</p>");
        assert_eq!(decode(&gbk).0, "<meta charset=gbk><p>安全生产</p>");
        let (undeclared, _, _) = encoding_rs::GBK.encode("<p>消防</p>");
        assert_eq!(decode(&undeclared).0, "<p>消防</p>");
        assert_eq!(decode("\u{feff}<p>演练</p>".as_bytes()).0, "<p>演练</p>");
        // A GBK page re-saved as UTF-8, its meta tag kept.
        assert_eq!(
            decode("<meta charset=gb2312><p>应急管理</p>".as_bytes()).0,
            "<meta charset=gb2312><p>应急管理</p>"
        );
        assert_eq!(decode(b"<p>plain</p>").1, UTF_8);
    }
}
