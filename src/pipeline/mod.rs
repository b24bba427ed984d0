//! The build pipeline: discover → load → assemble → markdown → render.
//!
//! Owns: running the stages in order, parallelism at the top of each stage
//! (rayon), collecting every diagnostic, and per-stage timings.
//! Imports: every stage module and `check` (the offline checks of the
//! output); never `output`, `serve`, `cmd` or `shell`.
//!
//! Invariants: the result is a pure function of the site's files and the
//! options (`now` included); all content errors of a run are reported
//! together, sorted by file and line; nothing is written here.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{CONFIG_FILE, Config};
use crate::content::slug::encode_segment;
use crate::content::{self, Asset, Kind, Page, discover};
use crate::dates::{self, Timestamp};
use crate::error::{Diagnostic, Severity, Span, has_errors, sort_diagnostics};
use crate::hash::{FxMap, FxSet};
use crate::highlight::Highlighter;
use crate::markdown::{self, Body, Links, MarkdownOptions, Target};
use crate::render::urls::percent_decode;
use crate::render::views::ItemView;
use crate::render::{self, Files, RenderOptions};
use crate::site::{self, PageId, PublishOptions, Site, Unpublished};
use crate::theme::Theme;

mod patch;

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub publish: PublishOptions,
    /// `--now`, already parsed; `None` reads the wall clock once.
    pub now: Option<String>,
    /// `--base-url`
    pub base_url: Option<String>,
    /// `--relative`: links relative to each page (as `relative_urls: true`).
    pub relative: bool,
    pub render: RenderOptions,
}

/// Counts for the console.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub articles: usize,
    pub drills: usize,
    pub cases: usize,
    pub pages: usize,
    pub unpublished: usize,
}

/// A successful build, not yet written.
#[derive(Debug)]
pub struct Build {
    pub files: Files,
    /// Assets copied from the site as they are.
    pub copies: Vec<Asset>,
    /// Warnings (errors make the build fail).
    pub diags: Vec<Diagnostic>,
    /// What the site checks found in the output (`anxuan check`; warnings
    /// at the end of `anxuan build`).
    pub check: crate::check::Report,
    pub stats: Stats,
    pub timings: Vec<(&'static str, Duration)>,
    /// The one-shot build's large data, for the caller to drop or leak.
    pub leftovers: Leftovers,
}

/// A one-shot build's large data once it is done (the site, the page
/// bodies, the checks' scans of every page): dropped as usual, or leaked
/// by a process about to exit.
#[derive(Default)]
pub struct Leftovers(Vec<Box<dyn std::any::Any + Send>>);

impl Leftovers {
    fn keep(&mut self, x: impl std::any::Any + Send) {
        self.0.push(Box::new(x));
    }

    /// Leaves the memory to the operating system: freeing a 12,000-page
    /// build object by object took 0.15 s on one core, with nothing else
    /// left to run beside it.
    pub fn leak(self) {
        std::mem::forget(self);
    }
}

impl std::fmt::Debug for Leftovers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Leftovers({})", self.0.len())
    }
}

/// The rendered outputs of a cached build.
#[derive(Debug)]
pub enum Output {
    /// Every file of the site.
    Full(Files),
    /// Only what differs from the previous successful build of the same
    /// cache: files to (over)write and files to remove; every other file
    /// of that build is unchanged, byte for byte.
    Patch { set: Files, remove: Vec<String> },
}

/// A successful cached build (`anxuan serve`): like [`Build`], with the
/// rendered files as an [`Output`].
#[derive(Debug)]
pub struct Update {
    pub output: Output,
    pub copies: Vec<Asset>,
    pub diags: Vec<Diagnostic>,
    /// The output checks; `None` for cached builds, which skip them.
    pub check: Option<crate::check::Report>,
    pub stats: Stats,
    pub timings: Vec<(&'static str, Duration)>,
    pub leftovers: Leftovers,
}

/// Reads and validates `site.yaml`.
pub fn load_config(root: &Path) -> Result<Config, Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => content::frontmatter::decode(CONFIG_FILE, &bytes).map_err(|d| vec![d])?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(vec![
                Diagnostic::error(Span::file(CONFIG_FILE), format!("no {CONFIG_FILE} in {}", root.display()))
                    .with_help("这不是一个 anxuan 站点目录：请用 --root 指定站点目录，或运行 `anxuan init 目录名` 新建站点"),
            ]);
        }
        Err(e) => {
            return Err(vec![Diagnostic::error(
                Span::file(CONFIG_FILE),
                format!("cannot read: {e}"),
            )]);
        }
    };
    Config::parse(&text)
}

struct Timer {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Timer {
    fn new() -> Self {
        Timer {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }
}

/// Resolves links against the assembled site.
struct SiteLinks<'a> {
    site: &'a Site,
    /// Files that exist but were left out (unpublished) → their future URL and why.
    unpublished: &'a HashMap<String, (Unpublished, String)>,
    /// Files that failed to load (their own errors are reported already).
    failed: &'a HashSet<String>,
    assets: &'a HashSet<String>,
}

/// Normalizes `a/b/../c` (no escaping above the start); `None` if it escapes.
fn normalize(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

impl SiteLinks<'_> {
    fn page_target(&self, file: &str) -> Target {
        if let Some(&id) = self.site.by_file.get(file) {
            return Target::Page {
                url: self.site.url(id),
                file: file.to_owned(),
            };
        }
        if let Some((why, dir)) = self.unpublished.get(file) {
            return Target::Warn(
                self.site.url_of_dir(dir),
                format!(
                    "links to {file}, which {} and is not on the site yet",
                    why.reason()
                ),
            );
        }
        if self.failed.contains(file) {
            return Target::Url("#".into());
        }
        Target::Missing(format!("there is no file {file}"))
    }

    fn asset_url(&self, out: &str) -> String {
        let mut url = self.site.config.base_path.clone();
        url.push_str(
            &out.split('/')
                .map(encode_segment)
                .collect::<Vec<_>>()
                .join("/"),
        );
        url
    }
}

impl Links for SiteLinks<'_> {
    fn internal(&self, path: &str) -> Target {
        let path = path.trim_start_matches('/');
        let path = path.strip_prefix("content/").unwrap_or(path);
        let file = if path.ends_with(".md") {
            format!("content/{path}")
        } else {
            format!("content/{path}.md")
        };
        self.page_target(&file)
    }

