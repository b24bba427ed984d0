//! What a government-site inspection reads besides the text: the
//! metadata tags of every page (rule `meta`), the footer's links (网站地图,
//! 咨询建言, 党政机关网站标识), the 网站地图 page, and the report of
//! `anxuan check --report`.

use std::collections::BTreeMap;

use crate::support::*;

/// The `<meta name content>` pairs of a page whose name starts with an
/// upper-case letter (the government metadata), parsed with html5ever.
fn gov_meta(html: &str) -> BTreeMap<String, String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("meta[name]").unwrap();
    doc.select(&sel)
        .filter_map(|m| {
            let name = m.value().attr("name")?;
            let content = m.value().attr("content")?;
            name.starts_with(|c: char| c.is_ascii_uppercase())
                .then(|| (name.to_owned(), content.to_owned()))
        })
        .collect()
}

const COLUMNS: &str = "footer:\n  site_code: \"3301000001\"\n  organizer: 青石街道办事处\ncolumns:\n  - {folder: news, title: 工作动态, kind: article, description: 街道工作动态。}\n  - {folder: notices, title: 通知公告, kind: notice}\n  - {folder: pages, title: 页面, kind: page}\n";

fn columns_site() -> TestSite {
    let site = TestSite::new();
    site.write("site.yaml", &format!("{SITE_YAML}{COLUMNS}"))
        .write(
            "content/news/a.md",
            "---\ntitle: 街道开展燃气安全检查\ndate: 2026-11-20T09:30:00+08:00\ntags: [燃气, 检查]\nsource: 青石街道安委办\nauthor: 王芳\nfive_into: [社区]\n---\n\n燃气检查正文。\n",
        )
        .write(
            "content/notices/n.md",
            "---\ntitle: 关于燃气排查的通知\ndate: 2026-11-21\n---\n\n请各社区配合。\n",
        )
        .write("content/pages/about.md", "---\ntitle: 关于本站\n---\n\n简介。\n");
    site
}

#[test]
fn every_kind_of_page_carries_its_metadata_tags() {
    let b = columns_site().build().unwrap();
    let item = gov_meta(&html(&b, "news/a/index.html"));
    let want = [
        ("SiteName", "测试站"),
        ("SiteDomain", "aq.example.gov.cn"),
        ("SiteIDCode", "3301000001"),
        ("ColumnName", "工作动态"),
        ("ColumnDescription", "街道工作动态。"),
        ("ColumnType", "信息发布"),
        ("ArticleTitle", "街道开展燃气安全检查"),
        ("PubDate", "2026-11-20 09:30"),
        ("ContentSource", "青石街道安委办"),
        ("Keywords", "燃气,检查"),
        ("Author", "王芳"),
        ("Description", "燃气检查正文。"),
        ("Url", "https://aq.example.gov.cn/news/a/"),
    ];
    for (name, value) in want {
        assert_eq!(
            item.get(name).map(String::as_str),
            Some(value),
            "{name}: {item:#?}"
        );
    }
    assert!(!item.contains_key("Image"), "no cover, no Image: {item:#?}");
    // A notice without source or author: the organizer stands in; a date
    // without a time is 00:00.
    let notice = gov_meta(&html(&b, "notices/n/index.html"));
    assert_eq!(notice["ContentSource"], "青石街道办事处");
    assert_eq!(notice["Author"], "青石街道办事处");
    assert_eq!(notice["PubDate"], "2026-11-21 00:00");
    assert_eq!(notice["ColumnType"], "通知公告");
    assert_eq!(notice["Keywords"], "通知公告");
    // Column lists carry the column, not an article.
    let list = gov_meta(&html(&b, "news/index.html"));
    assert_eq!(list["ColumnName"], "工作动态");
    assert!(!list.contains_key("ArticleTitle") && !list.contains_key("PubDate"));
    let area = gov_meta(&html(&b, "areas/community/index.html"));
    assert_eq!(area["ColumnName"], "安全生产宣传进社区");
    assert_eq!(area["ColumnType"], "五进专栏");
    // The home page and the standalone page: the site's tags.
    let home = gov_meta(&html(&b, "index.html"));
    assert_eq!(home["SiteName"], "测试站");
    assert!(!home.contains_key("ColumnName"));
    let about = gov_meta(&html(&b, "about/index.html"));
    assert_eq!(about["ArticleTitle"], "关于本站");
    assert!(!about.contains_key("PubDate"));
    // The default theme passes its own rule.
    assert!(
        !b.check.findings.iter().any(|f| f.rule == "meta"),
        "{:#?}",
        b.check.findings
    );
}

