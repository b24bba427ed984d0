//! Link and image targets written in a page: `@/articles/x.md#id`,
//! relative and root-relative URLs, resolved through [`Links`] into the
//! URL to write, a page link to check, a warning or an error.

use super::{Links, Target};
use crate::weburl;

/// What [`resolve`] made of a target, for `render` to apply.
pub(super) enum Resolved {
    /// An external URL, a `#fragment` or nothing: written as it is.
    Keep,
    Url(String),
    Page {
        url: String,
        file: String,
        anchor: Option<String>,
    },
    Error(String, String),
    Warn(String, String),
}

fn split_anchor(url: &str) -> (&str, Option<String>) {
    match url.split_once('#') {
        Some((p, a)) => (p, Some(a.to_owned()).filter(|a| !a.is_empty())),
        None => (url, None),
    }
}

fn with_anchor(url: String, anchor: &Option<String>) -> String {
    match anchor {
        Some(a) => format!("{url}#{a}"),
        None => url,
    }
}

/// The help for a missing image, with the file it probably means.
fn missing_image_help(near: Option<&str>) -> String {
    match near {
        Some(fix) => format!(
            "did you mean `{fix}`? 找不到图片文件；是否应为 `{fix}`？（大小写或扩展名不同，网站服务器区分大小写）"
        ),
        None => "找不到图片文件：图片放在文章旁边，用相对路径引用，例如 ![说明](images/a.png)；\
                 请检查文件夹和文件名（含大小写和扩展名）"
            .into(),
    }
}

pub(super) fn resolve(file: &str, url: &str, links: &dyn Links, is_image: bool) -> Resolved {
    if let Some(rest) = url.strip_prefix("@/") {
        let (path, anchor) = split_anchor(rest);
        return match links.internal(path) {
            Target::Page { url, file } => Resolved::Page {
                url: with_anchor(url, &anchor),
                file,
                anchor,
            },
            Target::Url(u) => Resolved::Url(with_anchor(u, &anchor)),
            Target::Missing(why) | Target::Near(why, _) => Resolved::Error(
                format!("broken internal link `{url}`: {why}"),
                "`@/` 后面写 content/ 下的文件路径，例如 `@/drills/2025-fire.md`；请检查文件名和文件夹".into(),
            ),
            Target::Warn(u, msg) => Resolved::Warn(with_anchor(u, &anchor), msg),
        };
    }
    if !weburl::is_local(url) || url.starts_with('#') || url.is_empty() {
        return Resolved::Keep;
    }
    if url.starts_with('/') {
        return Resolved::Url(links.rooted(url));
    }
    let (path, anchor) = split_anchor(url);
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    match links.relative(file, path) {
        Target::Url(u) => Resolved::Url(with_anchor(
            match query {
                Some(q) => format!("{u}?{q}"),
                None => u,
            },
            &anchor,
        )),
        Target::Page { url, file } => Resolved::Page {
            url: with_anchor(url, &anchor),
            file,
            anchor,
        },
        // A missing image is a broken page (and a broken link to the
        // inspectors): an error, reported here once, as written.
        Target::Missing(why) if is_image => Resolved::Error(
            format!("missing image `{url}`: {why}"),
            missing_image_help(None),
        ),
        Target::Near(why, fix) if is_image => Resolved::Error(
            format!("missing image `{url}`: {why}"),
            missing_image_help(Some(&fix)),
        ),
        Target::Missing(why) => Resolved::Warn(
            url.to_owned(),
            format!("link `{url}` points to nothing: {why}"),
        ),
        Target::Near(why, fix) => Resolved::Warn(
            url.to_owned(),
            format!("link `{url}` points to nothing: {why}; did you mean `{fix}`?"),
        ),
        Target::Warn(u, msg) => Resolved::Warn(with_anchor(u, &anchor), msg),
    }
}
