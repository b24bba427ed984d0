//! A rendered body in the form the 公众号 (WeChat official account)
//! editor keeps: it drops classes, `<style>` and scripts and keeps inline
//! `style` attributes, so every element gets its look written on it.
//!
//! Owns: the export's inline styles ([`style`], one table for the body
//! and for what `render::wechat` writes around it) and [`inline_styles`].
//! Imports: `html` (the tag scanner), `weburl` (URL resolution); uses
//! `ammonia`, like `sanitize`.
//!
//! How: the body is cleaned by `ammonia` (an allow-list of tags and
//! attributes: no class, id, srcset, loading, event or data attribute;
//! links and images resolved against the page's permalink), which also
//! normalizes it (every element explicit, attributes double-quoted); then
//! the scanner of `html` writes the styles, which depend on where an
//! element is (code in `<pre>`, text in a list, a quote or the
//! footnotes), which an allow-list keyed by tag name cannot express.
//!
//! Invariants: a pure function of its inputs; every element of the result
//! except `<br>` carries a non-empty `style`; the image list is the
//! result's `<img src>` in order, each once.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::html;
use crate::weburl::PageBase;

/// The body as the 公众号 editor wants it, and the images it shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restyled {
    pub html: String,
    /// Every image URL of `html`, in order, each once.
    pub images: Vec<String>,
}

pub const FONT: &str =
    "-apple-system,BlinkMacSystemFont,PingFang SC,Hiragino Sans GB,Microsoft YaHei,sans-serif";
const MONO: &str = "Menlo,Consolas,Monaco,Courier New,monospace";

/// The site's colours (themes/default/static/css/site.css).
const BLUE: &str = "#0b3d6e";
const RED: &str = "#b71c1c";
const LINK: &str = "#0b57a4";
const BORDER: &str = "#c9d1db";
const TINT: &str = "#e3eaf3";
const SURFACE: &str = "#f4f6f9";
const MUTED: &str = "#4a4f57";

/// Where an element is, for the elements whose look depends on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Place {
    pub in_pre: bool,
    pub in_list: bool,
    pub in_quote: bool,
    pub in_footnotes: bool,
}

