//! What a published JPEG would tell about where it was taken: its EXIF
//! GPS fields (`check`'s rule `image-gps` for files in `static/`, which
//! are copied untouched).
//!
//! Owns: the only use of `kamadak-exif`. Imports nothing of the crate.
//!
//! Invariants: a file without readable EXIF has no GPS; never fails.

/// Whether the image in `bytes` (JPEG, TIFF, PNG, WebP, HEIF) carries GPS
/// fields in its EXIF.
pub fn has_gps(bytes: &[u8]) -> bool {
    let mut cursor = std::io::Cursor::new(bytes);
    exif::Reader::new()
        .read_from_container(&mut cursor)
        .is_ok_and(|e| e.fields().any(|f| f.tag.context() == exif::Context::Gps))
}

/// Whether the image in `bytes` carries any EXIF at all.
pub fn has_exif(bytes: &[u8]) -> bool {
    let mut cursor = std::io::Cursor::new(bytes);
    exif::Reader::new().read_from_container(&mut cursor).is_ok()
}
