//! What `anxuan serve` shows the person who started it: the addresses the
//! preview can be opened at from other devices, a QR code of one for a
//! phone's camera, and the browser opened at the preview.
//!
//! Owns: the only uses of `qrcode`, `opener` and `if-addrs` (the
//! machine's addresses, also for the Host rule). Imports nothing from the
//! crate.
//!
//! Invariants: [`lan_urls`] is sorted and free of duplicates; every line
//! of [`qr_lines`] has the same number of characters (the code and its
//! 4-module quiet zone), drawn with dark modules as blocks.

use std::collections::BTreeSet;
use std::net::IpAddr;

use qrcode::{Color, EcLevel, QrCode};

/// The width of the light border a scanner needs around a QR code, in
/// modules (ISO/IEC 18004).
const QUIET_ZONE: usize = 4;

/// The URLs of a preview listening on `bind`:`port` under `base_path`
/// (`/` or a sub-path such as `/aq/`). For an unspecified `bind` (`0.0.0.0`
/// or `::`) those of the machine's non-loopback addresses of that family,
/// sorted (IPv6 link-local addresses are left out: a URL cannot name one
/// without its interface); for any other address only that one. Empty
/// when the machine's addresses cannot be read.
pub fn lan_urls(bind: IpAddr, port: u16, base_path: &str) -> Vec<String> {
    let own = if bind.is_unspecified() {
        own_addresses()
    } else {
        Vec::new()
    };
    urls_for(bind, port, base_path, &own)
}

/// The machine's own non-loopback addresses, IPv4 and IPv6, sorted (none
/// when the interfaces cannot be read).
pub fn own_addresses() -> Vec<IpAddr> {
    let found: BTreeSet<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .iter()
        .map(if_addrs::Interface::ip)
        .filter(|ip| !ip.is_loopback())
        .collect();
    found.into_iter().collect()
}

/// [`lan_urls`] with the machine's addresses given.
fn urls_for(bind: IpAddr, port: u16, base_path: &str, own: &[IpAddr]) -> Vec<String> {
    let ips: BTreeSet<IpAddr> = if bind.is_unspecified() {
        own.iter()
            .copied()
            .filter(|ip| ip.is_ipv4() == bind.is_ipv4() && !ip.is_loopback())
            .filter(|ip| !matches!(ip, IpAddr::V6(v6) if v6.is_unicast_link_local()))
            .collect()
    } else {
        BTreeSet::from([bind])
    };
    let path = if base_path.starts_with('/') {
        base_path.to_owned()
    } else {
        format!("/{base_path}")
    };
    ips.into_iter()
        .map(|ip| match ip {
            IpAddr::V4(v4) => format!("http://{v4}:{port}{path}"),
            IpAddr::V6(v6) => format!("http://[{v6}]:{port}{path}"),
        })
        .collect()
}

/// A QR code of `url` for a terminal: each character is one module wide
/// and two modules high (`▀` upper dark, `▄` lower dark, `█` both, space
/// neither), with a 4-module quiet zone on every side. Dark modules are
/// the drawn blocks, so the code reads right where the terminal draws
/// dark text on a light background, and inverted (which phone scanners
/// read too) on a dark one. Empty when `url` is too long for a QR code.
pub fn qr_lines(url: &str) -> Vec<String> {
    // Level L (7 % recovery): a screen is not a worn sticker, and the
    // smaller code fits more terminals.
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::L) else {
        return Vec::new();
    };
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let dark = |x: usize, y: usize| {
        let (Some(cx), Some(cy)) = (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE)) else {
            return false;
        };
        cx < width && cy < width && colors.get(cy * width + cx) == Some(&Color::Dark)
    };
    (0..size)
        .step_by(2)
        .map(|y| {
            (0..size)
                .map(|x| match (dark(x, y), dark(x, y + 1)) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                })
                .collect()
        })
        .collect()
}

/// Opens `url` (an `http://` or `https://` address) in the default
/// browser (`$BROWSER` first, as `opener` does); does not wait for it.
pub fn open_in_browser(url: &str) -> Result<(), String> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("not a web address: {url}"));
    }
    opener::open_browser(url).map_err(|e| format!("cannot open a browser at {url}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().filter_map(|s| s.parse().ok()).collect()
    }

    #[test]
    fn unspecified_v4_lists_own_v4_addresses_sorted_without_loopback() {
        let own = ips(&[
            "192.168.1.20",
            "127.0.0.1",
            "10.0.0.5",
            "fd00::2",
            "192.168.1.20",
        ]);
        let urls = urls_for(Ipv4Addr::UNSPECIFIED.into(), 1111, "/", &own);
        assert_eq!(urls, ["http://10.0.0.5:1111/", "http://192.168.1.20:1111/"]);
    }

    #[test]
    fn unspecified_v6_lists_bracketed_v6_without_link_local() {
        let own = ips(&["fd00::2", "::1", "fe80::1", "2001:db8::9", "10.0.0.5"]);
        let urls = urls_for(Ipv6Addr::UNSPECIFIED.into(), 8080, "/aq/", &own);
        assert_eq!(
            urls,
            ["http://[2001:db8::9]:8080/aq/", "http://[fd00::2]:8080/aq/"]
        );
    }

    #[test]
    fn specific_bind_gives_only_that_address() {
        let own = ips(&["192.168.1.20", "10.0.0.5"]);
        assert_eq!(
            urls_for("192.168.1.20".parse().unwrap(), 1111, "aq/", &own),
            ["http://192.168.1.20:1111/aq/"]
        );
        assert_eq!(
            urls_for(Ipv6Addr::LOCALHOST.into(), 1, "/", &[]),
            ["http://[::1]:1/"]
        );
    }

    #[test]
    fn qr_lines_are_rectangular_with_a_quiet_zone() {
        let lines = qr_lines("http://192.168.1.20:1111/");
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
    fn qr_lines_of_an_overlong_url_are_empty() {
        assert!(qr_lines(&"x".repeat(8000)).is_empty());
    }

    #[test]
    fn open_in_browser_refuses_what_is_not_a_web_address() {
        assert!(open_in_browser("/etc/passwd").is_err());
        assert!(open_in_browser("file:///etc/passwd").is_err());
    }
}
