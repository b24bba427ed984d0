//! Assembling the site: publishing rules, URLs, duplicate checks, ordering,
//! and the precomputed lists every list page is cut from.
//!
//! Owns: [`Site`] (immutable once assembled; pages refer to each other by
//! [`PageId`]) and the publishing rules. Imports: `config`, `content`,
//! `dates`, `error`.
//!
//! Invariants: every list is sorted with a total order (date, then title,
//! then file) so output is deterministic; each output path belongs to one
//! page; all lists are built once here in O(n log n).

pub mod relations;

use std::collections::{BTreeMap, HashMap};

use crate::config::Config;
use crate::content::slug::{encode_segment, slugify};
use crate::content::{Kind, Page};
use crate::dates::{self, Timestamp};
use crate::error::{Diagnostic, Span};

pub type PageId = usize;

/// Which unpublished content to include.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublishOptions {
    pub drafts: bool,
    pub future: bool,
    /// Include content whose `expires` date has passed (`--expired`).
    pub expired: bool,
}

/// Why a page was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    Draft,
    Future,
    Expired,
}

impl Unpublished {
    pub fn reason(self) -> &'static str {
        match self {
            Unpublished::Draft => "is a draft (draft: true)",
            Unpublished::Future => "is scheduled for a later date",
            Unpublished::Expired => "has expired",
        }
    }
}

/// The publishing rule: drafts, future-dated and expired content is left
/// out, unless `opts` asks for it.
/// A drill's `start` never hides it; only its publication `date` does.
pub fn publication(
    page: &Page,
    now: Timestamp,
    opts: PublishOptions,
    cfg: &Config,
) -> Option<Unpublished> {
    if page.draft && !opts.drafts {
        return Some(Unpublished::Draft);
    }
    if let Some(date) = page.date
        && date.ts > now
        && !opts.future
    {
        return Some(Unpublished::Future);
    }
    if let Some(exp) = page.expires
        && now >= dates::end_of_day(exp, &cfg.tz)
        && !opts.expired
    {
        return Some(Unpublished::Expired);
    }
    None
}

/// A tag and the pages carrying it.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    /// URL segment (percent-encoded in links, raw in file names).
    pub slug: String,
    pub pages: Vec<PageId>,
}

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub now: Timestamp,
    pub pages: Vec<Page>,
    /// Output directory of each page, no leading slash: `articles/x/`.
    pub dirs: Vec<String>,
    /// Source file → page, for `@/` links.
    pub by_file: HashMap<String, PageId>,
    /// Source files left out by the publishing rules.
    pub unpublished: HashMap<String, Unpublished>,
    /// Each column's pages in list order (by index of `Config::columns`):
    /// newest first; a drill column's upcoming drills first (soonest
    /// first), then its ended ones (most recent first); single pages by
    /// title.
    pub columns: Vec<Vec<PageId>>,
    /// How many of each column's first entries are upcoming drills.
    pub upcoming_in: Vec<usize>,
    /// Drills not yet ended, soonest first.
    pub drills_upcoming: Vec<PageId>,
    /// Ended drills, most recent first.
    pub drills_past: Vec<PageId>,
    /// Standalone pages, by title.
    pub standalone: Vec<PageId>,
    /// Per area (index of `Config::areas`): every listed page, newest first.
    pub areas: Vec<Vec<PageId>>,
    /// By name.
    pub tags: Vec<Tag>,
    /// Tag slug → index into `tags`.
    pub tag_by_slug: HashMap<String, usize>,
    /// Previous (newer) and next (older) page of the same column, for
    /// dated columns but drills.
    pub neighbours: Vec<(Option<PageId>, Option<PageId>)>,
    /// Each page's place in the order of all pages newest first (dated
    /// before undated, then by title, then by file): sorting ids by it
    /// gives that order.
    pub rank: Vec<u32>,
}

