//! Raw HTML in Markdown: the `ammonia` allow-list it is cleaned with
//! (iframes only from the site's `iframe_hosts`), and what cleaning will
//! remove, for the warnings that tell the editor.
//!
//! Owns: the body sanitizer (with `wechat`, the only users of `ammonia`).
//! Imports: `weburl`.

use crate::weburl::{self, HostRule};

/// What the sanitizer will remove from a piece of raw HTML, for warnings:
/// dangerous tags, event-handler attributes and script URLs.
pub(super) fn removed_by_sanitizer(raw: &str, iframe_hosts: &[HostRule]) -> Vec<String> {
    let lower = raw.to_ascii_lowercase();
    let mut found = Vec::new();
    for tag in [
        "script", "style", "iframe", "object", "embed", "applet", "frame", "base", "meta", "link",
        "form",
    ] {
        let open = format!("<{tag}");
        let mut from = 0;
        while let Some(at) = lower[from..].find(&open) {
            let start = from + at;
            from = start + open.len();
            let next = lower[from..].chars().next();
            if next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-') {
                continue; // <scripts>, <linkage>: another tag
            }
            if tag == "iframe" && iframes_kept(raw, iframe_hosts) {
                continue;
            }
            found.push(format!("a <{tag}> element"));
            break;
        }
    }
    // on…= attributes inside tags.
    let bytes = lower.as_bytes();
    let mut in_tag = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'o' if in_tag
                && i > 0
                && bytes[i - 1].is_ascii_whitespace()
                && bytes.get(i + 1) == Some(&b'n') =>
            {
                let name: String = lower[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                let rest = lower[i + name.len()..].trim_start();
                if name.len() > 2 && rest.starts_with('=') {
                    found.push(format!("the `{name}` attribute"));
                }
            }
            _ => {}
        }
    }
    for scheme in ["javascript:", "vbscript:"] {
        if lower.contains(scheme) {
            found.push(format!("a `{scheme}` link"));
        }
    }
    let mut from = 0;
    while let Some(at) = lower[from..].find("data:") {
        let start = from + at;
        from = start + 5;
        if !lower[from..].starts_with("image/") {
            found.push("a `data:` link".to_owned());
            break;
        }
    }
    found.dedup();
    found
}

/// True when every `<iframe>` of `raw` keeps its `src` through the
/// sanitizer: the same decision, taken by the same code, as the page's.
fn iframes_kept(raw: &str, hosts: &[HostRule]) -> bool {
    if hosts.is_empty() {
        return false;
    }
    let count = |html: &str, with_src: bool| {
        let lower = html.to_ascii_lowercase();
        lower
            .match_indices("<iframe")
            .filter(|(at, _)| {
                let rest = &lower[at + "<iframe".len()..];
                let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
                rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                    && (!with_src || tag.contains(" src="))
            })
            .count()
    };
    let cleaned = sanitizer(hosts).clean(raw).to_string();
    count(&cleaned, true) >= count(raw, false)
}

pub(super) fn sanitizer(iframe_hosts: &[HostRule]) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    if !iframe_hosts.is_empty() {
        let hosts = iframe_hosts.to_vec();
        b.add_tags(["iframe"])
            .add_tag_attributes(
                "iframe",
                [
                    "src",
                    "width",
                    "height",
                    "title",
                    "allow",
                    "allowfullscreen",
                    "loading",
                ],
            )
            .attribute_filter(move |element, attribute, value| {
                if element == "iframe" && attribute == "src" {
                    // The parsed form: the browser loads what was judged.
                    weburl::embed_allowed(value, &hosts).map(|u| String::from(u).into())
                } else {
                    Some(value.into())
                }
            });
    }
    b.add_tags([
        "figure",
        "figcaption",
        "details",
        "summary",
        "video",
        "audio",
        "source",
        "track",
        "input",
        "section",
        "mark",
        "abbr",
        "picture",
    ])
    .add_generic_attributes([
        "class",
        "id",
        "lang",
        "title",
        "aria-label",
        "aria-hidden",
        "role",
    ])
    .add_tag_attributes("input", ["type", "checked", "disabled"])
    .add_tag_attributes("img", ["width", "height", "loading", "decoding"])
    .add_tag_attributes(
        "video",
        ["controls", "width", "height", "poster", "src", "preload"],
    )
    .add_tag_attributes("audio", ["controls", "src", "preload"])
    .add_tag_attributes("source", ["src", "type", "srcset", "media"])
    .add_tag_attributes("track", ["src", "kind", "srclang", "label"])
    .add_tag_attributes("td", ["colspan", "rowspan", "align", "style"])
    .add_tag_attributes("th", ["colspan", "rowspan", "align", "scope"])
    .add_tag_attributes(
        "a",
        [
            "data-footnote-ref",
            "data-footnote-backref",
            "data-footnote-backref-idx",
        ],
    )
    .add_tag_attributes("section", ["data-footnotes"])
    .link_rel(None);
    b
}
