//! URL decisions, made the way browsers make them: every "is this link
//! external / absolute / allowed" question in anxuan is answered here,
//! through the WHATWG URL parser of the `url` crate.
//!
//! Owns: the only use of `url` (others take its `Host` from here).
//! Imports: nothing of the crate (a leaf).
//!
//! Invariants: a decision is taken on the URL as a browser will read it
//! (tabs and newlines removed, `\` read as `/` in http(s), hosts
//! lower-cased and IDNA-mapped, userinfo split off), never on the text as
//! written; an allowed embed is written back in its parsed form, so the
//! browser loads exactly the URL that was judged.

use std::sync::LazyLock;

pub use url::Host;
use url::Url;

/// A stand-in origin for "this site" when a reference is resolved (the
/// `.invalid` top-level domain can never be a real host); parsed once.
static HERE: LazyLock<Option<Url>> = LazyLock::new(|| Url::parse("https://anxuan.invalid/").ok());

/// What a reference in a page (`href`, `src`, a Markdown link) points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// A page or file of this site: a path (rooted or relative), a query
    /// or a fragment. The text as written is for the caller's path logic.
    Local,
    /// An http(s) URL on another host, including scheme-relative
    /// `//host/…` and its look-alikes (`\\host`, `/\host`): parsed.
    Web(Url),
    /// Another scheme: `mailto:`, `tel:`, `javascript:`, `data:` …
    Other(String),
    /// Text that a browser cannot parse as a URL at all.
    Invalid,
}

/// True for text that the parser would read as a path, query or fragment
/// of this site for certain: no `:` (so no scheme), no `\`, no tab or
/// line break (removed before parsing), no leading space or control
/// character, and not `//` (scheme-relative). Most links of a site are
/// such; they skip the parser.
fn plainly_local(raw: &str) -> bool {
    !raw.starts_with("//")
        && !raw.starts_with(|c: char| c <= ' ')
        && !raw
            .bytes()
            .any(|b| matches!(b, b':' | b'\\' | b'\t' | b'\n' | b'\r'))
}

/// Classifies `raw` as a browser resolving it inside an http(s) page would.
pub fn classify(raw: &str) -> Reference {
    if plainly_local(raw) {
        return Reference::Local;
    }
    classify_parsed(raw)
}

fn classify_parsed(raw: &str) -> Reference {
    let Some(base) = HERE.as_ref() else {
        return Reference::Invalid;
    };
    match Url::options().base_url(Some(base)).parse(raw) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {
            if u.host_str() == base.host_str() && u.scheme() == base.scheme() && u.port().is_none()
            {
                Reference::Local
            } else {
                Reference::Web(u)
            }
        }
        Ok(u) => Reference::Other(u.scheme().to_owned()),
        Err(_) => Reference::Invalid,
    }
}

/// True when `raw` is a reference inside the site (a path, query or
/// fragment), as opposed to any absolute or scheme-relative URL.
pub fn is_local(raw: &str) -> bool {
    classify(raw) == Reference::Local
}

/// An absolute `http(s)://` URL with a host, parsed; `None` for anything
/// else (relative, other schemes, unparsable).
pub fn absolute_web(raw: &str) -> Option<Url> {
    let u = Url::parse(raw).ok()?;
    (matches!(u.scheme(), "http" | "https") && u.host().is_some()).then_some(u)
}

/// Where a page is, for resolving the references written in it the way a
/// browser showing that page would ([`PageBase::join`]).
#[derive(Debug, Clone)]
pub struct PageBase {
    url: Url,
    /// The page has no host (a site whose `base_url` is a path): what
    /// stays on the site is given back root-relative.
    rooted: bool,
}

impl PageBase {
    /// The base of the page at `page`: an absolute http(s) URL, or a path
    /// starting with `/` for a site without a host; `None` otherwise.
    pub fn new(page: &str) -> Option<PageBase> {
        if let Some(url) = absolute_web(page) {
            return Some(PageBase { url, rooted: false });
        }
        if !page.starts_with('/') || page.starts_with("//") || page.starts_with("/\\") {
            return None;
        }
        let url = HERE.as_ref()?.join(page).ok()?;
        Some(PageBase { url, rooted: true })
    }

    /// `reference` resolved against the page: an absolute URL, except on
    /// a page without a host, where a reference that stays on the site
    /// comes back as a root-relative path (with its query and fragment).
    /// `None` when a browser could not parse it.
    pub fn join(&self, reference: &str) -> Option<String> {
        let u = self.url.join(reference).ok()?;
        if self.rooted && u.origin() == self.url.origin() {
            return Some(u[url::Position::BeforePath..].to_owned());
        }
        Some(u.into())
    }
}