    fn relative(&self, file: &str, url: &str) -> Target {
        let decoded = percent_decode(url);
        let dir = Path::new(file).parent().unwrap_or(Path::new(""));
        let Some(joined) = normalize(&dir.join(&decoded)) else {
            return Target::Missing("it points outside the site".into());
        };
        if joined.ends_with(".md") {
            return self.page_target(&joined);
        }
        for prefix in ["content/", "static/"] {
            if let Some(out) = joined.strip_prefix(prefix)
                && self.assets.contains(out)
            {
                return Target::Url(self.asset_url(out));
            }
        }
        let why = format!("there is no file {joined}");
        let near = ["content/", "static/"].iter().find_map(|prefix| {
            let out = joined.strip_prefix(prefix)?;
            near_miss(&decoded, out, self.assets.iter().map(String::as_str))
        });
        match near {
            Some(fix) => Target::Near(why, fix),
            None => Target::Missing(why),
        }
    }

    fn rooted(&self, url: &str) -> String {
        format!(
            "{}{}",
            self.site.config.base_path,
            url.trim_start_matches('/')
        )
    }
}

/// A path without the extension of its last segment, in lower case: two
/// paths that differ only in letter case or extension have the same one.
fn loose(path: &str) -> String {
    let stem = match path.rfind('.') {
        Some(dot) if !path[dot..].contains('/') && !path[..dot].ends_with('/') => &path[..dot],
        _ => path,
    };
    stem.to_lowercase()
}

/// The link to write instead of `url` (relative, as the editor wrote it,
/// percent-decoded) when the file it names, output path `out`, does not
/// exist but one of `assets` differs from it only in letter case or
/// extension: `images/现场.JPG` → `images/现场.jpg`. A case-only match is
/// preferred, then the first in order.
fn near_miss<'a>(url: &str, out: &str, assets: impl Iterator<Item = &'a str>) -> Option<String> {
    let want = loose(out);
    let ext = |p: &str| {
        p.rsplit('/')
            .next()
            .and_then(|n| n.rsplit_once('.'))
            .map(|(_, e)| e.to_lowercase())
    };
    let found = assets
        .filter(|a| loose(a) == want)
        .min_by_key(|a| (ext(a) != ext(out), *a))?;
    // The last segments of `url` name the same folders and file as the
    // last segments of `found`; the ones before (`..`, `.`) stay.
    let segments: Vec<&str> = url.split('/').collect();
    let named = segments
        .iter()
        .rev()
        .take_while(|s| !matches!(**s, "" | "." | ".."))
        .count();
    let found_segments: Vec<&str> = found.split('/').collect();
    if named == 0 || named > found_segments.len() {
        return None;
    }
    let mut fixed: Vec<&str> = segments[..segments.len() - named].to_vec();
    fixed.extend_from_slice(&found_segments[found_segments.len() - named..]);
    Some(fixed.join("/"))
}

/// What a file looked like when it was read: reused only while all of it
/// is unchanged. On Unix the inode change time is part of it, and no tool
/// can set that back, so an edit that keeps the size and restores the
/// modification time is still seen.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    changed: (i64, i64, u64),
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let changed = {
            use std::os::unix::fs::MetadataExt;
            (m.ctime(), m.ctime_nsec(), m.ino())
        };
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
            #[cfg(unix)]
            changed,
        })
    }
}

/// Every file of a theme folder with its stamp, sorted.
type ThemeStamps = Vec<(PathBuf, Option<Stamp>)>;

/// Every file of the theme `name` with its stamp, sorted (the theme's
/// fingerprint), found as the theme finds them (links by the site's rule).
fn stamps_under(root: &Path, name: &str) -> ThemeStamps {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    crate::sitefs::walk_files(root, &format!("themes/{name}"), &mut skipped, |_, abs| {
        let st = Stamp::of(&abs);
        out.push((abs, st));
    });
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A link question a page's Markdown asked while rendering, and the answer.
#[derive(Debug, Clone, PartialEq)]
enum Query {
    Internal(String, Target),
    Relative(String, String, Target),
    Rooted(String, String),
}

/// Answers link questions and remembers them, so a cached body can later be
/// checked against the new site: same questions, same answers → same body.
struct Recorder<'a> {
    inner: &'a dyn Links,
    log: std::sync::Mutex<Vec<Query>>,
}

impl Recorder<'_> {
    fn push(&self, q: Query) {
        match self.log.lock() {
            Ok(mut g) => g.push(q),
            Err(e) => e.into_inner().push(q),
        }
    }

    fn into_log(self) -> Vec<Query> {
        self.log.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Links for Recorder<'_> {
    fn internal(&self, path: &str) -> Target {
        let t = self.inner.internal(path);
        self.push(Query::Internal(path.to_owned(), t.clone()));
        t
    }

    fn relative(&self, file: &str, url: &str) -> Target {
        let t = self.inner.relative(file, url);
        self.push(Query::Relative(file.to_owned(), url.to_owned(), t.clone()));
        t
    }

    fn rooted(&self, url: &str) -> String {
        let t = self.inner.rooted(url);
        self.push(Query::Rooted(url.to_owned(), t.clone()));
        t
    }
}

fn still_true(q: &Query, links: &dyn Links) -> bool {
    match q {
        Query::Internal(p, t) => links.internal(p) == *t,
        Query::Relative(f, u, t) => links.relative(f, u) == *t,
        Query::Rooted(u, t) => links.rooted(u) == *t,
    }
}

