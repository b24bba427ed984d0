//! The files the preview serves: where their bytes are kept.
//!
//! Owns: the spool (one anonymous temporary file that rendered files are
//! appended to), [`Stored`] (one file's place, length and ETag), the sink
//! a rebuild renders into ([`Intake`]), and compacting the spool.
//! Imports: `pipeline` (the sink trait), `error`, `hash`, `render` (the
//! `Files` type).
//!
//! Invariants: bytes once stored never change, so a snapshot holding a
//! [`Stored`] reads what it was built with however many rebuilds follow
//! (a rebuild appends, it never writes over). The spool has no name on
//! disk (on Unix it is unlinked at creation; on Windows it is deleted when
//! closed), so nothing is left behind however the process ends, and it
//! lives exactly as long as the last snapshot that uses it. The rendered
//! site (hundreds of megabytes at 12,000 pages) thus sits in the
//! operating system's page cache, which can drop it, not in the server's
//! own memory.

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::{Diagnostic, Severity};
use crate::hash::FxMap;
use crate::render::Files;

/// An append-only anonymous file.
#[derive(Debug)]
pub struct Spool {
    file: File,
    /// Bytes written (or reserved by a write under way).
    end: AtomicU64,
}

#[cfg(unix)]
fn write_at(f: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(f, bytes, at)
}

#[cfg(unix)]
fn read_at(f: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, at)
}

#[cfg(windows)]
fn write_at(f: &File, mut bytes: &[u8], mut at: u64) -> io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(f, bytes, at)?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        at += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(f: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(f, buf, at)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        at += n as u64;
    }
    Ok(())
}

impl Spool {
    /// A new spool in the system's temporary folder.
    pub fn new() -> io::Result<Arc<Spool>> {
        Ok(Arc::new(Spool {
            file: tempfile::tempfile()?,
            end: AtomicU64::new(0),
        }))
    }

    /// Bytes written so far, live or not.
    pub fn size(&self) -> u64 {
        self.end.load(Ordering::Relaxed)
    }
}

#[derive(Debug, Clone)]
enum Place {
    /// In memory (when no spool could be made).
    Memory(Arc<[u8]>),
    /// In a spool, from this offset.
    Spool(Arc<Spool>, u64),
}

/// One served file: where its bytes are, their length and hash.
#[derive(Debug, Clone)]
pub struct Stored {
    place: Place,
    len: u64,
    hash: u64,
}

impl Stored {
    /// Keeps `bytes` in memory.
    pub fn memory(bytes: &[u8]) -> Stored {
        Stored {
            place: Place::Memory(bytes.into()),
            len: bytes.len() as u64,
            hash: crate::hash::fnv64(bytes),
        }
    }

    /// Appends `bytes` to `spool` (in memory without one).
    pub fn keep(spool: Option<&Arc<Spool>>, bytes: &[u8]) -> io::Result<Stored> {
        let Some(spool) = spool else {
            return Ok(Stored::memory(bytes));
        };
        let len = bytes.len() as u64;
        let at = spool.end.fetch_add(len, Ordering::Relaxed);
        write_at(&spool.file, bytes, at)?;
        Ok(Stored {
            place: Place::Spool(Arc::clone(spool), at),
            len,
            hash: crate::hash::fnv64(bytes),
        })
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A strong ETag: the 64-bit FNV-1a of the bytes and their length.
    pub fn etag(&self) -> String {
        etag(self.hash, self.len)
    }

    /// `len` bytes from `start` (the caller keeps within the file).
    pub fn read(&self, start: u64, len: u64) -> io::Result<Vec<u8>> {
        let end = start.saturating_add(len).min(self.len);
        let start = start.min(end);
        match &self.place {
            Place::Memory(b) => Ok(b[start as usize..end as usize].to_vec()),
            Place::Spool(s, at) => {
                let mut buf = vec![0; (end - start) as usize];
                read_at(&s.file, &mut buf, at + start)?;
                Ok(buf)
            }
        }
    }

    /// All the bytes.
    pub fn bytes(&self) -> io::Result<Vec<u8>> {
        self.read(0, self.len)
    }

    /// True when these are exactly `bytes`.
    pub fn holds(&self, bytes: &[u8]) -> bool {
        self.len == bytes.len() as u64
            && self.hash == crate::hash::fnv64(bytes)
            && self.bytes().is_ok_and(|b| b == bytes)
    }

    /// The spool this file lives in, if any.
    fn spool(&self) -> Option<&Arc<Spool>> {
        match &self.place {
            Place::Spool(s, _) => Some(s),
            Place::Memory(_) => None,
        }
    }
}

/// The ETag of bytes of FNV-1a hash `hash` and length `len`.
pub fn etag(hash: u64, len: u64) -> String {
    format!("\"{hash:016x}-{len:x}\"")
}

/// The served files by output path.
pub type Served = FxMap<Arc<str>, Stored>;

/// Copies every file of `files` into memory, for tests and tools.
pub fn read_all(files: &Served) -> Files {
    files
        .iter()
        .filter_map(|(k, v)| Some((k.to_string(), v.bytes().ok()?)))
        .collect()
}

/// One file a rebuild made.
#[derive(Debug)]
pub struct Made {
    pub path: String,
    pub stored: Stored,
    /// False when the bytes equal the file served under that path now.
    pub changed: bool,
}

/// The sink a preview build renders into: each file goes to the spool,
/// unless the same bytes are served under its path already.
pub struct Intake<'a> {
    spool: Option<&'a Arc<Spool>>,
    old: &'a Served,
    made: Mutex<Vec<Made>>,
}

