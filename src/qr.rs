//! QR codes: the terminal drawing `anxuan serve` prints for a phone's
//! camera, and the inline SVG a printed notice carries.
//!
//! Owns: the only use of `qrcode`. Imports: `html` (attribute escaping).
//!
//! Invariants: every code has the 4-module quiet zone a scanner needs on
//! every side; every line of [`terminal_lines`] has the same number of
//! characters; [`svg`] is one `<svg>` element with one `<path>` (no
//! XML declaration, no external reference), identical for identical input.

use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};

/// The width of the light border a scanner needs around a QR code, in
/// modules (ISO/IEC 18004).
pub const QUIET_ZONE: usize = 4;

/// A QR code's modules, with the quiet zone.
struct Modules {
    width: usize,
    colors: Vec<Color>,
}

impl Modules {
    fn new(text: &str, level: EcLevel) -> Option<Modules> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), level).ok()?;
        Some(Modules {
            width: code.width(),
            colors: code.to_colors(),
        })
    }

    /// Modules per side, quiet zone included.
    fn size(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }

    /// True for a dark module at (`x`, `y`), counted from the quiet zone's
    /// corner; false outside the code.
    fn dark(&self, x: usize, y: usize) -> bool {
        let (Some(cx), Some(cy)) = (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE)) else {
            return false;
        };
        cx < self.width
            && cy < self.width
            && self.colors.get(cy * self.width + cx) == Some(&Color::Dark)
    }
}

/// `url` as a QR code in text, two module rows per line (`█ ▀ ▄` or
/// neither), with the quiet zone on every side. Dark modules are the drawn
/// blocks, so the code reads right where the terminal draws dark text on a
/// light background, and inverted (which phone scanners read too) on a
/// dark one. Empty when `url` is too long for a QR code.
pub fn terminal_lines(url: &str) -> Vec<String> {
    // Level L (7 % recovery): a screen is not a worn sticker, and the
    // smaller code fits more terminals.
    let Some(m) = Modules::new(url, EcLevel::L) else {
        return Vec::new();
    };
    let size = m.size();
    (0..size)
        .step_by(2)
        .map(|y| {
            (0..size)
                .map(|x| match (m.dark(x, y), m.dark(x, y + 1)) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                })
                .collect()
        })
        .collect()
}

/// `url` as an inline SVG QR code for print: a white square with the quiet
/// zone, the dark modules as one stroked path of horizontal runs (the
/// shortest text for the markup of every printable page), scaled by CSS.
/// `label` is its accessible name (escaped here). Level M (15 %
/// recovery): a notice on a 公示栏 gets rained on and scratched. `None`
/// when `url` is too long for a QR code.
pub fn svg(url: &str, label: &str) -> Option<String> {
    let m = Modules::new(url, EcLevel::M)?;
    let size = m.size();
    let mut d = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !m.dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && m.dark(x, y) {
                x += 1;
            }
            // A run is a line one module thick through the row's middle.
            let _ = write!(d, "M{start} {y}.5h{}", x - start);
        }
    }
    Some(format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         role=\"img\" aria-label=\"{}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
         <path stroke=\"#000\" d=\"{d}\"/></svg>",
        crate::html::escape_attr(label)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_lines_are_rectangular_with_a_quiet_zone() {
        let lines = terminal_lines("http://192.168.1.20:1111/");
        // Version 2 at level L: 25 modules, plus the quiet zone.
        let size = 25 + 2 * QUIET_ZONE;
        assert_eq!(lines.len(), size.div_ceil(2));
        for l in &lines {
            assert_eq!(l.chars().count(), size, "{l:?}");
            assert!(l.chars().all(|c| " ▀▄█".contains(c)), "{l:?}");
            assert!(l.starts_with("    ") && l.ends_with("    "), "{l:?}");
        }
        // Rows 0-3 are quiet; row 4 starts the finder pattern (7 dark).
        assert!(lines[0].trim().is_empty() && lines[1].trim().is_empty());
        assert_eq!(
            &lines[2].chars().skip(4).take(7).collect::<String>(),
            "█▀▀▀▀▀█"
        );
        assert_eq!(lines.last().map(|l| l.trim().is_empty()), Some(true));
    }

    #[test]
    fn terminal_lines_of_an_overlong_url_are_empty() {
        assert!(terminal_lines(&"x".repeat(8000)).is_empty());
        assert!(svg(&"x".repeat(8000), "x").is_none());
    }

    #[test]
    fn svg_has_the_quiet_zone_and_the_finder_pattern() {
        let s = svg("https://aq.example.gov.cn/drills/x/", "本页二维码 \"x\"").unwrap();
        // Version 3 at level M: 29 modules, plus the quiet zone.
        assert!(s.contains("viewBox=\"0 0 37 37\""), "{s}");
        // The finder pattern's top row: seven dark modules from (4, 4).
        assert!(s.contains("M4 4.5h7"), "{s}");
        // Nothing dark in the quiet zone's first rows.
        assert!(!s.contains("M0 ") && !s.contains(" 0.5h") && !s.contains(" 3.5h"));
        assert!(s.contains("aria-label=\"本页二维码 &quot;x&quot;\""));
        assert!(!s.contains("<?xml"));
    }
}
