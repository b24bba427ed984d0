//! The body of a Word document as blocks: paragraphs (with their inline
//! Markdown, plain text and what they are: heading, title, list item) and
//! tables (`table`), with the images and notes they refer to collected on
//! the way.
//!
//! Imports `import::{xml, text}`, the package's parts and `inline`. Pure
//! but for the images it hands to [`Images`].
//!
//! Invariants: text is escaped before any markup is added (`inline`);
//! hidden text (`w:vanish`), deleted text and field codes are left out;
//! numbers Markdown cannot write (`一、`, `（1）`) are kept as text.

use std::collections::HashMap;

use super::inline::{Fmt, Seg, escape_alt, plain, render};
use super::parts::{Numbering, Rel, Styles, center_of, font_of, format_number, num_of, size_of};
use crate::import::text::escape;
use crate::import::xml::{Element, on};
use crate::import::{IMAGES, Images, image_ext};

/// How a paragraph is a list item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListMark {
    Bullet(u8),
    /// Level and number.
    Ordered(u8, u32),
}

/// One paragraph.
#[derive(Debug, Clone, Default)]
pub struct Para {
    /// Inline Markdown; lines joined by hard breaks (`\` newline).
    pub md: String,
    pub plain: String,
    pub heading: Option<usize>,
    /// In the Title style.
    pub title_style: bool,
    /// Set like a Chinese document's title: 方正小标宋, or large and centred.
    pub title_like: bool,
    pub list: Option<ListMark>,
    pub has_image: bool,
}

impl Para {
    pub fn is_empty(&self) -> bool {
        self.plain.trim().is_empty() && !self.has_image
    }
}

#[derive(Debug, Clone)]
pub enum Block {
    Para(Para),
    /// A Markdown table.
    Table(String),
}

/// The state of a complex field (`w:fldChar`): its code is skipped, a
/// HYPERLINK's result becomes a link.
#[derive(Debug, Default)]
struct Field {
    in_code: bool,
    code: String,
    link: Option<String>,
}

/// What a walk reports beside the blocks.
#[derive(Debug, Default)]
pub struct Found {
    pub merged_tables: usize,
    pub images_without_alt: usize,
    /// (message, help) of things left out.
    pub dropped: Vec<(String, String)>,
}

pub struct Body<'a> {
    pub styles: &'a Styles,
    pub numbering: &'a Numbering,
    pub rels: &'a HashMap<String, Rel>,
    pub media: &'a HashMap<String, Vec<u8>>,
    pub images: Images,
    /// Notes referenced, in order: (is an endnote, id); label = index + 1.
    pub notes: Vec<(bool, String)>,
    pub found: Found,
    counters: HashMap<(String, u8), u32>,
    field: Field,
}

/// The target of a `HYPERLINK "url"` field code.
fn hyperlink_of(code: &str) -> Option<String> {
    let rest = code.trim().strip_prefix("HYPERLINK")?;
    let start = rest.find('"')? + 1;
    let end = rest[start..].find('"')? + start;
    web_link(&rest[start..end])
}