struct CachedBody {
    markdown: String,
    offset: usize,
    unsafe_html: bool,
    queries: Vec<Query>,
    body: Body,
    diags: Vec<Diagnostic>,
}

/// What a build hands back to the cache when it ends (moved, not copied).
#[derive(Default)]
struct Kept {
    /// Stamps of the files whose pages loaded.
    stamps: FxMap<String, Stamp>,
    warnings: FxMap<String, Vec<Diagnostic>>,
    /// Loaded pages that are not published.
    pages: Vec<Page>,
    /// Markdown results, without their bodies, in page order.
    bodies: Vec<CachedBody>,
}

impl Kept {
    /// Puts the pages and bodies of this build back into the cache.
    fn put_back(mut self, cache: &mut Cache, published: Vec<Page>, bodies: Vec<Body>) {
        if !cache.enabled {
            return;
        }
        let cached = std::mem::take(&mut self.bodies);
        for ((page, body), mut c) in published.iter().zip(bodies).zip(cached) {
            c.body = body;
            cache.bodies.insert(page.file.clone(), c);
        }
        for page in published.into_iter().chain(self.pages) {
            if let Some(st) = self.stamps.remove(&page.file) {
                let warnings = self.warnings.remove(&page.file).unwrap_or_default();
                cache
                    .parsed
                    .insert(page.file.clone(), (st, Ok((page, warnings))));
            }
        }
    }
}

/// The last successful build, kept whole between builds (`anxuan serve`):
/// an edit that changes only page bodies patches it in place ([`patch`]);
/// any other build first takes it apart into the per-file caches.
struct Last {
    site: Site,
    bodies: Vec<Body>,
    kept: Kept,
    /// Loaded but unpublished files → why, and their future output folder.
    unpublished: HashMap<String, (Unpublished, String)>,
    /// Output paths of the site's assets.
    assets: HashSet<String>,
    stats: Stats,
}

impl Last {
    /// Moves the pages and bodies into the per-file caches of `cache`.
    fn take_apart(self, cache: &mut Cache) {
        self.kept.put_back(cache, self.site.pages, self.bodies);
    }
}

/// The site-wide inputs of rendering: when they are unchanged, only pages
/// whose own inputs changed are rendered again.
#[derive(Debug, Clone, PartialEq)]
struct Structure {
    files: Vec<String>,
    dirs: Vec<String>,
    articles: Vec<PageId>,
    cases: Vec<PageId>,
    drills_upcoming: Vec<PageId>,
    drills_past: Vec<PageId>,
    standalone: Vec<PageId>,
    areas: Vec<Vec<PageId>>,
    tags: Vec<(String, String, Vec<PageId>)>,
    neighbours: Vec<(Option<PageId>, Option<PageId>)>,
    unpublished: Vec<(String, Unpublished)>,
    any_code: bool,
}

impl Structure {
    fn of(site: &Site, bodies: &[Body]) -> Structure {
        let mut unpublished: Vec<(String, Unpublished)> = site
            .unpublished
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        unpublished.sort_by(|a, b| a.0.cmp(&b.0));
        Structure {
            files: site.pages.iter().map(|p| p.file.clone()).collect(),
            dirs: site.dirs.clone(),
            articles: site.articles.clone(),
            cases: site.cases.clone(),
            drills_upcoming: site.drills_upcoming.clone(),
            drills_past: site.drills_past.clone(),
            standalone: site.standalone.clone(),
            areas: site.areas.clone(),
            tags: site
                .tags
                .iter()
                .map(|t| (t.name.clone(), t.slug.clone(), t.pages.clone()))
                .collect(),
            neighbours: site.neighbours.clone(),
            unpublished,
            any_code: bodies.iter().any(|b| b.has_code),
        }
    }
}

/// The last successful render.
struct RenderMemo {
    /// Configuration, options, `now` and theme the render used.
    key: String,
    structure: Structure,
    items: Vec<ItemView>,
    /// Every output of the render except the search index.
    rendered: HashSet<String>,
    /// The outputs of the search index.
    search: Vec<String>,
}

/// What the pipeline keeps between builds of the same site (`anxuan serve`).
/// Every cached value is reused only when its inputs are unchanged, so a
/// cached build returns exactly the bytes of a fresh one (tested by
/// `tests/it/serve.rs`, which compares with fresh builds after edits).
#[derive(Default)]
pub struct Cache {
    /// Off for one-shot builds: nothing is kept (no copies are made).
    enabled: bool,
    /// `site.yaml` and the overrides that parsed pages depend on.
    config_key: Vec<u8>,
    /// Loaded pages by source file, with the stamp of the file read.
    parsed: FxMap<String, (Stamp, content::Loaded)>,
    /// Rendered Markdown by source file.
    bodies: FxMap<String, CachedBody>,
    /// The compiled theme and the stamps of its folder.
    theme: Option<(String, ThemeStamps, Theme)>,
    render: Option<RenderMemo>,
    search: crate::search::index::IndexCache,
    /// The last build's discovery, reused when the next build is told
    /// which files changed and they are all known sources.
    discovery: Option<discover::Discovery>,
    /// The files changed since the last build, when the caller knows them
    /// (the preview server's watcher); taken by the next build.
    changed: Option<Vec<String>>,
    /// The last successful build, whole.
    last: Option<Last>,
    /// Syntax definitions load on the first code block and stay.
    highlighter: std::sync::Arc<Highlighter>,
}

/// Runs the whole pipeline. `Err` carries every diagnostic when any is an error.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<Build, Vec<Diagnostic>> {
    let u = rebuild(root, opts, &mut Cache::default())?;
    match u.output {
        Output::Full(files) => Ok(Build {
            files,
            copies: u.copies,
            diags: u.diags,
            check: u.check.unwrap_or_default(),
            stats: u.stats,
            timings: u.timings,
            leftovers: u.leftovers,
        }),
        // A fresh cache has no previous build to patch.
        Output::Patch { .. } => Err(vec![Diagnostic::global(
            Severity::Error,
            "internal error: a one-shot build returned a patch",
        )]),
    }
}

