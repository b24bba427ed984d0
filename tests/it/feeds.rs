//! Atom and RSS feeds, read back with a real feed parser (feed-rs).

use feed_rs::model::{Feed, FeedType};

use crate::support::*;

fn example() -> anxuan::pipeline::Build {
    anxuan::pipeline::build(&repo_root(), &opts()).unwrap()
}

fn parse(b: &anxuan::pipeline::Build, path: &str) -> Feed {
    let bytes = b.files.get(path).unwrap_or_else(|| panic!("no {path}"));
    feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn strict_xml(bytes: &[u8]) {
    let mut r = quick_xml::Reader::from_reader(bytes);
    r.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML: {e}"),
        }
        buf.clear();
    }
}

#[test]
fn site_feeds_list_every_listed_page_newest_first() {
    let b = example();
    // The example site's articles (工作动态 and 安全知识), notices,
    // documents, drills and cases: every column but single pages.
    let published = 20 + 4 + 4 + 9 + 8;
    for (path, kind) in [("atom.xml", FeedType::Atom), ("rss.xml", FeedType::RSS2)] {
        strict_xml(&b.files[path]);
        let feed = parse(&b, path);
        assert_eq!(feed.feed_type, kind);
        assert_eq!(feed.title.unwrap().content, "青石街道安全生产宣传网");
        assert_eq!(feed.entries.len(), published, "{path}");
        let mut last = i64::MAX;
        for e in &feed.entries {
            let title = &e.title.as_ref().unwrap().content;
            assert!(!title.is_empty());
            let link = &e.links[0].href;
            assert!(
                link.starts_with("https://aq.qingshi.example.gov.cn/"),
                "{path}: {link}"
            );
            let summary = &e.summary.as_ref().unwrap().content;
            assert!(summary.chars().count() > 20, "{path}: {title}: {summary}");
            let when = e.published.unwrap().timestamp();
            assert!(when <= last, "{path}: not newest first at {title}");
            last = when;
            let page = link.trim_start_matches("https://aq.qingshi.example.gov.cn/");
            assert!(
                b.files.contains_key(&format!("{page}index.html")),
                "{path}: {link} is not a page"
            );
        }
        assert!(feed.updated.is_some());
    }
    let atom = parse(&b, "atom.xml");
    // A drill entry tells when and where.
    let drill = atom
        .entries
        .iter()
        .find(|e| e.links[0].href.contains("/drills/"))
        .unwrap();
    assert!(
        drill
            .summary
            .as_ref()
            .unwrap()
            .content
            .starts_with("演练时间：")
    );
    // A summary is not cut short.
    let article = atom
        .entries
        .iter()
        .find(|e| {
            e.links[0]
                .href
                .ends_with("/articles/2026-05-two-staff-training/")
        })
        .unwrap();
    assert!(!article.summary.as_ref().unwrap().content.ends_with('…'));
}

#[test]
fn each_area_has_its_own_feeds_with_only_its_content() {
    let b = example();
    for area in ["enterprise", "village", "community", "school", "family"] {
        for kind in ["atom.xml", "rss.xml"] {
            let path = format!("areas/{area}/{kind}");
            strict_xml(&b.files[&path]);
            let feed = parse(&b, &path);
            assert!(!feed.entries.is_empty(), "{path}");
            let page = html(&b, &format!("areas/{area}/index.html"));
            for e in &feed.entries {
                let url = e.links[0]
                    .href
                    .trim_start_matches("https://aq.qingshi.example.gov.cn");
                assert!(
                    page.contains(&format!("href=\"{url}\"")) || {
                        // Older entries are on later list pages.
                        b.files
                            .iter()
                            .filter(|(k, _)| k.starts_with(&format!("areas/{area}/page/")))
                            .any(|(_, v)| {
                                String::from_utf8_lossy(v).contains(&format!("href=\"{url}\""))
                            })
                    },
                    "{path}: {url} is not in the area"
                );
            }
        }
        let page = html(&b, &format!("areas/{area}/index.html"));
        assert!(
            page.contains("type=\"application/atom+xml\" title=\"青石街道安全生产宣传网 - 进")
                && page.contains(&format!("href=\"/areas/{area}/atom.xml\"")),
            "area page must link its feed"
        );
    }
}

#[test]
fn every_page_links_the_site_feeds_in_its_head() {
    let b = example();
    for (path, bytes) in &b.files {
        // The 公众号 exports are for an editor, not readers (tests/it/wechat.rs).
        if !path.ends_with(".html") || anxuan::render::wechat::is_export(path) {
            continue;
        }
        let page = String::from_utf8_lossy(bytes);
        let head = &page[..page.find("</head>").unwrap()];
        assert!(
            head.contains("<link rel=\"alternate\" type=\"application/atom+xml\"")
                && head.contains("href=\"/atom.xml\"")
                && head.contains("href=\"/rss.xml\""),
            "{path}"
        );
    }
}

#[test]
fn feed_text_is_escaped_and_parses_back() {
    let site = TestSite::new();
    let title = "<script>alert(1)</script> & “安全” ]]> 'x'";
    site.write(
        "content/articles/x.md",
        &format!(
            "---\ntitle: \"{}\"\ndate: 2026-06-16\nsummary: \"a < b & c\"\n---\n\n正文\n",
            title.replace('"', "\\\"")
        ),
    );
    let b = site.build().unwrap();
    for path in ["atom.xml", "rss.xml"] {
        strict_xml(&b.files[path]);
        let feed = parse(&b, path);
        assert_eq!(
            feed.entries[0].title.as_ref().unwrap().content,
            title,
            "{path}"
        );
        assert_eq!(
            feed.entries[0].summary.as_ref().unwrap().content,
            "a < b & c"
        );
    }
}
