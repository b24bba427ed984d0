//! The memo around the pipeline's stages (`anxuan serve`).
//!
//! Owns: what is kept between builds of one site and the key each entry is
//! kept by: the loaded page of a source file by the file's stamp, a page's
//! rendered body by its Markdown and the answers to the link questions it
//! asked, the compiled theme by the stamps of its folder, and each output
//! file's key from the last successful build. The stages themselves stay
//! pure functions of their inputs; this module only decides, by those
//! keys, whether a stage's earlier result for the same inputs exists.
//!
//! Invariants: an entry is used only when every input it was made from is
//! unchanged, so a memoized build returns the bytes of a fresh one (tested
//! by tests/it/edits.rs through seeded random editing sessions). A one-shot
//! build uses a memo that keeps nothing ([`Memo::one_shot`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::content::discover::Discovery;
use crate::error::Diagnostic;
use crate::hash::FxMap;
use crate::highlight::Highlighter;
use crate::markdown::Body;
use crate::theme::Theme;

use super::links::Query;

/// What a file looked like when it was read: reused only while all of it
/// is unchanged. On Unix the inode change time is part of it, and no tool
/// can set that back, so an edit that keeps the size and restores the
/// modification time is still seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    changed: (i64, i64, u64),
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
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

/// Image sizes by file, with the stamp of the file they were read from.
pub(super) type ImageSizes = FxMap<PathBuf, (Option<Stamp>, Option<(u32, u32)>)>;

/// Every file of a theme folder with its stamp, sorted.
pub(super) type ThemeStamps = Vec<(PathBuf, Option<Stamp>)>;

/// The stamps of every file the theme `name` is made of, found as the
/// theme finds them (links by the site's rule), plus the site's own icon
/// (the theme leaves its icon out when the site has one).
pub(super) fn theme_stamps(root: &Path, name: &str) -> ThemeStamps {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    crate::sitefs::walk_files(root, &format!("themes/{name}"), &mut skipped, |_, abs| {
        let st = Stamp::of(&abs);
        out.push((abs, st));
    });
    out.sort_by(|a, b| a.0.cmp(&b.0));
    let icon = root.join(crate::theme::SITE_ICON);
    let st = Stamp::of(&icon);
    out.push((icon, st));
    out
}

/// How a page's body was rendered: its inputs besides the site's
/// configuration (which resets the memo when it changes).
#[derive(Debug, Clone, Default)]
pub(super) struct BodyInputs {
    /// Key of the Markdown and the line it starts on.
    pub source: u64,
    /// The link questions rendering asked, with their answers.
    pub queries: Vec<Query>,
    /// The site images the body shows, with what was written for each.
    pub images: Vec<(String, Option<crate::images::Shown>)>,
    /// The originals of published photos the body links (`<a href>`,
    /// decoded): published with the sizes.
    pub originals: Vec<String>,
}

/// A rendered body with what it was made from.
#[derive(Default)]
pub(super) struct BodyEntry {
    pub inputs: BodyInputs,
    pub body: Body,
    pub diags: Vec<Diagnostic>,
    /// Key of the body's inputs: pages and lists that show the body use it.
    pub key: u64,
    /// The search index's hash of the body's text.
    pub text_hash: u64,
    /// The build that last used the entry ([`Memo::builds`]).
    pub used: u64,
}

/// The compiled theme and the stamps of the files it was compiled from.
pub(super) struct ThemeEntry {
    pub name: String,
    pub stamps: ThemeStamps,
    pub theme: Theme,
    /// Counts compilations: part of every output key.
    pub generation: u64,
}

/// What the pipeline keeps between builds of the same site.
pub struct Memo {
    /// Off for one-shot builds: nothing is kept.
    pub(super) keep: bool,
    /// Counts builds; entries not used by the latest are dropped.
    pub(super) builds: u64,
    /// `site.yaml` and the command-line overrides: every entry depends on
    /// them, so a change starts afresh.
    pub(super) config_key: Vec<u8>,
    /// The last build's discovery, reused when the next build is told which
    /// files changed and they are all known sources.
    pub(super) discovery: Option<Discovery>,
    /// The files changed since the last build, when the caller knows them
    /// (the preview server's watcher); taken by the next build.
    pub(super) changed: Option<Vec<String>>,
    /// Loaded source files by site-relative path (with their pages).
    pub(super) files: FxMap<String, super::load::Loaded>,
    /// Rendered bodies by source file.
    pub(super) bodies: FxMap<String, BodyEntry>,
    pub(super) theme: Option<ThemeEntry>,
    pub(super) theme_generation: u64,
    /// Image sizes by file, with the stamp they were read at.
    pub(super) image_sizes: ImageSizes,
    /// The last assembled site's structure.
    pub(super) site: Option<super::assemble::Shape>,
    /// List entries by source file.
    pub(super) items: FxMap<String, super::items::ItemEntry>,
    /// Every output file of the last successful build and its key (`None`:
    /// made every time; the consumer compares the bytes).
    pub(super) outputs: FxMap<String, Option<u64>>,
    pub(super) search: crate::search::Cache,
    /// Syntax definitions load on the first code block and stay.
    pub(super) highlighter: Arc<Highlighter>,
}

