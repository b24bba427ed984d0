//! What `anxuan serve` shows the person who started it: the addresses the
//! preview can be opened at from other devices, a QR code of one for a
//! phone's camera, and the browser opened at the preview.
//!
//! Owns: the only uses of `opener` and `if-addrs` (the machine's
//! addresses, also for the Host rule). Imports nothing from the crate.
//!
//! Invariants: [`lan_urls`] is sorted and free of duplicates. The QR code
//! printed beside them is drawn by [`crate::qr`].

use std::collections::BTreeSet;
use std::net::IpAddr;

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
    fn open_in_browser_refuses_what_is_not_a_web_address() {
        assert!(open_in_browser("/etc/passwd").is_err());
        assert!(open_in_browser("file:///etc/passwd").is_err());
    }
}
