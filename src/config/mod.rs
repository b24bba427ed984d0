//! `site.yaml`: the site's configuration, its defaults and CLI overrides.
//!
//! Owns: [`Config`] and its validation; the columns in [`columns`], the
//! footer marks in [`footer`], the printed notices' phone numbers in
//! [`phones`].
//! Imports: `yaml`, `dates`, `error`.
//!
//! Invariants: unknown keys are errors (with a hint); `base_path` starts and
//! ends with `/`; area slugs are unique lowercase ASCII; the time zone exists.

mod columns;
mod footer;
mod phones;
pub mod words;

pub use columns::{Column, Kind, RESERVED_FOLDERS, default_columns};
pub use footer::{FEEDBACK_LABEL, Footer, GovMark};
pub use phones::{Phone, known_label};

use crate::dates::SiteTz;
use crate::error::Diagnostic;
use crate::weburl::{self, HostRule};
use crate::yaml::{self, Fields, Value, Yaml};

pub const CONFIG_FILE: &str = "site.yaml";

/// One of the five "into" areas (or whatever list the site uses).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Area {
    /// Display name, e.g. 企业.
    pub name: String,
    /// ASCII URL segment, e.g. `enterprise`.
    pub slug: String,
    /// One sentence shown on the area page.
    pub description: String,
}

/// How many days a column may go without new content before `check`
/// reports it (0: never). The 国办 inspection fails a site whose news column
/// is stale for two weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StaleDays {
    pub articles: u64,
    pub drills: u64,
    pub cases: u64,
}

impl Default for StaleDays {
    fn default() -> Self {
        StaleDays {
            articles: 14,
            drills: 180,
            cases: 180,
        }
    }
}

/// `images` in site.yaml.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImagesConfig {
    /// Publish every photo's original too (else only those a page links).
    pub keep_originals: bool,
}

/// A navigation entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MenuItem {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// As written (or overridden), always ending with `/`.
    pub base_url: String,
    /// The path part of `base_url`: `/` or `/sub/path/`.
    pub base_path: String,
    /// `https://host` when `base_url` is absolute, else empty.
    pub origin: String,
    pub language: String,
    pub tz: SiteTz,
    pub theme: String,
    pub paginate: usize,
    pub hotline: String,
    /// The numbers a printed notice lists beside the hotline (119, 110, …).
    pub emergency_numbers: Vec<Phone>,
    /// Write each item's 公众号 export (`<dir>wechat.html`).
    pub wechat_export: bool,
    pub areas: Vec<Area>,
    pub drill_types: Vec<String>,
    pub unsafe_html: bool,
    /// Hosts whose `<iframe>`s survive sanitizing (e.g. a video platform):
    /// `v.qq.com` that host only, `*.qq.com` the hosts below it.
    pub iframe_hosts: Vec<HostRule>,
    pub menu: Option<Vec<MenuItem>>,
    pub footer: Footer,
    /// Write every link relative to its page (`--relative`), so the output
    /// works from any folder, also over `file://`.
    pub relative_urls: bool,
    /// A government website: `check` requires the footer marks.
    pub government_site: bool,
    /// A published article, drill or case without `reviewer` is an error.
    pub require_reviewer: bool,
    /// How many levels of the 三审 chain (`review: [初审, 复审, 终审]`) every
    /// published item must fill: 0 to 3 (`require_reviewer: true` means 1).
    pub require_review: u64,
    /// Published numbers `check` must not report (digits only, `X`
    /// uppercase): an office's duty mobile, a public donation account.
    pub allow_numbers: Vec<String>,
    /// The words `check` reports: the built-in outdated names and the
    /// site's `check/words.yaml` (set by the caller that reads it).
    pub words: crate::wording::WordList,
    pub stale_days: StaleDays,
    /// How photos are published.
    pub images: ImagesConfig,
    /// The columns, in navigation order.
    pub columns: Vec<Column>,
    /// The columns the home page shows, in order (indexes of `columns`).
    pub home: Vec<usize>,
    /// Free data for themes.
    pub extra: serde_json::Value,
}

