//! Turning a file's bytes into text and splitting off its front matter.
//!
//! Owns: encoding checks (UTF-8 with or without BOM; a helpful error for
//! GBK/GB18030 files saved by Windows editors), line-ending normalization and
//! the `---` fences; the only use of `simdutf8`. Imports: `error`.
//!
//! Invariants: line numbers are preserved (CRLF → LF keeps every line); the
//! returned offsets are 0-based line counts of the *file*.

use crate::error::{Diagnostic, Span};

/// Decodes a source file. UTF-8 BOM and CRLF are accepted silently.
pub fn decode(path: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(
            Diagnostic::error(Span::file(path), "file is UTF-16, not UTF-8")
                .with_help("请用编辑器“另存为”UTF-8 编码（记事本：另存为 → 编码选 UTF-8）"),
        );
    }
    // Sources are mostly Chinese (three bytes a character), where std's
    // validation is slow (measurably, on a large site: BENCHMARKS.md);
    // simdutf8's is SIMD
    // and reports the same error position.
    let text = match simdutf8::compat::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            let mut d = Diagnostic::error(Span::new(path, line, col), "file is not valid UTF-8");
            let (_, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            d = if !had_errors {
                d.with_help(
                    "文件看起来是 GBK/GB18030 编码（Windows 记事本、WPS 的常见保存方式），请转换为 UTF-8：\n\
                     记事本/WPS：文件 → 另存为 → 编码选择“UTF-8”；\n\
                     命令行：iconv -f GB18030 -t UTF-8 原文件.md > 新文件.md",
                )
            } else {
                d.with_help("请用编辑器把文件另存为 UTF-8 编码")
            };
            return Err(d);
        }
    };
    if let Some(i) = text.find('\0') {
        let line = text[..i].matches('\n').count() + 1;
        return Err(
            Diagnostic::error(Span::new(path, line, 0), "file contains a NUL byte")
                .with_help("文件可能已损坏或不是文本文件；请检查是否误放了二进制文件"),
        );
    }
    if text.contains('\r') {
        Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Ok(text.to_owned())
    }
}

/// A file split into its YAML block and Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Lines of the file before the YAML block (the opening fence: 1).
    pub yaml_line_offset: usize,
    pub body: &'a str,
    /// Lines of the file before the body.
    pub body_line_offset: usize,
}

/// Splits `---` front matter off `text` (already decoded and LF-only).
pub fn split<'a>(path: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first_line = text.lines().next().unwrap_or("");
    if first_line.trim_end() != "---" {
        let help = if first_line.trim_start().starts_with("---") || first_line.trim() == "+++" {
            "前置元数据必须以单独一行 `---` 开始（不要加空格或其他字符）"
        } else {
            "文件第一行必须是 `---`，接着写 title 等字段，再用一行 `---` 结束，然后是正文"
        };
        return Err(Diagnostic::error(
            Span::new(path, 1, 1),
            "missing front matter: the file must start with a `---` line",
        )
        .with_help(help));
    }
    let after_open = first_line.len() + 1;
    let rest = text.get(after_open..).unwrap_or("");
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let yaml = &rest[..offset];
            let body_start = (after_open + offset + line.len()).min(text.len());
            return Ok(Split {
                yaml,
                yaml_line_offset: 1,
                body: &text[body_start..],
                body_line_offset: 1 + i + 1,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        Span::new(path, 1, 1),
        "front matter is not closed: no second `---` line",
    )
    .with_help("在字段之后、正文之前加一行 `---`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_fences_and_offsets() {
        let s = split("a.md", "---\ntitle: x\n---\n正文\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.yaml_line_offset, 1);
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line_offset, 3);
    }

    #[test]
    fn split_without_fence_is_error_at_line_one() {
        let e = split("a.md", "title: x\n").unwrap_err();
        assert_eq!(e.span.unwrap().line, 1);
        assert!(split("a.md", "---\ntitle: x\n").is_err());
    }

    #[test]
    fn decode_accepts_bom_and_crlf() {
        let t = decode("a.md", b"\xEF\xBB\xBF---\r\ntitle: x\r\n---\r\n").unwrap();
        assert_eq!(t, "---\ntitle: x\n---\n");
    }

    #[test]
    fn decode_recognizes_gbk() {
        let (gbk, _, _) = encoding_rs::GBK.encode("---\ntitle: 消防安全\n---\n");
        let e = decode("a.md", &gbk).unwrap_err();
        assert!(e.help.unwrap().contains("GBK"));
        let span = e.span.unwrap();
        assert_eq!((span.line, span.col), (2, 8));
    }
}
