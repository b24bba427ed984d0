//! A small HTML tag scanner for anxuan's own output: the tags of a page with
//! their attributes and the byte ranges of attribute values, and tag-aware
//! editing of a page.
//!
//! Owns: finding tags and attributes (for rewriting URLs in `render` and
//! crawling links in `check`); editing tags in place ([`rewrite_tags`]:
//! `markdown`'s post-processing, the image sizes of `images`); escaping
//! attribute values. A leaf: imports nothing from the crate.
//!
//! It is not a full HTML5 parser, and needs not be: it reads what our
//! templates and the sanitized Markdown produce. Comments, `<!DOCTYPE>` and
//! the raw text of `<script>`, `<style>`, `<textarea>` and `<title>` are
//! skipped; attribute values may be double-quoted, single-quoted or bare.
//!
//! Invariants: never panics on any input (all slicing is on char
//! boundaries found by ASCII bytes); ranges index the input string;
//! [`rewrite_tags`] edits the tags it is asked about and nothing else.

use std::ops::Range;

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr<'a> {
    /// As written (compare with `eq_ignore_ascii_case`).
    pub name: &'a str,
    /// The raw value (entities not decoded), `None` for a bare attribute.
    pub value: Option<&'a str>,
    /// Where the raw value is in the input.
    pub range: Option<Range<usize>>,
}

/// A start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag<'a> {
    pub name: &'a str,
    pub attrs: Vec<Attr<'a>>,
    /// Byte offset of `<`.
    pub start: usize,
}

impl<'a> Tag<'a> {
    /// The raw value of attribute `name`, if present.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| a.value.unwrap_or(""))
    }

    pub fn has_attr(&self, name: &str) -> bool {
        self.attrs.iter().any(|a| a.name.eq_ignore_ascii_case(name))
    }

    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title"];

/// A byte of a tag name after its first letter.
fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b':'
}

fn find_from(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= hay.len() || needle.is_empty() {
        return None;
    }
    // Pages are mostly text between tags: memchr skips it many bytes at a
    // time (a byte-by-byte search showed up in profiles; see BENCHMARKS.md).
    match needle {
        [byte] => memchr::memchr(*byte, &hay[from..]),
        _ => memchr::memmem::find(&hay[from..], needle),
    }
    .map(|p| p + from)
}

/// Whether `needle` occurs in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Whether `needle` (which starts with `<`) occurs in `hay`, ignoring ASCII case.
pub fn contains_tag_ci(hay: &[u8], needle: &[u8]) -> bool {
    find_ci(hay, 0, needle).is_some()
}

/// The first `needle` (which starts with `<`) at or after `from`, ignoring
/// ASCII case.
fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(p) = find_from(hay, at, b"<") {
        if hay
            .get(p..p + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            return Some(p);
        }
        at = p + 1;
    }
    None
}

/// A tag as byte ranges of the input: reused from tag to tag by
/// [`each_tag`], so scanning a page allocates nothing per tag.
#[derive(Debug, Default)]
pub struct RawTag {
    /// Byte offset of `<`.
    pub start: usize,
    /// Byte offset just past the tag's `>` (the input's end without one).
    pub end: usize,
    /// An end tag (`</table>`, no attributes): never met by [`each_tag`].
    pub closing: bool,
    pub name: Range<usize>,
    /// (name, raw value) of each attribute; no value for a bare attribute.
    pub attrs: Vec<(Range<usize>, Option<Range<usize>>)>,
}

/// Calls `f` with every start tag of `html`, in document order. Every
/// range starts and ends next to an ASCII byte (or the input's ends), so
/// it slices a `str` input at character boundaries.
pub fn each_tag(html: &[u8], f: impl FnMut(&RawTag)) {
    scan(html, false, f);
}

