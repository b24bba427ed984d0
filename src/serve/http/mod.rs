//! HTTP for `anxuan serve`: a pure handler plus the socket side on hyper.
//!
//! Owns: [`respond`], the pure handler (lookups in the build, redirects,
//! the 404 page, the live-reload endpoints) and the types it speaks
//! ([`Snapshot`], [`Req`], [`Reply`]). Its parts: `path` (URL decoding
//! and the traversal rules), `mime` (Content-Types), `ranges` (ETags,
//! conditional and Range requests) and `socket` (hyper and tokio: the
//! accept loop, connections, the live-reload WebSocket).
//! Imports: `error`, `hash`, `sitefs`, `serve` (the server state),
//! `serve::store`, `serve::livereload`, `serve::editor`, `serve::host`
//! (the Host rule), `serve::limits`.
//!
//! Invariants: [`respond`] is a pure function of the snapshot and the
//! request (it may only `stat` the disk files the build lists). No request
//! path is ever joined to a directory: files are looked up by key in the
//! build's map or in its list of copied assets, so nothing outside the
//! site can be read; malformed or suspicious paths (`..`, encoded
//! slashes, backslashes, NUL, control characters, absolute URLs, URLs longer
//! than [`MAX_URL`]) are refused with 400 before any lookup. Before that,
//! and before anything else, every request's `Host` goes through
//! [`host::allowed`](super::host::allowed) (400 without one, 421 when it
//! is not ours), the WebSocket included.

mod mime;
mod path;
mod ranges;
mod socket;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::Diagnostic;

use super::store::{Served, Stored};
use super::{editor, livereload};

pub use super::limits::MAX_CONNECTIONS;
pub use mime::mime;
pub use path::{BadPath, MAX_URL, decode_path};
pub use ranges::{etag_of, parse_range};
pub use socket::serve_loop;

use ranges::bytes_reply;

/// What the server serves at one moment: the last good build and the errors
/// of the last rebuild (empty when it succeeded).
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Rendered files, by output path. A rebuild makes a new map (its
    /// entries are cheap to copy: the bytes stay where they are, see
    /// [`store`](super::store)), or shares this one when nothing changed
    /// or the build failed; a reader holding it sees one build's files,
    /// whatever follows.
    pub files: Arc<Served>,
    /// Files served from disk as they are: output path → source file.
    pub copies: Arc<HashMap<String, PathBuf>>,
    /// Errors of the last rebuild; the files are then those of an older build.
    pub errors: Vec<Diagnostic>,
    /// `/` or `/sub/`: where the site lives.
    pub base_path: String,
    /// Increases with every successful build.
    pub version: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Other,
}

/// The parts of a request the handler looks at.
#[derive(Debug, Clone)]
pub struct Req<'a> {
    pub method: Method,
    /// The raw request target, e.g. `/tags/%E6%B6%88%E9%98%B2/?x=1`.
    pub url: &'a str,
    pub if_none_match: Option<&'a str>,
    /// The `Range` header (one byte range is honoured; the search engine
    /// reads its packs by Range).
    pub range: Option<&'a str>,
    /// The `If-Range` header: the Range counts only while the file still
    /// has this ETag (a rebuild may have changed a pack between reads).
    pub if_range: Option<&'a str>,
}

/// A response body.
#[derive(Debug, Clone)]
pub enum Payload {
    Empty,
    Bytes(Vec<u8>),
    Static(&'static [u8]),
    /// Part of a served file: first byte and length.
    Stored(Stored, u64, u64),
    /// A file on disk, streamed: path, first byte and length.
    Disk(PathBuf, u64, u64),
    /// The live-reload WebSocket (opened by the socket side).
    Events,
}

/// A response, before it meets the socket.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Payload,
}

impl Reply {
    fn new(status: u16, body: Payload) -> Reply {
        Reply {
            status,
            headers: vec![
                ("Cache-Control", "no-cache".to_owned()),
                ("X-Content-Type-Options", "nosniff".to_owned()),
            ],
            body,
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    fn text(status: u16, text: &str) -> Reply {
        Reply::new(status, Payload::Bytes(text.as_bytes().to_vec()))
            .header("Content-Type", "text/plain; charset=utf-8")
    }

    /// The value of a header, for tests.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A page shown when the first build failed and there is nothing to serve:
/// it links the live-reload script, so the overlay lists the problems and
/// the page reloads once they are fixed.
fn no_build_page(base_path: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>构建失败 - anxuan serve</title>\n<script src=\"{base_path}{}\" defer></script>\n</head>\n<body>\n<h1>站点还没有成功构建过</h1>\n<p>请根据下方（或终端中）的错误提示修改文件并保存，页面会自动刷新。</p>\n</body>\n</html>\n",
        livereload::SCRIPT_PATH
    )
    .into_bytes()
}

#[cfg(test)]
impl Payload {
    /// The bytes in memory or in the spool (tests of the handler).
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Payload::Empty | Payload::Events | Payload::Disk(..) => Vec::new(),
            Payload::Bytes(b) => b.clone(),
            Payload::Static(b) => b.to_vec(),
            Payload::Stored(s, start, len) => s.read(*start, *len).unwrap_or_default(),
        }
    }
}