/// Top-level URL segments a standalone page may not take.
pub const RESERVED: &[&str] = &[
    "articles",
    "drills",
    "cases",
    "areas",
    "tags",
    "search",
    "assets",
    "css",
    "js",
    "images",
    "404.html",
    "page",
    "atom.xml",
    "rss.xml",
    "sitemap.xml",
    "robots.txt",
    "__anxuan",
];

impl Site {
    /// The root-relative URL of an output directory: base path + dir.
    pub fn url_of_dir(&self, dir: &str) -> String {
        join_url(&self.config.base_path, dir)
    }

    /// The site URL of a page's `cover` as written (relative to the page's
    /// source folder, as Markdown images are, or site-absolute); `None`
    /// for a web URL.
    pub fn cover_url(&self, page: &crate::content::Page, cover: &str) -> Option<String> {
        if crate::weburl::absolute_web(cover).is_some() {
            return None;
        }
        if cover.starts_with('/') {
            return Some(join_url(&self.config.base_path, cover));
        }
        let folder = page
            .file
            .strip_prefix("content/")
            .unwrap_or(&page.file)
            .rsplit_once('/')
            .map_or("", |(d, _)| d);
        let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
        for seg in cover.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        Some(join_url(&self.config.base_path, &parts.join("/")))
    }

    pub fn url(&self, id: PageId) -> String {
        self.url_of_dir(&self.dirs[id])
    }

    /// Absolute URL when `base_url` is absolute, else root-relative.
    pub fn permalink(&self, id: PageId) -> String {
        self.config.permalink(&self.url(id))
    }

    pub fn tag_dir(&self, tag: &Tag) -> String {
        format!("tags/{}/", tag.slug)
    }

    /// The URL of the tag page for a tag as written on a page.
    pub fn tag_url(&self, name: &str) -> Option<String> {
        let slug = tag_slug(name);
        let tag = &self.tags[*self.tag_by_slug.get(&slug)?];
        Some(self.url_of_dir(&self.tag_dir(tag)))
    }

    /// The root-relative URL of column `c`'s list.
    pub fn column_url(&self, c: usize) -> String {
        self.url_of_dir(&format!("{}/", self.config.columns[c].folder))
    }

    /// All drills: upcoming first (soonest first), then past (most recent first).
    pub fn drills(&self) -> impl Iterator<Item = PageId> + '_ {
        self.drills_upcoming
            .iter()
            .chain(self.drills_past.iter())
            .copied()
    }
}

/// Joins a base path (`/` or `/sub/`) and a directory with percent-encoded
/// segments (`tags/消防/` → `/sub/tags/%E6%B6%88%E9%98%B2/`).
pub fn join_url(base_path: &str, dir: &str) -> String {
    let mut url = base_path.to_owned();
    let segments: Vec<String> = dir
        .split('/')
        .filter(|s| !s.is_empty())
        .map(encode_segment)
        .collect();
    url.push_str(&segments.join("/"));
    if dir.ends_with('/') && !segments.is_empty() {
        url.push('/');
    }
    url
}

/// The URL segment of a tag: slugified, keeping Chinese characters.
pub fn tag_slug(name: &str) -> String {
    let slug = slugify(name);
    if slug.is_empty() {
        encode_segment(name)
    } else {
        slug
    }
}

/// Newest first, then by title, then by file: a total order (files are
/// unique).
fn newest_first(pages: &[Page], a: PageId, b: PageId) -> std::cmp::Ordering {
    let (pa, pb) = (&pages[a], &pages[b]);
    pb.list_date()
        .cmp(&pa.list_date())
        .then_with(|| pa.title.cmp(&pb.title))
        .then_with(|| pa.file.cmp(&pb.file))
}

/// Each page's place in the [`newest_first`] order of all pages: sorting
/// any list by it gives that order, with one comparison of numbers
/// instead of dates and titles.
fn newest_first_ranks(pages: &[Page]) -> Vec<u32> {
    let mut all: Vec<PageId> = (0..pages.len()).collect();
    all.sort_by(|&a, &b| newest_first(pages, a, b));
    let mut rank = vec![0; pages.len()];
    for (r, &id) in all.iter().enumerate() {
        rank[id] = r as u32;
    }
    rank
}

