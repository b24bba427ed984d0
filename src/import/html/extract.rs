//! Finding the article in a saved page: the content container of the
//! common government CMS templates, else the largest block of text; the
//! site's chrome inside it dropped; the meta lines at its edges taken;
//! merged table cells split.
//!
//! Imports `import::{meta, text}` and the DOM helpers.
//!
//! Invariants: only nodes inside the container are changed; an element
//! with a paragraph of real text is never dropped as chrome.

use std::cell::RefCell;
use std::rc::Rc;

use markup5ever_rcdom::{Node, NodeData};

use super::dom::{self, Handle};
use crate::import::meta::{self, Meta};

/// Class names or ids of the article's text in common CMS templates
/// (TRS, 大汉, 博思, VSB, 金宇 …), best first.
pub const CONTAINERS: &[&str] = &[
    "TRS_Editor",
    "TRS_UEDITOR",
    "zoom",
    "article-content",
    "content",
    "UCAP-CONTENT",
    "Custom_UnionStyle",
    "wp_articlecontent",
    "v_news_content",
    "vsb_content",
    "pages_content",
    "fontzoom",
    "article_content",
    "articleContent",
    "news_content",
    "newsContent",
    "art_con",
    "detail-content",
    "con_text",
    "article",
];

/// The text a container must have to be taken.
const MIN_TEXT: usize = 10;

/// The article container: the first of [`CONTAINERS`] found (the one
/// with the most text when several elements have it), else the element
/// that holds the most paragraph text directly.
pub fn main_container(doc: &Handle) -> Option<Handle> {
    let all = dom::descendants(doc);
    let elements: Vec<&Handle> = all.iter().filter(|n| dom::tag(n).is_some()).collect();
    for name in CONTAINERS {
        let best = elements
            .iter()
            .filter(|n| dom::has_class_or_id(n, name))
            .map(|n| (dom::text_len(n), *n))
            .filter(|(len, _)| *len >= MIN_TEXT)
            .max_by_key(|(len, _)| *len);
        if let Some((_, n)) = best {
            return Some(n.clone());
        }
    }
    largest_block(&elements)
}

/// Inline elements whose text counts as the text of their parent block.
fn is_inline_text(name: &str) -> bool {
    matches!(
        name,
        "p" | "span"
            | "font"
            | "strong"
            | "b"
            | "em"
            | "i"
            | "u"
            | "br"
            | "center"
            | "img"
            | "sub"
            | "sup"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
    )
}

fn largest_block(elements: &[&Handle]) -> Option<Handle> {
    let mut best: Option<(usize, Handle)> = None;
    for n in elements {
        let Some(tag) = dom::tag(n) else { continue };
        if !matches!(tag, "div" | "td" | "article" | "section" | "main" | "body") {
            continue;
        }
        let score: usize = dom::children(n)
            .iter()
            .map(|c| match &c.data {
                NodeData::Text { contents } => contents
                    .borrow()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .count(),
                NodeData::Element { name, .. } if is_inline_text(&name.local) => dom::text_len(c),
                _ => 0,
            })
            .sum();
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, (*n).clone()));
        }
    }
    best.filter(|(s, _)| *s >= MIN_TEXT * 3).map(|(_, n)| n)
}

/// Whether much of the text below `root` is the text of several links: a column's list
/// of articles or a home page, not an article.
pub fn is_link_list(root: &Handle) -> bool {
    let total = dom::text_len(root);
    let anchors: Vec<usize> = dom::descendants(root)
        .iter()
        .filter(|n| dom::is(n, "a"))
        .map(dom::text_len)
        .filter(|l| *l > 0)
        .collect();
    let links: usize = anchors.iter().sum();
    anchors.len() >= 2 && links * 100 > total * 45
}

const CHROME_TAGS: &[&str] = &[
    "script", "style", "noscript", "iframe", "form", "input", "button", "select", "textarea",
    "nav", "footer", "object", "embed", "link", "meta", "map",
];

