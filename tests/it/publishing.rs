//! Publishing rules: drafts, scheduled (future) and expired content.

use crate::support::*;
use anxuan::pipeline::BuildOptions;
use anxuan::site::PublishOptions;

fn site() -> TestSite {
    let s = TestSite::new();
    s.write("content/articles/published.md", &article("", "已发布"))
        .write("content/articles/draft.md", "---\ntitle: 草稿\ndate: 2026-06-16\ndraft: true\n---\n")
        .write("content/articles/future.md", "---\ntitle: 定时发布\ndate: 2026-12-01 08:00\n---\n")
        .write("content/articles/expired.md", "---\ntitle: 过期通知\ndate: 2025-06-16\nexpires: 2025-12-31\n---\n")
        .write("content/articles/expires-today.md", "---\ntitle: 今天到期\ndate: 2025-06-16\nexpires: 2026-11-28\n---\n")
        .write(
            "content/drills/upcoming.md",
            "---\ntitle: 未来的演练\nstart: 2027-03-01 09:00\nend: 2027-03-01 10:00\nlocation: 广场\norganizer: 街道\ndrill_type: 防汛\n---\n",
        );
    s
}

fn built(s: &TestSite, drafts: bool, future: bool) -> Vec<String> {
    let b = s
        .build_with(&BuildOptions {
            publish: PublishOptions {
                drafts,
                future,
                ..Default::default()
            },
            ..opts()
        })
        .unwrap();
    b.files
        .keys()
        .filter(|k| k.ends_with("/index.html"))
        .cloned()
        .collect()
}

#[test]
fn default_build_leaves_out_drafts_future_and_expired() {
    let files = built(&site(), false, false);
    assert!(files.contains(&"articles/published/index.html".to_owned()));
    assert!(
        files.contains(&"articles/expires-today/index.html".to_owned()),
        "valid through its expiry date"
    );
    assert!(
        files.contains(&"drills/upcoming/index.html".to_owned()),
        "a future start never hides a drill"
    );
    for hidden in ["draft", "future", "expired"] {
        assert!(
            !files.contains(&format!("articles/{hidden}/index.html")),
            "{hidden} must be hidden"
        );
    }
}

#[test]
fn drafts_flag_includes_drafts_only() {
    let files = built(&site(), true, false);
    assert!(files.contains(&"articles/draft/index.html".to_owned()));
    assert!(!files.contains(&"articles/future/index.html".to_owned()));
}

#[test]
fn future_flag_includes_scheduled_content() {
    let files = built(&site(), false, true);
    assert!(files.contains(&"articles/future/index.html".to_owned()));
    assert!(!files.contains(&"articles/draft/index.html".to_owned()));
    assert!(
        !files.contains(&"articles/expired/index.html".to_owned()),
        "expired stays out even with --future"
    );
}

#[test]
fn now_decides_what_is_future() {
    let s = site();
    let b = s
        .build_with(&BuildOptions {
            now: Some("2026-12-01T09:00:00+08:00".into()),
            ..BuildOptions::default()
        })
        .unwrap();
    assert!(b.files.contains_key("articles/future/index.html"));
    assert!(!b.files.contains_key("articles/expires-today/index.html"));
}

#[test]
fn link_to_draft_warns_but_builds() {
    let s = site();
    s.write(
        "content/articles/linker.md",
        &article("", "见[草稿](@/articles/draft.md)"),
    );
    let b = s.build().unwrap();
    assert!(
        b.diags
            .iter()
            .any(|d| d.message.contains("draft")
                && loc(d).starts_with("content/articles/linker.md:")),
        "{:#?}",
        b.diags
    );
}
