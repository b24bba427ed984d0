//! Crawling the build's own output: every `href`, `src` and form `action`
//! of every HTML file must resolve to a file of the build (rendered or
//! copied), every `#anchor` to an element id of its target, and every
//! `<img>` must have alt text.
//!
//! Imports: `site`, `content`, `error`, `render` (`Files`, `html`,
//! `urls::percent_decode`).
//!
//! Invariants: links resolve exactly as a static host serving the output
//! under the site's base path would resolve them (`dir/` → `dir/index.html`,
//! `dir` → `dir/index.html` when no file `dir` exists); root-relative links
//! outside the base path are broken (they would 404 under a sub-path
//! deployment); absolute links to the site's own `base_url` are checked as
//! internal ones. Repeated template links are reported once per URL.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use super::Finding;
use crate::content::Asset;
use crate::error::{Diagnostic, Span};
use crate::hash::{FxMap, FxSet};
use crate::html;
use crate::render::urls::percent_decode;
use crate::site::Site;
use crate::weburl::{self, Reference};

/// Where a link was found: output file and line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub out: String,
    pub line: usize,
}

/// How a URL written in a page resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Nothing to check: `mailto:`, `tel:`, `javascript:`, `data:`, empty.
    Skip,
    /// `http(s)://` outside the site.
    External(String),
    /// A file of the output (candidates in order) and an optional fragment.
    Internal {
        candidates: Vec<String>,
        fragment: Option<String>,
    },
    /// Root-relative or `..` escaping the site's base path.
    Outside,
}

/// Resolves `raw` (an attribute value, entities decoded) written in the
/// output file `page_out`, for a site served at `base_path`, whose
/// absolute `base_url` (if any) counts as internal.
pub fn resolve(page_out: &str, raw: &str, base_path: &str, base_url: &str) -> Resolved {
    let v = raw.trim();
    if v.is_empty() {
        return Resolved::Skip;
    }
    let (v, rooted) = if !base_url.starts_with('/') && v.starts_with(base_url) {
        (&v[base_url.len()..], true)
    } else {
        match weburl::classify(v) {
            Reference::Local => (v, false),
            // As written when it stands alone, else as resolved
            // (`//host/…`, `\\host`: the https URL a browser loads).
            Reference::Web(u) if weburl::absolute_web(v).is_none() => {
                return Resolved::External(u.into());
            }
            Reference::Web(_) => return Resolved::External(v.to_owned()),
            Reference::Other(_) | Reference::Invalid => return Resolved::Skip,
        }
    };
    let (before_frag, fragment) = match v.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (v, None),
    };
    let path = before_frag.split_once('?').map_or(before_frag, |(p, _)| p);
    if path.is_empty() && !rooted {
        // `#x` or `?q`: this page.
        return Resolved::Internal {
            candidates: vec![page_out.to_owned()],
            fragment,
        };
    }
    // The URL path of the folder the page is served from.
    let site_path = if rooted {
        path.to_owned()
    } else if let Some(rest) = path.strip_prefix('/') {
        let Some(inside) = format!("/{rest}")
            .strip_prefix(base_path)
            .map(str::to_owned)
        else {
            return Resolved::Outside;
        };
        inside
    } else {
        let dir = page_out.rsplit_once('/').map_or("", |(d, _)| d);
        let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
        let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Resolved::Outside;
                    }
                }
                s => parts.push(s),
            }
        }
        let mut p = parts.join("/");
        if (trailing || path == "." || path == "..") && !p.is_empty() {
            p.push('/');
        }
        p
    };
    let decoded = percent_decode(&site_path);
    let candidates = if decoded.is_empty() || decoded.ends_with('/') {
        vec![format!("{decoded}index.html")]
    } else {
        vec![decoded.clone(), format!("{decoded}/index.html")]
    };
    Resolved::Internal {
        candidates,
        fragment,
    }
}

/// What the crawl found.
#[derive(Debug, Default)]
pub struct Crawl {
    pub findings: Vec<Finding>,
    pub external: Vec<(String, Place)>,
}

