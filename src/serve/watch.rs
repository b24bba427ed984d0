//! Watching the site's sources for `anxuan serve`.
//!
//! Owns: the only use of `notify` and `notify-debouncer-full`; which paths
//! matter and which are editors' temporary files. Imports nothing from the
//! crate.
//!
//! Invariants: only `content/`, `themes/`, `static/` (recursively) and the
//! site root itself (not recursively, for `site.yaml` and for those folders
//! appearing later) are watched, so the output folder never triggers a
//! rebuild; a batch handed on is never empty and holds site-relative,
//! `/`-separated paths of files that are not temporary.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, SystemTime};

use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

/// The folders whose files feed the build.
pub const SOURCE_DIRS: [&str; 3] = ["content", "themes", "static"];

/// How long the debouncer waits for an editor's save to settle.
const DEBOUNCE: Duration = Duration::from_millis(20);
const TICK: Duration = Duration::from_millis(5);
/// `--poll`: how often the source files are scanned (stat only, no reads).
const POLL_INTERVAL: Duration = Duration::from_millis(400);

/// True for the temporary and backup files editors write while saving:
/// vim (`.x.swp`, `x~`, `4913`), Emacs (`#x#`, `.#x`), VS Code and
/// JetBrains (`x.tmp`, `x___jb_tmp___`), WPS/Office (`~$x.docx`, `~x.tmp`),
/// Chrome downloads (`.crdownload`), and every hidden file.
pub fn is_temp_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.starts_with('~')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [
            ".swp",
            ".swo",
            ".swx",
            ".swn",
            ".tmp",
            ".temp",
            ".bak",
            ".orig",
            ".crdownload",
            ".part",
            ".kate-swp",
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|s| lower.ends_with(s))
        || lower.contains(".tmp.")
        || lower.contains(".sb-")
}

/// The site-relative path of a changed file when it can affect the build:
/// under a source folder, or `site.yaml`; never a temporary file, and
/// never under a folder the build skips (names starting with `.` or `_`).
pub fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => return None,
        }
    }
    let first = parts.first()?;
    if parts.len() == 1 {
        return (first == "site.yaml" || SOURCE_DIRS.contains(&first.as_str()))
            .then(|| first.clone());
    }
    if !SOURCE_DIRS.contains(&first.as_str()) {
        return None;
    }
    let (name, dirs) = parts[1..].split_last()?;
    if is_temp_name(name)
        || dirs
            .iter()
            .any(|d| d.starts_with('.') || d.starts_with('_'))
    {
        return None;
    }
    Some(parts.join("/"))
}

/// `--poll`: a file's size and modification time (to the nanosecond;
/// notify's poll watcher compares whole seconds and misses a second save
/// within the same second).
type Seen = HashMap<PathBuf, (u64, Option<SystemTime>)>;

fn scan_into(dir: &Path, seen: &mut Seen) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => scan_into(&p, seen),
            Ok(t) if t.is_file() => {
                if let Ok(m) = e.metadata() {
                    seen.insert(p, (m.len(), m.modified().ok()));
                }
            }
            _ => {}
        }
    }
}

fn scan(root: &Path) -> Seen {
    let mut seen = Seen::new();
    let config = root.join("site.yaml");
    if let Ok(m) = std::fs::metadata(&config) {
        seen.insert(config, (m.len(), m.modified().ok()));
    }
    for dir in SOURCE_DIRS {
        scan_into(&root.join(dir), &mut seen);
    }
    seen
}

/// The paths that differ between two scans (added, removed or changed).
fn changed(old: &Seen, new: &Seen) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = new
        .iter()
        .filter(|(p, v)| old.get(*p) != Some(*v))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
    out
}

/// Scans every `POLL_INTERVAL` until `stop`; `ready` is told once the
/// first scan (the baseline) is done.
fn poll_loop(root: &Path, tx: &Sender<Vec<String>>, stop: &AtomicBool, ready: &Sender<()>) {
    let mut prev = scan(root);
    let _ = ready.send(());
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(POLL_INTERVAL);
        let now = scan(root);
        let mut batch: Vec<String> = changed(&prev, &now)
            .iter()
            .filter_map(|p| relevant(root, p))
            .collect();
        prev = now;
        batch.sort();
        batch.dedup();
        if !batch.is_empty() && tx.send(batch).is_err() {
            return;
        }
    }
}

enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    /// The polling thread stops when this is set.
    Poll(Arc<AtomicBool>),
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    root: PathBuf,
    inner: Inner,
    watched: Vec<PathBuf>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        if let Inner::Poll(stop) = &self.inner {
            stop.store(true, Ordering::Relaxed);
        }
    }
}

impl Watcher {
    /// Starts watching the site at `root`; batches of changed site-relative
    /// paths are sent to `tx`. `poll`: scan the files instead of relying on
    /// change events (WSL2, network drives).
    pub fn start(root: &Path, poll: bool, tx: Sender<Vec<String>>) -> notify::Result<Watcher> {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        if poll {
            let stop = Arc::new(AtomicBool::new(false));
            let (r, s) = (root.clone(), Arc::clone(&stop));
            // The first scan happens before `start` returns, so an edit made
            // right after is seen.
            let (ready_tx, ready_rx) = std::sync::mpsc::channel();
            std::thread::Builder::new()
                .name("anxuan-poll".into())
                .spawn(move || poll_loop(&r, &tx, &s, &ready_tx))
                .map_err(notify::Error::io)?;
            let _ = ready_rx.recv();
            return Ok(Watcher {
                root,
                inner: Inner::Poll(stop),
                watched: Vec::new(),
            });
        }
        let r = root.clone();
        let handler = move |res: DebounceEventResult| {
            let Ok(events) = res else {
                return;
            };
            let mut batch: Vec<String> = events
                .iter()
                // Reading files (our own build does) is no change.
                .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                .flat_map(|e| e.event.paths.iter())
                .filter_map(|p| relevant(&r, p))
                .collect();
            batch.sort();
            batch.dedup();
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        };
        let mut debouncer = new_debouncer(DEBOUNCE, Some(TICK), handler)?;
        debouncer.watch(&root, RecursiveMode::NonRecursive)?;
        let mut w = Watcher {
            root,
            inner: Inner::Native(debouncer),
            watched: Vec::new(),
        };
        w.ensure_watched()?;
        Ok(w)
    }

    /// Watches source folders that appeared since the start (polling sees
    /// them anyway).
    pub fn ensure_watched(&mut self) -> notify::Result<()> {
        let Inner::Native(d) = &mut self.inner else {
            return Ok(());
        };
        for dir in SOURCE_DIRS {
            let p = self.root.join(dir);
            if p.is_dir() && !self.watched.contains(&p) {
                d.watch(&p, RecursiveMode::Recursive)?;
                self.watched.push(p);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editors_temporary_files_are_ignored() {
        for name in [
            ".fire.md.swp",
            "fire.md.swx",
            "fire.md~",
            "4913",
            "#fire.md#",
            ".#fire.md",
            "fire.md.tmp",
            "fire.md.tmp.1234.5678",
            "~$通知.docx",
            "~WRL0001.tmp",
            "fire.md___jb_tmp___",
            ".DS_Store",
            "fire.md.bak",
        ] {
            assert!(is_temp_name(name), "{name}");
        }
        for name in ["fire.md", "消防演练.md", "site.css", "a.png", "tmp.md"] {
            assert!(!is_temp_name(name), "{name}");
        }
    }

    #[test]
    fn polling_sees_changed_and_deleted_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/articles")).unwrap();
        let f = root.join("content/articles/a.md");
        std::fs::write(&f, "一").unwrap();
        let before = scan(root);
        std::fs::write(&f, "二二").unwrap();
        let after = scan(root);
        assert_eq!(changed(&before, &after), vec![f.clone()]);
        std::fs::remove_file(&f).unwrap();
        assert_eq!(changed(&after, &scan(root)), vec![f]);
    }

    #[test]
    fn only_sources_and_config_are_relevant() {
        let root = Path::new("/site");
        let rel = |p: &str| relevant(root, &root.join(p));
        assert_eq!(rel("site.yaml").as_deref(), Some("site.yaml"));
        assert_eq!(
            rel("content/articles/a.md").as_deref(),
            Some("content/articles/a.md")
        );
        assert_eq!(
            rel("themes/default/static/css/site.css").as_deref(),
            Some("themes/default/static/css/site.css")
        );
        assert_eq!(rel("content").as_deref(), Some("content"));
        assert_eq!(rel("public/index.html"), None);
        assert_eq!(rel("public"), None);
        assert_eq!(rel("content/articles/.a.md.swp"), None);
        assert_eq!(rel("content/_drafts/a.md"), None);
        assert_eq!(rel("README.md"), None);
        assert_eq!(relevant(root, Path::new("/elsewhere/x")), None);
    }
}