pub const DEFAULT_DRILL_TYPES: &[&str] = &[
    "消防疏散",
    "防汛",
    "危化品泄漏",
    "地震避险",
    "燃气泄漏",
    "有限空间救援",
    "校园踩踏预防",
    "森林防火",
    "人员密集场所疏散",
    "综合演练",
];

pub fn default_areas() -> Vec<Area> {
    [
        (
            "企业",
            "enterprise",
            "安全生产宣传进企业：落实企业主体责任，强化全员安全培训。",
        ),
        (
            "农村",
            "village",
            "安全生产宣传进农村：农用车辆、用电用气、防汛防火常识进村入户。",
        ),
        (
            "社区",
            "community",
            "安全生产宣传进社区：燃气、电动自行车、消防通道等身边隐患随手查。",
        ),
        (
            "学校",
            "school",
            "安全生产宣传进学校：应急知识进课堂，疏散演练常态化。",
        ),
        (
            "家庭",
            "family",
            "安全生产宣传进家庭：一个孩子带动一个家庭，人人讲安全、个个会应急。",
        ),
    ]
    .into_iter()
    .map(|(name, slug, description)| Area {
        name: name.into(),
        slug: slug.into(),
        description: description.into(),
    })
    .collect()
}

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "theme",
    "paginate",
    "hotline",
    "emergency_numbers",
    "wechat_export",
    "areas",
    "drill_types",
    "unsafe_html",
    "iframe_hosts",
    "menu",
    "footer",
    "extra",
    "relative_urls",
    "government_site",
    "require_reviewer",
    "require_review",
    "stale_days",
    "images",
    "columns",
    "home_columns",
    "allow_numbers",
];

const STALE_KEYS: &[&str] = &["articles", "drills", "cases"];

/// Splits a base URL into (normalized base_url, origin, base_path).
pub fn split_base_url(input: &str) -> Result<(String, String, String), String> {
    let mut url = input.trim().to_owned();
    if url.is_empty() {
        url = "/".into();
    }
    if !url.ends_with('/') {
        url.push('/');
    }
    if url.starts_with('/') {
        if url.starts_with("//") {
            return Err("a protocol-relative URL is not supported".into());
        }
        return Ok((url.clone(), String::new(), url));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| "must start with `https://`, `http://` or `/`".to_owned())?;
    let slash = rest.find('/').unwrap_or(rest.len());
    let host = &rest[..slash];
    let parsed =
        weburl::absolute_web(&url).filter(|u| u.username().is_empty() && u.password().is_none());
    if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '@') || parsed.is_none()
    {
        return Err(format!("`{input}` has no valid host"));
    }
    let path = &rest[slash..];
    let origin = url[..url.len() - path.len()].to_owned();
    Ok((url.clone(), origin, path.to_owned()))
}

impl Config {
    /// The configuration of a site without `site.yaml` keys (used by tests and `init`).
    pub fn defaults() -> Result<Self, String> {
        Ok(Config {
            title: "安全生产宣传网".into(),
            description: String::new(),
            base_url: "/".into(),
            base_path: "/".into(),
            origin: String::new(),
            language: "zh-CN".into(),
            tz: SiteTz::new("Asia/Shanghai")?,
            theme: "default".into(),
            paginate: 20,
            hotline: "12350".into(),
            emergency_numbers: Vec::new(),
            wechat_export: true,
            areas: default_areas(),
            drill_types: DEFAULT_DRILL_TYPES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            unsafe_html: false,
            iframe_hosts: Vec::new(),
            menu: None,
            footer: Footer::default(),
            relative_urls: false,
            government_site: false,
            require_reviewer: false,
            require_review: 0,
            allow_numbers: Vec::new(),
            words: crate::wording::WordList::default(),
            stale_days: StaleDays::default(),
            images: ImagesConfig::default(),
            columns: default_columns(),
            home: vec![0, 1, 2],
            extra: serde_json::Value::Object(Default::default()),
        })
    }

