//! The build pipeline: settings → discover → load → publish → assemble →
//! bodies → render → search → checks.
//!
//! Owns: running the stages in order, collecting every diagnostic, and
//! per-stage timings. The stages are pure functions of their inputs; the
//! memo ([`Memo`]) wraps them and reuses a stage's earlier result when its
//! inputs are unchanged. `anxuan build`, `anxuan check` and `anxuan serve`
//! all run [`run`]: they differ only in the sink the files go to and in
//! whether the memo keeps anything.
//! Imports: every stage module and `check` (the offline checks of the
//! output); never `output`, `serve`, `cmd` or `shell`.
//!
//! Invariants: the result is a pure function of the site's files and the
//! options (`now` included); all content errors of a run are reported
//! together, sorted by file and line; nothing is written here but through
//! the sink.

mod assemble;
mod bodies;
mod emit;
mod images;
pub use images::Background;
mod items;
mod links;
mod load;
mod memo;
mod stats;

pub use stats::Stats;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::content::Asset;
use crate::error::{Diagnostic, Span, has_errors, sort_diagnostics};
use crate::hash::{FxMap, Key};
use crate::render::{self, Files, KeyInputs, RenderOptions, Renderer};
use crate::site::{PublishOptions, Site};

pub use emit::{Collect, Sink, Stream, WriteOne, is_safe_output_path};
pub use load::load_config;
pub use memo::Memo;

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub publish: PublishOptions,
    /// `--now` as given; `None` reads the wall clock once.
    pub now: Option<String>,
    /// `--base-url`
    pub base_url: Option<String>,
    /// `--relative`: links relative to each page (as `relative_urls: true`).
    pub relative: bool,
    pub render: RenderOptions,
    /// `anxuan serve`: new photos are made off the build.
    pub background_images: Option<images::Background>,
}

/// A successful one-shot build.
#[derive(Debug)]
pub struct Build {
    /// The rendered files ([`build`]; empty after [`build_into`], which
    /// hands them over as they are made).
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
    /// The build's large data, for the caller to drop or leak.
    pub spent: Spent,
}

/// A successful memoized build (`anxuan serve`): what changed since the
/// memo's last successful build (everything on the first).
#[derive(Debug)]
pub struct Update {
    /// Files of the last build that are gone.
    pub remove: Vec<String>,
    pub copies: Vec<Asset>,
    pub diags: Vec<Diagnostic>,
    pub stats: Stats,
    pub timings: Vec<(&'static str, Duration)>,
    /// How many files were rendered again (the others are unchanged).
    pub rendered: usize,
}

/// A finished build's large data (the site, the bodies, the checks' scans):
/// dropped as usual, or left to the operating system by a process about
/// to exit, which saves freeing a large site object by object.
#[derive(Default)]
pub struct Spent(Vec<Box<dyn std::any::Any + Send>>);

impl Spent {
    fn add(&mut self, x: impl std::any::Any + Send) {
        self.0.push(Box::new(x));
    }

    /// Leaves the memory to the operating system.
    pub fn leak(self) {
        std::mem::forget(self);
    }
}

impl std::fmt::Debug for Spent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spent({})", self.0.len())
    }
}

/// Builds the site in memory, without a memo.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<Build, Vec<Diagnostic>> {
    let files = Collect::default();
    let ran = run(root, opts, &mut Memo::one_shot(), &files)?;
    Ok(ran.into_build(files.into_files()))
}

/// Builds the site without a memo, handing each file to `write` as soon
/// as it is made (nothing is written unless every stage before rendering
/// succeeded); the result's `files` is empty.
pub fn build_into(
    root: &Path,
    opts: &BuildOptions,
    write: &WriteOne<'_>,
) -> Result<Build, Vec<Diagnostic>> {
    let ran = run(root, opts, &mut Memo::one_shot(), &Stream(write))?;
    Ok(ran.into_build(Files::new()))
}

/// Builds the site through `memo` into `sink`, which receives every file
/// that may differ from the memo's last successful build; returns what
/// else changed.
pub fn rebuild_into(
    root: &Path,
    opts: &BuildOptions,
    memo: &mut Memo,
    sink: &dyn Sink,
) -> Result<Update, Vec<Diagnostic>> {
    let ran = run(root, opts, memo, sink)?;
    Ok(Update {
        remove: ran.removed,
        copies: ran.copies,
        diags: ran.diags,
        stats: ran.stats,
        timings: ran.timings,
        rendered: ran.rendered,
    })
}

