//! `anxuan check --report FILE.html`: one self-contained page for the
//! supervisors who sign a site off — counts at the top, the findings
//! grouped by rule and by column, each with its file:line and the page's
//! address.
//!
//! Owns: where a finding is on the site ([`Locator`]: its column and page
//! URL, from the span's file) and the report's page (`report.html`,
//! rendered with autoescaping by `theme::render_builtin`).
//!
//! Invariants: the page makes no request (inline style, no script, no
//! font, no image); findings are shown as the checks wrote them, so
//! personal numbers stay masked; the same findings and `now` give the same
//! bytes.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Finding;
use crate::error::Diagnostic;
use crate::hash::FxMap;
use crate::site::Site;

/// The Chinese name of each rule, for the report's readers.
pub const RULE_NAMES: &[(&str, &str)] = &[
    ("content", "内容错误"),
    ("personal-id", "公开身份证号"),
    ("bank-card", "公开银行卡号"),
    ("mobile", "公开手机号码"),
    ("word", "错误用词"),
    ("outdated-name", "过时机构名称"),
    ("doc-no", "文号格式"),
    ("review", "三审未完成"),
    ("missing-reviewer", "未经审核"),
    ("empty-column", "空白栏目"),
    ("stale-home", "首页长期未更新"),
    ("stale-column", "栏目长期未更新"),
    ("missing-date", "未标注发布日期"),
    ("meta", "网页元数据缺失"),
    ("footer-mark", "页脚标识缺失"),
    ("base-url", "网址配置"),
    ("broken-link", "链接不可用"),
    ("broken-anchor", "页内锚点不可用"),
    ("broken-image", "图片缺失"),
    ("missing-alt", "图片缺少替代文字"),
    ("image-gps", "照片带拍摄位置"),
    ("image-size", "图片过大"),
    ("attachment-size", "附件过大"),
    ("external-link", "外部链接不可用"),
];

fn rule_name(rule: &str) -> &str {
    RULE_NAMES
        .iter()
        .find(|(r, _)| *r == rule)
        .map_or(rule, |(_, n)| n)
}

/// Where findings are on the site: the column and page URL of a span's
/// file (a source file, a column folder or a rendered page).
#[derive(Debug, Default)]
pub struct Locator {
    pub site_title: String,
    pub base_url: String,
    /// The build's `now`, as the report shows it.
    pub now: String,
    /// Scheme, host and base path: what a site path is appended to.
    prefix: String,
    /// Column titles by folder.
    columns: Vec<(String, String)>,
    /// Source file → (column, site path of its page).
    files: FxMap<String, (usize, String)>,
}

impl Locator {
    pub fn new(site: &Site) -> Locator {
        let cfg = &site.config;
        Locator {
            site_title: cfg.title.clone(),
            base_url: cfg.base_url.clone(),
            now: format!(
                "{}（{}）",
                crate::dates::ymd_hm(site.now, &cfg.tz),
                cfg.tz.name()
            ),
            prefix: format!("{}{}", cfg.origin, cfg.base_path),
            columns: cfg
                .columns
                .iter()
                .map(|c| (c.folder.clone(), c.title.clone()))
                .collect(),
            files: site
                .pages
                .iter()
                .enumerate()
                .map(|(id, p)| (p.file.clone(), (p.column, site.dirs[id].clone())))
                .collect(),
        }
    }

    fn column_of_folder(&self, folder: &str) -> Option<usize> {
        self.columns.iter().position(|(f, _)| f == folder)
    }

    /// The title of column `c` (site-wide for `None`).
    pub fn column_title(&self, c: Option<usize>) -> &str {
        c.and_then(|c| self.columns.get(c))
            .map_or(SITE_WIDE, |(_, t)| t.as_str())
    }