/// A link target kept as a link: web, mail and phone links only.
fn web_link(target: &str) -> Option<String> {
    let t = target.trim();
    let lower = t.to_ascii_lowercase();
    (lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:"))
    .then(|| t.to_owned())
}

/// Whether a font is the 小标宋 of Chinese official documents' titles.
pub fn is_title_font(font: &str) -> bool {
    let f = font.to_lowercase();
    f.contains("小标宋") || f.contains("标宋") || f.contains("xiaobiaosong") || f.contains("fzxbs")
}

impl<'a> Body<'a> {
    pub fn new(
        styles: &'a Styles,
        numbering: &'a Numbering,
        rels: &'a HashMap<String, Rel>,
        media: &'a HashMap<String, Vec<u8>>,
    ) -> Self {
        Body {
            styles,
            numbering,
            rels,
            media,
            images: Images::default(),
            notes: Vec::new(),
            found: Found::default(),
            counters: HashMap::new(),
            field: Field::default(),
        }
    }

    /// The blocks of a container (`w:body`, a cell, a note).
    pub fn blocks(&mut self, container: &Element) -> Vec<Block> {
        let mut out = Vec::new();
        for e in container.elements() {
            match e.name.as_str() {
                "w:p" => {
                    let (p, extra) = self.paragraph(e);
                    out.push(Block::Para(p));
                    out.extend(extra);
                }
                "w:tbl" => out.extend(self.table(e)),
                "w:sdt" => {
                    if let Some(c) = e.child("w:sdtContent") {
                        out.extend(self.blocks(c));
                    }
                }
                "w:customXml" | "w:ins" | "w:moveTo" | "w:txbxContent" => {
                    out.extend(self.blocks(e))
                }
                _ => {}
            }
        }
        out
    }

    pub fn paragraph(&mut self, p: &Element) -> (Para, Vec<Block>) {
        let ppr = p.child("w:pPr");
        let style = ppr.and_then(|pp| pp.child_val("w:pStyle"));
        let direct_outline = ppr
            .and_then(|pp| pp.child_val("w:outlineLvl"))
            .and_then(|v| v.parse::<usize>().ok());
        let heading = match direct_outline {
            Some(o) if o < 9 => Some(o + 1),
            Some(_) => None,
            None => self.styles.heading_level(style),
        };
        let mut segs = Vec::new();
        let mut extra = Vec::new();
        let mut font = None;
        self.inline(p, None, &mut segs, &mut extra, &mut font);
        let (run_font, run_size) = font.unwrap_or((None, None));
        let center = ppr
            .and_then(center_of)
            .unwrap_or_else(|| self.styles.center(style));
        let font = run_font.or_else(|| self.styles.font(style));
        let size = run_size.or_else(|| self.styles.size(style));
        let mut para = Para {
            md: render(&segs),
            plain: plain(&segs),
            heading,
            title_style: self.styles.is_title(style),
            title_like: font.as_deref().is_some_and(is_title_font)
                || (center && size.is_some_and(|s| s >= 36)),
            list: None,
            has_image: segs
                .iter()
                .any(|s| matches!(s, Seg::Raw(r, _) if r.starts_with("!["))),
        };
        let num = ppr
            .and_then(num_of)
            .or_else(|| self.styles.num(style))
            .filter(|(id, _)| id != "0");
        if let Some((id, ilvl)) = num
            && !para.is_empty()
        {
            self.number(&mut para, &id, ilvl);
        }
        (para, extra)
    }

    /// Makes `para` an item of list `id` at `ilvl`: a Markdown list item,
    /// or for numbers Markdown cannot write (`一、`, `（1）`) the number as
    /// text.
    fn number(&mut self, para: &mut Para, id: &str, ilvl: u8) {
        let Some(level) = self.numbering.level(id, ilvl).cloned() else {
            return;
        };
        let n = {
            let c = self
                .counters
                .entry((id.to_owned(), ilvl))
                .or_insert(level.start.saturating_sub(1));
            *c += 1;
            *c
        };
        self.counters.retain(|(nid, l), _| nid != id || *l <= ilvl);
        match level.format.as_str() {
            "none" => return,
            "bullet" if para.heading.is_none() => {
                para.list = Some(ListMark::Bullet(ilvl));
                return;
            }
            "bullet" => return,
            "decimal"
                if para.heading.is_none()
                    && (level.text == format!("%{}.", ilvl + 1)
                        || level.text == format!("%{})", ilvl + 1)) =>
            {
                para.list = Some(ListMark::Ordered(ilvl, n));
                return;
            }
            _ => {}
        }
        // The number as text: `%1` … `%9` are the counters of the levels.
        let mut prefix = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
            {
                chars.next();
                let l = (d.max(1) - 1) as u8;
                let value = if l == ilvl {
                    n
                } else {
                    self.counters.get(&(id.to_owned(), l)).copied().unwrap_or(1)
                };
                let format = self
                    .numbering
                    .level(id, l)
                    .map_or("decimal", |lv| lv.format.as_str());
                prefix.push_str(&format_number(format, value));
            } else {
                prefix.push(c);
            }
        }
        let sep =
            if prefix.ends_with(|c: char| c.is_ascii_punctuation() || c.is_ascii_alphanumeric()) {
                " "
            } else {
                ""
            };
        para.md = format!("{}{sep}{}", escape(&prefix), para.md);
        para.plain = format!("{prefix}{sep}{}", para.plain);
    }

    fn inline(
        &mut self,
        e: &Element,
        link: Option<&str>,
        segs: &mut Vec<Seg>,
        extra: &mut Vec<Block>,
        font: &mut Option<(Option<String>, Option<u32>)>,
    ) {
        for c in e.elements() {
            match c.name.as_str() {
                "w:r" => self.run(c, link, segs, extra, font),
                "w:hyperlink" => {
                    let target = c
                        .attr("r:id")
                        .and_then(|id| self.rels.get(id))
                        .filter(|r| r.external)
                        .and_then(|r| web_link(&r.target));
                    self.inline(c, target.as_deref().or(link), segs, extra, font);
                }
                "w:fldSimple" => {
                    let target = c.attr("w:instr").and_then(hyperlink_of);
                    self.inline(c, target.as_deref().or(link), segs, extra, font);
                }
                "w:ins" | "w:smartTag" | "w:customXml" | "w:moveTo" | "w:dir" | "w:bdo" => {
                    self.inline(c, link, segs, extra, font)
                }
                "w:sdt" => {
                    if let Some(content) = c.child("w:sdtContent") {
                        self.inline(content, link, segs, extra, font);
                    }
                }
                "m:oMath" | "m:oMathPara" => {
                    segs.push(Seg::Text(c.text(), Fmt::default(), link.map(str::to_owned)))
                }
                _ => {}
            }
        }
    }

    fn run(
        &mut self,
        r: &Element,
        link: Option<&str>,
        segs: &mut Vec<Seg>,
        extra: &mut Vec<Block>,
        font: &mut Option<(Option<String>, Option<u32>)>,
    ) {
        let rpr = r.child("w:rPr");
        if rpr.is_some_and(|p| on(p.child("w:vanish"))) {
            return;
        }
        let (mut b, mut i) = self
            .styles
            .run_format(rpr.and_then(|p| p.child_val("w:rStyle")));
        if let Some(p) = rpr {
            if let Some(x) = p.child("w:b") {
                b = on(Some(x));
            }
            if let Some(x) = p.child("w:i") {
                i = on(Some(x));
            }
        }
        let u = rpr
            .and_then(|p| p.child("w:u"))
            .is_some_and(|x| !matches!(x.attr("w:val"), Some("none" | "0")));
        let fmt = Fmt { b, i, u };
        if font.is_none() && r.child("w:t").is_some_and(|t| !t.text().trim().is_empty()) {
            *font = Some((rpr.and_then(font_of), rpr.and_then(size_of)));
        }
        self.run_items(r, fmt, link, segs, extra);
    }

    fn run_items(
        &mut self,
        r: &Element,
        fmt: Fmt,
        link: Option<&str>,
        segs: &mut Vec<Seg>,
        extra: &mut Vec<Block>,
    ) {
        for c in r.elements() {
            let link = self.field.link.as_deref().or(link).map(str::to_owned);
            match c.name.as_str() {
                "w:t" if !self.field.in_code => segs.push(Seg::Text(c.text(), fmt, link)),
                "w:tab" | "w:ptab" => segs.push(Seg::Text("\t".into(), fmt, link)),
                "w:noBreakHyphen" => segs.push(Seg::Text("-".into(), fmt, link)),
                "w:br" if !matches!(c.attr("w:type"), Some("page" | "column")) => {
                    segs.push(Seg::Break)
                }
                "w:cr" => segs.push(Seg::Break),
                "w:fldChar" => match c.attr("w:fldCharType") {
                    Some("begin") => {
                        self.field.in_code = true;
                        self.field.code.clear();
                    }
                    Some("separate") => {
                        self.field.in_code = false;
                        self.field.link = hyperlink_of(&self.field.code);
                    }
                    Some("end") => self.field = Field::default(),
                    _ => {}
                },
                "w:instrText" if self.field.in_code => self.field.code.push_str(&c.text()),
                "w:footnoteReference" | "w:endnoteReference" => {
                    if let Some(id) = c.attr("w:id") {
                        let key = (c.name == "w:endnoteReference", id.to_owned());
                        let n = match self.notes.iter().position(|k| *k == key) {
                            Some(p) => p + 1,
                            None => {
                                self.notes.push(key);
                                self.notes.len()
                            }
                        };
                        segs.push(Seg::Raw(format!("[^{n}]"), None));
                    }
                }
                "w:drawing" | "w:pict" | "w:object" => self.drawing(c, link, segs, extra),
                "mc:AlternateContent" => {
                    if let Some(choice) = c.child("mc:Choice").or_else(|| c.child("mc:Fallback")) {
                        self.run_items(choice, fmt, link.as_deref(), segs, extra);
                    }
                }
                _ => {}
            }
        }
    }

    /// The images of a drawing (DrawingML `a:blip`, VML `v:imagedata`)
    /// and the paragraphs of its text boxes.
    fn drawing(
        &mut self,
        d: &Element,
        link: Option<String>,
        segs: &mut Vec<Seg>,
        extra: &mut Vec<Block>,
    ) {
        let alt = d
            .find("wp:docPr")
            .and_then(|p| {
                p.attr("descr")
                    .filter(|s| !s.trim().is_empty())
                    .or(p.attr("title"))
            })
            .or_else(|| d.find("v:shape").and_then(|s| s.attr("alt")))
            .or_else(|| d.find("v:imagedata").and_then(|s| s.attr("o:title")))
            .unwrap_or("")
            .to_owned();
        let mut refs = Vec::new();
        d.find_all("a:blip", &mut refs);
        d.find_all("v:imagedata", &mut refs);
        for r in refs {
            if let Some(id) = r.attr("r:embed").or_else(|| r.attr("r:id")) {
                if let Some(md) = self.image(id, &alt) {
                    segs.push(Seg::Raw(md, link.clone()));
                }
            } else if r.attr("r:link").is_some() {
                self.found.dropped.push((
                    "a linked image (outside the document) was left out".into(),
                    "文档中的图片是“链接到文件”方式插入的，没有保存在文档里；请在 Word/WPS 中改为“嵌入”后重新导入".into(),
                ));
            }
        }
        let mut boxes = Vec::new();
        d.find_all("w:txbxContent", &mut boxes);
        for b in boxes {
            extra.extend(self.blocks(b));
        }
    }

    fn image(&mut self, id: &str, alt: &str) -> Option<String> {
        let rel = self.rels.get(id)?;
        if rel.external {
            self.found.dropped.push((
                format!("a linked image was left out: {}", rel.target),
                "导入时不联网下载图片；请把图片插入（嵌入）文档后重新导入，或导入后手工放入图片"
                    .into(),
            ));
            return None;
        }
        let part = super::parts::part_path(&rel.target)?;
        let file = part.rsplit('/').next().unwrap_or(&part).to_owned();
        if image_ext(&file).is_none() {
            self.found.dropped.push((
                format!("image `{file}` is in a format web pages cannot show; left out"),
                "EMF/WMF/TIFF/BMP 等格式网页不能显示：请在 WPS/Word 中把图片另存为 PNG 或 JPG，放在导入后的图片文件夹中并在正文中引用".into(),
            ));
            return None;
        }
        let Some(bytes) = self.media.get(&part) else {
            self.found.dropped.push((
                format!("image `{part}` is missing from the document"),
                "文档可能已损坏：请用 WPS/Word 打开后重新另存为 .docx".into(),
            ));
            return None;
        };
        if alt.trim().is_empty() {
            self.found.images_without_alt += 1;
        }
        let name = self.images.add(&part, &file, bytes.clone());
        Some(format!("![{}]({IMAGES}/{name})", escape_alt(alt)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlink_fields_give_their_target() {
        assert_eq!(
            hyperlink_of(" HYPERLINK \"https://www.mem.gov.cn/\" \\t \"_blank\"").as_deref(),
            Some("https://www.mem.gov.cn/")
        );
        assert_eq!(hyperlink_of("HYPERLINK \\l \"_Toc1\""), None);
        assert_eq!(hyperlink_of("PAGE"), None);
        assert_eq!(web_link("javascript:alert(1)"), None);
    }

    #[test]
    fn title_fonts_are_recognised() {
        assert!(is_title_font("方正小标宋简体"));
        assert!(is_title_font("FZXiaoBiaoSong-B05S"));
        assert!(!is_title_font("仿宋_GB2312"));
    }
}
