//! Saved pages of an old site (.html): decoded ([`encoding`]), parsed by
//! `htmd`'s HTML5 parser, the article found and cleaned ([`extract`]),
//! its front matter read from the CMS's meta tags or from the 来源 / 作者 /
//! 日期 / 责编 text, its local images copied and the rest converted to
//! Markdown by `htmd`.
//!
//! Imports `content::slug` (percent-decoding), `error`, `weburl`,
//! `import::{meta, text}`.
//!
//! Invariants: nothing is fetched (remote images stay links, with a
//! warning); an image is read only from inside the page's own folder (a
//! browser's `页面_files` folder is there); a page nested deeper than
//! [`MAX_DEPTH`] is refused (the converter recurses).

pub mod dom;
pub mod encoding;
pub mod extract;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use htmd::element_handler::Handlers;
use htmd::options::{BrStyle, BulletListMarker, HeadingStyle, Options};
use htmd::{Element, HtmlToMarkdown};

use super::meta::{self, Field, Meta};
use super::{Doc, IMAGES, Images, image_ext, read_limited, shown, text};
use crate::content::slug::percent_decode;
use crate::error::{Diagnostic, Span};
use crate::weburl::{self, PageBase, Reference};
use dom::Handle;

/// Pages nested deeper than this are refused.
pub const MAX_DEPTH: usize = 512;
const MAX_IMAGE: u64 = 50 * 1024 * 1024;

/// What the page's head and comments say.
#[derive(Debug, Default)]
struct Head {
    title: Option<String>,
    column: Option<String>,
    /// Where the page was on the old site.
    url: Option<String>,
}

fn head(doc: &Handle, meta: &mut Meta) -> Head {
    let mut h = Head::default();
    let mut base = None;
    let mut canonical = None;
    for n in dom::descendants(doc) {
        match dom::tag(&n) {
            Some("meta") => {
                let name = dom::attr(&n, "name")
                    .or_else(|| dom::attr(&n, "property"))
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let content = dom::attr(&n, "content").unwrap_or_default();
                match name.as_str() {
                    "articletitle" => meta.set_title(&content),
                    "pubdate" | "publishdate" | "firstpublishedtime" => {
                        meta.set(Field::Date, &content);
                    }
                    "contentsource" => {
                        meta.set(Field::Source, &content);
                    }
                    "author" => {
                        meta.set(Field::Author, &content);
                    }
                    "columnname" if !content.trim().is_empty() => {
                        h.column = Some(meta::clean(&content));
                    }
                    "og:url" => canonical = canonical.or(Some(content)),
                    _ => {}
                }
            }
            Some("title") if h.title.is_none() => {
                h.title = Some(dom::own_text(&n)).filter(|t| !t.trim().is_empty());
            }
            Some("base") => base = base.or(dom::attr(&n, "href")),
            Some("link")
                if dom::attr(&n, "rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
            {
                canonical = dom::attr(&n, "href").or(canonical);
            }
            _ => {}
        }
    }
    let saved_from = dom::comments(doc).iter().find_map(|c| {
        let rest = c.split_once("saved from url=")?.1;
        let url = rest.split_once(')').map_or(rest, |(_, u)| u);
        url.split_whitespace().next().map(str::to_owned)
    });
    h.url = [base, saved_from, canonical]
        .into_iter()
        .flatten()
        .find(|u| weburl::absolute_web(u.trim()).is_some())
        .map(|u| u.trim().to_owned());
    h
}

/// Problems met on the way, reported once per page.
#[derive(Debug, Default)]
struct Notes {
    remote: Vec<String>,
    missing: Vec<String>,
    no_alt: usize,
    unlinked: usize,
}

fn pointer(n: &Handle) -> usize {
    Rc::as_ptr(n) as usize
}

/// An image the page's folder holds: its canonical path and bytes.
fn local_image(dir: &Path, dir_canon: &Path, src: &str) -> Result<(PathBuf, Vec<u8>), String> {
    let path = src.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path).replace('\\', "/");
    if decoded.starts_with('/') || decoded.is_empty() {
        return Err("not saved with the page".into());
    }
    let canon = dir
        .join(&decoded)
        .canonicalize()
        .map_err(|_| "not saved with the page".to_owned())?;
    if !canon.starts_with(dir_canon) || !canon.is_file() {
        return Err("outside the page's folder".into());
    }
    let name = canon
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if image_ext(&name).is_none() {
        return Err("not a JPG, PNG, GIF or WebP image".into());
    }
    let bytes = read_limited(&canon, MAX_IMAGE)?;
    Ok((canon, bytes))
}