/// The inline style of element `tag` at `place`; `None` for an element
/// the export does not keep (or `br`, which needs none). Two names are
/// not tags: `root`, the copied section, and `meta`, a line of facts.
pub fn style(tag: &str, place: Place) -> Option<Cow<'static, str>> {
    let s: Cow<'static, str> = match tag {
        // The copied section itself.
        "root" => format!(
            "margin:0;padding:0;font-size:16px;line-height:1.75;color:#333;\
             letter-spacing:0.5px;word-break:break-word;overflow-wrap:break-word;font-family:{FONT}"
        )
        .into(),
        // The line of facts above an article's or a notice's text.
        "meta" => "margin:0 0 16px;font-size:14px;line-height:1.6;color:#888".into(),
        "h1" => format!(
            "margin:32px 0 16px;font-size:22px;font-weight:bold;line-height:1.4;color:{BLUE};text-align:center"
        )
        .into(),
        "h2" => format!(
            "margin:32px 0 16px;padding:2px 0 2px 10px;border-left:4px solid {RED};\
             font-size:19px;font-weight:bold;line-height:1.5;color:{BLUE}"
        )
        .into(),
        "h3" => format!(
            "margin:24px 0 12px;padding:0 0 4px;border-bottom:1px solid {BLUE};\
             font-size:17px;font-weight:bold;line-height:1.5;color:{BLUE}"
        )
        .into(),
        "h4" => format!(
            "margin:20px 0 10px;font-size:16px;font-weight:bold;line-height:1.6;color:{RED}"
        )
        .into(),
        "h5" | "h6" => "margin:16px 0 8px;font-size:16px;font-weight:bold;line-height:1.6;color:#333".into(),
        "p" if place.in_footnotes => {
            format!("margin:0 0 6px;font-size:14px;line-height:1.6;color:{MUTED}").into()
        }
        "p" if place.in_quote => {
            format!("margin:6px 0;font-size:15px;line-height:1.75;color:{MUTED}").into()
        }
        "p" if place.in_list => "margin:0 0 6px;font-size:16px;line-height:1.75;color:#333".into(),
        "p" => "margin:0 0 16px;font-size:16px;line-height:1.75;color:#333;text-align:justify".into(),
        "ul" => "margin:0 0 16px;padding:0 0 0 24px;list-style-type:disc;color:#333".into(),
        "ol" => "margin:0 0 16px;padding:0 0 0 24px;list-style-type:decimal;color:#333".into(),
        "li" if place.in_footnotes => {
            format!("margin:0 0 6px;font-size:14px;line-height:1.6;color:{MUTED}").into()
        }
        "li" => "margin:4px 0;font-size:16px;line-height:1.75;color:#333".into(),
        "dl" => "margin:0 0 16px;padding:0".into(),
        "dt" => format!("margin:8px 0 0;font-weight:bold;color:{BLUE}").into(),
        "dd" => "margin:0 0 8px 16px;padding:0".into(),
        "table" => "width:100%;margin:0 0 16px;border-collapse:collapse;font-size:14px;line-height:1.6;color:#333".into(),
        "caption" => format!(
            "caption-side:top;padding:0 0 6px;font-size:15px;font-weight:bold;color:{BLUE};text-align:left"
        )
        .into(),
        "thead" => format!("background:{TINT}").into(),
        "tbody" | "tfoot" => "background:#fff".into(),
        "tr" => "background:transparent".into(),
        "th" => format!(
            "padding:6px 8px;border:1px solid {BORDER};background:{TINT};color:{BLUE};\
             font-weight:bold;text-align:left;vertical-align:top"
        )
        .into(),
        "td" => format!("padding:6px 8px;border:1px solid {BORDER};text-align:left;vertical-align:top").into(),
        "blockquote" => format!(
            "margin:0 0 16px;padding:8px 14px;border-left:4px solid {BLUE};background:{SURFACE};color:{MUTED}"
        )
        .into(),
        "pre" => format!(
            "margin:0 0 16px;padding:12px;border:1px solid {BORDER};border-radius:4px;background:{SURFACE};\
             overflow-x:auto;white-space:nowrap;font-size:13px;line-height:1.6;color:#333;font-family:{MONO}"
        )
        .into(),
        "code" if place.in_pre => {
            format!("padding:0;background:none;font-size:13px;color:#333;font-family:{MONO}").into()
        }
        "code" => format!(
            "margin:0 2px;padding:2px 4px;border-radius:3px;background:{SURFACE};\
             font-size:14px;color:#a31515;font-family:{MONO}"
        )
        .into(),
        "a" => format!("color:{LINK};text-decoration:none;border-bottom:1px solid {LINK}").into(),
        "img" => "max-width:100%;height:auto;display:block;margin:16px auto".into(),
        "figure" => "margin:0 0 16px;padding:0".into(),
        "figcaption" => "margin:6px 0 0;font-size:14px;line-height:1.6;color:#888;text-align:center".into(),
        "strong" | "b" => format!("font-weight:bold;color:{RED}").into(),
        "em" | "i" => "font-style:italic".into(),
        "del" | "s" => "text-decoration:line-through;color:#888".into(),
        "mark" => "padding:0 2px;background:#fff3cd;color:#333".into(),
        "sup" | "sub" => format!("font-size:12px;line-height:0;color:{LINK}").into(),
        "hr" => format!("height:0;margin:24px 0;border:0;border-top:1px solid {BORDER}").into(),
        "section" if place.in_footnotes => format!(
            "margin:32px 0 0;padding:12px 0 0;border-top:1px solid {BORDER};font-size:14px;color:{MUTED}"
        )
        .into(),
        "section" | "div" => "margin:0;padding:0".into(),
        _ => return None,
    };
    Some(s)
}

/// The tags kept from a body (others are removed, their text kept).
const TAGS: &[&str] = &[
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "blockquote",
    "pre",
    "code",
    "a",
    "img",
    "strong",
    "b",
    "em",
    "i",
    "del",
    "s",
    "mark",
    "sup",
    "sub",
    "figure",
    "figcaption",
    "section",
    "div",
];

/// Resolves the relative URLs of a body against its page.
struct Resolve(PageBase);

