//! Markdown → HTML, plain text, table of contents and link records.
//!
//! Owns: the only use of `comrak`; [`render`], the walk of the Markdown
//! tree, and the [`Body`] it fills. Its parts: `links` (link targets),
//! `headings` (ids and the table of contents' anchors), `text` (plain
//! text, the CJK soft-break rule), `code` (the highlighter hook),
//! `sanitize` (raw HTML, cleaned with `ammonia`), `post` (HTML
//! adjustments after rendering), `columns` (character columns for
//! diagnostics) and `wechat` (a body restyled with inline styles for the
//! 公众号 editor, also cleaned with `ammonia`). Imports: `error`,
//! `highlight`, `weburl`, `html`.
//!
//! What it does beyond CommonMark+GFM: CJK-friendly emphasis
//! (`**注意：**请按时参加` is bold); a soft line break between two CJK
//! characters is dropped (browsers would show a space); headings get stable,
//! unique ids that keep Chinese characters; `@/articles/x.md#id` links and
//! relative links to images and Markdown files are resolved through a
//! [`Links`] implementation; fenced code is highlighted with CSS classes;
//! raw HTML is sanitized unless the site opts out.
//!
//! Invariants: the output is a pure function of the inputs; positions in
//! diagnostics are lines of the *file* (the caller passes the body offset).

mod code;
mod columns;
mod headings;
mod links;
mod post;
mod sanitize;
mod text;
pub mod wechat;

use std::collections::VecDeque;
use std::sync::Mutex;

use comrak::nodes::NodeValue;
use comrak::options::Plugins;
use comrak::{Arena, Options, format_html_with_plugins, parse_document};

use crate::error::{Diagnostic, Span};
use crate::highlight::Highlighter;
use crate::weburl::HostRule;

use code::CodeAdapter;
use columns::CharColumns;
use headings::{Headings, UniqueIds};
use links::{Resolved, resolve};
use post::post_process;
use sanitize::{removed_by_sanitizer, sanitizer};
use text::{drop_cjk_soft_breaks, flatten, plain_text};

pub use crate::html::escape_attr;
pub use headings::heading_id;
pub use text::is_cjk;

/// A heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link to another page of the site, kept to check `#anchors` once all
/// bodies exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    /// The target's source file (`content/…md`).
    pub target: String,
    pub anchor: Option<String>,
    pub line: usize,
    pub col: usize,
}

/// The rendered body of a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    pub html: String,
    /// Plain text of the whole body, blocks separated by newlines.
    pub text: String,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    pub toc: Vec<TocEntry>,
    /// Every heading id, in document order.
    pub anchors: Vec<String>,
    pub links: Vec<PageLink>,
    pub has_code: bool,
    /// The page's cover as published: set by the image stage, not by
    /// Markdown (it travels with the body to lists, pages and the memo).
    pub cover: Option<crate::images::Shown>,
}

/// A 64-bit hash of a body's text (SipHash; never 0).
pub fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish().max(1)
}

/// How a link target written in a page resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A URL to write into the page.
    Url(String),
    /// A page link: its URL and the source file it points to.
    Page { url: String, file: String },
    /// Points to nothing; the string explains.
    Missing(String),
    /// Points to nothing, but a file differing from it only in letter case
    /// or extension exists: (why, the link as it should be written).
    Near(String, String),
    /// Not an error, but worth telling: (URL to write anyway, warning).
    Warn(String, String),
}

/// Resolves link targets. Implemented by the pipeline over the assembled site.
pub trait Links: Sync {
    /// `path` is what follows `@/` (e.g. `articles/x.md`), without `#anchor`.
    fn internal(&self, path: &str) -> Target;
    /// A relative URL (`images/a.png`, `../drills/x.md`) written in `file`.
    fn relative(&self, file: &str, url: &str) -> Target;
    /// A root-relative URL (`/images/a.png`): prefixed with the base path.
    fn rooted(&self, url: &str) -> String;
}

/// Per-build Markdown settings.
pub struct MarkdownOptions<'a> {
    pub highlighter: &'a Highlighter,
    pub unsafe_html: bool,
    /// Hosts whose `<iframe>`s are kept (site.yaml `iframe_hosts`).
    pub iframe_hosts: &'a [HostRule],
}

fn options(unsafe_html: bool) -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o.extension.cjk_friendly_emphasis = true;
    // Columns are counted in characters by `CharColumns`, only for the
    // few nodes a message may name: comrak's `sourcepos_chars` walks the
    // line again for every node (long Chinese paragraphs are long lines).
    o.render.r#unsafe = unsafe_html;
    o.render.tasklist_classes = true;
    o
}