fn alt_text(n: &Handle, notes: &mut Notes) -> String {
    let alt = meta::clean(
        &dom::attr(n, "alt")
            .or_else(|| dom::attr(n, "title"))
            .unwrap_or_default(),
    );
    if alt.is_empty() {
        notes.no_alt += 1;
    }
    text::escape(&alt)
}

/// The Markdown of each `<img>` in `root` (by node), its file copied into
/// `images` when the page's folder has it.
fn images_of(
    root: &Handle,
    page: &Path,
    base: Option<&PageBase>,
    images: &mut Images,
    notes: &mut Notes,
) -> HashMap<usize, String> {
    let dir = page.parent().unwrap_or(Path::new("."));
    let dir_canon = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let mut out = HashMap::new();
    for n in dom::descendants(root).iter().filter(|n| dom::is(n, "img")) {
        let src = ["src", "data-src", "data-original", "original"]
            .iter()
            .find_map(|a| dom::attr(n, a).filter(|s| !s.trim().is_empty()))
            .unwrap_or_default();
        let src = src.trim();
        if src.is_empty() {
            continue;
        }
        let md = match weburl::classify(src) {
            Reference::Local => match local_image(dir, &dir_canon, src) {
                Ok((canon, bytes)) => {
                    let hint = canon
                        .file_name()
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let name = images.add(&canon.to_string_lossy(), &hint, bytes);
                    format!("![{}]({IMAGES}/{name})", alt_text(n, notes))
                }
                Err(why) => match base.and_then(|b| b.join(src)) {
                    Some(url) => {
                        notes.remote.push(url.clone());
                        format!("[图片：{}]({url})", alt_text(n, notes))
                    }
                    None => {
                        notes.missing.push(format!("{src} ({why})"));
                        String::new()
                    }
                },
            },
            Reference::Web(u) => {
                let url = String::from(u);
                notes.remote.push(url.clone());
                format!("[图片：{}]({url})", alt_text(n, notes))
            }
            _ => {
                notes.missing.push(format!(
                    "{} (an embedded or non-web image)",
                    src.chars().take(60).collect::<String>()
                ));
                String::new()
            }
        };
        out.insert(pointer(n), md);
    }
    out
}

/// Links of the old site made absolute (when the page's address is
/// known) or, when they cannot work on the new site, reduced to their text.
fn fix_links(root: &Handle, base: Option<&PageBase>, notes: &mut Notes) {
    for a in dom::descendants(root).iter().filter(|n| dom::is(n, "a")) {
        let Some(href) = dom::attr(a, "href") else {
            continue;
        };
        let href = href.trim();
        let keep = match weburl::classify(href) {
            _ if href.is_empty() || href.starts_with('#') => None,
            Reference::Web(u) => Some(String::from(u)),
            Reference::Other(s) if s == "mailto" || s == "tel" => Some(href.to_owned()),
            Reference::Local => {
                let joined = base.and_then(|b| b.join(href));
                if joined.is_none() {
                    notes.unlinked += 1;
                }
                joined
            }
            _ => None,
        };
        dom::set_attr(a, "href", keep.as_deref().unwrap_or(""));
    }
}

/// Whether `n` is inside a table cell (a table in a table).
fn in_cell(n: &Handle) -> bool {
    let mut cur = n.clone();
    for _ in 0..MAX_DEPTH {
        let parent = cur.parent.take();
        cur.parent.set(parent.clone());
        let Some(p) = parent.and_then(|w| w.upgrade()) else {
            return false;
        };
        if dom::is(&p, "td") || dom::is(&p, "th") {
            return true;
        }
        cur = p;
    }
    false
}

