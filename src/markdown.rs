//! Markdown → HTML, plain text, table of contents and link records.
//!
//! Owns: the only use of `comrak` and `ammonia`. Imports: `error`,
//! `highlight`, `content::slug`, `html` (text replacement).
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

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;

use comrak::adapters::{HeadingAdapter, HeadingMeta, SyntaxHighlighterAdapter};
use comrak::nodes::{AstNode, NodeValue, Sourcepos};
use comrak::options::Plugins;
use comrak::{Arena, Options, format_html_with_plugins, parse_document};

use crate::error::{Diagnostic, Span};
use crate::highlight::Highlighter;
use crate::weburl::{self, HostRule};

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
    /// The site's image sizes are in `html` already (set by the pipeline;
    /// `anxuan serve` keeps bodies between builds).
    pub sized: bool,
    /// [`text_hash`] of `text` for bodies `anxuan serve` keeps (0 in
    /// one-shot builds): the search index compares it instead of the text.
    pub text_hash: u64,
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

struct CodeAdapter<'a> {
    highlighter: &'a Highlighter,
}

fn write_attrs(
    out: &mut dyn fmt::Write,
    attrs: HashMap<&'static str, Cow<'_, str>>,
) -> fmt::Result {
    let mut attrs: Vec<_> = attrs.into_iter().collect();
    attrs.sort_by(|a, b| a.0.cmp(b.0));
    for (k, v) in attrs {
        write!(out, " {k}=\"{}\"", escape_attr(&v))?;
    }
    Ok(())
}

impl SyntaxHighlighterAdapter for CodeAdapter<'_> {
    fn write_highlighted(
        &self,
        out: &mut dyn fmt::Write,
        lang: Option<&str>,
        code: &str,
    ) -> fmt::Result {
        out.write_str(&self.highlighter.highlight(lang, code))
    }
    fn write_pre_tag(
        &self,
        out: &mut dyn fmt::Write,
        attrs: HashMap<&'static str, Cow<'_, str>>,
    ) -> fmt::Result {
        out.write_str("<pre class=\"code\" tabindex=\"0\"")?;
        write_attrs(out, attrs)?;
        out.write_str(">")
    }
    fn write_code_tag(
        &self,
        out: &mut dyn fmt::Write,
        attrs: HashMap<&'static str, Cow<'_, str>>,
    ) -> fmt::Result {
        out.write_str("<code")?;
        write_attrs(out, attrs)?;
        out.write_str(">")
    }
}

/// Writes `<hN id="…">` with ids computed beforehand in document order.
struct Headings {
    ids: Mutex<VecDeque<String>>,
}

impl HeadingAdapter for Headings {
    fn enter(
        &self,
        out: &mut dyn fmt::Write,
        h: &HeadingMeta,
        _: Option<Sourcepos>,
    ) -> fmt::Result {
        let id = self
            .ids
            .lock()
            .ok()
            .and_then(|mut q| q.pop_front())
            .unwrap_or_default();
        write!(out, "<h{} id=\"{}\">", h.level, escape_attr(&id))
    }
    fn exit(&self, out: &mut dyn fmt::Write, h: &HeadingMeta) -> fmt::Result {
        writeln!(out, "</h{}>", h.level)
    }
}

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

/// A heading id: lowercase, letters (any script), digits, `-` and `_`;
/// spaces become `-`. Same rule as GitHub, so Chinese headings keep their
/// characters: `## 一、工作措施` → `一工作措施`.
pub fn heading_id(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c == ' ' {
                Some('-')
            } else if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// True for characters written without spaces between them (Han, kana,
/// Hangul syllables, CJK and full-width punctuation).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F |
        0x3190..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF |
        0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
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

fn flatten<'a>(node: &'a AstNode<'a>, out: &mut String) {
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::CodeBlock(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            _ => {}
        }
    }
}

fn edge_char<'a>(node: &'a AstNode<'a>, last: bool) -> Option<char> {
    let mut text = String::new();
    flatten(node, &mut text);
    if last {
        text.chars().next_back()
    } else {
        text.chars().next()
    }
}