impl Cache {
    /// A cache that keeps what a build computed for the next build.
    pub fn new() -> Cache {
        Cache {
            enabled: true,
            ..Cache::default()
        }
    }

    /// Tells the next build which files (site-relative, `/`-separated)
    /// changed since the last one: when they are all known Markdown sources
    /// that still exist, it neither walks the folders again nor checks
    /// every other file's stamp. Without this it checks everything.
    pub fn note_changed(&mut self, paths: &[String]) {
        self.changed = (!paths.is_empty()).then(|| paths.to_vec());
    }
}

/// [`build`], reusing and refreshing `cache`: files whose stamp is unchanged
/// are not parsed again, bodies whose Markdown and link answers are unchanged
/// are not rendered again, the theme is compiled only when its folder
/// changed, and when the site's structure and every list item are
/// unchanged only the pages whose own inputs changed are rendered again and
/// returned as a patch on the previous successful build.
pub fn rebuild(
    root: &Path,
    opts: &BuildOptions,
    cache: &mut Cache,
) -> Result<Update, Vec<Diagnostic>> {
    rebuild_with(root, opts, cache, None)
}

/// Writes one file (output path, bytes), from any thread.
pub type WriteOne<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// Where a streaming build (`anxuan build`) writes each file as soon as it
/// is rendered (into a staging folder the caller swaps in later), so that a
/// large site is never held in memory whole. Nothing is written unless
/// every stage before rendering succeeded.
pub struct Stream<'a> {
    pub write: &'a WriteOne<'a>,
}

/// [`build`], writing the files through `stream` instead of returning them:
/// the result's `files` is empty.
pub fn build_streaming(
    root: &Path,
    opts: &BuildOptions,
    stream: &Stream<'_>,
) -> Result<Build, Vec<Diagnostic>> {
    let u = rebuild_with(root, opts, &mut Cache::default(), Some(stream))?;
    Ok(Build {
        files: match u.output {
            Output::Full(files) => files,
            Output::Patch { set, .. } => set,
        },
        copies: u.copies,
        diags: u.diags,
        check: u.check.unwrap_or_default(),
        stats: u.stats,
        timings: u.timings,
        leftovers: u.leftovers,
    })
}

