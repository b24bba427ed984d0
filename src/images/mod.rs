//! The site's images: their intrinsic sizes, so pages reserve their space
//! (`<img width height>`: no layout jump on slow phones while they load),
//! and the published sizes of photos ([`process`], kept in [`cache`]).
//!
//! Owns: the only use of `imagesize` (dimensions of PNG, GIF, JPEG, WebP
//! … from their headers); SVG sizes from its attributes; rewriting the
//! `<img>` tags of rendered bodies. Imports: `html` (the tag rewriter),
//! `error`, `hash`.
//!
//! Invariants: an `<img>` keeps a width or height it has; unknown formats
//! and unreadable files add nothing.

pub mod cache;
pub mod exif;
pub mod process;

/// (width, height) in pixels from the first bytes of an image file: the
/// raster formats by `imagesize`, SVG by its own attributes.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    match imagesize::blob_size(bytes) {
        Ok(s) => {
            let (w, h) = (u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?);
            (w > 0 && h > 0).then_some((w, h))
        }
        Err(_) => svg_dimensions(bytes),
    }
}

/// Width and height of an SVG: its `width`/`height` attributes in pixels,
/// else its `viewBox`.
fn svg_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let text = std::str::from_utf8(bytes.get(..bytes.len().min(4096))?).ok()?;
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let mut from = 0;
        while let Some(at) = tag[from..].find(name) {
            let i = from + at;
            from = i + name.len();
            let before = tag[..i].chars().last();
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            let rest = tag[from..].trim_start().strip_prefix('=')?.trim_start();
            let quote = rest.chars().next()?;
            if quote != '"' && quote != '\'' {
                return None;
            }
            return rest[1..].split(quote).next();
        }
        None
    };
    let px = |v: &str| -> Option<u32> {
        let v = v.trim().strip_suffix("px").unwrap_or(v.trim());
        let n: f64 = v.parse().ok()?;
        (n > 0.0 && n < 100_000.0).then(|| n.round() as u32)
    };
    if let (Some(w), Some(h)) = (attr("width").and_then(px), attr("height").and_then(px)) {
        return Some((w, h));
    }
    let vb: Vec<f64> = attr("viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match vb[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 && w < 100_000.0 && h < 100_000.0 => {
            Some((w.round() as u32, h.round() as u32))
        }
        _ => None,
    }
}

/// The lower-case extension of a file name or path (`""` without one).
pub fn extension(path: &str) -> String {
    path.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// One size of an image as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Size {
    /// Its URL; empty for an image shown as it is.
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// What an `<img>` shows: the published sizes of a photo (narrowest
/// first), or one size without URL for an image shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub sizes: Vec<Size>,
}

/// The `sizes` attribute of body images: the text column is at most 42rem
/// wide, the page's padding 1rem each side.
pub const BODY_SIZES: &str = "(max-width: 44rem) calc(100vw - 2rem), 42rem";

impl Shown {
    pub fn plain(width: u32, height: u32) -> Shown {
        Shown {
            sizes: vec![Size {
                url: String::new(),
                width,
                height,
            }],
        }
    }

    /// The size an `<img src>` names: the widest up to
    /// [`process::DEFAULT_WIDTH`], else the narrowest.
    pub fn default_size(&self) -> Option<&Size> {
        self.sizes
            .iter()
            .rev()
            .find(|s| s.width <= process::DEFAULT_WIDTH)
            .or(self.sizes.first())
    }

