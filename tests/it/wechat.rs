//! The 公众号 (WeChat official account) export beside every item page:
//! inline styles only (no class, `<style>`, script or outside resource),
//! absolute image and link URLs, the item's facts on top, the images to
//! upload listed — and kept out of the sitemap, search, feeds and checks.

use std::collections::BTreeSet;

use scraper::{ElementRef, Html, Selector};

use crate::support::*;

const HOST: &str = "aq.example.gov.cn";

const COLUMNS: &str = "columns:\n  - {folder: articles, title: 工作动态, kind: article}\n  - {folder: notices, title: 通知公告, kind: notice}\n  - {folder: drills, title: 应急演练, kind: drill}\n  - {folder: cases, title: 事故案例, kind: case}\n  - {folder: documents, title: 政策文件, kind: document}\n  - {folder: pages, title: 页面, kind: page}\n";

/// A body with every element the export restyles: heading, lists, table,
/// quote, code, footnote, image (a photo the image stage resizes) and
/// links inside and outside the site.
const BODY: &str = "## 一、基本情况\n\n本次活动**注意：**请按时参加，*务必*携带证件。[^1]\n\n\
- 第一项\n- 第二项\n\n1. 集合\n2. 疏散\n\n\
| 项目 | 数量 |\n|---|---:|\n| 灭火器 | 12 |\n\n\
> 安全生产，人人有责。\n\n\
```yaml\nitem: 灭火器\n  count: 12\n```\n\n\
### 现场照片\n\n![演练现场照片](images/scene.png)\n\n\
详见[工作动态](@/articles/a.md)和[应急管理部](https://www.mem.gov.cn/)，行内代码 `12350`。\n\n\
---\n\n[^1]: 见《生产安全事故应急条例》。\n";

const KINDS: [&str; 5] = [
    "articles/a",
    "notices/n",
    "drills/d",
    "cases/c",
    "documents/f",
];

fn fixture(site_yaml: &str) -> TestSite {
    let site = TestSite::new();
    site.write("site.yaml", &format!("{site_yaml}{COLUMNS}"));
    let photo = png(640, 480);
    for folder in ["articles", "notices", "drills", "cases", "documents"] {
        site.write_bytes(&format!("content/{folder}/images/scene.png"), &photo);
    }
    site.write(
        "content/articles/a.md",
        &format!(
            "---\ntitle: 街道开展燃气安全检查\ndate: 2026-11-20 09:30\nsource: 青石街道安委办\nauthor: 王芳\n---\n\n{BODY}"
        ),
    )
    .write(
        "content/notices/n.md",
        &format!(
            "---\ntitle: 关于冬季消防检查的通知\ndate: 2026-11-21\nissuer: 青石街道安委办\nvalid_until: 2026-12-31\nattachments:\n  - file: files/检查表.pdf\n    title: 冬季消防检查表\n---\n\n{BODY}"
        ),
    )
    .write_bytes("content/notices/files/检查表.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    .write(
        "content/drills/d.md",
        &format!(
            "---\ntitle: 滨江花园燃气泄漏应急演练\ndate: 2026-11-15\nstart: 2026-12-20 09:00\nend: 2026-12-20 11:00\nlocation: 滨江花园三期小区\naddress: 滨江路200号12栋\norganizer: 青石街道办事处\ndrill_type: 燃气泄漏\nparticipants: 210\naudience: 社区居民\ncontact: 赵女士 029-86125208\n---\n\n{BODY}"
        ),
    )
    .write(
        "content/cases/c.md",
        &format!(
            "---\ntitle: 某厂冲压机械伤害事故\ndate: 2026-08-18\naccident_date: 2026-07-23\nplace: 某省宁远市某工业园区\nindustry: 金属制品\naccident_type: 机械伤害\ndeaths: 3\nserious_injuries: 2\ninjuries: 5\ndirect_loss_wan: 1380.5\ncauses:\n  - 光电保护装置损坏后未及时维修\nlessons:\n  - 安全防护装置必须保持完好\n---\n\n{BODY}"
        ),
    )
    .write(
        "content/documents/f.md",
        &format!(
            "---\ntitle: 青石街道2026年防汛防台应急预案\ndate: 2026-05-15\nwritten: 2026-05-12\ndoc_no: 青石街〔2026〕18号\nindex_no: \"113301020025813466/2026-00018\"\nissuer: 江城市临江区青石街道办事处\ntopic: 应急管理\nform: 预案\nstatus: 有效\n---\n\n{BODY}"
        ),
    )
    .write("content/pages/about.md", "---\ntitle: 关于本站\n---\n\n简介。\n");
    site
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn content(doc: &Html) -> ElementRef<'_> {
    // What the preview's 复制到公众号 button copies: the first (and only)
    // [data-wechat] element.
    let selector = sel("[data-wechat]");
    let mut roots = doc.select(&selector);
    let root = roots.next().expect("no [data-wechat]");
    assert_eq!(root.value().name(), "section");
    assert_eq!(root.value().attr("data-wechat"), Some("content"));
    assert!(roots.next().is_none(), "one part to copy");
    root
}

