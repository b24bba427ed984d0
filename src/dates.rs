//! Dates and times in the site's time zone.
//!
//! Owns: the only use of `jiff`. Parses the date spellings editors write
//! (`2025-06-16`, `2025-06-16 09:30`, RFC 3339) and formats them the way a
//! Chinese government site shows them (`2025年6月16日 09:30`); recognizes
//! the spellings it refuses (`2025年6月16日`, `2025/6/16`, `2025.6.16`) to
//! suggest the ISO form. Imports: `error` (for [`crate::error::readable`]).
//!
//! Invariants: a date or date-time without an offset is in the site's time
//! zone; formatting always converts to the site's time zone, so output does
//! not depend on the machine's zone; error messages show no raw bytes.

use std::cmp::Ordering;
use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use crate::error::readable;

pub use jiff::Timestamp;

/// The site's time zone (site.yaml `timezone`, default Asia/Shanghai).
#[derive(Clone)]
pub struct SiteTz {
    name: String,
    tz: TimeZone,
}

impl fmt::Debug for SiteTz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SiteTz({})", self.name)
    }
}

impl SiteTz {
    /// Looks up an IANA zone name in the bundled database.
    pub fn new(name: &str) -> Result<Self, String> {
        TimeZone::get(name)
            .map(|tz| SiteTz {
                name: name.to_owned(),
                tz,
            })
            .map_err(|e| format!("unknown time zone `{name}`: {}", readable(&e.to_string())))
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A moment, remembering whether it was written with a time of day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct When {
    pub ts: Timestamp,
    pub has_time: bool,
}

impl PartialOrd for When {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for When {
    fn cmp(&self, other: &Self) -> Ordering {
        self.ts
            .cmp(&other.ts)
            .then(self.has_time.cmp(&other.has_time))
    }
}

/// The formats accepted in front matter, for error help.
pub const ACCEPTED_FORMATS: &str = "2025-06-16、2025-06-16 09:30 或 2025-06-16T09:30:00+08:00";

/// The ISO spelling (`2025-06-16`, `2025-06-16 09:30`) of a date written
/// in a form [`parse_when`] refuses: Chinese (`2025年6月16日 9:30`,
/// `2025年06月16日 9时30分`), with dots or slashes (`2025.6.16`,
/// `2025/6/16`), without leading zeros (`2025-6-16`), in full-width digits.
/// `None` for anything else, and for text that is ISO already.
pub fn iso_suggestion(input: &str) -> Option<String> {
    let s: Vec<char> = input
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '：' => ':',
            '－' => '-',
            '／' => '/',
            '．' | '。' => '.',
            '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    let mut at = 0;
    let number = |at: &mut usize, max: usize| -> Option<u32> {
        let n = s[*at..]
            .iter()
            .take(max)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n == 0 {
            return None;
        }
        let v = s[*at..*at + n]
            .iter()
            .fold(0, |v, c| v * 10 + c.to_digit(10).unwrap_or(0));
        *at += n;
        Some(v)
    };
    let eat = |at: &mut usize, any: &[char]| -> Option<char> {
        let c = *s.get(*at)?;
        any.contains(&c).then(|| {
            *at += 1;
            c
        })
    };
    let skip_spaces = |at: &mut usize| {
        while s.get(*at).is_some_and(|c| *c == ' ') {
            *at += 1;
        }
    };
    let year = number(&mut at, 4).filter(|y| *y >= 1000)?;
    let sep = eat(&mut at, &['年', '-', '/', '.'])?;
    let month = number(&mut at, 2).filter(|m| (1..=12).contains(m))?;
    if sep == '年' {
        eat(&mut at, &['月'])?;
    } else {
        eat(&mut at, &[sep])?;
    }
    let day = number(&mut at, 2).filter(|d| (1..=31).contains(d))?;
    if sep == '年' {
        eat(&mut at, &['日', '号']);
    }
    let mut out = format!("{year:04}-{month:02}-{day:02}");
    skip_spaces(&mut at);
    if at < s.len() {
        let hour = number(&mut at, 2).filter(|h| *h <= 24)?;
        let minute = match eat(&mut at, &[':', '时', '点'])? {
            ':' => number(&mut at, 2)?,
            _ => number(&mut at, 2).unwrap_or(0),
        };
        if minute > 59 {
            return None;
        }
        eat(&mut at, &['分']);
        out.push_str(&format!(" {hour:02}:{minute:02}"));
        if eat(&mut at, &[':']).is_some() {
            let second = number(&mut at, 2).filter(|s| *s <= 60)?;
            out.push_str(&format!(":{second:02}"));
        }
        skip_spaces(&mut at);
        if at < s.len() {
            return None;
        }
    }
    (out != input.trim()).then_some(out)
}

/// Parses a date or date-time written by an editor.
pub fn parse_when(input: &str, tz: &SiteTz) -> Result<When, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err("empty date".into());
    }
    if let Some(iso) = iso_suggestion(s) {
        let form = if s.contains('年') {
            "in Chinese form"
        } else {
            "not in the form YYYY-MM-DD"
        };
        return Err(format!("date `{s}` is written {form}: write `{iso}`"));
    }
    if let Some(c) = s.chars().find(|c| !c.is_ascii()) {
        return Err(format!(
            "invalid date `{s}`: `{c}` is not part of a date (only digits, `-`, `:`, `T`, `+` and a space)"
        ));
    }
    // With an explicit offset or `Z`: an exact instant.
    let rest = s.get(10..).unwrap_or("");
    let has_offset = rest.ends_with('Z')
        || rest.ends_with('z')
        || rest.contains('+')
        || rest.get(1..).is_some_and(|r| r.contains('-'));
    if has_offset {
        return s
            .replacen(' ', "T", 1)
            .parse::<Timestamp>()
            .map(|ts| When { ts, has_time: true })
            .map_err(|e| format!("invalid date-time `{s}`: {}", readable(&e.to_string())));
    }
    if s.len() == 10 {
        let date: Date = s
            .parse()
            .map_err(|e| format!("invalid date `{s}`: {}", short_err(e)))?;
        let ts = tz
            .tz
            .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|e| format!("date `{s}` does not exist in {}: {}", tz.name, short_err(e)))?;
        return Ok(When {
            ts,
            has_time: false,
        });
    }
    let normalized = s.replacen(' ', "T", 1);
    let dt: DateTime = normalized
        .parse()
        .map_err(|e| format!("invalid date-time `{s}`: {}", short_err(e)))?;
    let ts = tz
        .tz
        .to_ambiguous_zoned_datetime(dt)
        .compatible()
        .map_err(|e| {
            format!(
                "date-time `{s}` does not exist in {}: {}",
                tz.name,
                short_err(e)
            )
        })?
        .timestamp();
    Ok(When { ts, has_time: true })
}