/// The output directory of a page: `<column folder>/<slug>/`, or
/// `<slug>/` for a single page.
pub fn page_dir(page: &Page, cfg: &Config) -> String {
    match page.kind {
        Kind::Page => format!("{}/", page.slug),
        _ => format!("{}/{}/", cfg.columns[page.column].folder, page.slug),
    }
}

/// Builds the site from validated, published pages. Duplicate output paths
/// and reserved slugs are errors naming every file involved; the pages
/// involved are left out so the rest of the build can still report its
/// own problems in the same run.
pub fn assemble(
    config: Config,
    mut pages: Vec<Page>,
    unpublished: HashMap<String, Unpublished>,
    now: Timestamp,
) -> (Site, Vec<Diagnostic>) {
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    let mut diags = Vec::new();
    let mut dirs: Vec<String> = pages.iter().map(|p| page_dir(p, &config)).collect();
    let mut owners: crate::hash::FxMap<&str, Vec<PageId>> = Default::default();
    owners.reserve(dirs.len());
    for (id, dir) in dirs.iter().enumerate() {
        owners.entry(dir.as_str()).or_default().push(id);
    }
    // Reported in URL order.
    let mut shared: Vec<(&str, Vec<PageId>)> = owners
        .into_iter()
        .filter(|(_, ids)| ids.len() > 1)
        .collect();
    shared.sort_unstable();
    let mut dropped = vec![false; pages.len()];
    for (dir, ids) in &shared {
        let files: Vec<&str> = ids.iter().map(|&i| pages[i].file.as_str()).collect();
        for &i in ids {
            dropped[i] = true;
            let others: Vec<&str> = files
                .iter()
                .copied()
                .filter(|f| *f != pages[i].file)
                .collect();
            diags.push(
                Diagnostic::error(
                    Span::file(pages[i].file.clone()),
                    format!(
                        "duplicate URL /{dir}: also produced by {}",
                        others.join(", ")
                    ),
                )
                .with_help("两个文件生成了同一个网址；请修改其中一个的文件名或 `slug`"),
            );
        }
    }
    for (id, p) in pages.iter().enumerate() {
        if p.kind == Kind::Page
            && (RESERVED.contains(&p.slug.as_str()) || config.column_of(&p.slug).is_some())
        {
            dropped[id] = true;
            diags.push(
                Diagnostic::error(
                    Span::file(p.file.clone()),
                    format!("the URL /{} is reserved by anxuan", dirs[id]),
                )
                .with_help("单页的网址不能与栏目同名；请修改文件名或 `slug`"),
            );
        }
    }
    drop(shared);
    if dropped.contains(&true) {
        let mut keep = dropped.iter().map(|d| !d);
        pages.retain(|_| keep.next().unwrap_or(true));
        let mut keep = dropped.iter().map(|d| !d);
        dirs.retain(|_| keep.next().unwrap_or(true));
    }

    let by_file = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.file.clone(), i))
        .collect();
    let rank = newest_first_ranks(&pages);
    let order_newest_first = |ids: &mut Vec<PageId>| ids.sort_unstable_by_key(|&i| rank[i]);
    let mut columns: Vec<Vec<PageId>> = vec![Vec::new(); config.columns.len()];
    for (id, p) in pages.iter().enumerate() {
        columns[p.column].push(id);
    }
    let start = |i: PageId| pages[i].drill().map(|d| d.start);
    let is_upcoming = |i: PageId| pages[i].drill().is_some_and(|d| d.is_current(now));
    // Upcoming soonest first, then ended ones most recent first.
    let drill_order = |ids: &mut Vec<PageId>| -> usize {
        let (mut upcoming, mut past): (Vec<PageId>, Vec<PageId>) =
            ids.iter().partition(|&&i| is_upcoming(i));
        upcoming.sort_by(|&a, &b| {
            start(a)
                .cmp(&start(b))
                .then(pages[a].file.cmp(&pages[b].file))
        });
        past.sort_by(|&a, &b| {
            start(b)
                .cmp(&start(a))
                .then(pages[a].file.cmp(&pages[b].file))
        });
        let n = upcoming.len();
        upcoming.append(&mut past);
        *ids = upcoming;
        n
    };
    let mut upcoming_in = vec![0; columns.len()];
    for (c, ids) in columns.iter_mut().enumerate() {
        match config.columns[c].kind {
            Kind::Drill => upcoming_in[c] = drill_order(ids),
            Kind::Page => ids.sort_by(|&a, &b| {
                pages[a]
                    .title
                    .cmp(&pages[b].title)
                    .then(pages[a].file.cmp(&pages[b].file))
            }),
            _ => order_newest_first(ids),
        }
    }
    let mut standalone: Vec<PageId> = (0..pages.len())
        .filter(|&i| pages[i].kind == Kind::Page)
        .collect();
    standalone.sort_by(|&a, &b| {
        pages[a]
            .title
            .cmp(&pages[b].title)
            .then(pages[a].file.cmp(&pages[b].file))
    });
    let mut all_drills: Vec<PageId> = (0..pages.len())
        .filter(|&i| pages[i].kind == Kind::Drill)
        .collect();
    let upcoming_count = drill_order(&mut all_drills);
    let past = all_drills.split_off(upcoming_count);
    let upcoming = all_drills;

    let mut areas = vec![Vec::new(); config.areas.len()];
    let mut tag_map: BTreeMap<String, Tag> = BTreeMap::new();
    // Most pages share a few tags: each name is made a slug once.
    let mut slugs: crate::hash::FxMap<&str, String> = Default::default();
    for (id, p) in pages.iter().enumerate() {
        if p.kind == Kind::Page {
            continue;
        }
        for &a in &p.areas {
            areas[a].push(id);
        }
        for t in &p.tags {
            let slug = slugs
                .entry(t.as_str())
                .or_insert_with(|| tag_slug(t))
                .clone();
            tag_map
                .entry(slug.clone())
                .or_insert_with(|| Tag {
                    name: t.clone(),
                    slug,
                    pages: Vec::new(),
                })
                .pages
                .push(id);
        }
    }
    drop(slugs);
    for list in &mut areas {
        order_newest_first(list);
    }
    let mut tags: Vec<Tag> = tag_map.into_values().collect();
    for t in &mut tags {
        order_newest_first(&mut t.pages);
    }
    tags.sort_by(|a, b| a.name.cmp(&b.name));
    let tag_by_slug = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.clone(), i))
        .collect();

    let mut neighbours = vec![(None, None); pages.len()];
    for (c, list) in columns.iter().enumerate() {
        if matches!(config.columns[c].kind, Kind::Drill | Kind::Page) {
            continue;
        }
        for (i, &id) in list.iter().enumerate() {
            let prev = i.checked_sub(1).map(|j| list[j]);
            let next = list.get(i + 1).copied();
            neighbours[id] = (prev, next);
        }
    }

    let site = Site {
        config,
        now,
        pages,
        dirs,
        by_file,
        unpublished,
        columns,
        upcoming_in,
        drills_upcoming: upcoming,
        drills_past: past,
        standalone,
        areas,
        tags,
        tag_by_slug,
        neighbours,
        rank,
    };
    (site, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_url_encodes_segments_under_base_path() {
        assert_eq!(join_url("/", "articles/x/"), "/articles/x/");
        assert_eq!(
            join_url("/aq/", "tags/消防/"),
            "/aq/tags/%E6%B6%88%E9%98%B2/"
        );
        assert_eq!(join_url("/", ""), "/");
        assert_eq!(join_url("/aq/", "atom.xml"), "/aq/atom.xml");
    }
}
