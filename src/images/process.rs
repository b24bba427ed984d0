//! One photo in, its published sizes out: decoded under limits, turned
//! upright by its EXIF orientation, scaled to a few widths, re-encoded.
//! Re-encoding from pixels publishes no metadata: no EXIF, GPS, XMP or
//! maker notes survive it.
//!
//! Owns: the only use of `image` (decoding, orientation), of
//! `fast_image_resize` (scaling) and of `jpeg-encoder` (progressive
//! JPEG). Imports the header sizes of [`super`] (the caller reads and
//! writes the files).
//!
//! Invariants: pure (bytes → bytes, deterministic: the same input gives
//! the same files); never upscales; a decoder never allocates more than
//! [`MAX_ALLOC`] nor decodes more than [`MAX_PIXELS`] (decompression
//! bombs); every failure is an [`ImageError`] with an editor's message.

use std::io::Cursor;

use fast_image_resize as fr;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

/// The widths pages offer (`srcset`); an image narrower than the largest
/// is also offered at its own width, never wider. Chosen for the text
/// column (at most 42rem, 328 CSS px on a 360 px phone): 720 for phones
/// at pixel ratio 2 and desktops, 1080 for phones at 3, 1600 for desktops
/// at 2; 480 for list thumbnails and old phones.
pub const WIDTHS: [u32; 4] = [480, 720, 1080, 1600];

/// The width of a cover's share image (`og:image`): the narrowest size at
/// least this wide.
pub const SHARE_WIDTH: u32 = 1080;

/// The width an `<img src>` names (browsers without `srcset`).
pub const DEFAULT_WIDTH: u32 = 720;

/// JPEG quality of the published sizes.
pub const JPEG_QUALITY: u8 = 80;

/// At most this many pixels are decoded (a 100-megapixel photo passes;
/// a 1×1 GB "bomb" does not).
pub const MAX_PIXELS: u64 = 120_000_000;

/// At most this much memory per decode.
pub const MAX_ALLOC: u64 = 1 << 29;

/// What went wrong with an image, in the editor's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    /// An iPhone's HEIC/HEIF photo: no pure-Rust decoder, and browsers
    /// other than Safari do not show it.
    Heic,
    /// Larger than the limits: width × height given.
    TooLarge(u32, u32),
    /// Not an image anxuan can read, or truncated / corrupt.
    Corrupt(String),
    /// The cache folder could not be written.
    Cache(String),
}

impl ImageError {
    pub fn message(&self) -> String {
        match self {
            ImageError::Heic => "HEIC/HEIF photo: browsers cannot show it".into(),
            ImageError::TooLarge(w, h) => format!(
                "{w}×{h} pixels is more than anxuan decodes ({} megapixels)",
                MAX_PIXELS / 1_000_000
            ),
            ImageError::Corrupt(e) => format!("cannot read the image: {e}"),
            ImageError::Cache(e) => format!("cannot keep the image's sizes: {e}"),
        }
    }

    pub fn help(&self) -> &'static str {
        match self {
            ImageError::Heic => {
                "苹果手机拍的 HEIC 照片浏览器打不开：请在手机设置中选择‘兼容性最佳’，或把照片转为 JPG"
            }
            ImageError::TooLarge(..) => {
                "图片像素过大：请先缩小到 1 亿像素以内（例如宽 4000 像素）再放入网站"
            }
            ImageError::Corrupt(_) => {
                "图片文件已损坏或不完整（例如没有传完）：请重新从手机或相机导出这张图片"
            }
            ImageError::Cache(_) => {
                "请检查磁盘空间和网站目录下 .anxuan-cache 文件夹的写入权限（可以整个删除，下次构建会重新生成）"
            }
        }
    }
}

/// The encoded format of the published sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Jpeg,
    Png,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }
}

/// One published size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// The published sizes of one image, narrowest first, and its upright size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    pub format: Format,
    /// The upright size of the original.
    pub width: u32,
    pub height: u32,
    pub variants: Vec<Variant>,
}

/// Whether `bytes` is a HEIC/HEIF file (an ISO-BMFF `ftyp` with a HEIF
/// brand).
pub fn is_heic(bytes: &[u8]) -> bool {
    bytes.get(4..8) == Some(b"ftyp")
        && bytes.get(8..12).is_some_and(|brand| {
            [
                b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
            ]
            .iter()
            .any(|b| brand == *b)
        })
}

