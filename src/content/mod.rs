//! Content: source files → validated [`Page`]s.
//!
//! Owns: the content model (the kinds and their fields), loading and
//! validating one file. Imports: `config`, `dates`, `error`, `yaml`.
//! Never writes files; reads only through [`discover`].
//!
//! Invariants: a [`Page`] is fully validated (required fields present, dates
//! parsed in the site's zone, enumerations checked, grades consistent);
//! every problem in a file is reported, not only the first.

pub mod article;
pub mod attachment;
pub mod case;
pub mod discover;
pub mod document;
pub mod drill;
pub mod frontmatter;
pub mod notice;
pub mod slug;

use crate::config::Config;
use crate::dates::{self, When};
use crate::error::{Diagnostic, Span};
use crate::yaml::{self, Fields, Yaml};

pub use crate::config::Kind;
pub use attachment::Attachment;
pub use case::{Case, Grade};
pub use discover::{Asset, SourceFile};
pub use document::{DocStatus, Document, PageRef};
pub use drill::{Drill, DrillStatus};
pub use notice::Notice;

/// Kind-specific data.
#[derive(Debug, Clone, PartialEq)]
pub enum KindData {
    Article,
    Notice(Notice),
    Document(Document),
    Drill(Drill),
    Case(Case),
    Page,
}

/// A personal number found in a file (see [`crate::pii`]): where, what,
/// and the digits for the site's allow list (never printed: `masked` is).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NumberHit {
    pub rule: crate::pii::Rule,
    pub line: usize,
    pub col: usize,
    pub masked: String,
    pub digits: String,
}

/// A word `check` reports (see [`crate::wording`]): where, and what.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WordHit {
    pub line: usize,
    pub col: usize,
    pub what: Wording,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Wording {
    /// An entry of the site's word list (`Config::words`), by index.
    Entry(usize),
    /// A 文号 with its year in the wrong brackets, and its corrected form.
    DocNo(String),
}

/// The line and column (characters, 1-based) of each of `offsets`
/// (ascending byte offsets into `text`).
fn positions(text: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    let (mut line, mut line_start, mut at) = (1, 0, 0);
    offsets
        .iter()
        .map(|&o| {
            for (i, c) in text[at..o].char_indices() {
                if c == '\n' {
                    line += 1;
                    line_start = at + i + 1;
                }
            }
            at = o;
            (line, text[line_start..o].chars().count() + 1)
        })
        .collect()
}

/// Every personal number of a file's text, with its line and column.
fn numbers(text: &str) -> Vec<NumberHit> {
    let hits = crate::pii::scan(text);
    let at = positions(text, &hits.iter().map(|h| h.start).collect::<Vec<_>>());
    hits.into_iter()
        .zip(at)
        .map(|(h, (line, col))| NumberHit {
            rule: h.rule,
            line,
            col,
            masked: h.masked(),
            digits: h.digits,
        })
        .collect()
}

/// Every reported word and misbracketed 文号 of a file's text.
fn wording(text: &str, cfg: &Config) -> Vec<WordHit> {
    let mut hits: Vec<(usize, Wording)> = cfg
        .words
        .scan(text)
        .into_iter()
        .map(|(at, e)| (at, Wording::Entry(e)))
        .chain(
            crate::wording::doc_nos(text)
                .into_iter()
                .map(|(at, fixed)| (at, Wording::DocNo(fixed))),
        )
        .collect();
    hits.sort_by_key(|h| h.0);
    let at = positions(text, &hits.iter().map(|h| h.0).collect::<Vec<_>>());
    hits.into_iter()
        .zip(at)
        .map(|((_, what), (line, col))| WordHit { line, col, what })
        .collect()
}

/// One validated content file.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Path relative to the site root, `/`-separated: `content/articles/x.md`.
    pub file: String,
    pub kind: Kind,
    /// Index of the page's column in `Config::columns`.
    pub column: usize,
    pub slug: String,
    pub title: String,
    /// Explicit summary; when absent the first paragraph is used.
    pub summary: Option<String>,
    pub tags: Vec<String>,
    /// Indexes into `Config::areas`.
    pub areas: Vec<usize>,
    /// 来源
    pub source: Option<String>,
    /// The cover image (`cover:`, or the older `extra.cover`) as written:
    /// relative to the page's folder, site-absolute, or a web URL.
    pub cover: Option<String>,
    /// 作者
    pub author: Option<String>,
    /// 责编
    pub editor: Option<String>,
    /// 审核 (the 终审 of the review chain, when `review` has no third)
    pub reviewer: Option<String>,
    /// 三审: 初审, 复审, 终审, as far as given.
    pub review: Vec<String>,
    pub draft: bool,
    pub expires: Option<When>,
    pub extra: serde_json::Value,
    /// Publication date (articles and cases: required; drills: optional;
    /// standalone pages: none).
    pub date: Option<When>,
    pub data: KindData,
    pub markdown: String,
    /// Lines of the file before the Markdown body.
    pub body_line_offset: usize,
    /// Personal numbers anywhere in the file (front matter and body).
    pub numbers: Vec<NumberHit>,
    /// Reported words and 文号 anywhere in the file.
    pub wording: Vec<WordHit>,
    /// Check rules silenced for this file (`check_allow: [mobile]`).
    pub check_allow: Vec<String>,
}

