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

/// A site with two article columns, a notice column and a document column.
const COLUMNS_YAML: &str = "title: 测试站\nbase_url: https://aq.example.gov.cn/\ncolumns:\n  - folder: notices\n    title: 通知公告\n    kind: notice\n  - folder: news\n    title: 工作动态\n    kind: article\n  - folder: knowledge\n    title: 安全知识\n    kind: article\n    description: 身边安全常识。\n  - folder: documents\n    title: 政策文件\n    kind: document\n";

fn columns_site() -> TestSite {
    let site = TestSite::new();
    site.write("site.yaml", COLUMNS_YAML)
        .write(
            "content/news/a.md",
            "---\ntitle: 街道开展燃气安全检查\ndate: 2026-06-01\ntags: [燃气]\n---\n\n燃气检查正文。\n",
        )
        .write(
            "content/knowledge/k.md",
            "---\ntitle: 燃气泄漏怎么办\ndate: 2026-05-01\ntags: [燃气]\n---\n\n关阀开窗，不要开关电器。\n",
        )
        .write(
            "content/notices/n.md",
            "---\ntitle: 关于燃气排查的通知\ndate: 2026-06-02\nissuer: 青石街道安委办\nvalid_until: 2026-07-01\nattachments:\n  - file: files/表.pdf\n    title: 排查表\n  - files/清单.docx\n---\n\n请各社区配合。\n",
        )
        .write_bytes("content/notices/files/表.pdf", &[b'%'; 356 * 1024])
        .write_bytes("content/notices/files/清单.docx", &[b'P'; 2000])
        .write(
            "content/documents/d.md",
            "---\ntitle: 燃气安全管理办法\ndate: 2026-03-01\ndoc_no: 青石街[2026]3号\nissuer: 青石街道办事处\ninterpretation: \"@/news/a.md\"\n---\n\n第一条……\n",
        );
    site
}

#[test]
fn two_article_columns_have_their_own_lists_feeds_and_search_facets() {
    let site = columns_site();
    let b = site.build().unwrap();
    let news = main_of(&html(&b, "news/index.html"));
    let knowledge = main_of(&html(&b, "knowledge/index.html"));
    assert!(news.contains("<h1>工作动态</h1>") && news.contains("街道开展燃气安全检查"));
    assert!(
        !news.contains("燃气泄漏怎么办"),
        "each column lists its own pages"
    );
    assert!(knowledge.contains("<h1>安全知识</h1>") && knowledge.contains("身边安全常识。"));
    assert!(knowledge.contains("燃气泄漏怎么办") && !knowledge.contains("街道开展燃气安全检查"));
    // The page's URL is its column's folder.
    assert!(b.files.contains_key("knowledge/k/index.html"));
    // Feeds per column, with the column's name.
    for (feed, title, has, lacks) in [
        (
            "news/atom.xml",
            "测试站 - 工作动态",
            "街道开展燃气安全检查",
            "燃气泄漏怎么办",
        ),
        (
            "knowledge/rss.xml",
            "测试站 - 安全知识",
            "燃气泄漏怎么办",
            "街道开展燃气安全检查",
        ),
    ] {
        let xml = String::from_utf8(b.files[feed].clone()).unwrap();
        assert!(
            xml.contains(title) && xml.contains(has) && !xml.contains(lacks),
            "{feed}: {xml}"
        );
    }
    // The navigation follows the columns, in their order.
    let home = html(&b, "index.html");
    let nav = &home[home.find("site-nav").unwrap()..];
    let at = |t: &str| nav.find(t).unwrap_or_else(|| panic!("nav lacks {t}"));
    assert!(
        at("通知公告") < at("工作动态")
            && at("工作动态") < at("安全知识")
            && at("安全知识") < at("政策文件")
    );
    // A tag page mixes both article columns.
    let tag = main_of(&html(&b, "tags/燃气/index.html"));
    assert!(tag.contains("街道开展燃气安全检查") && tag.contains("燃气泄漏怎么办"));
    // The search filters by column.
    let manifest: serde_json::Value =
        serde_json::from_slice(&b.files["search/manifest.json"]).unwrap();
    let facets: Vec<(&str, &str)> = manifest["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        facets,
        [
            ("notices", "通知公告"),
            ("news", "工作动态"),
            ("knowledge", "安全知识"),
            ("documents", "政策文件")
        ]
    );
}

