//! Drill calendars (RFC 5545): every drill, one per area, one per drill.
//!
//! Owns: the iCalendar text: escaping (§3.3.11), line folding (§3.1) and
//! the VCALENDAR/VEVENT properties. Hand-written: every ICS crate pulls a
//! second date library. Imports: `site`, `content`, `dates`, `markdown`
//! (types), the sibling `views` (summaries).
//!
//! Invariants: lines end with CRLF and are at most 75 octets, folded only
//! between UTF-8 characters; times are UTC (`…Z`) throughout, or DATE for
//! all-day drills (both DTSTART and DTEND, never mixed — RFC 5545
//! §3.8.2.2; DTEND the day after the last, exclusive); a drill's UID depends only on the
//! site's host and the drill's URL path, so it survives rebuilds; DTSTAMP
//! is the build's `now` (an input), so output is deterministic.

use super::views;
use crate::content::DrillStatus;
use crate::dates::{self, When};
use crate::markdown::Body;
use crate::site::{PageId, Site};

/// Escapes a TEXT value: `\` `;` `,` and newlines (RFC 5545 §3.3.11).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            // Other control characters are not allowed in TEXT.
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Undoes [`escape_text`] (for tests and for anyone reading our files).
pub fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Octets per physical line, CRLF excluded (RFC 5545 §3.1).
pub const MAX_OCTETS: usize = 75;