#[test]
fn a_theme_that_drops_or_misformats_metadata_is_found() {
    let site = columns_site();
    // A theme that writes the site's tags only, and PubDate its own way.
    site.write(
        "themes/default/templates/base.html",
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>{{ title }}</title><meta name=\"SiteName\" content=\"{{ site.title }}\"><meta name=\"Description\" content=\"{{ description }}\">{% if page and page.date %}<meta name=\"PubDate\" content=\"{{ page.date }}\">{% endif %}{% block head %}{% endblock head %}</head><body class=\"{% block page_class %}{% endblock page_class %}\"><main>{% block main %}{% endblock main %}</main></body></html>",
    );
    let b = site.build().unwrap();
    let meta: Vec<String> = b
        .check
        .findings
        .iter()
        .filter(|f| f.rule == "meta")
        .map(|f| f.diag.to_string())
        .collect();
    let has = |text: &str| {
        assert!(meta.iter().any(|m| m.contains(text)), "{text}: {meta:#?}");
    };
    has("`<meta name=\"ArticleTitle\">` is missing or empty on 2 item page(s)");
    has("`<meta name=\"PubDate\">` is missing or not `yyyy-MM-dd HH:mm` on 2 item page(s)");
    has("`<meta name=\"ColumnName\">` is missing or empty on");
    has("`<meta name=\"SiteDomain\">` is missing or empty on");
    has("`<meta name=\"SiteIDCode\">`");
    // Reported at an item's source file, once per tag and kind of page.
    has("content/news/a.md: warning:");
    assert!(
        !meta.iter().any(|m| m.contains("\"SiteName\"")),
        "{meta:#?}"
    );
    let article_title = meta
        .iter()
        .filter(|m| m.contains("\"ArticleTitle\""))
        .count();
    assert_eq!(article_title, 2, "item and standalone pages: {meta:#?}");
}

#[test]
fn the_sitemap_page_lists_every_column_area_and_page_and_every_footer_links_it() {
    let site = columns_site();
    let b = site.build().unwrap();
    let map = main_of(&html(&b, "sitemap/index.html"));
    for (href, text) in [
        ("/", "首页"),
        ("/news/", "工作动态"),
        ("/notices/", "通知公告"),
        ("/areas/community/", "安全生产宣传进社区"),
        ("/about/", "关于本站"),
        ("/search/", "站内搜索"),
    ] {
        assert!(
            map.contains(&format!("<a href=\"{href}\">{text}</a>")),
            "{href}: {map}"
        );
    }
    assert!(
        !map.contains("/pages/"),
        "the page column is no list: {map}"
    );
    for page in [
        "index.html",
        "news/a/index.html",
        "404.html",
        "sitemap/index.html",
    ] {
        assert!(
            html(&b, page).contains("<a href=\"/sitemap/\">网站地图</a>"),
            "{page}"
        );
    }
    // No broken link anywhere, and a column may not take the folder.
    assert!(
        !b.check.findings.iter().any(|f| f.rule == "broken-link"),
        "{:#?}",
        b.check.findings
    );
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}columns:\n  - {{folder: sitemap, title: 地图, kind: article}}\n"),
    );
    let errs = site.errors();
    assert!(
        errs.iter().any(|d| d.to_string().contains("sitemap")),
        "{errs:#?}"
    );
}

