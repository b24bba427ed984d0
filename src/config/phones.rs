//! `emergency_numbers` in site.yaml: the phone numbers a printed notice
//! lists under the 12350 hotline (119 火警, 110 报警, 120 急救, a 街道's
//! duty line).
//!
//! Owns: the names of the national numbers and how an entry is written
//! (`119`, or a name then the number: `街道应急值班 0571-88880000`).
//! Imports: `yaml`.
//!
//! Invariants: a number holds only digits and `-`; every entry has a name.

use crate::yaml::{Fields, Yaml};

/// One line of the printed hotline box.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Phone {
    /// What it is for, e.g. 火警.
    pub label: String,
    /// Digits and `-`, e.g. `119` or `0571-88880000`.
    pub number: String,
}

/// The name of a national service number, if it is one.
pub fn known_label(number: &str) -> Option<&'static str> {
    Some(match number {
        "110" => "报警",
        "119" => "火警",
        "120" => "急救",
        "122" => "交通事故报警",
        "12345" => "政务服务便民热线",
        "12350" => "安全生产举报投诉",
        "12369" => "环保举报",
        _ => return None,
    })
}

/// Reads one entry: a bare number with a known name, or `name number`.
pub fn parse_entry(entry: &str) -> Result<Phone, String> {
    let entry = entry.trim();
    let (label, number) = match entry.rsplit_once(char::is_whitespace) {
        Some((label, number)) => (label.trim().to_owned(), number),
        None => match known_label(entry) {
            Some(l) => (l.to_owned(), entry),
            None => return Err(format!("`{entry}` needs a name before the number")),
        },
    };
    let valid = !number.is_empty()
        && number.starts_with(|c: char| c.is_ascii_digit())
        && number.chars().all(|c| c.is_ascii_digit() || c == '-');
    if !valid {
        return Err(format!("`{number}` is not a phone number"));
    }
    Ok(Phone {
        label,
        number: number.to_owned(),
    })
}

/// `emergency_numbers: [...]`, every bad entry reported at its line.
pub fn parse(f: &mut Fields<'_>) -> Vec<Phone> {
    let entries: Vec<(String, &Yaml)> = f.string_list("emergency_numbers");
    let mut out = Vec::new();
    for (entry, node) in entries {
        match parse_entry(&entry) {
            Ok(p) => out.push(p),
            Err(why) => f.error(
                node,
                format!("`emergency_numbers`: {why}"),
                "每项写一个电话：全国统一号码直接写，例如 119、110、120；\
                 其他号码前面写名称并用空格隔开，例如 `街道应急值班 0571-88880000`",
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_national_numbers_get_their_names() {
        assert_eq!(
            parse_entry("119"),
            Ok(Phone {
                label: "火警".into(),
                number: "119".into()
            })
        );
        assert_eq!(parse_entry(" 120 ").map(|p| p.label), Ok("急救".into()));
    }

    #[test]
    fn a_named_local_number_keeps_its_name() {
        assert_eq!(
            parse_entry("街道 应急值班 0571-88880000"),
            Ok(Phone {
                label: "街道 应急值班".into(),
                number: "0571-88880000".into()
            })
        );
    }

    #[test]
    fn unknown_bare_numbers_and_words_are_refused() {
        assert!(parse_entry("88880000").is_err());
        assert!(parse_entry("值班 电话").is_err());
        assert!(parse_entry("值班 -1").is_err());
    }
}