#[test]
fn notices_list_attachments_with_format_and_size_and_expire() {
    let site = columns_site();
    let b = site.build().unwrap();
    let page = main_of(&html(&b, "notices/n/index.html"));
    assert!(page.contains("附件"), "{page}");
    assert!(
        page.contains(">排查表</a> <span class=\"attachment-meta\">（PDF，356 KB）</span>"),
        "{page}"
    );
    assert!(
        page.contains(">清单.docx</a> <span class=\"attachment-meta\">（DOCX，2 KB）</span>"),
        "{page}"
    );
    assert!(
        page.contains("href=\"/notices/files/%E8%A1%A8.pdf\""),
        "{page}"
    );
    assert!(
        b.copies.iter().any(|a| a.out == "notices/files/表.pdf"),
        "the attachment is copied"
    );
    // Past its valid_until at the build's --now: shown expired, still published.
    assert!(
        page.contains("已过期") && page.contains("本通知已过有效期"),
        "{page}"
    );
    let list = main_of(&html(&b, "notices/index.html"));
    assert!(
        list.contains("已过期") && list.contains("青石街道安委办"),
        "{list}"
    );
}

#[test]
fn attachments_missing_or_outside_the_site_are_errors_at_their_line() {
    let site = columns_site();
    site.write(
        "content/notices/bad.md",
        "---\ntitle: 坏附件\ndate: 2026-06-02\nattachments:\n  - files/没有.pdf\n  - ../../../etc/passwd.pdf\n---\n\n正文\n",
    );
    site.write(
        "content/notices/exe.md",
        "---\ntitle: 程序附件\ndate: 2026-06-02\nattachments:\n  - files/a.exe\n---\n\n正文\n",
    );
    let errors = site.errors();
    let at = |file: &str, line: usize, text: &str| {
        assert!(
            errors.iter().any(|d| d.is_error()
                && d.span
                    .as_ref()
                    .is_some_and(|s| s.path == file && s.line == line)
                && d.message.contains(text)
                && d.help.is_some()),
            "no error at line {line} with {text:?}: {errors:#?}"
        );
    };
    // Every problem of the run at once.
    at("content/notices/bad.md", 5, "not found");
    at("content/notices/bad.md", 6, "outside the site");
    at("content/notices/exe.md", 5, "format");
}

#[test]
fn documents_show_their_metadata_and_link_their_interpretation_both_ways() {
    let site = columns_site();
    let b = site.build().unwrap();
    let doc = main_of(&html(&b, "documents/d/index.html"));
    for text in [
        "信息公开要素",
        "发文机关",
        "青石街道办事处",
        "有效性",
        "有效",
        "政策解读",
    ] {
        assert!(doc.contains(text), "document page lacks {text}: {doc}");
    }
    assert!(doc.contains("href=\"/news/a/\""), "{doc}");
    let article = main_of(&html(&b, "news/a/index.html"));
    assert!(
        article.contains("解读文件") && article.contains("href=\"/documents/d/\""),
        "{article}"
    );
    // The 文号 with [ ] gets a warning with the corrected form.
    let o = site.run(&["build", "--now", NOW]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("content/documents/d.md:4:9: warning") && err.contains("青石街〔2026〕3号"),
        "{err}"
    );
    let jsonld = html(&b, "documents/d/index.html");
    assert!(
        jsonld.contains("\"@type\":\"Legislation\""),
        "JSON-LD Legislation"
    );
}

#[test]
fn column_mistakes_name_their_site_yaml_line_or_folder() {
    let site = columns_site();
    // A folder no column names, and a column whose folder is missing.
    site.write("content/guide/g.md", &article("", "正文"));
    site.write(
        "site.yaml",
        &format!("{COLUMNS_YAML}  - folder: drills\n    title: 应急演练\n    kind: drill\n"),
    );
    let o = site.run(&["build", "--now", NOW]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/guide: error: the folder `guide` is not a column"),
        "{err}"
    );
    assert!(
        err.contains("- folder: guide"),
        "the help shows the YAML to add: {err}"
    );
    assert!(
        err.contains("site.yaml:17:5: error: the folder content/drills"),
        "{err}"
    );
    // An unknown kind, at its line.
    site.write(
        "site.yaml",
        &COLUMNS_YAML.replace("kind: document", "kind: documnet"),
    );
    let o = site.run(&["build", "--now", NOW]);
    let err = stderr(&o);
    assert!(
        err.contains("site.yaml:16:11: error: unknown column kind `documnet`"),
        "{err}"
    );
}

/// What `anxuan build` writes for `root`, by output path.
fn built(root: &Path, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let _ = std::fs::remove_dir_all(out);
    build_to(root, out);
    snapshot_dir(out)
        .into_iter()
        .filter(|(k, _)| k != ".anxuan-output")
        .map(|(k, v)| (k.replace('\\', "/"), v))
        .collect()
}

fn assert_served_equals_built(server: &anxuan::serve::Server, root: &Path, out: &Path, when: &str) {
    let served = crate::edits::served(server).unwrap();
    let built = built(root, out);
    let differ: Vec<&String> = built
        .keys()
        .filter(|k| served.get(*k) != built.get(*k))
        .chain(served.keys().filter(|k| !built.contains_key(*k)))
        .collect();
    assert!(
        differ.is_empty(),
        "{when}: served and built differ in {differ:?}"
    );
}

