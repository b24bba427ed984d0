//! Government-site rules on the assembled site: publication dates, stale
//! and empty columns, personal numbers and wording, the footer marks of a
//! government website (and their presence on the rendered pages),
//! reviewers, and an absolute `base_url` for feeds and calendars.
//!
//! Imports: `site`, `content`, `config`, `dates`, `error`, `render` (`Files`).
//!
//! Invariants: pure functions of the site (and its output); "published"
//! for the stale rule means what a plain `anxuan build` at the same `now`
//! publishes (not a draft, dated no later than now), so `check` — which
//! also renders drafts and scheduled content — judges freshness the way
//! readers will see it.

use super::Finding;
use crate::config::{CONFIG_FILE, StaleDays};
use crate::content::Kind;
use crate::content::Wording;
use crate::dates;
use crate::error::{Diagnostic, Span};
use crate::pii::Rule;
use crate::site::{PageId, Site};
use crate::wording::Source;

/// The footer marks a government site must show: (site.yaml key, label).
pub const FOOTER_MARKS: &[(&str, &str)] = &[
    ("organizer", "主办单位"),
    ("contact", "联系方式"),
    ("icp", "ICP备案号"),
    ("police_record", "公安备案号"),
    ("site_code", "网站标识码"),
];

fn footer_value<'a>(site: &'a Site, key: &str) -> Option<&'a str> {
    let f = &site.config.footer;
    match key {
        "organizer" => f.organizer.as_deref(),
        "contact" => f.contact.as_deref(),
        "icp" => f.icp.as_deref(),
        "police_record" => f.police_record.as_deref(),
        "site_code" => f.site_code.as_deref(),
        _ => None,
    }
    .map(str::trim)
    .filter(|v| !v.is_empty())
}

/// Personal numbers in the pages' text (rules `personal-id`, `bank-card`:
/// errors; `mobile`: a warning), masked, but for the site's allowed
/// numbers and the rules a file silences.
fn personal_numbers(site: &Site) -> Vec<Finding> {
    let allowed = &site.config.allow_numbers;
    let mut out = Vec::new();
    for p in &site.pages {
        for n in &p.numbers {
            let id = n.rule.id();
            if p.check_allow.iter().any(|r| r == id) || allowed.contains(&n.digits) {
                continue;
            }
            let diag = Diagnostic::error(
                Span::new(p.file.clone(), n.line, n.col),
                format!("{} {} in published text", n.rule.label(), n.masked),
            );
            out.push(match n.rule {
                Rule::Mobile => Finding::warning(
                    id,
                    diag.with_help(
                        "手机号码属于个人信息，公开前须经本人同意；单位值班电话、公开的联系人号码可写入 site.yaml 的 \
                         allow_numbers，或在本文件的前置元数据中写 check_allow: [mobile]",
                    ),
                ),
                Rule::PersonalId | Rule::BankCard => Finding::error(
                    id,
                    diag.with_help(format!(
                        "政府网站公开个人身份证号、银行卡号属于严重错误（单项否决）：请删除，或只保留首尾，例如 {}；\
                         确需公开的号码（如公开的捐款账号）写入 site.yaml 的 allow_numbers",
                        n.masked
                    )),
                ),
            });
        }
    }
    out
}