#[test]
fn footer_links_must_be_web_addresses_and_a_government_site_needs_feedback() {
    let site = TestSite::new();
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}footer:\n  feedback_url: \"javascript:alert(1)\"\n  gov_mark:\n    image: images/x.png\n"),
    )
    .write("content/articles/a.md", &article("", "正文"));
    let errs: Vec<String> = site.errors().iter().map(|d| d.to_string()).collect();
    assert!(
        errs.iter()
            .any(|e| e.contains("`feedback_url` must be an absolute http(s) address")),
        "{errs:#?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("missing required field `url`")),
        "{errs:#?}"
    );
    // A government site without feedback link: a warning; with one, none.
    site.write("site.yaml", &format!("{SITE_YAML}government_site: true\n"));
    let b = site.build().unwrap();
    let feedback = |b: &anxuan::pipeline::Build| {
        b.check
            .findings
            .iter()
            .any(|f| f.rule == "footer-mark" && f.diag.message.contains("咨询建言"))
    };
    assert!(feedback(&b), "{:#?}", b.check.findings);
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}government_site: true\nfooter:\n  feedback_url: https://12345.example.gov.cn/\n  feedback_label: 我要留言\n"),
    );
    let b = site.build().unwrap();
    assert!(!feedback(&b), "{:#?}", b.check.findings);
    assert!(
        html(&b, "index.html").contains("<a href=\"https://12345.example.gov.cn/\">我要留言</a>")
    );
    // A 党政机关网站标识 whose image the site does not supply is a broken image.
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}footer:\n  gov_mark:\n    image: images/dzjg.png\n    url: https://bszs.conac.cn/sitename?method=show&id=1\n"),
    );
    let b = site.build().unwrap();
    assert!(
        b.check
            .findings
            .iter()
            .any(|f| f.rule == "broken-image" && f.diag.message.contains("dzjg.png")),
        "{:#?}",
        b.check.findings
    );
}

#[test]
fn the_report_groups_findings_by_rule_and_column_masked_and_self_contained() {
    let site = columns_site();
    site.write(
        "content/news/b.md",
        "---\ntitle: 联系人\ndate: 2026-11-22\n---\n\n申请人身份证 11010519491231002X，见[附件](missing.pdf)。\n",
    );
    let report = site.root().join("out/check-report.html");
    let o = site.run(&["check", "--now", NOW, "--report", "out/check-report.html"]);
    // A personal number is an error: check fails, and the report is written.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(!page.contains("11010519491231002X"), "unmasked: {page}");
    assert!(page.contains("110105********002X"), "{page}");
    let doc = scraper::Html::parse_document(&page);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    // Self-contained: nothing that loads anything.
    for s in [
        "script",
        "link",
        "img",
        "iframe",
        "object",
        "embed",
        "[style*='url(']",
    ] {
        assert_eq!(doc.select(&sel(s)).count(), 0, "{s}");
    }
    assert!(!page.contains("@import") && !page.contains("url("));
    // Counts at the top equal the JSON's.
    let o = site.run(&["check", "--now", NOW, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let totals: Vec<String> = doc
        .select(&sel(".totals strong"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(totals[0], v["errors"].to_string());
    assert_eq!(totals[1], v["warnings"].to_string());
    // One section per rule, each finding with file:line and page URL.
    let ids: Vec<&str> = doc
        .select(&sel("section h2"))
        .filter_map(|h| h.value().attr("id"))
        .collect();
    assert!(ids.contains(&"rule-personal-id"), "{ids:?}");
    assert!(ids.contains(&"rule-broken-link"), "{ids:?}");
    let section: String = doc
        .select(&sel("section[aria-labelledby='rule-personal-id'] li"))
        .flat_map(|e| e.text())
        .collect();
    assert!(section.contains("content/news/b.md:6:"), "{section}");
    assert!(section.contains("栏目：工作动态"), "{section}");
    assert!(
        section.contains("https://aq.example.gov.cn/news/b/"),
        "{section}"
    );
    // By column: the news column holds both findings of b.md.
    let rows: Vec<String> = doc
        .select(&sel("#by-column ~ table tbody tr"))
        .map(|r| r.text().collect::<Vec<_>>().join("|"))
        .collect();
    assert!(rows.iter().any(|r| r.starts_with("工作动态|")), "{rows:?}");
    // A site that does not build still gets its report, with the errors.
    site.write("content/news/c.md", "---\ntitle: [坏\n---\n");
    let o = site.run(&["check", "--now", NOW, "--report", "out/check-report.html"]);
    assert_eq!(o.status.code(), Some(1));
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(page.contains("content/news/c.md:2:"), "{page}");
    assert!(page.contains("内容错误"), "{page}");
}
