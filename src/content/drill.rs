//! Drills (应急演练): when, where, who organizes, what type, for whom.
//!
//! Imports: `config`, `dates`, `yaml`.
//!
//! Invariants: `start` and `end` are both date-times (`end` after `start`)
//! or both dates — an all-day drill, `end` its last day (on or after
//! `start`; a date-only `start` without `end` is one whole day); never
//! mixed (RFC 5545 §3.8.2.2). `until` is the first instant after the drill
//! in the site's zone. `drill_type` is one of the site's types; a stored
//! `status` is only 已取消 or 已延期 — 未开始 / 进行中 / 已结束 are derived
//! from the build's `now` by [`Drill::status_at`].

use crate::config::Config;
use crate::dates::{self, Timestamp, When};
use crate::yaml::Fields;

pub const KEYS: &[&str] = &[
    "date",
    "start",
    "end",
    "location",
    "address",
    "organizer",
    "drill_type",
    "participants",
    "audience",
    "bring",
    "contact",
    "status",
];

/// A status an editor sets by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DrillStatus {
    Cancelled,
    Postponed,
}

/// What a resident sees: the set status, or one derived from the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShownStatus {
    Upcoming,
    Ongoing,
    Finished,
    Cancelled,
    Postponed,
}

impl ShownStatus {
    pub fn label(self) -> &'static str {
        match self {
            ShownStatus::Upcoming => "未开始",
            ShownStatus::Ongoing => "进行中",
            ShownStatus::Finished => "已结束",
            ShownStatus::Cancelled => "已取消",
            ShownStatus::Postponed => "已延期",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ShownStatus::Upcoming => "upcoming",
            ShownStatus::Ongoing => "ongoing",
            ShownStatus::Finished => "finished",
            ShownStatus::Cancelled => "cancelled",
            ShownStatus::Postponed => "postponed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Drill {
    pub start: When,
    /// The end as written: a date-time, or the last day of an all-day drill.
    pub end: When,
    /// The first instant after the drill: `end` when timed, the midnight
    /// after `end`'s day (site zone) when all-day.
    pub until: Timestamp,
    pub location: String,
    pub address: Option<String>,
    pub organizer: String,
    pub drill_type: String,
    pub participants: Option<u64>,
    pub audience: Option<String>,
    /// What participants bring (证件, 口罩, 湿毛巾), for the printed notice.
    pub bring: Option<String>,
    pub contact: Option<String>,
    pub status: Option<DrillStatus>,
}

impl Drill {
    pub fn status_at(&self, now: Timestamp) -> ShownStatus {
        match self.status {
            Some(DrillStatus::Cancelled) => ShownStatus::Cancelled,
            Some(DrillStatus::Postponed) => ShownStatus::Postponed,
            None if now < self.start.ts => ShownStatus::Upcoming,
            None if now < self.until => ShownStatus::Ongoing,
            None => ShownStatus::Finished,
        }
    }

    /// Upcoming or ongoing (a cancelled drill in the future is still listed
    /// among upcoming ones, marked, so residents learn of the cancellation).
    pub fn is_current(&self, now: Timestamp) -> bool {
        now < self.until
    }