/// The text of the facts table's row `label`.
fn fact(root: ElementRef<'_>, label: &str) -> Option<String> {
    root.select(&sel("tr")).find_map(|tr| {
        let th: String = tr.select(&sel("th")).next()?.text().collect();
        (th == label).then(|| tr.select(&sel("td")).next().unwrap().text().collect())
    })
}

fn assert_absolute_on_site(url: &str, what: &str, page: &str) {
    assert!(
        url.starts_with("https://"),
        "{page}: {what} {url:?} is not absolute https"
    );
    let host = url["https://".len()..].split('/').next().unwrap();
    assert!(
        host == HOST || host == "www.mem.gov.cn",
        "{page}: {what} {url:?} is on another host"
    );
}

#[test]
fn wechat_export_of_every_kind_has_inline_styles_only() {
    let b = fixture(SITE_YAML).build().unwrap();
    for stem in KINDS {
        let path = format!("{stem}/wechat.html");
        let text = html(&b, &path);
        assert!(
            text.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"),
            "{path}"
        );
        let doc = Html::parse_document(&text);
        assert_eq!(doc.select(&sel("[class]")).count(), 0, "{path}: a class");
        for banned in ["style", "script", "link", "iframe", "object", "embed"] {
            assert_eq!(doc.select(&sel(banned)).count(), 0, "{path}: <{banned}>");
        }
        assert!(
            !text.contains("fonts.googleapis") && !text.contains("@import"),
            "{path}"
        );
        let robots: Vec<_> = doc
            .select(&sel("meta[name=robots]"))
            .filter_map(|m| m.value().attr("content"))
            .collect();
        assert_eq!(robots, ["noindex, nofollow"], "{path}");
        let title: String = doc.select(&sel("title")).next().unwrap().text().collect();
        assert!(title.ends_with("（公众号版）"), "{path}: {title}");

        let root = content(&doc);
        let kinds = "h2, h3, p, ul, ol, li, table, thead, tbody, tr, th, td, blockquote, pre, code, img, a, strong, em, hr, sup, section";
        let mut seen = BTreeSet::new();
        for el in root.select(&sel(kinds)) {
            let name = el.value().name();
            seen.insert(name.to_owned());
            let style = el.value().attr("style").unwrap_or("");
            assert!(
                !style.trim().is_empty(),
                "{path}: <{name}> without style: {}",
                el.html()
            );
            for attr in ["id", "srcset", "sizes", "loading", "class"] {
                assert!(el.value().attr(attr).is_none(), "{path}: <{name} {attr}>");
            }
        }
        for must in [
            "h2",
            "h3",
            "ul",
            "ol",
            "table",
            "th",
            "td",
            "blockquote",
            "pre",
            "code",
            "img",
            "a",
            "sup",
            "hr",
        ] {
            assert!(
                seen.contains(must),
                "{path}: the body's <{must}> is missing"
            );
        }
        let h2 = root
            .select(&sel("h2"))
            .next()
            .unwrap()
            .value()
            .attr("style")
            .unwrap();
        assert!(h2.contains("border-left:4px solid"), "{path}: {h2}");
        let img = root
            .select(&sel("img"))
            .next()
            .unwrap()
            .value()
            .attr("style")
            .unwrap();
        assert!(
            img.contains("max-width:100%") && img.contains("height:auto"),
            "{img}"
        );
        for el in doc.select(&sel("img, a")) {
            let v = el.value();
            let url = v.attr("src").or(v.attr("href")).unwrap_or("");
            assert_absolute_on_site(url, v.name(), &path);
        }
        // The body's image is the photo on the published site, and the
        // list of images to upload is the content's images.
        let in_content: Vec<String> = root
            .select(&sel("img"))
            .map(|i| i.value().attr("src").unwrap().to_owned())
            .collect();
        assert_eq!(in_content.len(), 1, "{path}");
        let folder = stem.split('/').next().unwrap();
        assert!(
            in_content[0].starts_with(&format!("https://{HOST}/{folder}/images/scene.")),
            "{path}: {in_content:?}"
        );
        let listed: Vec<String> = doc
            .select(&sel("[data-wechat-images] li a"))
            .map(|a| a.value().attr("href").unwrap().to_owned())
            .collect();
        assert_eq!(listed, in_content, "{path}");
        // The fields to fill in, outside the part to copy.
        let fields: String = doc
            .select(&sel("[data-wechat-fields]"))
            .next()
            .unwrap()
            .text()
            .collect();
        assert!(
            fields.contains(&format!("原文链接：https://{HOST}/{stem}/")),
            "{path}: {fields}"
        );
        assert!(fields.contains("摘要："), "{path}");
        assert!(!fields.contains("未配置"), "{path}");
        // Links into the site and the footnote point at the public pages.
        let hrefs: Vec<&str> = root
            .select(&sel("a"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(
            hrefs.contains(&format!("https://{HOST}/articles/a/").as_str()),
            "{path}: {hrefs:?}"
        );
        assert!(
            hrefs.contains(&format!("https://{HOST}/{stem}/#fn-1").as_str()),
            "{path}: {hrefs:?}"
        );
        assert!(!text.contains('↩'), "{path}: the footnote's back link");
        // Code keeps its lines and indentation in the 公众号 editor.
        let pre = root.select(&sel("pre")).next().unwrap().inner_html();
        assert!(
            pre.contains("item:&nbsp;灭火器<br>&nbsp;&nbsp;count:&nbsp;12"),
            "{path}: {pre}"
        );
    }
}

#[test]
fn wechat_export_shows_the_facts_each_kind_shows() {
    let b = fixture(SITE_YAML).build().unwrap();
    let doc = |stem: &str| Html::parse_document(&html(&b, &format!("{stem}/wechat.html")));

    let d = doc("drills/d");
    let root = content(&d);
    assert_eq!(
        fact(root, "演练地点").as_deref(),
        Some("滨江花园三期小区（滨江路200号12栋）")
    );
    assert_eq!(
        fact(root, "演练时间").as_deref(),
        Some("2026年12月20日 09:00—11:00")
    );
    assert_eq!(fact(root, "组织单位").as_deref(), Some("青石街道办事处"));
    assert_eq!(fact(root, "演练类型").as_deref(), Some("燃气泄漏"));
    assert_eq!(fact(root, "参加对象").as_deref(), Some("社区居民"));
    assert_eq!(
        fact(root, "联系方式").as_deref(),
        Some("赵女士 029-86125208")
    );
    // The facts come first, before the body's first heading.
    let first = root.children().filter_map(ElementRef::wrap).next().unwrap();
    assert_eq!(first.value().name(), "table");

    let c = doc("cases/c");
    let root = content(&c);
    assert_eq!(fact(root, "事故等级").as_deref(), Some("较大事故"));
    assert_eq!(fact(root, "死亡人数").as_deref(), Some("3 人"));
    assert_eq!(fact(root, "受伤人数（含重伤）").as_deref(), Some("5 人"));
    assert_eq!(fact(root, "直接经济损失").as_deref(), Some("1,380.5 万元"));
    assert_eq!(fact(root, "事故日期").as_deref(), Some("2026年7月23日"));
    let text: String = root.text().collect();
    assert!(
        text.contains("警示教训") && text.contains("安全防护装置必须保持完好"),
        "{text}"
    );

    let f = doc("documents/f");
    let root = content(&f);
    assert_eq!(fact(root, "文号").as_deref(), Some("青石街〔2026〕18号"));
    assert_eq!(
        fact(root, "发文机关").as_deref(),
        Some("江城市临江区青石街道办事处")
    );
    assert_eq!(fact(root, "成文日期").as_deref(), Some("2026年5月12日"));
    assert_eq!(fact(root, "有效性").as_deref(), Some("有效"));
    assert_eq!(
        fact(root, "索引号").as_deref(),
        Some("113301020025813466/2026-00018")
    );

    let n = doc("notices/n");
    let root = content(&n);
    let text: String = root.text().collect();
    assert!(text.contains("发布单位：青石街道安委办"), "{text}");
    assert!(text.contains("有效期至：2026年12月31日"), "{text}");
    let attachment = root
        .select(&sel("a"))
        .find(|a| a.text().collect::<String>() == "冬季消防检查表")
        .expect("the attachment's link");
    let href = attachment.value().attr("href").unwrap();
    assert!(
        href.starts_with(&format!("https://{HOST}/notices/files/")),
        "{href}"
    );
    // The same file as the notice's page links, as a full URL.
    let page = Html::parse_document(&html(&b, "notices/n/index.html"));
    let on_page = page
        .select(&sel("a[download]"))
        .next()
        .expect("the page's attachment link")
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert_eq!(href, format!("https://{HOST}{on_page}"));
    assert!(b.copies.iter().any(|c| c.out.ends_with("检查表.pdf")));

    let a = doc("articles/a");
    let text: String = content(&a).text().collect();
    assert!(
        text.contains("来源：青石街道安委办") && text.contains("作者：王芳"),
        "{text}"
    );
    assert!(text.contains("发布时间：2026年11月20日 09:30"), "{text}");
}

#[test]
fn wechat_export_is_made_for_items_only_and_linked_from_nowhere() {
    let b = fixture(SITE_YAML).build().unwrap();
    let exports: Vec<&String> = b
        .files
        .keys()
        .filter(|p| anxuan::render::wechat::is_export(p))
        .collect();
    let want: Vec<String> = {
        let mut w: Vec<String> = KINDS.iter().map(|s| format!("{s}/wechat.html")).collect();
        w.sort();
        w
    };
    assert_eq!(exports, want.iter().collect::<Vec<_>>());
    assert!(
        !b.files.contains_key("about/wechat.html"),
        "standalone pages have none"
    );
    for (path, bytes) in &b.files {
        if !anxuan::render::wechat::is_export(path) {
            // Only the page tools name it, for the preview's 复制到公众号
            // button: no link, no resource.
            let text =
                String::from_utf8_lossy(bytes).replace(" data-wechat-export=\"wechat.html\"", "");
            assert!(!text.contains("wechat.html"), "{path} names an export");
        }
    }
}

#[test]
fn wechat_export_false_writes_none_and_offers_no_copy() {
    let b = fixture(&format!("{SITE_YAML}wechat_export: false\n"))
        .build()
        .unwrap();
    assert!(
        !b.files.keys().any(|p| anxuan::render::wechat::is_export(p)),
        "an export was written"
    );
    for s in KINDS {
        let page = html(&b, &format!("{s}/index.html"));
        assert!(page.contains("class=\"page-tools\""), "{s}");
        assert!(!page.contains("data-wechat-export"), "{s}");
    }
}

#[test]
fn wechat_export_without_host_keeps_paths_and_says_so() {
    let b = fixture("title: 测试站\nbase_url: /aq/\n").build().unwrap();
    let doc = Html::parse_document(&html(&b, "drills/d/wechat.html"));
    let fields: String = doc
        .select(&sel("[data-wechat-fields]"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        fields.contains("站点未配置 base_url 的域名，图片地址不是完整网址"),
        "{fields}"
    );
    let root = content(&doc);
    let src = root
        .select(&sel("img"))
        .next()
        .unwrap()
        .value()
        .attr("src")
        .unwrap();
    assert!(src.starts_with("/aq/drills/images/scene."), "{src}");
    let hrefs: Vec<&str> = root
        .select(&sel("a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(hrefs.contains(&"/aq/articles/a/"), "{hrefs:?}");
    assert!(hrefs.contains(&"https://www.mem.gov.cn/"), "{hrefs:?}");
}

#[test]
fn wechat_export_is_byte_identical_between_builds() {
    let site = fixture(SITE_YAML);
    let one = site.build().unwrap();
    let two = site.build().unwrap();
    for stem in KINDS {
        let path = format!("{stem}/wechat.html");
        assert!(one.files[&path] == two.files[&path], "{path} differs");
    }
}

#[test]
fn wechat_exports_stay_out_of_sitemap_search_feeds_and_checks() {
    let b = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    let exports: Vec<&String> = b
        .files
        .keys()
        .filter(|p| anxuan::render::wechat::is_export(p))
        .collect();
    assert!(exports.len() > 30, "only {} exports", exports.len());
    assert!(exports.iter().any(|p| p.starts_with("drills/")));
    let sitemap = String::from_utf8_lossy(&b.files["sitemap.xml"]).into_owned();
    assert!(
        sitemap.contains("/drills/2026-06-binjiang-gas-leak-drill/"),
        "the sitemap lists pages"
    );
    let mut feeds = 0;
    let mut search = Vec::new();
    for (path, bytes) in &b.files {
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".xml") || path.ends_with(".ics") {
            feeds += usize::from(path.ends_with("atom.xml") || path.ends_with("rss.xml"));
            assert!(!text.contains("wechat"), "{path} names an export");
        }
        if path.starts_with("search/") {
            search.extend_from_slice(bytes);
            assert!(!text.contains("wechat"), "{path} names an export");
        }
    }
    assert!(feeds > 5, "{feeds} feeds");
    let search = String::from_utf8_lossy(&search);
    assert!(
        search.contains("\"u\":\"drills/2026-06-binjiang-gas-leak-drill/\""),
        "the search index lists pages"
    );
    // The checks would find an export without the site's metadata and
    // footer marks if they scanned it; they do not.
    let mentions: Vec<String> = b
        .check
        .findings
        .iter()
        .map(|f| format!("{}: {:?} {}", f.rule, f.diag.span, f.diag.message))
        .filter(|s| s.contains("wechat"))
        .collect();
    assert!(mentions.is_empty(), "{mentions:#?}");
    let o = anxuan(
        &repo_root(),
        &["check", "--strict", "--now", NOW, "--format", "json"],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains("wechat"), "{out}");
    assert!(o.status.success(), "{}\n{out}", stderr(&o));
}
