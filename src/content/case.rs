//! Cases (警示教育): accident cases with facts, causes and lessons.
//!
//! Imports: `config`, `dates`, `error`, `yaml`.
//!
//! Invariants: `accident_type` is one of the 20 types of GB 6441-86; the
//! grade is computed from the casualties and loss by 国务院令第493号 art. 3,
//! and a `grade` given in the file must agree with it.

use crate::config::Config;
use crate::dates::When;
use crate::error::Diagnostic;
use crate::yaml::Fields;

pub const KEYS: &[&str] = &[
    "date",
    "accident_date",
    "place",
    "industry",
    "accident_type",
    "deaths",
    "serious_injuries",
    "injuries",
    "direct_loss_wan",
    "grade",
    "causes",
    "lessons",
];

/// The 20 accident types of GB 6441-86《企业职工伤亡事故分类》.
pub const ACCIDENT_TYPES: &[&str] = &[
    "物体打击",
    "车辆伤害",
    "机械伤害",
    "起重伤害",
    "触电",
    "淹溺",
    "灼烫",
    "火灾",
    "高处坠落",
    "坍塌",
    "冒顶片帮",
    "透水",
    "放炮",
    "火药爆炸",
    "瓦斯爆炸",
    "锅炉爆炸",
    "容器爆炸",
    "其他爆炸",
    "中毒和窒息",
    "其他伤害",
];

/// Accident grade (事故等级) by 《生产安全事故报告和调查处理条例》art. 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Grade {
    /// 一般事故
    Ordinary,
    /// 较大事故
    Larger,
    /// 重大事故
    Major,
    /// 特别重大事故
    ExtraordinarilyMajor,
}

impl Grade {
    pub fn label(self) -> &'static str {
        match self {
            Grade::Ordinary => "一般",
            Grade::Larger => "较大",
            Grade::Major => "重大",
            Grade::ExtraordinarilyMajor => "特别重大",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Grade::Ordinary => "ordinary",
            Grade::Larger => "larger",
            Grade::Major => "major",
            Grade::ExtraordinarilyMajor => "extraordinarily-major",
        }
    }

    /// Parses 一般 / 一般事故 and the other three.
    pub fn parse(s: &str) -> Option<Grade> {
        let s = s.trim();
        let s = s.strip_suffix("事故").unwrap_or(s);
        [
            Grade::Ordinary,
            Grade::Larger,
            Grade::Major,
            Grade::ExtraordinarilyMajor,
        ]
        .into_iter()
        .find(|g| g.label() == s)
    }
}