fn not_found(snap: &Snapshot) -> Reply {
    let body = match snap.files.get("404.html").and_then(|s| s.bytes().ok()) {
        Some(b) => b,
        None if !snap.errors.is_empty() => no_build_page(&snap.base_path),
        None => b"404 Not Found\n".to_vec(),
    };
    let ty = if body.starts_with(b"<") {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    Reply::new(404, Payload::Bytes(body)).header("Content-Type", ty)
}

/// Finds a file of the snapshot by output path.
fn lookup(snap: &Snapshot, req: &Req<'_>, path: &str) -> Option<Reply> {
    if let Some(stored) = snap.files.get(path) {
        let etag = stored.etag();
        let len = stored.len();
        return Some(bytes_reply(
            req,
            path,
            Payload::Stored(stored.clone(), 0, len),
            etag,
        ));
    }
    let abs = snap.copies.get(path)?;
    let meta = std::fs::metadata(abs).ok().filter(|m| m.is_file())?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let etag = format!("\"{mtime:x}-{:x}\"", meta.len());
    Some(bytes_reply(
        req,
        path,
        Payload::Disk(abs.clone(), 0, meta.len()),
        etag,
    ))
}

fn has_dir(snap: &Snapshot, dir: &str) -> bool {
    let index = format!("{dir}/index.html");
    snap.files.contains_key(index.as_str()) || snap.copies.contains_key(&index)
}

/// The pure handler: a snapshot and a request in, a reply out.
pub fn respond(snap: &Snapshot, req: &Req<'_>) -> Reply {
    let path = match decode_path(req.url) {
        Ok(p) => p,
        Err(BadPath::TooLong) => return Reply::text(400, "400 Bad Request: URL too long\n"),
        Err(BadPath::Malformed) => return Reply::text(400, "400 Bad Request\n"),
    };
    if req.method == Method::Other {
        return Reply::text(405, "405 Method Not Allowed\n").header("Allow", "GET, HEAD");
    }
    let base = snap.base_path.trim_start_matches('/');
    // The live-reload endpoints answer at the root and under the base path.
    let own = path
        .strip_prefix(base)
        .filter(|p| p.starts_with("__anxuan/"))
        .unwrap_or(&path);
    for (script_path, script) in [
        (livereload::SCRIPT_PATH, livereload::SCRIPT),
        (editor::WECHAT_COPY_PATH, editor::WECHAT_COPY),
    ] {
        if own == script_path {
            let etag = etag_of(script.as_bytes());
            return bytes_reply(req, own, Payload::Static(script.as_bytes()), etag);
        }
    }
    if own == livereload::EVENTS_PATH {
        return Reply::new(200, Payload::Events);
    }
    let Some(rel) = path.strip_prefix(base) else {
        if path.is_empty() || format!("{path}/") == base {
            return Reply::new(302, Payload::Empty).header("Location", snap.base_path.clone());
        }
        return not_found(snap);
    };
    if rel.is_empty() || rel.ends_with('/') {
        return lookup(snap, req, &format!("{rel}index.html")).unwrap_or_else(|| not_found(snap));
    }
    if let Some(reply) = lookup(snap, req, rel) {
        return reply;
    }
    if has_dir(snap, rel) {
        let raw = req.url.split(['?', '#']).next().unwrap_or("");
        let query = req
            .url
            .find('?')
            .map(|i| &req.url[i..])
            .unwrap_or("")
            .split('#')
            .next()
            .unwrap_or("");
        return Reply::new(301, Payload::Empty).header("Location", format!("{raw}/{query}"));
    }
    not_found(snap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap() -> Snapshot {
        let mut files = Served::default();
        for (k, v) in [
            ("index.html", &b"<!DOCTYPE html>home"[..]),
            ("404.html", b"<!DOCTYPE html>missing"),
            ("tags/消防安全/index.html", b"<p>tag</p>"),
            ("css/site.css", b"body{}"),
            ("feed.ics", b"BEGIN:VCALENDAR"),
        ] {
            files.insert(k.into(), Stored::memory(v));
        }
        Snapshot {
            files: Arc::new(files),
            base_path: "/".into(),
            version: 1,
            ..Snapshot::default()
        }
    }

    /// A GET of the stylesheet with these conditional headers.
    fn css<'a>(range: Option<&'a str>, if_range: Option<&'a str>, inm: Option<&'a str>) -> Req<'a> {
        Req {
            method: Method::Get,
            url: "/css/site.css",
            if_none_match: inm,
            range,
            if_range,
        }
    }

    fn get(snap: &Snapshot, url: &str) -> Reply {
        respond(
            snap,
            &Req {
                method: Method::Get,
                url,
                if_none_match: None,
                range: None,
                if_range: None,
            },
        )
    }

    #[test]
    fn respond_serves_index_redirects_dirs_and_404s() {
        let s = snap();
        let r = get(&s, "/");
        assert_eq!(r.status, 200);
        assert_eq!(r.get("Content-Type"), Some("text/html; charset=utf-8"));
        assert_eq!(r.get("Cache-Control"), Some("no-cache"));
        let r = get(&s, "/tags/%E6%B6%88%E9%98%B2%E5%AE%89%E5%85%A8");
        assert_eq!(r.status, 301);
        assert_eq!(
            r.get("Location"),
            Some("/tags/%E6%B6%88%E9%98%B2%E5%AE%89%E5%85%A8/")
        );
        let r = get(&s, "/tags/%E6%B6%88%E9%98%B2%E5%AE%89%E5%85%A8/");
        assert_eq!(r.status, 200);
        let r = get(&s, "/nope/");
        assert_eq!(r.status, 404);
        assert_eq!(r.body.to_vec(), b"<!DOCTYPE html>missing");
        assert_eq!(get(&s, "/%2e%2e/Cargo.toml").status, 400);
    }

    #[test]
    fn respond_answers_one_byte_range() {
        let s = snap();
        let ranged = |range: &str| respond(&s, &css(Some(range), None, None));
        let r = ranged("bytes=1-3");
        assert_eq!(r.status, 206);
        assert_eq!(r.body.to_vec(), b"ody");
        assert_eq!(r.get("Content-Range"), Some("bytes 1-3/6"));
        assert_eq!(ranged("bytes=4-").body.to_vec(), b"{}");
        assert_eq!(ranged("bytes=-2").body.to_vec(), b"{}");
        // The end is clamped to the file; a start past the end is 416.
        assert_eq!(ranged("bytes=2-99").body.to_vec(), b"dy{}");
        let r = ranged("bytes=6-7");
        assert_eq!(r.status, 416);
        assert_eq!(r.get("Content-Range"), Some("bytes */6"));
        // Several ranges or nonsense: the whole file.
        for whole in ["bytes=0-1,3-4", "bytes=3-1", "items=0-1", "bytes=x-"] {
            let r = ranged(whole);
            assert_eq!(r.status, 200, "{whole}");
            assert_eq!(r.body.to_vec(), b"body{}");
        }
        assert_eq!(get(&s, "/css/site.css").get("Accept-Ranges"), Some("bytes"));
    }

    #[test]
    fn a_range_for_another_version_gets_the_whole_file() {
        let s = snap();
        let etag = get(&s, "/css/site.css").get("ETag").unwrap().to_owned();
        let with = |if_range: &str| respond(&s, &css(Some("bytes=1-3"), Some(if_range), None));
        let r = with(&etag);
        assert_eq!((r.status, r.body.to_vec()), (206, b"ody".to_vec()));
        for other in ["\"0000000000000000-6\"", "Wed, 21 Oct 2015 07:28:00 GMT"] {
            let r = with(other);
            assert_eq!(
                (r.status, r.body.to_vec()),
                (200, b"body{}".to_vec()),
                "{other}"
            );
        }
        assert_eq!(r_nosniff(&s).as_deref(), Some("nosniff"));
    }

    fn r_nosniff(s: &Snapshot) -> Option<String> {
        get(s, "/").get("X-Content-Type-Options").map(str::to_owned)
    }

    #[test]
    fn respond_honours_if_none_match() {
        let s = snap();
        let r = get(&s, "/css/site.css");
        assert_eq!(r.get("Content-Type"), Some("text/css; charset=utf-8"));
        let etag = r.get("ETag").unwrap().to_owned();
        let r = respond(&s, &css(None, None, Some(&etag)));
        assert_eq!(r.status, 304);
        assert!(matches!(r.body, Payload::Empty));
    }

    #[test]
    fn respond_serves_the_script_and_events_under_a_base_path() {
        let mut s = snap();
        s.base_path = "/aq/".into();
        assert_eq!(get(&s, "/").status, 302);
        assert_eq!(get(&s, "/aq").get("Location"), Some("/aq/"));
        assert_eq!(get(&s, "/aq/").status, 200);
        assert_eq!(get(&s, "/index.html").status, 404);
        assert_eq!(get(&s, "/aq/__anxuan/livereload.js").status, 200);
        assert_eq!(get(&s, "/__anxuan/livereload.js").status, 200);
        assert_eq!(get(&s, "/aq/__anxuan/wechat-copy.js").status, 200);
        assert!(matches!(
            get(&s, "/aq/__anxuan/events").body,
            Payload::Events
        ));
    }
}
