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
use crate::content::{self, Asset, Kind, discover};
use crate::dates::{self, Timestamp};
use crate::error::{Diagnostic, Severity, Span, has_errors, sort_diagnostics};
use crate::highlight::Highlighter;
use crate::markdown::{self, Body, Links, MarkdownOptions, Target};
use crate::render::{self, Files, RenderOptions};
use crate::site::{self, PublishOptions, Site, Unpublished};
use crate::theme::Theme;

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

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
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
        Target::Missing(format!("there is no file {joined}"))
    }

    fn rooted(&self, url: &str) -> String {
        format!(
            "{}{}",
            self.site.config.base_path,
            url.trim_start_matches('/')
        )
    }
}

/// Runs the whole pipeline. `Err` carries every diagnostic when any is an error.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<Build, Vec<Diagnostic>> {
    let mut timer = Timer::new();
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

    let found = discover::discover(root);
    let mut diags = found.diags;
    timer.lap("discover");

    let loaded: Vec<content::Loaded> = found
        .sources
        .par_iter()
        .map(|src| {
            let bytes = std::fs::read(&src.abs).map_err(|e| {
                vec![Diagnostic::error(
                    Span::file(src.rel.clone()),
                    format!("cannot read: {e}"),
                )]
            })?;
            content::load(src, &bytes, &cfg)
        })
        .collect();
    let mut pages = Vec::new();
    let mut failed = HashSet::new();
    for (src, res) in found.sources.iter().zip(loaded) {
        match res {
            Ok((page, warnings)) => {
                diags.extend(warnings);
                pages.push(page);
            }
            Err(d) => {
                failed.insert(src.rel.clone());
                diags.extend(d);
            }
        }
    }
    timer.lap("parse");

    let theme = Theme::load(root, &cfg.theme);

    let mut unpublished = HashMap::new();
    let mut published = Vec::new();
    for page in pages {
        match site::publication(&page, now, opts.publish, &cfg) {
            Some(why) => {
                unpublished.insert(page.file.clone(), (why, site::page_dir(&page)));
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
    let (site, assemble_diags) = site::assemble(cfg, published, reasons, now);
    diags.extend(assemble_diags);
    // Pages dropped by assemble (duplicate URLs) are reported already.
    failed.extend(
        published_files
            .into_iter()
            .filter(|f| !site.by_file.contains_key(f)),
    );
    timer.lap("assemble");

    let assets: HashSet<String> = found.assets.iter().map(|a| a.out.clone()).collect();
    let links = SiteLinks {
        site: &site,
        unpublished: &unpublished,
        failed: &failed,
        assets: &assets,
    };
    let highlighter = Highlighter::new();
    let md_opts = MarkdownOptions {
        highlighter: &highlighter,
        unsafe_html: site.config.unsafe_html,
    };
    let rendered: Vec<(Body, Vec<Diagnostic>)> = site
        .pages
        .par_iter()
        .map(|p| markdown::render(&p.file, &p.markdown, p.body_line_offset, &links, &md_opts))
        .collect();
    let mut bodies = Vec::with_capacity(rendered.len());
    for (body, d) in rendered {
        diags.extend(d);
        bodies.push(body);
    }
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
    timer.lap("markdown");

    let theme = match theme {
        Ok(t) => t,
        Err(d) => {
            diags.extend(d);
            sort_diagnostics(&mut diags);
            return Err(diags);
        }
    };
    if has_errors(&diags) {
        sort_diagnostics(&mut diags);
        return Err(diags);
    }
    let (files, render_diags) = render::render(&site, &theme, &bodies, &opts.render);
    diags.extend(render_diags);
    timer.lap("render");
    for path in files.keys().chain(found.assets.iter().map(|a| &a.out)) {
        if !is_safe_output_path(path) {
            diags.push(Diagnostic::global(
                Severity::Error,
                format!("refusing to write outside the output folder: `{path}`"),
            ));
        }
    }
    sort_diagnostics(&mut diags);
    if has_errors(&diags) {
        return Err(diags);
    }
    let mut copies = found.assets;
    copies.retain(|a| !files.contains_key(&a.out));
    let check = crate::check::run(&site, &files, &copies);
    timer.lap("check");
    Ok(Build {
        files,
        copies,
        diags,
        check,
        stats,
        timings: timer.laps,
    })
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
    fn safe_output_paths() {
        assert!(is_safe_output_path("articles/x/index.html"));
        assert!(!is_safe_output_path("../x"));
        assert!(!is_safe_output_path("/etc/passwd"));
        assert!(!is_safe_output_path("a//b"));
    }
}