/// Wrong and forbidden words of the site's list (rule `word`: an error),
/// outdated official names (`outdated-name`) and misbracketed 文号
/// (`doc-no`): warnings.
fn wording(site: &Site) -> Vec<Finding> {
    let words = &site.config.words;
    let mut out = Vec::new();
    for p in &site.pages {
        for w in &p.wording {
            let span = Span::new(p.file.clone(), w.line, w.col);
            let finding = match &w.what {
                Wording::DocNo(fixed) => Finding::warning(
                    "doc-no",
                    Diagnostic::warning(
                        span,
                        format!("文号 should write its year in 〔〕: `{fixed}`"),
                    )
                    .with_help(format!("文号中的年份用六角括号〔〕，应为 `{fixed}`")),
                ),
                Wording::Entry(e) => {
                    let Some(entry) = words.entries.get(*e) else {
                        continue;
                    };
                    let mut help = match &entry.right {
                        Some(right) => format!("应为“{right}”"),
                        None => format!("“{}”不宜使用，请改写", entry.wrong),
                    };
                    if let Some(note) = &entry.note {
                        help.push_str(&format!("（{note}）"));
                    }
                    match entry.source {
                        Source::Site => Finding::error(
                            "word",
                            Diagnostic::error(span, format!("`{}` is on the site's list of wrong words", entry.wrong))
                                .with_help(format!("{help}；词表在 check/words.yaml")),
                        ),
                        Source::Outdated => Finding::warning(
                            "outdated-name",
                            Diagnostic::warning(span, format!("`{}` is an outdated official name", entry.wrong))
                                .with_help(format!(
                                    "{help}；引用历史原文请放在引用块（> ）中，确需保留可在 check/words.yaml 的 allow 中列出"
                                )),
                        ),
                    }
                }
            };
            if !p.check_allow.iter().any(|r| r == finding.rule) {
                out.push(finding);
            }
        }
    }
    out
}

/// How many levels of the review chain a page fills: its `review` names,
/// and `reviewer` as the 终审 when `review` has no third.
fn review_levels(p: &crate::content::Page) -> u64 {
    let given = p.review.iter().filter(|r| !r.is_empty()).count();
    let last = usize::from(p.review.len() < 3 && p.reviewer.is_some());
    (given + last).min(3) as u64
}

/// Days the newest item of the whole site may be old (rule `stale-home`).
const HOME_STALE_DAYS: i64 = 14;

fn is_public(site: &Site, id: PageId) -> bool {
    let p = &site.pages[id];
    !p.draft && p.date.is_none_or(|d| d.ts <= site.now)
}