fn rebuild_with(
    root: &Path,
    opts: &BuildOptions,
    cache: &mut Cache,
    stream: Option<&Stream<'_>>,
) -> Result<Update, Vec<Diagnostic>> {
    let mut timer = Timer::new();
    // Canonical, so that every path discovery hands out is (the link rule).
    let root = &crate::sitefs::canonical_root(root);
    let mut leftovers = Leftovers::default();
    // Read the key before the config: if site.yaml changes in between, the
    // next build sees a different key and starts afresh.
    let mut config_key = std::fs::read(root.join(CONFIG_FILE)).unwrap_or_default();
    config_key.extend_from_slice(format!("\0{:?}\0{}", opts.base_url, opts.relative).as_bytes());
    if config_key != cache.config_key {
        *cache = Cache {
            enabled: cache.enabled,
            config_key,
            ..Cache::default()
        };
    }
    let keep = cache.enabled;
    let mut cfg = load_config(root)?;
    if let Some(url) = &opts.base_url {
        cfg.override_base_url(url).map_err(|e| {
            vec![Diagnostic::global(
                Severity::Error,
                format!("invalid --base-url: {e}"),
            )]
        })?;
    }
    if opts.relative {
        cfg.relative_urls = true;
    }
    let now: Timestamp = match &opts.now {
        Some(s) => dates::parse_now(s, &cfg.tz).map_err(|e| {
            vec![
                Diagnostic::global(Severity::Error, format!("invalid --now: {e}")).with_help(
                    format!(
                        "例如 --now 2025-06-16T09:00:00+08:00；也可写 {}",
                        dates::ACCEPTED_FORMATS
                    ),
                ),
            ]
        })?,
        None => dates::wall_clock(),
    };

    let render_key = format!(
        "{:?}\0{:?}\0{:?}\0{:?}",
        opts.now, opts.publish, opts.render.live_reload, now
    );
    let changed = cache.changed.take().filter(|_| keep);
    // An edit of page bodies only patches the last build.
    if let Some(changed) = changed.as_deref()
        && stream.is_none()
        && let Some(res) = patch::bodies_only(cache, opts, changed, &render_key, &mut timer)
    {
        return res;
    }
    if let Some(last) = cache.last.take() {
        last.take_apart(cache);
    }
    // The watcher's word that only known sources changed saves walking
    // 12,000 files and reading their stamps.
    let (found, hinted) = match (changed.as_deref(), cache.discovery.take()) {
        (Some(changed), Some(last))
            if changed
                .iter()
                .all(|p| last.sources.iter().any(|s| s.rel == *p) && root.join(p).is_file()) =>
        {
            let changed: HashSet<&str> = changed.iter().map(String::as_str).collect();
            (last, Some(changed))
        }
        _ => (discover::discover(root), None),
    };
    if keep {
        cache.discovery = Some(found.clone());
    }
    let mut diags = found.diags;
    timer.lap("discover");

    // Pages whose source was parsed again (their page may have changed).
    let mut reparsed: FxSet<String> = FxSet::default();
    // Stamp first: a change while reading shows up next time.
    let stamps: Vec<Option<Stamp>> = found
        .sources
        .par_iter()
        .map(|src| match (&hinted, cache.parsed.get(&src.rel)) {
            (Some(changed), Some((old, _))) if !changed.contains(src.rel.as_str()) => {
                Some(old.clone())
            }
            _ => Stamp::of(&src.abs),
        })
        .collect();
    // Cached pages are moved out (and back in at the end), never copied.
    let mut old_parsed = std::mem::take(&mut cache.parsed);
    let reuse: Vec<Option<content::Loaded>> = found
        .sources
        .iter()
        .zip(&stamps)
        .map(|(src, st)| match (st, old_parsed.remove(&src.rel)) {
            (Some(st), Some((old, loaded))) if *st == old => Some(loaded),
            _ => None,
        })
        .collect();
    drop(old_parsed);
    let loaded: Vec<(bool, content::Loaded)> = found
        .sources
        .par_iter()
        .zip(reuse)
        .map(|(src, reused)| match reused {
            Some(l) => (false, l),
            None => {
                let _working = crate::crash::working_on(&src.rel);
                crate::crash::debug_panic_point(&src.rel);
                let loaded = match crate::sitefs::read(&src.abs) {
                    Ok(bytes) => content::load(src, &bytes, &cfg),
                    Err(e) => Err(vec![Diagnostic::error(
                        Span::file(src.rel.clone()),
                        format!("cannot read: {e}"),
                    )]),
                };
                (true, loaded)
            }
        })
        .collect();
    let mut kept = Kept::default();
    let mut pages = Vec::with_capacity(loaded.len());
    let mut failed = HashSet::new();
    for ((src, stamp), (fresh, res)) in found.sources.iter().zip(stamps).zip(loaded) {
        if fresh {
            reparsed.insert(src.rel.clone());
        }
        let stamp = stamp.filter(|_| keep);
        match res {
            Ok((page, warnings)) => {
                if let Some(st) = stamp {
                    kept.stamps.insert(src.rel.clone(), st);
                    if !warnings.is_empty() {
                        kept.warnings.insert(src.rel.clone(), warnings.clone());
                    }
                }
                diags.extend(warnings);
                pages.push(page);
            }
            Err(d) => {
                if let Some(st) = stamp {
                    cache.parsed.insert(src.rel.clone(), (st, Err(d.clone())));
                }
                failed.insert(src.rel.clone());
                diags.extend(d);
            }
        }
    }
    timer.lap("parse");

    let mut theme_stamps = stamps_under(root, &cfg.theme);
    // The theme leaves its icon out when the site has its own.
    let icon = root.join(crate::theme::SITE_ICON);
    let icon_stamp = Stamp::of(&icon);
    theme_stamps.push((icon, icon_stamp));
    let theme_ok = cache
        .theme
        .as_ref()
        .is_some_and(|(name, st, _)| *name == cfg.theme && *st == theme_stamps);
    let theme_err = if theme_ok {
        None
    } else {
        cache.theme = None;
        cache.render = None;
        match Theme::load(root, &cfg.theme) {
            Ok(t) => {
                cache.theme = Some((cfg.theme.clone(), theme_stamps.clone(), t));
                None
            }
            Err(d) => Some(d),
        }
    };
    if let Some((_, _, theme)) = &cache.theme {
        diags.extend(theme.warnings.iter().cloned());
    }

    let mut unpublished = HashMap::new();
    let mut published = Vec::with_capacity(pages.len());
    for page in pages {
        match site::publication(&page, now, opts.publish, &cfg) {
            Some(why) => {
                unpublished.insert(page.file.clone(), (why, site::page_dir(&page)));
                if keep {
                    kept.pages.push(page);
                }
            }
            None => published.push(page),
        }
    }
    let mut stats = Stats {
        unpublished: unpublished.len(),
        ..Stats::default()
    };
    for p in &published {
        match p.kind {
            Kind::Article => stats.articles += 1,
            Kind::Drill => stats.drills += 1,
            Kind::Case => stats.cases += 1,
            Kind::Page => stats.pages += 1,
        }
    }
    let reasons = unpublished
        .iter()
        .map(|(k, (w, _))| (k.clone(), *w))
        .collect();
    let published_files: Vec<String> = published.iter().map(|p| p.file.clone()).collect();
    let (mut site, assemble_diags) = site::assemble(cfg, published, reasons, now);
    diags.extend(assemble_diags);
    // Pages dropped by assemble (duplicate URLs) are reported already.
    failed.extend(
        published_files
            .into_iter()
            .filter(|f| !site.by_file.contains_key(f)),
    );
    timer.lap("assemble");

    // One-shot builds hand each page's Markdown to its renderer, which
    // drops it once the body is rendered (the sources are not kept).
    let sources: Vec<Option<String>> = if keep {
        site.pages.iter().map(|_| None).collect()
    } else {
        site.pages
            .iter_mut()
            .map(|p| Some(std::mem::take(&mut p.markdown)))
            .collect()
    };
    let assets: HashSet<String> = found.assets.iter().map(|a| a.out.clone()).collect();
    let links = SiteLinks {
        site: &site,
        unpublished: &unpublished,
        failed: &failed,
        assets: &assets,
    };
    let highlighter = std::sync::Arc::clone(&cache.highlighter);
    let md_opts = MarkdownOptions {
        highlighter: &highlighter,
        unsafe_html: site.config.unsafe_html,
        iframe_hosts: &site.config.iframe_hosts,
    };
    let mut old_bodies = std::mem::take(&mut cache.bodies);
    let olds: Vec<Option<CachedBody>> = site
        .pages
        .iter()
        .map(|p| old_bodies.remove(&p.file))
        .collect();
    drop(old_bodies);
    let rendered: Vec<(CachedBody, bool)> = site
        .pages
        .par_iter()
        .zip(olds)
        .zip(sources)
        .map(|((p, old), source)| {
            let markdown = source.as_deref().unwrap_or(&p.markdown);
            if let Some(c) = old
                && c.markdown == p.markdown
                && c.offset == p.body_line_offset
                && c.unsafe_html == md_opts.unsafe_html
                && c.queries.iter().all(|q| still_true(q, &links))
            {
                return (c, false);
            }
            let _working = crate::crash::working_on(&p.file);
            let rec = Recorder {
                inner: &links,
                log: std::sync::Mutex::new(Vec::new()),
            };
            let (body, d) = markdown::render(&p.file, markdown, p.body_line_offset, &rec, &md_opts);
            let fresh = CachedBody {
                markdown: if keep {
                    p.markdown.clone()
                } else {
                    String::new()
                },
                offset: p.body_line_offset,
                unsafe_html: md_opts.unsafe_html,
                queries: rec.into_log(),
                body,
                diags: d,
            };
            (fresh, true)
        })
        .collect();
    let mut bodies = Vec::with_capacity(rendered.len());
    // Pages whose own inputs may have changed: parsed or rendered again.
    let mut dirty: Vec<PageId> = Vec::new();
    for (id, (mut c, fresh)) in rendered.into_iter().enumerate() {
        let file = &site.pages[id].file;
        if fresh || reparsed.contains(file) {
            dirty.push(id);
        }
        diags.extend(c.diags.iter().cloned());
        bodies.push(std::mem::take(&mut c.body));
        if keep {
            kept.bodies.push(c);
        }
    }
    diags.extend(anchor_warnings(&site, &bodies));
    size_images(&mut bodies, &found.assets, &site.config.base_path, keep);
    timer.lap("markdown");

    if let Some(d) = theme_err {
        kept.put_back(cache, std::mem::take(&mut site.pages), bodies);
        diags.extend(d);
        sort_diagnostics(&mut diags);
        return Err(diags);
    }
    if has_errors(&diags) || cache.theme.is_none() {
        kept.put_back(cache, std::mem::take(&mut site.pages), bodies);
        sort_diagnostics(&mut diags);
        return Err(diags);
    }
    let Some((_, _, theme)) = cache.theme.as_ref() else {
        return Err(diags);
    };
    let items = render::item_views(&site, &bodies);
    timer.lap("items");
    let structure = Structure::of(&site, &bodies);
    let memo = cache
        .render
        .take()
        .filter(|m| m.key == render_key && m.structure == structure);
    // The search index's files (those that may have changed since the
    // last build, or all of them) and the paths of all its files.
    let search = |cache: &mut crate::search::index::IndexCache, bodies: &[Body], all: bool| {
        if keep {
            crate::search::index::build_cached(&site, bodies, cache, all)
        } else {
            let files = crate::search::index::build(&site, bodies);
            let keys = files.keys().cloned().collect();
            (files, keys)
        }
    };
    // What was written through `stream`, when it was: the paths, and the
    // checks' scan of the pages.
    let mut streamed: Option<crate::check::Scanned> = None;
    let (output, render_diags, rendered, search_keys) = match memo {
        Some(memo) => {
            // Pages whose list entry changed: the lists showing them and
            // the pages linking to them as previous or next are rendered too.
            let shown: Vec<bool> = items.iter().zip(&memo.items).map(|(a, b)| a != b).collect();
            if shown.iter().any(|&c| c) {
                dirty.extend(site.neighbours.iter().enumerate().filter_map(|(id, n)| {
                    let by = |o: Option<PageId>| o.is_some_and(|o| shown[o]);
                    (by(n.0) || by(n.1)).then_some(id)
                }));
                dirty.sort_unstable();
                dirty.dedup();
            }
            // Feeds and calendars carry page details that lists do not
            // show; this patch always carries them.
            let p = render_patch(
                &site,
                theme,
                &bodies,
                &items,
                &opts.render,
                Redo {
                    pages: &dirty,
                    lists: &shown,
                    machine: true,
                },
                &mut cache.search,
                &memo.search,
            );
            timer.lap("render-pages+search");
            let set = p.set;
            let remove = p.remove;
            (
                Output::Patch { set, remove },
                p.diags,
                memo.rendered,
                p.keys,
            )
        }
        None if let Some(st) = stream
            && !keep
            && !has_errors(&diags) =>
        {
            // One-shot build: each page is scanned for the checks and
            // written as soon as it is rendered, never held with the rest.
            let marks = crate::check::rules::footer_marks(&site);
            let scanned = std::sync::Mutex::new(crate::check::Scanned::default());
            let sink = |path: String, bytes: Vec<u8>| -> Result<(), Diagnostic> {
                if !is_safe_output_path(&path) {
                    return Err(outside_output(&path));
                }
                let scan = path
                    .ends_with(".html")
                    .then(|| crate::check::crawl::scan(&bytes, &marks));
                (st.write)(&path, &bytes)?;
                if let Ok(mut s) = scanned.lock() {
                    if let Some(scan) = scan {
                        s.add(path.clone(), scan);
                    }
                    s.paths.push(path);
                }
                Ok(())
            };
            let d = render::render_site_into(&site, theme, &bodies, &items, &opts.render, &sink);
            for b in &mut bodies {
                b.html = String::new();
                b.toc = Vec::new();
            }
            timer.lap("render+write");
            let mut scanned = scanned.into_inner().unwrap_or_default();
            // A list page may replace a page of the same path: keep the last.
            dedup_last(&mut scanned);
            if has_errors(&d) {
                diags.extend(d);
                sort_diagnostics(&mut diags);
                kept.put_back(cache, std::mem::take(&mut site.pages), bodies);
                return Err(diags);
            }
            // The index files are written as they are encoded.
            let written = std::sync::Mutex::new((Vec::new(), None));
            crate::search::index::build_into(&site, &bodies, &|path, bytes| {
                let res = (st.write)(&path, &bytes);
                if let Ok(mut w) = written.lock() {
                    match res {
                        Ok(()) => w.0.push(path),
                        Err(e) => {
                            w.1.get_or_insert(e);
                        }
                    }
                }
            });
            let (paths, error) = written.into_inner().unwrap_or_default();
            if let Some(e) = error {
                return Err(vec![e]);
            }
            scanned.paths.extend(paths);
            timer.lap("search+write");
            streamed = Some(scanned);
            (Output::Full(Files::new()), d, HashSet::new(), Vec::new())
        }
        None => {
            let (mut files, d) = render::render_site(&site, theme, &bodies, &items, &opts.render);
            if !keep {
                // The pages hold the bodies' HTML now; what follows (the
                // search index, the checks) needs their text only.
                for b in &mut bodies {
                    b.html = String::new();
                    b.toc = Vec::new();
                }
            }
            timer.lap("render");
            let rendered: HashSet<String> = if keep {
                files.keys().cloned().collect()
            } else {
                HashSet::new()
            };
            let (index, keys) = search(&mut cache.search, &bodies, true);
            files.extend(index);
            timer.lap("search");
            (Output::Full(files), d, rendered, keys)
        }
    };
    diags.extend(render_diags);
    let written = match &output {
        Output::Full(files) | Output::Patch { set: files, .. } => files,
    };
    diags.extend(outside_outputs(
        written.keys().chain(found.assets.iter().map(|a| &a.out)),
    ));
    sort_diagnostics(&mut diags);
    if has_errors(&diags) {
        kept.put_back(cache, std::mem::take(&mut site.pages), bodies);
        return Err(diags);
    }
    let mut copies = found.assets;
    // A rendered file wins over an asset with the same output path.
    let streamed_set: HashSet<&str> = streamed
        .iter()
        .flat_map(|s| s.paths.iter().map(String::as_str))
        .collect();
    take_replaced(&mut copies, &mut diags, |out| match &output {
        Output::Full(files) => files.contains_key(out) || streamed_set.contains(out),
        Output::Patch { set, .. } => set.contains_key(out) || rendered.contains(out),
    });
    drop(streamed_set);
    // The output checks crawl a whole build: one-shot builds only (the
    // preview server would pay for them on every save).
    let check = match (&output, &streamed) {
        (_, Some(scanned)) => Some(crate::check::run(&site, scanned, &copies)),
        (Output::Full(files), _) if !keep => Some(crate::check::run(
            &site,
            &crate::check::Scanned::of(&site, files),
            &copies,
        )),
        _ => None,
    };
    timer.lap("check");
    if keep {
        cache.render = Some(RenderMemo {
            key: render_key,
            structure,
            items,
            rendered,
            search: search_keys,
        });
        cache.last = Some(Last {
            site,
            bodies,
            kept,
            unpublished,
            assets,
            stats: stats.clone(),
        });
    } else {
        leftovers.keep((
            site,
            bodies,
            items,
            streamed,
            kept,
            unpublished,
            found.sources,
        ));
    }
    timer.lap("cache");
    Ok(Update {
        output,
        copies,
        diags,
        check,
        stats,
        timings: timer.laps,
        leftovers,
    })
}

