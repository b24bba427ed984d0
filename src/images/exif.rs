//! What a published JPEG would tell about where it was taken: its EXIF
//! GPS fields (`check`'s rule `image-gps` for files in `static/`, which
//! are copied untouched).
//!
//! Owns: the only use of `kamadak-exif`. Imports nothing of the crate.
//!
//! Invariants: a file without readable EXIF has no GPS; never fails.
//! (The writer [`as_phone_photo`] serves tests and benchmarks.)

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

/// A JPEG as a phone stores it: `jpeg` with an EXIF segment right after
/// its start marker holding orientation `orientation` and a GPS latitude
/// (for the tests and the photo benchmark, which need real phone files).
pub fn as_phone_photo(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    // IFD0: Orientation, GPSInfo → the GPS IFD at 8 + 30.
    t.extend_from_slice(&2u16.to_le_bytes());
    for (tag, ty, value) in [(0x0112u16, 3u16, u32::from(orientation)), (0x8825, 4, 38)] {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&ty.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    }
    t.extend_from_slice(&0u32.to_le_bytes());
    // The GPS IFD: GPSLatitudeRef "N".
    t.extend_from_slice(&1u16.to_le_bytes());
    t.extend_from_slice(&1u16.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&2u32.to_le_bytes());
    t.extend_from_slice(b"N\0\0\0");
    t.extend_from_slice(&0u32.to_le_bytes());
    let mut out = jpeg.get(..2).unwrap_or_default().to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&((t.len() + 8) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&t);
    out.extend_from_slice(jpeg.get(2..).unwrap_or_default());
    out
}