impl<'a> ammonia::UrlRelativeEvaluate<'a> for Resolve {
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        self.0.join(url).map(Cow::Owned)
    }
}

/// The cleaner: [`TAGS`], a few attributes, URLs resolved by `base`.
fn cleaner(base: Option<PageBase>) -> ammonia::Builder<'static> {
    let mut attrs: HashMap<&'static str, HashSet<&'static str>> = HashMap::new();
    attrs.insert("a", ["href", "title"].into());
    attrs.insert("img", ["src", "alt", "title"].into());
    attrs.insert("ol", ["start"].into());
    attrs.insert("th", ["colspan", "rowspan", "style"].into());
    attrs.insert("td", ["colspan", "rowspan", "style"].into());
    // Read (and left) by the styling pass: the footnotes look different.
    attrs.insert("section", ["data-footnotes"].into());
    let mut b = ammonia::Builder::default();
    b.tags(TAGS.iter().copied().collect())
        .generic_attributes(HashSet::new())
        .tag_attributes(attrs)
        .url_schemes(["http", "https", "mailto", "tel"].into())
        // A cell's alignment, moved into its style by `prepare`; nothing
        // else of a style written in the body survives.
        .filter_style_properties(["text-align"].into())
        .link_rel(None)
        .strip_comments(true);
    match base {
        Some(base) => b.url_relative(ammonia::UrlRelative::Custom(Box::new(Resolve(base)))),
        None => b.url_relative(ammonia::UrlRelative::PassThrough),
    };
    b
}

/// Before cleaning: a table cell's `align` (what comrak writes) becomes
/// its `text-align`, and footnotes lose their links back to the text
/// (ids do not survive the 公众号 editor, and "↩" would be left alone).
fn prepare(body: &str) -> Cow<'_, str> {
    let b = body.as_bytes();
    let mut out = Cow::Borrowed(body);
    if html::contains(b, b"data-footnote-backref") {
        let mut cuts: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        html::each_tag(b, |t| {
            let is_backref = body[t.name.clone()].eq_ignore_ascii_case("a")
                && t.attrs
                    .iter()
                    .any(|(n, _)| body[n.clone()].eq_ignore_ascii_case("data-footnote-backref"));
            let after_last = cuts.last().map_or(0, |(r, _)| r.end);
            if is_backref
                && t.start >= after_last
                && let Some(close) = body[t.end..].find("</a>")
            {
                cuts.push((t.start..t.end + close + "</a>".len(), String::new()));
            }
        });
        if !cuts.is_empty() {
            out = Cow::Owned(html::splice(body, &cuts));
        }
    }
    let aligned = html::rewrite_tags(&out, &["th", "td"], |t| {
        let Some(align) = t
            .attr("align")
            .map(|a| html::decode_entities(a).trim().to_ascii_lowercase())
        else {
            return;
        };
        if !matches!(align.as_str(), "left" | "right" | "center" | "justify") {
            return;
        }
        let own = t
            .attr("style")
            .map(html::decode_entities)
            .unwrap_or_default();
        let css = if own.trim().is_empty() {
            format!("text-align:{align}")
        } else {
            format!("{};text-align:{align}", own.trim().trim_end_matches(';'))
        };
        t.set_attr("style", &css);
    });
    match aligned {
        Some(s) => Cow::Owned(s),
        None => out,
    }
}