    /// Parses `site.yaml` text; every problem becomes a diagnostic.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let path = CONFIG_FILE;
        let (node, slips) = yaml::parse_checked(
            path,
            text,
            0,
            "请检查缩进（用空格，不要用 Tab）和冒号后的空格",
        );
        let Some(node) = node else {
            return Err(slips);
        };
        let mut cfg = Config::defaults()
            .map_err(|e| vec![Diagnostic::global(crate::error::Severity::Error, e)])?;
        let mut f = Fields::new(path, &node, "site.yaml");
        // site.yaml has no warnings: a parsed config is used or refused.
        f.diags
            .extend(slips.into_iter().filter(Diagnostic::is_error));
        if let Some(v) = f.string("title") {
            cfg.title = v;
        }
        if let Some(v) = f.string("description") {
            cfg.description = v;
        }
        if let Some(node) = f.get("base_url")
            && let Some(v) = f.string("base_url")
        {
            match split_base_url(&v) {
                    Ok((url, origin, bp)) => {
                        cfg.base_url = url;
                        cfg.origin = origin;
                        cfg.base_path = bp;
                    }
                    Err(e) => f.error(
                        node,
                        format!("invalid `base_url`: {e}"),
                        "例如 `base_url: https://aq.example.gov.cn/`，部署在子目录时写 `https://www.example.gov.cn/aq/`",
                    ),
                }
        }
        if let Some(v) = f.string("language") {
            cfg.language = v;
        }
        if let Some(node) = f.get("timezone")
            && let Some(v) = f.string("timezone")
        {
            match SiteTz::new(&v) {
                Ok(tz) => cfg.tz = tz,
                Err(e) => f.error(node, e, "例如 `timezone: Asia/Shanghai`"),
            }
        }
        if let Some(v) = f.string("theme") {
            cfg.theme = v;
        }
        if let Some(node) = f.get("paginate") {
            match f.count("paginate") {
                Some(0) => f.error(
                    node,
                    "`paginate` must be at least 1",
                    "每页条数，例如 `paginate: 10`",
                ),
                Some(n) => cfg.paginate = n as usize,
                None => {}
            }
        }
        if let Some(v) = f.string("hotline") {
            cfg.hotline = v;
        }
        cfg.emergency_numbers = phones::parse(&mut f);
        if let Some(v) = f.boolean("wechat_export") {
            cfg.wechat_export = v;
        }
        if let Some(v) = f.boolean("unsafe_html") {
            cfg.unsafe_html = v;
        }
        if f.get("iframe_hosts").is_some() {
            for (entry, node) in f.string_list("iframe_hosts") {
                match HostRule::parse(&entry) {
                    Ok(rule) => cfg.iframe_hosts.push(rule),
                    Err(why) => f.error(
                        node,
                        format!("`iframe_hosts`: {why}"),
                        "只写网站的域名，例如 `v.qq.com`（只允许这个域名）；\
                         要允许它下面的所有子域名，写 `*.qq.com`。不要写 https://、路径或端口",
                    ),
                }
            }
        }
        let types = f.string_list("drill_types");
        if f.get("drill_types").is_some() {
            cfg.drill_types = types.into_iter().map(|(s, _)| s).collect();
        }
        if let Some(node) = f.get("areas") {
            cfg.areas = parse_areas(&mut f, node);
        }
        if let Some(node) = f.get("menu") {
            cfg.menu = Some(parse_menu(&mut f, node));
        }
        if let Some(node) = f.get("footer") {
            cfg.footer = footer::parse(&mut f, node);
        }
        if let Some(node) = f.get("extra") {
            cfg.extra = node.to_json();
        }
        if let Some(v) = f.boolean("relative_urls") {
            cfg.relative_urls = v;
        }
        if let Some(v) = f.boolean("government_site") {
            cfg.government_site = v;
        }
        if let Some(v) = f.boolean("require_reviewer") {
            cfg.require_reviewer = v;
        }
        if let Some(node) = f.get("require_review") {
            match f.count("require_review") {
                Some(n @ 0..=3) => cfg.require_review = n,
                Some(_) => f.error(
                    node,
                    "`require_review` must be 0, 1, 2 or 3",
                    "三审三校：require_review 写需要填写的审核级数，例如 3（初审、复审、终审）",
                ),
                None => {}
            }
        }
        if let Some(node) = f.get("stale_days") {
            let mut sf = Fields::new(path, node, "`stale_days`");
            if let Some(n) = sf.count("articles") {
                cfg.stale_days.articles = n;
            }
            if let Some(n) = sf.count("drills") {
                cfg.stale_days.drills = n;
            }
            if let Some(n) = sf.count("cases") {
                cfg.stale_days.cases = n;
            }
            f.diags.extend(sf.finish(STALE_KEYS));
        }
        if let Some(node) = f.get("images") {
            let mut imf = Fields::new(path, node, "`images`");
            if let Some(v) = imf.boolean("keep_originals") {
                cfg.images.keep_originals = v;
            }
            f.diags.extend(imf.finish(&["keep_originals"]));
        }
        for (n, _) in f.string_list("allow_numbers") {
            cfg.allow_numbers.push(
                n.chars()
                    .filter(|c| !matches!(c, ' ' | '-'))
                    .map(|c| c.to_ascii_uppercase())
                    .collect(),
            );
        }
        if let Some(node) = f.get("columns") {
            cfg.columns = columns::parse_columns(&mut f, node);
            cfg.home = (0..cfg.columns.len())
                .filter(|&i| cfg.columns[i].kind != Kind::Page)
                .collect();
        }
        if let Some(home) = columns::parse_home(&mut f, &cfg.columns) {
            cfg.home = home;
        }
        let diags = f.finish(KEYS);
        if diags.is_empty() {
            Ok(cfg)
        } else {
            Err(diags)
        }
    }

    /// Applies `--base-url`.
    pub fn override_base_url(&mut self, url: &str) -> Result<(), String> {
        let (url, origin, bp) = split_base_url(url)?;
        self.base_url = url;
        self.origin = origin;
        self.base_path = bp;
        Ok(())
    }

    /// The column of a folder under `content/`.
    pub fn column_of(&self, folder: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.folder == folder)
    }

    /// Whether `site.yaml` declares its columns.
    pub fn declares_columns(&self) -> bool {
        self.columns.iter().any(|c| c.declared)
    }

    /// Items per list page of a column.
    pub fn paginate_of(&self, column: usize) -> usize {
        self.columns[column]
            .paginate
            .unwrap_or(self.paginate)
            .max(1)
    }

    /// The area with this display name.
    pub fn area_index(&self, name: &str) -> Option<usize> {
        self.areas.iter().position(|a| a.name == name)
    }

    /// An absolute URL for a site path when `base_url` is absolute, else the path.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.origin, path)
    }
}

