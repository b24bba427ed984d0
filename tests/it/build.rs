//! Building the example site and small sites: page types, fields, URLs,
//! Markdown features, escaping, determinism.

use scraper::{Html, Selector};

use crate::support::*;
use anxuan::pipeline::BuildOptions;
use std::path::Path;

fn example() -> anxuan::pipeline::Build {
    anxuan::pipeline::build(&repo_root(), &opts())
        .unwrap_or_else(|d| panic!("example site fails: {d:#?}"))
}

#[test]
fn example_site_builds_every_page_type() {
    let b = example();
    for path in [
        "index.html",
        "404.html",
        "articles/index.html",
        "articles/page/2/index.html",
        "articles/2026-05-two-staff-training/index.html",
        "drills/index.html",
        "drills/2027-01-qingshi-plaza-crowd-evacuation/index.html",
        "cases/index.html",
        "cases/2026-case-sewage-well-poisoning/index.html",
        "areas/index.html",
        "areas/enterprise/index.html",
        "areas/village/index.html",
        "areas/community/index.html",
        "areas/school/index.html",
        "areas/family/index.html",
        "tags/index.html",
        "tags/消防安全/index.html",
        "about/index.html",
        "report/index.html",
        "articles/images/safety-exit.svg",
    ] {
        assert!(
            b.files.contains_key(path) || b.copies.iter().any(|c| c.out == path),
            "missing {path}"
        );
    }
    assert!(
        b.diags.is_empty(),
        "the example site has warnings: {:#?}",
        b.diags
    );
}

#[test]
fn every_page_links_the_theme_icon_so_browsers_ask_for_no_missing_favicon() {
    let b = example();
    let icon = b
        .files
        .keys()
        .find(|k| k.starts_with("img/favicon.") && k.ends_with(".ico"))
        .expect("the theme's icon, under a hashed name")
        .clone();
    assert_eq!(&b.files[&icon][..4], b"\0\0\x01\0", "an ICO file");
    // The 公众号 exports link nothing outside (tests/it/wechat.rs).
    let pages = b
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".html") && !anxuan::render::wechat::is_export(p));
    for (path, bytes) in pages {
        let page = String::from_utf8_lossy(bytes);
        assert!(
            page.contains(&format!("<link rel=\"icon\" href=\"/{icon}\"")),
            "{path} lacks the icon link"
        );
    }
}

#[test]
fn a_site_icon_of_its_own_replaces_the_theme_icon() {
    let site = TestSite::new();
    site.write("site.yaml", "title: 测试\nbase_url: https://a.gov.cn/aq/\n");
    site.write("content/articles/a.md", &article("", "正文"));
    site.write_bytes("static/favicon.ico", b"\0\0\x01\0own");
    let b = anxuan::pipeline::build(site.root(), &opts()).unwrap();
    assert!(!b.files.keys().any(|k| k.starts_with("img/favicon.")));
    assert!(b.copies.iter().any(|c| c.out == "favicon.ico"));
    let home = String::from_utf8_lossy(&b.files["index.html"]).into_owned();
    assert!(
        home.contains("<link rel=\"icon\" href=\"/aq/favicon.ico\""),
        "{home}"
    );
}