/// Removes from `copies` the site's files that a file the build makes
/// replaces (`made` says which output paths it makes), with a warning in
/// `diags` (kept sorted) for each: an editor's own `static/robots.txt`
/// would otherwise vanish silently.
fn take_replaced(
    copies: &mut Vec<Asset>,
    diags: &mut Vec<Diagnostic>,
    made: impl Fn(&str) -> bool,
) {
    let before = diags.len();
    copies.retain(|a| {
        if !made(&a.out) {
            return true;
        }
        diags.push(
            Diagnostic::warning(
                Span::file(a.rel.clone()),
                format!("not copied: the build makes `{}` itself", a.out),
            )
            .with_help("该文件与网站自动生成的文件同名，发布的是生成的版本；如需保留，请改名或移到其他文件夹"),
        );
        false
    });
    if diags.len() > before {
        sort_diagnostics(diags);
    }
}

/// The error for a file that would be written outside the output folder.
fn outside_output(path: &str) -> Diagnostic {
    Diagnostic::global(
        Severity::Error,
        format!("refusing to write outside the output folder: `{path}`"),
    )
}

/// Errors for the `paths` that would be written outside the output folder.
fn outside_outputs<'a>(
    paths: impl Iterator<Item = &'a String> + 'a,
) -> impl Iterator<Item = Diagnostic> + 'a {
    paths
        .filter(|p| !is_safe_output_path(p))
        .map(|p| outside_output(p))
}