/// Calls `f` with every start tag of `html`, and every end tag too when
/// `ends`, in document order.
fn scan(html: &[u8], ends: bool, mut f: impl FnMut(&RawTag)) {
    let b = html;
    let n = b.len();
    let mut tag = RawTag::default();
    let mut i = 0;
    while let Some(lt) = find_from(b, i, b"<") {
        let next = b.get(lt + 1).copied().unwrap_or(0);
        if b[lt..].starts_with(b"<!--") {
            i = find_from(b, lt + 4, b"-->").map_or(n, |e| e + 3);
            continue;
        }
        if ends && next == b'/' && b.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) {
            let mut j = lt + 2;
            while j < n && is_name_byte(b[j]) {
                j += 1;
            }
            tag.start = lt;
            tag.end = find_from(b, j, b">").map_or(n, |e| e + 1);
            tag.closing = true;
            tag.name = lt + 2..j;
            tag.attrs.clear();
            i = tag.end;
            f(&tag);
            continue;
        }
        if next == b'!' || next == b'?' || next == b'/' {
            i = find_from(b, lt + 1, b">").map_or(n, |e| e + 1);
            continue;
        }
        if !next.is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        let mut j = lt + 1;
        while j < n && is_name_byte(b[j]) {
            j += 1;
        }
        tag.start = lt;
        tag.closing = false;
        tag.name = lt + 1..j;
        tag.attrs.clear();
        loop {
            while j < n && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= n {
                break;
            }
            if b[j] == b'>' {
                j += 1;
                break;
            }
            if b[j] == b'/' {
                j += 1;
                continue;
            }
            let ns = j;
            while j < n && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/') {
                j += 1;
            }
            let aname = ns..j;
            while j < n && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < n && b[j] == b'=' {
                j += 1;
                while j < n && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                let (vs, ve, after) = if j < n && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let end = memchr::memchr(q, &b[j + 1..]).map_or(n, |p| p + j + 1);
                    (j + 1, end, (end + 1).min(n))
                } else {
                    let s = j;
                    while j < n && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    (s, j, j)
                };
                tag.attrs.push((aname, Some(vs..ve)));
                j = after;
            } else if !aname.is_empty() {
                tag.attrs.push((aname, None));
            } else {
                j += 1;
            }
        }
        i = j;
        tag.end = j;
        let name = &b[tag.name.clone()];
        if let Some(raw) = RAW_TEXT
            .iter()
            .find(|r| name.eq_ignore_ascii_case(r.as_bytes()))
        {
            let close = format!("</{raw}");
            i = find_ci(b, i, close.as_bytes()).unwrap_or(n);
        }
        f(&tag);
    }
}

/// Every start tag of `html`, in document order.
pub fn tags(html: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    each_tag(html.as_bytes(), |t| {
        out.push(Tag {
            name: &html[t.name.clone()],
            attrs: t
                .attrs
                .iter()
                .map(|(name, value)| Attr {
                    name: &html[name.clone()],
                    value: value.clone().map(|v| &html[v]),
                    range: value.clone(),
                })
                .collect(),
            start: t.start,
        });
    });
    out
}

/// One tag met by [`rewrite_tags`], and the edits asked for it: markup
/// before or after the tag, attributes after its name, a value inside its
/// own quotes. The tag stays one tag.
pub struct TagEdit<'h, 't> {
    html: &'h str,
    tag: &'t RawTag,
    edits: &'t mut Vec<(Range<usize>, String)>,
}

