//! The image stage, asked by the Markdown stage: what each `<img src>` of
//! a body shows — the published sizes of a photo of the site's content
//! (made through `images::cache`), or the intrinsic size of any other
//! image — and, once the bodies are rendered, the files to publish.
//!
//! Owns: which images are processed (rasters under `content/`: JPEG, PNG,
//! WebP; HEIC refused), the output names of their sizes
//! (`<stem>.<width>.<hash>.<ext>` beside the original), the image errors
//! (at the image's file, naming a page that shows it), and whether an
//! original is published (linked with `<a href>`, or `images:
//! {keep_originals: true}`).
//!
//! Invariants: each source is processed at most once per build, however
//! many pages show it (a per-image once-cell); processing runs on the
//! Markdown stage's threads, so at most one decoded photo per thread is
//! in memory — or, in `anxuan serve` ([`Background`]), on one worker
//! thread while the page shows the original.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use crate::content::Asset;
use crate::content::slug::percent_decode;
use crate::error::{Diagnostic, Span};
use crate::hash::FxMap;
use crate::images::cache::{Cache, Entry};
use crate::images::process::{self, ImageError};
use crate::images::{Shown, Size, extension as ext_of};
use crate::site::join_url;

/// The extensions of the photos and graphics anxuan publishes in sizes.
const PROCESSED: &[&str] = &["jpg", "jpeg", "png", "webp"];

/// Extensions of images browsers cannot show (refused when shown).
const REFUSED: &[&str] = &["heic", "heif"];

/// One processed source: its sizes, its error, or `None` while it is
/// being made in the background.
type Made = Result<Entry, Option<ImageError>>;

/// Photos made off the build (`anxuan serve`): a build that finds a
/// photo's sizes missing from the cache shows the original, hands the
/// photo to one worker thread (one decoded photo at a time), and `done`
/// is called with the photo's path once its sizes are in the cache — the
/// server then rebuilds, and the pages reload with the sizes.
#[derive(Clone)]
pub struct Background(Arc<BackgroundInner>);

struct BackgroundInner {
    jobs: Mutex<Option<std::sync::mpsc::Sender<(std::path::PathBuf, String, std::path::PathBuf)>>>,
    pending: Mutex<crate::hash::FxSet<String>>,
    /// Sources the worker could not make: the build makes them itself,
    /// so their error is reported (and no rebuild loop follows).
    failed: Mutex<crate::hash::FxSet<String>>,
    done: Box<dyn Fn(String) + Send + Sync>,
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Background")
    }
}

impl Background {
    pub fn new(done: impl Fn(String) + Send + Sync + 'static) -> Background {
        Background(Arc::new(BackgroundInner {
            jobs: Mutex::default(),
            pending: Mutex::default(),
            failed: Mutex::default(),
            done: Box::new(done),
        }))
    }

    /// Whether the worker could not make source `rel`; `forget` clears
    /// it (the build made it after all).
    fn failed(&self, rel: &str, forget: bool) -> bool {
        self.0.failed.lock().is_ok_and(|mut f| {
            if forget {
                f.remove(rel)
            } else {
                f.contains(rel)
            }
        })
    }

    /// Queues source `rel` (at `abs`) of the site at `root`, once.
    fn submit(&self, root: &Path, rel: &str, abs: &Path) {
        let Ok(mut pending) = self.0.pending.lock() else {
            return;
        };
        if !pending.insert(rel.to_owned()) {
            return;
        }
        drop(pending);
        let Ok(mut jobs) = self.0.jobs.lock() else {
            return;
        };
        let tx = jobs.get_or_insert_with(|| {
            let (tx, rx) =
                std::sync::mpsc::channel::<(std::path::PathBuf, String, std::path::PathBuf)>();
            let inner = Arc::downgrade(&self.0);
            std::thread::spawn(move || {
                while let Ok((root, rel, abs)) = rx.recv() {
                    let cache = Cache::open(&root, &process::WIDTHS);
                    let read = || crate::sitefs::read(&abs).ok();
                    let made = cache.get(&rel, &abs, &read);
                    cache.save();
                    let Some(inner) = inner.upgrade() else { break };
                    // The next build makes a failed one itself and reports it.
                    if made.is_err()
                        && let Ok(mut f) = inner.failed.lock()
                    {
                        f.insert(rel.clone());
                    }
                    if let Ok(mut p) = inner.pending.lock() {
                        p.remove(&rel);
                    }
                    (inner.done)(rel);
                }
            });
            tx
        });
        let _ = tx.send((root.to_path_buf(), rel.to_owned(), abs.to_path_buf()));
    }
}

/// The images of one build.
pub(super) struct Images<'a> {
    base_path: &'a str,
    by_out: FxMap<&'a str, &'a Asset>,
    cache: Cache,
    /// Processed sources by output path of the original.
    made: Mutex<FxMap<String, Arc<OnceLock<Made>>>>,
    /// A page that shows each source (for errors), by output path.
    shown_by: Mutex<BTreeMap<String, String>>,
    /// Intrinsic sizes of other images (read once per build).
    sizes: &'a (dyn Fn(&str) -> Option<(u32, u32)> + Sync),
    root: &'a Path,
    background: Option<&'a Background>,
}