impl Page {
    pub fn drill(&self) -> Option<&Drill> {
        match &self.data {
            KindData::Drill(d) => Some(d),
            _ => None,
        }
    }

    pub fn case(&self) -> Option<&Case> {
        match &self.data {
            KindData::Case(c) => Some(c),
            _ => None,
        }
    }

    pub fn notice(&self) -> Option<&Notice> {
        match &self.data {
            KindData::Notice(n) => Some(n),
            _ => None,
        }
    }

    pub fn document(&self) -> Option<&Document> {
        match &self.data {
            KindData::Document(d) => Some(d),
            _ => None,
        }
    }

    /// The attachments of a notice or document.
    pub fn attachments(&self) -> &[Attachment] {
        match &self.data {
            KindData::Notice(n) => &n.attachments,
            KindData::Document(d) => &d.attachments,
            _ => &[],
        }
    }

    /// The date used for sorting newest-first and shown in lists: the
    /// publication date, or for a drill without one, its start.
    pub fn list_date(&self) -> Option<When> {
        self.date.or_else(|| self.drill().map(|d| d.start))
    }
}

/// Keys every kind accepts.
pub const COMMON_KEYS: &[&str] = &[
    "title",
    "slug",
    "summary",
    "tags",
    "five_into",
    "source",
    "cover",
    "author",
    "editor",
    "reviewer",
    "review",
    "draft",
    "expires",
    "extra",
    "check_allow",
];

/// The rule ids `check_allow` may name.
pub const ALLOWABLE_RULES: &[&str] = &[
    "personal-id",
    "bank-card",
    "mobile",
    "review",
    "word",
    "outdated-name",
    "doc-no",
];

/// Reads a date field, reporting a bad value at its position.
pub(crate) fn when_field(f: &mut Fields<'_>, key: &str, cfg: &Config) -> Option<When> {
    let node = f.get(key)?;
    let text = f.string(key)?;
    match dates::parse_when(&text, &cfg.tz) {
        Ok(w) => Some(w),
        Err(e) => {
            let help = match dates::iso_suggestion(&text) {
                Some(iso) => format!("请改为 `{iso}`（年-月-日，用英文减号“-”连接，月和日写两位）"),
                None => format!("日期格式应为 {}", dates::ACCEPTED_FORMATS),
            };
            f.error(node, e, help);
            None
        }
    }
}

/// Reads a required date field.
pub(crate) fn required_when(
    f: &mut Fields<'_>,
    key: &str,
    cfg: &Config,
    example: &str,
) -> Option<When> {
    if f.get(key).is_none() {
        f.missing(key, example);
        return None;
    }
    when_field(f, key, cfg)
}