/// [`rebuild_into`] a map: the files new or possibly changed, and the
/// rest of the update.
pub fn rebuild(
    root: &Path,
    opts: &BuildOptions,
    memo: &mut Memo,
) -> Result<(Files, Update), Vec<Diagnostic>> {
    let files = Collect::default();
    let update = rebuild_into(root, opts, memo, &files)?;
    Ok((files.into_files(), update))
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

/// What a run produced besides the files.
struct Ran {
    copies: Vec<Asset>,
    diags: Vec<Diagnostic>,
    /// The output checks (one-shot builds only: the preview server would
    /// pay for them on every save).
    check: Option<crate::check::Report>,
    stats: Stats,
    timings: Vec<(&'static str, Duration)>,
    /// Output files of the memo's last build that this one does not make.
    removed: Vec<String>,
    rendered: usize,
    spent: Spent,
}

impl Ran {
    fn into_build(self, files: Files) -> Build {
        Build {
            files,
            copies: self.copies,
            diags: self.diags,
            check: self.check.unwrap_or_default(),
            stats: self.stats,
            timings: self.timings,
            spent: self.spent,
        }
    }
}

/// The stages in order. Every stage takes its inputs and returns its
/// outputs; the memo is consulted inside the stages that it wraps (load,
/// bodies, theme, render, search) and gets the pages and bodies back once,
/// here, however the build ends.
fn run(
    root: &Path,
    opts: &BuildOptions,
    memo: &mut Memo,
    sink: &dyn Sink,
) -> Result<Ran, Vec<Diagnostic>> {
    let mut timer = Timer::new();
    // Canonical, so that every path discovery hands out is (the link rule).
    let root = &crate::sitefs::canonical_root(root);
    let load::Settings { cfg, now, key } = load::settings(root, opts)?;
    memo.begin(key);
    let (found, hinted) = load::discover(root, &cfg, memo);
    let mut diags = found.diags.clone();
    timer.lap("discover");

    let mut loaded = load::sources(&found, hinted.as_ref(), &cfg, memo);
    for l in &loaded {
        diags.extend(l.diags.iter().cloned());
    }
    timer.lap("parse");

    let theme = memo.theme(root, &cfg.theme).map(|t| t.generation);
    if let Some(t) = &memo.theme {
        diags.extend(t.theme.warnings.iter().cloned());
    }
    let publ = load::publication(&mut loaded, now, opts, &cfg);
    let stats = stats::stats(&publ.published, publ.unpublished.len());
    let reasons = publ
        .unpublished
        .iter()
        .map(|(k, (w, _))| (k.clone(), *w))
        .collect();
    let published_files: Vec<String> = publ.published.iter().map(|p| p.file.clone()).collect();
    // One-shot builds hand each page's Markdown to its renderer, which
    // drops it once the body is rendered (the sources are not kept).
    let mut published = publ.published;
    let mut markdown: FxMap<String, String> = if memo.keep {
        FxMap::default()
    } else {
        published
            .iter_mut()
            .map(|p| (p.file.clone(), std::mem::take(&mut p.markdown)))
            .collect()
    };
    let site_key = memo.keep.then(|| assemble::key(&loaded, now, opts));
    let (site, assemble_diags) = assemble::assemble(cfg, published, reasons, now, site_key, memo);
    diags.extend(assemble_diags.iter().cloned());
    let mut failed = publ.failed;
    // Pages dropped by assemble (duplicate URLs) are reported already.
    failed.extend(
        published_files
            .into_iter()
            .filter(|f| !site.by_file.contains_key(f)),
    );
    timer.lap("assemble");

    let sources: Vec<Option<String>> = site
        .pages
        .iter()
        .map(|p| markdown.remove(&p.file))
        .collect();
    drop(markdown);
    let assets: std::collections::HashSet<String> =
        found.assets.iter().map(|a| a.out.clone()).collect();
    let site_links = links::SiteLinks {
        site: &site,
        unpublished: &publ.unpublished,
        failed: &failed,
        assets: &assets,
    };
    // Each page's source file key (what its page was loaded from).
    let source_keys: Vec<u64> = if memo.keep {
        let by_file: FxMap<&str, u64> = loaded.iter().map(|l| (l.file.as_str(), l.key)).collect();
        site.pages
            .iter()
            .map(|p| by_file.get(p.file.as_str()).copied().unwrap_or_default())
            .collect()
    } else {
        Vec::new()
    };
    let mut stats = stats;
    let mut bodies = bodies::render(
        root,
        opts.background_images.as_ref(),
        &site,
        &site_links,
        &found.assets,
        sources,
        &source_keys,
        memo,
    );
    diags.extend(bodies.diags().cloned());
    diags.append(&mut bodies.image_diags);
    stats.images_processed = bodies.images_processed;
    diags.extend(bodies::anchor_warnings(&site, &bodies.bodies));
    timer.lap("markdown");

    let out = match theme {
        Err(d) => {
            diags.extend(d);
            sort_diagnostics(&mut diags);
            Err(diags)
        }
        Ok(generation) => finish(
            Stages {
                site: &site,
                bodies: &mut bodies,
                source_keys: &source_keys,
                found,
                generation,
                opts,
                sink,
                timer,
                diags,
                stats,
            },
            memo,
        ),
    };
    let mut site = site;
    let mut pages = std::mem::take(&mut site.pages);
    pages.extend(publ.held);
    let stored = Instant::now();
    let spent = memo.store(loaded, pages, bodies);
    let site = if memo.keep {
        assemble::keep(site, assemble_diags, site_key, memo);
        None
    } else {
        Some(site)
    };
    out.map(|mut ran| {
        ran.timings.push(("store", stored.elapsed()));
        ran.spent.add(spent);
        ran.spent.add(site);
        ran
    })
}

/// What the last stages work on.
struct Stages<'a> {
    site: &'a Site,
    bodies: &'a mut bodies::Bodies,
    /// Each page's source file key (empty when the memo keeps nothing).
    source_keys: &'a [u64],
    found: crate::content::discover::Discovery,
    generation: u64,
    opts: &'a BuildOptions,
    sink: &'a dyn Sink,
    timer: Timer,
    diags: Vec<Diagnostic>,
    stats: Stats,
}

/// Render, search and checks, once every stage before succeeded.
fn finish(s: Stages<'_>, memo: &mut Memo) -> Result<Ran, Vec<Diagnostic>> {
    let Stages {
        site,
        bodies,
        source_keys,
        found,
        generation,
        opts,
        sink,
        mut timer,
        mut diags,
        stats,
    } = s;
    // Attachments and the pages documents name: a page shows them, so
    // they are part of its key.
    let sizes: FxMap<&str, &std::path::Path> = found
        .assets
        .iter()
        .map(|a| (a.out.as_str(), a.abs.as_path()))
        .collect();
    let (relations, rel_diags) = crate::site::relations::resolve(site, &|out| {
        let abs = sizes.get(out)?;
        std::fs::metadata(abs).ok().map(|m| m.len())
    });
    drop(sizes);
    diags.extend(rel_diags);
    if has_errors(&diags) {
        sort_diagnostics(&mut diags);
        return Err(diags);
    }
    let page_keys: Vec<u64> = site
        .pages
        .iter()
        .zip(source_keys)
        .enumerate()
        .map(|(id, (_, source))| {
            let mut k = Key::new();
            k.add(source).add(&bodies.key(id));
            if relations[id] != Default::default() {
                k.add(&relations[id]);
            }
            k.finish()
        })
        .collect();
    let items = items::entries(site, &bodies.bodies, &page_keys, memo);
    timer.lap("items");
    let keys = memo.keep.then(|| KeyInputs {
        pages: &page_keys,
        items: &items.keys,
        seed: generation,
    });
    // One-shot builds scan the pages for the checks as they pass.
    let scanning = (!memo.keep).then(|| emit::Scanning {
        inner: sink,
        marks: crate::check::rules::footer_marks(site),
        scanned: Default::default(),
    });
    let sink: &dyn Sink = match &scanning {
        Some(s) => s,
        None => sink,
    };
    let Some(theme) = memo.theme.as_ref().map(|t| &t.theme) else {
        return Err(diags);
    };
    let r = Renderer::new(
        site,
        theme,
        &bodies.bodies,
        &items.items,
        &relations,
        &opts.render,
        keys,
    );
    let jobs = render::plan(&r);
    timer.lap("plan");
    // A memoized build updates the search index beside rendering (both are
    // mostly serial work on a small edit); a one-shot build indexes after
    // rendering, once the pages no longer need the bodies' HTML.
    let mut index_time = None;
    let (mut emitted, update) = if memo.keep {
        let hashes: Vec<u64> = bodies.entries.iter().map(|e| e.text_hash).collect();
        let (outputs, search) = (&memo.outputs, &mut memo.search);
        let texts = &bodies.bodies;
        let (emitted, (update, indexing)) = rayon::join(
            || emit::emit(jobs, outputs, sink),
            || {
                let started = Instant::now();
                let u = search.update(site, texts, &hashes);
                (u, started.elapsed())
            },
        );
        index_time = Some(indexing);
        (emitted, Some(update))
    } else {
        (emit::emit(jobs, &memo.outputs, sink), None)
    };
    drop(r);
    timer.lap("render");
    if let Some(t) = index_time {
        // Beside rendering, within its time.
        timer.laps.push(("indexing, within render", t));
    }
    if has_errors(&emitted.diags) {
        // The index was updated for files nobody received.
        memo.search.clear();
        diags.extend(emitted.diags);
        sort_diagnostics(&mut diags);
        return Err(diags);
    }
    diags.extend(emitted.diags);
    let search_error = std::sync::Mutex::new(None);
    let search_paths = std::sync::Mutex::new(Vec::new());
    let put = |path: String, bytes: Vec<u8>| {
        search_paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.clone());
        if let Err(e) = sink.put(path, bytes) {
            search_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(e);
        }
    };
    if let Some(u) = update {
        for (path, bytes) in u.files {
            put(path, bytes);
        }
        emitted
            .outputs
            .extend(u.paths.into_iter().map(|p| (p, None)));
    } else {
        // The pages hold the bodies' HTML now; the index needs their text.
        for b in &mut bodies.bodies {
            b.html = String::new();
            b.toc = Vec::new();
        }
        crate::search::build_into(site, &bodies.bodies, &put);
    }
    let search_paths = search_paths.into_inner().unwrap_or_else(|e| e.into_inner());
    emitted
        .outputs
        .extend(search_paths.into_iter().map(|p| (p, None)));
    if let Some(e) = search_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        memo.search.clear();
        return Err(vec![e]);
    }
    timer.lap("search");
    // Photos are published in their sizes; an original only when linked.
    let mut copies = found.assets;
    copies.retain(|a| !bodies.hidden_originals.contains(&a.out));
    copies.append(&mut bodies.image_copies);
    copies.sort_by(|a, b| a.out.cmp(&b.out));
    take_replaced(&mut copies, &mut diags, |out| {
        emitted.outputs.contains_key(out)
    });
    let check = scanning.map(|s| {
        let scanned = s.scanned.into_inner().unwrap_or_else(|e| e.into_inner());
        let report = crate::check::run(site, &scanned, &copies);
        (report, scanned)
    });
    timer.lap("check");
    sort_diagnostics(&mut diags);
    let removed = memo
        .outputs
        .keys()
        .filter(|p| !emitted.outputs.contains_key(*p))
        .cloned()
        .collect();
    let mut spent = Spent::default();
    let check = check.map(|(report, scanned)| {
        spent.add(scanned);
        report
    });
    if memo.keep {
        memo.outputs = emitted.outputs;
        items.store(site, memo);
    } else {
        spent.add(items.items);
    }
    timer.lap("finish");
    Ok(Ran {
        copies,
        diags,
        check,
        stats,
        timings: timer.laps,
        removed,
        rendered: emitted.made,
        spent,
    })
}

/// Removes from `copies` the site's files that a file the build makes
/// replaces (`made` says which output paths it makes), with a warning in
/// `diags` for each: an editor's own `static/robots.txt` would otherwise
/// vanish silently.
fn take_replaced(
    copies: &mut Vec<Asset>,
    diags: &mut Vec<Diagnostic>,
    made: impl Fn(&str) -> bool,
) {
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
}

/// The site root for `--root`.
pub fn site_root(root: Option<&Path>) -> PathBuf {
    root.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