fn parse_areas(f: &mut Fields<'_>, node: &Yaml) -> Vec<Area> {
    let Value::Seq(items) = &node.value else {
        f.error(
            node,
            "`areas` must be a list",
            "例如\nareas:\n  - name: 企业\n    slug: enterprise",
        );
        return default_areas();
    };
    let mut areas: Vec<Area> = Vec::new();
    for item in items {
        let mut af = Fields::new(f.path(), item, "an area");
        let name = af.required_string("name", "企业");
        let slug = af.required_string("slug", "enterprise");
        let description = af.string("description").unwrap_or_default();
        let slug_node = af.get("slug");
        let mut diags = af.finish(&["name", "slug", "description"]);
        if let (Some(name), Some(slug)) = (name, slug) {
            let ok = slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                if let Some(n) = slug_node {
                    diags.push(
                        Diagnostic::error(
                            f.span_of(n),
                            format!(
                                "area slug `{slug}` must be lowercase ASCII letters, digits or `-`"
                            ),
                        )
                        .with_help("网址中使用英文，例如 `enterprise`、`village`"),
                    );
                }
            } else if areas.iter().any(|a| a.slug == slug || a.name == name) {
                diags.push(Diagnostic::error(
                    f.span_of(item),
                    format!("area `{name}` ({slug}) is listed twice"),
                ));
            } else {
                areas.push(Area {
                    name,
                    slug,
                    description,
                });
            }
        }
        f.diags.extend(diags);
    }
    areas
}