impl<'h> TagEdit<'h, '_> {
    /// The tag's name as written.
    pub fn name(&self) -> &'h str {
        &self.html[self.tag.name.clone()]
    }

    pub fn is(&self, name: &str) -> bool {
        self.name().eq_ignore_ascii_case(name)
    }

    /// An end tag (`</table>`).
    pub fn is_end(&self) -> bool {
        self.tag.closing
    }

    /// The raw value (entities not decoded) of the first attribute `name`,
    /// `""` for a bare one; the first counts, as browsers read them.
    pub fn attr(&self, name: &str) -> Option<&'h str> {
        let (_, value) = self.find(name)?;
        Some(value.clone().map_or("", |v| &self.html[v]))
    }

    pub fn has_attr(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    fn find(&self, name: &str) -> Option<&'_ (Range<usize>, Option<Range<usize>>)> {
        self.tag
            .attrs
            .iter()
            .find(|(n, _)| self.html[n.clone()].eq_ignore_ascii_case(name))
    }

    /// Inserts `markup` just before the tag's `<`.
    pub fn insert_before(&mut self, markup: &str) {
        let at = self.tag.start;
        self.edits.push((at..at, markup.to_owned()));
    }

    /// Inserts `markup` just after the tag's `>`.
    pub fn insert_after(&mut self, markup: &str) {
        let at = self.tag.end;
        self.edits.push((at..at, markup.to_owned()));
    }

    /// Adds ` name="value"` (escaped) right after the tag's name, in the
    /// order of the calls; nothing on an end tag.
    pub fn add_attr(&mut self, name: &str, value: &str) {
        if self.tag.closing {
            return;
        }
        let at = self.tag.name.end;
        let attr = format!(" {name}=\"{}\"", escape_attr(value));
        self.edits.push((at..at, attr));
    }

    /// Sets the first attribute `name` to `value` (escaped; double-quoted
    /// unless quoted already), adding it when the tag has none.
    pub fn set_attr(&mut self, name: &str, value: &str) {
        let Some((attr_name, old)) = self.find(name).cloned() else {
            self.add_attr(name, value);
            return;
        };
        let value = escape_attr(value);
        let edit = match old {
            Some(v) if v.start > 0 && matches!(self.html.as_bytes()[v.start - 1], b'"' | b'\'') => {
                (v, value)
            }
            Some(v) => (v, format!("\"{value}\"")),
            None => (attr_name.end..attr_name.end, format!("=\"{value}\"")),
        };
        // Setting it again replaces the earlier edit (edits never overlap).
        self.edits.retain(|(r, _)| *r != edit.0);
        self.edits.push(edit);
    }
}

/// `html` with its start and end tags named one of `names` (any case)
/// edited by `f`, in document order; `None` (and no copy) without edits.
/// What only looks like a tag is never met: text, comments, attribute
/// values, the raw text of `<script>`, `<style>`, `<textarea>`, `<title>`.
pub fn rewrite_tags(
    html: &str,
    names: &[&str],
    mut f: impl FnMut(&mut TagEdit<'_, '_>),
) -> Option<String> {
    let mut edits = Vec::new();
    scan(html.as_bytes(), true, |tag| {
        let name = &html.as_bytes()[tag.name.clone()];
        if !names
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
        {
            return;
        }
        let first = edits.len();
        f(&mut TagEdit {
            html,
            tag,
            edits: &mut edits,
        });
        // In the input's order; insertions at one place in call order.
        edits[first..].sort_by_key(|(r, _): &(Range<usize>, String)| r.start);
    });
    (!edits.is_empty()).then(|| splice(html, &edits))
}

