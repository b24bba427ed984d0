//! The cache of published image sizes, `.anxuan-cache/images/` in the site
//! root: a rebuild with no new photo decodes and encodes nothing.
//!
//! Owns: the cache folder's layout — `<key>.json` (the sizes of one source
//! at one set of parameters) beside `<key>.<width>.<ext>` files, where
//! the key is the source's content hash and the parameters' hash — and
//! `sources.json`, which remembers each source file's hash by its size
//! and modification time so an unchanged photo is not even read again,
//! and `entries.json`, the entries the last build used in one file (read
//! once instead of one `.json` per photo; the per-photo files stay the
//! record, so a lost or stale `entries.json` costs only time).
//! Imports: `hash`, [`super::process`].
//!
//! Invariants: an entry is written files first, its `.json` last (each
//! through a temporary name), so a killed build leaves no entry that
//! names missing files; an unreadable or damaged entry is made again; the
//! cache holds only what a build can remake (deleting it is always safe).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::process::{self, Format, ImageError};

/// The cache folder under the site root (listed in `.gitignore`).
pub const CACHE_DIR: &str = ".anxuan-cache";

/// What changes the bytes made from a source: bump on any change to the
/// processing.
const PARAMS_VERSION: &str = "images v1";

/// One source's published sizes, as kept in `<key>.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// `<source hash>-<parameters hash>`; names the files.
    pub key: String,
    pub format: Format,
    /// The upright size of the source.
    pub width: u32,
    pub height: u32,
    /// (width, height) of each size, narrowest first.
    pub sizes: Vec<(u32, u32)>,
    /// The byte length of each size's file (empty in entries written
    /// before it was kept).
    #[serde(default)]
    pub lens: Vec<u64>,
}

impl Entry {
    /// The cache file of the size `width` pixels wide.
    pub fn file(&self, dir: &Path, width: u32) -> PathBuf {
        dir.join(self.file_name(width))
    }

    fn file_name(&self, width: u32) -> String {
        format!("{}.{width}.{}", self.key, self.format.ext())
    }
}

/// A source file's hash, by its stamp.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Known {
    len: u64,
    modified_ns: u128,
    hash: String,
}

/// The image cache of one site.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// The widths made.
    widths: Vec<u32>,
    params: String,
    sources: Mutex<BTreeMap<String, Known>>,
    sources_changed: std::sync::atomic::AtomicBool,
    /// The names in the folder when it was opened: one directory read
    /// instead of a `stat` per published size.
    present: crate::hash::FxSet<String>,
    /// `entries.json` as read, and the entries this cache value used.
    loaded: BTreeMap<String, Entry>,
    used: Mutex<BTreeMap<String, Entry>>,
    /// How many sources were decoded and encoded by this cache value.
    processed: AtomicUsize,
}

fn stamp(path: &Path) -> Option<(u64, u128)> {
    let m = std::fs::metadata(path).ok()?;
    let ns = m
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((m.len(), ns))
}

/// Writes `bytes` to `path` through a temporary sibling of this call's
/// own: two threads may write one file (the same photo in two folders
/// has one cache entry), and a shared temporary name let the second
/// rename fail once the first had moved it.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.{n}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

