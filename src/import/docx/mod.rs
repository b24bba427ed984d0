//! Word and WPS documents (.docx): the package opened with `zip`, its XML
//! parts read into trees, the body walked into blocks ([`body`]), then the
//! title and the meta lines taken out and the rest written as Markdown.
//!
//! Imports `dates` (the creation date in the site's zone), `error`,
//! `import::{meta, text, xml}`.
//!
//! Invariants: every part is read with a size limit (a .docx is a zip: a
//! small file can unpack to gigabytes); a document that is not a valid
//! package is refused with advice, never half-imported.

pub mod body;
pub mod inline;
pub mod parts;
pub mod table;

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

use body::{Block, Body, ListMark, Para};
use parts::{Core, Numbering, Styles};

use super::meta::{self, Field, Meta};
use super::text::{escape, escape_line_start};
use super::{Doc, shown, xml};
use crate::dates::SiteTz;
use crate::error::{Diagnostic, Span};

/// The largest XML part read (the text of a book is a few MB).
const MAX_PART: u64 = 64 * 1024 * 1024;
/// The largest image read, and all images of a document together.
const MAX_IMAGE: u64 = 50 * 1024 * 1024;
const MAX_IMAGES: u64 = 300 * 1024 * 1024;

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn read_entry(zip: &mut Zip<'_>, name: &str, limit: u64) -> Result<Option<Vec<u8>>, String> {
    let entry = match zip.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("{name}: {e}")),
    };
    let mut bytes = Vec::new();
    entry
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{name} is larger than {} MB", limit / 1024 / 1024));
    }
    Ok(Some(bytes))
}

fn read_xml(zip: &mut Zip<'_>, name: &str) -> Result<Option<xml::Element>, String> {
    let Some(bytes) = read_entry(zip, name, MAX_PART)? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    xml::parse(text)
        .map(Some)
        .map_err(|e| format!("{name}: {e}"))
}

/// The images of the package (`word/media/…`), by path.
fn media(zip: &mut Zip<'_>) -> Result<HashMap<String, Vec<u8>>, String> {
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("word/") && !n.ends_with(".xml") && !n.ends_with(".rels"))
        .map(|n| n.into_owned())
        .collect();
    let mut out = HashMap::new();
    let mut total = 0u64;
    for n in names {
        if super::image_ext(&n).is_none() {
            continue;
        }
        if let Some(bytes) = read_entry(zip, &n, MAX_IMAGE)? {
            total += bytes.len() as u64;
            if total > MAX_IMAGES {
                return Err(format!(
                    "the images add up to more than {} MB",
                    MAX_IMAGES / 1024 / 1024
                ));
            }
            out.insert(n, bytes);
        }
    }
    Ok(out)
}

