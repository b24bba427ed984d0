//! `anxuan check` and the checks at the end of `anxuan build`: each rule
//! fires on the `checks` fixture (or a small site) and is silent on the
//! example site.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::static_server;
use crate::support::*;

fn rules(b: &anxuan::pipeline::Build) -> BTreeSet<&'static str> {
    b.check.findings.iter().map(|f| f.rule).collect()
}

fn check_json(dir: &std::path::Path, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["check", "--now", NOW, "--format", "json"];
    all.extend_from_slice(args);
    let o = anxuan(dir, &all);
    let stdout = String::from_utf8(o.stdout.clone()).unwrap();
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}\n{}", stderr(&o)));
    (o.status.code().unwrap(), v, stderr(&o))
}

fn json_rules(v: &Value) -> BTreeSet<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_rule_fires_on_the_checks_fixture() {
    let b = anxuan::pipeline::build(&fixture("checks"), &opts()).unwrap();
    let got = rules(&b);
    for rule in [
        "broken-link",
        "broken-anchor",
        "broken-image",
        "missing-alt",
        "missing-date",
        "stale-column",
        "footer-mark",
    ] {
        assert!(
            got.contains(rule),
            "{rule} did not fire: {:#?}",
            b.check.findings
        );
    }
    let msgs: Vec<String> = b
        .check
        .findings
        .iter()
        .map(|f| f.diag.to_string())
        .collect();
    let has = |needle: &str| msgs.iter().any(|m| m.contains(needle));
    // Body links are reported at their source file, template links at
    // the output file.
    assert!(
        has("content/articles/links.md: warning: broken link `/no-such-page/`"),
        "{msgs:#?}"
    );
    assert!(has("404.html:"), "template link: {msgs:#?}");
    assert!(has("no-such-folder"), "{msgs:#?}");
    assert!(!has("#正文"), "a good anchor was reported: {msgs:#?}");
    assert!(has("不存在的小标题"));
    assert!(has("image `/articles/img/p.svg` has no alt text"));
    assert!(has("content/drills/nodate.md:1:1: warning:"));
    assert!(has("last updated 327 days ago"));
    assert!(has("警示案例 column (cases/) has no published content"));
    for mark in ["联系方式", "ICP备案号", "公安备案号", "网站标识码"] {
        assert!(has(&format!("the footer has no {mark}")), "{mark}");
    }
    assert!(!has("the footer has no 主办单位"));
    // Findings are warnings: the build itself succeeds.
    assert!(b.check.findings.iter().all(|f| !f.diag.is_error()));
}

#[test]
fn check_json_lists_findings_on_stdout_and_strict_fails() {
    let dir = fixture("checks");
    let (code, v, err) = check_json(&dir, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["version"], 1);
    assert_eq!(v["errors"], 0);
    assert!(v["warnings"].as_u64().unwrap() >= 10);
    let r = json_rules(&v);
    assert!(
        r.contains("broken-link") && r.contains("footer-mark"),
        "{r:?}"
    );
    let f = &v["findings"][0];
    for key in ["rule", "severity", "file", "line", "col", "message", "help"] {
        assert!(f.get(key).is_some(), "no {key} in {f}");
    }
    assert!(!err.contains("\"findings\""), "JSON must not go to stderr");
    let (code, v, _) = check_json(&dir, &["--strict"]);
    assert_eq!(code, 1);
    assert_eq!(v["warnings"], 0);
    assert!(v["errors"].as_u64().unwrap() >= 10);
}

#[test]
fn build_prints_findings_as_warnings_and_succeeds() {
    let out = tempfile::tempdir().unwrap();
    let o = anxuan(
        &fixture("checks"),
        &[
            "build",
            "--now",
            NOW,
            "--out",
            out.path().join("p").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: broken link `/no-such-page/`"),
        "{err}"
    );
    assert!(err.contains("warning(s)"), "{err}");
    assert!(o.stdout.is_empty(), "build writes nothing on stdout");
}

#[test]
fn example_site_has_no_findings_anywhere_it_is_deployed() {
    let root = repo_root();
    for args in [
        vec![],
        vec!["--base-url", "https://example.gov.cn/anquan/"],
        vec!["--relative"],
        vec!["--relative", "--base-url", "https://example.gov.cn/anquan/"],
    ] {
        let mut all = vec!["--strict"];
        all.extend(args.iter().copied());
        let (code, v, err) = check_json(&root, &all);
        assert_eq!(code, 0, "{args:?}: {v:#}\n{err}");
        assert_eq!(
            v["findings"].as_array().unwrap().len(),
            0,
            "{args:?}: {v:#}"
        );
    }
}

#[test]
fn require_reviewer_fails_the_build_but_not_for_drafts() {
    let site = TestSite::new();
    site.write("site.yaml", &format!("{SITE_YAML}require_reviewer: true\n"))
        .write(
            "content/articles/a.md",
            &article("reviewer: 王审核\n", "正文"),
        )
        .write("content/articles/b.md", &article("", "正文"))
        .write("content/articles/c.md", &article("draft: true\n", "正文"));
    let out = site.root().join("public");
    let o = site.run(&["build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("content/articles/b.md:1:1: error: no `reviewer`"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing may be written");
    let (code, v, _) = check_json(site.root(), &[]);
    assert_eq!(code, 1);
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "missing-reviewer")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["content/articles/b.md"]);
    site.write(
        "content/articles/b.md",
        &article("reviewer: 王审核\n", "正文"),
    );
    assert!(site.run(&["build", "--now", NOW]).status.success());
}

