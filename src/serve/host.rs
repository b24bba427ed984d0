//! The preview server's Host rule (DNS rebinding protection).
//!
//! Owns: which `Host` header values `anxuan serve` answers, as a pure
//! function of the header and a [`HostPolicy`]; the texts of the refusals.
//! Imports: `weburl` (its `Host`: the `url` crate parses and normalises
//! hosts by WHATWG host parsing: case, IDNA, IPv4 forms), so this file does no
//! hand-written name matching beyond the port split.
//!
//! Why: a web page the editor visits can point a name it controls
//! (`attacker.example`) at 127.0.0.1 and read the preview, drafts and error
//! overlay included, with the browser's blessing (same origin). The
//! browser always sends that name as `Host`, so answering only our own
//! names stops it. IP literals cannot be rebound, so the server's own
//! addresses are safe to answer.
//!
//! Invariants: the HTTP layer calls [`allowed`] before anything else, for
//! every request, the event stream included; a missing, empty or malformed
//! `Host` is [`Verdict::Bad`] (400, RFC 9112 §3.2, RFC 9110 §4.2.1); a
//! well-formed host that is not ours is [`Verdict::Refused`] (421). Any
//! port is accepted. One trailing dot of a name is ignored (`localhost.` is
//! the same name, as Django and DNS treat it).

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::weburl::Host;

/// The body of a 421 answer (one line, for the editor who opened the page).
pub const REFUSED: &str = "此预览服务只回应本机地址（localhost / 127.0.0.1）；如需通过其他名称访问，请在启动时使用 --allowed-host 参数\n";

/// The body of a 403 answer to a WebSocket asked for by another site's page.
pub const FOREIGN_ORIGIN: &str =
    "403 Forbidden: 只有本预览站点自己的页面可以连接实时刷新（Origin 不符）\n";

/// The body of a 400 answer to a request without a usable `Host`.
pub const BAD: &str = "400 Bad Request: 请求缺少有效的 Host 头（RFC 9112 §3.2）\n";

/// What the server does with a request, judged by its `Host`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// One of our names: answer it.
    Allow,
    /// No `Host`, an empty one, or one that is not a host: 400.
    Bad,
    /// A well-formed host that is not ours: 421 Misdirected Request.
    Refused,
}

/// The hosts one server answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPolicy {
    hosts: BTreeSet<Host>,
}

/// `localhost`, `127.0.0.1` and `[::1]`: answered by every server.
fn loopback_hosts() -> BTreeSet<Host> {
    [
        Host::Domain("localhost".to_owned()),
        Host::Ipv4(Ipv4Addr::LOCALHOST),
        Host::Ipv6(Ipv6Addr::LOCALHOST),
    ]
    .into_iter()
    .collect()
}

fn ip_host(ip: IpAddr) -> Host {
    match ip {
        IpAddr::V4(v4) => Host::Ipv4(v4),
        // `::ffff:a.b.c.d` is the IPv4 address a browser would name.
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => Host::Ipv4(v4),
            None => Host::Ipv6(v6),
        },
    }
}

impl HostPolicy {
    /// The policy of a server bound to loopback with no extra names.
    pub fn loopback() -> HostPolicy {
        HostPolicy {
            hosts: loopback_hosts(),
        }
    }

    /// The policy of a server bound to `bind`: the loopback names, plus,
    /// when `bind` is not a loopback address, `bind` itself (unless it is
    /// the wildcard) and the machine's addresses `own`; plus the names given
    /// with `--allowed-host` (parsed by [`parse_allowed`]).
    pub fn new(bind: IpAddr, own: &[IpAddr], names: Vec<Host>) -> HostPolicy {
        let mut hosts = loopback_hosts();
        if !bind.is_loopback() {
            if !bind.is_unspecified() {
                hosts.insert(ip_host(bind));
            }
            hosts.extend(own.iter().map(|ip| ip_host(*ip)));
        } else {
            hosts.insert(ip_host(bind));
        }
        hosts.extend(names);
        HostPolicy { hosts }
    }

    /// True when `host` (already normalised) is answered.
    fn contains(&self, host: &Host) -> bool {
        self.hosts.contains(host)
    }
}

