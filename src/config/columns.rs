//! Columns (栏目): the folders of `content/` the site publishes, each with
//! a title and a kind of content, from `site.yaml`'s `columns` (or the four
//! of a site without it).
//!
//! Owns: [`Kind`], [`Column`], parsing `columns` and `home_columns`.
//! Imports: `yaml`, `error`.
//!
//! Invariants: folders and titles are unique; a folder is a lowercase
//! ASCII URL segment that no output of anxuan's own uses; a site without
//! `columns` gets exactly the columns it had before columns existed
//! (articles, drills, cases, pages), marked not `declared`.

use crate::error::{Diagnostic, Span};
use crate::yaml::{Fields, Value, Yaml};

/// The kinds of content: what fields a file has and how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Article,
    /// 通知公告: a dated notice with its issuer, validity and attachments.
    Notice,
    /// 政策文件 / 应急预案: a document with its 文号 and metadata.
    Document,
    Drill,
    Case,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Article,
        Kind::Notice,
        Kind::Document,
        Kind::Drill,
        Kind::Case,
        Kind::Page,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Notice => "notice",
            Kind::Document => "document",
            Kind::Drill => "drill",
            Kind::Case => "case",
            Kind::Page => "page",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The Chinese name of the kind (columns have their own titles).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Article => "工作动态",
            Kind::Notice => "通知公告",
            Kind::Document => "政策文件",
            Kind::Drill => "应急演练",
            Kind::Case => "警示案例",
            Kind::Page => "页面",
        }
    }

    /// Whether a file of this kind must have a publication `date`.
    pub fn needs_date(self) -> bool {
        matches!(
            self,
            Kind::Article | Kind::Notice | Kind::Document | Kind::Case
        )
    }
}

/// One column of the site.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Column {
    /// The folder under `content/` and the URL segment: `notices`.
    pub folder: String,
    /// 通知公告: the nav, lists, breadcrumbs, feeds and search filters.
    pub title: String,
    pub kind: Kind,
    /// The lead of the column's list page.
    pub description: String,
    /// Listed in the main navigation.
    pub nav: bool,
    /// Items per list page (else the site's `paginate`).
    pub paginate: Option<usize>,
    /// Days without new content before `check` reports the column (0:
    /// never; else the site's `stale_days` for the kind).
    pub stale_days: Option<u64>,
    /// Has its own Atom and RSS feeds.
    pub feed: bool,
    /// Written in `site.yaml` (false for the columns of a site without
    /// `columns`).
    pub declared: bool,
    /// Where `site.yaml` declares it.
    pub span: Option<Span>,
}

impl Column {
    fn implicit(folder: &str, kind: Kind, description: &str) -> Column {
        Column {
            folder: folder.into(),
            title: kind.label().into(),
            kind,
            description: description.into(),
            nav: kind != Kind::Page,
            paginate: None,
            stale_days: None,
            feed: false,
            declared: false,
            span: None,
        }
    }
}

/// The columns of a site without `columns`: as before columns existed.
pub fn default_columns() -> Vec<Column> {
    vec![
        Column::implicit(
            "articles",
            Kind::Article,
            "安全生产“五进”工作动态、通知公告。",
        ),
        Column::implicit(
            "drills",
            Kind::Drill,
            "近期演练按开始时间排列，欢迎居民、职工和师生积极参加；已结束的演练按月份归档。",
        ),
        Column::implicit(
            "cases",
            Kind::Case,
            "以案为鉴、警钟长鸣：典型生产安全事故案例及其教训。",
        ),
        Column::implicit("pages", Kind::Page, ""),
    ]
}

/// Top-level URL segments anxuan's own outputs use: no column may take one.
pub const RESERVED_FOLDERS: &[&str] = &[
    "areas", "tags", "search", "sitemap", "assets", "css", "js", "images", "page", "__anxuan",
];

const COLUMN_KEYS: &[&str] = &[
    "folder",
    "title",
    "kind",
    "description",
    "nav",
    "paginate",
    "stale_days",
    "feed",
];

fn kinds_list() -> String {
    Kind::ALL.map(Kind::name).join("、")
}

