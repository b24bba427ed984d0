//! Did-you-mean for mapping keys: the Chinese names editors type for the
//! documented English keys, other spellings of a key, and near misses.
//!
//! Owns: the only use of `strsim`. Imports nothing from the crate.

/// Chinese names editors may type for the documented English keys.
const CHINESE_KEYS: &[(&str, &str)] = &[
    ("标题", "title"),
    ("题目", "title"),
    ("日期", "date"),
    ("发布日期", "date"),
    ("发布时间", "date"),
    ("摘要", "summary"),
    ("简介", "summary"),
    ("标签", "tags"),
    ("来源", "source"),
    ("作者", "author"),
    ("责编", "editor"),
    ("责任编辑", "editor"),
    ("审核", "reviewer"),
    ("草稿", "draft"),
    ("五进", "five_into"),
    ("领域", "five_into"),
    ("开始时间", "start"),
    ("结束时间", "end"),
    ("地点", "location"),
    ("地址", "address"),
    ("组织单位", "organizer"),
    ("主办单位", "organizer"),
    ("演练类型", "drill_type"),
    ("参加人数", "participants"),
    ("参加对象", "audience"),
    ("携带物品", "bring"),
    ("需携带", "bring"),
    ("联系人", "contact"),
    ("状态", "status"),
    ("事故日期", "accident_date"),
    ("事故地点", "place"),
    ("行业", "industry"),
    ("事故类型", "accident_type"),
    ("死亡", "deaths"),
    ("死亡人数", "deaths"),
    ("重伤", "serious_injuries"),
    ("受伤", "injuries"),
    ("直接经济损失", "direct_loss_wan"),
    ("等级", "grade"),
    ("原因", "causes"),
    ("教训", "lessons"),
    ("过期", "expires"),
];

/// The closest allowed key to `key`: a Chinese alias, the same key spelled
/// with other separators or case, or one within a small edit distance.
pub fn did_you_mean<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    if let Some((_, en)) = CHINESE_KEYS.iter().find(|(zh, _)| *zh == key)
        && let Some(a) = allowed.iter().find(|a| *a == en)
    {
        return Some(a);
    }
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let k = squash(key);
    if let Some(a) = allowed.iter().find(|a| squash(a) == k) {
        return Some(a);
    }
    let limit = if k.chars().count() <= 4 { 1 } else { 2 };
    allowed
        .iter()
        .map(|a| (strsim::levenshtein(&k, &squash(a)), *a))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_suggests_close_keys() {
        let allowed = ["title", "five_into", "start", "summary"];
        assert_eq!(did_you_mean("fiveinto", &allowed), Some("five_into"));
        assert_eq!(did_you_mean("strat", &allowed), Some("start"));
        assert_eq!(did_you_mean("标题", &allowed), Some("title"));
        assert_eq!(did_you_mean("zzzzzz", &allowed), None);
    }
}