/// Renders a page body. `line_offset` is the number of file lines before it.
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
    let mut used_ids: HashMap<String, usize> = HashMap::new();
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
                let base = heading_id(&title);
                let base = if base.is_empty() {
                    "section".to_owned()
                } else {
                    base
                };
                let n = used_ids.entry(base.clone()).or_insert(0);
                let id = if *n == 0 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                };
                *n += 1;
                // A generated id could collide with a literal heading text like "x-1".
                used_ids.entry(id.clone()).or_insert(1);
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
    for node in soft_breaks {
        let prev = node.previous_sibling().and_then(|p| edge_char(p, true));
        let next = node.next_sibling().and_then(|n| edge_char(n, false));
        if let (Some(a), Some(b)) = (prev, next)
            && is_cjk(a)
            && is_cjk(b)
        {
            node.detach();
        }
    }

    // Plain text and first paragraph.
    let mut first = None;
    for node in root.children() {
        let mut t = String::new();
        flatten(node, &mut t);
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        if first.is_none() && matches!(node.data().value, NodeValue::Paragraph) {
            first = Some(t.to_owned());
        }
        if !body.text.is_empty() {
            body.text.push('\n');
        }
        body.text.push_str(t);
    }
    body.first_paragraph = first.unwrap_or_default();

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

/// Character columns of comrak's byte columns (1-based, as comrak's
/// `sourcepos_chars` counts them), with the line starts found on first use.
struct CharColumns<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> CharColumns<'a> {
    fn new(text: &'a str) -> Self {
        CharColumns {
            text,
            starts: Vec::new(),
        }
    }

    /// The character column of byte column `col` on line `line` (both
    /// 1-based, within `text`).
    fn of(&mut self, line: usize, col: usize) -> usize {
        if col == 0 {
            return 0;
        }
        if self.starts.is_empty() {
            self.starts.push(0);
            self.starts
                .extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
        }
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return col;
        };
        let rest = &self.text[start..];
        let text = &rest[..rest.find('\n').unwrap_or(rest.len())];
        if col > text.len() {
            return text.chars().count() + 1;
        }
        text.char_indices().take_while(|&(i, _)| i < col).count()
    }
}

/// Small HTML adjustments comrak has no option for: lazy images,
/// horizontally scrollable tables on narrow phones, Chinese labels on
/// footnote back-links.
fn post_process(mut html: String) -> String {
    // Each replacement copies the body only where it applies (most bodies
    // have no image, table or footnote).
    let edits = [
        ("<img ", "<img loading=\"lazy\" decoding=\"async\" "),
        (
            "<table>",
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可左右滑动）\"><table>",
        ),
        ("</table>", "</table></div>"),
        // Screen readers read the footnote back-links aloud: in Chinese.
        (FOOTNOTE_BACKREF, "aria-label=\"返回正文引用处 "),
    ];
    for (from, to) in edits {
        if let Some(edited) = crate::html::replace_all(&html, from, to) {
            html = edited;
        }
    }
    html
}

/// How comrak labels a footnote's link back to where it is cited.
const FOOTNOTE_BACKREF: &str = "aria-label=\"Back to reference ";

/// What the sanitizer will remove from a piece of raw HTML, for warnings:
/// dangerous tags, event-handler attributes and script URLs.
fn removed_by_sanitizer(raw: &str, iframe_hosts: &[HostRule]) -> Vec<String> {
    let lower = raw.to_ascii_lowercase();
    let mut found = Vec::new();
    for tag in [
        "script", "style", "iframe", "object", "embed", "applet", "frame", "base", "meta", "link",
        "form",
    ] {
        let open = format!("<{tag}");
        let mut from = 0;
        while let Some(at) = lower[from..].find(&open) {
            let start = from + at;
            from = start + open.len();
            let next = lower[from..].chars().next();
            if next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-') {
                continue; // <scripts>, <linkage>: another tag
            }
            if tag == "iframe" && iframes_kept(raw, iframe_hosts) {
                continue;
            }
            found.push(format!("a <{tag}> element"));
            break;
        }
    }
    // on…= attributes inside tags.
    let bytes = lower.as_bytes();
    let mut in_tag = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'o' if in_tag
                && i > 0
                && bytes[i - 1].is_ascii_whitespace()
                && bytes.get(i + 1) == Some(&b'n') =>
            {
                let name: String = lower[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                let rest = lower[i + name.len()..].trim_start();
                if name.len() > 2 && rest.starts_with('=') {
                    found.push(format!("the `{name}` attribute"));
                }
            }
            _ => {}
        }
    }
    for scheme in ["javascript:", "vbscript:"] {
        if lower.contains(scheme) {
            found.push(format!("a `{scheme}` link"));
        }
    }
    let mut from = 0;
    while let Some(at) = lower[from..].find("data:") {
        let start = from + at;
        from = start + 5;
        if !lower[from..].starts_with("image/") {
            found.push("a `data:` link".to_owned());
            break;
        }
    }
    found.dedup();
    found
}