/// Every rule that needs only the assembled site.
pub fn site_rules(site: &Site) -> Vec<Finding> {
    let cfg = &site.config;
    let mut out = Vec::new();
    if cfg.origin.is_empty() {
        out.push(Finding::warning(
            "base-url",
            Diagnostic::warning(
                Span::file(CONFIG_FILE),
                format!(
                    "base_url `{}` has no host: feeds, calendars and the sitemap need absolute links (no sitemap was written)",
                    cfg.base_url
                ),
            )
            .with_help("请在 site.yaml 中填写网站正式网址，例如 base_url: https://aq.example.gov.cn/"),
        ));
    }
    out.extend(personal_numbers(site));
    out.extend(wording(site));
    for (id, p) in site.pages.iter().enumerate() {
        if p.kind == Kind::Page {
            continue;
        }
        if p.date.is_none() {
            out.push(Finding::warning(
                "missing-date",
                Diagnostic::warning(
                    Span::new(p.file.clone(), 1, 1),
                    format!("{} has no publication date (`date`)", p.kind.label()),
                )
                .with_help("政府网站信息应标明发布日期：请在前置元数据中加入 date: 2025-06-16"),
            ));
        }
        let levels = review_levels(p);
        if cfg.require_review > 0 && !p.draft && levels < cfg.require_review && is_public(site, id)
        {
            const NAMES: [&str; 3] = ["初审", "复审", "终审"];
            out.push(Finding::error(
                "review",
                Diagnostic::error(
                    Span::new(p.file.clone(), 1, 1),
                    format!(
                        "{levels} of the {} review levels site.yaml requires (`require_review`) are filled",
                        cfg.require_review
                    ),
                )
                .with_help(format!(
                    "发布前须经三审：请在前置元数据中写 review: [{}]（依次为初审人、复审人、终审人）",
                    NAMES[..cfg.require_review as usize].join(", ")
                )),
            ));
        } else if cfg.require_review == 0
            && cfg.require_reviewer
            && !p.draft
            && p.reviewer.is_none()
            && p.review.get(2).is_none()
            && is_public(site, id)
        {
            out.push(Finding::error(
                "missing-reviewer",
                Diagnostic::error(
                    Span::new(p.file.clone(), 1, 1),
                    "no `reviewer` (审核), and site.yaml sets `require_reviewer: true`",
                )
                .with_help("发布前须经审核：请在前置元数据中写 reviewer: 审核人姓名"),
            ));
        }
    }
    let columns = cfg.columns.iter().enumerate().map(|(c, col)| {
        let days = match (col.declared, col.kind) {
            (true, kind) => col.stale_days.unwrap_or(match kind {
                Kind::Article => StaleDays::default().articles,
                Kind::Page => 0,
                // Notices, documents, drills and cases: half a year.
                _ => StaleDays::default().cases,
            }),
            (false, Kind::Article) => cfg.stale_days.articles,
            (false, Kind::Drill) => cfg.stale_days.drills,
            (false, Kind::Case) => cfg.stale_days.cases,
            (false, _) => 0,
        };
        (col, days, &site.columns[c])
    });
    // The newest publication date among `ids`' public pages.
    let newest_public = |ids: &[PageId]| -> Option<dates::Timestamp> {
        ids.iter()
            .filter(|&&id| is_public(site, id))
            .filter_map(|&id| site.pages[id].list_date())
            .map(|w| w.ts)
            .filter(|&ts| ts <= site.now)
            .max()
    };
    // 空白栏目: a column or area page with nothing published.
    for (c, col) in cfg.columns.iter().enumerate() {
        if col.kind != Kind::Page && !site.columns[c].iter().any(|&id| is_public(site, id)) {
            out.push(Finding::warning(
                "empty-column",
                Diagnostic::warning(
                    Span::new(format!("content/{}", col.folder), 0, 0),
                    format!(
                        "the column {} ({}/) has nothing published",
                        col.title, col.folder
                    ),
                )
                .with_help(
                    "政府网站检查中，空白栏目属于单项否决：请发布内容，或从 columns 中删去这个栏目",
                ),
            ));
        }
    }
    for (i, area) in cfg.areas.iter().enumerate() {
        if !site.areas[i].iter().any(|&id| is_public(site, id)) {
            out.push(Finding::warning(
                "empty-column",
                Diagnostic::warning(
                    Span::file(CONFIG_FILE),
                    format!("the area page 进{} (areas/{}/) has nothing published", area.name, area.slug),
                )
                .with_help(format!(
                    "五进专栏“进{}”还没有内容：在文章的 five_into 中加入“{}”，或从 site.yaml 的 areas 中删去",
                    area.name, area.name
                )),
            ));
        }
    }
    // The home page: its newest item is the site's newest.
    let all: Vec<PageId> = (0..site.pages.len())
        .filter(|&i| site.pages[i].kind != Kind::Page)
        .collect();
    if let Some(ts) = newest_public(&all) {
        let age = dates::days_between(ts, site.now);
        if age > HOME_STALE_DAYS {
            out.push(Finding::warning(
                "stale-home",
                Diagnostic::warning(
                    Span::file(CONFIG_FILE),
                    format!(
                        "the newest item of the site is {age} days old, from {} (limit: {HOME_STALE_DAYS} days)",
                        dates::ymd(ts, &cfg.tz)
                    ),
                )
                .with_help("政府网站首页应保持更新（两周内须有新信息）：请发布新的工作动态或通知"),
            ));
        }
    }
    for (col, days, ids) in columns {
        if days == 0 {
            continue;
        }
        let (key, label) = (col.folder.as_str(), col.title.as_str());
        let message = match newest_public(ids) {
            // Nothing published at all is `empty-column`.
            None => continue,
            Some(ts) => {
                let age = dates::days_between(ts, site.now);
                if age <= days as i64 {
                    continue;
                }
                format!(
                    "the {label} column ({key}/) was last updated {age} days ago, on {} (limit: {days} days)",
                    dates::ymd(ts, &cfg.tz)
                )
            }
        };
        out.push(Finding::warning(
            "stale-column",
            Diagnostic::warning(Span::new(format!("content/{key}"), 0, 0), message).with_help(
                if col.declared {
                    "政府网站栏目应及时更新（动态类栏目两周内须有更新）；可在 site.yaml 中该栏目的 stale_days 调整天数，0 表示不检查".to_owned()
                } else {
                    format!(
                        "政府网站栏目应及时更新（动态类栏目两周内须有更新）；可在 site.yaml 的 stale_days.{key} 调整天数，0 表示不检查"
                    )
                },
            ),
        ));
    }
    if cfg.government_site && cfg.footer.feedback_url.is_none() {
        out.push(Finding::warning(
            "footer-mark",
            Diagnostic::warning(
                Span::file(CONFIG_FILE),
                "government_site: the footer has no 咨询建言 link (`footer.feedback_url`)",
            )
            .with_help(
                "政府网站应提供互动交流渠道：请在 site.yaml 的 footer 下填写 feedback_url（如 12345 热线网站或本区的留言页），可用 feedback_label 改链接文字",
            ),
        ));
    }
    if cfg.government_site {
        for (key, label) in FOOTER_MARKS {
            if footer_value(site, key).is_none() {
                out.push(Finding::warning(
                    "footer-mark",
                    Diagnostic::warning(
                        Span::file(CONFIG_FILE),
                        format!("government_site: the footer has no {label} (`footer.{key}`)"),
                    )
                    .with_help(format!(
                        "政府网站页脚须标明主办单位、联系方式、ICP备案号、公安备案号和网站标识码；请在 site.yaml 的 footer 下填写 {key}"
                    )),
                ));
            }
        }
    }
    out
}