/// Parses `columns`: every problem of every entry is reported.
pub(super) fn parse_columns(f: &mut Fields<'_>, node: &Yaml) -> Vec<Column> {
    let Value::Seq(items) = &node.value else {
        f.error(
            node,
            "`columns` must be a list",
            "例如\ncolumns:\n  - folder: notices\n    title: 通知公告\n    kind: notice",
        );
        return Vec::new();
    };
    let mut columns: Vec<Column> = Vec::new();
    for item in items {
        let mut cf = Fields::new(f.path(), item, "a column");
        let folder_node = cf.get("folder");
        let folder = cf.required_string("folder", "notices");
        let title_node = cf.get("title");
        let title = cf.required_string("title", "通知公告");
        let kind_node = cf.get("kind");
        let kind_name = cf.required_string("kind", "article");
        let description = cf.string("description").unwrap_or_default();
        let nav = cf.boolean("nav");
        let paginate_node = cf.get("paginate");
        let paginate = cf.count("paginate");
        let stale_days = cf.count("stale_days");
        let feed = cf.boolean("feed").unwrap_or(true);
        let mut diags = cf.finish(COLUMN_KEYS);
        let span = f.span_of(item);
        let kind = match (kind_name, kind_node) {
            (Some(k), Some(n)) => match Kind::from_name(k.trim()) {
                Some(kind) => Some(kind),
                None => {
                    diags.push(
                        Diagnostic::error(
                            f.span_of(n),
                            format!("unknown column kind `{k}`: one of {}", kinds_list()),
                        )
                        .with_help(
                            "kind 可选：article（文章）、notice（通知公告）、document（政策文件、应急预案）、\
                             drill（应急演练）、case（警示案例）、page（单页）",
                        ),
                    );
                    None
                }
            },
            _ => None,
        };
        if let (Some(0), Some(n)) = (paginate, paginate_node) {
            diags.push(
                Diagnostic::error(f.span_of(n), "`paginate` must be at least 1")
                    .with_help("每页条数，例如 `paginate: 20`"),
            );
        }
        let folder = folder.and_then(|folder| {
            let n = folder_node?;
            let ok = !folder.is_empty()
                && folder
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                diags.push(
                    Diagnostic::error(
                        f.span_of(n),
                        format!(
                            "column folder `{folder}` must be lowercase ASCII letters, digits or `-`"
                        ),
                    )
                    .with_help("栏目文件夹名也是网址的一段，请用英文，例如 `notices`、`knowledge`"),
                );
                None
            } else if RESERVED_FOLDERS.contains(&folder.as_str()) {
                diags.push(
                    Diagnostic::error(
                        f.span_of(n),
                        format!("the folder `{folder}` is reserved by anxuan"),
                    )
                    .with_help(format!(
                        "这些名字不能作栏目文件夹：{}",
                        RESERVED_FOLDERS.join("、")
                    )),
                );
                None
            } else if let Some(other) = columns.iter().find(|c| c.folder == folder) {
                diags.push(
                    Diagnostic::error(
                        f.span_of(n),
                        format!(
                            "the folder `{folder}` is already the column `{}`",
                            other.title
                        ),
                    )
                    .with_help("每个栏目要有自己的文件夹"),
                );
                None
            } else {
                Some(folder)
            }
        });
        let title = title.and_then(|title| {
            let n = title_node?;
            if let Some(other) = columns.iter().find(|c| c.title == title) {
                diags.push(
                    Diagnostic::error(
                        f.span_of(n),
                        format!(
                            "the title `{title}` is already the column `{}`",
                            other.folder
                        ),
                    )
                    .with_help("栏目名称会出现在导航和搜索筛选中，不能重复"),
                );
                None
            } else {
                Some(title)
            }
        });
        let failed = diags.iter().any(Diagnostic::is_error);
        f.diags.extend(diags);
        if let (Some(folder), Some(title), Some(kind), false) = (folder, title, kind, failed) {
            columns.push(Column {
                folder,
                title,
                kind,
                description,
                nav: nav.unwrap_or(kind != Kind::Page),
                paginate: paginate.map(|n| n as usize),
                stale_days,
                feed: feed && kind != Kind::Page,
                declared: true,
                span: Some(span),
            });
        }
    }
    columns
}

