//! All-day drills: `start`/`end` written as dates without a time of day
//! mean whole days in the site's zone — on the page, in the status, in
//! JSON-LD and feeds; a date-time mixed with a date is an error at `end`.
//! (The calendar side is in `ics.rs`.)

use anxuan::pipeline::{Build, BuildOptions};

use crate::support::*;

/// A drill file with the given `start`/`end` lines (either may be empty).
fn drill(when: &str) -> String {
    format!(
        "---\ntitle: 防汛演练\n{when}location: 江堤\norganizer: 街道防汛办\ndrill_type: 防汛\nfive_into: 社区\n---\n\n汛期全天演练。\n"
    )
}

fn build_at(site: &TestSite, now: &str) -> Build {
    site.build_with(&BuildOptions {
        now: Some(now.into()),
        ..opts()
    })
    .unwrap_or_else(|d| panic!("build failed: {d:?}"))
}

fn one_day_site() -> TestSite {
    let site = TestSite::new();
    site.write(
        "content/drills/flood.md",
        &drill("start: 2026-12-20\nend: 2026-12-20\n"),
    );
    site
}

#[test]
fn all_day_drill_same_start_and_end_builds_and_shows_quantian() {
    let site = one_day_site();
    let o = site.run(&["build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = std::fs::read_to_string(site.root().join("public/drills/flood/index.html")).unwrap();
    let main = main_of(&page);
    assert!(
        main.contains("<time datetime=\"2026-12-20\">2026年12月20日（全天）</time>"),
        "{main}"
    );
    let list = std::fs::read_to_string(site.root().join("public/drills/index.html")).unwrap();
    assert!(list.contains("时间：2026年12月20日（全天）"), "{list}");
}

#[test]
fn all_day_drill_without_end_is_one_whole_day() {
    let site = TestSite::new();
    site.write("content/drills/flood.md", &drill("start: 2026-12-20\n"));
    let b = site.build().unwrap();
    let main = main_of(&html(&b, "drills/flood/index.html"));
    assert!(main.contains("2026年12月20日（全天）"), "{main}");
}

#[test]
fn all_day_drill_over_several_days_shows_first_and_last_day() {
    let site = TestSite::new();
    site.write(
        "content/drills/flood.md",
        &drill("start: 2026-12-20\nend: 2026-12-22\n"),
    );
    let b = site.build().unwrap();
    let main = main_of(&html(&b, "drills/flood/index.html"));
    assert!(main.contains("2026年12月20日至12月22日（全天）"), "{main}");
    // Still on, late on its last day.
    let late = build_at(&site, "2026-12-22T23:30:00+08:00");
    let main = main_of(&html(&late, "drills/flood/index.html"));
    assert!(main.contains("status-ongoing\">进行中"), "{main}");
}

#[test]
fn all_day_drill_status_by_whole_days_in_site_zone() {
    let site = one_day_site();
    let status = |now: &str| {
        let b = build_at(&site, now);
        let main = main_of(&html(&b, "drills/flood/index.html"));
        ["未开始", "进行中", "已结束"]
            .into_iter()
            .find(|s| main.contains(&format!("\">{s}</span>")))
            .unwrap_or_else(|| panic!("no status in {main}"))
    };
    assert_eq!(status("2026-12-19T23:59:00+08:00"), "未开始");
    assert_eq!(status("2026-12-20T00:00:00+08:00"), "进行中");
    // 23:30 in Shanghai (15:30 UTC): still the drill day.
    assert_eq!(status("2026-12-20T15:30:00Z"), "进行中");
    assert_eq!(status("2026-12-21T00:00:00+08:00"), "已结束");
    // The drill list agrees: late on the day it is among the upcoming ones.
    let late = build_at(&site, "2026-12-20T23:30:00+08:00");
    let list = main_of(&html(&late, "drills/index.html"));
    let upcoming = list.find("近期演练").unwrap();
    let item = list.find("2026年12月20日（全天）").unwrap();
    assert!(upcoming < item && !list.contains("往期演练"), "{list}");
    let next_day = build_at(&site, "2026-12-21T00:00:00+08:00");
    let list = main_of(&html(&next_day, "drills/index.html"));
    assert!(
        list.contains("近期暂无演练安排") && list.contains("往期演练"),
        "{list}"
    );
}

#[test]
fn all_day_drill_jsonld_event_has_plain_dates() {
    let b = one_day_site().build().unwrap();
    let page = html(&b, "drills/flood/index.html");
    let start = page.find("application/ld+json").unwrap();
    let script = &page[start..];
    let json = &script[script.find('>').unwrap() + 1..script.find("</script>").unwrap()];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["@type"], "Event");
    assert_eq!(v["startDate"], "2026-12-20");
    assert_eq!(v["endDate"], "2026-12-20");
}

#[test]
fn all_day_drill_feed_entry_shows_quantian() {
    let b = one_day_site().build().unwrap();
    let atom = html(&b, "atom.xml");
    assert!(atom.contains("演练时间：2026年12月20日（全天）"), "{atom}");
}

#[test]
fn drill_timed_start_date_only_end_is_an_error_at_end() {
    let site = TestSite::new();
    site.write(
        "content/drills/mixed.md",
        &drill("start: 2026-12-20 09:00\nend: 2026-12-20\n"),
    );
    let diags = site.errors();
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(
        d.span.as_ref().map(ToString::to_string).as_deref(),
        Some("content/drills/mixed.md:4:6")
    );
    assert!(d.message.contains("RFC 5545 §3.8.2.2"), "{}", d.message);
    let help = d.help.as_deref().unwrap_or("");
    assert!(
        help.contains("end 也要写时间") && help.contains("全天"),
        "{help}"
    );
}

#[test]
fn drill_date_only_start_timed_end_is_an_error_at_end() {
    let site = TestSite::new();
    site.write(
        "content/drills/mixed.md",
        &drill("start: 2026-12-20\nend: 2026-12-20 17:00\n"),
    );
    let o = site.run(&["build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("content/drills/mixed.md:4:6: error: `end` has a time of day"),
        "{err}"
    );
    assert!(
        err.contains("help: start 只写了日期（全天演练），end 也只写日期"),
        "{err}"
    );
}

#[test]
fn all_day_drill_end_before_start_is_an_error_at_end() {
    let site = TestSite::new();
    site.write(
        "content/drills/back.md",
        &drill("start: 2026-12-22\nend: 2026-12-20\n"),
    );
    let diags = site.errors();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        diags[0].span.as_ref().map(ToString::to_string).as_deref(),
        Some("content/drills/back.md:4:6")
    );
    assert!(diags[0].help.as_deref().unwrap_or("").contains("全天演练"));
}

#[test]
fn timed_drill_without_end_is_still_missing_end() {
    let site = TestSite::new();
    site.write("content/drills/t.md", &drill("start: 2026-12-20 09:00\n"));
    let diags = site.errors();
    assert!(
        diags
            .iter()
            .any(|d| d.message == "missing required field `end`"),
        "{diags:?}"
    );
}
