//! Notices (通知公告): dated, from an issuer, valid until a day, with
//! attachments.
//!
//! Imports: `config`, `dates`, `yaml`, the parent's helpers.
//!
//! Invariants: `valid_until` is on or after `date`; a notice past its
//! `valid_until` stays published (shown 已过期) unless `expires` says
//! otherwise.

use super::attachment::{self, Attachment};
use crate::config::Config;
use crate::dates::{self, Timestamp, When};
use crate::yaml::Fields;

pub const KEYS: &[&str] = &["date", "issuer", "valid_until", "attachments"];

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// 发布单位
    pub issuer: Option<String>,
    /// 有效期至 (the day itself is still valid).
    pub valid_until: Option<When>,
    pub attachments: Vec<Attachment>,
}

impl Notice {
    /// Whether the notice is past its validity at `now`.
    pub fn expired_at(&self, now: Timestamp, cfg: &Config) -> bool {
        self.valid_until
            .is_some_and(|v| now >= dates::end_of_day(v, &cfg.tz))
    }
}

/// Reads the notice-only fields; returns the notice and its date.
pub fn read(f: &mut Fields<'_>, cfg: &Config) -> (Option<Notice>, Option<When>) {
    let date = super::required_when(f, "date", cfg, "2026-06-01");
    let issuer = f
        .string("issuer")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let valid_node = f.get("valid_until");
    let valid_until = super::when_field(f, "valid_until", cfg);
    if let (Some(d), Some(v), Some(n)) = (date, valid_until, valid_node)
        && dates::end_of_day(v, &cfg.tz) <= d.ts
    {
        f.error(
            n,
            "`valid_until` is before the notice's `date`",
            "有效期至应不早于发布日期",
        );
    }
    let attachments = attachment::read(f);
    (
        Some(Notice {
            issuer,
            valid_until,
            attachments,
        }),
        date,
    )
}
