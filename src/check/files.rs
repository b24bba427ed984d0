//! Rules on the files a build publishes as they are (`static/`, the
//! originals of photos, attachments): `image-gps` — a JPEG that tells
//! where it was taken; `image-size` — an image over 1 MB, heavy on the
//! 4G phones of village residents; `attachment-size` — a download over
//! 20 MB.
//!
//! Imports: `content` (the asset list), `images` (the EXIF reader).
//!
//! Invariants: reads files, never writes; a file that cannot be read is
//! skipped (the copy reports it).

use std::io::Read;

use super::Finding;
use crate::content::Asset;
use crate::error::{Diagnostic, Span};

/// An image heavier than this is reported.
pub const IMAGE_LIMIT: u64 = 1024 * 1024;

/// An attachment heavier than this is reported.
pub const ATTACHMENT_LIMIT: u64 = 20 * 1024 * 1024;

/// EXIF sits in the first segments of a JPEG: this much is read.
const EXIF_WINDOW: u64 = 256 * 1024;

const IMAGE_EXTS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "bmp", "tif", "tiff",
];

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// The findings on the published copies.
pub fn published(copies: &[Asset]) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in copies {
        let Some(len) = a
            .len
            .or_else(|| std::fs::metadata(&a.abs).ok().map(|m| m.len()))
        else {
            continue;
        };
        let e = crate::images::extension(&a.out);
        let image = IMAGE_EXTS.contains(&e.as_str());
        let span = Span::file(a.rel.clone());
        if image && len > IMAGE_LIMIT {
            out.push(Finding::warning(
                "image-size",
                Diagnostic::warning(
                    span.clone(),
                    format!("published image `{}` is {}", a.out, mb(len)),
                )
                .with_help(
                    "图片超过 1 MB，手机流量下打开很慢：把照片放在 content/ 下由 anxuan 自动压缩，或先缩小再放入 static/",
                ),
            ));
        }
        if !image && a.rel.starts_with("content/") && len > ATTACHMENT_LIMIT {
            out.push(Finding::warning(
                "attachment-size",
                Diagnostic::warning(
                    span.clone(),
                    format!("attachment `{}` is {}", a.out, mb(len)),
                )
                .with_help("附件超过 20 MB，居民用手机很难下载：请压缩（如 PDF 另存为“最小文件”）或拆分后再上传"),
            ));
        }
        // Published sizes are made without metadata: only files copied
        // as they are can carry a position.
        if !a.hashed && matches!(e.as_str(), "jpg" | "jpeg") {
            let mut head = Vec::new();
            let read = std::fs::File::open(&a.abs)
                .and_then(|f| f.take(EXIF_WINDOW).read_to_end(&mut head));
            if read.is_ok() && crate::images::exif::has_gps(&head) {
                out.push(Finding::warning(
                    "image-gps",
                    Diagnostic::warning(
                        span,
                        format!("`{}` is published with the GPS position where it was taken", a.out),
                    )
                    .with_help(
                        "照片带有拍摄地点（GPS），可能暴露家庭住址：把照片放在 content/ 下由 anxuan 去除位置信息，或用手机“删除位置信息”后再放入 static/",
                    ),
                ));
            }
        }
    }
    out
}