    /// Given as dates without a time of day: whole days.
    pub fn all_day(&self) -> bool {
        !self.start.has_time && !self.end.has_time
    }
}

/// What is wrong with a drill running from `start` to `end`, as an error
/// message and its help, or `None` when the span is valid.
pub fn span_problem(start: When, end: When) -> Option<(&'static str, &'static str)> {
    match (start.has_time, end.has_time) {
        (true, true) if end.ts <= start.ts => Some((
            "`end` must be after `start`",
            "结束时间应晚于开始时间，例如 start: 2025-06-16 09:30，end: 2025-06-16 11:00",
        )),
        (false, false) if end.ts < start.ts => Some((
            "`end` must not be before `start`",
            "全天演练的 end 是最后一天，不能早于开始日期，例如 start: 2026-12-20，end: 2026-12-22；只有一天时 end 写同一天或不写 end",
        )),
        (true, false) => Some((
            "`end` is a date without a time of day but `start` has a time; both must be date-times or both dates (RFC 5545 §3.8.2.2)",
            "start 写了时间，end 也要写时间，例如 start: 2026-12-20 09:00，end: 2026-12-20 11:00；全天演练则两者都只写日期，例如 start: 2026-12-20，end: 2026-12-20",
        )),
        (false, true) => Some((
            "`end` has a time of day but `start` is a date without one; both must be date-times or both dates (RFC 5545 §3.8.2.2)",
            "start 只写了日期（全天演练），end 也只写日期，例如 start: 2026-12-20，end: 2026-12-20；有具体时段的演练两者都写时间，例如 start: 2026-12-20 09:00，end: 2026-12-20 11:00",
        )),
        _ => None,
    }
}

/// Reads the drill-only fields; returns the drill and its publication date.
pub fn read(f: &mut Fields<'_>, cfg: &Config) -> (Option<Drill>, Option<When>) {
    let date = super::when_field(f, "date", cfg);
    let start = super::required_when(f, "start", cfg, "2025-06-16 09:30");
    let end = match (start, f.get("end")) {
        // A date without `end`: that one whole day.
        (Some(s), None) if !s.has_time => Some(s),
        _ => super::required_when(f, "end", cfg, "2025-06-16 11:00"),
    };
    if let (Some(s), Some(e), Some(node)) = (start, end, f.get("end"))
        && let Some((message, help)) = span_problem(s, e)
    {
        f.error(node, message, help);
    }
    let location = f.required_string("location", "青石街道文化活动中心");
    let address = f.string("address");
    let organizer = f.required_string("organizer", "青石街道应急管理办公室");
    let drill_type = f.required_string("drill_type", "消防疏散");
    let drill_type = match (drill_type, f.get("drill_type")) {
        (Some(t), Some(node)) if !cfg.drill_types.contains(&t) => {
            f.error(
                node,
                format!("`{t}` is not a drill type of this site"),
                format!(
                    "drill_type 只能填写：{}（可在 site.yaml 的 drill_types 中增加）",
                    cfg.drill_types.join("、")
                ),
            );
            None
        }
        (t, _) => t,
    };
    let participants = f.count("participants");
    let audience = f.string("audience");
    let bring = f.string("bring");
    let contact = f.string("contact");
    let status = match (f.get("status"), f.string("status")) {
        (Some(node), Some(s)) => match s.trim() {
            "已取消" => Some(DrillStatus::Cancelled),
            "已延期" => Some(DrillStatus::Postponed),
            other => {
                let hint = if matches!(other, "未开始" | "进行中" | "已结束") {
                    "未开始、进行中、已结束由网站按时间自动显示，不用填写；status 只能写 已取消 或 已延期"
                } else {
                    "status 只能写 已取消 或 已延期；正常举行的演练不要写 status"
                };
                f.error(node, format!("invalid status `{other}`"), hint);
                None
            }
        },
        _ => None,
    };
    let drill = match (start, end, location, organizer, drill_type) {
        (Some(start), Some(end), Some(location), Some(organizer), Some(drill_type)) => {
            Some(Drill {
                start,
                end,
                until: dates::end_of_day(end, &cfg.tz),
                location,
                address,
                organizer,
                drill_type,
                participants,
                audience,
                bring,
                contact,
                status,
            })
        }
        _ => None,
    };
    (drill, date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::{SiteTz, parse_when};

    fn sh() -> SiteTz {
        SiteTz::new("Asia/Shanghai").unwrap()
    }

    fn drill(start: &str, end: &str) -> Drill {
        let tz = sh();
        let start = parse_when(start, &tz).unwrap();
        let end = parse_when(end, &tz).unwrap();
        Drill {
            start,
            end,
            until: dates::end_of_day(end, &tz),
            location: "广场".into(),
            address: None,
            organizer: "街道".into(),
            drill_type: "防汛".into(),
            participants: None,
            audience: None,
            bring: None,
            contact: None,
            status: None,
        }
    }

    fn at(s: &str) -> Timestamp {
        parse_when(s, &sh()).unwrap().ts
    }

    #[test]
    fn status_at_all_day_drill_counts_whole_days_in_site_zone() {
        let d = drill("2026-12-20", "2026-12-20");
        assert!(d.all_day());
        assert_eq!(d.status_at(at("2026-12-19 23:59")), ShownStatus::Upcoming);
        assert_eq!(d.status_at(at("2026-12-20 00:00")), ShownStatus::Ongoing);
        assert_eq!(d.status_at(at("2026-12-20 23:59")), ShownStatus::Ongoing);
        // 23:30 in Shanghai is 15:30 UTC: still the drill day.
        assert_eq!(
            d.status_at(at("2026-12-20T15:30:00Z")),
            ShownStatus::Ongoing
        );
        assert_eq!(d.status_at(at("2026-12-21 00:00")), ShownStatus::Finished);
        assert!(d.is_current(at("2026-12-20 23:59")));
        assert!(!d.is_current(at("2026-12-21 00:00")));
    }

    #[test]
    fn status_at_multi_day_drill_ongoing_through_last_day() {
        let d = drill("2026-12-20", "2026-12-22");
        assert_eq!(d.status_at(at("2026-12-22 18:00")), ShownStatus::Ongoing);
        assert_eq!(d.status_at(at("2026-12-23 00:00")), ShownStatus::Finished);
    }

    #[test]
    fn status_at_timed_drill_ends_at_end_time() {
        let d = drill("2026-12-20 09:00", "2026-12-20 11:00");
        assert!(!d.all_day());
        assert_eq!(d.until, d.end.ts);
        assert_eq!(d.status_at(at("2026-12-20 10:59")), ShownStatus::Ongoing);
        assert_eq!(d.status_at(at("2026-12-20 11:00")), ShownStatus::Finished);
    }

    #[test]
    fn span_problem_same_day_dates_valid_mixed_types_rejected() {
        let tz = sh();
        let w = |s| parse_when(s, &tz).unwrap();
        assert_eq!(span_problem(w("2026-12-20"), w("2026-12-20")), None);
        assert_eq!(span_problem(w("2026-12-20"), w("2026-12-22")), None);
        assert!(span_problem(w("2026-12-22"), w("2026-12-20")).is_some());
        assert_eq!(
            span_problem(w("2026-12-20 09:00"), w("2026-12-20 11:00")),
            None
        );
        assert!(span_problem(w("2026-12-20 09:00"), w("2026-12-20 09:00")).is_some());
        let (msg, help) = span_problem(w("2026-12-20 09:00"), w("2026-12-21")).unwrap();
        assert!(msg.contains("RFC 5545"), "{msg}");
        assert!(help.contains("全天"), "{help}");
        let (msg, _) = span_problem(w("2026-12-20"), w("2026-12-20 18:00")).unwrap();
        assert!(msg.contains("RFC 5545"), "{msg}");
    }
}