/// Inside `<pre>`: line breaks as `<br>` and spaces as `&nbsp;`, which
/// the 公众号 editor keeps where it collapses white space; the newline
/// that ends a code block is dropped. `html` is the cleaner's output:
/// every `<` of text is escaped and attribute values are double-quoted.
fn keep_code_layout(html: &str) -> Cow<'_, str> {
    if !html.contains("<pre") {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut depth = 0usize;
    let mut rest = html;
    loop {
        let lt = rest.find('<').unwrap_or(rest.len());
        let (text, tail) = rest.split_at(lt);
        if depth == 0 {
            out.push_str(text);
        } else {
            let closes = tail.starts_with("</code>") || tail.starts_with("</pre>");
            let text = if closes {
                text.strip_suffix('\n').unwrap_or(text)
            } else {
                text
            };
            for c in text.chars() {
                match c {
                    '\n' => out.push_str("<br>"),
                    ' ' => out.push_str("&nbsp;"),
                    '\t' => out.push_str("&nbsp;&nbsp;&nbsp;&nbsp;"),
                    '\r' => {}
                    c => out.push(c),
                }
            }
        }
        if tail.is_empty() {
            break;
        }
        // The tag: to its `>`, outside double quotes.
        let mut quoted = false;
        let end = tail
            .char_indices()
            .skip(1)
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '>' && !quoted
            })
            .map_or(tail.len(), |(i, _)| i + 1);
        let tag = &tail[..end];
        let name_is = |n: &str| {
            tag.get(1..=n.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(n))
                && tag[1 + n.len()..].starts_with(['>', ' ', '/'])
        };
        if name_is("pre") {
            depth += 1;
        } else if name_is("/pre") {
            depth = depth.saturating_sub(1);
        }
        out.push_str(tag);
        rest = &tail[end..];
    }
    Cow::Owned(out)
}

