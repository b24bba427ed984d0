//! Rendering: the assembled site and its bodies → output files (bytes).
//!
//! Owns: which files a build produces and their template contexts.
//! Imports: `site`, `theme`, `markdown` (types only), `content`, `config`,
//! `dates`, `error`, `highlight`. Never touches the disk.
//!
//! Invariants: pure and deterministic: `render(site, theme, bodies, opts)`
//! reads no clock (`site.now` is an input), no environment and no disk; the
//! output map is sorted by path.

pub mod assets;
pub mod feeds;
pub mod ics;
pub mod jsonld;
pub mod lists;
pub mod meta;
pub mod pages;
pub mod plan;
pub mod sitemap;
pub mod urls;
pub mod views;
pub mod wechat;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Footer, MenuItem, Phone};
use crate::content::Kind;
use crate::dates;
use crate::error::Diagnostic;
use crate::hash::Key;
use crate::markdown::Body;
use crate::site::relations::Relations;
use crate::site::{Site, join_url};
use crate::theme::{TemplateContext, Theme};
use views::ItemView;

pub use plan::{Job, plan};

/// Options that change what is rendered, not what the site contains.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// `anxuan serve`: pages get the live-reload script.
    pub live_reload: bool,
}

/// The rendered files of a build, by output path (no leading slash).
pub type Files = BTreeMap<String, Vec<u8>>;

#[derive(Debug, Serialize)]
struct MenuView {
    name: String,
    url: String,
    /// The section this entry opens, for `aria-current`.
    section: String,
}

#[derive(Debug, Serialize)]
struct AreaView<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
    description: &'a str,
    count: usize,
}

#[derive(Debug, Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    hotline: &'a str,
    /// The numbers a printed notice lists beside the hotline.
    emergency_numbers: &'a [Phone],
    /// Items have a 公众号 export beside them (serve's copy button needs it).
    wechat_export: bool,
    footer: &'a Footer,
    menu: Vec<MenuView>,
    /// The columns with a list (not the standalone pages'), in order.
    columns: Vec<views::LinkView>,
    areas: Vec<AreaView<'a>>,
    extra: &'a serde_json::Value,
    generator: String,
}

#[derive(Debug, Serialize)]
struct AssetsView {
    css: String,
    highlight_css: String,
    search_core_js: String,
    search_js: String,
    prefs_js: String,
    tools_js: String,
    favicon: String,
}

/// A `<link rel="alternate">` of the page's head.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    /// MIME type: `application/atom+xml` or `application/rss+xml`.
    pub r#type: &'static str,
    pub url: String,
}

/// The Atom and RSS links of a feed whose files are in `dir`.
pub fn feed_links(site: &Site, dir: &str, title: &str) -> Vec<FeedLink> {
    vec![
        FeedLink {
            title: format!("{title}（Atom）"),
            r#type: "application/atom+xml",
            url: site.url_of_dir(&format!("{dir}atom.xml")),
        },
        FeedLink {
            title: format!("{title}（RSS）"),
            r#type: "application/rss+xml",
            url: site.url_of_dir(&format!("{dir}rss.xml")),
        },
    ]
}

/// A calendar file and, when `base_url` is absolute, its `webcal://` URL
/// for subscribing.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarLink {
    pub url: String,
    pub webcal: Option<String>,
}

pub fn calendar_link(site: &Site, path: &str) -> CalendarLink {
    let url = site.url_of_dir(path);
    let permalink = site.config.permalink(&url);
    let webcal = permalink
        .strip_prefix("https://")
        .or_else(|| permalink.strip_prefix("http://"))
        .map(|rest| format!("webcal://{rest}"));
    CalendarLink { url, webcal }
}

/// The content hash in hashed file names: the high half of FNV-1a 64.
pub fn fingerprint(bytes: &[u8]) -> String {
    format!("{:08x}", crate::hash::fnv64(bytes) >> 32)
}

pub const HIGHLIGHT_CSS: &str = "css/highlight.css";

/// Shared state of one render.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub bodies: &'a [Body],
    pub items: &'a [ItemView],
    /// What each page's front matter points at, by page id.
    pub relations: &'a [Relations],
    pub opts: &'a RenderOptions,
    /// The theme's static files under their content-hashed names.
    pub assets: assets::Assets,
    base: TemplateContext,
    /// The outputs' memo keys, when the caller keeps outputs between builds.
    pub keys: Option<Keys<'a>>,
}

