//! `footer` in site.yaml: the marks a Chinese government website shows at
//! the foot of every page (主办单位, 备案号, 网站标识码, 党政机关网站标识,
//! 找错 and 咨询建言 links).
//!
//! Invariants: every link is an absolute http(s) URL, judged by the WHATWG
//! parser (`weburl`); `police_record_code` is the digits of `police_record`.

use crate::weburl;
use crate::yaml::{Fields, Yaml};

/// The 党政机关网站标识 (the red "党政机关" mark of 中央编办): its image,
/// which the site supplies under `static/`, and its verification page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GovMark {
    /// The image's path under the site root, e.g. `images/dzjg.png`.
    pub image: String,
    /// The verification page, e.g. `https://bszs.conac.cn/sitename?method=show&id=…`.
    pub url: String,
}

/// The marks a Chinese government website must show in its footer.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Footer {
    /// 主办单位
    pub organizer: Option<String>,
    /// 承办单位
    pub operator: Option<String>,
    /// 联系方式
    pub contact: Option<String>,
    /// ICP备案号, e.g. 浙ICP备12345678号
    pub icp: Option<String>,
    /// 公安备案号, e.g. 浙公网安备 33010602000001号
    pub police_record: Option<String>,
    /// The digits of the 公安备案号, for the link to beian.gov.cn.
    pub police_record_code: Option<String>,
    /// 网站标识码
    pub site_code: Option<String>,
    /// 政府网站找错 link
    pub error_report_url: Option<String>,
    /// 咨询建言 / 互动 link: 12345 or the district's 留言 page.
    pub feedback_url: Option<String>,
    /// The text of that link (default 咨询建言).
    pub feedback_label: String,
    /// 党政机关网站标识
    pub gov_mark: Option<GovMark>,
}

const FOOTER_KEYS: &[&str] = &[
    "organizer",
    "operator",
    "contact",
    "icp",
    "police_record",
    "site_code",
    "error_report_url",
    "feedback_url",
    "feedback_label",
    "gov_mark",
];

const GOV_MARK_KEYS: &[&str] = &["image", "url"];

/// The default text of the feedback link.
pub const FEEDBACK_LABEL: &str = "咨询建言";

/// An absolute http(s) URL at `key` (an error otherwise).
fn web_url(f: &mut Fields<'_>, key: &str, example: &str) -> Option<String> {
    let node = f.get(key)?;
    let url = f.string(key)?;
    if weburl::absolute_web(url.trim()).is_some() {
        return Some(url.trim().to_owned());
    }
    f.error(
        node,
        format!("`{key}` must be an absolute http(s) address, found `{url}`"),
        format!("请填写以 https:// 开头的完整网址，例如 {example}"),
    );
    None
}

/// Parses `footer`; problems are added to `f`.
pub(super) fn parse(f: &mut Fields<'_>, node: &Yaml) -> Footer {
    let mut ff = Fields::new(f.path(), node, "`footer`");
    let gov_mark = ff.get("gov_mark").and_then(|node| {
        let mut gf = Fields::new(f.path(), node, "`footer.gov_mark`");
        let image = gf.required_string("image", "images/dzjg.png");
        let url = web_url(
            &mut gf,
            "url",
            "https://bszs.conac.cn/sitename?method=show&id=…",
        );
        if gf.get("url").is_none() {
            gf.missing("url", "https://bszs.conac.cn/sitename?method=show&id=…");
        }
        ff.diags.extend(gf.finish(GOV_MARK_KEYS));
        Some(GovMark {
            image: image?.trim().trim_start_matches('/').to_owned(),
            url: url?,
        })
    });
    let police_record = ff.string("police_record");
    let footer = Footer {
        organizer: ff.string("organizer"),
        operator: ff.string("operator"),
        contact: ff.string("contact"),
        icp: ff.string("icp"),
        police_record_code: police_record.as_ref().and_then(|r| {
            let digits: String = r.chars().filter(char::is_ascii_digit).collect();
            (!digits.is_empty()).then_some(digits)
        }),
        police_record,
        site_code: ff.string("site_code"),
        error_report_url: web_url(&mut ff, "error_report_url", "https://zfwzzc.www.gov.cn/"),
        feedback_url: web_url(&mut ff, "feedback_url", "https://12345.example.gov.cn/"),
        feedback_label: ff
            .string("feedback_label")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| FEEDBACK_LABEL.to_owned()),
        gov_mark,
    };
    f.diags.extend(ff.finish(FOOTER_KEYS));
    footer
}
