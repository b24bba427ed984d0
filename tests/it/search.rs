//! Search: the index built from a site and queried by the browser engine
//! under node (ground truth of the corpus generator, a differential test
//! against brute force, filters), and one end-to-end run in headless
//! Chromium against a served build.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

fn require(tool: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("`{tool}` is required by the search tests (CI installs it; see .ci/run)")
    })
}

fn build_to(root: &Path, out: &Path) {
    let o = anxuan(
        root,
        &["build", "--now", NOW, "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Runs tests/js/engine-check.js on `public`, as served by a host that
/// honours Range requests and by one that ignores them.
fn engine_check(public: &Path, queries: Option<&Path>) {
    let node = require("node");
    for no_range in ["0", "1"] {
        let mut cmd = Command::new(&node);
        cmd.arg(repo_root().join("tests/js/engine-check.js"))
            .arg(public)
            .env("SEARCH_NO_RANGE", no_range);
        if let Some(q) = queries {
            cmd.arg(q);
        }
        let o = cmd.output().unwrap();
        assert!(
            o.status.success(),
            "engine-check failed (SEARCH_NO_RANGE={no_range}):\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        eprintln!("{}", String::from_utf8_lossy(&o.stdout));
    }
}

/// Writes a corpus from the generator (benches/gen_corpus.py) as a site.
pub fn generated_site(dir: &Path, articles: u32, drills: u32, cases: u32, seed: u32) {
    let python = require("python3");
    let o = Command::new(python)
        .arg(repo_root().join("benches/gen_corpus.py"))
        .args(["--out", dir.to_str().unwrap(), "--flavor", "anxuan"])
        .args([
            "--articles",
            &articles.to_string(),
            "--drills",
            &drills.to_string(),
            "--cases",
            &cases.to_string(),
        ])
        .args(["--seed", &seed.to_string()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(dir.join("site.yaml"), "title: 语料站\nbase_url: /\n").unwrap();
}

#[test]
fn engine_returns_exactly_the_generator_ground_truth() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    generated_site(&site, 240, 30, 30, 20240601);
    let public = dir.path().join("public");
    build_to(&site, &public);
    let long = check_layout(&|path| std::fs::read(public.join(path)).unwrap());
    assert!(long > 0, "a 300-page site has long postings lists");
    engine_check(&public, Some(&site.join("queries.json")));
}

#[test]
fn engine_agrees_with_brute_force_on_the_example_site() {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    build_to(&repo_root(), &public);
    engine_check(&public, None);
}

/// Checks the layout of an index (docs/search-format.md) read through
/// `read` (a path under the output root); returns how many long postings
/// lists it has.
fn check_layout(read: &dyn Fn(&str) -> Vec<u8>) -> usize {
    let manifest: serde_json::Value =
        serde_json::from_slice(&read("search/manifest.json")).unwrap();
    let buckets = manifest["buckets"].as_u64().unwrap() as usize;
    // Each bucket: its directory within the size the manifest gives it,
    // then the long postings lists it points to, shortest first, which end
    // the file.
    let heads = sizes(manifest["heads"].as_str().unwrap(), &manifest["headUnit"]);
    assert_eq!(heads.len(), buckets);
    let mut long_lists = 0;
    for (b, &head) in heads.iter().enumerate() {
        let bytes = &read(&format!("search/b/{b}.bin"))[..];
        let mut r = Varints(bytes, 0);
        let mut lists = Vec::new();
        for _ in 0..r.next() {
            let len = r.next();
            r.1 += len;
            let _df = r.next();
            if r.next() == 0 {
                let size = r.next();
                r.1 += size;
            } else {
                lists.push((r.next(), r.next()));
            }
        }
        let dir = r.1;
        assert!(dir <= head, "bucket {b}: directory {dir} > its head {head}");
        lists.sort();
        let mut at = dir;
        let mut last = 0;
        for (off, size) in lists {
            assert_eq!(dir + off, at, "bucket {b}: lists one after the other");
            assert!(size >= last, "bucket {b}: shortest first");
            (at, last) = (at + size, size);
            long_lists += 1;
        }
        assert_eq!(at, bytes.len(), "bucket {b}: nothing after its lists");
    }
    // Body text in packs of `docsPerPack` documents: display data in slots, then every document's chunk 1,
    // then every chunk 2, ..., as UTF-16LE.
    let per_pack = manifest["docsPerPack"].as_u64().unwrap() as usize;
    let slots = sizes(manifest["slots"].as_str().unwrap(), &manifest["slotUnit"]);
    let docs = manifest["docs"].as_u64().unwrap() as usize;
    assert_eq!(slots.len(), docs.div_ceil(per_pack));
    for (p, &slot) in slots.iter().enumerate() {
        // Display data: JSON padded with spaces, `<` escaped like all JSON.
        let count = per_pack.min(docs - p * per_pack);
        let bytes = &read(&format!("search/d/{p}.bin"));
        let text = &bytes[count * slot..];
        let mut chunks = Vec::new();
        for i in 0..count {
            let rec = std::str::from_utf8(&bytes[i * slot..(i + 1) * slot]).unwrap();
            let doc: serde_json::Value = serde_json::from_str(rec).unwrap();
            assert!(doc["t"].is_string() && !rec.contains('<'), "{rec}");
            let n = doc["n"].as_u64().unwrap() as usize;
            let (o, l) = (doc["o"].as_array().unwrap(), doc["l"].as_array().unwrap());
            assert_eq!((o.len(), l.len()), (n, n), "{rec}");
            for k in 0..n {
                let (o, l) = (
                    o[k].as_u64().unwrap() as usize,
                    l[k].as_u64().unwrap() as usize,
                );
                let units: Vec<u16> = text[o..o + l]
                    .chunks(2)
                    .map(|u| u16::from_le_bytes([u[0], u[1]]))
                    .collect();
                let chunk = String::from_utf16(&units).unwrap();
                assert!(!chunk.is_empty(), "pack {p} doc {i} chunk {k}");
                chunks.push((k, i, o, l));
            }
        }
        // Chunk-major and gapless: sorted by (chunk, document) the chunks
        // tile the text region.
        chunks.sort();
        let mut at = 0;
        for (_, _, o, l) in chunks {
            assert_eq!(o, at, "pack {p}");
            at += l;
        }
        assert_eq!(at, text.len(), "pack {p}");
    }
    long_lists
}

/// A manifest size string decoded (docs/search-format.md): sizes in bytes.
fn sizes(s: &str, unit: &serde_json::Value) -> Vec<usize> {
    const DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let unit = unit.as_u64().unwrap() as usize;
    let mut out = Vec::new();
    let mut v = 0;
    for c in s.chars() {
        let x = DIGITS.find(c).unwrap();
        v = v * 32 + x % 32;
        if x < 32 {
            out.push(v * unit);
            v = 0;
        }
    }
    out
}

/// LEB128 varints from a byte slice, at a position.
struct Varints<'a>(&'a [u8], usize);

impl Varints<'_> {
    fn next(&mut self) -> usize {
        let (mut v, mut shift) = (0usize, 0);
        loop {
            let byte = self.0[self.1];
            self.1 += 1;
            v |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return v;
            }
            shift += 7;
        }
    }
}

#[test]
fn index_has_manifest_shards_and_no_markup() {
    let b = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&b.files["search/manifest.json"]).unwrap();
    assert_eq!(manifest["version"], 4);
    assert_eq!(manifest["docs"].as_u64().unwrap() as usize, 48);
    let buckets = manifest["buckets"].as_u64().unwrap() as usize;
    assert!(buckets.is_power_of_two());
    assert!(b.files.keys().any(|k| k.starts_with("search/b/")));
    assert!(b.files.keys().all(|k| {
        !k.starts_with("search/b/")
            || k.trim_start_matches("search/b/")
                .trim_end_matches(".bin")
                .parse::<usize>()
                .unwrap()
                < buckets
    }));
    check_layout(&|path| b.files[path].clone());
    let packs = b
        .files
        .keys()
        .filter(|k| k.starts_with("search/d/"))
        .count();
    let per_pack = manifest["docsPerPack"].as_u64().unwrap() as usize;
    assert_eq!(
        packs,
        48usize.div_ceil(per_pack),
        "far fewer files than documents"
    );
    for (k, v) in &b.files {
        if k.starts_with("search/") && k.ends_with(".json") {
            assert!(!v.contains(&b'<'), "{k} must escape <");
        }
    }
    let page = html(&b, "search/index.html");
    assert!(page.contains("/js/search-core.") && page.contains("<noscript>"));
    assert!(
        html(&b, "index.html").contains("role=\"search\""),
        "every page has a search box"
    );
}

#[test]
fn search_page_finds_results_in_headless_chromium() {
    let browser = chromium();
    let has_driver = repo_root().join("node_modules/playwright-core").is_dir();
    let missing = browser_missing(browser.is_some(), has_driver);
    if !can_run(
        "search_page_finds_results_in_headless_chromium",
        &missing,
        "apt-get install chromium nodejs; npm ci (playwright-core)",
    ) {
        return;
    }
    let Some(chromium) = browser else { return };
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    build_to(&repo_root(), &public);
    // A host that answers Range requests and one that ignores them.
    for ranges in [true, false] {
        let server =
            crate::static_server::serve_with(public.clone(), "/", Default::default(), ranges);
        search_page_in_chromium(&chromium, &server.origin);
    }
}

/// Two searches on the search page at `origin`: one with results (several,
/// highlighted, announced) and one without. Playwright waits for the
/// search's answer (tests/browser/search_page.mjs).
fn search_page_in_chromium(chromium: &str, origin: &str) {
    let profile = tempfile::tempdir().unwrap();
    let none =
        format!("{origin}/search/?q=%E5%8D%81%E4%BA%8C%E4%B8%89%E4%BA%94%E9%9B%B6&kind=page");
    let found = format!("{origin}/search/?q=%E7%87%83%E6%B0%94%E8%BD%AF%E7%AE%A1");
    let o = Command::new("node")
        .arg(repo_root().join("tests/browser/search_page.mjs"))
        .arg(chromium)
        .arg(profile.path())
        .args([&found, &none])
        .current_dir(repo_root())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let pages: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(pages.len(), 2);
    let (status, results) = (
        pages[0]["status"].as_str().unwrap(),
        pages[0]["results"].as_str().unwrap(),
    );
    let n = results.matches("class=\"result result-").count();
    assert!(n >= 2, "expected several results, got {n}:\n{results}");
    assert!(
        results.contains("<mark>燃气软管</mark>"),
        "matches are highlighted: {results}"
    );
    assert!(
        status.contains("找到"),
        "the live region announces the count: {status}"
    );
    let status = pages[1]["status"].as_str().unwrap();
    let results = pages[1]["results"].as_str().unwrap();
    assert!(
        status.contains("没有找到") || results.contains("没有找到"),
        "{status}\n{results}"
    );
}
