//! Malformed input: every problem of a build reported at its file:line:col,
//! together, sorted; the previous output left intact.

use crate::support::*;

fn broken_site() -> TestSite {
    let site = copy_fixture("broken");
    let (gbk, _, _) =
        encoding_rs::GBK.encode("---\ntitle: 消防安全\ndate: 2026-06-16\n---\n正文\n");
    site.write_bytes("content/articles/gbk.md", &gbk);
    site
}

#[test]
fn broken_site_reports_every_error_at_its_location_in_one_run() {
    let site = broken_site();
    let o = site.run(&["build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let expected: Vec<&str> = std::fs::read_to_string(fixture("broken/expected.txt"))
        .unwrap()
        .leak()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    let printed: Vec<&str> = err.lines().filter(|l| l.starts_with("content/")).collect();
    for want in &expected {
        assert!(
            printed.iter().any(|p| p.starts_with(want)),
            "missing diagnostic\n  {want}\nin output:\n{err}"
        );
    }
    // Sorted by file, line, column; nothing unexpected.
    assert_eq!(
        printed.len(),
        expected.len(),
        "unexpected diagnostics:\n{err}"
    );
    for (p, want) in printed.iter().zip(&expected) {
        assert!(
            p.starts_with(want),
            "order differs: got\n  {p}\nexpected\n  {want}"
        );
    }
    assert!(
        err.contains("error: could not build the site: 21 errors"),
        "{err}"
    );
}

#[test]
fn broken_site_errors_come_with_help() {
    let site = broken_site();
    let diags = site.errors();
    let find = |file: &str| {
        diags
            .iter()
            .find(|d| d.span.as_ref().is_some_and(|s| s.path.ends_with(file)))
            .unwrap()
    };
    assert!(
        find("unknown-key.md")
            .help
            .as_deref()
            .unwrap()
            .contains("five_into"),
        "did-you-mean hint"
    );
    assert!(find("gbk.md").help.as_deref().unwrap().contains("GBK"));
    assert!(
        find("grade-mismatch.md")
            .help
            .as_deref()
            .unwrap()
            .contains("较大")
    );
    for d in &diags {
        assert!(d.help.is_some(), "no help for {d}");
    }
}

#[test]
fn failed_build_leaves_previous_output_byte_for_byte() {
    let site = copy_fixture("broken");
    // First a good site: remove the broken files.
    std::fs::remove_dir_all(site.root().join("content")).unwrap();
    site.write("content/articles/ok.md", &article("", "正文"));
    let o = site.run(&["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot_dir(&site.root().join("public"));
    assert!(before.contains_key("articles/ok/index.html"));
    // Then break it.
    site.write(
        "content/articles/ok.md",
        "---\ntitle: x\ndate: not-a-date\n---\n",
    );
    site.write("content/articles/new.md", &article("", "新文章"));
    let o = site.run(&["build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("was left unchanged"), "{}", stderr(&o));
    let after = snapshot_dir(&site.root().join("public"));
    assert_eq!(before, after, "public/ changed after a failed build");
    assert!(!site.root().join("public.anxuan-staging").exists());
}

#[test]
fn template_error_names_template_and_page() {
    let site = TestSite::new();
    site.write("content/articles/a.md", &article("", "正文"));
    site.write(
        "themes/default/templates/article.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.no_such_field.x }}{% endblock main %}",
    );
    let diags = site.errors();
    let d = diags
        .iter()
        .find(|d| d.message.contains("template error"))
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert!(d.message.contains("content/articles/a.md"), "{d}");
    assert!(
        d.span.as_ref().unwrap().path.contains("article.html"),
        "{d}"
    );
}

#[test]
fn yaml_error_line_is_line_of_file() {
    let site = TestSite::new();
    site.write(
        "content/articles/y.md",
        "---\ntitle: a\ndate: 2026-06-16\nsummary: \"unclosed\n---\n正文\n",
    );
    let diags = site.errors();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0].span.as_ref().unwrap().line >= 4, "{}", diags[0]);
}

#[test]
fn config_errors_are_reported_with_hint() {
    let site = TestSite::new();
    site.write(
        "site.yaml",
        "title: x\ntimzone: Asia/Shanghai\npaginate: ten\n",
    );
    let diags = site.errors();
    let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert!(
        text.iter().any(
            |t| t.starts_with("site.yaml:2:1: error: unknown field `timzone`")
                && t.contains("timezone")
        ),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("site.yaml:3:11: error: `paginate` must be a whole number")),
        "{text:#?}"
    );
}

// The slips editors make most (issue 16, item 6): each reported at its own
// line and column, with a Chinese hint.

/// The one diagnostic of `diags` at `path:line:col`.
fn at<'a>(diags: &'a [anxuan::error::Diagnostic], want: &str) -> &'a anxuan::error::Diagnostic {
    let found: Vec<_> = diags.iter().filter(|d| loc(d) == want).collect();
    assert_eq!(found.len(), 1, "one diagnostic at {want}: {diags:#?}");
    found[0]
}

/// The only problem of the failing build of `site`, which must be at `want`.
fn sole_error_at(site: &TestSite, want: &str) -> anxuan::error::Diagnostic {
    let diags = site.errors();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    at(&diags, want).clone()
}

fn help(d: &anxuan::error::Diagnostic) -> &str {
    d.help.as_deref().unwrap_or_default()
}

#[test]
fn yaml_full_width_colon_is_reported_at_the_colon() {
    let site = TestSite::new();
    site.write(
        "content/articles/a.md",
        "---\ntitle：测试\ndate: 2026-06-16\n---\n正文\n",
    );
    let d = &sole_error_at(&site, "content/articles/a.md:2:6");
    assert!(d.message.contains("full-width colon"), "{d}");
    assert_eq!(
        help(d),
        "第 2 行使用了全角冒号“：”，请改为英文冒号“:”并在后面加一个空格"
    );
}

#[test]
fn yaml_slip_keeps_the_other_errors_of_the_file() {
    let site = TestSite::new();
    site.write(
        "content/articles/a.md",
        "---\ntitle：测试\ndate: 2026-13-01\nfiveinto: 社区\n---\n正文\n",
    );
    let diags = site.errors();
    let locs: Vec<String> = diags.iter().map(loc).collect();
    assert_eq!(
        locs,
        [
            "content/articles/a.md:2:6",
            "content/articles/a.md:3:7",
            "content/articles/a.md:4:1"
        ],
        "{diags:#?}"
    );
    assert!(diags[1].message.contains("invalid date `2026-13-01`"));
    assert!(help(&diags[2]).contains("five_into"));
}

#[test]
fn yaml_full_width_space_indent_is_reported_at_the_space() {
    let site = TestSite::new();
    site.write(
        "content/articles/a.md",
        &article("extra:\n\u{3000}\u{3000}cover: a.jpg\n", "正文"),
    );
    let d = &sole_error_at(&site, "content/articles/a.md:5:1");
    assert!(d.message.contains("full-width space"), "{d}");
    assert!(help(d).starts_with("第 5 行开头用了全角空格"), "{d}");
    assert!(help(d).contains("半角空格"), "{d}");
}

#[test]
fn yaml_full_width_list_dash_is_reported_at_the_dash() {
    let site = TestSite::new();
    site.write(
        "content/articles/a.md",
        &article("tags:\n  - 消防\n  －燃气\n", "正文"),
    );
    let d = &sole_error_at(&site, "content/articles/a.md:6:3");
    assert!(d.message.contains("`－`"), "{d}");
    assert!(
        help(d).starts_with("第 6 行的列表项用了全角符号“－”，请改为英文减号“-”"),
        "{d}"
    );
}

#[test]
fn yaml_chinese_quotes_around_value_warn_at_the_quote() {
    let site = TestSite::new();
    site.write(
        "content/articles/a.md",
        "---\ntitle: “消防演练”\ndate: 2026-06-16\n---\n正文\n",
    );
    // Valid YAML, maybe meant: the page builds, with a warning.
    let b = site.build().expect("quotes are a warning, not an error");
    let d = at(&b.diags, "content/articles/a.md:2:8");
    assert!(!d.is_error(), "{d}");
    assert!(d.message.contains("Chinese quotes"), "{d}");
    assert!(help(d).starts_with("第 2 行的值两边是中文引号"), "{d}");
    assert!(help(d).contains("去掉中文引号"), "{d}");
}

#[test]
fn yaml_tab_before_key_is_reported_at_the_tab() {
    let site = TestSite::new();
    site.write(
        "content/articles/a.md",
        "---\ntitle: 测试\n\tdate: 2026-06-16\n---\n正文\n",
    );
    let d = &sole_error_at(&site, "content/articles/a.md:3:1");
    assert!(d.message.contains("tab"), "{d}");
    assert!(help(d).starts_with("第 3 行开头用了 Tab 键缩进"), "{d}");
    assert!(help(d).contains("请用空格缩进"), "{d}");
}

#[test]
fn config_full_width_colon_is_reported_at_the_colon() {
    let site = TestSite::new();
    site.write(
        "site.yaml",
        "title: 测试站\nbase_url：https://aq.example.gov.cn/\n",
    );
    site.write("content/articles/a.md", &article("", "正文"));
    let d = &sole_error_at(&site, "site.yaml:2:9");
    assert!(help(d).starts_with("第 2 行使用了全角冒号"), "{d}");
}

#[test]
fn date_in_chinese_form_is_refused_with_the_iso_form() {
    let site = TestSite::new();
    site.write(
        "content/articles/a.md",
        "---\ntitle: 测试\ndate: 2025年6月16日\n---\n正文\n",
    );
    site.write(
        "content/drills/d.md",
        "---\ntitle: 演练\nstart: 2025年06月16日 9:30\nlocation: 社区\norganizer: 街道\n---\n",
    );
    let diags = site.errors();
    let d = at(&diags, "content/articles/a.md:3:7");
    assert!(d.message.contains("Chinese form"), "{d}");
    assert!(d.message.contains("`2025-06-16`"), "{d}");
    assert!(help(d).starts_with("请改为 `2025-06-16`"), "{d}");
    let d = at(&diags, "content/drills/d.md:3:8");
    assert!(help(d).starts_with("请改为 `2025-06-16 09:30`"), "{d}");
    for d in &diags {
        assert!(!d.to_string().contains("\\x"), "raw bytes: {d}");
    }
}

#[test]
fn missing_image_is_one_error_as_written_and_fails_the_build() {
    let site = TestSite::new();
    site.write_bytes("content/articles/images/现场.jpg", &png(8, 6));
    site.write(
        "content/articles/a.md",
        &article("", "现场照片：\n\n![现场](images/现场.jpg)\n"),
    );
    let o = site.run(&["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot_dir(&site.root().join("public"));
    site.write(
        "content/articles/a.md",
        &article("", "现场照片：\n\n![现场](images/缺失.jpg)\n"),
    );
    let o = site.run(&["build", "--now", NOW]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let about: Vec<&str> = err.lines().filter(|l| l.contains("缺失")).collect();
    assert_eq!(about.len(), 1, "reported once:\n{err}");
    assert!(
        about[0].starts_with("content/articles/a.md:8:1: error: missing image `images/缺失.jpg`"),
        "{err}"
    );
    assert!(!err.contains("%E"), "percent-encoded path:\n{err}");
    assert!(err.contains("help: 找不到图片文件"), "{err}");
    assert!(err.contains("was left unchanged"), "{err}");
    assert_eq!(before, snapshot_dir(&site.root().join("public")));
}

#[test]
fn image_differing_in_case_or_extension_suggests_the_file() {
    let site = TestSite::new();
    site.write_bytes("content/articles/images/现场.jpg", &png(8, 6));
    site.write(
        "content/articles/a.md",
        &article(
            "",
            "![现场](images/现场.JPG)\n\n![现场](images/现场.jpeg)\n",
        ),
    );
    let diags = site.errors();
    assert_eq!(diags.len(), 2, "{diags:#?}");
    for want in ["content/articles/a.md:6:1", "content/articles/a.md:8:1"] {
        let d = at(&diags, want);
        assert!(d.is_error(), "{d}");
        assert!(
            help(d).starts_with(
                "did you mean `images/现场.jpg`? 找不到图片文件；是否应为 `images/现场.jpg`？"
            ),
            "{d}"
        );
    }
    assert!(
        diags[0].message.contains("`images/现场.JPG`"),
        "{}",
        diags[0]
    );
}
