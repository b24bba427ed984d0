//! `/sitemap.xml` and `/robots.txt`.

use std::collections::BTreeSet;

use quick_xml::events::Event;

use crate::support::*;

/// (loc, lastmod) of every `<url>`, checking the 0.9 schema's structure:
/// `urlset` in the sitemap namespace holding `url` elements, each with one
/// `loc` and an optional `lastmod`, `changefreq`, `priority`.
fn read_sitemap(bytes: &[u8]) -> Vec<(String, String)> {
    let mut r = quick_xml::Reader::from_reader(bytes);
    r.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut cur = (String::new(), String::new());
    loop {
        match r.read_event_into(&mut buf).expect("well-formed XML") {
            Event::Start(e) => {
                let name = e.name().as_ref().to_owned();
                if path.is_empty() {
                    assert_eq!(name, "urlset");
                    let ns = e
                        .attributes()
                        .map(|a| a.unwrap())
                        .find(|a| a.key.as_ref() == "xmlns")
                        .unwrap();
                    assert_eq!(&*ns.value, "http://www.sitemaps.org/schemas/sitemap/0.9");
                } else if path.len() == 1 {
                    assert_eq!(name, "url");
                    cur = (String::new(), String::new());
                } else {
                    assert!(
                        ["loc", "lastmod", "changefreq", "priority"].contains(&name.as_str()),
                        "unexpected <{name}>"
                    );
                }
                path.push(name);
            }
            Event::Text(t) => {
                let text = t.xml10_content().into_owned();
                match path.last().map(String::as_str) {
                    Some("loc") => cur.0 = text,
                    Some("lastmod") => cur.1 = text,
                    _ => {}
                }
            }
            Event::End(_) => {
                let closed = path.pop();
                if closed.as_deref() == Some("url") {
                    out.push(cur.clone());
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

fn is_w3c_datetime(s: &str) -> bool {
    // YYYY-MM-DDThh:mm:ss+08:00 (W3C Datetime, as the protocol requires)
    let b = s.as_bytes();
    s.len() == 25
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && (b[19] == b'+' || b[19] == b'-')
        && s.chars().filter(char::is_ascii_digit).count() == 18
}

#[test]
fn sitemap_lists_every_page_once_with_lastmod_and_no_pagination() {
    let b = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    let urls = read_sitemap(&b.files["sitemap.xml"]);
    let locs: BTreeSet<&str> = urls.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(locs.len(), urls.len(), "duplicate loc");
    for (loc, lastmod) in &urls {
        assert!(
            loc.starts_with("https://aq.qingshi.example.gov.cn/"),
            "{loc}"
        );
        assert!(loc.len() < 2048);
        assert!(!loc.contains("/page/"), "pagination listed: {loc}");
        assert!(is_w3c_datetime(lastmod), "{loc}: lastmod {lastmod:?}");
        let path = loc.trim_start_matches("https://aq.qingshi.example.gov.cn/");
        let file = percent_decode(path);
        assert!(
            b.files.contains_key(&format!("{file}index.html")),
            "{loc} is not a page"
        );
    }
    // Every article, drill, case and standalone page is listed.
    for (path, _) in b.files.iter() {
        let Some(dir) = path.strip_suffix("index.html") else {
            continue;
        };
        let single = ["articles/", "drills/", "cases/"].iter().any(|k| {
            dir.starts_with(k) && dir.matches('/').count() == 2 && !dir.contains("/page/")
        });
        if single || ["about/", "report/", "contribute/", "", "areas/enterprise/"].contains(&dir) {
            let loc = format!("https://aq.qingshi.example.gov.cn/{dir}");
            assert!(
                urls.iter().any(|(l, _)| percent_decode(l) == loc),
                "{loc} missing"
            );
        }
    }
    let article = urls
        .iter()
        .find(|(l, _)| l.ends_with("/articles/2026-05-two-staff-training/"))
        .unwrap();
    assert_eq!(article.1, "2026-05-27T14:30:00+08:00");
    let robots = String::from_utf8(b.files["robots.txt"].clone()).unwrap();
    assert!(robots.contains("User-agent: *"));
    assert!(robots.contains("Sitemap: https://aq.qingshi.example.gov.cn/sitemap.xml\n"));
}

fn percent_decode(s: &str) -> String {
    anxuan::render::urls::percent_decode(s)
}

#[test]
fn no_sitemap_without_an_absolute_base_url() {
    let site = TestSite::new();
    site.write("site.yaml", "title: 测试站\nbase_url: /\n")
        .write("content/articles/a.md", &article("", "正文"));
    let b = site.build().unwrap();
    assert!(!b.files.contains_key("sitemap.xml"));
    let robots = String::from_utf8(b.files["robots.txt"].clone()).unwrap();
    assert!(!robots.contains("Sitemap:"));
    assert!(b.check.findings.iter().any(|f| f.rule == "base-url"));
}

#[test]
fn a_sites_own_robots_txt_is_replaced_with_a_warning() {
    let site = TestSite::new();
    site.write(
        "site.yaml",
        "title: 测试站\nbase_url: https://example.org/\n",
    )
    .write("content/articles/a.md", &article("", "正文"))
    .write("static/robots.txt", "User-agent: *\nDisallow: /private/\n")
    .write("static/files/ok.txt", "kept");
    let b = site.build().unwrap();
    let robots = String::from_utf8(b.files["robots.txt"].clone()).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/sitemap.xml"));
    assert!(!b.copies.iter().any(|a| a.out == "robots.txt"));
    assert!(b.copies.iter().any(|a| a.out == "files/ok.txt"));
    let warned: Vec<_> = b
        .diags
        .iter()
        .filter(|d| d.message.contains("not copied"))
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!(loc(warned[0]), "static/robots.txt");
    assert!(warned[0].message.contains("`robots.txt`"));
    // The command line shows it too, and the generated file is written.
    let o = site.run(&["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("static/robots.txt: warning: not copied"),
        "{}",
        stderr(&o)
    );
    let written = std::fs::read_to_string(site.root().join("public/robots.txt")).unwrap();
    assert!(written.contains("Sitemap:"));
}

/// Validates with xmllint (libxml2) against the protocol's schema
/// (tests/fixtures/sitemap-0.9.xsd). CI installs xmllint; elsewhere the
/// test is skipped with a note when it is missing.
#[test]
fn sitemap_is_valid_against_the_0_9_schema() {
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        crate::support::can_run(
            "sitemap schema validation",
            &["xmllint"],
            "apt-get install libxml2-utils",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, base) in [
        ("root.xml", "https://aq.qingshi.example.gov.cn/"),
        ("sub.xml", "https://example.gov.cn/anquan/"),
    ] {
        let b = anxuan::pipeline::build(
            &repo_root(),
            &anxuan::pipeline::BuildOptions {
                base_url: Some(base.into()),
                ..opts()
            },
        )
        .unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, &b.files["sitemap.xml"]).unwrap();
        let o = std::process::Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(repo_root().join("tests/fixtures/sitemap-0.9.xsd"))
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
