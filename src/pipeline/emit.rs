//! The last stage: the render plan's jobs made into a sink.
//!
//! Owns: the sinks a build writes into (memory, a streaming writer, the
//! checks' scanner around either), the rule that a later job for a path
//! replaces an earlier one, the output-path safety rule, and skipping a job
//! whose key equals the last successful build's.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::error::{Diagnostic, Severity};
use crate::hash::FxMap;
use crate::render::{Files, Job};

/// Where the files of a build go, from any thread.
pub trait Sink: Sync {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), Diagnostic>;
}

/// Keeps the files in memory.
#[derive(Default)]
pub struct Collect(Mutex<Files>);

impl Collect {
    pub fn into_files(self) -> Files {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Collect {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        match self.0.lock() {
            Ok(mut f) => f.insert(path, bytes),
            Err(e) => e.into_inner().insert(path, bytes),
        };
        Ok(())
    }
}

/// Writes one file (output path, bytes), from any thread.
pub type WriteOne<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// Hands each file to a writer as soon as it is made (`anxuan build`
/// writes into a staging folder, so a large site is never held whole).
pub struct Stream<'a>(pub &'a WriteOne<'a>);

impl Sink for Stream<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        (self.0)(&path, &bytes)
    }
}

/// Scans each page for the output checks on its way into another sink.
pub struct Scanning<'a> {
    pub inner: &'a dyn Sink,
    pub marks: Vec<(String, String)>,
    pub scanned: Mutex<crate::check::Scanned>,
}

impl Sink for Scanning<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        let scan =
            crate::check::is_page(&path).then(|| crate::check::crawl::scan(&bytes, &self.marks));
        self.inner.put(path.clone(), bytes)?;
        let mut s = self.scanned.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(scan) = scan {
            s.add(path.clone(), scan);
        }
        s.paths.push(path);
        Ok(())
    }
}

/// What the render stage did.
pub(super) struct Emitted {
    /// Every output path of the plan and its key.
    pub outputs: FxMap<String, Option<u64>>,
    /// Files made (the others are unchanged since the last build).
    pub made: usize,
    pub diags: Vec<Diagnostic>,
}

/// Makes every job of `jobs` whose key differs from its key in `last` (the
/// last successful build's; a job without a key is always made) and hands
/// the file to `sink`. Of several jobs for one path only the last counts.
pub(super) fn emit(
    jobs: Vec<Job<'_>>,
    last: &FxMap<String, Option<u64>>,
    sink: &dyn Sink,
) -> Emitted {
    let mut at: FxMap<&str, usize> = FxMap::default();
    for (i, j) in jobs.iter().enumerate() {
        at.insert(j.path.as_str(), i);
    }
    let counts: Vec<bool> = jobs
        .iter()
        .enumerate()
        .map(|(i, j)| at.get(j.path.as_str()) == Some(&i))
        .collect();
    drop(at);
    let made = AtomicUsize::new(0);
    let diags = jobs
        .par_iter()
        .zip(&counts)
        .filter(|(_, counts)| **counts)
        .filter_map(|(job, _)| {
            if !is_safe_output_path(&job.path) {
                return Some(outside_output(&job.path));
            }
            if job.key.is_some() && last.get(&job.path) == Some(&job.key) {
                return None;
            }
            made.fetch_add(1, Ordering::Relaxed);
            match job.make() {
                Ok(bytes) => sink.put(job.path.clone(), bytes).err(),
                Err(d) => Some(d),
            }
        })
        .collect();
    // The paths move into the map (no copies of 20,000 strings).
    let outputs = jobs
        .into_iter()
        .zip(counts)
        .filter(|(_, counts)| *counts)
        .map(|(j, _)| (j.path, j.key))
        .collect();
    Emitted {
        outputs,
        made: made.into_inner(),
        diags,
    }
}

/// The error for a file that would be written outside the output folder.
fn outside_output(path: &str) -> Diagnostic {
    Diagnostic::global(
        Severity::Error,
        format!("refusing to write outside the output folder: `{path}`"),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_output_paths() {
        assert!(is_safe_output_path("articles/x/index.html"));
        assert!(!is_safe_output_path("../x"));
        assert!(!is_safe_output_path("/etc/passwd"));
        assert!(!is_safe_output_path("a//b"));
    }

    #[test]
    fn the_last_job_of_a_path_wins_and_unchanged_keys_are_skipped() {
        let jobs = vec![
            Job::new("a.html".into(), Some(1), || Ok(b"first".to_vec())),
            Job::new("a.html".into(), Some(2), || Ok(b"second".to_vec())),
            Job::new("b.html".into(), Some(3), || Ok(b"b".to_vec())),
            Job::new("c.txt".into(), None, || Ok(b"c".to_vec())),
        ];
        let mut last = FxMap::default();
        last.insert("b.html".to_owned(), Some(3));
        last.insert("c.txt".to_owned(), None);
        let sink = Collect::default();
        let e = emit(jobs, &last, &sink);
        assert!(e.diags.is_empty());
        assert_eq!(e.made, 2);
        let files = sink.into_files();
        assert_eq!(files.len(), 2);
        assert_eq!(files["a.html"], b"second");
        assert_eq!(files["c.txt"], b"c", "a file without a key is always made");
        assert_eq!(e.outputs.len(), 3);
    }
}