/// The host part of a `Host` value without its port (`[::1]:80` →
/// `[::1]`); `None` when the port is not digits.
fn strip_port(value: &str) -> Option<&str> {
    let port_ok = |p: &str| p.is_empty() || (p.len() <= 5 && p.parse::<u16>().is_ok());
    if value.starts_with('[') {
        let end = value.find(']')?;
        let rest = &value[end + 1..];
        let ok = rest.is_empty() || rest.strip_prefix(':').is_some_and(port_ok);
        return ok.then_some(&value[..=end]);
    }
    match value.rsplit_once(':') {
        Some((host, port)) => port_ok(port).then_some(host),
        None => Some(value),
    }
}

/// Parses and normalises a host without port: lowercase, IDNA, IPv4 in
/// dotted form, one trailing dot of a name dropped. `None` when it is not
/// a host (empty, `@`, spaces, bad brackets …).
fn normalise(host: &str) -> Option<Host> {
    if host.is_empty() {
        return None;
    }
    match Host::parse(host).ok()? {
        Host::Domain(d) => {
            let d = d.strip_suffix('.').unwrap_or(&d);
            (!d.is_empty()).then(|| Host::Domain(d.to_owned()))
        }
        Host::Ipv6(v6) => Some(ip_host(IpAddr::V6(v6))),
        ip => Some(ip),
    }
}

/// Parses a name given with `--allowed-host` (a host name or an IP
/// address, without port). The error is a sentence for the console.
pub fn parse_allowed(name: &str) -> Result<Host, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(
            "`--allowed-host` needs a host name (--allowed-host 需要一个主机名)".to_owned(),
        );
    }
    let host = match strip_port(name) {
        Some(h) if h.len() != name.len() => {
            return Err(format!(
                "`--allowed-host {name}`: give the name without a port; every port is allowed (请只写主机名，不要带端口)"
            ));
        }
        Some(h) => h,
        None => name,
    };
    normalise(host).ok_or_else(|| {
        format!(
            "`--allowed-host {name}` is not a host name or IP address (不是有效的主机名或 IP 地址)"
        )
    })
}

/// The Host rule: may a request with this `Host` header (`None`: no
/// header) be answered under `policy`?
pub fn allowed(host_header: Option<&str>, policy: &HostPolicy) -> Verdict {
    let Some(value) = host_header else {
        return Verdict::Bad;
    };
    let Some(host) = strip_port(value.trim()).and_then(normalise) else {
        return Verdict::Bad;
    };
    if policy.contains(&host) {
        Verdict::Allow
    } else {
        Verdict::Refused
    }
}

