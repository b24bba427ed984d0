//! Malformed input: every problem of a build reported at its file:line:col,
//! together, sorted; the previous output left intact.

use crate::support::*;

/// Copies a fixture site into a temporary folder.
fn copy_fixture(name: &str) -> TestSite {
    let site = TestSite::new();
    let src = fixture(name);
    for (rel, bytes) in snapshot_dir(&src) {
        site.write_bytes(&rel, &bytes);
    }
    site
}

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
