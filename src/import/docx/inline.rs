//! Inline Markdown of a Word paragraph: its runs as segments (text with
//! bold/italic/underline and a link, breaks, images and note references
//! made already), joined into emphasis and links.
//!
//! Pure functions; imports `import::{meta, text}`.
//!
//! Invariants: text is escaped before markup is added; emphasis never
//! starts or ends with a space (CommonMark would not read it).

use crate::import::meta::strip_indent;
use crate::import::text::escape;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fmt {
    pub b: bool,
    pub i: bool,
    pub u: bool,
}

#[derive(Debug, Clone)]
pub enum Seg {
    Text(String, Fmt, Option<String>),
    Break,
    /// Markdown made here (an image, a note reference).
    Raw(String, Option<String>),
}

pub fn escape_alt(alt: &str) -> String {
    escape(&crate::import::meta::clean(alt))
}

fn link_dest(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_owned()
    }
}

/// Emphasis around `text`, with its edge spaces left outside.
pub fn wrap(text: &str, f: Fmt) -> String {
    if (!f.b && !f.i && !f.u) || text.trim().is_empty() {
        return text.to_owned();
    }
    let core = text.trim();
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    let mut s = core.to_owned();
    if f.u {
        s = format!("<u>{s}</u>");
    }
    if f.i {
        s = format!("*{s}*");
    }
    if f.b {
        s = format!("**{s}**");
    }
    format!("{lead}{s}{trail}")
}

fn render_formatted(segs: &[Seg]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < segs.len() {
        match &segs[i] {
            Seg::Text(_, f, _) => {
                let mut t = String::new();
                while let Some(Seg::Text(s, g, _)) = segs.get(i) {
                    if g != f {
                        break;
                    }
                    t.push_str(s);
                    i += 1;
                }
                out.push_str(&wrap(&escape(&t.replace('\t', " ")), *f));
                continue;
            }
            Seg::Break => out.push_str("\\\n"),
            Seg::Raw(s, _) => out.push_str(s),
        }
        i += 1;
    }
    out
}

fn link_of(s: &Seg) -> Option<&str> {
    match s {
        Seg::Text(_, _, l) | Seg::Raw(_, l) => l.as_deref(),
        Seg::Break => None,
    }
}

/// Inline Markdown of a paragraph's segments: links around their runs.
pub fn render(segs: &[Seg]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < segs.len() {
        let link = link_of(&segs[i]);
        let mut j = i + 1;
        while j < segs.len() && link_of(&segs[j]) == link && !matches!(segs[j], Seg::Break) {
            j += 1;
        }
        let inner = render_formatted(&segs[i..j]);
        match link {
            Some(u) if !inner.trim().is_empty() => {
                out.push_str(&format!("[{}]({})", inner.trim(), link_dest(u)));
            }
            _ => out.push_str(&inner),
        }
        i = j;
    }
    let lines: Vec<&str> = out.split("\\\n").map(strip_indent).collect();
    lines
        .join("\\\n")
        .trim_end_matches("\\\n")
        .trim_end()
        .to_owned()
}

pub fn plain(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Text(t, _, _) => s.push_str(t),
            Seg::Break => s.push('\n'),
            Seg::Raw(..) => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_leaves_spaces_outside() {
        let f = Fmt {
            b: true,
            i: false,
            u: false,
        };
        assert_eq!(wrap("　注意：", f), "　**注意：**");
        assert_eq!(wrap("  ", f), "  ");
    }

    #[test]
    fn runs_join_into_emphasis_and_links() {
        let b = Fmt {
            b: true,
            i: false,
            u: false,
        };
        let n = Fmt::default();
        let link = Some("https://www.mem.gov.cn/".to_owned());
        let segs = [
            Seg::Text("　　请".into(), n, None),
            Seg::Text("按时".into(), b, None),
            Seg::Text("参加".into(), b, None),
            Seg::Break,
            Seg::Text("详见".into(), n, link.clone()),
            Seg::Text("网站".into(), b, link),
        ];
        assert_eq!(
            render(&segs),
            "请**按时参加**\\\n[详见**网站**](https://www.mem.gov.cn/)"
        );
        assert_eq!(plain(&segs), "　　请按时参加\n详见网站");
    }
}