/// What an incremental render redoes.
struct Redo<'a> {
    /// Single pages.
    pages: &'a [PageId],
    /// The list pages showing a page marked `true` here.
    lists: &'a [bool],
    /// Feeds, calendars, sitemap and robots.txt.
    machine: bool,
}

/// The files an incremental render changes.
struct Patched {
    /// Files to (over)write.
    set: Files,
    diags: Vec<Diagnostic>,
    /// Search index files gone since the last build.
    remove: Vec<String>,
    /// Every file of the search index now.
    keys: Vec<String>,
}

/// Renders what `redo` names beside the search index's update (both are
/// mostly serial work on a small edit); `old_search` are the index files
/// of the last build.
#[allow(clippy::too_many_arguments)]
fn render_patch(
    site: &Site,
    theme: &Theme,
    bodies: &[Body],
    items: &[ItemView],
    opts: &RenderOptions,
    redo: Redo<'_>,
    search: &mut crate::search::index::IndexCache,
    old_search: &[String],
) -> Patched {
    let ((mut set, diags), (index, keys)) = rayon::join(
        || {
            let (mut set, mut d) =
                render::render_pages(site, theme, bodies, items, opts, redo.pages);
            if redo.lists.iter().any(|&s| s) {
                let (l, ld) = render::render_lists(site, theme, bodies, items, opts, redo.lists);
                set.extend(l);
                d.extend(ld);
            }
            if redo.machine {
                let (m, md) = render::machine_files(site, bodies);
                set.extend(m);
                d.extend(md);
            }
            (set, d)
        },
        || crate::search::index::build_cached(site, bodies, search, false),
    );
    let now: HashSet<&str> = keys.iter().map(String::as_str).collect();
    let remove = old_search
        .iter()
        .filter(|k| !now.contains(k.as_str()))
        .cloned()
        .collect();
    set.extend(index);
    Patched {
        set,
        diags,
        remove,
        keys,
    }
}

