//! Errors and diagnostics.
//!
//! Owns: [`Diagnostic`] (a problem in the user's site, printed like a compiler
//! message), [`Span`] (a place in a file), [`Error`] (a failure of anxuan
//! itself or of the environment: I/O, refused output folders, usage) and
//! [`readable`] (library messages without escaped bytes).
//! Imports nothing from the rest of the crate; every other module may import it.
//!
//! Invariants: a diagnostic's path is relative to the site root and uses `/`;
//! lines and columns are 1-based and count characters (what an editor shows);
//! `0` means "the whole file".

use std::fmt;
use std::path::PathBuf;

/// How bad a diagnostic is. Errors fail the build; warnings are printed only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a source file of the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Span {
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    pub line: usize,
    pub col: usize,
}

impl Span {
    pub fn new(path: impl Into<String>, line: usize, col: usize) -> Self {
        Span {
            path: path.into(),
            line,
            col,
        }
    }

    /// The whole file, without a position.
    pub fn file(path: impl Into<String>) -> Self {
        Span::new(path, 0, 0)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.col) {
            (0, _) => write!(f, "{}", self.path),
            (l, 0) => write!(f, "{}:{}", self.path, l),
            (l, c) => write!(f, "{}:{}:{}", self.path, l, c),
        }
    }
}

/// A problem in the user's site, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// `None` for problems that belong to no file (e.g. an empty site).
    pub span: Option<Span>,
    pub message: String,
    /// One or more lines of advice, usually in Chinese for editors.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            span: Some(span),
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            span: Some(span),
            message: message.into(),
            help: None,
        }
    }

    /// A problem that belongs to no single file.
    pub fn global(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            span: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: file, line, column, then errors before warnings, then text.
    fn sort_key(&self) -> (Option<&Span>, Severity, &str) {
        (self.span.as_ref(), self.severity, &self.message)
    }
}

/// The parts of a diagnostic's layout a console may colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `content/a.md:3:7:`
    Location,
    /// `error` or `warning`.
    Level(Severity),
    /// `help:`
    Help,
}

impl Diagnostic {
    /// The one layout of a diagnostic — `path:line:col: error: message`,
    /// then a `  help: …` line per line of help — with each [`Part`]
    /// passed through `paint` (the console adds colour; plain text is
    /// [`Display`](fmt::Display)).
    pub fn layout(&self, paint: &dyn Fn(Part, &str) -> String) -> String {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut s = String::new();
        if let Some(span) = &self.span {
            s.push_str(&paint(Part::Location, &format!("{span}:")));
            s.push(' ');
        }
        s.push_str(&paint(Part::Level(self.severity), level));
        s.push_str(": ");
        s.push_str(&self.message);
        if let Some(help) = &self.help {
            for line in help.lines() {
                s.push_str("\n  ");
                s.push_str(&paint(Part::Help, "help:"));
                s.push(' ');
                s.push_str(line);
            }
        }
        s
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.layout(&|_, text| text.to_owned()))
    }
}

/// Sorts diagnostics by file, line and column, and drops exact duplicates.
pub fn sort_diagnostics(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

/// `message` with the escapes some libraries write for bytes and
/// characters (`\xE5\xB9\xB4`, `\u{3000}`) turned back into text, so no
/// message shows raw bytes: a byte run that is not UTF-8 reads as
/// "a non-ASCII character".
pub fn readable(message: &str) -> String {
    if !message.contains('\\') {
        return message.to_owned();
    }
    let mut out = String::with_capacity(message.len());
    let mut bytes: Vec<u8> = Vec::new();
    let flush = |bytes: &mut Vec<u8>, out: &mut String| {
        if bytes.is_empty() {
            return;
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => out.push_str(s),
            Err(_) => out.push_str("a non-ASCII character"),
        }
        bytes.clear();
    };
    let mut rest = message;
    while let Some(c) = rest.chars().next() {
        if let Some(hex) = rest.strip_prefix("\\x")
            && let Some(h) = hex.get(..2)
            && h.bytes().all(|b| b.is_ascii_hexdigit())
            && let Ok(b) = u8::from_str_radix(h, 16)
        {
            bytes.push(b);
            rest = &hex[2..];
            continue;
        }
        flush(&mut bytes, &mut out);
        if let Some(inner) = rest.strip_prefix("\\u{")
            && let Some(end) = inner.find('}')
            && inner[..end].bytes().all(|b| b.is_ascii_hexdigit())
            && let Some(ch) = u32::from_str_radix(&inner[..end], 16)
                .ok()
                .and_then(char::from_u32)
        {
            out.push(ch);
            rest = &inner[end + 1..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut bytes, &mut out);
    out
}

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// A failure of anxuan or its environment rather than of the site's content.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The site has problems; they were collected into diagnostics.
    #[error("the site has {0} error(s)")]
    Site(usize),
    /// An output folder anxuan refuses to write to.
    #[error("refusing to write to {path}: {reason}")]
    UnsafeOutput { path: PathBuf, reason: String },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_with_help_prints_compiler_style() {
        let d = Diagnostic::error(
            Span::new("content/drills/fire.md", 7, 1),
            "unknown field `strat`",
        )
        .with_help("did you mean `start`?");
        assert_eq!(
            d.to_string(),
            "content/drills/fire.md:7:1: error: unknown field `strat`\n  help: did you mean `start`?"
        );
    }

    #[test]
    fn readable_escaped_bytes_become_text() {
        assert_eq!(readable("got \\xE5\\xB9\\xB4 here"), "got 年 here");
        assert_eq!(readable("got \\xE5"), "got a non-ASCII character");
        assert_eq!(readable("found '\\u{3000}'"), "found '\u{3000}'");
        assert_eq!(readable("a \\ b \\xZZ"), "a \\ b \\xZZ");
    }

    #[test]
    fn sort_diagnostics_orders_by_file_then_line() {
        let mut v = vec![
            Diagnostic::error(Span::new("b.md", 1, 1), "x"),
            Diagnostic::error(Span::new("a.md", 9, 1), "y"),
            Diagnostic::error(Span::new("a.md", 2, 5), "z"),
            Diagnostic::error(Span::new("a.md", 2, 5), "z"),
        ];
        sort_diagnostics(&mut v);
        let order: Vec<_> = v.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["z", "y", "x"]);
    }
}
