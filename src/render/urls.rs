//! Rewriting the URLs of a rendered page: theme files to their hashed
//! names, and (with `relative_urls`) every link of the site to a path
//! relative to the page, so the output works from any folder.
//!
//! Owns: which attributes carry URLs, and the relative form of a site URL.
//! Imports: `html` (the tag scanner), `content::slug` (percent-encoding).
//!
//! Invariants: only URLs under the site's base path are touched (external
//! links, `#fragments`, `tel:` and absolute permalinks such as the
//! canonical link stay as they are); a relative link to a folder ends with
//! `index.html`, which every static host and `file://` serve; the rewrite
//! of a page depends only on its own path, its bytes and the asset names.

use std::collections::BTreeMap;

use crate::content::slug::encode_segment;
use crate::html;

/// Attributes whose value is one URL of a page, a file or a form target.
const URL_ATTRS: &[&str] = &["href", "src", "action", "poster", "data-src", "data-href"];
/// Attributes whose value is a folder URL that scripts append paths to.
const BASE_ATTRS: &[&str] = &["data-index", "data-root"];

/// How to rewrite the URLs of pages.
#[derive(Debug, Clone, Copy)]
pub struct UrlRewrite<'a> {
    /// `/` or `/sub/path/`.
    pub base_path: &'a str,
    /// Theme file → hashed name (output paths).
    pub assets: &'a BTreeMap<String, String>,
    pub relative: bool,
    /// `https://host` when `base_url` is absolute, else empty: the 404
    /// page of a relative build links there (hosts serve it at any depth).
    pub origin: &'a str,
}

/// The page hosts serve for every missing URL, at any depth.
pub const NOT_FOUND_PAGE: &str = "404.html";

/// `../` once per folder between the page at `out_path` and the root:
/// `articles/x/index.html` → `../../`, `index.html` → ``.
pub fn relative_prefix(out_path: &str) -> String {
    "../".repeat(out_path.matches('/').count())
}

pub use crate::content::slug::percent_decode;

