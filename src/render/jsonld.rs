//! Structured data (schema.org JSON-LD) and the page's share image:
//! NewsArticle for articles, Event for drills, Article for cases.
//!
//! Owns: the JSON-LD object of a page and its escaping for a `<script>`
//! element. Imports: `site`, `content`, `dates`, `markdown` (types),
//! the sibling `html` scanner.
//!
//! Invariants: the output is JSON that a JSON parser reads back unchanged
//! and contains no `<`, `>` or `&`, so no title (even one holding
//! `</script>`) can end the script element; dates are RFC 3339 in the
//! site's zone; URLs are permalinks (absolute when `base_url` is).

use serde_json::{Value, json};

use crate::content::{DrillStatus, Kind, Page};
use crate::dates;
use crate::html;
use crate::markdown::Body;
use crate::site::{PageId, Site};
use crate::weburl;

/// Serializes `v` so that it is safe as the text of a `<script>` element.
pub fn script_safe(v: &Value) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The page's share image as an absolute URL (when `base_url` is): its
/// cover's share size when the cover is a published photo, else the cover
/// as written, else the first image of the body.
pub fn cover(site: &Site, page: &Page, body: &Body) -> Option<String> {
    let cfg = &site.config;
    let url = if let Some(shown) = &body.cover
        && let Some(share) = crate::images::share_size(shown)
    {
        share.url.clone()
    } else if let Some(c) = &page.cover {
        match site.cover_url(page, c) {
            Some(u) => u,
            None => c.clone(),
        }
    } else if !html::contains_tag_ci(body.html.as_bytes(), b"<img") {
        return None;
    } else {
        let tags = html::tags(&body.html);
        let img = tags.iter().find(|t| t.is("img"))?;
        html::decode_entities(img.attr("src")?).into_owned()
    };
    if weburl::absolute_web(&url).is_some() {
        Some(url)
    } else {
        Some(cfg.permalink(&url))
    }
}

/// schema.org's eventStatus for a drill's set status.
pub fn event_status(status: Option<DrillStatus>) -> &'static str {
    match status {
        Some(DrillStatus::Cancelled) => "EventCancelled",
        Some(DrillStatus::Postponed) => "EventPostponed",
        None => "EventScheduled",
    }
}

fn publisher(site: &Site) -> Value {
    let cfg = &site.config;
    let name = cfg.footer.organizer.as_deref().unwrap_or(&cfg.title);
    json!({
        "@type": "Organization",
        "name": name,
        "url": cfg.permalink(&cfg.base_path),
    })
}

fn author(site: &Site, page: &Page) -> Value {
    match &page.author {
        Some(a) => json!({ "@type": "Person", "name": a }),
        None => publisher(site),
    }
}

/// The JSON-LD object of a page, or `None` for standalone pages.
pub fn page_object(
    site: &Site,
    id: PageId,
    description: &str,
    image: Option<&str>,
) -> Option<Value> {
    let page = &site.pages[id];
    let tz = &site.config.tz;
    let url = site.permalink(id);
    let published = page.list_date().map(|w| dates::rfc3339(w.ts, tz));
    let mut v = match page.kind {
        Kind::Page => return None,
        Kind::Article | Kind::Case => json!({
            "@context": "https://schema.org",
            "@type": if page.kind == Kind::Article { "NewsArticle" } else { "Article" },
            "headline": page.title,
            "description": description,
            "datePublished": published,
            "dateModified": published,
            "author": author(site, page),
            "publisher": publisher(site),
            "mainEntityOfPage": url,
            "url": url,
            "inLanguage": site.config.language,
        }),
        Kind::Notice => json!({
            "@context": "https://schema.org",
            "@type": "Article",
            "articleSection": site.config.columns[page.column].title,
            "headline": page.title,
            "description": description,
            "datePublished": published,
            "dateModified": published,
            "author": match page.notice().and_then(|n| n.issuer.as_deref()) {
                Some(issuer) => json!({ "@type": "Organization", "name": issuer }),
                None => author(site, page),
            },
            "publisher": publisher(site),
            "mainEntityOfPage": url,
            "url": url,
            "inLanguage": site.config.language,
        }),
        Kind::Document => {
            let d = page.document()?;
            let force = match d.status {
                crate::content::DocStatus::Valid => "InForce",
                crate::content::DocStatus::Revised => "PartiallyInForce",
                _ => "NotInForce",
            };
            let mut v = json!({
                "@context": "https://schema.org",
                "@type": "Legislation",
                "name": page.title,
                "description": description,
                "legislationDate": d.written.map(|w| dates::ymd(w.ts, tz)).or_else(|| page.date.map(|w| dates::ymd(w.ts, tz))),
                "datePublished": published,
                "legislationPassedBy": { "@type": "GovernmentOrganization", "name": d.issuer },
                "legislationLegalForce": format!("https://schema.org/{force}"),
                "publisher": publisher(site),
                "url": url,
                "inLanguage": site.config.language,
            });
            if let Some(no) = &d.doc_no {
                v["legislationIdentifier"] = json!(no);
            }
            v
        }
        Kind::Drill => {
            let d = page.drill()?;
            let mut location = json!({ "@type": "Place", "name": d.location });
            if let Some(a) = &d.address {
                location["address"] = json!({
                    "@type": "PostalAddress",
                    "streetAddress": a,
                    "addressCountry": "CN",
                });
            }
            json!({
                "@context": "https://schema.org",
                "@type": "Event",
                "name": page.title,
                "description": description,
                "startDate": dates::html_datetime(d.start, tz),
                "endDate": dates::html_datetime(d.end, tz),
                "eventStatus": format!("https://schema.org/{}", event_status(d.status)),
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "location": location,
                "organizer": { "@type": "Organization", "name": d.organizer },
                "url": url,
                "inLanguage": site.config.language,
            })
        }
    };
    if let Some(img) = image {
        v["image"] = json!([img]);
    }
    if page.kind == Kind::Drill
        && let Some(p) = published
    {
        v["datePublished"] = json!(p);
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_escapes_markup_but_stays_json() {
        let v = json!({ "headline": "a</script><script>alert(1)</script>&b" });
        let s = script_safe(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
