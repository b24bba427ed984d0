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
    engine_check(&public, Some(&site.join("queries.json")));
}

#[test]
fn engine_agrees_with_brute_force_on_the_example_site() {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    build_to(&repo_root(), &public);
    engine_check(&public, None);
}

#[test]
fn index_has_manifest_shards_and_no_markup() {
    let b = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&b.files["search/manifest.json"]).unwrap();
    assert_eq!(manifest["version"], 3);
    assert_eq!(manifest["docs"].as_u64().unwrap() as usize, 35);
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
    // Body text in packs of `docsPerPack` documents; long postings in one
    // pack per bucket: far fewer files than documents.
    let per_pack = manifest["docsPerPack"].as_u64().unwrap() as usize;
    let packs = b
        .files
        .keys()
        .filter(|k| k.starts_with("search/d/"))
        .count();
    assert_eq!(packs, 35usize.div_ceil(per_pack));
    let slots = manifest["slots"].as_array().unwrap();
    assert_eq!(slots.len(), packs);
    for (p, slot) in slots.iter().enumerate() {
        // Display data: JSON padded with spaces, `<` escaped like all JSON.
        let slot = slot.as_u64().unwrap() as usize;
        let count = per_pack.min(35 - p * per_pack);
        let bytes = &b.files[&format!("search/d/{p}.txt")];
        for i in 0..count {
            let rec = std::str::from_utf8(&bytes[i * slot..(i + 1) * slot]).unwrap();
            let doc: serde_json::Value = serde_json::from_str(rec).unwrap();
            assert!(doc["t"].is_string() && !rec.contains('<'), "{rec}");
        }
    }
    let per_t = manifest["bucketsPerPack"].as_u64().unwrap() as usize;
    for k in b.files.keys().filter(|k| k.starts_with("search/t/")) {
        let n: usize = k["search/t/".len()..]
            .trim_end_matches(".bin")
            .parse()
            .unwrap();
        assert!(n < buckets.div_ceil(per_t), "{k}");
    }
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
    let missing: &[&str] = if browser.is_some() {
        &[]
    } else {
        &["chromium"]
    };
    if !can_run(
        "search_page_finds_results_in_headless_chromium",
        missing,
        "apt-get install chromium",
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
/// highlighted, announced) and one without.
fn search_page_in_chromium(chromium: &str, origin: &str) {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("{origin}/search/?q=%E5%8D%81%E4%BA%8C%E4%B8%89%E4%BA%94%E9%9B%B6&kind=page");
    let url_main = format!("{origin}/search/?q=%E7%87%83%E6%B0%94%E8%BD%AF%E7%AE%A1");
    for (url, expect) in [(url_main.as_str(), "燃气软管"), (url.as_str(), "没有找到")] {
        let o = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
            ])
            .args([
                "--disable-component-update",
                "--disable-sync",
                "--virtual-time-budget=15000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(["--dump-dom", url])
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&o.stdout);
        assert!(
            dom.contains("id=\"search-results\""),
            "no search page in DOM: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            dom.contains(expect),
            "expected {expect:?} in the rendered page:\n{dom}"
        );
        if expect == "燃气软管" {
            let results = dom.matches("class=\"result result-").count();
            assert!(
                results >= 2,
                "expected several results, got {results}:\n{dom}"
            );
            assert!(
                dom.contains("<mark>燃气软管</mark>"),
                "matches are highlighted"
            );
            assert!(dom.contains("找到"), "the live region announces the count");
        }
    }
}