#[test]
fn serve_equals_a_fresh_build_after_adding_a_column_and_moving_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(repo_root().join("site.yaml"), root.join("site.yaml")).unwrap();
    copy_dir(&repo_root().join("content"), &root.join("content"));
    let mut opts = opts();
    opts.render.live_reload = true;
    let (server, mut rb) = anxuan::serve::state_for(&root, &opts);
    assert_served_equals_built(&server, &root, &out, "the first build");

    // A new column, with a page in it.
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let yaml = yaml.replace(
        "  - folder: pages\n",
        "  - folder: tips\n    title: 安全提示\n    kind: article\n  - folder: pages\n",
    );
    std::fs::write(root.join("site.yaml"), yaml).unwrap();
    std::fs::create_dir_all(root.join("content/tips")).unwrap();
    std::fs::write(
        root.join("content/tips/t.md"),
        "---\ntitle: 冬季取暖防一氧化碳中毒\ndate: 2026-11-20\n---\n\n使用燃煤取暖要开窗通风。\n",
    )
    .unwrap();
    let told = ["site.yaml".to_owned(), "content/tips/t.md".to_owned()];
    assert!(matches!(
        anxuan::serve::rebuild(&server, &mut rb, &told),
        anxuan::serve::Outcome::Built { .. }
    ));
    assert!(
        crate::edits::served(&server)
            .unwrap()
            .contains_key("tips/t/index.html")
    );
    assert_served_equals_built(&server, &root, &out, "after adding a column");

    // A page moved from one column to another.
    let from = "content/knowledge/2026-03-gas-safe-use.md";
    let to = "content/tips/2026-03-gas-safe-use.md";
    std::fs::rename(root.join(from), root.join(to)).unwrap();
    let told = [from.to_owned(), to.to_owned()];
    assert!(matches!(
        anxuan::serve::rebuild(&server, &mut rb, &told),
        anxuan::serve::Outcome::Built { .. }
    ));
    let served = crate::edits::served(&server).unwrap();
    assert!(served.contains_key("tips/2026-03-gas-safe-use/index.html"));
    assert!(!served.contains_key("knowledge/2026-03-gas-safe-use/index.html"));
    assert_served_equals_built(&server, &root, &out, "after moving a file between columns");
}

#[test]
fn notice_and_document_fields_are_checked_at_their_lines() {
    let site = columns_site();
    site.write(
        "content/notices/late.md",
        "---\ntitle: 过期的通知\ndate: 2026-06-02\nvalid_until: 2026-05-01\nattachments: files/表.pdf\n---\n\n正文\n",
    )
    .write(
        "content/documents/bad.md",
        "---\ntitle: 坏文件\ndate: 2026-06-02\nstatus: 作废\nreplaced_by: documents/d.md\ninterpretation: \"@/news/none.md\"\n---\n\n正文\n",
    )
    .write(
        "content/documents/no-issuer.md",
        "---\ntitle: 无发文机关\ndate: 2026-06-02\n---\n\n正文\n",
    );
    let errors = site.errors();
    let at = |file: &str, line: usize, text: &str| {
        let d = errors
            .iter()
            .find(|d| {
                d.is_error()
                    && d.span
                        .as_ref()
                        .is_some_and(|s| s.path == file && s.line == line)
                    && d.message.contains(text)
            })
            .unwrap_or_else(|| panic!("no error at {file}:{line} with {text:?}: {errors:#?}"));
        let help = d.help.as_deref().unwrap_or("");
        assert!(
            help.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "Chinese help: {help}"
        );
    };
    at("content/notices/late.md", 4, "before the notice's `date`");
    at("content/notices/late.md", 5, "must be a list");
    at(
        "content/documents/bad.md",
        4,
        "unknown document status `作废`",
    );
    at("content/documents/bad.md", 5, "must be an `@/` link");
    at("content/documents/no-issuer.md", 1, "issuer");
    // A link to a page that does not exist is found once the rest loads.
    site.write(
        "content/documents/bad.md",
        "---\ntitle: 坏文件\ndate: 2026-06-02\nissuer: 街道\ninterpretation: \"@/news/none.md\"\n---\n\n正文\n",
    );
    std::fs::remove_file(site.root().join("content/notices/late.md")).unwrap();
    std::fs::remove_file(site.root().join("content/documents/no-issuer.md")).unwrap();
    let errors = site.errors();
    assert!(
        errors.iter().any(|d| d
            .span
            .as_ref()
            .is_some_and(|s| s.path == "content/documents/bad.md" && s.line == 5)
            && d.message.contains("@/news/none.md does not exist")),
        "{errors:#?}"
    );
}