#[test]
fn example_site_every_list_item_shows_its_date() {
    let b = example();
    let item = Selector::parse("li.item").unwrap();
    let time = Selector::parse("time[datetime]").unwrap();
    let mut checked = 0;
    for (path, bytes) in &b.files {
        if !path.ends_with(".html") {
            continue;
        }
        let doc = Html::parse_document(std::str::from_utf8(bytes).unwrap());
        for li in doc.select(&item) {
            assert!(
                li.select(&time).next().is_some(),
                "undated list item in {path}: {}",
                li.html()
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} list items checked");
}

#[test]
fn example_site_pages_have_one_h1_and_lang() {
    let b = example();
    let h1 = Selector::parse("h1").unwrap();
    for (path, bytes) in &b.files {
        if path.ends_with(".html") {
            let text = std::str::from_utf8(bytes).unwrap();
            assert!(text.contains("<html lang=\"zh-CN\">"), "{path}");
            let doc = Html::parse_document(text);
            assert_eq!(
                doc.select(&h1).count(),
                1,
                "{path} must have exactly one h1"
            );
        }
    }
}

#[test]
fn article_shows_government_news_header() {
    let b = example();
    let page = main_of(&html(&b, "articles/2026-05-two-staff-training/index.html"));
    for needle in [
        "来源：青石街道应急管理办公室",
        "作者：",
        "发布时间：<time datetime=\"2026-05-27T14:30:00+08:00\">2026年5月27日 14:30</time>",
        "责任编辑：",
        "上一篇：",
        "下一篇：",
    ] {
        assert!(page.contains(needle), "missing {needle:?} in\n{page}");
    }
}

#[test]
fn drill_page_shows_time_in_site_zone_and_status() {
    let b = example();
    let page = main_of(&html(
        &b,
        "drills/2027-01-qingshi-plaza-crowd-evacuation/index.html",
    ));
    assert!(page.contains("2027年1月14日 08:30—10:00"), "{page}");
    assert!(page.contains("未开始"), "{page}");
    for label in ["演练地点", "组织单位", "演练类型", "参加对象"] {
        assert!(page.contains(label), "missing {label}");
    }
    let cancelled = main_of(&html(
        &b,
        "drills/2026-10-qingshi-middle-stampede-drill/index.html",
    ));
    assert!(
        cancelled.contains("status-cancelled\">已取消"),
        "{cancelled}"
    );
    let past = main_of(&html(&b, "drills/2026-07-fenglin-flood-drill/index.html"));
    assert!(past.contains("已结束"));
}

#[test]
fn drill_list_puts_upcoming_first_soonest_first_then_months() {
    let b = example();
    let page = main_of(&html(&b, "drills/index.html"));
    let upcoming = page.find("近期演练").unwrap();
    let past = page.find("往期演练").unwrap();
    let jan = page.find("2027年1月14日").unwrap();
    let mar = page.find("2027年3月24日").unwrap();
    let may = page.find("2027年5月12日").unwrap();
    assert!(
        upcoming < jan && jan < mar && mar < may && may < past,
        "order wrong:\n{page}"
    );
    let nov = page.find("<h3>2026年11月</h3>").unwrap();
    let oct = page.find("<h3>2026年10月</h3>").unwrap();
    assert!(past < nov && nov < oct);
}

#[test]
fn case_page_shows_facts_table_and_computed_grade() {
    let b = example();
    let page = main_of(&html(
        &b,
        "cases/2026-case-logistics-warehouse-fire/index.html",
    ));
    assert!(page.contains("<caption>事故基本情况</caption>"));
    assert!(
        page.contains("特别重大事故"),
        "loss ≥ 1亿 makes it 特别重大: {page}"
    );
    assert!(page.contains("12,680 万元"), "{page}");
    for label in [
        "事故日期",
        "事故地点",
        "所属行业",
        "事故类型",
        "死亡人数",
        "重伤人数",
        "受伤人数",
        "事故原因",
        "警示教训",
    ] {
        assert!(page.contains(label), "missing {label}");
    }
    let grades: Vec<String> = b
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("cases/2026-case"))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        .collect();
    for g in ["一般事故", "较大事故", "重大事故", "特别重大事故"] {
        assert!(
            grades.iter().any(|p| p.contains(&format!("\">{g}</span>"))),
            "no case of grade {g}"
        );
    }
}

#[test]
fn area_pages_mix_all_kinds() {
    let b = example();
    // Every page of the area's list.
    let pages: String = b
        .files
        .keys()
        .filter(|k| k.starts_with("areas/community/") && k.ends_with("index.html"))
        .map(|k| main_of(&html(&b, k)))
        .collect();
    for kind in [
        "item-article",
        "item-notice",
        "item-document",
        "item-drill",
        "item-case",
    ] {
        assert!(pages.contains(kind), "areas/community lacks {kind}");
    }
}

#[test]
fn markdown_features_render_in_pages() {
    let site = TestSite::new();
    site.write(
        "content/articles/md.md",
        &article(
            "",
            "**注意：**请按时参加。\n\n安全生产\n人人有责\n\n## 一、工作措施\n\n## 一、工作措施\n\n| 项目 | 数量 |\n|---|---|\n| 灭火器 | 3 |\n\n- [x] 已完成\n\n~~旧做法~~\n\n脚注[^1]\n\n[^1]: 说明。\n\n```yaml\ntitle: x\n```\n",
        ),
    );
    let b = site.build().unwrap();
    let page = main_of(&html(&b, "articles/md/index.html"));
    assert!(page.contains("<strong>注意：</strong>请按时参加"));
    assert!(page.contains("安全生产人人有责"));
    assert!(page.contains("<h2 id=\"一工作措施\">") && page.contains("<h2 id=\"一工作措施-1\">"));
    assert!(
        page.contains("<table>")
            && page.contains("<del>旧做法</del>")
            && page.contains("type=\"checkbox\"")
    );
    assert!(page.contains("footnote"));
    assert!(
        page.contains("class=\"hl-"),
        "code must be highlighted with classes"
    );
    assert!(!page.contains("style="), "no inline styles");
    let css = b
        .files
        .keys()
        .find(|k| k.starts_with("css/highlight.") && k.ends_with(".css"))
        .expect("a content-hashed highlight stylesheet");
    assert!(!b.files.contains_key("css/highlight.css"));
    assert!(html(&b, "articles/md/index.html").contains(&format!("href=\"/{css}\"")));
}

#[test]
fn internal_links_and_relative_images_resolve_under_base_path() {
    let site = TestSite::new();
    site.write("content/drills/d.md", "---\ntitle: 演练\nstart: 2027-01-01 09:00\nend: 2027-01-01 10:00\nlocation: 广场\norganizer: 街道\ndrill_type: 防汛\n---\n\n## 流程\n")
        .write("content/articles/2025/a.md", &article("", "见[演练](@/drills/d.md#流程)。![图](img/p.svg)"))
        .write("content/articles/2025/img/p.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    let b = site
        .build_with(&BuildOptions {
            base_url: Some("https://www.example.gov.cn/aq/".into()),
            ..opts()
        })
        .unwrap();
    let page = html(&b, "articles/a/index.html");
    assert!(
        page.contains("href=\"/aq/drills/d/#流程\"")
            || page.contains("href=\"/aq/drills/d/#%E6%B5%81%E7%A8%8B\""),
        "{page}"
    );
    assert!(
        page.contains("src=\"/aq/articles/2025/img/p.svg\""),
        "{page}"
    );
    assert!(page.contains("href=\"/aq/css/site."));
    assert!(
        page.contains(
            "<link rel=\"canonical\" href=\"https://www.example.gov.cn/aq/articles/a/\">"
        )
    );
    assert!(b.copies.iter().any(|c| c.out == "articles/2025/img/p.svg"));
}

#[test]
fn script_title_is_escaped_everywhere() {
    let site = TestSite::new();
    site.write(
        "content/articles/x.md",
        "---\ntitle: \"<script>alert(1)</script>\"\ndate: 2026-06-16\nsource: \"<img src=x onerror=alert(1)>\"\ntags: [\"<b>标签\"]\n---\n\n<script>alert(2)</script>\n\n正文\n",
    );
    let b = site.build().unwrap();
    for (path, bytes) in &b.files {
        if path.ends_with(".txt") {
            continue; // plain text (search chunks), never parsed as markup
        }
        let s = String::from_utf8_lossy(bytes);
        assert!(!s.contains("<script>alert"), "unescaped script in {path}");
        assert!(!s.contains("<img src=x"), "unescaped attribute in {path}");
        assert!(!s.contains("<b>标签"), "unescaped tag in {path}");
    }
    assert!(
        html(&b, "articles/x/index.html").contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || html(&b, "articles/x/index.html").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
}

#[test]
fn pagination_pages_link_each_other() {
    let site = TestSite::new();
    site.write("site.yaml", "title: 测试\npaginate: 2\n");
    for i in 1..=5 {
        site.write(
            &format!("content/articles/a{i}.md"),
            &format!("---\ntitle: 文章{i}\ndate: 2026-06-{i:02}\n---\n正文{i}\n"),
        );
    }
    let b = site.build().unwrap();
    assert!(b.files.contains_key("articles/page/3/index.html"));
    assert!(!b.files.contains_key("articles/page/4/index.html"));
    let p1 = main_of(&html(&b, "articles/index.html"));
    assert!(
        p1.contains("文章5") && p1.contains("文章4") && !p1.contains("文章3"),
        "newest first: {p1}"
    );
    assert!(p1.contains("href=\"/articles/page/2/\" rel=\"next\""));
    let p2 = main_of(&html(&b, "articles/page/2/index.html"));
    assert!(p2.contains("href=\"/articles/\" rel=\"prev\""));
}

#[test]
fn build_with_same_now_is_byte_identical() {
    let root = repo_root();
    let out = tempfile::tempdir().unwrap();
    let a = out.path().join("a");
    let bdir = out.path().join("b");
    for dir in [&a, &bdir] {
        let o = anxuan(
            &root,
            &["build", "--now", NOW, "--out", dir.to_str().unwrap()],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let sa = snapshot_dir(&a);
    let sb = snapshot_dir(&bdir);
    assert!(sa.len() > 50);
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (k, v) in &sa {
        assert!(v == &sb[k], "{k} differs between two builds");
    }
}

#[test]
fn bom_and_crlf_are_accepted() {
    let site = TestSite::new();
    site.write_bytes("content/articles/w.md", b"\xEF\xBB\xBF---\r\ntitle: Windows\r\ndate: 2026-06-16\r\n---\r\n\r\n\xE6\xAD\xA3\xE6\x96\x87\r\n");
    let b = site.build().unwrap();
    assert!(html(&b, "articles/w/index.html").contains("<h1>Windows</h1>"));
    assert!(b.diags.is_empty());
}

/// An empty output folder (a mount point, a container volume) is filled
/// in place: the folder itself is never renamed or replaced.
#[test]
fn an_empty_output_folder_is_filled_in_place() {
    use std::os::unix::fs::MetadataExt;
    let site = TestSite::new();
    site.write("site.yaml", "title: 测试\n");
    site.write("content/articles/a.md", &article("", "甲文正文"));
    let out = tempfile::tempdir().unwrap();
    let (mount, fresh) = (out.path().join("mount"), out.path().join("fresh"));
    std::fs::create_dir(&mount).unwrap();
    let ino = std::fs::metadata(&mount).unwrap().ino();
    for dir in [&mount, &fresh, &mount] {
        let o = site.run(&["build", "--now", NOW, "--out", dir.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(dir.join("index.html").is_file());
    }
    assert_eq!(std::fs::metadata(&mount).unwrap().ino(), ino);
    assert_eq!(snapshot_dir(&mount), snapshot_dir(&fresh));
}

#[test]
fn rebuild_over_previous_output_equals_a_fresh_build() {
    let site = TestSite::new();
    site.write("site.yaml", "title: 测试\n");
    site.write("content/articles/a.md", &article("", "甲文正文"));
    site.write("content/articles/b.md", &article("", "乙文正文"));
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let build = |dir: &Path| {
        let o = site.run(&["build", "--now", NOW, "--out", dir.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    build(&public);
    let before = snapshot_dir(&public);
    // Change one page, remove another: unchanged files are left alone, the
    // rest are new, and nothing stale survives — not even what somebody
    // put into the output by hand: a stray file, an empty folder, a folder
    // where a page goes.
    site.write("content/articles/a.md", &article("", "甲文改过的正文"));
    std::fs::remove_file(site.root().join("content/articles/b.md")).unwrap();
    let ino = |p: &Path| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p).unwrap().ino()
    };
    let not_found = public.join("404.html");
    let not_found_ino = ino(&not_found);
    std::fs::write(public.join("junk.txt"), "x").unwrap();
    std::fs::create_dir_all(public.join("empty/deeper")).unwrap();
    let a_page = public.join("articles/a/index.html");
    std::fs::remove_file(&a_page).unwrap();
    std::fs::create_dir_all(a_page.join("inside")).unwrap();
    std::fs::write(a_page.join("inside/x.txt"), "x").unwrap();
    build(&public);
    assert_eq!(
        ino(&not_found),
        not_found_ino,
        "an unchanged file is not rewritten"
    );
    assert!(!public.join("empty").exists(), "empty folders go");
    assert!(
        !public.join("articles/b").exists(),
        "a removed page's folder goes"
    );
    // A link in the output (here to a folder outside holding the same
    // page): the output is replaced whole, nothing is read through it.
    let outside = tempfile::tempdir().unwrap();
    let tags = public.join("tags");
    std::fs::rename(&tags, outside.path().join("tags")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("tags"), &tags).unwrap();
    let outside_before = snapshot_dir(outside.path());
    build(&public);
    assert!(public.join("tags").is_dir() && !public.join("tags").is_symlink());
    assert_eq!(
        snapshot_dir(outside.path()),
        outside_before,
        "nothing outside the output is touched"
    );
    let fresh = out.path().join("fresh");
    build(&fresh);
    assert_eq!(snapshot_dir(&public), snapshot_dir(&fresh));
    let after = snapshot_dir(&public);
    assert!(before.contains_key("articles/b/index.html"));
    assert!(!after.contains_key("articles/b/index.html"));
    assert_ne!(
        before["articles/a/index.html"],
        after["articles/a/index.html"]
    );
    let left: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "no staging or old folder left: {left:?}");
}

#[test]
fn site_images_get_their_intrinsic_size() {
    let site = TestSite::new();
    site.write(
        "site.yaml",
        "title: 测试\nbase_url: https://a.example.cn/sub/\n",
    );
    site.write_bytes("content/articles/images/现场 照片.png", &png(800, 600));
    site.write(
        "content/articles/a.md",
        &article(
            "",
            "![检查现场](images/现场%20照片.png)\n\n<img src=\"images/现场%20照片.png\" width=\"10\" alt=\"小图\">\n\n![外部](https://img.example.cn/x.png)\n",
        ),
    );
    let b = site.build().unwrap();
    let html = html(&b, "articles/a/index.html");
    // Published in its sizes (480, 720 and its own 800), named by the largest
    // up to 720, under the base path.
    let name = "/sub/articles/images/%E7%8E%B0%E5%9C%BA%20%E7%85%A7%E7%89%87";
    assert!(
        html.contains(&format!("{name}.480.")) && html.contains(&format!("{name}.800.")),
        "{html}"
    );
    assert!(
        html.contains(
            "width=\"720\" height=\"540\" decoding=\"async\" src=\"/sub/articles/images/"
        ),
        "{html}"
    );
    // A size written by hand is kept; an external image gets none.
    assert!(html.contains("width=\"10\""), "{html}");
    assert!(
        !html.contains("src=\"https://img.example.cn/x.png\" width"),
        "{html}"
    );
}