/// The Origin rule of the live-reload WebSocket: browsers let any page
/// open a WebSocket to any address (no same-origin policy), so the page
/// asking must be one of ours. No `Origin` (not a browser): allowed.
pub fn origin_allowed(origin: Option<&str>, policy: &HostPolicy) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let Some(url) = crate::weburl::absolute_web(origin.trim()) else {
        return false;
    };
    let host = url.host_str().unwrap_or("");
    allowed(Some(host), policy) == Verdict::Allow
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lan() -> HostPolicy {
        HostPolicy::new(
            IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            &["192.168.1.20".parse().unwrap(), "fd00::20".parse().unwrap()],
            vec![parse_allowed("aq-preview.example").unwrap()],
        )
    }

    #[test]
    fn allowed_loopback_table_answers_only_local_names() {
        let p = HostPolicy::loopback();
        let table: &[(Option<&str>, Verdict)] = &[
            (Some("localhost"), Verdict::Allow),
            (Some("LOCALHOST:1111"), Verdict::Allow),
            (Some("127.0.0.1"), Verdict::Allow),
            (Some("127.0.0.1:1111"), Verdict::Allow),
            (Some("[::1]:1111"), Verdict::Allow),
            (Some("[::1]"), Verdict::Allow),
            (Some("localhost."), Verdict::Allow),
            (Some("localhost.:1111"), Verdict::Allow),
            (Some("localhost:"), Verdict::Allow),
            (Some(" localhost "), Verdict::Allow),
            (Some("attacker.example"), Verdict::Refused),
            (Some("attacker.example:1111"), Verdict::Refused),
            (Some("localhost.attacker.example"), Verdict::Refused),
            (Some("127.0.0.1.nip.io"), Verdict::Refused),
            (Some("sub.localhost"), Verdict::Refused),
            (Some("localhost.."), Verdict::Refused),
            (Some("192.168.1.20"), Verdict::Refused),
            (Some("aq-preview.example"), Verdict::Refused),
            (Some(""), Verdict::Bad),
            (Some(":1111"), Verdict::Bad),
            (Some("."), Verdict::Bad),
            (None, Verdict::Bad),
            // Userinfo and other URL pieces are not part of a Host value.
            (Some("attacker.example@localhost"), Verdict::Bad),
            (Some("localhost@attacker.example"), Verdict::Bad),
            (Some("localhost:1111@attacker.example"), Verdict::Bad),
            (Some("user:pw@localhost"), Verdict::Bad),
            (Some("localhost/attacker.example"), Verdict::Bad),
            (Some("localhost attacker.example"), Verdict::Bad),
            (Some("localhost:99999"), Verdict::Bad),
            (Some("localhost:http"), Verdict::Bad),
            (Some("::1"), Verdict::Bad),
            (Some("[::1"), Verdict::Bad),
            (Some("[::1]x"), Verdict::Bad),
        ];
        for (host, want) in table {
            assert_eq!(allowed(*host, &p), *want, "Host {host:?}");
        }
    }

    #[test]
    fn allowed_ip_spellings_are_normalised_by_the_url_parser() {
        let p = HostPolicy::loopback();
        // What a browser would send for http://0x7f.1/ is 127.0.0.1; other
        // clients may send the raw form: it is still our address.
        assert_eq!(allowed(Some("0x7f.0.0.1"), &p), Verdict::Allow);
        assert_eq!(allowed(Some("127.0.0.1."), &p), Verdict::Allow);
        assert_eq!(allowed(Some("[0:0:0:0:0:0:0:1]:8"), &p), Verdict::Allow);
        assert_eq!(allowed(Some("127.0.0.2"), &p), Verdict::Refused);
    }

    #[test]
    fn allowed_all_interfaces_adds_own_addresses_and_given_names() {
        let p = lan();
        for ok in [
            "localhost",
            "127.0.0.1:1111",
            "[::1]",
            "[::1]:1111",
            "192.168.1.20:1111",
            "[fd00::20]:1111",
            "aq-preview.example",
            "AQ-Preview.Example.:1111",
        ] {
            assert_eq!(allowed(Some(ok), &p), Verdict::Allow, "{ok}");
        }
        for refused in [
            "attacker.example",
            "192.168.1.21",
            "0.0.0.0",
            "aq-preview.example.attacker.example",
            "x.aq-preview.example",
        ] {
            assert_eq!(allowed(Some(refused), &p), Verdict::Refused, "{refused}");
        }
    }

    #[test]
    fn allowed_specific_address_adds_it_and_loopback_keeps_given_names() {
        let bound = HostPolicy::new("10.1.2.3".parse().unwrap(), &[], Vec::new());
        assert_eq!(allowed(Some("10.1.2.3:1111"), &bound), Verdict::Allow);
        assert_eq!(allowed(Some("localhost"), &bound), Verdict::Allow);
        let local = HostPolicy::new(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            &["192.168.1.20".parse().unwrap()],
            vec![parse_allowed("preview.test").unwrap()],
        );
        // Bound to loopback, the LAN addresses are not ours to answer.
        assert_eq!(allowed(Some("192.168.1.20"), &local), Verdict::Refused);
        assert_eq!(allowed(Some("preview.test:1111"), &local), Verdict::Allow);
        let mapped = HostPolicy::new("::ffff:10.1.2.3".parse().unwrap(), &[], Vec::new());
        assert_eq!(allowed(Some("10.1.2.3"), &mapped), Verdict::Allow);
    }

    #[test]
    fn parse_allowed_names_and_addresses_accepted_ports_and_junk_refused() {
        assert_eq!(
            parse_allowed("Preview.Example."),
            Ok(Host::Domain("preview.example".into()))
        );
        assert_eq!(
            parse_allowed("192.168.1.5"),
            Ok(Host::Ipv4(Ipv4Addr::new(192, 168, 1, 5)))
        );
        assert!(parse_allowed("[fd00::1]").is_ok());
        for bad in ["", "preview.example:8080", "a@b", "a b", "[::1]:80", "."] {
            assert!(parse_allowed(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn origin_rule_admits_our_pages_only() {
        let p = HostPolicy::loopback();
        assert!(origin_allowed(None, &p));
        assert!(origin_allowed(Some("http://127.0.0.1:1111"), &p));
        assert!(origin_allowed(Some("http://localhost:8080"), &p));
        assert!(origin_allowed(Some("http://[::1]:1111"), &p));
        for bad in [
            "https://attacker.example",
            "null",
            "file://",
            "http://127.0.0.1.nip.io",
        ] {
            assert!(!origin_allowed(Some(bad), &p), "{bad}");
        }
    }
}