/// A validated entry of an allow-list of hosts: `v.qq.com` (that host
/// only) or `*.qq.com` (any host below qq.com, not qq.com itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRule {
    /// The host in its parsed form (lower case, IDNA-mapped).
    domain: String,
    subdomains: bool,
}

impl HostRule {
    /// Parses an allow-list entry; the error says what is wrong (English,
    /// for the message; callers add the Chinese help).
    pub fn parse(entry: &str) -> Result<HostRule, String> {
        let entry = entry.trim();
        let (subdomains, name) = match entry.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, entry),
        };
        if name.is_empty() || name.contains(['/', ':', '@', '*', '?', '#', '\\']) {
            return Err(format!("`{entry}` is not a host name"));
        }
        match Host::parse(name) {
            Ok(Host::Domain(d)) if !d.ends_with('.') && d.contains('.') => Ok(HostRule {
                domain: d,
                subdomains,
            }),
            Ok(Host::Domain(_)) => Err(format!("`{entry}` is not a full host name")),
            Ok(_) => Err(format!("`{entry}` is an IP address, not a host name")),
            Err(e) => Err(format!("`{entry}` is not a host name: {e}")),
        }
    }

    /// The entry as it is written back (`v.qq.com`, `*.qq.com`).
    pub fn as_written(&self) -> String {
        if self.subdomains {
            format!("*.{}", self.domain)
        } else {
            self.domain.clone()
        }
    }

    fn matches(&self, host: &str) -> bool {
        if self.subdomains {
            host.len() > self.domain.len() + 1
                && host.ends_with(&self.domain)
                && host.as_bytes()[host.len() - self.domain.len() - 1] == b'.'
        } else {
            host == self.domain
        }
    }
}

