//! HTTP for `anxuan serve`: a pure handler plus a thin socket loop.
//!
//! Owns: the sockets (HTTP/1.1 with keep-alive, one thread per
//! connection); URL decoding and the traversal rules; MIME types; ETags and
//! conditional requests; redirects; the 404 page.
//! Imports: `render` (the `Files` type), `serve` (the server state),
//! `serve::livereload`, `serve::host` (the Host rule), `serve::limits`.
//!
//! Why not tiny_http: its connection pool keeps every open connection on a
//! pool thread and can queue new connections behind busy threads when its
//! idle threads are slow to wake; with event streams (held open for good)
//! and browsers' keep-alive connections, queued pages then wait forever
//! (reproduced under load: four pool threads all reading event streams,
//! 48 page requests queued). Only GET and HEAD are needed, so the loop
//! here is short and has no such queue.
//!
//! Invariants: [`respond`] is a pure function of the snapshot and the
//! request (it may only `stat` the disk files the build lists). No request
//! path is ever joined to a directory: files are looked up by key in the
//! build's in-memory map or in its list of copied assets, so nothing outside
//! the site can be read; malformed or suspicious paths (`..`, encoded
//! slashes, backslashes, NUL, control characters, absolute URLs, URLs longer
//! than [`MAX_URL`]) are refused with 400 before any lookup. Before that,
//! and before anything else, every request's `Host` goes through
//! [`host::allowed`] (400 without one, 421 when it is not ours), the event
//! stream included. Held event streams leave the connection count but are
//! capped by the hub (503 beyond); a failed `accept` is retried after a
//! growing pause, never in a tight loop.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Duration;

use crate::error::Diagnostic;
use crate::render::Files;

use super::Server;
use super::host::{self, Verdict};
use super::limits::Backoff;
use super::livereload;

pub use super::limits::MAX_CONNECTIONS;

/// The longest request target accepted.
pub const MAX_URL: usize = 2048;

/// What the server serves at one moment: the last good build and the errors
/// of the last rebuild (empty when it succeeded).
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Rendered files, by output path. Shared by every snapshot of a
    /// server and patched in place by a rebuild (under the write lock), so
    /// a rebuild never copies the whole site.
    pub files: Arc<RwLock<Files>>,
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
}

/// A response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Empty,
    Bytes(Vec<u8>),
    Static(&'static [u8]),
    /// A file on disk, streamed: path, first byte and length.
    Disk(PathBuf, u64, u64),
    /// The Server-Sent Events stream (handled by the socket loop).
    Events,
}

/// A response, before it meets the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