/// True when every `<iframe>` of `raw` keeps its `src` through the
/// sanitizer: the same decision, taken by the same code, as the page's.
fn iframes_kept(raw: &str, hosts: &[HostRule]) -> bool {
    if hosts.is_empty() {
        return false;
    }
    let count = |html: &str, with_src: bool| {
        let lower = html.to_ascii_lowercase();
        lower
            .match_indices("<iframe")
            .filter(|(at, _)| {
                let rest = &lower[at + "<iframe".len()..];
                let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
                rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                    && (!with_src || tag.contains(" src="))
            })
            .count()
    };
    let cleaned = sanitizer(hosts).clean(raw).to_string();
    count(&cleaned, true) >= count(raw, false)
}

fn sanitizer(iframe_hosts: &[HostRule]) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    if !iframe_hosts.is_empty() {
        let hosts = iframe_hosts.to_vec();
        b.add_tags(["iframe"])
            .add_tag_attributes(
                "iframe",
                [
                    "src",
                    "width",
                    "height",
                    "title",
                    "allow",
                    "allowfullscreen",
                    "loading",
                ],
            )
            .attribute_filter(move |element, attribute, value| {
                if element == "iframe" && attribute == "src" {
                    // The parsed form: the browser loads what was judged.
                    weburl::embed_allowed(value, &hosts).map(|u| String::from(u).into())
                } else {
                    Some(value.into())
                }
            });
    }
    b.add_tags([
        "figure",
        "figcaption",
        "details",
        "summary",
        "video",
        "audio",
        "source",
        "track",
        "input",
        "section",
        "mark",
        "abbr",
        "picture",
    ])
    .add_generic_attributes([
        "class",
        "id",
        "lang",
        "title",
        "aria-label",
        "aria-hidden",
        "role",
    ])
    .add_tag_attributes("input", ["type", "checked", "disabled"])
    .add_tag_attributes("img", ["width", "height", "loading", "decoding"])
    .add_tag_attributes(
        "video",
        ["controls", "width", "height", "poster", "src", "preload"],
    )
    .add_tag_attributes("audio", ["controls", "src", "preload"])
    .add_tag_attributes("source", ["src", "type", "srcset", "media"])
    .add_tag_attributes("track", ["src", "kind", "srclang", "label"])
    .add_tag_attributes("td", ["colspan", "rowspan", "align", "style"])
    .add_tag_attributes("th", ["colspan", "rowspan", "align", "scope"])
    .add_tag_attributes(
        "a",
        [
            "data-footnote-ref",
            "data-footnote-backref",
            "data-footnote-backref-idx",
        ],
    )
    .add_tag_attributes("section", ["data-footnotes"])
    .link_rel(None);
    b
}

enum Resolved {
    Keep,
    Url(String),
    Page {
        url: String,
        file: String,
        anchor: Option<String>,
    },
    Error(String, String),
    Warn(String, String),
}

fn split_anchor(url: &str) -> (&str, Option<String>) {
    match url.split_once('#') {
        Some((p, a)) => (p, Some(a.to_owned()).filter(|a| !a.is_empty())),
        None => (url, None),
    }
}

fn with_anchor(url: String, anchor: &Option<String>) -> String {
    match anchor {
        Some(a) => format!("{url}#{a}"),
        None => url,
    }
}