    /// `url 480w, url 960w, …` (empty for an image shown as it is).
    pub fn srcset(&self) -> String {
        self.sizes
            .iter()
            .filter(|s| !s.url.is_empty())
            .map(|s| format!("{} {}w", s.url, s.width))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The size of a published photo to share (`og:image`): the narrowest
/// at least [`process::SHARE_WIDTH`] wide, else the widest; `None` for an
/// image shown as it is.
pub fn share_size(shown: &Shown) -> Option<&Size> {
    shown
        .sizes
        .iter()
        .filter(|s| !s.url.is_empty())
        .find(|s| s.width >= process::SHARE_WIDTH)
        .or_else(|| shown.sizes.iter().rfind(|s| !s.url.is_empty()))
}

/// The size of a published photo for a list's thumbnail: the narrowest.
pub fn thumbnail_size(shown: &Shown) -> Option<&Size> {
    shown.sizes.first()
}

/// Rewrites the `<img>` tags of a body: a published photo's `src` names
/// its default size, with `srcset` and `sizes` (the Markdown stage has
/// set `loading` and `decoding`); every known image gets `width` and
/// `height` unless it has one. `on_link` sees every `<a href>`. `None`
/// when nothing changed.
pub fn rewrite_images(
    html: &str,
    shown_of: &dyn Fn(&str) -> Option<Shown>,
    on_link: &mut dyn FnMut(&str),
) -> Option<String> {
    crate::html::rewrite_tags(html, &["img", "a"], |t| {
        if t.is_end() {
            return;
        }
        if t.is("a") {
            if let Some(href) = t.attr("href") {
                on_link(href);
            }
            return;
        }
        let Some(shown) = t.attr("src").and_then(shown_of) else {
            return;
        };
        let Some(size) = shown.default_size().cloned() else {
            return;
        };
        let srcset = shown.srcset();
        if !srcset.is_empty() && !t.has_attr("srcset") {
            t.set_attr("src", &size.url);
            t.add_attr("srcset", &srcset);
            t.add_attr("sizes", BODY_SIZES);
        }
        if !t.has_attr("width") && !t.has_attr("height") {
            t.add_attr("width", &size.width.to_string());
            t.add_attr("height", &size.height.to_string());
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_gif_svg_sizes() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        assert_eq!(dimensions(&png), Some((640, 480)));
        assert_eq!(
            dimensions(b"GIF89a\x10\x00\x20\x00\x00\x00\x00"),
            Some((16, 32))
        );
        assert_eq!(
            dimensions(br#"<?xml version="1.0"?><svg xmlns="x" width="120" height="80px">"#),
            Some((120, 80))
        );
        assert_eq!(
            dimensions(br#"<svg xmlns="x" viewBox="0 0 300 150"><rect/></svg>"#),
            Some((300, 150))
        );
        assert_eq!(dimensions(b"not an image"), None);
    }

    #[test]
    fn jpeg_size_from_the_frame_header() {
        // SOI, APP0 (length 16), SOF0 with height 200 and width 300.
        let mut j = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10];
        j.extend_from_slice(&[0; 14]);
        j.extend_from_slice(&[0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0xc8, 0x01, 0x2c, 0x03]);
        assert_eq!(dimensions(&j), Some((300, 200)));
    }

    /// [`rewrite_images`] with intrinsic sizes only.
    fn add_sizes(html: &str, size_of: &dyn Fn(&str) -> Option<(u32, u32)>) -> Option<String> {
        rewrite_images(
            html,
            &|src| size_of(src).map(|(w, h)| Shown::plain(w, h)),
            &mut |_| {},
        )
    }

    #[test]
    fn published_sizes_name_the_default_and_offer_all() {
        let size = |url: &str, width, height| Size {
            url: url.into(),
            width,
            height,
        };
        let shown = Shown {
            sizes: vec![
                size("/p.480.h.jpg", 480, 360),
                size("/p.720.h.jpg", 720, 540),
                size("/p.1080.h.jpg", 1080, 810),
            ],
        };
        let mut links = Vec::new();
        let got = rewrite_images(
            r#"<p><img src="/p.jpg" alt="现场"><a href="/p.jpg">原图</a></p>"#,
            &|src| (src == "/p.jpg").then(|| shown.clone()),
            &mut |href| links.push(href.to_owned()),
        )
        .unwrap();
        assert_eq!(
            got,
            format!(
                r#"<p><img srcset="/p.480.h.jpg 480w, /p.720.h.jpg 720w, /p.1080.h.jpg 1080w" sizes="{BODY_SIZES}" width="720" height="540" src="/p.720.h.jpg" alt="现场"><a href="/p.jpg">原图</a></p>"#
            )
        );
        assert_eq!(links, ["/p.jpg"]);
        assert_eq!(share_size(&shown).map(|s| s.width), Some(1080));
        assert_eq!(thumbnail_size(&shown).map(|s| s.width), Some(480));
    }

    #[test]
    fn add_sizes_only_to_known_images_without_a_size() {
        let html = r#"<p><img src="/a.png" alt="甲"> <img width="5" src="/a.png"> <img src="/b.png" alt="乙"></p>"#;
        let got = add_sizes(html, &|src| (src == "/a.png").then_some((640, 480))).unwrap();
        assert_eq!(
            got,
            r#"<p><img width="640" height="480" src="/a.png" alt="甲"> <img width="5" src="/a.png"> <img src="/b.png" alt="乙"></p>"#
        );
        assert_eq!(add_sizes("<p>无图</p>", &|_| Some((1, 1))), None);
    }

    #[test]
    fn add_sizes_reads_attributes_not_text() {
        let html = r#"<p title="<img src=&quot;/a.png&quot;>">width= <img alt="x width=1" src='/a.png'></p>"#;
        let got = add_sizes(html, &|src| (src == "/a.png").then_some((8, 6))).unwrap();
        assert_eq!(
            got,
            r#"<p title="<img src=&quot;/a.png&quot;>">width= <img width="8" height="6" alt="x width=1" src='/a.png'></p>"#
        );
    }
}