/// Class names and ids of share bars, print/close tools, next/previous
/// links and footers.
const CHROME_NAMES: &[&str] = &[
    "share",
    "print",
    "close",
    "prev",
    "next",
    "prevnext",
    "pre-next",
    "footer",
    "foot",
    "copyright",
    "toolbar",
    "tools",
    "fontsize",
    "font-size",
    "related",
    "xgwz",
    "qrcode",
    "ewm",
    "bottom",
];
const CHROME_PREFIXES: &[&str] = &[
    "share",
    "bdshare",
    "bshare",
    "jiathis",
    "footer",
    "copyright",
];

/// Words of the chrome of an article page (compared without spaces).
const CHROME_TEXT: &[&str] = &[
    "打印本页",
    "关闭窗口",
    "【打印】",
    "【关闭】",
    "[打印]",
    "[关闭]",
    "打印此页",
    "关闭本页",
    "上一篇",
    "下一篇",
    "分享到",
    "字号：",
    "字体：",
    "【大中小】",
    "扫一扫",
    "icp备",
    "公网安备",
    "版权所有",
    "网站标识码",
    "浏览次数",
    "阅读次数",
    "点击数",
    "访问次数",
    "收藏本页",
    "返回顶部",
];

/// Whether `text` (a short block) is the page's chrome.
pub fn is_chrome_text(text: &str) -> bool {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '\u{a0}')
        .collect::<String>()
        .to_lowercase();
    t.chars().count() <= 120 && CHROME_TEXT.iter().any(|w| t.contains(w))
}

fn is_chrome_name(n: &Node) -> bool {
    dom::names(n).iter().any(|name| {
        CHROME_NAMES.contains(&name.as_str()) || CHROME_PREFIXES.iter().any(|p| name.starts_with(p))
    })
}

/// Whether an element holds a paragraph of real text (never chrome).
fn has_real_paragraph(n: &Handle) -> bool {
    dom::descendants(n)
        .iter()
        .any(|d| dom::is(d, "p") && dom::text_len(d) >= 40)
}

/// Drops the chrome inside `root`; returns the text of what was dropped
/// (an info bar may hold the date).
pub fn remove_chrome(root: &Handle) -> Vec<String> {
    let mut dropped = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(n) = stack.pop() {
        for c in dom::children(&n) {
            match &c.data {
                NodeData::Element { name, .. } => {
                    let tag: &str = &name.local;
                    if CHROME_TAGS.contains(&tag) {
                        dom::remove(&n, &c);
                        continue;
                    }
                    let text = dom::text(&c);
                    let chrome = is_chrome_name(&c) || is_chrome_text(&text);
                    if chrome && !has_real_paragraph(&c) {
                        dropped.push(text);
                        dom::remove(&n, &c);
                    } else {
                        stack.push(c.clone());
                    }
                }
                NodeData::Text { contents } => {
                    let text = contents.borrow().to_string();
                    if is_chrome_text(&text) {
                        dropped.push(text);
                        dom::remove(&n, &c);
                    }
                }
                NodeData::Comment { .. } => dom::remove(&n, &c),
                _ => {}
            }
        }
    }
    dropped
}

/// The node whose children are the article's lines: `root`, or the
/// single wrapper inside it (TRS nests `.TRS_Editor` in `.TRS_Editor`).
fn lines_parent(root: &Handle) -> Handle {
    let mut n = root.clone();
    for _ in 0..8 {
        let kids: Vec<Handle> = dom::children(&n)
            .into_iter()
            .filter(|c| dom::tag(c).is_some() || dom::text_len(c) > 0)
            .collect();
        match kids.as_slice() {
            [only]
                if dom::tag(only).is_some_and(|t| {
                    matches!(t, "div" | "section" | "article" | "font" | "span")
                }) =>
            {
                n = only.clone();
            }
            _ => break,
        }
    }
    n
}

/// Takes the meta lines (`来源：… 作者：…`, `责编：孙婷婷`) among the first
/// and last lines of the article out, into `meta`.
pub fn take_edge_meta(root: &Handle, meta: &mut Meta) {
    let parent = lines_parent(root);
    let lines: Vec<Handle> = dom::children(&parent)
        .into_iter()
        .filter(|c| dom::text_len(c) > 0)
        .collect();
    let mut taken = Vec::new();
    for c in lines.iter().take(4) {
        match meta::parse_line(dom::text(c).trim()) {
            Some(pairs) => {
                meta.take(&pairs);
                taken.push(c.clone());
            }
            None => break,
        }
    }
    for c in lines.iter().rev().take(4) {
        if taken.iter().any(|t| Rc::ptr_eq(t, c)) {
            break;
        }
        match meta::parse_line(dom::text(c).trim()) {
            Some(pairs) => {
                meta.take(&pairs);
                taken.push(c.clone());
            }
            None => break,
        }
    }
    for c in taken {
        dom::remove(&parent, &c);
    }
}