fn short_err(e: jiff::Error) -> String {
    let s = readable(&e.to_string());
    // jiff's messages are long chains; the last part is the useful one.
    s.rsplit(": ").next().unwrap_or(&s).to_owned()
}

/// Parses `--now`: RFC 3339, or a date/date-time in the site's zone.
pub fn parse_now(input: &str, tz: &SiteTz) -> Result<Timestamp, String> {
    parse_when(input, tz).map(|w| w.ts)
}

/// The wall clock, read once per build by the caller.
pub fn wall_clock() -> Timestamp {
    Timestamp::now()
}

/// The first instant after the calendar day of `w` ends, for date-only
/// expiry dates ("expires: 2025-12-31" is valid through that day).
pub fn end_of_day(w: When, tz: &SiteTz) -> Timestamp {
    if w.has_time {
        return w.ts;
    }
    let date = w.ts.to_zoned_datetime(tz.tz.clone()).date();
    date.tomorrow()
        .ok()
        .and_then(|d| {
            tz.tz
                .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()
        })
        .unwrap_or(w.ts)
}

/// Calendar parts of an instant in the site's zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Parts {
    pub year: i16,
    pub month: i8,
    pub day: i8,
    pub hour: i8,
    pub minute: i8,
}

pub fn parts(ts: Timestamp, tz: &SiteTz) -> Parts {
    let z = ts.to_zoned_datetime(tz.tz.clone());
    Parts {
        year: z.year(),
        month: z.month(),
        day: z.day(),
        hour: z.hour(),
        minute: z.minute(),
    }
}

/// `2025年6月16日`
pub fn date_zh(ts: Timestamp, tz: &SiteTz) -> String {
    let p = parts(ts, tz);
    format!("{}年{}月{}日", p.year, p.month, p.day)
}

/// `2025年6月16日 09:30`, or only the date when no time was given.
pub fn when_zh(w: When, tz: &SiteTz) -> String {
    if !w.has_time {
        return date_zh(w.ts, tz);
    }
    let p = parts(w.ts, tz);
    format!(
        "{}年{}月{}日 {:02}:{:02}",
        p.year, p.month, p.day, p.hour, p.minute
    )
}

/// `2025-06-16 09:30`: the `PubDate` of government page metadata (a date
/// without a time reads 00:00).
pub fn ymd_hm(ts: Timestamp, tz: &SiteTz) -> String {
    let p = parts(ts, tz);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        p.year, p.month, p.day, p.hour, p.minute
    )
}

/// `2025-06-16`, the date shown beside every list item.
pub fn ymd(ts: Timestamp, tz: &SiteTz) -> String {
    let p = parts(ts, tz);
    format!("{:04}-{:02}-{:02}", p.year, p.month, p.day)
}