/// Whether `bytes` is a JPEG cut short: no end-of-image marker after its
/// last scan (entropy-coded data never holds `FF D9`; an EXIF thumbnail's
/// marker comes before the main image's scans). Decoders fill the missing
/// part with grey instead of failing.
fn is_truncated_jpeg(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xff, 0xd8]) {
        return false;
    }
    let Some(last_scan) = memchr::memmem::rfind(bytes, &[0xff, 0xda]) else {
        return true;
    };
    memchr::memmem::find(&bytes[last_scan..], &[0xff, 0xd9]).is_none()
}

/// The widths to publish for an image `width` pixels wide: those of
/// `wanted` narrower than it, and its own width when it is narrower than
/// the widest wanted (no upscaling).
pub fn widths_for(width: u32, wanted: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = wanted.iter().copied().filter(|&w| w < width).collect();
    if wanted.iter().any(|&w| w >= width) {
        out.push(width);
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn corrupt(e: impl std::fmt::Display) -> ImageError {
    ImageError::Corrupt(e.to_string())
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, ImageError> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(corrupt)
}

/// Decodes `bytes` upright, within the limits.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    if is_heic(bytes) {
        return Err(ImageError::Heic);
    }
    if is_truncated_jpeg(bytes) {
        return Err(ImageError::Corrupt(
            "the JPEG file ends before its image does".into(),
        ));
    }
    // The header first: a bomb is refused before anything is allocated.
    if let Some((w, h)) = super::dimensions(bytes)
        && u64::from(w) * u64::from(h) > MAX_PIXELS
    {
        return Err(ImageError::TooLarge(w, h));
    }
    let mut reader = reader(bytes)?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let orientation = decoder.orientation().map_err(corrupt)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// Scales `img` (RGB8 or RGBA8) to `width` pixels wide.
fn scale(img: &DynamicImage, width: u32) -> Result<DynamicImage, ImageError> {
    if width == img.width() {
        return Ok(img.clone());
    }
    let height = (u64::from(img.height()) * u64::from(width))
        .div_ceil(u64::from(img.width()))
        .max(1) as u32;
    let mut dst = DynamicImage::new(width, height, img.color());
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new()
        .resize(img, &mut dst, &options)
        .map_err(corrupt)?;
    Ok(dst)
}

fn encode(img: &DynamicImage, format: Format) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            let rgb = img.to_rgb8();
            let (w, h) = (
                u16::try_from(rgb.width()).map_err(corrupt)?,
                u16::try_from(rgb.height()).map_err(corrupt)?,
            );
            let mut enc = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
            enc.set_progressive(true);
            enc.encode(rgb.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
                .map_err(corrupt)?;
        }
        Format::Png => {
            img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
                .map_err(corrupt)?;
        }
    }
    Ok(out)
}

/// The published sizes of the image in `bytes`, at `wanted` widths (see
/// [`widths_for`]). Photos (JPEG, WebP without alpha) become progressive
/// JPEG; PNG, GIF and images with transparency stay PNG.
pub fn process(bytes: &[u8], wanted: &[u32]) -> Result<Processed, ImageError> {
    let img = decode(bytes)?;
    let png_like = matches!(
        image::guess_format(bytes),
        Ok(image::ImageFormat::Png | image::ImageFormat::Gif)
    ) || img.color().has_alpha();
    let (format, img) = if png_like {
        (Format::Png, DynamicImage::ImageRgba8(img.into_rgba8()))
    } else {
        (Format::Jpeg, DynamicImage::ImageRgb8(img.into_rgb8()))
    };
    let mut variants = Vec::new();
    for w in widths_for(img.width(), wanted) {
        let scaled = scale(&img, w)?;
        variants.push(Variant {
            width: scaled.width(),
            height: scaled.height(),
            bytes: encode(&scaled, format)?,
        });
    }
    Ok(Processed {
        format,
        width: img.width(),
        height: img.height(),
        variants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale() {
        assert_eq!(widths_for(4000, &WIDTHS), [480, 720, 1080, 1600]);
        assert_eq!(widths_for(1300, &WIDTHS), [480, 720, 1080, 1300]);
        assert_eq!(widths_for(1080, &WIDTHS), [480, 720, 1080]);
        assert_eq!(widths_for(720, &WIDTHS), [480, 720]);
        assert_eq!(widths_for(300, &WIDTHS), [300]);
    }

    #[test]
    fn heic_is_named_by_its_brand() {
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        assert!(is_heic(&heic));
        assert_eq!(decode(&heic), Err(ImageError::Heic));
        assert!(!is_heic(b"\xff\xd8\xff\xe0"));
    }
}