    /// (column, page URL) of a span's file; `None`s for site-wide files
    /// (site.yaml, check/words.yaml).
    pub fn locate(&self, file: &str) -> (Option<usize>, Option<String>) {
        if let Some((c, dir)) = self.files.get(file) {
            return (Some(*c), Some(format!("{}{dir}", self.prefix)));
        }
        if let Some(rest) = file.strip_prefix("content/") {
            let folder = rest.split('/').next().unwrap_or("");
            if let Some(c) = self.column_of_folder(folder) {
                return (Some(c), Some(format!("{}{folder}/", self.prefix)));
            }
            return (None, None);
        }
        if file.ends_with(".html") {
            let dir = file.strip_suffix("index.html").unwrap_or(file);
            let folder = dir.split('/').next().unwrap_or("");
            let column = self.column_of_folder(folder);
            return (column, Some(format!("{}{dir}", self.prefix)));
        }
        (None, None)
    }
}

#[derive(Serialize)]
struct Item<'a> {
    error: bool,
    place: String,
    url: Option<String>,
    column: &'a str,
    message: &'a str,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct Group<'a> {
    rule: &'a str,
    name: &'a str,
    errors: usize,
    warnings: usize,
    items: Vec<Item<'a>>,
}

#[derive(Serialize, Default)]
struct Count<'a> {
    name: &'a str,
    errors: usize,
    warnings: usize,
}

/// What the site-wide findings are filed under.
const SITE_WIDE: &str = "全站";

/// The report page: `diags` are the build's own problems (rule `content`),
/// `findings` the checks'.
pub fn render(
    locator: &Locator,
    diags: &[Diagnostic],
    findings: &[Finding],
    strict: bool,
) -> Result<String, Diagnostic> {
    let all = diags
        .iter()
        .map(|d| ("content", d))
        .chain(findings.iter().map(|f| (f.rule, &f.diag)));
    let mut groups: BTreeMap<usize, Group<'_>> = BTreeMap::new();
    // Site-wide first, then the columns in the site's order.
    let mut columns: BTreeMap<Option<usize>, Count<'_>> = BTreeMap::new();
    let (mut errors, mut warnings) = (0, 0);
    for (rule, d) in all {
        let file = d.span.as_ref().map(|s| s.path.as_str()).unwrap_or("");
        let (c, url) = locator.locate(file);
        let column = locator.column_title(c);
        let place = match &d.span {
            Some(s) if s.line > 0 => format!("{}:{}:{}", s.path, s.line, s.col),
            Some(s) => s.path.clone(),
            None => String::new(),
        };
        let order = RULE_NAMES
            .iter()
            .position(|(r, _)| *r == rule)
            .unwrap_or(RULE_NAMES.len());
        let g = groups.entry(order).or_insert_with(|| Group {
            rule,
            name: rule_name(rule),
            errors: 0,
            warnings: 0,
            items: Vec::new(),
        });
        let c = columns.entry(c).or_insert_with(|| Count {
            name: column,
            ..Count::default()
        });
        if d.is_error() {
            (g.errors, c.errors, errors) = (g.errors + 1, c.errors + 1, errors + 1);
        } else {
            (g.warnings, c.warnings, warnings) = (g.warnings + 1, c.warnings + 1, warnings + 1);
        }
        g.items.push(Item {
            error: d.is_error(),
            place,
            url,
            column,
            message: &d.message,
            help: d.help.as_deref(),
        });
    }
    let columns: Vec<Count<'_>> = columns.into_values().collect();
    let mut ctx = crate::theme::TemplateContext::new();
    ctx.insert("site_title", &locator.site_title);
    ctx.insert("base_url", &locator.base_url);
    ctx.insert("now", &locator.now);
    ctx.insert("strict", &strict);
    ctx.insert("errors", &errors);
    ctx.insert("warnings", &warnings);
    ctx.insert("groups", &groups.into_values().collect::<Vec<_>>());
    ctx.insert("columns", &columns);
    crate::theme::render_builtin("report.html", include_str!("report.html"), &ctx)
}