fn parse_menu(f: &mut Fields<'_>, node: &Yaml) -> Vec<MenuItem> {
    let Value::Seq(items) = &node.value else {
        f.error(
            node,
            "`menu` must be a list",
            "例如\nmenu:\n  - name: 首页\n    url: /",
        );
        return Vec::new();
    };
    let mut menu = Vec::new();
    for item in items {
        let mut mf = Fields::new(f.path(), item, "a menu entry");
        let name = mf.required_string("name", "首页");
        let url = mf.required_string("url", "/");
        f.diags.extend(mf.finish(&["name", "url"]));
        if let (Some(name), Some(url)) = (name, url) {
            menu.push(MenuItem { name, url });
        }
    }
    menu
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_base_url_handles_subpaths() {
        let (u, o, p) = split_base_url("https://www.example.gov.cn/aq").unwrap();
        assert_eq!(
            (u.as_str(), o.as_str(), p.as_str()),
            (
                "https://www.example.gov.cn/aq/",
                "https://www.example.gov.cn",
                "/aq/"
            )
        );
        let (_, o, p) = split_base_url("/").unwrap();
        assert_eq!((o.as_str(), p.as_str()), ("", "/"));
        let (_, o, p) = split_base_url("http://127.0.0.1:1111").unwrap();
        assert_eq!((o.as_str(), p.as_str()), ("http://127.0.0.1:1111", "/"));
        assert!(split_base_url("ftp://x/").is_err());
    }

    #[test]
    fn parse_unknown_key_gets_hint() {
        let err = Config::parse("title: x\ntimzone: Asia/Shanghai\n").unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].span.as_ref().unwrap().line, 2);
        assert!(err[0].help.as_deref().unwrap().contains("timezone"));
    }

    #[test]
    fn parse_footer_extracts_police_record_code() {
        let c = Config::parse("footer:\n  police_record: 浙公网安备 33010602000001号\n").unwrap();
        assert_eq!(
            c.footer.police_record_code.as_deref(),
            Some("33010602000001")
        );
    }

    #[test]
    fn parse_check_keys_with_defaults() {
        let c = Config::parse("title: x\n").unwrap();
        assert_eq!(c.stale_days, StaleDays::default());
        assert!(!c.government_site && !c.require_reviewer && !c.relative_urls);
        let c = Config::parse(
            "government_site: true\nrequire_reviewer: true\nrelative_urls: true\nstale_days:\n  articles: 7\n  drills: 30\n",
        )
        .unwrap();
        assert!(c.government_site && c.require_reviewer && c.relative_urls);
        assert_eq!(
            c.stale_days,
            StaleDays {
                articles: 7,
                drills: 30,
                cases: 180
            }
        );
        let err = Config::parse("stale_days:\n  article: 7\n").unwrap_err();
        assert!(err[0].help.as_deref().unwrap().contains("articles"));
    }

    #[test]
    fn parse_bad_timezone_is_error_at_value() {
        let err = Config::parse("timezone: Mars/Base\n").unwrap_err();
        assert_eq!(err[0].span.as_ref().unwrap().col, 11);
    }
}
