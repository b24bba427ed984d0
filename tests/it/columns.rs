//! Columns (栏目) defined by the site (issue 20). A site without `columns`
//! builds exactly as it did before columns existed: the golden listings
//! below (path and FNV-64 of every output file) were taken from the build
//! before the column model was introduced, and must not move unless an
//! intended change of the output says why (update with
//! `INSTA_UPDATE=always cargo test` and review the diff).

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::*;

/// Path and FNV-64 of every file under `dir`, one per line, sorted.
fn listing(dir: &Path) -> String {
    let mut files = BTreeMap::new();
    for e in walkdir(dir) {
        let rel = e
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with(".anxuan") {
            continue;
        }
        files.insert(rel, anxuan::hash::fnv64(&std::fs::read(&e).unwrap()));
    }
    files
        .into_iter()
        .map(|(path, h)| format!("{h:016x} {path}\n"))
        .collect()
}

/// Every file below `dir`.
fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn build_to(root: &Path, out: &Path) {
    let o = anxuan(
        root,
        &["build", "--now", NOW, "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn site_without_columns_builds_byte_identically_minimal_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_to(&fixture("minimal"), &out);
    insta::assert_snapshot!("no_columns_minimal", listing(&out));
}

#[test]
fn site_without_columns_builds_byte_identically_generated_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    crate::search::generated_site(&site, 40, 8, 8, 20240601);
    let out = dir.path().join("public");
    build_to(&site, &out);
    insta::assert_snapshot!("no_columns_corpus", listing(&out));
}