/// A loaded page with its warnings, or every problem found in the file.
pub type Loaded = Result<(Page, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Loads one source file into a page, or every problem found in it.
/// Warnings are returned beside a page.
pub fn load(file: &SourceFile, bytes: &[u8], cfg: &Config) -> Loaded {
    let path = file.rel.as_str();
    let text = frontmatter::decode(path, bytes).map_err(|d| vec![d])?;
    let split = frontmatter::split(path, &text).map_err(|d| vec![d])?;
    let (node, slips) = yaml::parse_checked(
        path,
        split.yaml,
        split.yaml_line_offset,
        "请检查：缩进只用空格；冒号后要有空格；含冒号或 # 的值用英文双引号括起来；前置元数据以 `---` 结束",
    );
    let Some(node): Option<Yaml> = node else {
        return Err(slips);
    };
    let mut f = Fields::new(path, &node, "front matter").missing_at(1, 1);
    f.diags.extend(slips);

    let title = f.required_string("title", "关于开展安全生产月活动的通知");
    let slug = match f.get("slug") {
        Some(n) => f.string("slug").and_then(|s| {
            let s2 = slug::slugify(&s);
            if s2.is_empty() {
                f.error(
                    n,
                    format!("slug `{s}` has no usable characters"),
                    "slug 用于网址，例如 `fire-drill-2025`",
                );
                None
            } else {
                Some(s2)
            }
        }),
        None => {
            let s = slug::slugify(&file.stem);
            if s.is_empty() {
                f.diags.push(
                    Diagnostic::error(
                        Span::file(path),
                        format!("cannot derive a URL from the file name `{}`", file.stem),
                    )
                    .with_help("请重命名文件，或在前置元数据中写 `slug: 英文或中文网址名`"),
                );
                None
            } else {
                Some(s)
            }
        }
    };
    let summary = f
        .string("summary")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let mut tags: Vec<String> = Vec::new();
    for (tag, node) in f.string_list("tags") {
        let t = tag.trim().to_owned();
        if t.is_empty() || t.contains('/') {
            f.error(
                node,
                format!("invalid tag `{tag}`"),
                "标签不能为空，也不能包含 `/`",
            );
        } else if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let mut areas = Vec::new();
    for (name, node) in f.string_list("five_into") {
        match cfg.area_index(name.trim()) {
            Some(i) if !areas.contains(&i) => areas.push(i),
            Some(_) => {}
            None => {
                let names: Vec<&str> = cfg.areas.iter().map(|a| a.name.as_str()).collect();
                f.error(
                    node,
                    format!(
                        "`{name}` is not one of the site's areas: {}",
                        names.join("、")
                    ),
                    format!(
                        "five_into 只能填写：{}（可写多个，例如 `[企业, 社区]`）",
                        names.join("、")
                    ),
                );
            }
        }
    }
    areas.sort_unstable();
    let source = f.string("source");
    let cover = f.string("cover");
    let author = f.string("author");
    let editor = f.string("editor");
    let reviewer = f.string("reviewer");
    let review_node = f.get("review");
    let review: Vec<String> = f
        .string_list("review")
        .into_iter()
        .map(|(s, _)| s.trim().to_owned())
        .collect();
    if let Some(n) = review_node
        && review.len() > 3
    {
        f.error(
            n,
            format!(
                "`review` names {} reviewers; the chain has three levels",
                review.len()
            ),
            "三审：review: [初审人, 复审人, 终审人]",
        );
    }
    let draft = f.boolean("draft").unwrap_or(false);
    let expires = when_field(&mut f, "expires", cfg);
    let mut check_allow = Vec::new();
    for (rule, node) in f.string_list("check_allow") {
        let rule = rule.trim().to_owned();
        if ALLOWABLE_RULES.contains(&rule.as_str()) {
            check_allow.push(rule);
        } else {
            f.error(
                node,
                format!("`{rule}` is not a rule `check_allow` can silence"),
                format!("check_allow 可填：{}", ALLOWABLE_RULES.join("、")),
            );
        }
    }
    let extra = match f.get("extra") {
        Some(n) if matches!(n.value, yaml::Value::Map(_)) => n.to_json(),
        Some(n) => {
            f.error(
                n,
                "`extra` must be a mapping",
                "例如\nextra:\n  banner: images/a.jpg",
            );
            serde_json::Value::Null
        }
        None => serde_json::Value::Object(Default::default()),
    };
    // `extra.cover` was the cover before `cover` was a field.
    let cover = cover
        .or_else(|| {
            extra
                .get("cover")
                .and_then(|c| c.as_str())
                .map(str::to_owned)
        })
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());

    let (data, date, mut kind_warnings) = match file.kind {
        Kind::Article => {
            let date = article::read(&mut f, cfg);
            (Some(KindData::Article), date, Vec::new())
        }
        Kind::Notice => {
            let (notice, date) = notice::read(&mut f, cfg);
            (notice.map(KindData::Notice), date, Vec::new())
        }
        Kind::Document => {
            let (doc, date, warnings) = document::read(&mut f, cfg);
            (doc.map(KindData::Document), date, warnings)
        }
        Kind::Drill => {
            let (drill, date) = drill::read(&mut f, cfg);
            (drill.map(KindData::Drill), date, Vec::new())
        }
        Kind::Case => {
            let (case, date, warnings) = case::read(&mut f, cfg);
            (case.map(KindData::Case), date, warnings)
        }
        Kind::Page => (Some(KindData::Page), None, Vec::new()),
    };

    let allowed: Vec<&str> = COMMON_KEYS
        .iter()
        .chain(match file.kind {
            Kind::Article => article::KEYS,
            Kind::Notice => notice::KEYS,
            Kind::Document => document::KEYS,
            Kind::Drill => drill::KEYS,
            Kind::Case => case::KEYS,
            Kind::Page => &[],
        })
        .copied()
        .collect();
    let diags = f.finish(&allowed);
    let (errors, mut warnings): (Vec<_>, Vec<_>) =
        diags.into_iter().partition(Diagnostic::is_error);
    warnings.append(&mut kind_warnings);
    if !errors.is_empty() {
        let mut all = errors;
        all.extend(warnings);
        return Err(all);
    }
    let (Some(title), Some(slug), Some(data)) = (title, slug, data) else {
        return Err(vec![Diagnostic::error(
            Span::file(path),
            "front matter is incomplete",
        )]);
    };
    if file.kind.needs_date() && date.is_none() {
        return Err(vec![Diagnostic::error(
            Span::file(path),
            "front matter is incomplete",
        )]);
    }
    let page = Page {
        file: file.rel.clone(),
        kind: file.kind,
        column: file.column,
        slug,
        title: title.trim().to_owned(),
        summary,
        tags,
        areas,
        source,
        cover,
        author,
        editor,
        reviewer,
        review,
        draft,
        expires,
        extra,
        date,
        data,
        markdown: split.body.to_owned(),
        body_line_offset: split.body_line_offset,
        numbers: numbers(&text),
        wording: wording(&text, cfg),
        check_allow,
    };
    Ok((page, warnings))
}