impl Cache {
    /// The cache of the site at `root`, making `widths`.
    pub fn open(root: &Path, widths: &[u32]) -> Cache {
        let dir = root.join(CACHE_DIR).join("images");
        let sources = std::fs::read(dir.join("sources.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let params = format!(
            "{:08x}",
            crate::hash::fnv64(
                format!("{PARAMS_VERSION} {widths:?} q{}", process::JPEG_QUALITY).as_bytes()
            ) >> 32
        );
        let present = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        let loaded = std::fs::read(dir.join("entries.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Cache {
            loaded,
            used: Mutex::default(),
            present,
            dir,
            widths: widths.to_vec(),
            params,
            sources: Mutex::new(sources),
            sources_changed: Default::default(),
            processed: AtomicUsize::new(0),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How many sources this cache decoded and encoded.
    pub fn processed(&self) -> usize {
        self.processed.load(Ordering::Relaxed)
    }

    /// The hash of the source `rel` at `abs`, from `sources.json` while
    /// its size and time are unchanged, else read with `read`.
    fn source_hash(
        &self,
        rel: &str,
        abs: &Path,
        read: &dyn Fn() -> Option<Vec<u8>>,
        bytes: &mut Option<Vec<u8>>,
    ) -> Option<String> {
        let st = stamp(abs);
        if let (Some((len, ns)), Ok(sources)) = (st, self.sources.lock())
            && let Some(k) = sources.get(rel)
            && k.len == len
            && k.modified_ns == ns
        {
            return Some(k.hash.clone());
        }
        let b = read()?;
        let hash = format!("{:016x}", crate::hash::fnv64(&b));
        *bytes = Some(b);
        if let (Some((len, modified_ns)), Ok(mut sources)) = (st, self.sources.lock()) {
            sources.insert(
                rel.to_owned(),
                Known {
                    len,
                    modified_ns,
                    hash: hash.clone(),
                },
            );
            self.sources_changed.store(true, Ordering::Relaxed);
        }
        Some(hash)
    }

    /// The published sizes of source `rel` when the cache holds them
    /// (nothing is decoded or encoded).
    pub fn cached(
        &self,
        rel: &str,
        abs: &Path,
        read: &dyn Fn() -> Option<Vec<u8>>,
    ) -> Option<Entry> {
        let hash = self.source_hash(rel, abs, read, &mut None)?;
        self.entry(&format!("{hash}-{}", self.params))
    }

    fn entry(&self, key: &str) -> Option<Entry> {
        let complete = |e: &Entry| {
            e.key == key
                && e.sizes
                    .iter()
                    .all(|(w, _)| self.present.contains(&e.file_name(*w)))
        };
        let entry = match self.loaded.get(key).filter(|e| complete(e)) {
            Some(e) => e.clone(),
            None => std::fs::read(self.dir.join(format!("{key}.json")))
                .ok()
                .and_then(|b| serde_json::from_slice::<Entry>(&b).ok())
                .filter(complete)?,
        };
        self.use_entry(&entry);
        Some(entry)
    }

    fn use_entry(&self, e: &Entry) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(e.key.clone(), e.clone());
        }
    }

    /// The published sizes of source `rel` (at `abs`, read by `read`):
    /// from the cache when it holds them, else made and kept.
    pub fn get(
        &self,
        rel: &str,
        abs: &Path,
        read: &dyn Fn() -> Option<Vec<u8>>,
    ) -> Result<Entry, ImageError> {
        let mut bytes = None;
        let hash = self
            .source_hash(rel, abs, read, &mut bytes)
            .ok_or_else(|| ImageError::Corrupt("the file cannot be read".into()))?;
        let key = format!("{hash}-{}", self.params);
        if let Some(entry) = self.entry(&key) {
            return Ok(entry);
        }
        let index = self.dir.join(format!("{key}.json"));
        let bytes = match bytes {
            Some(b) => b,
            None => read().ok_or_else(|| ImageError::Corrupt("the file cannot be read".into()))?,
        };
        let made = process::process(&bytes, &self.widths)?;
        self.processed.fetch_add(1, Ordering::Relaxed);
        let entry = Entry {
            key,
            format: made.format,
            width: made.width,
            height: made.height,
            sizes: made.variants.iter().map(|v| (v.width, v.height)).collect(),
            lens: made.variants.iter().map(|v| v.bytes.len() as u64).collect(),
        };
        // The build copies the published files from here: a cache that
        // cannot be written is an error.
        let written = std::fs::create_dir_all(&self.dir).and_then(|()| {
            for v in &made.variants {
                write_atomic(&entry.file(&self.dir, v.width), &v.bytes)?;
            }
            let json = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
            write_atomic(&index, &json)
        });
        written.map_err(|e| ImageError::Cache(format!("{}: {e}", self.dir.display())))?;
        self.use_entry(&entry);
        Ok(entry)
    }

    /// Writes `sources.json` when this build learnt a new hash, and
    /// `entries.json` when it used other entries than it read.
    pub fn save(&self) {
        if let Ok(used) = self.used.lock()
            && *used != self.loaded
            && let Ok(json) = serde_json::to_vec(&*used)
        {
            let _ = std::fs::create_dir_all(&self.dir)
                .and_then(|()| write_atomic(&self.dir.join("entries.json"), &json));
        }
        if !self.sources_changed.load(Ordering::Relaxed) {
            return;
        }
        if let Ok(sources) = self.sources.lock()
            && let Ok(json) = serde_json::to_vec_pretty(&*sources)
        {
            let _ = std::fs::create_dir_all(&self.dir)
                .and_then(|()| write_atomic(&self.dir.join("sources.json"), &json));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_from_several_threads_at_once_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.480.png");
        std::thread::scope(|s| {
            let writers: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        (0..50)
                            .map(|_| write_atomic(&path, b"same"))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for w in writers {
                for r in w.join().unwrap() {
                    r.unwrap();
                }
            }
        });
        assert_eq!(std::fs::read(&path).unwrap(), b"same");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
    }
}