/// The `src` of an embed (`<iframe>`) when it may be kept: an absolute
/// https URL without userinfo whose host a rule allows. The URL is
/// returned in its parsed form, which is what the page must carry.
pub fn embed_allowed(src: &str, rules: &[HostRule]) -> Option<Url> {
    let u = Url::parse(src).ok()?;
    if u.scheme() != "https" || !u.username().is_empty() || u.password().is_some() {
        return None;
    }
    let Some(Host::Domain(host)) = u.host() else {
        return None;
    };
    rules.iter().any(|r| r.matches(host)).then_some(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(entries: &[&str]) -> Vec<HostRule> {
        entries
            .iter()
            .map(|e| HostRule::parse(e).unwrap())
            .collect()
    }

    #[test]
    fn page_base_joins_like_a_browser() {
        let b = PageBase::new("https://aq.example.gov.cn/aq/articles/x/").unwrap();
        assert_eq!(
            b.join("images/a.png").unwrap(),
            "https://aq.example.gov.cn/aq/articles/x/images/a.png"
        );
        assert_eq!(
            b.join("/aq/drills/y/#h").unwrap(),
            "https://aq.example.gov.cn/aq/drills/y/#h"
        );
        assert_eq!(
            b.join("#fn-1").unwrap(),
            "https://aq.example.gov.cn/aq/articles/x/#fn-1"
        );
        assert_eq!(
            b.join("//cdn.example.cn/a.png").unwrap(),
            "https://cdn.example.cn/a.png"
        );
        assert_eq!(
            b.join("../../消防/").unwrap(),
            "https://aq.example.gov.cn/aq/%E6%B6%88%E9%98%B2/"
        );
        assert!(b.join("http://[::1").is_none());
    }

    #[test]
    fn page_base_without_a_host_stays_root_relative() {
        let b = PageBase::new("/aq/articles/x/").unwrap();
        assert_eq!(
            b.join("images/a.png").unwrap(),
            "/aq/articles/x/images/a.png"
        );
        assert_eq!(b.join("/aq/y/?q=1#h").unwrap(), "/aq/y/?q=1#h");
        assert_eq!(
            b.join("https://x.example.cn/p").unwrap(),
            "https://x.example.cn/p"
        );
        assert_eq!(
            b.join("//x.example.cn/p").unwrap(),
            "https://x.example.cn/p"
        );
        assert!(PageBase::new("articles/x/").is_none());
        assert!(PageBase::new("//evil.example/").is_none());
        assert!(PageBase::new("mailto:a@b.cn").is_none());
    }

    #[test]
    fn embed_look_alikes_are_refused() {
        let r = rules(&["v.qq.com"]);
        for src in [
            r"https://evil.example\.v.qq.com/p",
            r"https://evil.example\v.qq.com/p",
            "https://v.qq.com@evil.example/p",
            "https://evil.example@v.qq.com/p",
            "https://user:pw@v.qq.com/p",
            "https://evil.example%2f.v.qq.com/p",
            "https://evil.example%2F@v.qq.com/p",
            "https://v.qq.com.evil.example/p",
            "https://v.qq.com./p",
            "https://x.v.qq.com/p",
            "https://qq.com/p",
            "//v.qq.com/p",
            "http://v.qq.com/p",
            "javascript:alert(1)//https://v.qq.com/",
            "https://evil.example/\thttps://v.qq.com/",
            "https://evil.exam\nple/v.qq.com",
            "https://v.qq.com%40evil.example/",
            "data:text/html,https://v.qq.com/",
            "https://[::1]/v.qq.com",
            "",
        ] {
            assert!(embed_allowed(src, &r).is_none(), "allowed: {src:?}");
        }
    }

    #[test]
    fn embed_on_the_listed_host_is_kept_in_parsed_form() {
        let r = rules(&["v.qq.com"]);
        for (src, kept) in [
            ("https://v.qq.com/p?vid=1", "https://v.qq.com/p?vid=1"),
            ("https://V.QQ.COM/p", "https://v.qq.com/p"),
            ("https://v.qq.\tcom/p", "https://v.qq.com/p"),
            ("  https://v.qq.com/p\n", "https://v.qq.com/p"),
            ("https://v.qq.com:443/p", "https://v.qq.com/p"),
        ] {
            assert_eq!(
                embed_allowed(src, &r).map(|u| u.to_string()).as_deref(),
                Some(kept),
                "{src:?}"
            );
        }
    }

    #[test]
    fn wildcard_rule_allows_subdomains_only() {
        let r = rules(&["*.qq.com"]);
        assert!(embed_allowed("https://v.qq.com/", &r).is_some());
        assert!(embed_allowed("https://a.b.qq.com/", &r).is_some());
        assert!(embed_allowed("https://qq.com/", &r).is_none());
        assert!(embed_allowed("https://evilqq.com/", &r).is_none());
    }

    #[test]
    fn host_rules_reject_what_is_not_a_host() {
        for bad in [
            "https://v.qq.com",
            "v.qq.com/path",
            "v.qq.com:443",
            "*",
            "*.",
            "a*.qq.com",
            "localhost",
            "127.0.0.1",
            "v.qq.com.",
            "user@v.qq.com",
            "",
        ] {
            assert!(HostRule::parse(bad).is_err(), "accepted: {bad:?}");
        }
        assert_eq!(
            HostRule::parse(" V.QQ.com ").unwrap().as_written(),
            "v.qq.com"
        );
        assert_eq!(
            HostRule::parse("*.QQ.com").unwrap().as_written(),
            "*.qq.com"
        );
    }

    #[test]
    fn classify_reads_references_as_browsers_do() {
        for local in [
            "a.html",
            "../x/",
            "/articles/",
            "#top",
            "?q=1",
            "images/a:b.png",
            "现场.jpg",
        ] {
            assert_eq!(classify(local), Reference::Local, "{local:?}");
        }
        for web in [
            "https://x.gov.cn/",
            "//x.gov.cn/a",
            r"\\x.gov.cn/a",
            r"/\x.gov.cn/a",
            "HTTP://X.GOV.CN",
            " https://x.gov.cn",
            "ht\ttps://x.gov.cn",
        ] {
            assert!(
                matches!(classify(web), Reference::Web(ref u) if u.host_str() == Some("x.gov.cn")),
                "{web:?}: {:?}",
                classify(web)
            );
        }
        assert_eq!(classify("mailto:a@b.cn"), Reference::Other("mailto".into()));
        assert_eq!(
            classify("java\nscript:alert(1)"),
            Reference::Other("javascript".into())
        );
        assert_eq!(classify("tel:12350"), Reference::Other("tel".into()));
        assert_eq!(classify("https://exa mple.cn/"), Reference::Invalid);
    }

    #[test]
    fn plain_local_shortcut_agrees_with_the_parser() {
        for raw in [
            "a.html",
            "/articles/x/",
            "../images/现场.jpg?v=1#top",
            "#frag",
            "?q",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "a b.html",
            "",
        ] {
            assert!(plainly_local(raw), "{raw:?}");
            assert_eq!(classify_parsed(raw), Reference::Local, "{raw:?}");
        }
        for raw in [
            "//x.cn", "\\\\x.cn", " //x.cn", "\t//x.cn", "a:b", "/\\x.cn",
        ] {
            assert!(!plainly_local(raw), "{raw:?}");
        }
    }

    #[test]
    fn absolute_web_needs_an_http_scheme_and_a_host() {
        assert!(absolute_web("https://x.cn/a").is_some());
        assert!(absolute_web("//x.cn/a").is_none());
        assert!(absolute_web("/a").is_none());
        assert!(absolute_web("mailto:a@b.cn").is_none());
    }
}
