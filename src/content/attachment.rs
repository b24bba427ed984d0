//! Attachments (附件) of notices and documents, as written in the front
//! matter: a path (relative to the Markdown file, or `/…` under `static/`)
//! and a title. Whether the file exists, its format and size are the
//! pipeline's to find out (this module reads no files).
//!
//! Imports: `error`, `yaml`.

use crate::error::Span;
use crate::yaml::{Fields, Value};

/// One attachment as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attachment {
    /// As written: `files/2026-防汛值班表.xlsx` or `/files/a.pdf`.
    pub file: String,
    /// The title shown; the file name when none is given.
    pub title: String,
    /// Where the front matter names it.
    pub span: Span,
}

/// The formats an attachment may have: extensions and the label shown.
pub const FORMATS: &[(&[&str], &str)] = &[
    (&["pdf"], "PDF"),
    (&["doc"], "DOC"),
    (&["docx"], "DOCX"),
    (&["xls"], "XLS"),
    (&["xlsx"], "XLSX"),
    (&["wps"], "WPS"),
    (&["et"], "ET"),
    (&["ofd"], "OFD"),
    (&["zip"], "ZIP"),
    (&["jpg", "jpeg"], "JPG"),
    (&["png"], "PNG"),
];

/// The label of a file's format, from its extension.
pub fn format_label(file: &str) -> Option<&'static str> {
    let ext = file.rsplit_once('.')?.1.to_ascii_lowercase();
    FORMATS
        .iter()
        .find(|(exts, _)| exts.contains(&ext.as_str()))
        .map(|(_, label)| *label)
}

/// A size as residents read it: `356 KB`, `1.2 MB`.
pub fn size_label(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * KB;
    if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB).max(1))
    } else {
        let tenths = (bytes * 10).div_ceil(MB);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Reads `attachments`: a list of paths or of `{file, title}`.
pub fn read(f: &mut Fields<'_>) -> Vec<Attachment> {
    let Some(node) = f.get("attachments") else {
        return Vec::new();
    };
    let Value::Seq(items) = &node.value else {
        f.error(
            node,
            "`attachments` must be a list",
            "例如\nattachments:\n  - file: files/值班表.xlsx\n    title: 2026年汛期防汛值班表\n  - 附件2-隐患排查表.docx",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let span = f.span_of(item);
        let (file, title) = match &item.value {
            Value::Str(s) => (Some(s.trim().to_owned()), None),
            Value::Map(_) => {
                let mut af = Fields::new(f.path(), item, "an attachment");
                let file = af.required_string("file", "files/值班表.xlsx");
                let title = af.string("title");
                f.diags.extend(af.finish(&["file", "title"]));
                (file.map(|s| s.trim().to_owned()), title)
            }
            other => {
                let d = other.describe();
                f.error(
                    item,
                    format!("an attachment must be a path or `file` and `title`, found {d}"),
                    "例如 `- files/值班表.xlsx`，或\n- file: files/值班表.xlsx\n  title: 2026年汛期防汛值班表",
                );
                (None, None)
            }
        };
        let Some(file) = file.filter(|s| !s.is_empty()) else {
            continue;
        };
        if format_label(&file).is_none() {
            f.error(
                item,
                format!("attachment `{file}` has a format residents may not open"),
                format!(
                    "附件格式可为：{}；其他格式请先转为 PDF",
                    FORMATS
                        .iter()
                        .map(|(_, l)| *l)
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            );
            continue;
        }
        let title = title
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| file_name(&file).to_owned());
        out.push(Attachment { file, title, span });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_sizes_read_as_residents_expect() {
        assert_eq!(format_label("a/值班表.XLSX"), Some("XLSX"));
        assert_eq!(format_label("照片.jpeg"), Some("JPG"));
        assert_eq!(format_label("a.exe"), None);
        assert_eq!(format_label("noext"), None);
        assert_eq!(size_label(0), "1 KB");
        assert_eq!(size_label(356 * 1024), "356 KB");
        assert_eq!(size_label(356 * 1024 + 1), "357 KB");
        assert_eq!(size_label(1024 * 1024), "1.0 MB");
        assert_eq!(size_label(1_258_291), "1.2 MB");
    }
}
