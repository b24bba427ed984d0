//! The first stages: settings, discovery, loading the sources, and the
//! publishing rules.
//!
//! Owns: reading `site.yaml` with the command-line overrides, walking the
//! site (or reusing the last walk when the watcher named the changed
//! files), reading and parsing each source file (through the memo, by its
//! stamp), and splitting loaded pages into published and unpublished.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use super::BuildOptions;
use super::memo::{Memo, Stamp};
use crate::config::{CONFIG_FILE, Config};
use crate::content::{self, Page, discover};
use crate::dates::{self, Timestamp};
use crate::error::{Diagnostic, Severity, Span};
use crate::hash::{FxSet, Key};
use crate::site::{self, Unpublished};

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
    let mut cfg = Config::parse(&text)?;
    let words = match std::fs::read(root.join(crate::config::words::WORDS_FILE)) {
        Ok(bytes) => Some(
            content::frontmatter::decode(crate::config::words::WORDS_FILE, &bytes)
                .map_err(|d| vec![d])?,
        ),
        Err(_) => None,
    };
    cfg.words = crate::config::words::parse(words.as_deref())?;
    Ok(cfg)
}

/// The configuration of a build and its clock.
pub(super) struct Settings {
    pub cfg: Config,
    pub now: Timestamp,
    /// The bytes of `site.yaml` and the overrides: the memo's outermost key.
    pub key: Vec<u8>,
}