impl<'a> Intake<'a> {
    pub fn new(spool: Option<&'a Arc<Spool>>, old: &'a Served) -> Intake<'a> {
        Intake {
            spool,
            old,
            made: Mutex::new(Vec::new()),
        }
    }

    pub fn into_made(self) -> Vec<Made> {
        self.made.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl crate::pipeline::Sink for Intake<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        let made = match self.old.get(path.as_str()) {
            Some(old) if old.holds(&bytes) => Made {
                path,
                stored: old.clone(),
                changed: false,
            },
            _ => {
                let stored = Stored::keep(self.spool, &bytes).map_err(|e| {
                    Diagnostic::global(
                        Severity::Error,
                        format!("cannot keep `{path}` for the preview in a temporary file: {e}"),
                    )
                })?;
                Made {
                    path,
                    stored,
                    changed: true,
                }
            }
        };
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(made);
        Ok(())
    }
}

/// The files of `files` moved into a fresh spool when more than half of
/// what the spool holds is no longer served (and it is worth the copy);
/// `None` when the spool is still mostly live.
pub fn compacted(files: &Served, spool: &Arc<Spool>) -> Option<(Served, Arc<Spool>)> {
    let live: u64 = files
        .values()
        .filter(|s| s.spool().is_some_and(|x| Arc::ptr_eq(x, spool)))
        .map(Stored::len)
        .sum();
    let dead = spool.size().saturating_sub(live);
    if dead <= live.max(64 << 20) {
        return None;
    }
    let fresh = Spool::new().ok()?;
    let mut out = Served::default();
    for (k, v) in files {
        let moved = match v.spool() {
            Some(_) => Stored::keep(Some(&fresh), &v.bytes().ok()?).ok()?,
            None => v.clone(),
        };
        out.insert(Arc::clone(k), moved);
    }
    Some((out, fresh))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Sink;

    #[test]
    fn stored_bytes_outlive_later_writes() {
        let spool = Spool::new().unwrap();
        let a = Stored::keep(Some(&spool), b"first").unwrap();
        let b = Stored::keep(Some(&spool), b"second file").unwrap();
        assert_eq!(a.bytes().unwrap(), b"first");
        assert_eq!(b.read(1, 3).unwrap(), b"eco");
        assert_eq!(b.read(7, 99).unwrap(), b"file");
        assert_eq!(spool.size(), 16);
        assert!(a.holds(b"first") && !a.holds(b"firsT"));
        assert_eq!(a.etag(), Stored::memory(b"first").etag());
    }

    #[test]
    fn intake_keeps_unchanged_files_where_they_are() {
        let spool = Spool::new().unwrap();
        let mut old = Served::default();
        old.insert(
            "a.html".into(),
            Stored::keep(Some(&spool), b"same").unwrap(),
        );
        let sink = Intake::new(Some(&spool), &old);
        sink.put("a.html".into(), b"same".to_vec()).unwrap();
        sink.put("b.html".into(), b"new".to_vec()).unwrap();
        let made = sink.into_made();
        assert_eq!(made.len(), 2);
        let a = made.iter().find(|m| m.path == "a.html").unwrap();
        assert!(!a.changed);
        assert!(made.iter().any(|m| m.path == "b.html" && m.changed));
        assert_eq!(spool.size(), 7, "the unchanged file was not written again");
    }

    #[test]
    fn a_mostly_dead_spool_is_compacted() {
        let spool = Spool::new().unwrap();
        let mut files = Served::default();
        let big = vec![b'x'; 40 << 20];
        for i in 0..4 {
            files.insert("big".into(), Stored::keep(Some(&spool), &big).unwrap());
            files.insert(
                format!("f{i}").into(),
                Stored::keep(Some(&spool), b"kept").unwrap(),
            );
        }
        assert!(spool.size() > 160 << 20);
        let (moved, fresh) = compacted(&files, &spool).unwrap();
        assert_eq!(fresh.size(), (40 << 20) + 16);
        assert_eq!(read_all(&moved), read_all(&files));
        assert!(compacted(&moved, &fresh).is_none());
    }
}
