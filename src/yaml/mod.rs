//! YAML parsing with file-absolute positions, and a field reader that turns
//! a mapping into typed values while collecting every problem.
//!
//! Owns: the [`Yaml`] tree and the entry points [`parse`] and
//! [`parse_checked`]. Its parts: `saphyr` (the only use of
//! `serde_saphyr`: the raw deserializer and its budget), `fields` (the
//! typed field reader, [`Fields`]), `keys` (did-you-mean for keys, the
//! only use of `strsim`) and [`slips`] (the editors' typing slips found
//! before parsing).
//! Imports: `error`.
//!
//! Invariants: every [`Yaml`] node carries the 1-based line and character
//! column of the *file* it came from (the caller passes the line offset of
//! the YAML block); booleans are strict (`yes`/`no` stay strings); duplicate
//! keys are errors; alias expansion is bounded by serde-saphyr's budget;
//! messages hold no escaped bytes (`\xE5`).

mod fields;
mod keys;
mod saphyr;
pub mod slips;

use crate::error::{Diagnostic, Severity, Span};

pub use fields::Fields;
pub use keys::did_you_mean;

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
    saphyr::parse(text, line_offset)
}

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
}
