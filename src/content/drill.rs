//! Drills (应急演练): when, where, who organizes, what type, for whom.
//!
//! Imports: `config`, `dates`, `yaml`.
//!
//! Invariants: `end` is after `start`; `drill_type` is one of the site's
//! types; a stored `status` is only 已取消 or 已延期 — 未开始 / 进行中 /
//! 已结束 are derived from the build's `now` by [`Drill::status_at`].

use crate::config::Config;
use crate::dates::{Timestamp, When};
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
    pub end: When,
    pub location: String,
    pub address: Option<String>,
    pub organizer: String,
    pub drill_type: String,
    pub participants: Option<u64>,
    pub audience: Option<String>,
    pub contact: Option<String>,
    pub status: Option<DrillStatus>,
}

impl Drill {
    pub fn status_at(&self, now: Timestamp) -> ShownStatus {
        match self.status {
            Some(DrillStatus::Cancelled) => ShownStatus::Cancelled,
            Some(DrillStatus::Postponed) => ShownStatus::Postponed,
            None if now < self.start.ts => ShownStatus::Upcoming,
            None if now < self.end.ts => ShownStatus::Ongoing,
            None => ShownStatus::Finished,
        }
    }

    /// Upcoming or ongoing (a cancelled drill in the future is still listed
    /// among upcoming ones, marked, so residents learn of the cancellation).
    pub fn is_current(&self, now: Timestamp) -> bool {
        now < self.end.ts
    }
}

/// Reads the drill-only fields; returns the drill and its publication date.
pub fn read(f: &mut Fields<'_>, cfg: &Config) -> (Option<Drill>, Option<When>) {
    let date = super::when_field(f, "date", cfg);
    let start = super::required_when(f, "start", cfg, "2025-06-16 09:30");
    let end = super::required_when(f, "end", cfg, "2025-06-16 11:00");
    if let (Some(s), Some(e), Some(node)) = (start, end, f.get("end"))
        && e.ts <= s.ts
    {
        f.error(
            node,
            "`end` must be after `start`",
            "结束时间应晚于开始时间，例如 start: 2025-06-16 09:30，end: 2025-06-16 11:00",
        );
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
                location,
                address,
                organizer,
                drill_type,
                participants,
                audience,
                contact,
                status,
            })
        }
        _ => None,
    };
    (drill, date)
}