/// The grade of an accident: the highest grade any one criterion reaches.
/// Thresholds "以上" include the number: 30/10/3 deaths, 100/50/10 serious
/// injuries (incl. acute industrial poisoning), 1亿/5000万/1000万 yuan.
pub fn compute_grade(deaths: u64, serious_injuries: u64, direct_loss_wan: f64) -> Grade {
    if deaths >= 30 || serious_injuries >= 100 || direct_loss_wan >= 10_000.0 {
        Grade::ExtraordinarilyMajor
    } else if deaths >= 10 || serious_injuries >= 50 || direct_loss_wan >= 5_000.0 {
        Grade::Major
    } else if deaths >= 3 || serious_injuries >= 10 || direct_loss_wan >= 1_000.0 {
        Grade::Larger
    } else {
        Grade::Ordinary
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub accident_date: When,
    pub place: String,
    pub industry: Option<String>,
    pub accident_type: String,
    pub deaths: u64,
    pub serious_injuries: u64,
    /// All injured people, serious injuries included.
    pub injuries: u64,
    /// 直接经济损失, 万元; `None` when not reported.
    pub direct_loss_wan: Option<f64>,
    pub grade: Grade,
    pub causes: Vec<String>,
    pub lessons: Vec<String>,
}

/// Reads the case-only fields; returns the case, its publication date and warnings.
pub fn read(f: &mut Fields<'_>, cfg: &Config) -> (Option<Case>, Option<When>, Vec<Diagnostic>) {
    let mut warnings = Vec::new();
    let date = super::required_when(f, "date", cfg, "2025-06-16");
    let accident_date = super::required_when(f, "accident_date", cfg, "2025-05-20");
    let place = f.required_string("place", "某市某区某工业园");
    let industry = f.string("industry");
    let accident_type = f.required_string("accident_type", "火灾");
    let accident_type = match (accident_type, f.get("accident_type")) {
        (Some(t), Some(node)) if !ACCIDENT_TYPES.contains(&t.as_str()) => {
            f.error(
                node,
                format!("`{t}` is not one of the 20 accident types of GB 6441-86"),
                format!("accident_type 只能填写：{}", ACCIDENT_TYPES.join("、")),
            );
            None
        }
        (t, _) => t,
    };
    let deaths = f.count("deaths");
    let serious = f.count("serious_injuries");
    let injuries = f.count("injuries");
    let loss = f.number("direct_loss_wan");
    let computed = compute_grade(
        deaths.unwrap_or(0),
        serious.unwrap_or(0),
        loss.unwrap_or(0.0),
    );
    if let Some(node) = f.get("grade")
        && let Some(g) = f.string("grade")
    {
        match Grade::parse(&g) {
                None => f.error(
                    node,
                    format!("invalid grade `{g}`"),
                    "grade 只能是 一般、较大、重大、特别重大；也可以不填，由伤亡和损失自动计算",
                ),
                Some(given) if given != computed => f.error(
                    node,
                    format!(
                        "grade `{}` disagrees with the computed grade `{}` (deaths {}, serious injuries {}, direct loss {})",
                        given.label(),
                        computed.label(),
                        deaths.unwrap_or(0),
                        serious.unwrap_or(0),
                        loss.map_or("not given".to_owned(), |l| format!("{l} 万元")),
                    ),
                    format!(
                        "按《生产安全事故报告和调查处理条例》第三条应为“{}事故”；请核对伤亡人数和直接经济损失，或删除 grade 让网站自动计算",
                        computed.label()
                    ),
                ),
                Some(_) => {}
            }
    }
    if let (Some(s), Some(i), Some(node)) = (serious, injuries, f.get("injuries"))
        && i < s
    {
        warnings.push(
            Diagnostic::warning(
                f.span_of(node),
                format!("`injuries` ({i}) is less than `serious_injuries` ({s})"),
            )
            .with_help("injuries 是受伤总人数（含重伤），应不少于 serious_injuries"),
        );
    }
    let causes: Vec<String> = f
        .string_list("causes")
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let lessons: Vec<String> = f
        .string_list("lessons")
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let case = match (accident_date, place, accident_type) {
        (Some(accident_date), Some(place), Some(accident_type)) => Some(Case {
            accident_date,
            place,
            industry,
            accident_type,
            deaths: deaths.unwrap_or(0),
            serious_injuries: serious.unwrap_or(0),
            injuries: injuries.unwrap_or(0),
            direct_loss_wan: loss,
            grade: computed,
            causes,
            lessons,
        }),
        _ => None,
    };
    (case, date, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compute_grade_deaths_boundaries() {
        assert_eq!(compute_grade(2, 0, 0.0), Grade::Ordinary);
        assert_eq!(compute_grade(3, 0, 0.0), Grade::Larger);
        assert_eq!(compute_grade(9, 0, 0.0), Grade::Larger);
        assert_eq!(compute_grade(10, 0, 0.0), Grade::Major);
        assert_eq!(compute_grade(29, 0, 0.0), Grade::Major);
        assert_eq!(compute_grade(30, 0, 0.0), Grade::ExtraordinarilyMajor);
    }

    #[test]
    fn compute_grade_serious_injury_boundaries() {
        assert_eq!(compute_grade(0, 9, 0.0), Grade::Ordinary);
        assert_eq!(compute_grade(0, 10, 0.0), Grade::Larger);
        assert_eq!(compute_grade(0, 49, 0.0), Grade::Larger);
        assert_eq!(compute_grade(0, 50, 0.0), Grade::Major);
        assert_eq!(compute_grade(0, 99, 0.0), Grade::Major);
        assert_eq!(compute_grade(0, 100, 0.0), Grade::ExtraordinarilyMajor);
    }

    #[test]
    fn compute_grade_loss_boundaries() {
        assert_eq!(compute_grade(0, 0, 999.9), Grade::Ordinary);
        assert_eq!(compute_grade(0, 0, 1000.0), Grade::Larger);
        assert_eq!(compute_grade(0, 0, 4999.9), Grade::Larger);
        assert_eq!(compute_grade(0, 0, 5000.0), Grade::Major);
        assert_eq!(compute_grade(0, 0, 9999.9), Grade::Major);
        assert_eq!(compute_grade(0, 0, 10000.0), Grade::ExtraordinarilyMajor);
    }

    #[test]
    fn compute_grade_takes_highest_criterion() {
        assert_eq!(compute_grade(1, 60, 100.0), Grade::Major);
        assert_eq!(compute_grade(3, 0, 12000.0), Grade::ExtraordinarilyMajor);
    }

    #[test]
    fn grade_parse_accepts_suffix() {
        assert_eq!(Grade::parse("较大事故"), Some(Grade::Larger));
        assert_eq!(Grade::parse("特别重大"), Some(Grade::ExtraordinarilyMajor));
        assert_eq!(Grade::parse("严重"), None);
    }
}