/// `2026年11月`, a month heading.
pub fn month_zh(ts: Timestamp, tz: &SiteTz) -> String {
    let p = parts(ts, tz);
    format!("{}年{}月", p.year, p.month)
}

/// RFC 3339 in the site's zone, e.g. `2025-06-16T09:30:00+08:00`.
pub fn rfc3339(ts: Timestamp, tz: &SiteTz) -> String {
    let z = ts.to_zoned_datetime(tz.tz.clone());
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// RFC 3339 in UTC, e.g. `2025-06-16T01:30:00Z` (Atom, JSON feeds).
pub fn rfc3339_utc(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// RFC 2822 in the site's zone, e.g. `Mon, 16 Jun 2025 09:30:00 +0800` (RSS).
pub fn rfc2822(ts: Timestamp, tz: &SiteTz) -> String {
    let z = ts.to_zoned_datetime(tz.tz.clone());
    z.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// An iCalendar UTC DATE-TIME (RFC 5545 §3.3.5 form 2), e.g. `20250616T013000Z`.
pub fn ics_utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// An iCalendar DATE in the site's zone, e.g. `20250616`.
pub fn ics_date(ts: Timestamp, tz: &SiteTz) -> String {
    let p = parts(ts, tz);
    format!("{:04}{:02}{:02}", p.year, p.month, p.day)
}

/// The day after `ts`'s calendar day in the site's zone, as an iCalendar
/// DATE: the exclusive DTEND of an all-day event.
pub fn ics_date_after(ts: Timestamp, tz: &SiteTz) -> String {
    let z = ts.to_zoned_datetime(tz.tz.clone());
    match z.date().tomorrow() {
        Ok(d) => format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()),
        Err(_) => ics_date(ts, tz),
    }
}

/// Whole days from `then` to `now` (negative when `then` is later).
pub fn days_between(then: Timestamp, now: Timestamp) -> i64 {
    (now.as_second() - then.as_second()).div_euclid(86_400)
}

/// A machine-readable value for `<time datetime>`: a date, or RFC 3339.
pub fn html_datetime(w: When, tz: &SiteTz) -> String {
    if w.has_time {
        rfc3339(w.ts, tz)
    } else {
        ymd(w.ts, tz)
    }
}

/// A drill's time span: `2025年6月16日 09:30—11:00` on one day,
/// `2025年6月16日 09:30—6月17日 11:00` across days. Two dates without a
/// time are whole days, `end` the last day (inclusive):
/// `2026年12月20日（全天）`, `2026年12月20日至12月22日（全天）`.
pub fn range_zh(start: When, end: When, tz: &SiteTz) -> String {
    let a = parts(start.ts, tz);
    let b = parts(end.ts, tz);
    let first = when_zh(start, tz);
    let same_day = (a.year, a.month, a.day) == (b.year, b.month, b.day);
    if !start.has_time && !end.has_time {
        return if same_day || end.ts < start.ts {
            format!("{first}（全天）")
        } else if a.year == b.year {
            format!("{first}至{}月{}日（全天）", b.month, b.day)
        } else {
            format!("{first}至{}年{}月{}日（全天）", b.year, b.month, b.day)
        };
    }
    if same_day {
        if start.has_time && end.has_time {
            return format!("{first}—{:02}:{:02}", b.hour, b.minute);
        }
        return first;
    }
    let time = if end.has_time {
        format!(" {:02}:{:02}", b.hour, b.minute)
    } else {
        String::new()
    };
    if a.year == b.year {
        format!("{first}—{}月{}日{time}", b.month, b.day)
    } else {
        format!("{first}—{}年{}月{}日{time}", b.year, b.month, b.day)
    }
}

/// Today's date in the site's zone as `YYYY-MM-DD`.
pub fn today(now: Timestamp, tz: &SiteTz) -> String {
    ymd(now, tz)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh() -> SiteTz {
        SiteTz::new("Asia/Shanghai").unwrap()
    }

    #[test]
    fn parse_when_accepts_documented_formats() {
        let tz = sh();
        let a = parse_when("2025-06-16", &tz).unwrap();
        assert!(!a.has_time);
        assert_eq!(rfc3339(a.ts, &tz), "2025-06-16T00:00:00+08:00");
        let b = parse_when("2025-06-16 09:30", &tz).unwrap();
        assert_eq!(rfc3339(b.ts, &tz), "2025-06-16T09:30:00+08:00");
        let c = parse_when("2025-06-16T01:30:00Z", &tz).unwrap();
        assert_eq!(rfc3339(c.ts, &tz), "2025-06-16T09:30:00+08:00");
        let d = parse_when("2025-06-16T09:30:00+08:00", &tz).unwrap();
        assert_eq!(c.ts, d.ts);
        let e = parse_when("2025-06-16T09:30", &tz).unwrap();
        assert_eq!(e.ts, d.ts);
    }

    #[test]
    fn parse_when_rejects_bad_dates() {
        let tz = sh();
        assert!(parse_when("2025-02-30", &tz).is_err());
        assert!(parse_when("2025年6月16日", &tz).is_err());
        assert!(parse_when("2025-06-16 25:00", &tz).is_err());
        assert!(parse_when("tomorrow", &tz).is_err());
    }

    #[test]
    fn iso_suggestion_chinese_and_dotted_forms_give_iso() {
        let cases = [
            ("2025年6月16日", Some("2025-06-16")),
            ("2025年06月16日 9:30", Some("2025-06-16 09:30")),
            ("2025年6月16日9时30分", Some("2025-06-16 09:30")),
            ("2025.6.16", Some("2025-06-16")),
            ("2025/6/16 14:05", Some("2025-06-16 14:05")),
            ("2025-6-16", Some("2025-06-16")),
            ("２０２５年６月１６日", Some("2025-06-16")),
            ("2025-06-16", None),
            ("2025-06-16 09:30", None),
            ("2025年13月1日", None),
            ("2025年6月16日 上午", None),
            ("tomorrow", None),
        ];
        for (input, want) in cases {
            assert_eq!(iso_suggestion(input).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn parse_when_chinese_date_error_names_iso_form_without_bytes() {
        let tz = sh();
        let e = parse_when("2025年6月16日", &tz).unwrap_err();
        assert!(
            e.contains("Chinese form") && e.contains("`2025-06-16`"),
            "{e}"
        );
        let e = parse_when("2025年6月16号上午", &tz).unwrap_err();
        assert!(!e.contains("\\x"), "{e}");
        assert!(e.contains('年'), "{e}");
    }

    #[test]
    fn range_zh_same_day_and_across_days() {
        let tz = sh();
        let s = parse_when("2025-06-16 09:30", &tz).unwrap();
        let e = parse_when("2025-06-16 11:00", &tz).unwrap();
        assert_eq!(range_zh(s, e, &tz), "2025年6月16日 09:30—11:00");
        let e2 = parse_when("2025-06-17 11:00", &tz).unwrap();
        assert_eq!(range_zh(s, e2, &tz), "2025年6月16日 09:30—6月17日 11:00");
        let e3 = parse_when("2026-01-02 08:00", &tz).unwrap();
        assert_eq!(
            range_zh(s, e3, &tz),
            "2025年6月16日 09:30—2026年1月2日 08:00"
        );
    }

    #[test]
    fn range_zh_dates_only_whole_days() {
        let tz = sh();
        let d = |s| parse_when(s, &tz).unwrap();
        assert_eq!(
            range_zh(d("2026-12-20"), d("2026-12-20"), &tz),
            "2026年12月20日（全天）"
        );
        assert_eq!(
            range_zh(d("2026-12-20"), d("2026-12-22"), &tz),
            "2026年12月20日至12月22日（全天）"
        );
        assert_eq!(
            range_zh(d("2026-12-31"), d("2027-01-02"), &tz),
            "2026年12月31日至2027年1月2日（全天）"
        );
    }

    #[test]
    fn end_of_day_covers_the_whole_expiry_date() {
        let tz = sh();
        let w = parse_when("2025-12-31", &tz).unwrap();
        assert_eq!(
            rfc3339(end_of_day(w, &tz), &tz),
            "2026-01-01T00:00:00+08:00"
        );
    }

    #[test]
    fn machine_formats_for_feeds_and_calendars() {
        let tz = sh();
        let w = parse_when("2025-06-16 09:30", &tz).unwrap();
        assert_eq!(rfc3339_utc(w.ts), "2025-06-16T01:30:00Z");
        assert_eq!(rfc2822(w.ts, &tz), "Mon, 16 Jun 2025 09:30:00 +0800");
        assert_eq!(ics_utc(w.ts), "20250616T013000Z");
        assert_eq!(ics_date(w.ts, &tz), "20250616");
        let d = parse_when("2025-12-31", &tz).unwrap();
        assert_eq!(ics_date_after(d.ts, &tz), "20260101");
        let later = parse_when("2025-06-30 09:29", &tz).unwrap();
        assert_eq!(days_between(w.ts, later.ts), 13);
    }

    #[test]
    fn formatting_uses_site_zone_not_utc() {
        let tz = sh();
        let w = parse_when("2025-06-15T20:00:00Z", &tz).unwrap();
        assert_eq!(date_zh(w.ts, &tz), "2025年6月16日");
        assert_eq!(when_zh(w, &tz), "2025年6月16日 04:00");
    }
}