/// Parses `home_columns`: the columns the home page shows, in order.
pub(super) fn parse_home(f: &mut Fields<'_>, columns: &[Column]) -> Option<Vec<usize>> {
    f.get("home_columns")?;
    let mut home = Vec::new();
    for (folder, node) in f.string_list("home_columns") {
        match columns.iter().position(|c| c.folder == folder.trim()) {
            Some(i) if columns[i].kind == Kind::Page => f.error(
                node,
                format!("the column `{folder}` holds single pages: it has no list to show"),
                "首页只能展示有列表的栏目",
            ),
            Some(i) if !home.contains(&i) => home.push(i),
            Some(_) => {}
            None => f.error(
                node,
                format!("`{folder}` is not a column of the site"),
                format!(
                    "home_columns 填写栏目的 folder，可选：{}",
                    columns
                        .iter()
                        .filter(|c| c.kind != Kind::Page)
                        .map(|c| c.folder.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            ),
        }
    }
    Some(home)
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use super::*;

    #[test]
    fn a_site_without_columns_has_the_four_of_before() {
        let c = Config::parse("title: x\n").unwrap();
        let folders: Vec<&str> = c.columns.iter().map(|c| c.folder.as_str()).collect();
        assert_eq!(folders, ["articles", "drills", "cases", "pages"]);
        assert!(c.columns.iter().all(|c| !c.declared && !c.feed));
        assert_eq!(c.home, vec![0, 1, 2]);
    }

    #[test]
    fn columns_parse_in_order_with_their_options() {
        let c = Config::parse(
            "columns:\n  - folder: notices\n    title: 通知公告\n    kind: notice\n  - folder: knowledge\n    title: 安全知识\n    kind: article\n    description: 身边安全常识。\n    nav: false\n    paginate: 12\n    stale_days: 30\n    feed: false\n  - folder: pages\n    title: 页面\n    kind: page\nhome_columns: [knowledge, notices]\n",
        )
        .unwrap();
        let k = &c.columns[1];
        assert_eq!(
            (k.folder.as_str(), k.title.as_str(), k.kind),
            ("knowledge", "安全知识", Kind::Article)
        );
        assert_eq!(
            (k.nav, k.paginate, k.stale_days, k.feed),
            (false, Some(12), Some(30), false)
        );
        assert_eq!(k.description, "身边安全常识。");
        assert!(c.columns[0].nav && c.columns[0].feed && c.columns[0].declared);
        assert!(!c.columns[2].nav && !c.columns[2].feed);
        assert_eq!(c.home, vec![1, 0]);
        assert_eq!(c.columns[0].span.as_ref().unwrap().line, 2);
    }

    #[test]
    fn home_defaults_to_every_listed_column() {
        let c = Config::parse(
            "columns:\n  - {folder: pages, title: 页面, kind: page}\n  - {folder: notices, title: 通知公告, kind: notice}\n  - {folder: drills, title: 演练, kind: drill}\n",
        )
        .unwrap();
        assert_eq!(c.home, vec![1, 2]);
    }

    #[test]
    fn column_errors_name_their_line() {
        let err = Config::parse(
            "columns:\n  - folder: notices\n    title: 通知公告\n    kind: notice\n  - folder: notices\n    title: 公告\n    kind: notice\n  - folder: news\n    title: 通知公告\n    kind: article\n  - folder: Tags\n    title: 标签\n    kind: article\n  - folder: tags\n    title: 标签2\n    kind: article\n  - title: 无文件夹\n    kind: artcle\nhome_columns: [nope]\n",
        )
        .unwrap_err();
        let lines: Vec<(usize, &str)> = err
            .iter()
            .map(|d| (d.span.as_ref().unwrap().line, d.message.as_str()))
            .collect();
        let has = |line: usize, text: &str| {
            assert!(
                lines.iter().any(|(l, m)| *l == line && m.contains(text)),
                "no error at line {line} with {text:?}: {lines:?}"
            );
        };
        has(5, "already the column `通知公告`");
        has(9, "the title `通知公告` is already");
        has(11, "lowercase ASCII");
        has(14, "reserved");
        has(17, "folder");
        has(18, "unknown column kind `artcle`");
        has(19, "`nope` is not a column");
        assert!(err.iter().all(|d| d.help.is_some()));
    }
}