/// Indentation (in columns, a tab counting 4) beyond which a line is
/// refused: about 100 levels of nested lists. The Markdown parser spends
/// time proportional to the nesting depth on every line, so a hostile file
/// nested 10,000 levels deep would take minutes; no real page comes close.
pub const MAX_INDENT: usize = 400;

/// An error for the first line indented deeper than [`MAX_INDENT`].
fn too_deep(file: &str, markdown: &str, line_offset: usize) -> Option<Diagnostic> {
    for (i, line) in markdown.lines().enumerate() {
        let mut cols = 0;
        for c in line.chars() {
            match c {
                ' ' => cols += 1,
                '\t' => cols += 4 - cols % 4,
                _ => break,
            }
            if cols > MAX_INDENT {
                return Some(
                    Diagnostic::error(
                        Span::new(file, i + 1 + line_offset, 1),
                        format!(
                            "line indented by more than {MAX_INDENT} columns (lists or quotes nested about 100 levels deep)"
                        ),
                    )
                    .with_help("嵌套层级过深：请减少列表或引用的嵌套层数（一般不超过 3～4 层）"),
                );
            }
        }
    }
    None
}

/// Renders a page body. `line_offset` is the number of file lines before it.
pub fn render(
    file: &str,
    markdown: &str,
    line_offset: usize,
    links: &dyn Links,
    opts: &MarkdownOptions<'_>,
) -> (Body, Vec<Diagnostic>) {
    if let Some(d) = too_deep(file, markdown, line_offset) {
        return (Body::default(), vec![d]);
    }
    let arena = Arena::new();
    let parse_opts = options(false);
    let root = parse_document(&arena, markdown, &parse_opts);
    let mut diags = Vec::new();
    let mut body = Body::default();
    let mut unique_ids = UniqueIds::default();
    let mut ids = VecDeque::new();
    let mut has_raw_html = false;
    let mut soft_breaks = Vec::new();

    let mut columns = CharColumns::new(markdown);
    for node in root.descendants() {
        let pos = node.data().sourcepos;
        let line = pos.start.line + line_offset;
        let mut data = node.data_mut();
        let mut col = || columns.of(pos.start.line, pos.start.column);
        let is_image = matches!(data.value, NodeValue::Image(_));
        match &mut data.value {
            NodeValue::Heading(h) => {
                let level = h.level;
                drop(data);
                let mut title = String::new();
                flatten(node, &mut title);
                let id = unique_ids.next(&title);
                if (2..=3).contains(&level) {
                    body.toc.push(TocEntry {
                        level,
                        id: id.clone(),
                        title: title.trim().to_owned(),
                    });
                }
                body.anchors.push(id.clone());
                ids.push_back(id);
            }
            NodeValue::Link(link) | NodeValue::Image(link) => {
                let url = link.url.clone();
                let resolved = resolve(file, &url, links, is_image);
                match resolved {
                    Resolved::Keep => {}
                    Resolved::Url(u) => link.url = u,
                    Resolved::Page {
                        url: u,
                        file: target,
                        anchor,
                    } => {
                        link.url = u;
                        body.links.push(PageLink {
                            target,
                            anchor,
                            line,
                            col: col(),
                        });
                    }
                    Resolved::Error(msg, help) => {
                        diags.push(
                            Diagnostic::error(Span::new(file, line, col()), msg).with_help(help),
                        );
                    }
                    Resolved::Warn(u, msg) => {
                        link.url = u;
                        diags.push(Diagnostic::warning(Span::new(file, line, col()), msg));
                    }
                }
            }
            NodeValue::HtmlBlock(_) | NodeValue::HtmlInline(_) => {
                has_raw_html = true;
                if !opts.unsafe_html {
                    let literal = match &data.value {
                        NodeValue::HtmlBlock(b) => b.literal.as_str(),
                        NodeValue::HtmlInline(s) => s.as_str(),
                        _ => "",
                    };
                    for what in removed_by_sanitizer(literal, opts.iframe_hosts) {
                        diags.push(
                            Diagnostic::warning(
                                Span::new(file, line, col()),
                                format!("raw HTML: {what} was removed"),
                            )
                            .with_help(
                                "为安全起见，正文中的脚本、样式、事件属性和外部嵌入会被删除；\
                                 嵌入视频请在 site.yaml 的 iframe_hosts 中列出允许的网站",
                            ),
                        );
                    }
                }
            }
            NodeValue::CodeBlock(_) => body.has_code = true,
            NodeValue::SoftBreak => soft_breaks.push(node),
            _ => {}
        }
    }
    drop_cjk_soft_breaks(soft_breaks);
    (body.text, body.first_paragraph) = plain_text(root);

    let sanitize = has_raw_html && !opts.unsafe_html;
    let render_opts = options(has_raw_html);
    let code = CodeAdapter {
        highlighter: opts.highlighter,
    };
    let headings = Headings {
        ids: Mutex::new(ids),
    };
    let mut plugins = Plugins::default();
    plugins.render.codefence_syntax_highlighter = Some(&code);
    plugins.render.heading_adapter = Some(&headings);
    let mut html = String::with_capacity(markdown.len() * 2);
    if format_html_with_plugins(root, &render_opts, &mut html, &plugins).is_err() {
        diags.push(Diagnostic::error(
            Span::file(file),
            "could not render the Markdown body",
        ));
    }
    if sanitize {
        html = sanitizer(opts.iframe_hosts).clean(&html).to_string();
    }
    body.html = post_process(html);
    (body, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoLinks;
    impl Links for NoLinks {
        fn internal(&self, path: &str) -> Target {
            if path == "drills/a.md" {
                Target::Page {
                    url: "/drills/a/".into(),
                    file: "content/drills/a.md".into(),
                }
            } else {
                Target::Missing("no such file".into())
            }
        }
        fn relative(&self, _: &str, url: &str) -> Target {
            Target::Url(format!("/x/{url}"))
        }
        fn rooted(&self, url: &str) -> String {
            format!("/base{url}")
        }
    }

    fn md(s: &str) -> (Body, Vec<Diagnostic>) {
        let h = Highlighter::new();
        render(
            "content/articles/t.md",
            s,
            4,
            &NoLinks,
            &MarkdownOptions {
                highlighter: &h,
                unsafe_html: false,
                iframe_hosts: &[],
            },
        )
    }

    #[test]
    fn render_cjk_emphasis_is_bold() {
        let (b, _) = md("**注意：**请按时参加\n");
        assert!(
            b.html.contains("<strong>注意：</strong>请按时参加"),
            "{}",
            b.html
        );
    }

    #[test]
    fn footnote_back_links_are_labelled_in_chinese() {
        let (b, _) = md("燃气泄漏要开窗通风。[^1]\n\n[^1]: 见《城镇燃气管理条例》。\n");
        assert!(
            b.html.contains("aria-label=\"返回正文引用处 1\""),
            "{}",
            b.html
        );
        assert!(!b.html.contains("Back to reference"), "{}", b.html);
    }

    #[test]
    fn render_soft_break_between_han_adds_no_space() {
        let (b, _) = md("安全生产\n人人有责\n\nabc\ndef\n");
        assert!(b.html.contains("安全生产人人有责"), "{}", b.html);
        assert!(b.html.contains("abc\ndef"), "{}", b.html);
    }

    #[test]
    fn render_chinese_heading_ids_are_unique() {
        let (b, _) = md("## 一、工作措施\n\n## 一、工作措施\n\n### Fire Safety\n");
        assert!(b.html.contains("<h2 id=\"一工作措施\">"), "{}", b.html);
        assert!(b.html.contains("<h2 id=\"一工作措施-1\">"), "{}", b.html);
        assert!(b.html.contains("<h3 id=\"fire-safety\">"), "{}", b.html);
        assert_eq!(b.toc.len(), 3);
    }

    #[test]
    fn render_internal_link_resolves_and_missing_is_error_at_file_line() {
        let (b, d) = md("见[演练](@/drills/a.md#step)。\n\n另见[缺失](@/drills/none.md)\n");
        assert!(b.html.contains("href=\"/drills/a/#step\""), "{}", b.html);
        assert_eq!(b.links.len(), 1);
        assert_eq!(d.len(), 1);
        let span = d[0].span.as_ref().unwrap();
        assert_eq!(span.line, 7);
        assert!(d[0].is_error());
    }

    #[test]
    fn render_sanitizes_raw_html() {
        let (b, _) = md(
            "<script>alert(1)</script>\n\n<p onclick=\"x()\">好</p>\n\n[x](javascript:alert(1))\n",
        );
        assert!(!b.html.contains("<script"), "{}", b.html);
        assert!(!b.html.contains("onclick"), "{}", b.html);
        assert!(!b.html.contains("javascript:"), "{}", b.html);
    }

    #[test]
    fn render_code_is_highlighted_with_classes() {
        let (b, _) = md("```yaml\ntitle: x\n```\n");
        assert!(b.has_code);
        assert!(
            b.html
                .contains("<pre class=\"code\" tabindex=\"0\"><code class=\"language-yaml\">"),
            "{}",
            b.html
        );
        assert!(b.html.contains("hl-"), "{}", b.html);
    }

    #[test]
    fn render_first_paragraph_is_plain_text() {
        let (b, _) = md("## 标题\n\n这是**第一段**，含[链接](https://x.cn)。\n\n第二段\n");
        assert_eq!(b.first_paragraph, "这是第一段，含链接。");
    }
}