fn span_of(n: &Node, name: &str) -> usize {
    dom::attr(n, name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 64)
}

/// A new cell like `like` holding `text`.
fn cell_copy(like: &Node, text: &str) -> Option<Handle> {
    let NodeData::Element { name, .. } = &like.data else {
        return None;
    };
    let cell = Node::new(NodeData::Element {
        name: name.clone(),
        attrs: RefCell::new(Vec::new()),
        template_contents: RefCell::new(None),
        mathml_annotation_xml_integration_point: false,
    });
    cell.children.borrow_mut().push(Node::new(NodeData::Text {
        contents: RefCell::new(text.into()),
    }));
    Some(cell)
}

/// Splits the merged cells (`colspan`, `rowspan`) of the tables in
/// `root` into plain cells holding the same text; returns how many
/// tables had some.
pub fn split_merged_cells(root: &Handle) -> usize {
    let mut tables = 0;
    for table in dom::descendants(root)
        .iter()
        .filter(|n| dom::is(n, "table"))
    {
        let rows: Vec<Handle> = dom::descendants(table)
            .into_iter()
            .filter(|n| dom::is(n, "tr"))
            .collect();
        let mut merged = false;
        // Cells still to come from a rowspan above: column → (rows left, cell).
        let mut pending: Vec<Option<(usize, Handle)>> = Vec::new();
        for tr in rows {
            let cells: Vec<Handle> = dom::children(&tr)
                .into_iter()
                .filter(|c| dom::is(c, "td") || dom::is(c, "th"))
                .collect();
            let mut out: Vec<Handle> = Vec::new();
            let mut next = cells.into_iter();
            loop {
                let col = out.len();
                if let Some(Some((left, above))) = pending.get_mut(col) {
                    let text = meta::clean(&dom::text(above));
                    if let Some(c) = cell_copy(above, &text) {
                        out.push(c);
                    }
                    *left -= 1;
                    if *left == 0 {
                        pending[col] = None;
                    }
                    continue;
                }
                let Some(cell) = next.next() else { break };
                let (cs, rs) = (span_of(&cell, "colspan"), span_of(&cell, "rowspan"));
                merged |= cs > 1 || rs > 1;
                let text = meta::clean(&dom::text(&cell));
                for i in 0..cs {
                    let c = if i == 0 {
                        Some(cell.clone())
                    } else {
                        cell_copy(&cell, &text)
                    };
                    if rs > 1 {
                        if pending.len() <= col + i {
                            pending.resize(col + i + 1, None);
                        }
                        pending[col + i] = Some((rs - 1, cell.clone()));
                    }
                    out.extend(c);
                }
            }
            if merged {
                *tr.children.borrow_mut() = out;
            }
        }
        if merged {
            tables += 1;
        }
    }
    tables
}

/// Class names and ids of an article page's title.
const TITLE_NAMES: &[&str] = &[
    "title",
    "article-title",
    "article_title",
    "arttitle",
    "art_title",
    "news_title",
    "newstitle",
    "tit",
    "bt",
    "detail-title",
    "con_title",
    "contitle",
    "h-title",
    "biaoti",
];

fn is_title_element(n: &Handle) -> bool {
    matches!(dom::tag(n), Some("h1" | "h2" | "h3"))
        || dom::names(n)
            .iter()
            .any(|c| TITLE_NAMES.contains(&c.as_str()))
}

