//! `check/words.yaml`: the site's wrong and forbidden words, and the
//! built-in outdated names it allows.
//!
//! ```yaml
//! words:
//!   - { wrong: 安全生产月活动月, right: 安全生产月, note: 名称重复 }
//!   - 零风险                 # a bare word: forbidden
//! allow: [安监局]            # built-in outdated names this site may use
//! ```

use crate::error::Diagnostic;
use crate::wording::{Entry, Source, WordList, builtin};
use crate::yaml::{self, Fields, Value};

pub const WORDS_FILE: &str = "check/words.yaml";

/// The site's word list from the text of `check/words.yaml` (none: the
/// built-in list only).
pub fn parse(text: Option<&str>) -> Result<WordList, Vec<Diagnostic>> {
    let Some(text) = text else {
        return Ok(WordList::default());
    };
    let (node, slips) =
        yaml::parse_checked(WORDS_FILE, text, 0, "请检查缩进（用空格）和冒号后的空格");
    let Some(node) = node else {
        return Err(slips);
    };
    let mut f = Fields::new(WORDS_FILE, &node, WORDS_FILE);
    f.diags
        .extend(slips.into_iter().filter(Diagnostic::is_error));
    let mut entries = builtin();
    if let Some(list) = f.get("words") {
        match &list.value {
            Value::Seq(items) => {
                for item in items {
                    match &item.value {
                        Value::Str(s) if !s.trim().is_empty() => entries.push(Entry {
                            wrong: s.trim().to_owned(),
                            right: None,
                            note: None,
                            source: Source::Site,
                        }),
                        Value::Map(_) => {
                            let mut wf = Fields::new(WORDS_FILE, item, "a word");
                            let wrong = wf.required_string("wrong", "安监局");
                            let right = wf.string("right").map(|s| s.trim().to_owned());
                            let note = wf.string("note").map(|s| s.trim().to_owned());
                            f.diags.extend(wf.finish(&["wrong", "right", "note"]));
                            if let Some(wrong) = wrong {
                                entries.push(Entry {
                                    wrong: wrong.trim().to_owned(),
                                    right: right.filter(|s| !s.is_empty()),
                                    note: note.filter(|s| !s.is_empty()),
                                    source: Source::Site,
                                });
                            }
                        }
                        _ => f.error(
                            item,
                            "a word must be text, or `wrong` with `right` and `note`",
                            "例如 `- 禁用词`，或 `- { wrong: 错误写法, right: 正确写法, note: 说明 }`",
                        ),
                    }
                }
            }
            _ => f.error(
                list,
                "`words` must be a list",
                "例如\nwords:\n  - { wrong: 安全生产月活动月, right: 安全生产月 }",
            ),
        }
    }
    let allow: Vec<String> = f
        .string_list("allow")
        .into_iter()
        .map(|(s, _)| s.trim().to_owned())
        .collect();
    let diags = f.finish(&["words", "allow"]);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok(WordList::new(entries).without(&allow))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_yaml_adds_words_and_allows_builtin_names() {
        let list = parse(Some(
            "words:\n  - 零风险\n  - { wrong: 安全生产月活动月, right: 安全生产月, note: 名称重复 }\nallow: [安监局]\n",
        ))
        .unwrap();
        let has = |w: &str| list.entries.iter().any(|e| e.wrong == w);
        assert!(has("零风险") && has("安全生产月活动月") && !has("安监局"));
        assert!(has("公安消防支队"), "the other built-in names stay");
        let err = parse(Some("word:\n  - x\n")).unwrap_err();
        assert_eq!(err[0].span.as_ref().unwrap().path, WORDS_FILE);
        assert!(err[0].help.as_deref().unwrap().contains("words"));
    }
}
