//! Drill calendars (RFC 5545), read back with a real iCalendar parser
//! (the `ical` crate), plus the octet-level rules a parser forgives.

use ical::parser::ical::component::{IcalCalendar, IcalEvent};

use crate::support::*;
use anxuan::pipeline::{Build, BuildOptions};
use anxuan::render::ics::unescape_text;

fn parse(bytes: &[u8]) -> IcalCalendar {
    let mut cals: Vec<IcalCalendar> = ical::IcalParser::new(bytes)
        .map(|c| c.unwrap_or_else(|e| panic!("calendar does not parse: {e}")))
        .collect();
    assert_eq!(cals.len(), 1);
    cals.remove(0)
}

fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

fn ev<'a>(e: &'a IcalEvent, name: &str) -> &'a str {
    prop(&e.properties, name).unwrap_or_else(|| panic!("no {name}"))
}

/// CRLF everywhere, no physical line over 75 octets, each line valid UTF-8.
fn assert_octet_rules(path: &str, bytes: &[u8]) {
    assert!(bytes.ends_with(b"\r\n"), "{path}");
    let mut lines = 0;
    for line in bytes.split(|&b| b == b'\n') {
        if line.is_empty() {
            continue;
        }
        assert_eq!(line.last(), Some(&b'\r'), "{path}: bare LF");
        let line = &line[..line.len() - 1];
        assert!(line.len() <= 75, "{path}: {} octets", line.len());
        assert!(
            std::str::from_utf8(line).is_ok(),
            "{path}: a fold split a UTF-8 character"
        );
        assert!(!line.contains(&b'\r'), "{path}: bare CR");
        lines += 1;
    }
    assert!(lines > 5);
}

const DRILL: &str = "---\ntitle: \"{title}\"\ndate: 2026-11-01\nstart: 2026-12-10 09:30\nend: 2026-12-10 11:00\nlocation: 测试小学\naddress: 测试路1号, 3楼; 操场\norganizer: 测试街道应急办\ndrill_type: 消防疏散\naudience: 全校师生\n{extra}five_into: 学校\n---\n\n演练说明。\n";

fn drill(title: &str, extra: &str) -> String {
    DRILL.replace("{title}", title).replace("{extra}", extra)
}

#[test]
fn example_calendars_parse_and_carry_every_field() {
    let b = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    let mut files = 0;
    for (path, bytes) in &b.files {
        if path.ends_with(".ics") {
            assert_octet_rules(path, bytes);
            parse(bytes);
            files += 1;
        }
    }
    assert_eq!(files, 1 + 5 + 9, "site + areas + one per drill");
    let cal = parse(&b.files["drills/calendar.ics"]);
    for name in [
        "VERSION",
        "PRODID",
        "CALSCALE",
        "X-WR-CALNAME",
        "X-WR-TIMEZONE",
    ] {
        assert!(prop(&cal.properties, name).is_some(), "missing {name}");
    }
    assert_eq!(prop(&cal.properties, "VERSION"), Some("2.0"));
    assert_eq!(
        prop(&cal.properties, "X-WR-TIMEZONE"),
        Some("Asia/Shanghai")
    );
    assert_eq!(cal.events.len(), 9);
    for e in &cal.events {
        for name in [
            "UID",
            "DTSTAMP",
            "DTSTART",
            "DTEND",
            "SUMMARY",
            "LOCATION",
            "DESCRIPTION",
            "URL",
            "STATUS",
            "LAST-MODIFIED",
        ] {
            assert!(prop(&e.properties, name).is_some(), "missing {name}");
        }
        assert_eq!(ev(e, "DTSTAMP"), "20261128T040000Z");
        assert!(ev(e, "DTSTART").ends_with('Z'));
        assert!(ev(e, "URL").starts_with("https://aq.qingshi.example.gov.cn/drills/"));
        assert!(unescape_text(ev(e, "DESCRIPTION")).contains("演练类型："));
    }
    let fire = cal
        .events
        .iter()
        .find(|e| ev(e, "URL").ends_with("/2025-11-qingshi-primary-fire-evacuation/"))
        .unwrap();
    assert_eq!(ev(fire, "DTSTART"), "20251107T020000Z"); // 10:00 in Shanghai
    assert_eq!(ev(fire, "DTEND"), "20251107T030000Z");
    assert_eq!(
        unescape_text(ev(fire, "LOCATION")),
        "临江区青石小学（江城市临江区青石街道学府路16号）"
    );
    // Area calendars hold only the area's drills.
    let school = parse(&b.files["areas/school/drills.ics"]);
    assert!(!school.events.is_empty() && school.events.len() < 9);
}

#[test]
fn drill_page_links_add_to_calendar_and_webcal() {
    let b = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    let page = html(&b, "drills/2026-06-binjiang-gas-leak-drill/index.html");
    assert!(page.contains(
        "<a class=\"calendar-add\" href=\"/drills/2026-06-binjiang-gas-leak-drill/calendar.ics\">加入日历</a>"
    ));
    assert!(page.contains(
        "href=\"webcal://aq.qingshi.example.gov.cn/drills/2026-06-binjiang-gas-leak-drill/calendar.ics\""
    ));
    let one = parse(&b.files["drills/2026-06-binjiang-gas-leak-drill/calendar.ics"]);
    assert_eq!(one.events.len(), 1);
    assert!(
        html(&b, "drills/index.html")
            .contains("webcal://aq.qingshi.example.gov.cn/drills/calendar.ics")
    );
}

