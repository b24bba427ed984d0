//! The parts of a .docx package that say how to read the text: styles
//! (which paragraphs are headings or the title), numbering definitions
//! (lists), relationships (links and images) and core properties.
//!
//! Pure functions of the parts' XML trees; imports `import::xml`.
//!
//! Invariants: a style's properties are followed up its `basedOn` chain at
//! most [`MAX_CHAIN`] steps (a cycle cannot loop); unknown styles and
//! numbering ids read as plain paragraphs.

use std::collections::HashMap;

use crate::import::xml::{Element, on};

const MAX_CHAIN: usize = 16;

/// One paragraph or character style.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Style {
    pub name: String,
    pub based_on: Option<String>,
    /// `w:outlineLvl` (0 = level 1; 9 = body text).
    pub outline: Option<u8>,
    /// The style's list: (numId, ilvl).
    pub num: Option<(String, u8)>,
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub font: Option<String>,
    /// Size in half-points (`w:sz`).
    pub size: Option<u32>,
    pub center: Option<bool>,
}

/// The styles of a document by id.
#[derive(Debug, Default)]
pub struct Styles {
    map: HashMap<String, Style>,
    /// The default paragraph style's id (`w:default="1"`).
    default_para: Option<String>,
}

/// The heading level a style name means: Word's built-in `heading 1` …
/// `heading 9` (whatever the interface language, Word stores these names),
/// the Chinese names WPS and translated templates write (`标题 1`, `标题1`),
/// and ids such as `Heading2`.
pub fn heading_level_of_name(name: &str) -> Option<usize> {
    let n = name.trim().to_lowercase();
    let rest = n
        .strip_prefix("heading")
        .or_else(|| n.strip_prefix("标题"))?
        .trim();
    let level: usize = rest.parse().ok()?;
    (1..=9).contains(&level).then_some(level)
}

/// Whether a style name is the document title style (`Title`, `标题`).
pub fn is_title_name(name: &str) -> bool {
    let n = name.trim().to_lowercase();
    n == "title" || n == "标题"
}

/// The font of run properties (`w:rFonts`): the East Asian one first.
pub fn font_of(rpr: &Element) -> Option<String> {
    let f = rpr.child("w:rFonts")?;
    f.attr("w:eastAsia")
        .or_else(|| f.attr("w:ascii"))
        .or_else(|| f.attr("w:hAnsi"))
        .map(str::to_owned)
}

/// A half-point size (`w:sz w:val="44"`).
pub fn size_of(rpr: &Element) -> Option<u32> {
    rpr.child_val("w:sz").and_then(|v| v.parse().ok())
}

/// Whether paragraph properties centre the paragraph.
pub fn center_of(ppr: &Element) -> Option<bool> {
    ppr.child_val("w:jc").map(|v| v == "center")
}

/// A numbering reference (`w:numPr`): (numId, ilvl); numId 0 means none.
pub fn num_of(ppr: &Element) -> Option<(String, u8)> {
    let n = ppr.child("w:numPr")?;
    let id = n.child_val("w:numId")?.to_owned();
    let lvl = n
        .child_val("w:ilvl")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some((id, lvl))
}

impl Styles {
    pub fn parse(root: Option<&Element>) -> Styles {
        let mut s = Styles::default();
        let Some(root) = root else { return s };
        for st in root.elements().filter(|e| e.name == "w:style") {
            let Some(id) = st.attr("w:styleId") else {
                continue;
            };
            let ppr = st.child("w:pPr");
            let rpr = st.child("w:rPr");
            let style = Style {
                name: st.child_val("w:name").unwrap_or("").to_owned(),
                based_on: st.child_val("w:basedOn").map(str::to_owned),
                outline: ppr
                    .and_then(|p| p.child_val("w:outlineLvl"))
                    .and_then(|v| v.parse().ok()),
                num: ppr.and_then(num_of),
                bold: rpr.and_then(|r| r.child("w:b")).map(|b| on(Some(b))),
                italic: rpr.and_then(|r| r.child("w:i")).map(|b| on(Some(b))),
                font: rpr.and_then(font_of),
                size: rpr.and_then(size_of),
                center: ppr.and_then(center_of),
            };
            if st.attr("w:type") == Some("paragraph") && on_attr(st.attr("w:default")) {
                s.default_para = Some(id.to_owned());
            }
            s.map.insert(id.to_owned(), style);
        }
        s
    }