/// The article's title as the page shows it: the title-like elements
/// nearest before the container (and a heading at its start); the one
/// that the `<title>` also names is preferred.
pub fn title_near(doc: &Handle, container: &Handle, title_tag: Option<&str>) -> Option<String> {
    let all = dom::descendants(doc);
    let at = all.iter().position(|n| Rc::ptr_eq(n, container))?;
    let mut candidates: Vec<String> = all[..at]
        .iter()
        .rev()
        .filter(|n| is_title_element(n))
        .map(|n| meta::clean(&dom::text(n)))
        .filter(|t| (4..=120).contains(&t.chars().count()))
        .take(5)
        .collect();
    if let Some(h) = dom::descendants(container)
        .iter()
        .skip(1)
        .find(|n| dom::tag(n).is_some() && dom::text_len(n) > 0)
        .filter(|n| matches!(dom::tag(n), Some("h1" | "h2" | "h3")))
    {
        candidates.push(meta::clean(&dom::text(h)));
    }
    if let Some(tag) = title_tag {
        let tag = meta::clean(tag);
        if let Some(c) = candidates
            .iter()
            .find(|c| tag.starts_with(c.as_str()) || tag.ends_with(c.as_str()))
        {
            return Some(c.clone());
        }
    }
    candidates.into_iter().next()
}

/// The article's part of a `<title>`: `标题_栏目_网站` → `标题`.
pub fn title_of_tag(title: &str) -> String {
    let t = meta::clean(title);
    for sep in ["_", " - ", " | ", "|", "－", "——", " -- "] {
        if let Some((first, _)) = t.split_once(sep)
            && first.chars().count() >= 4
        {
            return first.trim().to_owned();
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(html: &str) -> Handle {
        htmd::HtmlToMarkdown::new().html_to_tree(html).unwrap()
    }

    #[test]
    fn known_containers_come_before_the_largest_block() {
        let doc = parse(
            "<body><div id=side><p>很长的侧栏文字，很长的侧栏文字，很长的侧栏文字，很长的侧栏文字。</p></div>\
             <div id=zoom><div class=TRS_Editor><p>正文第一段，内容不少。</p></div></div></body>",
        );
        let c = main_container(&doc).unwrap();
        assert!(dom::has_class_or_id(&c, "TRS_Editor"));
        let plain = parse(
            "<body><div class=nav><a href=/>首页</a></div><td>　　没有已知容器的正文，文字最多的一块，\
             足够长足够长足够长。<br>第二行也是正文。</td></body>",
        );
        assert!(dom::text(&main_container(&plain).unwrap()).contains("没有已知容器的正文"));
    }

    #[test]
    fn link_lists_are_not_articles() {
        let list = parse(
            "<div class=content><ul><li><a href=1.html>街道开展消防检查</a> 2024-07-30</li>\
             <li><a href=2.html>社区举办安全讲座活动</a> 2024-07-29</li></ul></div>",
        );
        assert!(is_link_list(&main_container(&list).unwrap()));
        let article = parse(
            "<div class=content><p>正文很长，<a href=x>一个链接</a>，其余都是文字内容。</p></div>",
        );
        assert!(!is_link_list(&main_container(&article).unwrap()));
    }

    #[test]
    fn merged_cells_are_split_with_their_text() {
        let doc = parse(
            "<table><tr><td rowspan=2>甲</td><td>一</td></tr><tr><td>二</td></tr>\
             <tr><td colspan=2>合计</td></tr></table>",
        );
        assert_eq!(split_merged_cells(&doc), 1);
        let rows: Vec<String> = dom::descendants(&doc)
            .iter()
            .filter(|n| dom::is(n, "tr"))
            .map(|r| {
                dom::children(r)
                    .iter()
                    .map(|c| meta::clean(&dom::text(c)))
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        assert_eq!(rows, ["甲|一", "甲|二", "合计|合计"]);
    }

    #[test]
    fn chrome_text_is_recognised() {
        assert!(is_chrome_text("【打印本页】 【关闭窗口】"));
        assert!(is_chrome_text(
            "京ICP备12345678号 京公网安备 11010502000001号"
        ));
        assert!(is_chrome_text("上一篇：青石街道开展消防演练"));
        assert!(!is_chrome_text("街道组织辖区企业开展安全生产培训。"));
    }

    #[test]
    fn title_tags_lose_the_site_name() {
        assert_eq!(
            title_of_tag("青石街道开展消防演练_工作动态_青石街道"),
            "青石街道开展消防演练"
        );
        assert_eq!(
            title_of_tag("青石街道开展消防演练 - 青石街道"),
            "青石街道开展消防演练"
        );
        assert_eq!(title_of_tag("首页"), "首页");
    }
}