/// Folds one content line: at most 75 octets per physical line (the
/// leading space of a continuation counts), never inside a UTF-8
/// character; every physical line ends with CRLF.
///
/// A physical line never ends with a space or tab (they move to the next
/// line): RFC 5545 keeps them, but common readers trim line ends.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    // Where the current physical line's content starts, and its octets.
    let mut start = 0;
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > MAX_OCTETS {
            let keep = out.trim_end_matches([' ', '\t']).len().max(start);
            let carried = out.split_off(keep);
            let carry = if keep == start || 1 + carried.len() + len > MAX_OCTETS {
                out.push_str(&carried);
                String::new()
            } else {
                carried
            };
            out.push_str("\r\n ");
            start = out.len();
            out.push_str(&carry);
            width = 1 + carry.len();
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

/// Undoes [`fold`]: joins continuation lines (for tests).
pub fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

/// A calendar being written, one content line at a time.
struct Ics {
    out: String,
}

impl Ics {
    fn line(&mut self, name: &str, value: &str) {
        self.out.push_str(&fold(&format!("{name}:{value}")));
    }

    fn text(&mut self, name: &str, value: &str) {
        self.line(name, &escape_text(value));
    }

    fn when(&mut self, name: &str, w: When, end: bool, site: &Site) {
        if w.has_time {
            self.line(name, &dates::ics_utc(w.ts));
        } else if end {
            // DTEND of an all-day event is exclusive: the next day.
            self.line(
                &format!("{name};VALUE=DATE"),
                &dates::ics_date_after(w.ts, &site.config.tz),
            );
        } else {
            self.line(
                &format!("{name};VALUE=DATE"),
                &dates::ics_date(w.ts, &site.config.tz),
            );
        }
    }
}

/// The host part of the site's origin, for UIDs (`anxuan.invalid` when
/// `base_url` has no host).
pub fn host(site: &Site) -> String {
    let origin = &site.config.origin;
    let rest = origin.split_once("://").map_or(origin.as_str(), |(_, r)| r);
    if rest.is_empty() {
        "anxuan.invalid".to_owned()
    } else {
        rest.to_owned()
    }
}

/// The stable UID of a drill: its URL path and the site's host.
pub fn uid(site: &Site, id: PageId) -> String {
    let path = site.url(id);
    let path = path.trim_matches('/');
    format!("{path}@{}", host(site))
}

/// The calendars of the site besides each drill's own: (output path,
/// calendar name, the drills in it).
pub fn calendars(site: &Site) -> Vec<(String, String, Vec<PageId>)> {
    let title = &site.config.title;
    let drills: Vec<PageId> = site.drills().collect();
    let mut out = Vec::new();
    for (i, area) in site.config.areas.iter().enumerate() {
        let ids = drills
            .iter()
            .copied()
            .filter(|&d| site.pages[d].areas.contains(&i))
            .collect();
        out.push((
            format!("areas/{}/drills.ics", area.slug),
            format!("{title} 安全生产宣传进{} 应急演练", area.name),
            ids,
        ));
    }
    out.insert(
        0,
        (site_calendar(site), format!("{title} 应急演练"), drills),
    );
    out
}

/// The output path of one drill's calendar file.
/// The calendar of every drill of the site: in the first drill column's
/// folder (`drills/calendar.ics`).
pub fn site_calendar(site: &Site) -> String {
    let folder = site
        .config
        .columns
        .iter()
        .find(|c| c.kind == crate::content::Kind::Drill)
        .map_or("drills", |c| c.folder.as_str());
    format!("{folder}/calendar.ics")
}

pub fn drill_file(site: &Site, id: PageId) -> String {
    format!("{}calendar.ics", site.dirs[id])
}

/// A VCALENDAR named `name` holding `events` (from [`event`]).
pub fn calendar(site: &Site, name: &str, events: &[impl AsRef<str>]) -> String {
    let cfg = &site.config;
    let mut c = Ics {
        out: String::with_capacity(512 + events.iter().map(|e| e.as_ref().len()).sum::<usize>()),
    };
    c.line("BEGIN", "VCALENDAR");
    c.line("VERSION", "2.0");
    c.line(
        "PRODID",
        &format!("-//anxuan//anxuan {}//ZH", env!("CARGO_PKG_VERSION")),
    );
    c.line("CALSCALE", "GREGORIAN");
    c.line("METHOD", "PUBLISH");
    c.text("X-WR-CALNAME", name);
    c.text("X-WR-TIMEZONE", cfg.tz.name());
    c.line("REFRESH-INTERVAL;VALUE=DURATION", "PT12H");
    c.line("X-PUBLISHED-TTL", "PT12H");
    for e in events {
        c.out.push_str(e.as_ref());
    }
    c.line("END", "VCALENDAR");
    c.out
}

/// The VEVENT of drill `id` (empty for a page that is not a drill);
/// `stamp` is DTSTAMP, the build's `now`.
pub fn event(site: &Site, bodies: &[Body], id: PageId, stamp: &str) -> String {
    let page = &site.pages[id];
    let Some(d) = page.drill() else {
        return String::new();
    };
    let mut c = Ics { out: String::new() };
    c.line("BEGIN", "VEVENT");
    c.text("UID", &uid(site, id));
    c.line("DTSTAMP", stamp);
    c.when("DTSTART", d.start, false, site);
    c.when("DTEND", d.end, true, site);
    let prefix = match d.status {
        Some(DrillStatus::Cancelled) => "【已取消】",
        Some(DrillStatus::Postponed) => "【已延期】",
        None => "",
    };
    c.text("SUMMARY", &format!("{prefix}{}", page.title));
    let location = match &d.address {
        Some(a) => format!("{}（{a}）", d.location),
        None => d.location.clone(),
    };
    c.text("LOCATION", &location);
    let url = site.permalink(id);
    let mut desc = vec![
        format!("演练类型：{}", d.drill_type),
        format!("组织单位：{}", d.organizer),
    ];
    if let Some(a) = &d.audience {
        desc.push(format!("参加对象：{a}"));
    }
    if let Some(b) = &d.bring {
        desc.push(format!("请携带：{b}"));
    }
    if let Some(ct) = &d.contact {
        desc.push(format!("联系方式：{ct}"));
    }
    let summary = views::summary(page, &bodies[id]);
    if !summary.is_empty() {
        desc.push(summary);
    }
    desc.push(format!("详情：{url}"));
    c.text("DESCRIPTION", &desc.join("\n"));
    c.text("CATEGORIES", &d.drill_type);
    c.line("URL", &url);
    c.line(
        "STATUS",
        match d.status {
            Some(DrillStatus::Cancelled) => "CANCELLED",
            Some(DrillStatus::Postponed) => "TENTATIVE",
            None => "CONFIRMED",
        },
    );
    let modified = page.date.map_or(site.now, |w| w.ts.min(site.now));
    c.line("LAST-MODIFIED", &dates::ics_utc(modified));
    c.line("END", "VEVENT");
    c.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_text_escapes_specials_and_newlines() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
        assert_eq!(unescape_text(&escape_text("a\\b;c,d\ne")), "a\\b;c,d\ne");
    }

    #[test]
    fn fold_keeps_lines_within_75_octets_on_char_boundaries() {
        let title: String = "消防疏散演练安全第一".chars().cycle().take(200).collect();
        let line = format!("SUMMARY:{title}");
        let folded = fold(&line);
        for physical in folded.split_terminator("\r\n") {
            assert!(physical.len() <= MAX_OCTETS, "{} octets", physical.len());
            // Each physical line is valid UTF-8 on its own (it is a &str).
            assert!(!physical.is_empty());
        }
        assert!(folded.ends_with("\r\n"));
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
    }

    #[test]
    fn fold_never_ends_a_physical_line_with_a_space() {
        let line = format!("DESCRIPTION:{} 联系人", "安".repeat(21));
        let folded = fold(&line);
        for physical in folded.split_terminator("\r\n") {
            assert!(!physical.ends_with(' '), "{physical:?}");
            assert!(physical.len() <= MAX_OCTETS);
        }
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
        let spaces = format!("X:{}", " ".repeat(200));
        assert_eq!(unfold(&fold(&spaces)), format!("{spaces}\r\n"));
    }

    #[test]
    fn fold_leaves_short_lines_alone() {
        assert_eq!(fold("VERSION:2.0"), "VERSION:2.0\r\n");
        let exact = "X".repeat(75);
        assert_eq!(fold(&exact), format!("{exact}\r\n"));
        let over = "X".repeat(76);
        assert_eq!(fold(&over), format!("{}\r\n X\r\n", "X".repeat(75)));
    }
}
