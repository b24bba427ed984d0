//! YAML parsing with file-absolute positions, and a field reader that turns
//! a mapping into typed values while collecting every problem.
//!
//! Owns: the only use of `serde_saphyr` and `strsim` (did-you-mean for
//! keys); [`slips`], the editors' typing slips found before parsing.
//! Imports: `error`.
//!
//! Invariants: every [`Yaml`] node carries the 1-based line and character
//! column of the *file* it came from (the caller passes the line offset of
//! the YAML block); booleans are strict (`yes`/`no` stay strings); duplicate
//! keys are errors; alias expansion is bounded by serde-saphyr's budget;
//! messages hold no escaped bytes (`\xE5`).

pub mod slips;

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::error::{Diagnostic, Severity, Span, readable};

/// A YAML value with its position in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Yaml {
    pub value: Value,
    pub line: usize,
    pub col: usize,
}

/// The shape of a YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(Key, Yaml)>),
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub line: usize,
    pub col: usize,
}

impl Value {
    /// A short Chinese-and-English description used in type errors.
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Null => "an empty value (空值)",
            Value::Bool(_) => "a boolean (布尔值)",
            Value::Int(_) => "an integer (整数)",
            Value::Float(_) => "a number (数字)",
            Value::Str(_) => "a string (文本)",
            Value::Seq(_) => "a list (列表)",
            Value::Map(_) => "a mapping (键值表)",
        }
    }
}

impl Yaml {
    /// Converts to JSON for free-form data (`extra`); keys keep their order.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => {
                serde_json::Value::Array(items.iter().map(Yaml::to_json).collect())
            }
            Value::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// A raw node as serde-saphyr hands it over, converted to [`Yaml`] afterwards.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<String>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RawVisitor;
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
                Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
                Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Raw, D2::Error> {
                Raw::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Raw::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Raw::Map(entries))
            }
        }
        d.deserialize_any(RawVisitor)
    }
}

fn convert(raw: Spanned<Raw>, line_offset: usize) -> Yaml {
    let line = raw.referenced.line() as usize + line_offset;
    let col = raw.referenced.column() as usize;
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(s),
        Raw::Seq(items) => Value::Seq(items.into_iter().map(|i| convert(i, line_offset)).collect()),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key {
                        line: k.referenced.line() as usize + line_offset,
                        col: k.referenced.column() as usize,
                        name: k.value,
                    };
                    (key, convert(v, line_offset))
                })
                .collect(),
        ),
    };
    Yaml { value, line, col }
}

/// A YAML syntax error at a file position.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Parses `text`, whose first line is line `line_offset + 1` of its file.
///
/// An empty text is an empty mapping.
pub fn parse(text: &str, line_offset: usize) -> Result<Yaml, SyntaxError> {
    if text.trim().is_empty() {
        return Ok(Yaml {
            value: Value::Map(Vec::new()),
            line: line_offset + 1,
            col: 1,
        });
    }
    let options = serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
        budget: serde_saphyr::budget! {
            max_depth: 64,
            max_events: 200_000,
            max_nodes: 100_000,
            max_total_scalar_bytes: 4 * 1024 * 1024,
        },
    };
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, options) {
        Ok(raw) => Ok(convert(raw, line_offset)),
        Err(err) => {
            let (line, col) = err
                .location()
                .map(|l| (l.line() as usize, l.column() as usize))
                .unwrap_or((1, 1));
            let mut message = readable(&err.to_string());
            if let Some(i) = message.rfind(" at line ") {
                message.truncate(i);
            }
            Err(SyntaxError {
                line: line.max(1) + line_offset,
                col: col.max(1),
                message,
            })
        }
    }
}

/// Parses a YAML block of `path` like [`parse`], first finding the typing
/// slips of [`slips::scan`]: each is reported at its own line and column
/// with Chinese help, and the text is parsed with the slips repaired, so
/// the other problems of the file are still found. A syntax error left on
/// a line with a slip is the slip's doing and is not reported again; any
/// other one is reported with `help`.
///
/// Returns the tree (positions as the editor wrote them) when the repaired
/// text parses, and every diagnostic (warnings too) either way.
pub fn parse_checked(
    path: &str,
    text: &str,
    line_offset: usize,
    help: &str,
) -> (Option<Yaml>, Vec<Diagnostic>) {
    let scan = slips::scan(text);
    let mut diags: Vec<Diagnostic> = scan
        .slips
        .iter()
        .map(|s| {
            let line = s.line + line_offset;
            let span = Span::new(path, line, s.col);
            let d = match s.severity {
                Severity::Error => Diagnostic::error(span, s.message.clone()),
                Severity::Warning => Diagnostic::warning(span, s.message.clone()),
            };
            d.with_help(s.help.replace("{line}", &line.to_string()))
        })
        .collect();
    let source = scan.repaired.as_deref().unwrap_or(text);
    match parse(source, line_offset) {
        Ok(mut node) => {
            if scan.repaired.is_some() {
                restore_columns(&mut node, &scan, line_offset);
            }
            (Some(node), diags)
        }
        Err(e) => {
            let line = e.line.saturating_sub(line_offset);
            if !scan.has_error_on(line) {
                let col = scan.original_col(line, e.col);
                diags.push(
                    Diagnostic::error(
                        Span::new(path, e.line, col),
                        format!("invalid YAML: {}", e.message),
                    )
                    .with_help(help),
                );
            }
            (None, diags)
        }
    }
}