impl Reply {
    fn new(status: u16, body: Body) -> Reply {
        Reply {
            status,
            headers: vec![("Cache-Control", "no-cache".to_owned())],
            body,
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    fn text(status: u16, text: &str) -> Reply {
        Reply::new(status, Body::Bytes(text.as_bytes().to_vec()))
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

/// The Content-Type for an output path.
pub fn mime(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Strictly percent-decodes one path segment; `None` on a malformed escape
/// or invalid UTF-8.
fn decode_segment(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let h = hex(*bytes.get(i + 1)?)?;
            let l = hex(*bytes.get(i + 2)?)?;
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Why a request path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPath {
    TooLong,
    Malformed,
}

/// Decodes the path of a request target into a site-relative path (no
/// leading slash; a trailing slash is kept). Refuses everything that is not
/// a plain path of normal segments.
pub fn decode_path(url: &str) -> Result<String, BadPath> {
    if url.len() > MAX_URL {
        return Err(BadPath::TooLong);
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(rest) = path.strip_prefix('/') else {
        // `*`, `http://host/x`, `C:\x` …
        return Err(BadPath::Malformed);
    };
    if path.contains('\\') || path.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err(BadPath::Malformed);
    }
    if rest.is_empty() {
        return Ok(String::new());
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    let mut out = Vec::with_capacity(segments.len());
    for (i, raw) in segments.iter().enumerate() {
        if raw.is_empty() {
            if i == last {
                break;
            }
            // `//`: never produced by our links.
            return Err(BadPath::Malformed);
        }
        let seg = decode_segment(raw).ok_or(BadPath::Malformed)?;
        if seg == "."
            || seg == ".."
            || seg.contains(['/', '\\', ':'])
            || seg.chars().any(char::is_control)
        {
            return Err(BadPath::Malformed);
        }
        out.push(seg);
    }
    let mut joined = out.join("/");
    if segments[last].is_empty() {
        joined.push('/');
    }
    Ok(joined)
}

/// A strong ETag for bytes: 64-bit FNV-1a and the length.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{:016x}-{:x}\"", crate::hash::fnv64(bytes), bytes.len())
}

fn etag_matches(if_none_match: Option<&str>, etag: &str) -> bool {
    if_none_match.is_some_and(|v| {
        v.split(',').any(|t| {
            let t = t.trim();
            t == "*" || t.trim_start_matches("W/") == etag
        })
    })
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

/// Reads the files (a poisoned lock still holds a complete map: writers
/// only insert and remove whole entries).
pub fn read_files(files: &RwLock<Files>) -> RwLockReadGuard<'_, Files> {
    files.read().unwrap_or_else(|e| e.into_inner())
}

fn not_found(snap: &Snapshot) -> Reply {
    let body = match read_files(&snap.files).get("404.html") {
        Some(b) => b.clone(),
        None if !snap.errors.is_empty() => no_build_page(&snap.base_path),
        None => b"404 Not Found\n".to_vec(),
    };
    let ty = if body.starts_with(b"<") {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    Reply::new(404, Body::Bytes(body)).header("Content-Type", ty)
}

/// Parses a `Range` header for a body of `len` bytes: `Some(Ok((start,
/// end)))` (end exclusive) for one satisfiable byte range, `Some(Err(()))`
/// for an unsatisfiable one, `None` when the header is absent or not one
/// byte range (then the whole body is sent).
pub fn parse_range(header: Option<&str>, len: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = header?.trim().strip_prefix("bytes=")?.trim();
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let range = if a.is_empty() {
        // The last b bytes.
        let n: u64 = b.parse().ok()?;
        if n == 0 {
            return Some(Err(()));
        }
        (len.saturating_sub(n), len)
    } else {
        let start: u64 = a.parse().ok()?;
        let end = if b.is_empty() {
            len
        } else {
            let last: u64 = b.parse().ok()?;
            if last < start {
                return None;
            }
            last.saturating_add(1).min(len)
        };
        (start, end)
    };
    if range.0 >= len {
        return Some(Err(()));
    }
    Some(Ok(range))
}

fn bytes_reply(req: &Req<'_>, path: &str, bytes: Body, etag: String) -> Reply {
    if etag_matches(req.if_none_match, &etag) {
        return Reply::new(304, Body::Empty).header("ETag", etag);
    }
    let len = match &bytes {
        Body::Bytes(b) => b.len() as u64,
        Body::Static(b) => b.len() as u64,
        Body::Disk(_, _, len) => *len,
        Body::Empty | Body::Events => 0,
    };
    match parse_range(req.range, len) {
        Some(Ok((start, end))) => {
            let part = match bytes {
                Body::Bytes(b) => Body::Bytes(b[start as usize..end as usize].to_vec()),
                Body::Static(b) => Body::Static(&b[start as usize..end as usize]),
                Body::Disk(p, at, _) => Body::Disk(p, at + start, end - start),
                other => other,
            };
            Reply::new(206, part)
                .header("Content-Type", mime(path))
                .header("ETag", etag)
                .header("Accept-Ranges", "bytes")
                .header("Content-Range", format!("bytes {start}-{}/{len}", end - 1))
        }
        Some(Err(())) => Reply::new(416, Body::Empty)
            .header("Content-Range", format!("bytes */{len}"))
            .header("Accept-Ranges", "bytes"),
        None => Reply::new(200, bytes)
            .header("Content-Type", mime(path))
            .header("ETag", etag)
            .header("Accept-Ranges", "bytes"),
    }
}

/// Finds a file of the snapshot by output path.
fn lookup(snap: &Snapshot, req: &Req<'_>, path: &str) -> Option<Reply> {
    if let Some((bytes, etag)) = read_files(&snap.files)
        .get(path)
        .map(|b| (b.clone(), etag_of(b)))
    {
        return Some(bytes_reply(req, path, Body::Bytes(bytes), etag));
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
        Body::Disk(abs.clone(), 0, meta.len()),
        etag,
    ))
}

fn has_dir(snap: &Snapshot, dir: &str) -> bool {
    let index = format!("{dir}/index.html");
    read_files(&snap.files).contains_key(&index) || snap.copies.contains_key(&index)
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
    if own == livereload::SCRIPT_PATH {
        let etag = etag_of(livereload::SCRIPT.as_bytes());
        return bytes_reply(req, own, Body::Static(livereload::SCRIPT.as_bytes()), etag);
    }
    if own == livereload::EVENTS_PATH {
        return Reply::new(200, Body::Events).header("Content-Type", "text/event-stream");
    }
    let Some(rel) = path.strip_prefix(base) else {
        if path.is_empty() || format!("{path}/") == base {
            return Reply::new(302, Body::Empty).header("Location", snap.base_path.clone());
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
        return Reply::new(301, Body::Empty).header("Location", format!("{raw}/{query}"));
    }
    not_found(snap)
}

/// The largest request head accepted (request line and headers).
const MAX_HEAD: usize = 16 * 1024;
/// How long an idle keep-alive connection (or a slow client) is kept.
const IDLE: Duration = Duration::from_secs(30);
/// Requests served on one connection before it is closed.
const MAX_REQUESTS: usize = 1000;
/// Once a request has started, its whole head must arrive within this time
/// (a client sending one byte a second cannot hold a thread for long).
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
static ACTIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Counts an active connection while alive.
struct Active;

impl Drop for Active {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Accepts connections for good; one thread per connection (a browser
/// keeps several open; the event stream leaves its thread at once, handed
/// over to the hub), at most `server.limits.connections` at a time. When
/// `accept` fails (out of descriptors: EMFILE), the loop pauses, longer
/// after each failure, instead of spinning on the error.
pub fn serve_loop(listener: &TcpListener, server: &Arc<Server>) {
    let mut backoff = Backoff::new();
    for stream in listener.incoming() {
        let mut stream = match stream {
            Ok(s) => {
                backoff.reset();
                s
            }
            // A client that gave up before we took it: nothing to wait for.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionAborted => continue,
            Err(_) => {
                std::thread::sleep(backoff.fail());
                continue;
            }
        };
        if ACTIVE.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= server.limits.connections {
            ACTIVE.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let reply = Reply::text(503, "503 Service Unavailable: too many connections\n")
                .header("Retry-After", "1");
            write_reply(&mut stream, reply, false, false);
            continue;
        }
        let guard = Active;
        let server = Arc::clone(server);
        let _ = std::thread::Builder::new()
            .name("anxuan-http".into())
            .spawn(move || {
                let _guard = guard;
                connection(stream, &server);
            });
    }
}

/// A parsed request head.
struct Head {
    method: Method,
    target: String,
    /// The `Host` header (a second one makes the request bad).
    host: Option<String>,
    if_none_match: Option<String>,
    range: Option<String>,
    keep_alive: bool,
    content_length: usize,
}

enum ReadHead {
    Head(Head),
    /// The client closed the connection or went idle.
    Closed,
    /// Not a request we understand: answer 400 and close.
    Bad,
}

/// Reads one request head (up to the blank line) from `reader`.
fn read_head(reader: &mut BufReader<TcpStream>) -> ReadHead {
    let mut head = Vec::new();
    let mut started: Option<std::time::Instant> = None;
    // Waiting for a request (keep-alive) may take up to IDLE.
    let _ = reader.get_ref().set_read_timeout(Some(IDLE));
    loop {
        if let Some(t) = started {
            let left = HEAD_DEADLINE.saturating_sub(t.elapsed());
            if left.is_zero() {
                return ReadHead::Bad;
            }
            let _ = reader.get_ref().set_read_timeout(Some(left));
        }
        let buf = match reader.fill_buf() {
            Ok([]) => return ReadHead::Closed,
            Err(_) if started.is_some() => return ReadHead::Bad,
            Err(_) => return ReadHead::Closed,
            Ok(b) => b,
        };
        started.get_or_insert_with(std::time::Instant::now);
        let before = head.len();
        head.extend_from_slice(buf);
        let n = buf.len();
        // Look for the end of the head across the old and new bytes.
        let from = before.saturating_sub(3);
        if let Some(pos) = head[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            let end = from + pos + 4;
            reader.consume(end - before);
            head.truncate(end);
            break;
        }
        reader.consume(n);
        if head.len() > MAX_HEAD {
            return ReadHead::Bad;
        }
    }
    let Ok(text) = std::str::from_utf8(&head) else {
        return ReadHead::Bad;
    };
    let mut lines = text.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return ReadHead::Bad;
    };
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return ReadHead::Bad,
    };
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => Method::Other,
    };
    let mut h = Head {
        method,
        target: target.to_owned(),
        host: None,
        if_none_match: None,
        range: None,
        keep_alive: http11,
        content_length: 0,
    };
    for line in lines.filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return ReadHead::Bad;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("host") {
            if h.host.is_some() {
                // RFC 9112 §3.2: more than one Host is a bad request.
                return ReadHead::Bad;
            }
            h.host = Some(value.to_owned());
        } else if name.eq_ignore_ascii_case("if-none-match") {
            h.if_none_match = Some(value.to_owned());
        } else if name.eq_ignore_ascii_case("range") {
            h.range = Some(value.to_owned());
        } else if name.eq_ignore_ascii_case("connection") {
            let v = value.to_ascii_lowercase();
            if v.contains("close") {
                h.keep_alive = false;
            } else if v.contains("keep-alive") {
                h.keep_alive = true;
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            match value.parse() {
                Ok(n) => h.content_length = n,
                Err(_) => return ReadHead::Bad,
            }
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // No request of ours has a body; refuse rather than mis-frame.
            return ReadHead::Bad;
        }
    }
    ReadHead::Head(h)
}

fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        206 => "Partial Content",
        304 => "Not Modified",
        416 => "Range Not Satisfiable",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// Writes `reply` (its body unless `head_only`); false when the connection failed.
fn write_reply(stream: &mut TcpStream, reply: Reply, head_only: bool, keep_alive: bool) -> bool {
    let (len, body): (u64, Option<Box<dyn Read>>) = match reply.body {
        Body::Empty | Body::Events => (0, None),
        Body::Bytes(b) => (b.len() as u64, Some(Box::new(std::io::Cursor::new(b)))),
        Body::Static(b) => (b.len() as u64, Some(Box::new(b))),
        Body::Disk(path, start, len) => match crate::sitefs::open(&path)
            .and_then(|mut f| f.seek(std::io::SeekFrom::Start(start)).map(|_| f))
        {
            Ok(f) => (len, Some(Box::new(f.take(len)))),
            Err(_) => {
                let r = Reply::text(404, "404 Not Found\n");
                return write_reply(stream, r, head_only, keep_alive);
            }
        },
    };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nServer: anxuan\r\nContent-Length: {len}\r\n",
        reply.status,
        status_text(reply.status)
    );
    for (name, value) in &reply.headers {
        if !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut out = BufWriter::with_capacity(64 * 1024, &mut *stream);
    if out.write_all(head.as_bytes()).is_err() {
        return false;
    }
    if let (Some(mut body), false) = (body, head_only) {
        // Streamed: a large file is never loaded whole.
        if std::io::copy(&mut body, &mut out).is_err() {
            return false;
        }
    }
    out.flush().is_ok()
}

/// Serves one connection: requests one after another (keep-alive), until
/// the client closes, goes idle, or asks for the event stream.
fn connection(stream: TcpStream, server: &Server) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    for _ in 0..MAX_REQUESTS {
        let head = match read_head(&mut reader) {
            ReadHead::Head(h) => h,
            ReadHead::Closed => return,
            ReadHead::Bad => {
                write_reply(
                    &mut stream,
                    Reply::text(400, "400 Bad Request\n"),
                    false,
                    false,
                );
                return;
            }
        };
        // The Host rule comes first: nothing else is looked at for a name
        // that is not ours (DNS rebinding).
        let refusal = match host::allowed(head.host.as_deref(), &server.host) {
            Verdict::Allow => None,
            Verdict::Bad => Some(Reply::text(400, host::BAD)),
            Verdict::Refused => Some(Reply::text(421, host::REFUSED)),
        };
        if let Some(reply) = refusal {
            write_reply(&mut stream, reply, head.method == Method::Head, false);
            return;
        }
        // Skip a body nobody asked for (bounded).
        if head.content_length > 0 {
            if head.content_length > MAX_HEAD {
                write_reply(
                    &mut stream,
                    Reply::text(400, "400 Bad Request\n"),
                    false,
                    false,
                );
                return;
            }
            let mut sink = vec![0; head.content_length];
            if reader.read_exact(&mut sink).is_err() {
                return;
            }
        }
        let snap = server.snapshot();
        let reply = respond(
            &snap,
            &Req {
                method: head.method,
                url: &head.target,
                if_none_match: head.if_none_match.as_deref(),
                range: head.range.as_deref(),
            },
        );
        drop(snap);
        if reply.body == Body::Events && head.method == Method::Get {
            // Hand the socket to the hub; no more requests on it.
            let _ = stream.set_read_timeout(None);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
            if let Err(mut stream) = server.hub.subscribe(stream) {
                // Too many streams held: the browser retries later.
                let reply = Reply::text(
                    503,
                    "503 Service Unavailable: too many live-reload streams\n",
                )
                .header("Retry-After", "5");
                write_reply(&mut stream, reply, false, false);
            }
            return;
        }
        let keep = head.keep_alive && reply.status < 400;
        if !write_reply(&mut stream, reply, head.method == Method::Head, keep) || !keep {
            return;
        }
    }
}

/// An event stream's socket: its peer is gone once a read would return
/// end of file (or fails) without waiting.
impl livereload::Client for TcpStream {
    fn gone(&mut self) -> bool {
        if self.set_nonblocking(true).is_err() {
            return true;
        }
        let mut byte = [0u8; 1];
        let peeked = self.peek(&mut byte);
        let restored = self.set_nonblocking(false).is_ok();
        match peeked {
            Ok(0) => true,
            Ok(_) => !restored,
            Err(e) => e.kind() != std::io::ErrorKind::WouldBlock || !restored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap() -> Snapshot {
        let mut files = Files::new();
        files.insert("index.html".into(), b"<!DOCTYPE html>home".to_vec());
        files.insert("404.html".into(), b"<!DOCTYPE html>missing".to_vec());
        files.insert("tags/消防安全/index.html".into(), b"<p>tag</p>".to_vec());
        files.insert("css/site.css".into(), b"body{}".to_vec());
        files.insert("feed.ics".into(), b"BEGIN:VCALENDAR".to_vec());
        Snapshot {
            files: Arc::new(RwLock::new(files)),
            base_path: "/".into(),
            version: 1,
            ..Snapshot::default()
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
            },
        )
    }

    #[test]
    fn decode_path_accepts_plain_and_encoded_chinese_paths() {
        assert_eq!(decode_path("/").unwrap(), "");
        assert_eq!(decode_path("/a/b/?q=1").unwrap(), "a/b/");
        assert_eq!(
            decode_path("/tags/%E6%B6%88%E9%98%B2/").unwrap(),
            "tags/消防/"
        );
        assert_eq!(decode_path("/tags/消防/").unwrap(), "tags/消防/");
    }

    #[test]
    fn decode_path_refuses_traversal_and_oddities() {
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/a%2fb",
            "/a%2F..%2Fb",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00b",
            "/a\0b",
            "/./x",
            "//etc/passwd",
            "etc/passwd",
            "http://example.com/etc/passwd",
            "/C:%5cwindows",
            "/%zz",
            "/%e6%b6",
        ] {
            assert!(decode_path(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("/{}", "a".repeat(MAX_URL));
        assert_eq!(decode_path(&long), Err(BadPath::TooLong));
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
        assert_eq!(r.body, Body::Bytes(b"<!DOCTYPE html>missing".to_vec()));
        assert_eq!(get(&s, "/%2e%2e/Cargo.toml").status, 400);
    }

    #[test]
    fn respond_answers_one_byte_range() {
        let s = snap();
        let ranged = |range: &str| {
            respond(
                &s,
                &Req {
                    method: Method::Get,
                    url: "/css/site.css",
                    if_none_match: None,
                    range: Some(range),
                },
            )
        };
        let r = ranged("bytes=1-3");
        assert_eq!(r.status, 206);
        assert_eq!(r.body, Body::Bytes(b"ody".to_vec()));
        assert_eq!(r.get("Content-Range"), Some("bytes 1-3/6"));
        assert_eq!(ranged("bytes=4-").body, Body::Bytes(b"{}".to_vec()));
        assert_eq!(ranged("bytes=-2").body, Body::Bytes(b"{}".to_vec()));
        // The end is clamped to the file; a start past the end is 416.
        assert_eq!(ranged("bytes=2-99").body, Body::Bytes(b"dy{}".to_vec()));
        let r = ranged("bytes=6-7");
        assert_eq!(r.status, 416);
        assert_eq!(r.get("Content-Range"), Some("bytes */6"));
        // Several ranges or nonsense: the whole file.
        for whole in ["bytes=0-1,3-4", "bytes=3-1", "items=0-1", "bytes=x-"] {
            let r = ranged(whole);
            assert_eq!(r.status, 200, "{whole}");
            assert_eq!(r.body, Body::Bytes(b"body{}".to_vec()));
        }
        assert_eq!(get(&s, "/css/site.css").get("Accept-Ranges"), Some("bytes"));
    }

    #[test]
    fn respond_honours_if_none_match() {
        let s = snap();
        let r = get(&s, "/css/site.css");
        assert_eq!(r.get("Content-Type"), Some("text/css; charset=utf-8"));
        let etag = r.get("ETag").unwrap().to_owned();
        let r = respond(
            &s,
            &Req {
                method: Method::Get,
                url: "/css/site.css",
                if_none_match: Some(&etag),
                range: None,
            },
        );
        assert_eq!(r.status, 304);
        assert_eq!(r.body, Body::Empty);
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
        assert_eq!(get(&s, "/aq/__anxuan/events").body, Body::Events);
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime("a/feed.ics"), "text/calendar; charset=utf-8");
        assert_eq!(mime("x.WOFF2"), "font/woff2");
        assert_eq!(mime("x.webp"), "image/webp");
        assert_eq!(mime("x"), "application/octet-stream");
    }
}