/// `body_html` (a rendered, sanitized body) restyled for the 公众号
/// editor: only [`TAGS`], each with its inline [`style`]; no class, id,
/// srcset, sizes, loading or heading anchor; links and images resolved
/// against `page_url`, the page's permalink (absolute when the site has a
/// host, else root-relative paths).
pub fn inline_styles(body_html: &str, page_url: &str) -> Restyled {
    let prepared = prepare(body_html);
    let cleaned = cleaner(PageBase::new(page_url))
        .clean(&prepared)
        .to_string();
    let cleaned = keep_code_layout(&cleaned);
    let mut images: Vec<String> = Vec::new();
    let mut pre = 0usize;
    let mut lists = 0usize;
    let mut quotes = 0usize;
    // One entry per open `<section>`: whether it is the footnotes.
    let mut sections: Vec<bool> = Vec::new();
    let styled = html::rewrite_tags(&cleaned, TAGS, |t| {
        let name = t.name().to_ascii_lowercase();
        if t.is_end() {
            match name.as_str() {
                "pre" => pre = pre.saturating_sub(1),
                "ul" | "ol" => lists = lists.saturating_sub(1),
                "blockquote" => quotes = quotes.saturating_sub(1),
                "section" => {
                    sections.pop();
                }
                _ => {}
            }
            return;
        }
        if name == "section" {
            sections.push(t.has_attr("data-footnotes"));
        }
        let place = Place {
            in_pre: pre > 0,
            in_list: lists > 0,
            in_quote: quotes > 0,
            in_footnotes: sections.iter().any(|&f| f),
        };
        match name.as_str() {
            "pre" => pre += 1,
            "ul" | "ol" => lists += 1,
            "blockquote" => quotes += 1,
            _ => {}
        }
        let Some(css) = style(&name, place) else {
            return;
        };
        let css = match t.attr("style").map(html::decode_entities) {
            // A cell's own alignment, instead of the default.
            Some(own) if !own.trim().is_empty() => {
                let own = own.trim().trim_end_matches(';');
                let css = if own.contains("text-align") {
                    css.replace(";text-align:left", "")
                } else {
                    css.into_owned()
                };
                format!("{css};{own}")
            }
            _ => css.into_owned(),
        };
        t.set_attr("style", &css);
        if name == "img"
            && let Some(src) = t.attr("src")
        {
            let src = html::decode_entities(src).into_owned();
            if !src.is_empty() && !images.contains(&src) {
                images.push(src);
            }
        }
    });
    Restyled {
        html: styled.unwrap_or_else(|| cleaned.into_owned()),
        images,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://aq.example.gov.cn/articles/x/";

    /// Every start tag of `html` but `<br>` has a non-empty style.
    fn all_styled(html: &str) -> Result<(), String> {
        for t in html::tags(html) {
            if t.is("br") {
                continue;
            }
            if t.attr("style").is_none_or(|s| s.trim().is_empty()) {
                return Err(format!("<{}> has no style in {html}", t.name));
            }
        }
        Ok(())
    }

    #[test]
    fn every_element_gets_its_inline_style() {
        let body = "<h2 id=\"一工作措施\">一、工作措施</h2>\n<p>正文<strong>注意</strong>和<em>提示</em>，<code>code</code>。</p>\n\
                    <ul>\n<li>甲</li>\n<li><p>乙</p></li>\n</ul>\n<ol start=\"3\"><li>丙</li></ol>\n\
                    <blockquote>\n<p>引用</p>\n</blockquote>\n<hr />\n<h3 id=\"x\">小标题</h3><h4>四</h4>";
        let r = inline_styles(body, PAGE);
        all_styled(&r.html).unwrap();
        assert!(
            r.html.starts_with("<h2 style=\"margin:32px 0 16px;padding:2px 0 2px 10px;border-left:4px solid #b71c1c;"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<ol style=\"margin:0 0 16px;padding:0 0 0 24px;list-style-type:decimal;color:#333\" start=\"3\">"),
            "{}",
            r.html
        );
        assert!(!r.html.contains(" id="), "{}", r.html);
        // A paragraph in a list or a quote is spaced differently.
        assert!(
            r.html.contains("<li style=\"margin:4px 0;font-size:16px;line-height:1.75;color:#333\"><p style=\"margin:0 0 6px;"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<p style=\"margin:6px 0;font-size:15px;"),
            "{}",
            r.html
        );
        assert!(r.images.is_empty());
    }

    #[test]
    fn classes_ids_srcset_and_scripts_are_removed() {
        let body = "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\"><table class=\"t\">\n<thead>\n<tr>\n<th>项目</th>\n<th align=\"right\">数量</th>\n</tr>\n</thead>\n\
                    <tbody>\n<tr>\n<td>餐饮</td>\n<td align=\"right\">186</td>\n</tr>\n</tbody>\n</table></div>\n\
                    <p><img srcset=\"/a.480.jpg 480w, /a.720.jpg 720w\" sizes=\"42rem\" width=\"720\" height=\"540\" loading=\"lazy\" decoding=\"async\" src=\"/a.720.jpg\" alt=\"现场\" /></p>\n\
                    <script>alert(1)</script><style>p{color:red}</style><p onclick=\"x()\" class=\"lead\" style=\"position:fixed\">好</p>";
        let r = inline_styles(body, PAGE);
        all_styled(&r.html).unwrap();
        for bad in [
            "class=",
            "srcset",
            "sizes",
            "loading",
            "decoding",
            "tabindex",
            "role=",
            "width=",
            "onclick",
            "<script",
            "<style",
            "alert",
            "position:fixed",
        ] {
            assert!(!r.html.contains(bad), "{bad} in {}", r.html);
        }
        // The alignment is kept, as style.
        assert!(
            r.html.contains("<td style=\"padding:6px 8px;border:1px solid #c9d1db;vertical-align:top;text-align:right\">186</td>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<img style=\"max-width:100%;height:auto;display:block;margin:16px auto\" src=\"https://aq.example.gov.cn/a.720.jpg\" alt=\"现场\">"),
            "{}",
            r.html
        );
        assert_eq!(r.images, ["https://aq.example.gov.cn/a.720.jpg"]);
    }

    #[test]
    fn links_and_images_become_absolute_on_the_site() {
        let body = "<p><a href=\"/drills/y/\">演练</a> <a href=\"images/big.png\">大图</a> \
                    <a href=\"https://www.mem.gov.cn/\">应急管理部</a> <a href=\"javascript:alert(1)\">坏</a>\
                    <img src=\"images/a.png\" alt=\"甲\"><img src=\"/b.png?v=1&amp;w=2\" alt=\"乙\"><img src=\"images/a.png\" alt=\"又\"></p>";
        let r = inline_styles(body, PAGE);
        let hrefs: Vec<String> = html::tags(&r.html)
            .iter()
            .filter(|t| t.is("a"))
            .map(|t| t.attr("href").unwrap_or("(none)").to_owned())
            .collect();
        assert_eq!(
            hrefs,
            [
                "https://aq.example.gov.cn/drills/y/",
                "https://aq.example.gov.cn/articles/x/images/big.png",
                "https://www.mem.gov.cn/",
                "(none)",
            ]
        );
        assert_eq!(
            r.images,
            [
                "https://aq.example.gov.cn/articles/x/images/a.png",
                "https://aq.example.gov.cn/b.png?v=1&w=2",
            ],
            "in order, each once, entities decoded"
        );
        assert!(!r.html.contains("rel="), "{}", r.html);
    }

    #[test]
    fn a_site_without_host_keeps_root_relative_paths() {
        let r = inline_styles(
            "<p><img src=\"images/a.png\" alt=\"\"><a href=\"#fn-1\">1</a></p>",
            "/aq/articles/x/",
        );
        assert_eq!(r.images, ["/aq/articles/x/images/a.png"]);
        assert!(
            r.html.contains("href=\"/aq/articles/x/#fn-1\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn code_blocks_keep_their_lines_and_inline_code_differs() {
        let body = "<pre class=\"code\" tabindex=\"0\"><code class=\"language-yaml\"><span class=\"hl-k\">title</span>: x\n  a: &lt;b&gt;\n</code></pre>\n<p><code>inline</code></p>";
        let r = inline_styles(body, PAGE);
        all_styled(&r.html).unwrap();
        assert!(
            r.html
                .contains(">title:&nbsp;x<br>&nbsp;&nbsp;a:&nbsp;&lt;b&gt;</code></pre>"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("hl-"), "{}", r.html);
        let code: Vec<String> = html::tags(&r.html)
            .iter()
            .filter(|t| t.is("code"))
            .map(|t| t.attr("style").unwrap_or("").to_owned())
            .collect();
        assert_eq!(code.len(), 2);
        assert!(code[0].starts_with("padding:0;background:none"), "{code:?}");
        assert!(code[1].contains("color:#a31515"), "{code:?}");
        // Text outside <pre> keeps its spaces and newlines.
        assert!(r.html.ends_with("inline</code></p>"), "{}", r.html);
    }

    #[test]
    fn footnotes_lose_back_links_and_look_smaller() {
        let body = "<p>正文<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" data-footnote-ref>1</a></sup></p>\n\
                    <section class=\"footnotes\" data-footnotes>\n<ol>\n<li id=\"fn-1\">\n<p>注释。 <a href=\"#fnref-1\" class=\"footnote-backref\" data-footnote-backref data-footnote-backref-idx=\"1\" aria-label=\"返回正文引用处 1\">↩</a></p>\n</li>\n</ol>\n</section>\n<p>后</p>";
        let r = inline_styles(body, PAGE);
        all_styled(&r.html).unwrap();
        assert!(!r.html.contains('↩'), "{}", r.html);
        assert!(!r.html.contains("fnref"), "{}", r.html);
        assert!(!r.html.contains("aria-label"), "{}", r.html);
        assert!(
            r.html
                .contains("href=\"https://aq.example.gov.cn/articles/x/#fn-1\">1</a></sup>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(
                "<p style=\"margin:0 0 6px;font-size:14px;line-height:1.6;color:#4a4f57\">注释。"
            ),
            "{}",
            r.html
        );
        // After the footnotes' section, paragraphs look normal again.
        assert!(
            r.html.ends_with("<p style=\"margin:0 0 16px;font-size:16px;line-height:1.75;color:#333;text-align:justify\">后</p>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn cell_keeps_only_its_alignment_and_implied_tbody_is_styled() {
        // The cleaner keeps of a cell's own style its alignment only, and
        // writes out the elements the parser implies.
        let r = inline_styles(
            "<table><tr><td style=\"color:red;text-align:center\">1</td></tr></table>",
            PAGE,
        );
        assert!(
            r.html.contains("<tbody style=\"background:#fff\">"),
            "implied tbody styled: {}",
            r.html
        );
        assert!(r.html.contains(";text-align:center\">1</td>"), "{}", r.html);
        assert!(!r.html.contains("color:red"), "{}", r.html);
    }

    #[test]
    fn style_covers_every_kept_tag() {
        for tag in TAGS {
            if *tag == "br" {
                assert!(style(tag, Place::default()).is_none());
            } else {
                let s = style(tag, Place::default()).unwrap_or_default();
                assert!(
                    !s.is_empty() && !s.contains('"') && !s.contains('<'),
                    "{tag}: {s}"
                );
            }
        }
    }
}