/// Escapes like the templates do, to find a value in rendered HTML.
fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// The footer marks every page must show: (value from site.yaml, label):
/// on a government site those of `FOOTER_MARKS` it gives and its
/// feedback link; on any site the link of a 党政机关网站标识 it gives.
fn shown_marks(site: &Site) -> Vec<(&str, &'static str)> {
    let footer = &site.config.footer;
    let mut marks: Vec<(&str, &'static str)> = Vec::new();
    if site.config.government_site {
        marks.extend(
            FOOTER_MARKS
                .iter()
                .filter_map(|(key, label)| Some((footer_value(site, key)?, *label))),
        );
        if let Some(url) = &footer.feedback_url {
            marks.push((url, "咨询建言链接"));
        }
    }
    if let Some(mark) = &footer.gov_mark {
        marks.push((&mark.url, "党政机关网站标识"));
    }
    marks
}

/// The footer texts [`footer_rendered`] looks for, each as written and
/// HTML-escaped (what [`super::crawl::scan`] searches every page for).
pub fn footer_marks(site: &Site) -> Vec<(String, String)> {
    shown_marks(site)
        .into_iter()
        .map(|(v, _)| (v.to_owned(), escape_html(v)))
        .collect()
}

/// With `government_site: true`, every HTML page must show each footer
/// mark that site.yaml gives (a theme may have dropped the footer).
pub fn footer_rendered(site: &Site, scanned: &super::Scanned) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, (value, label)) in shown_marks(site).into_iter().enumerate() {
        let mut missing: Vec<&str> = scanned
            .pages
            .iter()
            .filter(|(_, s)| !s.marks.get(i).copied().unwrap_or(true))
            .map(|(p, _)| p.as_str())
            .collect();
        missing.sort_unstable();
        if let Some(first) = missing.first() {
            out.push(Finding::warning(
                "footer-mark",
                Diagnostic::warning(
                    Span::file(*first),
                    format!(
                        "government_site: {label} `{value}` is not shown on {} page(s), e.g. {first}",
                        missing.len()
                    ),
                )
                .with_help("主题的页脚应显示 site.footer 中的各项标识"),
            ));
        }
    }
    out
}