impl<'a> Images<'a> {
    pub fn new(
        root: &'a Path,
        base_path: &'a str,
        assets: &'a [Asset],
        sizes: &'a (dyn Fn(&str) -> Option<(u32, u32)> + Sync),
        background: Option<&'a Background>,
    ) -> Images<'a> {
        Images {
            base_path,
            by_out: assets.iter().map(|a| (a.out.as_str(), a)).collect(),
            cache: Cache::open(root, &process::WIDTHS),
            made: Mutex::default(),
            shown_by: Mutex::default(),
            sizes,
            root,
            background,
        }
    }

    /// The output path of a site URL, if it is one of the site's files.
    fn asset(&self, src: &str) -> Option<&'a Asset> {
        let out = percent_decode(src.strip_prefix(self.base_path)?);
        self.by_out.get(out.as_str()).copied()
    }

    /// Whether `href` links the original of a processed image.
    pub fn is_original(&self, href: &str) -> bool {
        self.asset(href.split(['#', '?']).next().unwrap_or(href))
            .is_some_and(Self::is_processed)
    }

    fn is_processed(a: &Asset) -> bool {
        a.rel.starts_with("content/") && PROCESSED.contains(&ext_of(&a.out).as_str())
    }

    /// The sizes of the processed image `a`, made on first use.
    fn made(&self, a: &Asset) -> Made {
        let cell = match self.made.lock() {
            Ok(mut m) => Arc::clone(m.entry(a.out.clone()).or_default()),
            Err(_) => Arc::new(OnceLock::new()),
        };
        cell.get_or_init(|| {
            let _working = crate::crash::working_on(&a.rel);
            let abs = a.abs.clone();
            let read = move || crate::sitefs::read(&abs).ok();
            if let Some(bg) = self.background
                && !bg.failed(&a.rel, false)
            {
                return match self.cache.cached(&a.rel, &a.abs, &read) {
                    Some(e) => Ok(e),
                    None => {
                        bg.submit(self.root, &a.rel, &a.abs);
                        Err(None)
                    }
                };
            }
            let made = self.cache.get(&a.rel, &a.abs, &read).map_err(Some);
            if made.is_ok()
                && let Some(bg) = self.background
            {
                bg.failed(&a.rel, true);
            }
            made
        })
        .clone()
    }

    /// The URL of size `width` of `a`.
    fn size_url(&self, a: &Asset, e: &Entry, width: u32) -> String {
        join_url(self.base_path, &size_out(a, e, width))
    }

    /// What `<img src>` shows (`page`: the page showing it, for errors).
    pub fn shown(&self, page: &str, src: &str) -> Option<Shown> {
        let Some(a) = self.asset(src) else {
            return (self.sizes)(src).map(|(w, h)| Shown::plain(w, h));
        };
        let ext = ext_of(&a.out);
        if !Self::is_processed(a) && !REFUSED.contains(&ext.as_str()) {
            return (self.sizes)(src).map(|(w, h)| Shown::plain(w, h));
        }
        if let Ok(mut s) = self.shown_by.lock() {
            s.entry(a.out.clone()).or_insert_with(|| page.to_owned());
        }
        if REFUSED.contains(&ext.as_str()) && a.rel.starts_with("content/") {
            self.remember_error(a, ImageError::Heic);
            return None;
        }
        let e = match self.made(a) {
            Ok(e) => e,
            // Being made: the original, as it is, until then.
            Err(None) => return (self.sizes)(src).map(|(w, h)| Shown::plain(w, h)),
            Err(Some(_)) => return None,
        };
        let sizes: Vec<Size> = e
            .sizes
            .iter()
            .map(|&(w, h)| Size {
                url: self.size_url(a, &e, w),
                width: w,
                height: h,
            })
            .collect();
        Some(Shown { sizes })
    }

    fn remember_error(&self, a: &Asset, err: ImageError) {
        if let Ok(mut m) = self.made.lock() {
            let cell = m.entry(a.out.clone()).or_default();
            let _ = cell.set(Err(Some(err)));
        }
    }

    /// The files to publish for the processed images, the output paths of
    /// originals not to publish (all processed ones but `linked`, unless
    /// `keep_originals`), and the errors.
    pub fn finish(
        self,
        linked: &BTreeSet<String>,
        keep_originals: bool,
    ) -> (Vec<Asset>, BTreeSet<String>, Vec<Diagnostic>, usize) {
        self.cache.save();
        let shown_by = self.shown_by.into_inner().unwrap_or_default();
        let made: BTreeMap<String, Arc<OnceLock<Made>>> = self
            .made
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let (mut copies, mut hidden, mut diags) = (Vec::new(), BTreeSet::new(), Vec::new());
        for (out, cell) in made {
            let Some(a) = self.by_out.get(out.as_str()) else {
                continue;
            };
            match cell.get() {
                Some(Ok(e)) => {
                    for (i, &(w, _)) in e.sizes.iter().enumerate() {
                        copies.push(Asset {
                            out: size_out(a, e, w),
                            rel: a.rel.clone(),
                            abs: e.file(self.cache.dir(), w),
                            hashed: true,
                            len: e.lens.get(i).copied(),
                        });
                    }
                    let link = join_url(self.base_path, &a.out);
                    if !keep_originals && !linked.contains(&link) {
                        hidden.insert(out);
                    }
                }
                // Being made in the background: the original is published.
                Some(Err(None)) | None => {}
                Some(Err(Some(err))) => {
                    let page = shown_by.get(&out).map_or("", String::as_str);
                    diags.push(
                        Diagnostic::error(
                            Span::file(a.rel.clone()),
                            format!("{} (shown on {page})", err.message()),
                        )
                        .with_help(err.help()),
                    );
                }
            }
        }
        (copies, hidden, diags, self.cache.processed())
    }
}

/// The output path of size `width` of `a`: beside the original, named by
/// the source's hash.
fn size_out(a: &Asset, e: &Entry, width: u32) -> String {
    let (dir, name) = a
        .out
        .rsplit_once('/')
        .map_or(("", a.out.as_str()), |(d, n)| (d, n));
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let hash = &e.key[..8.min(e.key.len())];
    let file = format!("{stem}.{width}.{hash}.{}", e.format.ext());
    if dir.is_empty() {
        file
    } else {
        format!("{dir}/{file}")
    }
}