impl Memo {
    /// A memo that keeps what a build computed for the next build.
    pub fn new() -> Memo {
        Memo {
            keep: true,
            ..Memo::one_shot()
        }
    }

    /// A memo for one build: it keeps nothing.
    pub fn one_shot() -> Memo {
        Memo {
            keep: false,
            builds: 0,
            config_key: Vec::new(),
            discovery: None,
            changed: None,
            files: FxMap::default(),
            bodies: FxMap::default(),
            theme: None,
            theme_generation: 0,
            image_sizes: FxMap::default(),
            site: None,
            items: FxMap::default(),
            outputs: FxMap::default(),
            search: crate::search::Cache::default(),
            highlighter: Arc::default(),
        }
    }

    /// Tells the next build which files (site-relative, `/`-separated)
    /// changed since the last one: when they are all known Markdown sources
    /// that still exist, it neither walks the folders again nor checks
    /// every other file's stamp. Without this it checks everything.
    pub fn note_changed(&mut self, paths: &[String]) {
        self.changed = (!paths.is_empty()).then(|| paths.to_vec());
    }

    /// Starts a build with configuration key `key`: a memo made under
    /// another configuration is emptied first.
    pub(super) fn begin(&mut self, key: Vec<u8>) {
        self.builds += 1;
        if key != self.config_key {
            let keep = self.keep;
            let generation = self.theme_generation;
            let highlighter = Arc::clone(&self.highlighter);
            let builds = self.builds;
            *self = Memo {
                keep,
                builds,
                config_key: key,
                theme_generation: generation,
                highlighter,
                ..Memo::one_shot()
            };
        }
    }

    /// The theme `name` as its files are now: the memo's, or compiled
    /// again when any of its files changed.
    pub(super) fn theme(
        &mut self,
        root: &Path,
        name: &str,
    ) -> Result<&ThemeEntry, Vec<Diagnostic>> {
        let stamps = theme_stamps(root, name);
        let fresh = self
            .theme
            .as_ref()
            .is_some_and(|t| t.name == name && t.stamps == stamps);
        if !fresh {
            self.theme = None;
            let theme = Theme::load(root, name)?;
            self.theme_generation += 1;
            self.theme = Some(ThemeEntry {
                name: name.to_owned(),
                stamps,
                theme,
                generation: self.theme_generation,
            });
        }
        self.theme.as_ref().ok_or_else(|| {
            vec![Diagnostic::global(
                crate::error::Severity::Error,
                "no theme",
            )]
        })
    }
}

impl Memo {
    /// Takes back the pages and bodies of a build (every build ends here,
    /// whether it succeeded or not). A memo that keeps nothing hands them
    /// back to be dropped or leaked.
    pub(super) fn store(
        &mut self,
        loaded: Vec<super::load::Loaded>,
        pages: Vec<crate::content::Page>,
        bodies: super::bodies::Bodies,
    ) -> Box<dyn std::any::Any + Send> {
        if !self.keep {
            return Box::new((loaded, pages, bodies));
        }
        let super::bodies::Bodies {
            bodies, entries, ..
        } = bodies;
        let now = self.builds;
        // Bodies are by page id: the published pages come first in `pages`.
        for ((page, mut entry), body) in pages.iter().zip(entries).zip(bodies) {
            entry.body = body;
            entry.used = now;
            match self.bodies.get_mut(&page.file) {
                Some(slot) => *slot = entry,
                None => {
                    self.bodies.insert(page.file.clone(), entry);
                }
            }
        }
        self.bodies.retain(|_, e| e.used == now);
        for mut l in loaded {
            l.used = now;
            match self.files.get_mut(&l.file) {
                Some(slot) => *slot = l,
                None => {
                    self.files.insert(l.file.clone(), l);
                }
            }
        }
        for page in pages {
            if let Some(l) = self.files.get_mut(&page.file) {
                l.page = Some(page);
            }
        }
        // A page the build dropped (a duplicate URL) is loaded again.
        self.files
            .retain(|_, l| l.used == now && (l.failed || l.page.is_some()));
        Box::new(())
    }
}

impl Default for Memo {
    fn default() -> Memo {
        Memo::new()
    }
}
