//! `anxuan import`: Word/WPS documents (.docx) and saved pages of an old
//! site (.html) turned into Markdown files with front matter, which then
//! build like any other file.
//!
//! Owns: finding the inputs ([`collect`]), converting one ([`convert`]:
//! `docx` or `html`, each a pure function of the file's bytes and, for a
//! page, the images saved beside it), the plan of new files and their
//! writing ([`plan`]). The only use of `zip`, `htmd` and
//! `markup5ever_rcdom`; reads XML with `quick-xml` (its second user,
//! beside `render`) and decodes old pages with `encoding_rs` (beside
//! `content::frontmatter`). Imports `config`, `content` (slugs), `dates`,
//! `error`, `weburl`. Prints nothing: `cmd::import` reports.
//!
//! Invariants: never writes over a file (names get `-2`, `-3`, and files
//! are created with `create_new`); reads nothing but the inputs and, for
//! a page, images inside the page's own folder; no network access.

pub mod docx;
pub mod html;
pub mod meta;
pub mod plan;
pub mod text;
mod xml;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::dates::{self, SiteTz};
use crate::error::{Diagnostic, Span};
use meta::Meta;

/// Where a document's images go, until the file's name is known: the
/// converters write `![说明](__anxuan_images__/image1.png)` and
/// [`plan`] puts the folder's name in.
pub const IMAGES: &str = "__anxuan_images__";

/// Inputs larger than this are refused (a .docx is a zip: what it
/// unpacks to is limited per part too).
pub const MAX_INPUT: u64 = 200 * 1024 * 1024;

/// An image of a document, to be written beside its Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// File name in the document's image folder (`image1.png`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One converted document.
#[derive(Debug, Clone)]
pub struct Doc {
    /// The input file, as given or found.
    pub input: PathBuf,
    pub meta: Meta,
    /// The old site's column (`ColumnName`), if the page names one.
    pub column_name: Option<String>,
    /// The body; images under [`IMAGES`]`/`.
    pub markdown: String,
    pub images: Vec<Image>,
    pub warnings: Vec<Diagnostic>,
}

/// What kind of input a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Html,
}

/// The inputs a file name promises: a .docx, a saved page, an old binary
/// Office/WPS file (refused with advice), or something else (`None`).
pub fn format_of(path: &Path) -> Option<Result<Format, Diagnostic>> {
    let ext = path.extension()?.to_string_lossy().to_lowercase();
    match ext.as_str() {
        "docx" => Some(Ok(Format::Docx)),
        "html" | "htm" | "shtml" => Some(Ok(Format::Html)),
        "doc" | "wps" | "et" | "dps" | "xls" | "ppt" => Some(Err(Diagnostic::error(
            Span::file(shown(path)),
            format!("`.{ext}` is an old binary Office/WPS format, which import cannot read"),
        )
        .with_help(
            "请在 WPS 或 Word 中另存为 .docx（文件 → 另存为 → 文件类型选“Word 文档（*.docx）”），再导入",
        ))),
        _ => None,
    }
}

/// A path as messages show it.
pub fn shown(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

/// Whether a folder holds a saved page's resources (`页面_files`, or
/// `页面.files` from some browsers): its files are images of a page, not
/// documents.
fn is_resource_folder(name: &str) -> bool {
    name.ends_with("_files") || name.ends_with(".files") || name.starts_with('.')
}

/// The documents named by `paths`: files as given, folders walked (sorted,
/// resource folders and files of other kinds left out). Problems: a path
/// that does not exist, a file of another kind named directly.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut files, &mut problems, 0);
        } else if p.is_file() {
            if format_of(p).is_some() {
                files.push(p.clone());
            } else {
                problems.push(
                    Diagnostic::error(
                        Span::file(shown(p)),
                        "not a Word document (.docx) or a saved web page (.html, .htm)",
                    )
                    .with_help("导入支持 .docx 文档和浏览器“另存为”保存的网页（.html / .htm）"),
                );
            }
        } else {
            problems.push(
                Diagnostic::error(Span::file(shown(p)), "no such file or folder")
                    .with_help("请检查路径；含空格的路径请用引号括起来"),
            );
        }
    }
    files.dedup();
    (files, problems)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, problems: &mut Vec<Diagnostic>, depth: usize) {
    if depth > 32 {
        return;
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            problems.push(Diagnostic::error(
                Span::file(shown(dir)),
                format!("cannot read the folder: {e}"),
            ));
            return;
        }
    };
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Symbolic links are not followed: a folder of documents is a
        // plain tree.
        let Ok(kind) = std::fs::symlink_metadata(&p).map(|m| m.file_type()) else {
            continue;
        };
        if kind.is_dir() {
            if !is_resource_folder(&name) {
                walk(&p, files, problems, depth + 1);
            }
        } else if kind.is_file() && !name.starts_with("~$") && format_of(&p).is_some() {
            files.push(p);
        }
    }
}

