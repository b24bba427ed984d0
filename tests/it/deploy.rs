//! Deploy anywhere: content-hashed asset names, a build under a sub-path
//! served by a static server, and a `--relative` build served from an
//! arbitrary folder and read from disk as `file://` would.

use std::collections::BTreeMap;
use std::path::Path;

use crate::static_server::{self, crawl};
use crate::support::*;
use anxuan::pipeline::BuildOptions;

/// Builds the example site into a temp folder with the binary.
fn build_example(args: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let repo = repo_root();
    let mut all = vec![
        "build",
        "--root",
        repo.to_str().unwrap(),
        "--now",
        NOW,
        "--out",
        public.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let o = anxuan(out.path(), &all);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("warning"),
        "the example site must build without warnings:\n{}",
        stderr(&o)
    );
    out
}

#[test]
fn assets_get_content_hashed_names_and_every_reference_follows() {
    let b = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    assert!(!b.files.contains_key("css/site.css"), "old name emitted");
    assert!(!b.files.contains_key("js/search.js"), "old name emitted");
    let css: Vec<&String> = b
        .files
        .keys()
        .filter(|k| k.starts_with("css/site.") && k.ends_with(".css"))
        .collect();
    assert_eq!(css.len(), 1, "{css:?}");
    let hash = css[0]
        .trim_start_matches("css/site.")
        .trim_end_matches(".css");
    assert_eq!(hash.len(), 8);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    for (path, bytes) in &b.files {
        // The 公众号 exports have no stylesheet (tests/it/wechat.rs).
        if path.ends_with(".html") && !anxuan::render::wechat::is_export(path) {
            let page = String::from_utf8_lossy(bytes);
            assert!(page.contains(&format!("href=\"/{}\"", css[0])), "{path}");
            assert!(!page.contains("?v="), "{path} still uses a query string");
        }
    }
    let search = html(&b, "search/index.html");
    for js in ["search-core", "search"] {
        let name = b
            .files
            .keys()
            .find(|k| {
                k.starts_with(&format!("js/{js}."))
                    && k.len() == format!("js/{js}.12345678.js").len()
            })
            .unwrap();
        assert!(search.contains(&format!("src=\"/{name}\"")), "{name}");
    }
}

#[test]
fn a_theme_image_referenced_by_a_stylesheet_is_renamed_in_both() {
    let site = TestSite::new();
    site.write_bytes("themes/default/static/images/logo.png", b"\x89PNG fake")
        .write(
            "themes/default/static/css/extra.css",
            ".brand{background:url(../images/logo.png)}",
        )
        .write(
            "themes/default/templates/page.html",
            "{% extends \"base.html\" %}{% block head %}<link rel=\"stylesheet\" href=\"{{ site.base_path }}css/extra.css\">{% endblock head %}{% block main %}<h1>{{ page.title }}</h1><img src=\"{{ site.base_path }}images/logo.png\" alt=\"标志\">{% endblock main %}",
        )
        .write("content/pages/about.md", "---\ntitle: 关于\n---\n\n正文\n");
    let b = site.build().unwrap();
    let logo = b
        .files
        .keys()
        .find(|k| k.starts_with("images/logo.") && k.ends_with(".png"))
        .unwrap()
        .clone();
    let extra = b
        .files
        .keys()
        .find(|k| k.starts_with("css/extra.") && k.ends_with(".css"))
        .unwrap()
        .clone();
    let css = String::from_utf8(b.files[&extra].clone()).unwrap();
    let logo_file = logo.rsplit('/').next().unwrap();
    assert!(
        css.contains(&format!("url(../images/{logo_file})")),
        "{css}"
    );
    let page = html(&b, "about/index.html");
    assert!(page.contains(&format!("href=\"/{extra}\"")), "{page}");
    assert!(page.contains(&format!("src=\"/{logo}\"")), "{page}");
    assert!(!b.files.contains_key("images/logo.png"));
    assert!(
        b.check
            .findings
            .iter()
            .all(|f| f.rule != "broken-link" && f.rule != "broken-image"),
        "{:#?}",
        b.check.findings
    );
}