struct Occurrence {
    rule: &'static str,
    url: String,
    place: Place,
    message: String,
    help: &'static str,
}

/// What one link amounts to.
#[derive(Debug, Clone)]
enum Verdict {
    Ok,
    External(String),
    /// (rule, message, help)
    Problem(&'static str, String, &'static str),
}

/// Problems and external links found in one page.
type PageResult = (Vec<Occurrence>, Vec<(String, Place)>);

/// What the checks need of one HTML page, taken in one pass while the page
/// is in memory (a build does not keep its pages, nor read them back).
#[derive(Debug, Default)]
pub struct PageScan {
    /// Element ids and `<a name>`s, decoded.
    ids: FxSet<String>,
    /// Every `href`, `src` and form `action`: (entities decoded, is an
    /// image, line). Most are the same menu, stylesheet and list links on
    /// every page: [`super::Scanned::add`] shares equal ones.
    pub(super) refs: Vec<(Arc<str>, bool, u32)>,
    /// Images without alt text: (src, line).
    no_alt: Vec<(String, u32)>,
    /// For each footer mark looked for: is it on the page?
    pub marks: Vec<bool>,
    /// The government metadata tags the page carries with a value (a
    /// `PubDate` only when well-formed).
    pub meta: crate::render::meta::Set,
}

/// The metadata bit of a `<meta name content>` tag with a value (0 for
/// any other meta tag).
fn meta_tag(
    html: &[u8],
    attrs: &[(Range<usize>, Option<Range<usize>>)],
) -> crate::render::meta::Set {
    use crate::render::meta;
    let value = |key: &[u8]| {
        attrs
            .iter()
            .find(|(n, _)| html[n.clone()].eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_ref().map_or(&b""[..], |r| &html[r.clone()]))
    };
    let (Some(name), Some(content)) = (value(b"name"), value(b"content")) else {
        return 0;
    };
    let bit = meta::bit(name);
    let ok = if bit == meta::bit(b"PubDate") {
        meta::is_pub_date(content)
    } else {
        !content.trim_ascii().is_empty()
    };
    if ok { bit } else { 0 }
}

/// Scans one HTML page; `marks` are the footer texts to look for (each as
/// written and HTML-escaped). Works on the bytes as rendered: no copy, no
/// UTF-8 validation of the whole page, no allocation per tag.
pub fn scan(html: &[u8], marks: &[(String, String)]) -> PageScan {
    let mut page = PageScan {
        marks: marks
            .iter()
            .map(|(raw, esc)| {
                html::contains(html, raw.as_bytes()) || html::contains(html, esc.as_bytes())
            })
            .collect(),
        ..PageScan::default()
    };
    let text = |r: &std::ops::Range<usize>| String::from_utf8_lossy(&html[r.clone()]);
    let decoded = |r: &std::ops::Range<usize>| html::decode_entities(&text(r)).into_owned();
    // Lines counted incrementally (tags come in document order), and only
    // up to tags that record one: most tags have no link.
    let (mut line, mut at) = (1u32, 0usize);
    let mut line_at = |start: usize| {
        let upto = start.clamp(at, html.len());
        line += memchr::memchr_iter(b'\n', &html[at..upto]).count() as u32;
        at = upto;
        line
    };
    html::each_tag(html, |t| {
        let name = &html[t.name.clone()];
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        let (img, form, a) = (is("img"), is("form"), is("a"));
        if is("meta") {
            page.meta |= meta_tag(html, &t.attrs);
            return;
        }
        let mut alt: Option<bool> = None;
        // A decorative image hidden from screen readers needs no text.
        let mut hidden = false;
        let mut src: Option<&std::ops::Range<usize>> = None;
        let (mut href, mut action, mut id, mut anchor_name) = (None, None, None, None);
        // The first of each attribute counts, as browsers read them.
        for (n, v) in &t.attrs {
            let n = &html[n.clone()];
            let slot = if n.eq_ignore_ascii_case(b"href") {
                &mut href
            } else if n.eq_ignore_ascii_case(b"src") {
                if src.is_none() {
                    src = Some(v.as_ref().unwrap_or(&(0..0)));
                }
                continue;
            } else if form && n.eq_ignore_ascii_case(b"action") {
                &mut action
            } else if n.eq_ignore_ascii_case(b"id") {
                &mut id
            } else if a && n.eq_ignore_ascii_case(b"name") {
                &mut anchor_name
            } else if img && n.eq_ignore_ascii_case(b"aria-hidden") {
                hidden = v
                    .as_ref()
                    .is_some_and(|r| html[r.clone()].eq_ignore_ascii_case(b"true"));
                continue;
            } else if img && n.eq_ignore_ascii_case(b"alt") {
                if alt.is_none() {
                    alt = Some(v.as_ref().is_some_and(|r| !decoded(r).trim().is_empty()));
                }
                continue;
            } else {
                continue;
            };
            if slot.is_none() {
                *slot = Some(v.clone().unwrap_or(0..0));
            }
        }
        for r in [&id, &anchor_name].into_iter().flatten() {
            page.ids.insert(decoded(r));
        }
        let missing_alt = img && alt != Some(true) && !hidden;
        if !missing_alt && href.is_none() && src.is_none() && action.is_none() {
            return;
        }
        let line = line_at(t.start);
        if missing_alt {
            let s = src.map(|r| text(r).into_owned()).unwrap_or_default();
            page.no_alt.push((s, line));
        }
        if let Some(r) = &href {
            page.refs.push((decoded(r).into(), false, line));
        }
        if let Some(r) = src {
            page.refs.push((decoded(r).into(), img, line));
        }
        if let Some(r) = &action {
            page.refs.push((decoded(r).into(), false, line));
        }
    });
    page
}