impl UrlRewrite<'_> {
    /// True when nothing would change any page.
    pub fn is_noop(&self) -> bool {
        !self.relative && self.assets.is_empty()
    }

    /// The new form of one raw attribute value, or `None` to keep it.
    /// `prefix` is [`relative_prefix`] of the page; `folder` marks a base
    /// URL for scripts (no `index.html` appended).
    pub fn rewrite(&self, raw: &str, prefix: &str, folder: bool) -> Option<String> {
        self.rewrite_as(raw, Some(prefix), folder)
    }

    /// As [`UrlRewrite::rewrite`]; `prefix: None` writes links that work
    /// from any depth (absolute when there is an origin, else rooted).
    fn rewrite_as(&self, raw: &str, prefix: Option<&str>, folder: bool) -> Option<String> {
        let rest = raw.strip_prefix(self.base_path)?;
        if self.base_path == "/" && rest.starts_with('/') {
            return None; // protocol-relative `//host/…`
        }
        let split = rest.find(['?', '#']).unwrap_or(rest.len());
        let (path, suffix) = rest.split_at(split);
        let mut path = path.to_owned();
        if !self.assets.is_empty()
            && let Some(hashed) = self.assets.get(&percent_decode(&path))
        {
            path = hashed
                .split('/')
                .map(encode_segment)
                .collect::<Vec<_>>()
                .join("/");
        }
        let new = if let (true, Some(prefix)) = (self.relative, prefix) {
            let mut url = format!("{prefix}{path}");
            if !folder && (path.is_empty() || path.ends_with('/')) {
                url.push_str("index.html");
            }
            if url.is_empty() {
                url.push_str("./");
            }
            format!("{url}{suffix}")
        } else if self.relative {
            format!("{}{}{path}{suffix}", self.origin, self.base_path)
        } else {
            format!("{}{path}{suffix}", self.base_path)
        };
        (new != raw).then_some(new)
    }

    /// Whether [`rewrite_html`](Self::rewrite_html) may change `page`:
    /// without relative links only theme-file references change, and most
    /// pages have none written by hand (templates use `assets.*`).
    pub fn may_change(&self, page: &[u8]) -> bool {
        !self.is_noop()
            && (self.relative
                || self
                    .assets
                    .keys()
                    .any(|k| !k.is_ascii() || html::contains(page, k.as_bytes())))
    }

    /// Rewrites the URL attributes of the page written to `out_path`.
    pub fn rewrite_html(&self, out_path: &str, page: String) -> String {
        if !self.may_change(page.as_bytes()) {
            return page;
        }
        let prefix = relative_prefix(out_path);
        let prefix = (out_path != NOT_FOUND_PAGE).then_some(prefix.as_str());
        let mut edits = Vec::new();
        for tag in html::tags(&page) {
            for a in &tag.attrs {
                let (Some(value), Some(range)) = (a.value, a.range.clone()) else {
                    continue;
                };
                let name = a.name.to_ascii_lowercase();
                let new = if URL_ATTRS.contains(&name.as_str()) {
                    self.rewrite_as(value, prefix, false)
                } else if BASE_ATTRS.contains(&name.as_str()) {
                    self.rewrite_as(value, prefix, true)
                } else if name == "srcset" {
                    self.rewrite_srcset(value, prefix)
                } else {
                    None
                };
                if let Some(new) = new {
                    edits.push((range, new));
                }
            }
        }
        if edits.is_empty() {
            page
        } else {
            html::splice(&page, &edits)
        }
    }

    fn rewrite_srcset(&self, value: &str, prefix: Option<&str>) -> Option<String> {
        let mut changed = false;
        let parts: Vec<String> = value
            .split(',')
            .map(|candidate| {
                let c = candidate.trim();
                let (url, descriptor) = c.split_once(' ').unwrap_or((c, ""));
                match self.rewrite_as(url, prefix, false) {
                    Some(new) => {
                        changed = true;
                        if descriptor.is_empty() {
                            new
                        } else {
                            format!("{new} {descriptor}")
                        }
                    }
                    None => c.to_owned(),
                }
            })
            .collect();
        changed.then(|| parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        m.insert(
            "css/site.css".to_owned(),
            "css/site.abcd1234.css".to_owned(),
        );
        m
    }

    #[test]
    fn relative_prefix_counts_folders() {
        assert_eq!(relative_prefix("index.html"), "");
        assert_eq!(relative_prefix("articles/x/index.html"), "../../");
        assert_eq!(relative_prefix("404.html"), "");
    }

    #[test]
    fn rewrite_keeps_external_and_fragment_links() {
        let n = names();
        let r = UrlRewrite {
            base_path: "/aq/",
            assets: &n,
            relative: true,
            origin: "",
        };
        for raw in [
            "https://x.gov.cn/",
            "#top",
            "tel:12350",
            "/other/",
            "mailto:a@b",
        ] {
            assert_eq!(r.rewrite(raw, "../", false), None, "{raw}");
        }
    }

    #[test]
    fn rewrite_relative_links_point_at_files() {
        let n = names();
        let r = UrlRewrite {
            base_path: "/aq/",
            assets: &n,
            relative: true,
            origin: "",
        };
        assert_eq!(
            r.rewrite("/aq/", "../../", false).unwrap(),
            "../../index.html"
        );
        assert_eq!(r.rewrite("/aq/", "", false).unwrap(), "index.html");
        assert_eq!(r.rewrite("/aq/", "", true).unwrap(), "./");
        assert_eq!(
            r.rewrite("/aq/articles/x/#h", "../", false).unwrap(),
            "../articles/x/index.html#h"
        );
        assert_eq!(r.rewrite("/aq/search/", "../", true).unwrap(), "../search/");
        assert_eq!(
            r.rewrite("/aq/css/site.css", "../", false).unwrap(),
            "../css/site.abcd1234.css"
        );
        assert_eq!(
            r.rewrite("/aq/search/?q=x&amp;y", "", false).unwrap(),
            "search/index.html?q=x&amp;y"
        );
    }

    #[test]
    fn rewrite_absolute_mode_only_renames_assets() {
        let n = names();
        let r = UrlRewrite {
            base_path: "/",
            assets: &n,
            relative: false,
            origin: "",
        };
        assert_eq!(
            r.rewrite("/css/site.css", "", false).unwrap(),
            "/css/site.abcd1234.css"
        );
        assert_eq!(r.rewrite("/articles/", "", false), None);
        assert_eq!(r.rewrite("//cdn.example/x.js", "", false), None);
    }

    #[test]
    fn rewrite_html_touches_only_url_attributes() {
        let n = names();
        let r = UrlRewrite {
            base_path: "/",
            assets: &n,
            relative: true,
            origin: "",
        };
        let page = r#"<link rel="canonical" href="https://aq.gov.cn/a/"><a href="/a/" title="/a/">/a/</a><img srcset="/i.png 1x, /j.png 2x" src="/i.png" alt=""><div data-root="/"></div>"#;
        let out = r.rewrite_html("a/index.html", page.to_owned());
        assert_eq!(
            out,
            r#"<link rel="canonical" href="https://aq.gov.cn/a/"><a href="../a/index.html" title="/a/">/a/</a><img srcset="../i.png 1x, ../j.png 2x" src="../i.png" alt=""><div data-root="../"></div>"#
        );
    }

    #[test]
    fn not_found_page_of_a_relative_build_links_absolutely() {
        let n = names();
        let r = UrlRewrite {
            base_path: "/aq/",
            assets: &n,
            relative: true,
            origin: "https://x.gov.cn",
        };
        let out = r.rewrite_html("404.html", r#"<a href="/aq/articles/">a</a>"#.to_owned());
        assert_eq!(out, r#"<a href="https://x.gov.cn/aq/articles/">a</a>"#);
        let out = r.rewrite_html(
            "a/index.html",
            r#"<a href="/aq/articles/">a</a>"#.to_owned(),
        );
        assert_eq!(out, r#"<a href="../articles/index.html">a</a>"#);
    }

    #[test]
    fn percent_decode_handles_utf8_and_stray_percent() {
        assert_eq!(percent_decode("tags/%E6%B6%88%E9%98%B2/"), "tags/消防/");
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