/// What the memo keys of a render are made from.
pub struct KeyInputs<'a> {
    /// Each page's own inputs (its source file and its body), by page id.
    pub pages: &'a [u64],
    /// Each page's list entry ([`crate::hash::key_of`] its [`ItemView`]).
    pub items: &'a [u64],
    /// Inputs every output shares that the site does not show (the
    /// theme's compilation).
    pub seed: u64,
}

/// The memo keys of a render: an output is rendered again exactly when
/// its key differs from the last build's.
pub struct Keys<'a> {
    /// The shared context of every page (site, menu, assets, clock) and
    /// the seed.
    pub chrome: u64,
    pub pages: &'a [u64],
    /// Each page's list entry, by page id.
    pub items: &'a [u64],
}

impl Keys<'_> {
    /// A key starting from the chrome and naming the kind of output.
    pub fn start(&self, what: &str) -> Key {
        let mut k = Key::new();
        k.add(&self.chrome).add(what);
        k
    }
}

/// A template context that keys every value put into it.
#[derive(Default)]
pub struct KeyedContext {
    pub ctx: TemplateContext,
    pub key: Key,
}

impl KeyedContext {
    pub fn insert<T: Serialize + ?Sized>(&mut self, name: &'static str, v: &T) {
        self.ctx.insert(name, v);
        self.key.add(name).add_serialized(&v);
    }
}