#[test]
fn long_chinese_title_folds_on_character_boundaries_and_unfolds_exactly() {
    let site = TestSite::new();
    let title: String = "青石街道消防安全疏散综合应急演练，请居民；注意\\"
        .chars()
        .cycle()
        .take(200)
        .collect();
    site.write(
        "content/drills/long.md",
        &drill(&title.replace('\\', "\\\\"), ""),
    );
    let b = site.build().unwrap();
    let bytes = &b.files["drills/long/calendar.ics"];
    assert_octet_rules("long", bytes);
    let cal = parse(bytes);
    assert_eq!(unescape_text(ev(&cal.events[0], "SUMMARY")), title);
    assert_eq!(
        unescape_text(ev(&cal.events[0], "LOCATION")),
        "测试小学（测试路1号, 3楼; 操场）"
    );
    // The raw text escapes `,` `;` `\`.
    let text = String::from_utf8(bytes.clone())
        .unwrap()
        .replace("\r\n ", "");
    assert!(text.contains("LOCATION:测试小学（测试路1号\\, 3楼\\; 操场）\r\n"));
}

#[test]
fn cancelled_and_postponed_drills_have_their_status() {
    let site = TestSite::new();
    site.write(
        "content/drills/a.md",
        &drill("取消的演练", "status: 已取消\n"),
    )
    .write(
        "content/drills/b.md",
        &drill("延期的演练", "status: 已延期\n"),
    )
    .write("content/drills/c.md", &drill("正常的演练", ""));
    let b = site.build().unwrap();
    let cal = parse(&b.files["drills/calendar.ics"]);
    let by = |t: &str| {
        cal.events
            .iter()
            .find(|e| unescape_text(ev(e, "SUMMARY")).contains(t))
            .unwrap()
    };
    assert_eq!(ev(by("取消的演练"), "STATUS"), "CANCELLED");
    assert!(unescape_text(ev(by("取消的演练"), "SUMMARY")).starts_with("【已取消】"));
    assert_eq!(ev(by("延期的演练"), "STATUS"), "TENTATIVE");
    assert_eq!(ev(by("正常的演练"), "STATUS"), "CONFIRMED");
}

fn uids(b: &Build) -> Vec<String> {
    parse(&b.files["drills/calendar.ics"])
        .events
        .iter()
        .map(|e| ev(e, "UID").to_owned())
        .collect()
}

#[test]
fn uids_are_stable_across_builds_and_dtstamp_follows_now() {
    let a = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    let later = anxuan::pipeline::build(
        &repo_root(),
        &BuildOptions {
            now: Some("2026-11-29T08:00:00+08:00".into()),
            ..opts()
        },
    )
    .unwrap();
    let sorted = |b: &Build| {
        let mut u = uids(b);
        u.sort();
        u
    };
    assert_eq!(sorted(&a), sorted(&later), "UIDs change between builds");
    let u = uids(&a);
    assert!(u.iter().all(|x| x.ends_with("@aq.qingshi.example.gov.cn")));
    let mut dedup = u.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), u.len(), "UIDs are unique");
    let again = anxuan::pipeline::build(&repo_root(), &opts()).unwrap();
    assert_eq!(
        a.files["drills/calendar.ics"], again.files["drills/calendar.ics"],
        "same inputs, same bytes"
    );
    let cal = parse(&later.files["drills/calendar.ics"]);
    assert_eq!(ev(&cal.events[0], "DTSTAMP"), "20261129T000000Z");
}

fn param(e: &IcalEvent, name: &str) -> Vec<(String, Vec<String>)> {
    e.properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.params.clone())
        .unwrap_or_default()
}

#[test]
fn all_day_drill_writes_date_values_with_exclusive_dtend() {
    let site = TestSite::new();
    let base = drill("全天防汛演练", "");
    site.write(
        "content/drills/one.md",
        &base.replace(
            "start: 2026-12-10 09:30\nend: 2026-12-10 11:00\n",
            "start: 2026-12-20\nend: 2026-12-20\n",
        ),
    )
    .write(
        "content/drills/three.md",
        &base.replace(
            "start: 2026-12-10 09:30\nend: 2026-12-10 11:00\n",
            "start: 2026-12-20\nend: 2026-12-22\n",
        ),
    )
    .write(
        "content/drills/no-end.md",
        &base.replace(
            "start: 2026-12-10 09:30\nend: 2026-12-10 11:00\n",
            "start: 2026-12-31\n",
        ),
    );
    let b = site.build().unwrap();
    for (name, start, end) in [
        ("one", "20261220", "20261221"),
        ("three", "20261220", "20261223"),
        ("no-end", "20261231", "20270101"),
    ] {
        let path = format!("drills/{name}/calendar.ics");
        let bytes = &b.files[&path];
        assert_octet_rules(&path, bytes);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.contains(&format!("\r\nDTSTART;VALUE=DATE:{start}\r\n")),
            "{text}"
        );
        assert!(
            text.contains(&format!("\r\nDTEND;VALUE=DATE:{end}\r\n")),
            "{text}"
        );
        let cal = parse(bytes);
        let e = &cal.events[0];
        assert_eq!(ev(e, "DTSTART"), start);
        assert_eq!(ev(e, "DTEND"), end);
        let date = vec![("VALUE".to_owned(), vec!["DATE".to_owned()])];
        assert_eq!(param(e, "DTSTART"), date);
        assert_eq!(param(e, "DTEND"), date);
    }
    // The site calendar holds all three and still parses.
    let all = parse(&b.files["drills/calendar.ics"]);
    assert_eq!(all.events.len(), 3);
}