/// Converts the .docx `bytes` read from `path`.
pub fn convert(path: &Path, bytes: &[u8], tz: &SiteTz) -> Result<Doc, Diagnostic> {
    let at = || Span::file(shown(path));
    let broken = |e: String| {
        Diagnostic::error(at(), format!("not a readable .docx file: {e}")).with_help(
            "文件可能已损坏，或只是改了扩展名：请用 WPS 或 Word 打开，另存为 .docx 后再导入",
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| broken(e.to_string()))?;
    let document = read_xml(&mut zip, "word/document.xml")
        .map_err(broken)?
        .ok_or_else(|| broken("it has no word/document.xml".into()))?;
    let styles = Styles::parse(
        read_xml(&mut zip, "word/styles.xml")
            .map_err(broken)?
            .as_ref(),
    );
    let numbering = Numbering::parse(
        read_xml(&mut zip, "word/numbering.xml")
            .map_err(broken)?
            .as_ref(),
    );
    let rels = parts::rels(
        read_xml(&mut zip, "word/_rels/document.xml.rels")
            .map_err(broken)?
            .as_ref(),
    );
    let note_rels = parts::rels(
        read_xml(&mut zip, "word/_rels/footnotes.xml.rels")
            .map_err(broken)?
            .as_ref(),
    );
    let end_rels = parts::rels(
        read_xml(&mut zip, "word/_rels/endnotes.xml.rels")
            .map_err(broken)?
            .as_ref(),
    );
    let footnotes = read_xml(&mut zip, "word/footnotes.xml").map_err(broken)?;
    let endnotes = read_xml(&mut zip, "word/endnotes.xml").map_err(broken)?;
    let core = parts::core(
        read_xml(&mut zip, "docProps/core.xml")
            .map_err(broken)?
            .as_ref(),
    );
    let media = media(&mut zip).map_err(broken)?;
    let body_el = document
        .child("w:body")
        .ok_or_else(|| broken("word/document.xml has no body".into()))?;

    let mut walker = Body::new(&styles, &numbering, &rels, &media);
    let blocks = walker.blocks(body_el);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (meta, mut markdown) = assemble(blocks, &core, &stem, tz);
    // The notes, in the order they are referred to.
    let mut notes = Vec::new();
    let mut i = 0;
    while i < walker.notes.len() {
        let (is_end, id) = walker.notes[i].clone();
        let part = if is_end { &endnotes } else { &footnotes };
        walker.rels = if is_end { &end_rels } else { &note_rels };
        let tag = if is_end { "w:endnote" } else { "w:footnote" };
        let text = part
            .as_ref()
            .and_then(|p| {
                p.elements()
                    .find(|n| n.name == tag && n.attr("w:id") == Some(&id))
            })
            .map(|n| {
                walker
                    .blocks(n)
                    .into_iter()
                    .filter_map(|b| match b {
                        Block::Para(p) if !p.is_empty() => Some(p.md),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
                    .replace("\\\n", " ")
            })
            .unwrap_or_default();
        notes.push(format!("[^{}]: {}", i + 1, text.trim()));
        i += 1;
    }
    if !notes.is_empty() {
        markdown.push('\n');
        markdown.push_str(&notes.join("\n"));
        markdown.push('\n');
    }

    let mut warnings = Vec::new();
    let found = &walker.found;
    if found.merged_tables > 0 {
        warnings.push(
            Diagnostic::warning(
                at(),
                format!(
                    "{} table(s) had merged cells; they became plain cells with the text repeated",
                    found.merged_tables
                ),
            )
            .with_help("网页表格不能合并单元格：合并的内容已在每个单元格重复，请核对表格"),
        );
    }
    if found.images_without_alt > 0 {
        warnings.push(
            Diagnostic::warning(
                at(),
                format!(
                    "{} image(s) have no description (alt text)",
                    found.images_without_alt
                ),
            )
            .with_help(
                "请在导入后的文件中为图片写上说明：![图片内容的简短说明](…)，读屏软件会朗读它",
            ),
        );
    }
    for (message, help) in &found.dropped {
        warnings.push(Diagnostic::warning(at(), message.clone()).with_help(help.clone()));
    }
    Ok(Doc {
        input: path.to_path_buf(),
        meta,
        column_name: None,
        markdown,
        images: std::mem::take(&mut walker.images.list),
        warnings,
    })
}

fn is_title(p: &Para) -> bool {
    (p.heading.is_some() || p.title_style || p.title_like)
        && !p.has_image
        && p.list.is_none()
        && p.plain.chars().count() <= 100
}

/// Takes the title and the meta lines out of `blocks` and writes the
/// rest as Markdown.
fn assemble(blocks: Vec<Block>, core: &Core, stem: &str, tz: &SiteTz) -> (Meta, String) {
    let mut meta = Meta::default();
    let mut keep = vec![true; blocks.len()];
    let para = |i: usize| match &blocks[i] {
        Block::Para(p) => Some(p),
        Block::Table(_) => None,
    };
    let nonempty: Vec<usize> = (0..blocks.len())
        .filter(|&i| para(i).is_none_or(|p| !p.is_empty()))
        .collect();
    let mut next = 0;
    // The title: the first paragraph, or one below a few short lines
    // (a 文号, 附件1, 密级) that stay in the text.
    let at = nonempty
        .iter()
        .take(3)
        .position(|&i| para(i).is_some_and(is_title));
    let short_before = |n: usize| {
        nonempty[..n]
            .iter()
            .all(|&i| para(i).is_some_and(|p| p.plain.trim().chars().count() <= 30))
    };
    if let Some(n) = at.filter(|&n| short_before(n))
        && let Some(p) = para(nonempty[n])
    {
        let mut title = p.plain.clone();
        keep[nonempty[n]] = false;
        next = n + 1;
        // A long title set on two lines in the title's style.
        while let Some(&i) = nonempty.get(next) {
            match para(i) {
                Some(q) if p.heading.is_none() && q.heading.is_none() && is_title(q) => {
                    title.push_str(&q.plain);
                    keep[i] = false;
                    next += 1;
                }
                _ => break,
            }
        }
        meta.set_title(&title.replace('\n', ""));
    }
    // Meta lines after the title and at the end.
    for &i in nonempty.iter().skip(next).take(4) {
        match para(i).and_then(|p| meta::parse_line(&p.plain)) {
            Some(pairs) => {
                meta.take(&pairs);
                keep[i] = false;
            }
            None => break,
        }
    }
    for &i in nonempty.iter().rev().take(4) {
        if !keep[i] {
            break;
        }
        match para(i).and_then(|p| meta::parse_line(&p.plain)) {
            Some(pairs) => {
                meta.take(&pairs);
                keep[i] = false;
            }
            None => break,
        }
    }
    // A closing line that is only a date (under a notice's signature).
    if let Some(&last) = nonempty.iter().rev().find(|&&i| keep[i])
        && let Some(p) = para(last)
        && p.plain.trim().chars().count() <= 20
        && p.plain
            .trim()
            .starts_with(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        meta.set(Field::Date, p.plain.trim());
    }
    if let Some(t) = core.title.as_deref().filter(|t| meta::plausible_title(t)) {
        meta.set_title(t);
    }
    meta.set_title(stem);
    if let Some(c) = core
        .creator
        .as_deref()
        .filter(|c| meta::plausible_author(c))
    {
        meta.set(Field::Author, c);
    }
    if let Some(d) = core
        .created
        .as_deref()
        .and_then(|c| super::local_date(c, tz))
    {
        meta.set(Field::Date, &d);
    }

    let top = (0..blocks.len())
        .filter(|&i| keep[i])
        .filter_map(|i| para(i).and_then(|p| p.heading))
        .min()
        .unwrap_or(2);
    let mut out = String::new();
    let mut prev_list = false;
    for (i, b) in blocks.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let (text, is_list) = match b {
            Block::Table(t) => (t.clone(), false),
            Block::Para(p) if p.is_empty() => continue,
            Block::Para(p) => match (p.heading, p.list) {
                (Some(level), _) => {
                    let level = (level + 2).saturating_sub(top).clamp(2, 6);
                    let text = escape(&meta::clean(&p.plain));
                    (format!("{} {text}", "#".repeat(level)), false)
                }
                (None, Some(mark)) => (list_item(&p.md, mark), true),
                (None, None) => (
                    p.md.split('\n')
                        .map(escape_line_start)
                        .collect::<Vec<_>>()
                        .join("\n"),
                    false,
                ),
            },
        };
        if !out.is_empty() {
            out.push_str(if is_list && prev_list { "\n" } else { "\n\n" });
        }
        out.push_str(&text);
        prev_list = is_list;
    }
    out.push('\n');
    (meta, out)
}

fn list_item(md: &str, mark: ListMark) -> String {
    let (level, marker) = match mark {
        ListMark::Bullet(l) => (l, "-".to_owned()),
        ListMark::Ordered(l, n) => (l, format!("{n}.")),
    };
    let indent = " ".repeat(4 * usize::from(level.min(8)));
    let cont = format!("{indent}{}", " ".repeat(marker.len() + 1));
    let mut lines = md.split('\n');
    let mut s = format!("{indent}{marker} {}", lines.next().unwrap_or(""));
    for l in lines {
        s.push('\n');
        s.push_str(&cont);
        s.push_str(l);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(plain: &str) -> Block {
        Block::Para(Para {
            md: escape(plain),
            plain: plain.into(),
            ..Para::default()
        })
    }

    fn title_like(plain: &str) -> Block {
        Block::Para(Para {
            md: escape(plain),
            plain: plain.into(),
            title_like: true,
            ..Para::default()
        })
    }

    fn heading(level: usize, plain: &str) -> Block {
        Block::Para(Para {
            md: escape(plain),
            plain: plain.into(),
            heading: Some(level),
            ..Para::default()
        })
    }

    #[test]
    fn title_meta_lines_and_closing_date_are_taken_out() {
        let tz = SiteTz::new("Asia/Shanghai").unwrap();
        let blocks = vec![
            para("青安办〔2024〕12号"),
            title_like("关于开展燃气安全"),
            title_like("专项检查的通知"),
            para("来源：青石街道　作者：李敏"),
            para("各社区："),
            heading(2, "一、检查范围"),
            para("全街道。"),
            para("青石街道办事处"),
            para("2024年7月30日"),
            para("（责任编辑：孙婷婷）"),
        ];
        let core = Core {
            title: Some("Document".into()),
            creator: Some("王强".into()),
            created: Some("2020-01-01T00:00:00Z".into()),
        };
        let (meta, md) = assemble(blocks, &core, "tongzhi", &tz);
        assert_eq!(
            meta.title.as_deref(),
            Some("关于开展燃气安全专项检查的通知")
        );
        assert_eq!(meta.source.as_deref(), Some("青石街道"));
        assert_eq!(meta.author.as_deref(), Some("李敏"));
        assert_eq!(meta.editor.as_deref(), Some("孙婷婷"));
        assert_eq!(meta.date.as_deref(), Some("2024-07-30"));
        assert_eq!(
            md,
            "青安办〔2024〕12号\n\n各社区：\n\n## 一、检查范围\n\n全街道。\n\n青石街道办事处\n\n2024年7月30日\n"
        );
    }

    #[test]
    fn without_a_title_paragraph_the_properties_then_the_file_name_are_used() {
        let tz = SiteTz::new("Asia/Shanghai").unwrap();
        let core = Core {
            title: Some("街道安全生产工作总结".into()),
            creator: Some("王强".into()),
            created: Some("2024-07-29T18:00:00Z".into()),
        };
        let (meta, _) = assemble(vec![para("正文。")], &core, "zongjie", &tz);
        assert_eq!(meta.title.as_deref(), Some("街道安全生产工作总结"));
        assert_eq!(meta.author.as_deref(), Some("王强"));
        // 18:00 UTC is the next morning in Beijing.
        assert_eq!(meta.date.as_deref(), Some("2024-07-30"));
        let (meta, _) = assemble(vec![para("正文。")], &Core::default(), "zongjie", &tz);
        assert_eq!(meta.title.as_deref(), Some("zongjie"));
        assert_eq!(meta.date, None);
    }
}
