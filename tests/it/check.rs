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
        "empty-column",
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
    assert!(has("the column 警示案例 (cases/) has nothing published"));
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
            "{SITE_YAML}government_site: true\nfooter:\n  organizer: 某街道办事处\n  contact: 电话 0000-0000\n  icp: 浙ICP备00000000号-1\n  police_record: 浙公网安备 33010000000000号\n  site_code: \"3301000000\"\n  feedback_url: https://12345.example.gov.cn/liuyan?a=1&b=2\n  gov_mark:\n    image: images/dzjg.svg\n    url: https://bszs.conac.cn/sitename?method=show&id=AB12\n"
        ),
    )
    .write("content/articles/a.md", &article("", "正文"))
    .write("static/images/dzjg.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"55\" height=\"68\"/>");
    let b = site.build().unwrap();
    assert!(
        !rules(&b).contains("footer-mark") && !rules(&b).contains("broken-image"),
        "{:#?}",
        b.check.findings
    );
    // The 党政机关网站标识 links its verification page; 咨询建言 is in the footer.
    let home = html(&b, "index.html");
    assert!(
        home.contains(r#"<a href="https://bszs.conac.cn/sitename?method=show&amp;id=AB12"><img src="/images/dzjg.svg" alt="党政机关网站标识""#),
        "{home}"
    );
    assert!(
        home.contains(r#"<a href="https://12345.example.gov.cn/liuyan?a=1&amp;b=2">咨询建言</a>"#)
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
    // The five marks, the feedback link and the 党政机关网站标识.
    assert_eq!(f.len(), 7, "{f:#?}");
    assert!(f.iter().any(|m| m.contains("党政机关网站标识")), "{f:#?}");
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

/// An article of personal numbers and of numbers that only look like them.
const NUMBERS: &str = "---\ntitle: 隐患整改联系人\ndate: 2026-06-16\nsource: 联系人手机 13912345678\n---\n\n\
请联系 13800138000 或 138 0013 8000（值班）。\n\
申请人身份证 11010519491231002X，退款卡号 6222021234567890128。\n\
非个人信息：订单号 6222021234567890127，时间戳 20260601123045，\
编号13800138000号，价格 13800138000.50 元，座机 0571-86120350，\
身份证号校验位错误 110105194912310021，网址 https://example.gov.cn/13800138000.html，\
文号 临江应急〔2026〕12号。\n";

#[test]
fn personal_numbers_are_found_masked_and_silenced_where_allowed() {
    let site = TestSite::new();
    site.write("content/articles/ok.md", &article("", "正文"));
    let o = site.run(&["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot_dir(&site.root().join("public"));
    site.write("content/articles/n.md", NUMBERS);
    let (code, v, err) = check_json(site.root(), &[]);
    let found: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ["personal-id", "bank-card", "mobile"].contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                format!("{}:{}", f["line"], f["col"]),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("mobile", "4:15", "139****5678"),
        ("mobile", "7:5", "138****8000"),
        ("mobile", "7:19", "138****8000"),
        ("personal-id", "8:8", "110105********002X"),
        ("bank-card", "8:32", "6222***********0128"),
    ];
    assert_eq!(found.len(), want.len(), "{found:#?}\n{err}");
    for ((rule, at, msg), (r, a, masked)) in found.iter().zip(want) {
        assert_eq!((rule.as_str(), at.as_str()), (r, a), "{found:#?}");
        assert!(msg.contains(masked), "{msg}");
    }
    // Errors: the ID and the card (mobiles are warnings).
    assert_eq!(code, 1, "{err}");
    assert_eq!(v["errors"], 2);
    // Nothing shows a number unmasked, on either stream.
    let all = format!("{v}{err}");
    for digits in [
        "13800138000",
        "11010519491231002X",
        "6222021234567890128",
        "13912345678",
    ] {
        assert!(!all.contains(digits), "{digits} printed unmasked");
    }
    let o = site.run(&["check", "--now", NOW]);
    let console = stderr(&o);
    assert!(
        console.contains("content/articles/n.md:8:8: error: 居民身份证号 110105********002X"),
        "{console}"
    );
    assert!(
        !console.contains("13800138000") && !console.contains("11010519491231002X"),
        "{console}"
    );
    // The console ends with counts per rule.
    let table = &console[console.find("rule ").expect("a summary table")..];
    assert!(
        table.contains("mobile") && table.contains("personal-id") && table.contains("bank-card"),
        "{table}"
    );
    // The build refuses to publish them and leaves the last output alone.
    let o = site.run(&["build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(snapshot_dir(&site.root().join("public")), before);
    // Allowed numbers and a file's check_allow silence them.
    site.write(
        "site.yaml",
        &format!(
            "{SITE_YAML}allow_numbers: [\"110105 19491231 002x\", \"6222-0212-3456-7890-128\"]\n"
        ),
    );
    site.write(
        "content/articles/n.md",
        &NUMBERS.replace(
            "date: 2026-06-16\n",
            "date: 2026-06-16\ncheck_allow: [mobile]\n",
        ),
    );
    let (_, v, err) = check_json(site.root(), &[]);
    let rules = json_rules(&v);
    assert!(
        !rules.contains("personal-id") && !rules.contains("bank-card") && !rules.contains("mobile"),
        "{v:#}\n{err}"
    );
}

#[test]
fn personal_number_rules_find_nothing_in_a_generated_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    crate::search::generated_site(&site, 240, 30, 30, 20240601);
    let (_, v, err) = check_json(&site, &[]);
    let rules = json_rules(&v);
    for rule in ["personal-id", "bank-card", "mobile"] {
        assert!(!rules.contains(rule), "{rule} in the corpus: {err}");
    }
    // The corpus does carry numbers: dates, counts, figures of five digits.
    let text: String = std::fs::read_dir(site.join("content/articles"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .collect();
    let long_runs = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| r.len() >= 5)
        .count();
    assert!(long_runs > 50, "{long_runs} numbers of 5+ digits");
}

#[test]
fn wrong_words_outdated_names_and_doc_nos_are_reported_with_the_right_form() {
    let site = TestSite::new();
    site.write(
        "check/words.yaml",
        "words:\n  - { wrong: 安全生产月活动月, right: 安全生产月, note: 重复 }\n  - 绝对安全\nallow: [公安消防大队]\n",
    )
    .write(
        "content/articles/w.md",
        "---\ntitle: 用词\ndate: 2026-06-16\n---\n\n\
         街道开展安全生产月活动月，确保绝对安全。\n\
         区安监局和ＸＸ县公安消防支队到场指导。\n\
         > 2017年，区安监局牵头……\n\
         依据《通知》（临江应急[2026]12号），公安消防大队参加。\n\
         正确：区应急管理局、消防救援支队、临江应急〔2026〕12号。\n",
    );
    let (code, v, err) = check_json(site.root(), &[]);
    let got: Vec<(String, String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ["word", "outdated-name", "doc-no"].contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                format!("{}:{}", f["line"], f["col"]),
                f["severity"].as_str().unwrap().to_owned(),
                f["help"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let want = [
        ("word", "6:5", "error", "应为“安全生产月”（重复）"),
        ("word", "6:16", "error", "不宜使用"),
        ("outdated-name", "7:2", "warning", "应为“应急管理局”"),
        ("outdated-name", "7:9", "warning", "应为“消防救援支队”"),
        ("doc-no", "9:8", "warning", "临江应急〔2026〕12号"),
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}\n{err}");
    for ((rule, at, sev, help), (r, a, s, h)) in got.iter().zip(want) {
        assert_eq!(
            (rule.as_str(), at.as_str(), sev.as_str()),
            (r, a, s),
            "{got:#?}"
        );
        assert!(help.contains(h), "{help}");
    }
    assert_eq!(code, 1, "site words are errors: {err}");
    // A file silences a rule; a bad words.yaml names its line.
    site.write(
        "content/articles/w.md",
        "---\ntitle: 用词\ndate: 2026-06-16\ncheck_allow: [word, outdated-name, doc-no]\n---\n\n绝对安全，区安监局，临江应急[2026]12号。\n",
    );
    let (code, v, _) = check_json(site.root(), &[]);
    let rules = json_rules(&v);
    assert!(
        !rules.contains("word") && !rules.contains("outdated-name") && !rules.contains("doc-no")
    );
    assert_eq!(code, 0);
    site.write("check/words.yaml", "words:\n  - [a, b]\n");
    let o = site.run(&["check", "--now", NOW]);
    assert!(
        stderr(&o).contains("check/words.yaml:2:5: error"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn review_chain_levels_are_required_as_site_yaml_says() {
    let site = TestSite::new();
    site.write("site.yaml", &format!("{SITE_YAML}require_review: 3\n"))
        .write(
            "content/articles/full.md",
            &article("review: [张三, 李四, 王五]\n", "正文"),
        )
        .write(
            "content/articles/two.md",
            &article("review: [张三, 李四]\n", "正文"),
        )
        .write(
            "content/articles/alias.md",
            &article("review: [张三, 李四]\nreviewer: 王五\n", "正文"),
        )
        .write("content/articles/none.md", &article("", "正文"))
        .write(
            "content/articles/draft.md",
            &article("draft: true\n", "正文"),
        );
    let (code, v, err) = check_json(site.root(), &[]);
    let files: BTreeSet<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "review")
        .map(|f| f["file"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        files,
        ["content/articles/none.md", "content/articles/two.md"]
            .map(String::from)
            .into(),
        "{err}"
    );
    assert_eq!(code, 1, "missing reviews are errors: {err}");
    let o = site.run(&["build", "--now", NOW]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the build refuses unreviewed items"
    );
    // The page shows the chain.
    site.write("site.yaml", SITE_YAML);
    let b = site.build().unwrap();
    let page = main_of(&html(&b, "articles/full/index.html"));
    assert!(
        page.contains("初审：张三") && page.contains("复审：李四") && page.contains("终审：王五"),
        "{page}"
    );
    // require_review must be 0..3.
    site.write("site.yaml", &format!("{SITE_YAML}require_review: 4\n"));
    let o = site.run(&["check", "--now", NOW]);
    assert!(
        stderr(&o).contains("site.yaml:3:17: error: `require_review` must be 0, 1, 2 or 3"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn empty_columns_and_a_stale_home_page_are_found() {
    let site = TestSite::new();
    site.write(
        "site.yaml",
        &format!(
            "{SITE_YAML}columns:\n  - {{folder: news, title: 工作动态, kind: article}}\n  - {{folder: notices, title: 通知公告, kind: notice}}\n"
        ),
    )
    .write("content/news/old.md", "---\ntitle: 旧闻\ndate: 2026-10-01\nfive_into: [社区]\n---\n\n正文\n")
    .write("content/notices/draft.md", "---\ntitle: 草稿\ndate: 2026-11-01\ndraft: true\n---\n\n正文\n");
    let (_, v, err) = check_json(site.root(), &[]);
    let msgs: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ["empty-column", "stale-home"].contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let has = |rule: &str, text: &str| {
        assert!(
            msgs.iter().any(|(r, m)| r == rule && m.contains(text)),
            "{rule} {text}: {msgs:#?}\n{err}"
        );
    };
    has("empty-column", "通知公告 (notices/)"); // only a draft there
    has("empty-column", "进企业"); // the area pages without content
    has("stale-home", "58 days old");
    assert!(
        !msgs.iter().any(|(_, m)| m.contains("工作动态 (news/)")),
        "{msgs:#?}"
    );
    assert!(!msgs.iter().any(|(_, m)| m.contains("进社区")), "{msgs:#?}");
    // Strict fails on them.
    let (code, _, _) = check_json(site.root(), &["--strict"]);
    assert_eq!(code, 1);
}