/// The help for a missing image, with the file it probably means.
fn missing_image_help(near: Option<&str>) -> String {
    match near {
        Some(fix) => format!(
            "did you mean `{fix}`? 找不到图片文件；是否应为 `{fix}`？（大小写或扩展名不同，网站服务器区分大小写）"
        ),
        None => "找不到图片文件：图片放在文章旁边，用相对路径引用，例如 ![说明](images/a.png)；\
                 请检查文件夹和文件名（含大小写和扩展名）"
            .into(),
    }
}

fn resolve(file: &str, url: &str, links: &dyn Links, is_image: bool) -> Resolved {
    if let Some(rest) = url.strip_prefix("@/") {
        let (path, anchor) = split_anchor(rest);
        return match links.internal(path) {
            Target::Page { url, file } => Resolved::Page {
                url: with_anchor(url, &anchor),
                file,
                anchor,
            },
            Target::Url(u) => Resolved::Url(with_anchor(u, &anchor)),
            Target::Missing(why) | Target::Near(why, _) => Resolved::Error(
                format!("broken internal link `{url}`: {why}"),
                "`@/` 后面写 content/ 下的文件路径，例如 `@/drills/2025-fire.md`；请检查文件名和文件夹".into(),
            ),
            Target::Warn(u, msg) => Resolved::Warn(with_anchor(u, &anchor), msg),
        };
    }
    if !weburl::is_local(url) || url.starts_with('#') || url.is_empty() {
        return Resolved::Keep;
    }
    if url.starts_with('/') {
        return Resolved::Url(links.rooted(url));
    }
    let (path, anchor) = split_anchor(url);
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    match links.relative(file, path) {
        Target::Url(u) => Resolved::Url(with_anchor(
            match query {
                Some(q) => format!("{u}?{q}"),
                None => u,
            },
            &anchor,
        )),
        Target::Page { url, file } => Resolved::Page {
            url: with_anchor(url, &anchor),
            file,
            anchor,
        },
        // A missing image is a broken page (and a broken link to the
        // inspectors): an error, reported here once, as written.
        Target::Missing(why) if is_image => Resolved::Error(
            format!("missing image `{url}`: {why}"),
            missing_image_help(None),
        ),
        Target::Near(why, fix) if is_image => Resolved::Error(
            format!("missing image `{url}`: {why}"),
            missing_image_help(Some(&fix)),
        ),
        Target::Missing(why) => Resolved::Warn(
            url.to_owned(),
            format!("link `{url}` points to nothing: {why}"),
        ),
        Target::Near(why, fix) => Resolved::Warn(
            url.to_owned(),
            format!("link `{url}` points to nothing: {why}; did you mean `{fix}`?"),
        ),
        Target::Warn(u, msg) => Resolved::Warn(with_anchor(u, &anchor), msg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_columns_equal_comraks_own() {
        let text = "# 标题 *强调* [链接](@/a.md)\n\n\
                    一段中文，含 **粗体** 和 `代码` 与 [另一个](x.md \"t\") 🚒 é\n\
                    > 引用 <b>粗</b> ![图](i.png)\n\n\
                    - 列表 [项](y.md)\n  - 嵌套 ~删除~\n\n\
                    | 表 | 头 |\n|---|---|\n| 单元 [格](z.md) | 🚒 |\n";
        let positions = |chars: bool| {
            let arena = Arena::new();
            let mut o = options(false);
            o.parse.sourcepos_chars = chars;
            let root = parse_document(&arena, text, &o);
            root.descendants()
                .map(|n| {
                    let p = n.data().sourcepos;
                    (p.start.line, p.start.column)
                })
                .collect::<Vec<_>>()
        };
        let (bytes, chars) = (positions(false), positions(true));
        assert!(bytes.len() > 30);
        assert_ne!(
            bytes, chars,
            "the text has multi-byte characters before nodes"
        );
        let mut columns = CharColumns::new(text);
        let ours: Vec<_> = bytes
            .iter()
            .map(|&(line, col)| (line, columns.of(line, col)))
            .collect();
        assert_eq!(ours, chars);
    }

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