/// Whether a table lays out a page (old sites put navigation and text
/// side by side in one) rather than holding data: a table in a cell, or
/// a cell with a long text.
fn is_layout(rows: &[Handle]) -> bool {
    rows.iter().flat_map(|r| dom::children(r)).any(|c| {
        (dom::is(&c, "td") || dom::is(&c, "th"))
            && (dom::descendants(&c)
                .iter()
                .skip(1)
                .any(|d| dom::is(d, "table"))
                || dom::text_len(&c) > 500)
    })
}

/// Tables as Markdown tables, header or not (`htmd` writes only tables
/// with `<th>` so; old CMS tables have none). A table of one cell is the
/// box around its text; a table in a cell becomes its text.
fn table(h: &dyn Handlers, el: Element) -> Option<htmd::element_handler::HandlerResult> {
    let rows: Vec<Handle> = dom::descendants(el.node)
        .into_iter()
        .filter(|n| dom::is(n, "tr"))
        .collect();
    let cell_md = |c: &Handle| -> String {
        let md = h.walk_children(c).content;
        md.trim()
            .replace("\\\n", "<br>")
            .replace("\n\n", "<br>")
            .replace('\n', " ")
            .replace('|', "\\|")
    };
    let grid: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            dom::children(r)
                .iter()
                .filter(|c| dom::is(c, "td") || dom::is(c, "th"))
                .map(cell_md)
                .collect()
        })
        .filter(|r: &Vec<String>| !r.is_empty())
        .collect();
    let cols = grid.iter().map(Vec::len).max().unwrap_or(0);
    if is_layout(&rows) {
        return Some(h.walk_children(el.node));
    }
    if in_cell(el.node) || cols == 0 {
        return Some(
            grid.iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
                .into(),
        );
    }
    if grid.len() == 1 && cols == 1 {
        return Some(h.walk_children(el.node));
    }
    let line = |r: &Vec<String>| -> String {
        let mut s = String::from("|");
        for i in 0..cols {
            s.push_str(&format!(" {} |", r.get(i).map_or("", String::as_str)));
        }
        s
    };
    let mut md = vec![line(&grid[0]), format!("|{}", " --- |".repeat(cols))];
    md.extend(grid[1..].iter().map(line));
    Some(format!("\n\n{}\n\n", md.join("\n")).into())
}

fn converter(images: HashMap<usize, String>) -> HtmlToMarkdown {
    HtmlToMarkdown::builder()
        .options(Options {
            heading_style: HeadingStyle::Atx,
            br_style: BrStyle::Backslash,
            bullet_list_marker: BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            ..Options::default()
        })
        .skip_tags(vec![
            "script", "style", "noscript", "iframe", "form", "button", "input", "select",
            "textarea", "object", "embed", "head",
        ])
        .add_handler(vec!["img"], move |_: &dyn Handlers, el: Element| {
            Some(
                images
                    .get(&pointer(el.node))
                    .cloned()
                    .unwrap_or_default()
                    .into(),
            )
        })
        .add_handler(vec!["a"], |h: &dyn Handlers, el: Element| {
            if dom::attr(el.node, "href").is_none_or(|u| u.is_empty()) {
                Some(h.walk_children(el.node))
            } else {
                h.fallback(el)
            }
        })
        .add_handler(vec!["table"], table)
        .build()
}

