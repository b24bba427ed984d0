//! [`Fields`]: reads typed values out of a YAML mapping (text, strict
//! booleans, counts, numbers, lists of text), with a diagnostic for every
//! wrong type, missing required key and unknown key.
//!
//! Imports: `error`.

use super::{Key, Value, Yaml, did_you_mean};
use crate::error::{Diagnostic, Span};

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