/// Warnings for links to a heading that the target page does not have.
fn anchor_warnings(site: &Site, bodies: &[Body]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (id, body) in bodies.iter().enumerate() {
        for link in &body.links {
            let (Some(anchor), Some(&target)) = (&link.anchor, site.by_file.get(&link.target))
            else {
                continue;
            };
            let anchors = &bodies[target].anchors;
            if !anchors.iter().any(|a| a == anchor) {
                let known = anchors
                    .iter()
                    .take(8)
                    .map(|a| format!("#{a}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                diags.push(
                    Diagnostic::warning(
                        Span::new(site.pages[id].file.clone(), link.line, link.col),
                        format!("{} has no heading `#{anchor}`", link.target),
                    )
                    .with_help(if known.is_empty() {
                        "目标页面没有小标题".to_owned()
                    } else {
                        format!("可用的锚点：{known}")
                    }),
                );
            }
        }
    }
    diags
}

/// Gives the site's images in bodies not yet sized their intrinsic size
/// (no layout jump while they load on a slow phone); kept bodies also get
/// their text hash for the search index.
fn size_images(bodies: &mut [Body], assets: &[Asset], base_path: &str, keep: bool) {
    let by_out: HashMap<&str, &Path> = assets
        .iter()
        .map(|a| (a.out.as_str(), a.abs.as_path()))
        .collect();
    let sizes: std::sync::Mutex<HashMap<String, Option<(u32, u32)>>> = Default::default();
    let size_of = |src: &str| -> Option<(u32, u32)> {
        let out = percent_decode(src.strip_prefix(base_path)?);
        let abs = by_out.get(out.as_str())?;
        if let Ok(known) = sizes.lock()
            && let Some(v) = known.get(&out)
        {
            return *v;
        }
        let v = crate::sitefs::read(abs)
            .ok()
            .and_then(|b| crate::images::dimensions(&b));
        if let Ok(mut known) = sizes.lock() {
            known.insert(out, v);
        }
        v
    };
    bodies.par_iter_mut().filter(|b| !b.sized).for_each(|b| {
        if b.html.contains("<img ")
            && let Some(html) = crate::images::add_sizes(&b.html, &size_of)
        {
            b.html = html;
        }
        b.sized = true;
        if keep {
            b.text_hash = markdown::text_hash(&b.text);
        }
    });
}

/// Keeps the last scan of each path (a later file replaced an earlier one)
/// and each path once.
fn dedup_last(s: &mut crate::check::Scanned) {
    let mut seen = HashSet::new();
    let mut pages: Vec<_> = std::mem::take(&mut s.pages)
        .into_iter()
        .rev()
        .filter(|(p, _)| seen.insert(p.clone()))
        .collect();
    pages.reverse();
    s.pages = pages;
    let mut seen = HashSet::new();
    s.paths.retain(|p| seen.insert(p.clone()));
}

/// A relative path with normal segments only.
pub fn is_safe_output_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains('\0')
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

/// The canonical site root for `--root`.
pub fn site_root(root: Option<&Path>) -> PathBuf {
    root.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_last_keeps_the_later_scan_of_a_path() {
        let scan = |mark: bool| {
            let mut s = crate::check::crawl::PageScan::default();
            s.marks = vec![mark];
            s
        };
        let mut s = crate::check::Scanned::default();
        s.paths = ["a/index.html", "b/index.html", "a/index.html"]
            .map(String::from)
            .to_vec();
        s.add("a/index.html".into(), scan(false));
        s.add("b/index.html".into(), scan(false));
        s.add("a/index.html".into(), scan(true));
        dedup_last(&mut s);
        assert_eq!(s.paths, ["a/index.html", "b/index.html"]);
        let pages: Vec<(&str, &[bool])> = s
            .pages
            .iter()
            .map(|(p, scan)| (p.as_str(), scan.marks.as_slice()))
            .collect();
        assert_eq!(
            pages,
            [
                ("b/index.html", &[false][..]),
                ("a/index.html", &[true][..])
            ]
        );
    }

    #[test]
    fn normalize_refuses_escapes() {
        assert_eq!(
            normalize(Path::new("content/a/../b.png")).as_deref(),
            Some("content/b.png")
        );
        assert_eq!(normalize(Path::new("content/../../x")), None);
    }

    #[test]
    fn percent_decode_handles_utf8() {
        assert_eq!(percent_decode("%E6%B6%88%E9%98%B2.png"), "消防.png");
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[test]
    fn near_miss_case_or_extension_gives_the_link_as_written() {
        let assets = [
            "articles/images/现场.jpg",
            "articles/images/现场.png",
            "articles/Plan.PDF",
            "x.svg",
        ];
        let near = |url: &str, out: &str| near_miss(url, out, assets.iter().copied());
        assert_eq!(
            near("images/现场.JPG", "articles/images/现场.JPG").as_deref(),
            Some("images/现场.jpg"),
            "a case-only match wins over another extension"
        );
        assert_eq!(
            near("images/现场.jpeg", "articles/images/现场.jpeg").as_deref(),
            Some("images/现场.jpg")
        );
        assert_eq!(
            near("../articles/plan.pdf", "articles/plan.pdf").as_deref(),
            Some("../articles/Plan.PDF")
        );
        assert_eq!(near("./X", "x").as_deref(), Some("./x.svg"));
        assert_eq!(near("images/缺失.png", "articles/images/缺失.png"), None);
    }

    #[test]
    fn safe_output_paths() {
        assert!(is_safe_output_path("articles/x/index.html"));
        assert!(!is_safe_output_path("../x"));
        assert!(!is_safe_output_path("/etc/passwd"));
        assert!(!is_safe_output_path("a//b"));
    }
}