/// Crawls every HTML page of the build from their scans; `paths` are all
/// rendered output paths (copied assets are in `copies`).
pub fn crawl(
    site: &Site,
    paths: &[String],
    pages: &[(String, PageScan)],
    copies: &[Asset],
) -> Crawl {
    let cfg = &site.config;
    let base_url = if cfg.origin.is_empty() {
        cfg.base_path.as_str()
    } else {
        cfg.base_url.as_str()
    };
    let exists: FxSet<&str> = paths
        .iter()
        .map(String::as_str)
        .chain(copies.iter().map(|a| a.out.as_str()))
        .collect();
    let ids: FxMap<&str, &FxSet<String>> =
        pages.iter().map(|(p, s)| (p.as_str(), &s.ids)).collect();
    let judge = |out: &str, raw: &str, is_image: bool| -> Verdict {
        match resolve(out, raw, &cfg.base_path, base_url) {
            Resolved::Skip => Verdict::Ok,
            Resolved::External(u) => Verdict::External(u),
            Resolved::Outside => Verdict::Problem(
                "broken-link",
                format!(
                    "link `{raw}` points outside the site's base path `{}`",
                    cfg.base_path
                ),
                "部署在子目录时，站内链接请用 @/ 写法或相对路径，不要以 / 开头",
            ),
            Resolved::Internal {
                candidates,
                fragment,
            } => {
                let Some(found) = candidates.iter().find(|c| exists.contains(c.as_str())) else {
                    let (rule, what, help) = if is_image {
                        (
                            "broken-image",
                            "image",
                            "请检查图片路径：图片放在文章旁边，用相对路径引用，例如 ![说明](images/a.png)",
                        )
                    } else {
                        (
                            "broken-link",
                            "link",
                            "站内链接请用 @/articles/文件名.md 的写法，构建时会检查目标是否存在",
                        )
                    };
                    return Verdict::Problem(
                        rule,
                        format!("broken {what} `{raw}`: no such file in the site"),
                        help,
                    );
                };
                let Some(frag) = fragment.filter(|f| !f.is_empty() && f != "top") else {
                    return Verdict::Ok;
                };
                match ids.get(found.as_str()) {
                    Some(targets) if !targets.contains(&frag) => Verdict::Problem(
                        "broken-anchor",
                        format!("`{found}` has no element with id `{frag}` (link `{raw}`)"),
                        "锚点应为目标页面的小标题，例如 @/articles/x.md#小标题",
                    ),
                    _ => Verdict::Ok,
                }
            }
        }
    };
    let per_page: Vec<PageResult> = pages
        .par_iter()
        .map_init(
            || [FxMap::default(), FxMap::default()],
            |cache: &mut [FxMap<Arc<str>, Verdict>; 2], (out, page)| {
                let mut occ = Vec::new();
                let mut ext = Vec::new();
                let place = |line: u32| Place {
                    out: out.clone(),
                    line: line as usize,
                };
                for (src, line) in &page.no_alt {
                    occ.push(Occurrence {
                        rule: "missing-alt",
                        url: src.clone(),
                        place: place(*line),
                        message: format!(
                            "image `{}` has no alt text",
                            html::decode_entities(src)
                        ),
                        help: "请为图片写替代文字：![图片说明](图片.png)，方便视障读者和图片无法显示时阅读",
                    });
                }
                for (raw, is_image, line) in &page.refs {
                    // Rooted and absolute URLs resolve the same on every
                    // page: judge each once per thread.
                    let cacheable = raw.starts_with('/') || raw.contains(':');
                    let slot = usize::from(*is_image);
                    let verdict = if cacheable {
                        if let Some(v) = cache[slot].get(raw) {
                            v.clone()
                        } else {
                            let v = judge(out, raw, *is_image);
                            cache[slot].insert(Arc::clone(raw), v.clone());
                            v
                        }
                    } else {
                        judge(out, raw, *is_image)
                    };
                    match verdict {
                        Verdict::Ok => {}
                        Verdict::External(u) => ext.push((u, place(*line))),
                        Verdict::Problem(rule, message, help) => occ.push(Occurrence {
                            rule,
                            url: raw.to_string(),
                            place: place(*line),
                            message,
                            help,
                        }),
                    }
                }
                (occ, ext)
            },
        )
        .collect();

    // Source file of each page's output, for messages.
    let sources: HashMap<String, &str> = site
        .dirs
        .iter()
        .zip(&site.pages)
        .map(|(d, p)| (format!("{d}index.html"), p.file.as_str()))
        .collect();
    let mut groups: BTreeMap<(&'static str, String), Vec<Occurrence>> = BTreeMap::new();
    let mut external: BTreeMap<String, Place> = BTreeMap::new();
    for (occ, ext) in per_page {
        for o in occ {
            groups.entry((o.rule, o.url.clone())).or_default().push(o);
        }
        for (u, p) in ext {
            external
                .entry(u)
                .and_modify(|q| {
                    if p < *q {
                        *q = p.clone();
                    }
                })
                .or_insert(p);
        }
    }
    let mut findings = Vec::new();
    for (_, mut occ) in groups {
        occ.sort_by(|a, b| a.place.cmp(&b.place));
        let shown = if occ.len() > 3 { 1 } else { occ.len() };
        let others = occ.len() - shown;
        for o in occ.into_iter().take(shown) {
            let mut message = format!("{} (in {}, line {})", o.message, o.place.out, o.place.line);
            if others > 0 {
                message.push_str(&format!(" and on {others} other pages"));
            }
            let span = match sources.get(&o.place.out) {
                Some(src) => Span::file(*src),
                None => Span::new(o.place.out.clone(), o.place.line, 0),
            };
            findings.push(Finding::warning(
                o.rule,
                Diagnostic::warning(span, message).with_help(o.help),
            ));
        }
    }
    Crawl {
        findings,
        external: external.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanned_pages_share_equal_links() {
        let page = "<a href=\"/x/\">x</a><link href=\"/css/a.css\"><a href=\"y/\">y</a>";
        let mut scanned = crate::check::Scanned::default();
        scanned.add("a/index.html".into(), scan(page.as_bytes(), &[]));
        scanned.add("b/index.html".into(), scan(page.as_bytes(), &[]));
        let (a, b) = (&scanned.pages[0].1.refs, &scanned.pages[1].1.refs);
        assert_eq!(a.len(), 3);
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x, y);
            assert!(Arc::ptr_eq(&x.0, &y.0), "{} is held twice", x.0);
        }
        assert!(!Arc::ptr_eq(&a[0].0, &a[1].0));
    }

    fn internal(c: &[&str], f: Option<&str>) -> Resolved {
        Resolved::Internal {
            candidates: c.iter().map(|s| (*s).to_owned()).collect(),
            fragment: f.map(str::to_owned),
        }
    }

    #[test]
    fn scan_takes_ids_links_and_images_without_alt() {
        let page = "<!DOCTYPE html>\n<html><head><title>a <b> c</title>\n\
            <script>var s = '<a href=\"/in-script/\">';</script></head>\n\
            <body><h2 id=\"a&amp;b\">x</h2><a NAME=top HREF='/x/?a=1&amp;b=2' href=\"/second/\">y</a>\n\
            <img src=\"/i.png\"><img src=\"/j.png\" alt><img src=\"/k.png\" alt=\" &#32; \">\n\
            <img src=\"/l.png\" alt=\"图\"><form action=\"/search/\"></form>\n\
            <!-- <a href=\"/commented/\"> --><p>页脚 备案号</p></body></html>";
        let marks = [
            ("备案号".to_owned(), "备案号".to_owned()),
            ("无".to_owned(), "无".to_owned()),
        ];
        let s = scan(page.as_bytes(), &marks);
        let mut ids: Vec<_> = s.ids.iter().map(String::as_str).collect();
        ids.sort();
        assert_eq!(ids, ["a&b", "top"]);
        let refs: Vec<_> = s.refs.iter().map(|(u, img, l)| (&**u, *img, *l)).collect();
        assert_eq!(
            refs,
            [
                ("/x/?a=1&b=2", false, 4),
                ("/i.png", true, 5),
                ("/j.png", true, 5),
                ("/k.png", true, 5),
                ("/l.png", true, 6),
                ("/search/", false, 6),
            ]
        );
        let no_alt: Vec<_> = s.no_alt.iter().map(|(u, l)| (u.as_str(), *l)).collect();
        assert_eq!(no_alt, [("/i.png", 5), ("/j.png", 5), ("/k.png", 5)]);
        assert_eq!(s.marks, [true, false]);
    }

    #[test]
    fn resolve_root_relative_under_base_path() {
        let r = |u| resolve("articles/x/index.html", u, "/aq/", "https://a.gov.cn/aq/");
        assert_eq!(r("/aq/"), internal(&["index.html"], None));
        assert_eq!(
            r("/aq/tags/%E6%B6%88%E9%98%B2/#k"),
            internal(&["tags/消防/index.html"], Some("k"))
        );
        assert_eq!(r("/articles/"), Resolved::Outside);
        assert_eq!(
            r("/aq/css/site.css?v=1"),
            internal(&["css/site.css", "css/site.css/index.html"], None)
        );
        assert_eq!(
            r("https://a.gov.cn/aq/drills/"),
            internal(&["drills/index.html"], None)
        );
    }

    #[test]
    fn resolve_relative_links_from_the_page_folder() {
        let r = |u| resolve("articles/x/index.html", u, "/aq/", "/aq/");
        assert_eq!(
            r("../../index.html"),
            internal(&["index.html", "index.html/index.html"], None)
        );
        assert_eq!(r("../y/"), internal(&["articles/y/index.html"], None));
        assert_eq!(r("../../../x/"), Resolved::Outside);
        assert_eq!(r("#h"), internal(&["articles/x/index.html"], Some("h")));
        assert_eq!(r(".."), internal(&["articles/index.html"], None));
    }

    #[test]
    fn resolve_skips_other_schemes_and_keeps_external() {
        let r = |u| resolve("index.html", u, "/", "https://a.gov.cn/");
        assert_eq!(r("tel:12350"), Resolved::Skip);
        assert_eq!(r("mailto:a@b.cn"), Resolved::Skip);
        assert_eq!(r("webcal://a.gov.cn/x.ics"), Resolved::Skip);
        assert_eq!(
            r("https://www.gov.cn/"),
            Resolved::External("https://www.gov.cn/".into())
        );
        assert_eq!(
            r("//cdn.example/x"),
            Resolved::External("https://cdn.example/x".into())
        );
    }
}