#[test]
fn subpath_build_served_under_the_subpath_has_no_broken_links() {
    let out = build_example(&["--base-url", "https://example.gov.cn/anquan/"]);
    let server = static_server::serve(out.path().join("public"), "/anquan/", BTreeMap::new());
    let site = format!("{}/anquan/", server.origin);
    let public = "https://example.gov.cn/anquan/".to_owned();
    // Start from the home page, every HTML file (so unlinked pages count
    // too), the feeds, calendars and the sitemap.
    let mut start = vec![site.clone()];
    let root = out.path().join("public");
    for f in files_under(&root) {
        start.push(format!("{site}{f}"));
    }
    let r = crawl(&start, &site, &[(public.clone(), site.clone())]);
    assert!(
        r.broken.is_empty(),
        "broken under /anquan/: {:#?}",
        r.broken
    );
    let html_files = files_under(&root)
        .iter()
        .filter(|f| f.ends_with(".html"))
        .count();
    assert!(
        html_files > 60 && r.pages >= html_files,
        "only {} pages crawled",
        r.pages
    );
    // Links written into feeds, calendars and the sitemap point under the
    // sub-path too and resolve.
    let mut machine_links = Vec::new();
    for f in ["atom.xml", "rss.xml", "sitemap.xml", "drills/calendar.ics"] {
        let text = std::fs::read_to_string(root.join(f)).unwrap();
        let unfolded = text.replace("\r\n ", "");
        for part in unfolded.split(|c: char| c == '<' || c == '>' || c == '"' || c.is_whitespace())
        {
            if let Some(i) = part.find(&public) {
                let u = part[i..].trim_end_matches(['\\', ',', ';']);
                machine_links.push(u.replace(&public, &site));
            }
        }
    }
    assert!(machine_links.len() > 50, "{}", machine_links.len());
    let r2 = crawl(&machine_links, &site, &[]);
    assert!(r2.broken.is_empty(), "{:#?}", r2.broken);
    let robots = std::fs::read_to_string(root.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://example.gov.cn/anquan/sitemap.xml"));
}

fn files_under(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = snapshot_dir(root)
        .into_keys()
        .filter(|k| !k.starts_with('.'))
        .collect();
    out.sort();
    out
}

#[test]
fn relative_build_works_from_any_folder_and_from_disk() {
    let out = build_example(&["--relative", "--base-url", "https://example.gov.cn/anquan/"]);
    let root = out.path().join("public");
    // Served from an unrelated folder of another host.
    let server = static_server::serve(root.clone(), "/some/folder/", BTreeMap::new());
    let site = format!("{}/some/folder/", server.origin);
    let start: Vec<String> = std::iter::once(site.clone())
        .chain(files_under(&root).iter().map(|f| format!("{site}{f}")))
        .collect();
    let r = crawl(&start, &site, &[]);
    assert!(
        r.broken.is_empty(),
        "broken from /some/folder/: {:#?}",
        r.broken
    );
    let html_files = files_under(&root)
        .iter()
        .filter(|f| f.ends_with(".html"))
        .count();
    assert!(
        html_files > 60 && r.pages >= html_files,
        "only {} pages crawled",
        r.pages
    );
    // As file:// would: every relative link of every page names a file
    // (not a folder) that exists on disk, and no link is root-relative.
    let sel = scraper::Selector::parse("[href], [src], form[action]").unwrap();
    let mut checked = 0;
    for f in files_under(&root).iter().filter(|f| f.ends_with(".html")) {
        let text = std::fs::read_to_string(root.join(f)).unwrap();
        let doc = scraper::Html::parse_document(&text);
        for el in doc.select(&sel) {
            for a in ["href", "src", "action"] {
                let Some(v) = el.value().attr(a) else {
                    continue;
                };
                if v.starts_with('#') || v.contains(':') {
                    continue; // fragments, https:, tel:, webcal: (absolute by design)
                }
                assert!(!v.starts_with('/'), "root-relative `{v}` in {f}");
                let base = format!("file:///x/{f}");
                let abs = static_server::resolve(&base, v);
                let path = abs
                    .trim_start_matches("file:///x/")
                    .split(['#', '?'])
                    .next()
                    .unwrap()
                    .to_owned();
                let decoded = anxuan::render::urls::percent_decode(&path);
                assert!(
                    root.join(&decoded).is_file(),
                    "`{v}` in {f} is not a file on disk ({decoded})"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 2000, "only {checked} links checked");
}

#[test]
fn relative_urls_in_site_yaml_equals_the_flag() {
    let site = TestSite::new();
    site.write("content/articles/a.md", &article("", "正文"));
    let flag = site
        .build_with(&BuildOptions {
            relative: true,
            ..opts()
        })
        .unwrap();
    site.write("site.yaml", &format!("{SITE_YAML}relative_urls: true\n"));
    let key = site.build().unwrap();
    assert_eq!(flag.files, key.files);
    let page = html(&key, "articles/a/index.html");
    assert!(page.contains("href=\"../../index.html\""), "{page}");
    // The canonical link stays absolute.
    assert!(
        page.contains("<link rel=\"canonical\" href=\"https://aq.example.gov.cn/articles/a/\">")
    );
}