/// `s` escaped for an attribute value (or text): `&`, `<`, `>`, `"` and `'`.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Decodes the character references that appear in attribute values.
pub fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let Some(semi) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..semi];
        let decoded = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent.strip_prefix('#').and_then(|num| {
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The 1-based line of byte offset `at`.
pub fn line_of(html: &str, at: usize) -> usize {
    html.as_bytes()[..at.min(html.len())]
        .iter()
        .filter(|&&c| c == b'\n')
        .count()
        + 1
}

/// Replaces byte ranges of `html` (sorted, non-overlapping) with new text.
pub fn splice(html: &str, edits: &[(Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(html.len() + edits.len() * 8);
    let mut at = 0;
    for (r, text) in edits {
        out.push_str(&html[at..r.start]);
        out.push_str(text);
        at = r.end;
    }
    out.push_str(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_reads_quoted_bare_and_valueless_attributes() {
        let html = r#"<!DOCTYPE html><a href="/x/" class=a hidden data-x='y'>t</a><img src=/i.png alt="">"#;
        let t = tags(html);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].attr("href"), Some("/x/"));
        assert_eq!(t[0].attr("class"), Some("a"));
        assert!(t[0].has_attr("hidden"));
        assert_eq!(t[0].attr("data-x"), Some("y"));
        assert_eq!(t[1].attr("src"), Some("/i.png"));
        assert_eq!(t[1].attr("alt"), Some(""));
        let r = t[0].attrs[0].range.clone().unwrap();
        assert_eq!(&html[r], "/x/");
    }

    #[test]
    fn tags_skips_comments_and_script_text() {
        let html = "<!-- <a href=x> --><script>if (a<b) {'<a href=y>'}</script><p id=k>";
        let t = tags(html);
        assert_eq!(
            t.iter().map(|t| t.name).collect::<Vec<_>>(),
            ["script", "p"]
        );
    }

    #[test]
    fn tags_survives_truncated_input() {
        for html in [
            "<a href=\"",
            "<a href",
            "<",
            "<a",
            "<!--",
            "<script>",
            "<a b='x",
        ] {
            let _ = tags(html);
        }
    }

    #[test]
    fn decode_entities_handles_named_and_numeric() {
        assert_eq!(decode_entities("a&amp;b&#39;c&#x2F;&lt;"), "a&b'c/<");
        assert_eq!(decode_entities("R&D & more"), "R&D & more");
    }

    #[test]
    fn splice_replaces_ranges() {
        assert_eq!(
            splice("abcdef", &[(1..2, "X".into()), (4..6, "".into())]),
            "aXcd"
        );
    }

    #[test]
    fn each_tag_meets_start_tags_only() {
        let mut seen = Vec::new();
        each_tag(b"<p>a</p><br/>", |t| seen.push((t.start, t.end, t.closing)));
        assert_eq!(seen, [(0, 3, false), (8, 13, false)]);
    }

    #[test]
    fn rewrite_tags_edits_only_real_tags() {
        let html = "<p title=\"<img src=x>\">&lt;img src=y&gt; <img src=\"a\"></p>\
                    <!-- <img src=c> --><script>s = '<img src=d>'</script><IMG SRC=e>";
        let got = rewrite_tags(html, &["img"], |t| t.add_attr("k", "v")).unwrap();
        assert_eq!(
            got,
            "<p title=\"<img src=x>\">&lt;img src=y&gt; <img k=\"v\" src=\"a\"></p>\
             <!-- <img src=c> --><script>s = '<img src=d>'</script><IMG k=\"v\" SRC=e>"
        );
        assert_eq!(
            rewrite_tags(html, &["video"], |t| t.add_attr("k", "v")),
            None
        );
        assert_eq!(rewrite_tags(html, &["img"], |_| {}), None);
    }

    #[test]
    fn rewrite_tags_meets_end_tags_and_inserts_around_them() {
        let got = rewrite_tags("<table a='>'><tr></tr></TABLE>x", &["table"], |t| {
            if t.is_end() {
                t.insert_after("]");
            } else {
                t.insert_before("[");
                t.add_attr("one", "1");
                t.add_attr("two", "<\"2\">");
            }
        })
        .unwrap();
        assert_eq!(
            got,
            "[<table one=\"1\" two=\"&lt;&quot;2&quot;&gt;\" a='>'><tr></tr></TABLE>]x"
        );
    }

    #[test]
    fn rewrite_tags_sets_quoted_bare_valueless_and_absent_attributes() {
        let html = "<a x=\"1\" y='2' z=3 w>";
        let got = rewrite_tags(html, &["a"], |t| {
            for name in ["x", "y", "z", "w", "v"] {
                t.set_attr(name, "新 值");
            }
            t.set_attr("x", "again");
        })
        .unwrap();
        assert_eq!(
            got,
            "<a v=\"新 值\" x=\"again\" y='新 值' z=\"新 值\" w=\"新 值\">"
        );
    }

    #[test]
    fn rewrite_tags_survives_truncated_input() {
        for html in [
            "<img",
            "<img src=\"",
            "<img a b='x",
            "</table",
            "<table><",
            "<img\u{4e2d}",
        ] {
            let _ = rewrite_tags(html, &["img", "table"], |t| {
                t.insert_before("<");
                t.add_attr("a", "b");
                t.set_attr("src", "c");
                t.insert_after(">");
            });
        }
    }
}