    /// The style chain of `id`, nearest first.
    fn chain<'a>(&'a self, id: Option<&'a str>) -> impl Iterator<Item = &'a Style> + 'a {
        let mut next = id.or(self.default_para.as_deref());
        std::iter::from_fn(move || {
            let s = self.map.get(next?)?;
            next = s.based_on.as_deref();
            Some(s)
        })
        .take(MAX_CHAIN)
    }

    /// The heading level of a paragraph of style `id` (by its name, the
    /// style's id, or its outline level).
    pub fn heading_level(&self, id: Option<&str>) -> Option<usize> {
        if let Some(level) = id.and_then(heading_level_of_name) {
            return Some(level);
        }
        for s in self.chain(id) {
            if is_title_name(&s.name) {
                return None;
            }
            if let Some(l) = heading_level_of_name(&s.name) {
                return Some(l);
            }
            if let Some(o) = s.outline {
                return (o < 9).then_some(o as usize + 1);
            }
        }
        None
    }

    /// Whether style `id` is (based on) the Title style.
    pub fn is_title(&self, id: Option<&str>) -> bool {
        id.is_some() && self.chain(id).any(|s| is_title_name(&s.name))
    }

    pub fn num(&self, id: Option<&str>) -> Option<(String, u8)> {
        self.chain(id).find_map(|s| s.num.clone())
    }

    pub fn font(&self, id: Option<&str>) -> Option<String> {
        self.chain(id).find_map(|s| s.font.clone())
    }

    pub fn size(&self, id: Option<&str>) -> Option<u32> {
        self.chain(id).find_map(|s| s.size)
    }

    pub fn center(&self, id: Option<&str>) -> bool {
        self.chain(id).find_map(|s| s.center).unwrap_or(false)
    }

    /// Bold and italic of a character style.
    pub fn run_format(&self, id: Option<&str>) -> (bool, bool) {
        if id.is_none() {
            return (false, false);
        }
        let bold = self.chain(id).find_map(|s| s.bold).unwrap_or(false);
        let italic = self.chain(id).find_map(|s| s.italic).unwrap_or(false);
        (bold, italic)
    }
}

fn on_attr(v: Option<&str>) -> bool {
    matches!(v, Some("1" | "true" | "on"))
}

/// How a list level is numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// `w:numFmt`: bullet, decimal, chineseCounting …
    pub format: String,
    /// `w:lvlText`: `%1.`, `（%1）`, `%1、`.
    pub text: String,
    pub start: u32,
}

/// The numbering definitions: numId → its abstract definition's levels.
#[derive(Debug, Default)]
pub struct Numbering {
    nums: HashMap<String, String>,
    abstracts: HashMap<String, HashMap<u8, Level>>,
}

impl Numbering {
    pub fn parse(root: Option<&Element>) -> Numbering {
        let mut n = Numbering::default();
        let Some(root) = root else { return n };
        for e in root.elements() {
            match e.name.as_str() {
                "w:abstractNum" => {
                    let Some(id) = e.attr("w:abstractNumId") else {
                        continue;
                    };
                    let mut levels = HashMap::new();
                    for l in e.elements().filter(|l| l.name == "w:lvl") {
                        let Some(ilvl) = l.attr("w:ilvl").and_then(|v| v.parse().ok()) else {
                            continue;
                        };
                        levels.insert(
                            ilvl,
                            Level {
                                format: l.child_val("w:numFmt").unwrap_or("decimal").to_owned(),
                                text: l.child_val("w:lvlText").unwrap_or("").to_owned(),
                                start: l
                                    .child_val("w:start")
                                    .and_then(|v| v.parse().ok())
                                    .unwrap_or(1),
                            },
                        );
                    }
                    n.abstracts.insert(id.to_owned(), levels);
                }
                "w:num" => {
                    if let (Some(id), Some(a)) = (e.attr("w:numId"), e.child_val("w:abstractNumId"))
                    {
                        n.nums.insert(id.to_owned(), a.to_owned());
                    }
                }
                _ => {}
            }
        }
        n
    }

    pub fn level(&self, num_id: &str, ilvl: u8) -> Option<&Level> {
        self.abstracts.get(self.nums.get(num_id)?)?.get(&ilvl)
    }
}

/// A number in a list format: `decimal` 3 → `3`, `chineseCounting` 12 →
/// `十二`, `lowerLetter` 2 → `b`, `decimalEnclosedCircle` 1 → `①`.
pub fn format_number(format: &str, n: u32) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "ideographTraditional"
        | "taiwaneseCounting"
        | "japaneseCounting" => chinese(n),
        "lowerLetter" | "upperLetter" => {
            let base = if format == "lowerLetter" { b'a' } else { b'A' };
            let i = (n.max(1) - 1) % 26;
            let c = char::from(base + i as u8);
            c.to_string().repeat(((n.max(1) - 1) / 26 + 1) as usize)
        }
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalZero" if n < 10 => format!("0{n}"),
        _ => n.to_string(),
    }
}