/// Reads at most `limit` bytes of `path`; longer files are refused.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    f.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("larger than {} MB", limit / 1024 / 1024));
    }
    Ok(bytes)
}

/// Converts one input file. An error names why it was skipped.
pub fn convert(path: &Path, tz: &SiteTz) -> Result<Doc, Diagnostic> {
    let at = || Span::file(shown(path));
    let format = match format_of(path) {
        Some(Ok(f)) => f,
        Some(Err(d)) => return Err(d),
        None => return Err(Diagnostic::error(at(), "not a .docx or .html file")),
    };
    let bytes = read_limited(path, MAX_INPUT).map_err(|e| Diagnostic::error(at(), e))?;
    match format {
        Format::Docx => docx::convert(path, &bytes, tz),
        Format::Html => html::convert(path, &bytes),
    }
}

/// A date-time of a document's properties (`2024-07-30T02:15:00Z`) as the
/// calendar day in the site's time zone.
pub fn local_date(iso: &str, tz: &SiteTz) -> Option<String> {
    let w = dates::parse_when(iso.trim(), tz).ok()?;
    Some(dates::ymd(w.ts, tz))
}

/// The images of one document under unique, safe file names.
#[derive(Debug, Default)]
pub struct Images {
    pub list: Vec<Image>,
    /// (where it came from, its name), so one image used twice is one file.
    seen: Vec<(String, String)>,
}

/// Image formats a browser shows and the site's image pipeline reads.
pub const IMAGE_EXTS: &[&str] = &["jpg", "jpeg", "png", "gif", "webp"];

impl Images {
    /// The name `bytes` get, from `hint` (a file name); `key` identifies
    /// the source so that a second use gets the same file.
    pub fn add(&mut self, key: &str, hint: &str, bytes: Vec<u8>) -> String {
        if let Some((_, name)) = self.seen.iter().find(|(k, _)| k == key) {
            return name.clone();
        }
        let (stem, ext) = match hint.rsplit_once('.') {
            Some((s, e)) => (s, e.to_ascii_lowercase()),
            None => (hint, "bin".to_owned()),
        };
        let mut base: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        base = base.trim_matches('-').chars().take(40).collect();
        if base.is_empty() {
            base = format!("image{}", self.list.len() + 1);
        }
        let mut name = format!("{base}.{ext}");
        let mut n = 2;
        while self.list.iter().any(|i| i.name == name) {
            name = format!("{base}-{n}.{ext}");
            n += 1;
        }
        self.seen.push((key.to_owned(), name.clone()));
        self.list.push(Image {
            name: name.clone(),
            bytes,
        });
        name
    }
}

/// An image's extension, lower case, if it is one the site can show.
pub fn image_ext(name: &str) -> Option<String> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    IMAGE_EXTS.contains(&ext.as_str()).then_some(ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_binary_formats_are_refused_with_advice() {
        let d = format_of(Path::new("通知.doc")).unwrap().unwrap_err();
        assert!(d.help.unwrap().contains("请在 WPS 或 Word 中另存为 .docx"));
        assert!(format_of(Path::new("a.WPS")).unwrap().is_err());
        assert_eq!(
            format_of(Path::new("a.DOCX")).unwrap().unwrap(),
            Format::Docx
        );
        assert_eq!(
            format_of(Path::new("t1.htm")).unwrap().unwrap(),
            Format::Html
        );
        assert!(format_of(Path::new("a.pdf")).is_none());
    }

    #[test]
    fn images_get_safe_unique_names() {
        let mut im = Images::default();
        assert_eq!(im.add("a", "image1.PNG", vec![1]), "image1.png");
        assert_eq!(im.add("b", "image1.png", vec![2]), "image1-2.png");
        assert_eq!(im.add("a", "image1.png", vec![1]), "image1.png");
        assert_eq!(im.add("c", "现场 照片.jpg", vec![3]), "image3.jpg");
        assert_eq!(im.list.len(), 3);
    }
}