#[test]
fn stale_rule_respects_stale_days_and_fresh_columns_pass() {
    let site = TestSite::new();
    site.write("content/articles/a.md", &article("", "正文")) // 2026-06-16
        .write(
            "content/cases/c.md",
            "---\ntitle: 案例\ndate: 2026-11-20\naccident_date: 2026-10-01\nplace: 某地\naccident_type: 火灾\n---\n\n经过。\n",
        );
    let b = site.build().unwrap();
    let stale: Vec<String> = b
        .check
        .findings
        .iter()
        .filter(|f| f.rule == "stale-column")
        .map(|f| f.diag.message.clone())
        .collect();
    assert_eq!(stale.len(), 1, "{stale:#?}");
    assert!(stale[0].contains("工作动态"));
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}stale_days:\n  articles: 0\n"),
    );
    let b = site.build().unwrap();
    assert!(!rules(&b).contains("stale-column"));
    // A draft or a scheduled article does not make a column fresh.
    site.write("site.yaml", SITE_YAML).write(
        "content/articles/new.md",
        &article("draft: true\n", "x").replace("2026-06-16", "2026-11-27"),
    );
    let b = site.build().unwrap();
    assert!(rules(&b).contains("stale-column"));
}

#[test]
fn government_site_with_every_mark_is_silent() {
    let site = TestSite::new();
    site.write(
        "site.yaml",
        &format!(
            "{SITE_YAML}government_site: true\nfooter:\n  organizer: 某街道办事处\n  contact: 电话 0000-0000\n  icp: 浙ICP备00000000号-1\n  police_record: 浙公网安备 33010000000000号\n  site_code: \"3301000000\"\n"
        ),
    )
    .write("content/articles/a.md", &article("", "正文"));
    let b = site.build().unwrap();
    assert!(
        !rules(&b).contains("footer-mark"),
        "{:#?}",
        b.check.findings
    );
    // A theme that drops the footer is caught on the rendered pages.
    site.write(
        "themes/default/templates/base.html",
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>{{ title }}</title>{% block head %}{% endblock head %}</head><body class=\"{% block page_class %}{% endblock page_class %}\"><main>{% block main %}{% endblock main %}</main></body></html>",
    );
    let b = site.build().unwrap();
    let f: Vec<&String> = b
        .check
        .findings
        .iter()
        .filter(|f| f.rule == "footer-mark")
        .map(|f| &f.diag.message)
        .collect();
    assert_eq!(f.len(), 5, "{f:#?}");
}

#[test]
fn external_links_are_checked_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let mut extra = BTreeMap::new();
    extra.insert("/ok".to_owned(), 200);
    extra.insert("/gone".to_owned(), 404);
    let server = static_server::serve(dir.path().to_path_buf(), "/nothing/", extra);
    let site = TestSite::new();
    site.write(
        "content/articles/a.md",
        &article("", &format!("[好]({0}/ok) [坏]({0}/gone)", server.origin)),
    );
    let (code, v, _) = check_json(site.root(), &[]);
    assert_eq!(code, 0);
    assert!(!json_rules(&v).contains("external-link"));
    let (code, v, err) = check_json(site.root(), &["--external", "--timeout", "5"]);
    assert_eq!(code, 0, "{err}");
    let ext: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "external-link")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(ext.len(), 1, "{ext:#?}");
    assert!(
        ext[0].contains("/gone") && ext[0].contains("404"),
        "{}",
        ext[0]
    );
}

#[test]
fn check_json_reports_content_errors_when_the_site_does_not_build() {
    let (code, v, err) = check_json(&fixture("broken"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(v["errors"].as_u64().unwrap() > 5);
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "content");
    assert_eq!(f["severity"], "error");
    assert!(f["file"].as_str().unwrap().starts_with("content/"));
}