fn chinese(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[(n - 10) as usize] }),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

fn roman(mut n: u32) -> String {
    const R: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in R {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// A relationship target: where it points and whether it is outside the
/// package (a web link, a linked image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rel {
    pub target: String,
    pub external: bool,
}

/// `word/_rels/document.xml.rels` (or a footnotes part's): id → target.
pub fn rels(root: Option<&Element>) -> HashMap<String, Rel> {
    let mut out = HashMap::new();
    let Some(root) = root else { return out };
    for r in root.elements() {
        if let (Some(id), Some(target)) = (r.attr("Id"), r.attr("Target")) {
            out.insert(
                id.to_owned(),
                Rel {
                    target: target.to_owned(),
                    external: r.attr("TargetMode") == Some("External"),
                },
            );
        }
    }
    out
}

/// The package path of a target written relative to `word/`.
pub fn part_path(target: &str) -> Option<String> {
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_owned(),
        None => format!("word/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Core properties (`docProps/core.xml`): title, creator, created.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Core {
    pub title: Option<String>,
    pub creator: Option<String>,
    pub created: Option<String>,
}

pub fn core(root: Option<&Element>) -> Core {
    let Some(root) = root else {
        return Core::default();
    };
    let get = |name: &str| {
        root.child(name)
            .map(|e| e.text().trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    Core {
        title: get("dc:title"),
        creator: get("dc:creator"),
        created: get("dcterms:created"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::xml::parse;

    #[test]
    fn heading_names_in_english_and_chinese() {
        assert_eq!(heading_level_of_name("heading 1"), Some(1));
        assert_eq!(heading_level_of_name("Heading2"), Some(2));
        assert_eq!(heading_level_of_name("标题 3"), Some(3));
        assert_eq!(heading_level_of_name("标题1"), Some(1));
        assert_eq!(heading_level_of_name("标题"), None);
        assert_eq!(heading_level_of_name("Normal"), None);
        assert!(is_title_name("Title"));
        assert!(is_title_name("标题"));
    }

    const STYLES: &str = r#"<w:styles xmlns:w="x">
        <w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
        <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/></w:style>
        <w:style w:type="paragraph" w:styleId="21"><w:name w:val="标题 2"/></w:style>
        <w:style w:type="paragraph" w:styleId="my"><w:name w:val="我的二级"/><w:basedOn w:val="21"/></w:style>
        <w:style w:type="paragraph" w:styleId="ol"><w:name w:val="正文大纲"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
        <w:style w:type="paragraph" w:styleId="t"><w:name w:val="Title"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/></w:rPr></w:style>
        <w:style w:type="paragraph" w:styleId="loop"><w:name w:val="x"/><w:basedOn w:val="loop"/></w:style>
    </w:styles>"#;

    #[test]
    fn headings_by_name_basis_and_outline_level() {
        let s = Styles::parse(Some(&parse(STYLES).unwrap()));
        assert_eq!(s.heading_level(Some("1")), Some(1));
        assert_eq!(s.heading_level(Some("21")), Some(2));
        assert_eq!(s.heading_level(Some("my")), Some(2));
        assert_eq!(s.heading_level(Some("ol")), Some(3));
        assert_eq!(s.heading_level(Some("Heading4")), Some(4));
        assert_eq!(s.heading_level(None), None);
        assert_eq!(s.heading_level(Some("t")), None);
        assert_eq!(s.heading_level(Some("loop")), None);
        assert!(s.is_title(Some("t")));
        assert_eq!(s.font(Some("t")).as_deref(), Some("方正小标宋简体"));
        assert_eq!(s.size(Some("t")), Some(44));
        assert!(s.center(Some("t")));
    }

    #[test]
    fn numbers_in_list_formats() {
        assert_eq!(format_number("chineseCounting", 1), "一");
        assert_eq!(format_number("chineseCounting", 10), "十");
        assert_eq!(format_number("chineseCountingThousand", 12), "十二");
        assert_eq!(format_number("chineseCounting", 30), "三十");
        assert_eq!(format_number("lowerLetter", 2), "b");
        assert_eq!(format_number("upperRoman", 4), "IV");
        assert_eq!(format_number("decimalEnclosedCircle", 1), "①");
        assert_eq!(format_number("decimal", 7), "7");
    }

    #[test]
    fn part_paths_resolve_from_word() {
        assert_eq!(
            part_path("media/image1.png").as_deref(),
            Some("word/media/image1.png")
        );
        assert_eq!(
            part_path("/word/media/a.png").as_deref(),
            Some("word/media/a.png")
        );
        assert_eq!(part_path("../media/a.png").as_deref(), Some("media/a.png"));
        assert_eq!(part_path("../../a.png"), None);
    }
}