/// Converts the saved page `bytes` read from `path`.
pub fn convert(path: &Path, bytes: &[u8]) -> Result<Doc, Diagnostic> {
    let at = || Span::file(shown(path));
    let (page, _) = encoding::decode(bytes);
    let dom = HtmlToMarkdown::new()
        .html_to_tree(&page)
        .map_err(|e| Diagnostic::error(at(), format!("cannot parse the page: {e}")))?;
    if dom::depth(&dom) > MAX_DEPTH {
        return Err(Diagnostic::error(
            at(),
            format!("the page nests elements more than {MAX_DEPTH} deep"),
        )
        .with_help("这不像是一篇正常保存的网页；请在浏览器中打开后重新“另存为”"));
    }
    let mut meta = Meta::default();
    let head = head(&dom, &mut meta);
    let Some(container) = extract::main_container(&dom) else {
        return Err(Diagnostic::error(at(), "no article text found in the page")
            .with_help("页面中没有找到正文：它可能是栏目列表页或首页；请只导入文章页"));
    };
    if extract::is_link_list(&container) {
        return Err(Diagnostic::error(
            at(),
            "the page is a list of links (a column or home page), not an article",
        )
        .with_help("这像是栏目列表页或首页：请打开其中的文章页，分别“另存为”后导入"));
    }
    let body = dom::descendants(&dom)
        .into_iter()
        .find(|n| dom::is(n, "body"))
        .unwrap_or_else(|| dom.clone());
    // An info bar outside the text, then the lines at its edges, then
    // what the chrome said.
    for line in dom::text_skipping(&body, Some(&container)).lines() {
        meta.take(&meta::scan(line));
    }
    extract::take_edge_meta(&container, &mut meta);
    for dropped in extract::remove_chrome(&container) {
        for line in dropped.lines() {
            meta.take(&meta::scan(line));
        }
    }
    let near = extract::title_near(&dom, &container, head.title.as_deref());
    if let Some(t) = near {
        meta.set_title(&t);
    }
    if let Some(t) = head.title.as_deref().map(extract::title_of_tag) {
        meta.set_title(&t);
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(d) = meta::date_in_name(&stem) {
        meta.set(Field::Date, &d);
    }
    meta.set_title(&stem);

    let base = head.url.as_deref().and_then(PageBase::new);
    let mut notes = Notes::default();
    let mut images = Images::default();
    let merged = extract::split_merged_cells(&container);
    fix_links(&container, base.as_ref(), &mut notes);
    let image_md = images_of(&container, path, base.as_ref(), &mut images, &mut notes);
    let md = converter(image_md).tree_to_markdown(&container);
    let title = meta.title.clone().unwrap_or_default();
    let md = text::breaks_to_paragraphs(&text::escape_tildes(&md));
    let markdown = text::headings_below_title(&md, &title);

    let mut warnings = Vec::new();
    let mut warn = |message: String, help: &str| {
        warnings.push(Diagnostic::warning(at(), message).with_help(help));
    };
    if !notes.remote.is_empty() {
        warn(
            format!(
                "{} image(s) on the old site were left as links: {}",
                notes.remote.len(),
                list(&notes.remote)
            ),
            "导入时不联网下载：请从旧网站下载这些图片，放进导入后的图片文件夹，再把链接改为 ![说明](文件夹/图片.jpg)",
        );
    }
    if !notes.missing.is_empty() {
        warn(
            format!(
                "{} image(s) were not saved with the page and were left out: {}",
                notes.missing.len(),
                list(&notes.missing)
            ),
            "请在浏览器中用“另存为 → 网页，全部”重新保存页面（图片在“页面名_files”文件夹里），再导入",
        );
    }
    if notes.unlinked > 0 {
        warn(
            format!(
                "{} link(s) pointed into the old site, whose address the page does not give; their text was kept",
                notes.unlinked
            ),
            "旧网站的相对链接在新网站上无法打开，已只保留文字；如需链接，请手工补上完整网址",
        );
    }
    if merged > 0 {
        warn(
            format!(
                "{merged} table(s) had merged cells; they became plain cells with the text repeated"
            ),
            "网页表格不能合并单元格：合并的内容已在每个单元格重复，请核对表格",
        );
    }
    if notes.no_alt > 0 {
        warn(
            format!("{} image(s) have no description (alt text)", notes.no_alt),
            "请在导入后的文件中为图片写上说明：![图片内容的简短说明](…)，读屏软件会朗读它",
        );
    }
    Ok(Doc {
        input: path.to_path_buf(),
        meta,
        column_name: head.column,
        markdown,
        images: images.list,
        warnings,
    })
}

fn list(items: &[String]) -> String {
    let mut s = items.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > 3 {
        s.push_str(&format!(" … ({} more)", items.len() - 3));
    }
    s
}