impl<'a> Renderer<'a> {
    /// The shared state of rendering `site`; `keys` when outputs are kept
    /// between builds.
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        bodies: &'a [Body],
        items: &'a [ItemView],
        relations: &'a [Relations],
        opts: &'a RenderOptions,
        keys: Option<KeyInputs<'a>>,
    ) -> Self {
        let highlight_css = highlight_stylesheet(bodies).unwrap_or_default();
        let highlight_css = highlight_css.as_bytes();
        let cfg = &site.config;
        let menu = match &cfg.menu {
            Some(m) => m
                .iter()
                .map(|MenuItem { name, url }| MenuView {
                    name: name.clone(),
                    url: if url.starts_with('/') {
                        join_url(&cfg.base_path, url)
                    } else {
                        url.clone()
                    },
                    section: url
                        .trim_matches('/')
                        .split('/')
                        .next()
                        .unwrap_or("")
                        .to_owned(),
                })
                .collect(),
            None => {
                // Home, the columns in their order, the areas.
                let columns = cfg
                    .columns
                    .iter()
                    .filter(|c| c.nav && c.kind != Kind::Page)
                    .map(|c| (c.title.as_str(), c.folder.as_str()));
                let mut m: Vec<MenuView> = std::iter::once(("首页", ""))
                    .chain(columns)
                    .chain(std::iter::once(("五进专栏", "areas")))
                    .map(|(name, sec)| MenuView {
                        name: name.into(),
                        url: join_url(&cfg.base_path, &format!("{sec}/")),
                        section: sec.into(),
                    })
                    .collect();
                for &id in &site.standalone {
                    m.push(MenuView {
                        name: site.pages[id].title.clone(),
                        url: site.url(id),
                        section: site.pages[id].slug.clone(),
                    });
                }
                m
            }
        };
        let site_view = SiteView {
            title: &cfg.title,
            description: &cfg.description,
            base_url: &cfg.base_url,
            base_path: &cfg.base_path,
            language: &cfg.language,
            hotline: &cfg.hotline,
            emergency_numbers: &cfg.emergency_numbers,
            wechat_export: cfg.wechat_export,
            footer: &cfg.footer,
            menu,
            columns: cfg
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.kind != Kind::Page)
                .map(|(c, col)| views::LinkView {
                    name: col.title.clone(),
                    url: site.column_url(c),
                })
                .collect(),
            areas: cfg
                .areas
                .iter()
                .enumerate()
                .map(|(i, a)| AreaView {
                    name: &a.name,
                    slug: &a.slug,
                    url: join_url(&cfg.base_path, &format!("areas/{}/", a.slug)),
                    description: &a.description,
                    count: site.areas[i].len(),
                })
                .collect(),
            extra: &cfg.extra,
            generator: format!("anxuan {}", env!("CARGO_PKG_VERSION")),
        };
        let mut hashed = assets::hash_statics(&theme.statics);
        if !highlight_css.is_empty() {
            hashed.add(HIGHLIGHT_CSS, highlight_css.to_vec());
        }
        let url = |path: &str| join_url(&cfg.base_path, hashed.name(path));
        let assets_view = AssetsView {
            css: url("css/site.css"),
            search_core_js: url("js/search-core.js"),
            search_js: url("js/search.js"),
            prefs_js: url("js/prefs.js"),
            tools_js: url("js/page-tools.js"),
            favicon: if theme.statics.contains_key(crate::theme::THEME_ICON) {
                url(crate::theme::THEME_ICON)
            } else {
                join_url(&cfg.base_path, "favicon.ico")
            },
            highlight_css: url(HIGHLIGHT_CSS),
        };
        let mut base = KeyedContext::default();
        base.insert("site", &site_view);
        base.insert("assets", &assets_view);
        base.insert("now", &dates::rfc3339(site.now, &cfg.tz));
        base.insert("live_reload", &opts.live_reload);
        base.insert("feed_links", &feed_links(site, "", &cfg.title));
        base.insert(
            "drills_calendar",
            &calendar_link(site, &ics::site_calendar(site)),
        );
        base.insert("gov_meta", &meta::site_tags(site));
        base.insert("og_type", "website");
        base.insert("og_image", "");
        base.insert("jsonld", "");
        // Item pages that print as a notice for the 公示栏 set these.
        base.insert("printable", &false);
        base.insert("print_qr", "");
        base.insert("next_drill", &None::<()>);
        // The home page: the header's site name is its <h1>.
        base.insert("is_home", &false);
        let keys = keys.map(|k| {
            let mut chrome = base.key.clone();
            chrome.add(&k.seed).add_serialized(&hashed.names);
            Keys {
                chrome: chrome.finish(),
                pages: k.pages,
                items: k.items,
            }
        });
        let base = base.ctx;
        Renderer {
            site,
            theme,
            bodies,
            items,
            relations,
            opts,
            assets: hashed,
            base,
            keys,
        }
    }

    /// A context with the shared values and the page's own.
    pub fn context(
        &self,
        section: &str,
        title: &str,
        description: &str,
        dir: &str,
    ) -> TemplateContext {
        let mut ctx = self.base.clone();
        ctx.insert("section", section);
        ctx.insert("title", title);
        let description = if description.is_empty() {
            self.site.config.description.as_str()
        } else {
            description
        };
        ctx.insert("description", description);
        ctx.insert("url", &self.site.url_of_dir(dir));
        let canonical = self.site.config.permalink(&self.site.url_of_dir(dir));
        // Open Graph needs absolute URLs; without a host there is none.
        let og_url = if self.site.config.origin.is_empty() {
            ""
        } else {
            canonical.as_str()
        };
        ctx.insert("og_url", og_url);
        ctx.insert("canonical", &canonical);
        ctx
    }

    /// Renders a template to `dir/index.html` (or to `dir` when it is a file name).
    pub fn emit(
        &self,
        template: &str,
        ctx: &TemplateContext,
        dir: &str,
        what: &str,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        // Most pages fit: one allocation.
        let html = self.theme.render_bytes(template, ctx, what, 32 * 1024)?;
        let path = out_path(dir);
        let rewrite = self.url_rewrite();
        if !rewrite.may_change(&html) {
            return Ok((path, html));
        }
        let html = String::from_utf8(html).map_err(|e| {
            Diagnostic::global(
                crate::error::Severity::Error,
                format!("{what}: the template produced invalid UTF-8: {e}"),
            )
        })?;
        Ok((path.clone(), rewrite.rewrite_html(&path, html).into_bytes()))
    }

    /// How URLs in pages are rewritten: hashed asset names, relative links.
    pub fn url_rewrite(&self) -> urls::UrlRewrite<'_> {
        urls::UrlRewrite {
            base_path: &self.site.config.base_path,
            assets: &self.assets.names,
            relative: self.site.config.relative_urls,
            origin: &self.site.config.origin,
        }
    }
}

/// The output file of a page in `dir`: `dir/index.html`, or `dir` itself
/// when it names a file.
pub fn out_path(dir: &str) -> String {
    if dir.is_empty() {
        "index.html".to_owned()
    } else if dir.ends_with('/') {
        format!("{dir}index.html")
    } else {
        dir.to_owned()
    }
}

/// What every list shows of each page, by page id.
pub fn item_views(site: &Site, bodies: &[Body]) -> Vec<ItemView> {
    (0..site.pages.len())
        .into_par_iter()
        .map(|id| views::item_view(site, id, &bodies[id]))
        .collect()
}

fn highlight_stylesheet(bodies: &[Body]) -> Option<String> {
    bodies
        .iter()
        .any(|b| b.has_code)
        .then(crate::highlight::stylesheet)
}