/// Moves the columns of a tree parsed from repaired text back to where
/// the editor's text has them.
fn restore_columns(node: &mut Yaml, scan: &slips::Scan, line_offset: usize) {
    let back = |line: usize, col: usize| scan.original_col(line.saturating_sub(line_offset), col);
    node.col = back(node.line, node.col);
    match &mut node.value {
        Value::Seq(items) => {
            for item in items {
                restore_columns(item, scan, line_offset);
            }
        }
        Value::Map(entries) => {
            for (key, value) in entries {
                key.col = back(key.line, key.col);
                restore_columns(value, scan, line_offset);
            }
        }
        _ => {}
    }
}

/// Reads typed fields out of a YAML mapping, collecting a diagnostic for every
/// problem: wrong types, missing required keys and (in [`Fields::finish`])
/// unknown keys with a "did you mean" hint.
pub struct Fields<'a> {
    path: &'a str,
    entries: &'a [(Key, Yaml)],
    used: Vec<bool>,
    /// Where to point for a missing key.
    anchor: (usize, usize),
    pub diags: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    /// Starts reading `node`, which must be a mapping (an error is recorded
    /// otherwise and every field reads as absent).
    pub fn new(path: &'a str, node: &'a Yaml, what: &str) -> Self {
        let mut diags = Vec::new();
        let entries: &[(Key, Yaml)] = match &node.value {
            Value::Map(entries) => entries,
            Value::Null => &[],
            other => {
                diags.push(
                    Diagnostic::error(
                        Span::new(path, node.line, node.col),
                        format!(
                            "{what} must be a mapping of `key: value` lines, found {}",
                            other.describe()
                        ),
                    )
                    .with_help(
                        "每行写一个“字段名: 值”，例如 `title: 关于开展安全生产月活动的通知`",
                    ),
                );
                &[]
            }
        };
        Fields {
            path,
            entries,
            used: vec![false; entries.len()],
            anchor: (node.line, node.col),
            diags,
        }
    }

    /// Sets where "missing key" errors point (e.g. the opening `---`).
    pub fn missing_at(mut self, line: usize, col: usize) -> Self {
        self.anchor = (line, col);
        self
    }

    pub fn path(&self) -> &'a str {
        self.path
    }

    pub fn span_of(&self, node: &Yaml) -> Span {
        Span::new(self.path, node.line, node.col)
    }

    /// The raw node of `key`, marking it as used.
    pub fn get(&mut self, key: &str) -> Option<&'a Yaml> {
        let entries = self.entries;
        let i = entries.iter().position(|(k, _)| k.name == key)?;
        self.used[i] = true;
        let node = &entries[i].1;
        // `key:` with nothing after it means "not given".
        if node.value == Value::Null {
            None
        } else {
            Some(node)
        }
    }

    /// Records an error at `node`.
    pub fn error(&mut self, node: &Yaml, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::error(self.span_of(node), message).with_help(help);
        self.diags.push(d);
    }

    /// Records an error for a required key that is absent.
    pub fn missing(&mut self, key: &str, example: &str) {
        let d = Diagnostic::error(
            Span::new(self.path, self.anchor.0, self.anchor.1),
            format!("missing required field `{key}`"),
        )
        .with_help(format!("请添加必填字段，例如 `{key}: {example}`"));
        self.diags.push(d);
    }

    /// A string; numbers are accepted and written as given.
    pub fn string(&mut self, key: &str) -> Option<String> {
        let node = self.get(key)?;
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            other => {
                let d = other.describe();
                self.error(
                    node,
                    format!("`{key}` must be text, found {d}"),
                    "如果值中含有冒号、# 或以特殊符号开头，请用英文双引号括起来",
                );
                None
            }
        }
    }

    /// A non-empty string that must be present.
    pub fn required_string(&mut self, key: &str, example: &str) -> Option<String> {
        let present = self.get(key).is_some();
        if !present {
            self.missing(key, example);
            return None;
        }
        let s = self.string(key)?;
        if s.trim().is_empty() {
            if let Some(node) = self.get(key) {
                self.error(
                    node,
                    format!("`{key}` must not be empty"),
                    format!("例如 `{key}: {example}`"),
                );
            }
            return None;
        }
        Some(s)
    }

    /// A strict boolean: `true` or `false`.
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let node = self.get(key)?;
        match &node.value {
            Value::Bool(b) => Some(*b),
            other => {
                let found = match other {
                    Value::Str(s) => format!("`{s}`"),
                    o => o.describe().to_string(),
                };
                self.error(
                    node,
                    format!("`{key}` must be `true` or `false`, found {found}"),
                    "只能写 true（是）或 false（否），不要写 yes/no/是/否",
                );
                None
            }
        }
    }

    /// A non-negative integer.
    pub fn count(&mut self, key: &str) -> Option<u64> {
        let node = self.get(key)?;
        match &node.value {
            Value::Int(i) if *i >= 0 => Some(*i as u64),
            Value::Int(_) => {
                self.error(
                    node,
                    format!("`{key}` must not be negative"),
                    "请填写 0 或正整数",
                );
                None
            }
            other => {
                let d = other.describe();
                self.error(
                    node,
                    format!("`{key}` must be a whole number, found {d}"),
                    "请填写阿拉伯数字，例如 `3`，不要加单位或引号",
                );
                None
            }
        }
    }

    /// A non-negative number (integer or decimal).
    pub fn number(&mut self, key: &str) -> Option<f64> {
        let node = self.get(key)?;
        match &node.value {
            Value::Int(i) if *i >= 0 => Some(*i as f64),
            Value::Float(f) if *f >= 0.0 && f.is_finite() => Some(*f),
            Value::Int(_) | Value::Float(_) => {
                self.error(
                    node,
                    format!("`{key}` must be a non-negative number"),
                    "请填写 0 或正数",
                );
                None
            }
            other => {
                let d = other.describe();
                self.error(
                    node,
                    format!("`{key}` must be a number, found {d}"),
                    "请填写阿拉伯数字，例如 `1200.5`，不要加单位（万元）或引号",
                );
                None
            }
        }
    }

    /// A list of strings; a single string is accepted as a one-item list.
    /// Each item comes with its node for item-level errors.
    pub fn string_list(&mut self, key: &str) -> Vec<(String, &'a Yaml)> {
        let Some(node) = self.get(key) else {
            return Vec::new();
        };
        match &node.value {
            Value::Str(s) => vec![(s.clone(), node)],
            Value::Seq(items) => {
                let mut out = Vec::new();
                for item in items {
                    match &item.value {
                        Value::Str(s) => out.push((s.clone(), item)),
                        Value::Int(i) => out.push((i.to_string(), item)),
                        other => {
                            let d = other.describe();
                            self.error(
                                item,
                                format!("items of `{key}` must be text, found {d}"),
                                "列表的每一项都应是文本，例如 `[消防安全, 燃气安全]`",
                            );
                        }
                    }
                }
                out
            }
            other => {
                let d = other.describe();
                self.error(
                    node,
                    format!("`{key}` must be a list, found {d}"),
                    format!("例如 `{key}: [第一项, 第二项]`"),
                );
                Vec::new()
            }
        }
    }

    /// Records an error for every key not read, with a "did you mean" hint
    /// chosen from `allowed`.
    pub fn finish(mut self, allowed: &[&str]) -> Vec<Diagnostic> {
        for (i, (key, _)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            let expected = allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut d = Diagnostic::error(
                Span::new(self.path, key.line, key.col),
                format!("unknown field `{}`, expected one of {expected}", key.name),
            );
            d = match did_you_mean(&key.name, allowed) {
                Some(s) => d.with_help(format!("did you mean `{s}`? 是否应为 `{s}`？")),
                None => d.with_help("自定义数据请放在 `extra:` 下面"),
            };
            self.diags.push(d);
        }
        self.diags
    }
}

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
    fn parse_positions_are_file_absolute() {
        let y = parse("title: 你好\ntags: [a, b]\n", 1).unwrap();
        let Value::Map(entries) = &y.value else {
            panic!()
        };
        assert_eq!((entries[0].0.line, entries[0].0.col), (2, 1));
        assert_eq!((entries[0].1.line, entries[0].1.col), (2, 8));
        let Value::Seq(items) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!((items[1].line, items[1].col), (3, 11));
    }

    #[test]
    fn parse_booleans_are_strict() {
        let y = parse("draft: no\n", 0).unwrap();
        let Value::Map(entries) = &y.value else {
            panic!()
        };
        assert_eq!(entries[0].1.value, Value::Str("no".into()));
    }

    #[test]
    fn parse_syntax_error_has_file_line() {
        let e = parse("title: ok\ntags: [a\n", 3).unwrap_err();
        assert_eq!(e.line, 5);
        assert!(!e.message.contains(" at line "), "{}", e.message);
    }

    #[test]
    fn parse_duplicate_key_is_error() {
        assert!(parse("a: 1\na: 2\n", 0).is_err());
    }

    #[test]
    fn did_you_mean_suggests_close_keys() {
        let allowed = ["title", "five_into", "start", "summary"];
        assert_eq!(did_you_mean("fiveinto", &allowed), Some("five_into"));
        assert_eq!(did_you_mean("strat", &allowed), Some("start"));
        assert_eq!(did_you_mean("标题", &allowed), Some("title"));
        assert_eq!(did_you_mean("zzzzzz", &allowed), None);
    }
}
