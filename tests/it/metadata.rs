//! Page metadata: title, description, canonical, Open Graph and JSON-LD.

use scraper::{Html, Selector};
use serde_json::Value;

use crate::support::*;

fn meta(doc: &Html, property: &str) -> Option<String> {
    let sel = Selector::parse(&format!("meta[property=\"{property}\"]")).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|m| m.value().attr("content").map(str::to_owned))
}

fn jsonld(doc: &Html) -> Value {
    let sel = Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    let scripts: Vec<_> = doc.select(&sel).collect();
    assert_eq!(scripts.len(), 1);
    serde_json::from_str(&scripts[0].inner_html()).expect("JSON-LD parses as JSON")
}

fn page(b: &anxuan::pipeline::Build, path: &str) -> Html {
    Html::parse_document(&html(b, path))
}

#[test]
fn article_has_title_description_canonical_og_and_news_article() {
    let b = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    let doc = page(&b, "articles/2026-05-two-staff-training/index.html");
    let title = doc
        .select(&Selector::parse("title").unwrap())
        .next()
        .unwrap()
        .inner_html();
    assert!(title.ends_with(" - 青石街道安全生产宣传网"));
    let url = "https://aq.qingshi.example.gov.cn/articles/2026-05-two-staff-training/";
    let canonical = doc
        .select(&Selector::parse("link[rel=canonical]").unwrap())
        .next()
        .unwrap();
    assert_eq!(canonical.value().attr("href"), Some(url));
    assert_eq!(meta(&doc, "og:url").as_deref(), Some(url));
    assert_eq!(meta(&doc, "og:type").as_deref(), Some("article"));
    assert!(meta(&doc, "og:title").unwrap().contains("两员"));
    assert!(!meta(&doc, "og:description").unwrap().is_empty());
    let v = jsonld(&doc);
    assert_eq!(v["@context"], "https://schema.org");
    assert_eq!(v["@type"], "NewsArticle");
    assert!(v["headline"].as_str().unwrap().contains("两员"));
    assert_eq!(v["datePublished"], "2026-05-27T14:30:00+08:00");
    assert_eq!(v["dateModified"], "2026-05-27T14:30:00+08:00");
    assert_eq!(v["author"]["@type"], "Person");
    assert_eq!(v["publisher"]["@type"], "Organization");
    assert_eq!(v["publisher"]["name"], "江城市临江区青石街道办事处");
    assert_eq!(v["url"], url);
}

#[test]
fn drill_is_an_event_with_place_organizer_and_status() {
    let b = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    let doc = page(&b, "drills/2026-06-binjiang-gas-leak-drill/index.html");
    let v = jsonld(&doc);
    assert_eq!(v["@type"], "Event");
    assert_eq!(v["name"], "滨江花园社区燃气泄漏应急演练");
    assert_eq!(v["startDate"], "2026-06-20T09:00:00+08:00");
    assert_eq!(v["endDate"], "2026-06-20T11:00:00+08:00");
    assert_eq!(v["location"]["@type"], "Place");
    assert_eq!(v["location"]["name"], "滨江花园社区三期小区");
    assert!(
        v["location"]["address"]["streetAddress"]
            .as_str()
            .unwrap()
            .contains("滨江路200号")
    );
    assert_eq!(v["organizer"]["@type"], "Organization");
    assert_eq!(v["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(
        v["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
}

#[test]
fn cancelled_and_postponed_drills_say_so_in_json_ld() {
    let site = TestSite::new();
    let d = |status: &str| {
        format!(
            "---\ntitle: 演练\ndate: 2026-11-01\nstart: 2026-12-10 09:30\nend: 2026-12-10 11:00\nlocation: 广场\norganizer: 街道\ndrill_type: 防汛\nstatus: {status}\n---\n\n说明。\n"
        )
    };
    site.write("content/drills/a.md", &d("已取消"))
        .write("content/drills/b.md", &d("已延期"));
    let b = site.build().unwrap();
    let a = jsonld(&page(&b, "drills/a/index.html"));
    assert_eq!(a["eventStatus"], "https://schema.org/EventCancelled");
    let p = jsonld(&page(&b, "drills/b/index.html"));
    assert_eq!(p["eventStatus"], "https://schema.org/EventPostponed");
}

#[test]
fn case_is_an_article_and_standalone_pages_have_no_json_ld() {
    let b = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    let v = jsonld(&page(
        &b,
        "cases/2026-case-sewage-well-poisoning/index.html",
    ));
    assert_eq!(v["@type"], "Article");
    assert!(v["headline"].is_string() && v["datePublished"].is_string());
    assert!(v["author"].is_object() && v["publisher"].is_object());
    let about = html(&b, "about/index.html");
    assert!(!about.contains("application/ld+json"));
    assert!(about.contains("<meta property=\"og:type\" content=\"website\">"));
}

#[test]
fn json_ld_cannot_be_broken_out_of() {
    let site = TestSite::new();
    let title = "标题</script><script>alert(1)</script>&<!--";
    site.write(
        "content/articles/x.md",
        &format!("---\ntitle: \"{title}\"\ndate: 2026-06-16\n---\n\n正文\n"),
    );
    let b = site.build().unwrap();
    let raw = html(&b, "articles/x/index.html");
    assert!(!raw.contains("</script><script>alert"), "{raw}");
    let v = jsonld(&Html::parse_document(&raw));
    assert_eq!(v["headline"], title);
}

#[test]
fn og_image_from_cover_or_first_body_image() {
    let site = TestSite::new();
    site.write(
        "content/articles/a.md",
        &article("extra:\n  cover: img/cover.png\n", "正文"),
    )
    .write_bytes("content/articles/img/cover.png", &png(64, 48))
    .write(
        "content/articles/b.md",
        &article("", "![现场](img/cover.png)"),
    )
    .write("content/articles/c.md", &article("", "没有图片"));
    let b = site.build().unwrap();
    // The cover is published in its sizes: the share image is one of them.
    let a = page(&b, "articles/a/index.html");
    let want = meta(&a, "og:image").unwrap();
    assert!(
        want.starts_with("https://aq.example.gov.cn/articles/img/cover.64.")
            && want.ends_with(".png"),
        "{want}"
    );
    let want = want.as_str();
    assert_eq!(jsonld(&a)["image"][0], want);
    assert_eq!(
        meta(&page(&b, "articles/b/index.html"), "og:image").as_deref(),
        Some(want)
    );
    assert_eq!(meta(&page(&b, "articles/c/index.html"), "og:image"), None);
}