/// Reads the configuration, applies the command-line overrides and fixes
/// the build's clock.
pub(super) fn settings(root: &Path, opts: &BuildOptions) -> Result<Settings, Vec<Diagnostic>> {
    // Read the key before the config: if site.yaml changes in between, the
    // next build sees a different key and starts afresh.
    let mut key = std::fs::read(root.join(CONFIG_FILE)).unwrap_or_default();
    key.push(0);
    key.extend(std::fs::read(root.join(crate::config::words::WORDS_FILE)).unwrap_or_default());
    key.extend_from_slice(format!("\0{:?}\0{}", opts.base_url, opts.relative).as_bytes());
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
    let now = match &opts.now {
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
    Ok(Settings { cfg, now, key })
}

/// The site's files: walked, or the last walk when the watcher's word is
/// that only known sources changed (saves walking 12,000 files and reading
/// their stamps). The second value names the changed files in that case.
pub(super) fn discover(
    root: &Path,
    cfg: &Config,
    memo: &mut Memo,
) -> (discover::Discovery, Option<FxSet<String>>) {
    let changed = memo.changed.take().filter(|_| memo.keep);
    let last = memo.discovery.take();
    let found = match (changed, last) {
        (Some(changed), Some(last))
            if changed
                .iter()
                .all(|p| last.sources.iter().any(|s| s.rel == *p) && root.join(p).is_file()) =>
        {
            (last, Some(changed.into_iter().collect()))
        }
        _ => (discover::discover(root, cfg), None),
    };
    if memo.keep {
        memo.discovery = Some(found.0.clone());
    }
    found
}

/// One source file after loading.
pub(super) struct Loaded {
    /// Site-relative path.
    pub file: String,
    pub stamp: Option<Stamp>,
    /// Key of the file's path and bytes (0 in one-shot builds).
    pub key: u64,
    /// Key of the file's path and front matter: what its page is made of
    /// besides the Markdown body (the whole file's key when the body is not
    /// its bytes' tail; 0 in one-shot builds).
    pub meta_key: u64,
    /// The page, while the build has not taken it.
    pub page: Option<Page>,
    /// Warnings, or the errors when the file did not load.
    pub diags: Vec<Diagnostic>,
    pub failed: bool,
    /// The build that last used the entry (the memo's count).
    pub used: u64,
}

/// Loads every source of `found`: from the memo when its stamp is
/// unchanged, else read and parsed.
pub(super) fn sources(
    found: &discover::Discovery,
    hinted: Option<&FxSet<String>>,
    cfg: &Config,
    memo: &mut Memo,
) -> Vec<Loaded> {
    let keep = memo.keep;
    // Taken out of the memo's entries, which stay for the memo to refill.
    let reuse: Vec<Option<Loaded>> = found
        .sources
        .iter()
        .map(|src| memo.files.get_mut(&src.rel).and_then(Loaded::take))
        .collect();
    found
        .sources
        .par_iter()
        .zip(reuse)
        .map(|(src, old)| {
            // Stamp first: a change while reading shows up next time.
            let stamp = match (&old, hinted) {
                (Some(o), Some(changed)) if !changed.contains(&src.rel) => o.stamp.clone(),
                _ if keep => Stamp::of(&src.abs),
                _ => None,
            };
            if let Some(o) = old
                && o.stamp.is_some()
                && o.stamp == stamp
                && o.page.is_some() != o.failed
            {
                return o;
            }
            let _working = crate::crash::working_on(&src.rel);
            crate::crash::debug_panic_point(&src.rel);
            let (loaded, key, meta_key) = match crate::sitefs::read(&src.abs) {
                Ok(bytes) => {
                    let loaded = content::load(src, &bytes, cfg);
                    let (key, meta_key) = if keep {
                        let key = Key::new().add(&src.rel).add(&bytes).finish();
                        let head = match &loaded {
                            Ok((page, _)) => bytes.strip_suffix(page.markdown.as_bytes()),
                            Err(_) => None,
                        };
                        let meta = head.map_or(key, |h| {
                            Key::new().add("front matter").add(&src.rel).add(h).finish()
                        });
                        (key, meta)
                    } else {
                        (0, 0)
                    };
                    (loaded, key, meta_key)
                }
                Err(e) => (
                    Err(vec![Diagnostic::error(
                        Span::file(src.rel.clone()),
                        format!("cannot read: {e}"),
                    )]),
                    0,
                    0,
                ),
            };
            let (page, diags, failed) = match loaded {
                Ok((page, warnings)) => (Some(page), warnings, false),
                Err(errors) => (None, errors, true),
            };
            Loaded {
                file: src.rel.clone(),
                stamp,
                key,
                meta_key,
                page,
                diags,
                failed,
                used: 0,
            }
        })
        .collect()
}

impl Loaded {
    /// Moves the entry out, leaving an empty one (never reused: it has no
    /// stamp).
    fn take(&mut self) -> Option<Loaded> {
        self.stamp.as_ref()?;
        Some(std::mem::replace(
            self,
            Loaded {
                file: String::new(),
                stamp: None,
                key: 0,
                meta_key: 0,
                page: None,
                diags: Vec::new(),
                failed: false,
                used: 0,
            },
        ))
    }
}

/// Loaded pages split by the publishing rules.
pub(super) struct Publication {
    pub published: Vec<Page>,
    /// Loaded but unpublished files → why, and their future output folder.
    pub unpublished: HashMap<String, (Unpublished, String)>,
    /// Their pages (kept by the memo).
    pub held: Vec<Page>,
    /// Files that did not load (their errors are reported already).
    pub failed: HashSet<String>,
}

/// Takes the pages out of `loaded` and applies the publishing rules.
pub(super) fn publication(
    loaded: &mut [Loaded],
    now: Timestamp,
    opts: &BuildOptions,
    cfg: &Config,
) -> Publication {
    let mut p = Publication {
        published: Vec::with_capacity(loaded.len()),
        unpublished: HashMap::new(),
        held: Vec::new(),
        failed: HashSet::new(),
    };
    for l in loaded {
        if l.failed {
            p.failed.insert(l.file.clone());
        }
        let Some(page) = l.page.take() else {
            continue;
        };
        match site::publication(&page, now, opts.publish, cfg) {
            Some(why) => {
                p.unpublished
                    .insert(page.file.clone(), (why, site::page_dir(&page, cfg)));
                p.held.push(page);
            }
            None => p.published.push(page),
        }
    }
    p
}
