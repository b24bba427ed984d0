//! Rendering: the assembled site and its bodies → output files (bytes).
//!
//! Owns: which files a build produces and their template contexts.
//! Imports: `site`, `theme`, `markdown` (types only), `content`, `config`,
//! `dates`, `error`, `highlight`. Never touches the disk.
//!
//! Invariants: pure and deterministic: `render(site, theme, bodies, opts)`
//! reads no clock (`site.now` is an input), no environment and no disk; the
//! output map is sorted by path.

pub mod lists;
pub mod pages;
pub mod views;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Footer, MenuItem};
use crate::content::Kind;
use crate::dates;
use crate::error::Diagnostic;
use crate::markdown::Body;
use crate::site::{PageId, Site, join_url};
use crate::theme::{TemplateContext, Theme};
use views::ItemView;

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
    footer: &'a Footer,
    menu: Vec<MenuView>,
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
}

/// 64-bit FNV-1a, for cache-busting query strings.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", h >> 32)
}

pub const HIGHLIGHT_CSS: &str = "css/highlight.css";

/// Shared state of one render.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub bodies: &'a [Body],
    pub items: &'a [ItemView],
    pub opts: &'a RenderOptions,
    base: TemplateContext,
}

impl<'a> Renderer<'a> {
    fn new(
        site: &'a Site,
        theme: &'a Theme,
        bodies: &'a [Body],
        items: &'a [ItemView],
        opts: &'a RenderOptions,
        highlight_css: &[u8],
    ) -> Self {
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
                let mut m: Vec<MenuView> = [
                    ("首页", ""),
                    ("工作动态", "articles"),
                    ("应急演练", "drills"),
                    ("警示案例", "cases"),
                    ("五进专栏", "areas"),
                ]
                .into_iter()
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
            footer: &cfg.footer,
            menu,
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
        let versioned = |path: &str| {
            let v = theme
                .statics
                .get(path)
                .map(|b| fingerprint(b))
                .unwrap_or_default();
            format!("{}?v={v}", join_url(&cfg.base_path, path))
        };
        let assets = AssetsView {
            css: versioned("css/site.css"),
            search_core_js: versioned("js/search-core.js"),
            search_js: versioned("js/search.js"),
            highlight_css: format!(
                "{}?v={}",
                join_url(&cfg.base_path, HIGHLIGHT_CSS),
                fingerprint(highlight_css)
            ),
        };
        let mut base = TemplateContext::new();
        base.insert("site", &site_view);
        base.insert("assets", &assets);
        base.insert("now", &dates::rfc3339(site.now, &cfg.tz));
        base.insert("live_reload", &opts.live_reload);
        Renderer {
            site,
            theme,
            bodies,
            items,
            opts,
            base,
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
        ctx.insert(
            "canonical",
            &self.site.config.permalink(&self.site.url_of_dir(dir)),
        );
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
        let html = self.theme.render(template, ctx, what)?;
        let path = if dir.is_empty() {
            "index.html".to_owned()
        } else if dir.ends_with('/') {
            format!("{dir}index.html")
        } else {
            dir.to_owned()
        };
        Ok((path, html.into_bytes()))
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

/// Renders every file of the site. Errors name the template and the page.
pub fn render(
    site: &Site,
    theme: &Theme,
    bodies: &[Body],
    opts: &RenderOptions,
) -> (Files, Vec<Diagnostic>) {
    let items = item_views(site, bodies);
    let (mut files, diags) = render_site(site, theme, bodies, &items, opts);
    files.extend(crate::search::index::build(site, bodies));
    (files, diags)
}

/// Renders only the single pages `ids` (for incremental rebuilds: the
/// caller knows every other output is unchanged).
pub fn render_pages(
    site: &Site,
    theme: &Theme,
    bodies: &[Body],
    items: &[ItemView],
    opts: &RenderOptions,
    ids: &[PageId],
) -> (Files, Vec<Diagnostic>) {
    let highlight_css = highlight_stylesheet(bodies).unwrap_or_default();
    let r = Renderer::new(site, theme, bodies, items, opts, highlight_css.as_bytes());
    let results: Vec<Result<(String, Vec<u8>), Diagnostic>> =
        ids.par_iter().map(|&id| pages::single(&r, id)).collect();
    collect(results)
}

fn collect(results: Vec<Result<(String, Vec<u8>), Diagnostic>>) -> (Files, Vec<Diagnostic>) {
    let mut files = Files::new();
    let mut diags = Vec::new();
    for res in results {
        match res {
            Ok((path, bytes)) => {
                files.insert(path, bytes);
            }
            Err(d) => diags.push(d),
        }
    }
    (files, diags)
}

/// Renders every file of the site except the search index.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    bodies: &[Body],
    items: &[ItemView],
    opts: &RenderOptions,
) -> (Files, Vec<Diagnostic>) {
    let highlight_css = highlight_stylesheet(bodies);
    let any_code = highlight_css.is_some();
    let highlight_css = highlight_css.unwrap_or_default();
    let r = Renderer::new(site, theme, bodies, items, opts, highlight_css.as_bytes());
    let mut results: Vec<Result<(String, Vec<u8>), Diagnostic>> = (0..site.pages.len())
        .into_par_iter()
        .map(|id| pages::single(&r, id))
        .collect();
    results.extend(lists::all(&r));
    let (mut files, diags) = collect(results);
    for (path, bytes) in &theme.statics {
        files.entry(path.clone()).or_insert_with(|| bytes.clone());
    }
    if any_code {
        files.insert(HIGHLIGHT_CSS.to_owned(), highlight_css.into_bytes());
    }
    (files, diags)
}

/// The listed kinds, in menu order.
pub const LISTED: [Kind; 3] = [Kind::Article, Kind::Drill, Kind::Case];
