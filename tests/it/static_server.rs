//! A tiny static HTTP server on 127.0.0.1 for tests, serving a folder
//! under a URL prefix the way common hosts do (`dir/` → `dir/index.html`,
//! `dir` → 301 to `dir/`), plus an independent crawler that resolves URLs
//! per RFC 3986 and fetches them over HTTP. Nothing here uses anxuan's own
//! link resolution, so the crawl tests the output, not the checker.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use scraper::{Html, Selector};

pub struct Server {
    pub origin: String,
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "xml" => "application/xml",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// Serves `root` under `prefix` (e.g. `/anquan/`) until the test ends,
/// ignoring Range requests (as `python3 -m http.server` and some proxies
/// do). `extra` answers chosen paths with a fixed status (for link
/// checking).
pub fn serve(root: PathBuf, prefix: &str, extra: BTreeMap<String, u16>) -> Server {
    serve_with(root, prefix, extra, false)
}

/// [`serve`], answering a single byte range of a `Range` request with 206
/// when `ranges` is set (as nginx, Apache, Caddy and object stores do).
pub fn serve_with(
    root: PathBuf,
    prefix: &str,
    extra: BTreeMap<String, u16>,
    ranges: bool,
) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let prefix = prefix.to_owned();
    let extra = std::sync::Arc::new(extra);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (root, prefix, extra) = (root.clone(), prefix.clone(), extra.clone());
            // One thread per connection: a browser's idle preconnection
            // never holds up the page's requests.
            std::thread::spawn(move || answer(stream, &root, &prefix, &extra, ranges));
        }
    });
    Server { origin }
}

/// Reads one request from `stream` and answers it.
fn answer(
    mut stream: std::net::TcpStream,
    root: &Path,
    prefix: &str,
    extra: &BTreeMap<String, u16>,
    ranges: bool,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut range = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((name, value)) = h.split_once(':')
            && name.eq_ignore_ascii_case("range")
        {
            range = byte_range(value.trim());
        }
    }
    let mut parts = request.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("/").to_owned();
    let path = target.split(['?', '#']).next().unwrap_or("/").to_owned();
    let (status, headers, body): (u16, Vec<String>, Vec<u8>) = if let Some(&s) = extra.get(&path) {
        (s, vec![], vec![])
    } else if let Some(rest) = path.strip_prefix(prefix) {
        let rel = percent_decode(rest);
        let file = root.join(&rel);
        if rel.split('/').any(|s| s == "..") {
            (404, vec![], vec![])
        } else if file.is_dir() && !(rest.is_empty() || rest.ends_with('/')) {
            (301, vec![format!("Location: {path}/")], vec![])
        } else {
            let f = if file.is_dir() {
                file.join("index.html")
            } else {
                file
            };
            match std::fs::read(&f) {
                Ok(b) => {
                    let ty = format!("Content-Type: {}", content_type(&f));
                    match range.filter(|_| ranges) {
                        Some((start, end)) if start < b.len() => {
                            let end = end.min(b.len() - 1);
                            let cr = format!("Content-Range: bytes {start}-{end}/{}", b.len());
                            (206, vec![ty, cr], b[start..=end].to_vec())
                        }
                        _ => (200, vec![ty], b),
                    }
                }
                Err(_) => (404, vec![], b"not found".to_vec()),
            }
        }
    } else {
        (404, vec![], b"outside prefix".to_vec())
    };
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for h in headers {
        head.push_str(&h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

/// `bytes=a-b` (both given) as (a, b).
fn byte_range(v: &str) -> Option<(usize, usize)> {
    let (a, b) = v.strip_prefix("bytes=")?.split_once('-')?;
    let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a <= b).then_some((a, b))
}

/// Resolves a URL reference against a base URL (RFC 3986 §5.2, enough
/// for http URLs without userinfo).
pub fn resolve(base: &str, reference: &str) -> String {
    let reference = reference.trim();
    if let Some(colon) = reference.find(':')
        && !reference[..colon].is_empty()
        && reference[..colon]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return reference.to_owned();
    }
    let scheme_end = base.find("://").unwrap() + 3;
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |p| p + scheme_end);
    let origin = &base[..path_start];
    let base_path = base[path_start..].split(['?', '#']).next().unwrap();
    if let Some(r) = reference.strip_prefix("//") {
        return format!("{}//{r}", &base[..scheme_end - 2]);
    }
    let (path_and_query, fragment) = match reference.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (reference, None),
    };
    let merged = if path_and_query.is_empty() {
        base[path_start..].split('#').next().unwrap().to_owned()
    } else if path_and_query.starts_with('/') {
        path_and_query.to_owned()
    } else if path_and_query.starts_with('?') {
        format!("{base_path}{path_and_query}")
    } else {
        let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{path_and_query}")
    };
    let (p, q) = match merged.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (merged, None),
    };
    let mut out: Vec<&str> = Vec::new();
    let segs: Vec<&str> = p.split('/').collect();
    for (i, s) in segs.iter().enumerate() {
        let last = i == segs.len() - 1;
        match *s {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let mut url = format!("{origin}{}", out.join("/"));
    if let Some(q) = q {
        url.push('?');
        url.push_str(&q);
    }
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(f);
    }
    url
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build(),
    )
}

/// GETs a URL: (final status, body).
pub fn get(url: &str) -> (u16, Vec<u8>) {
    let mut res = agent().get(url).call().unwrap();
    let status = res.status().as_u16();
    (status, res.body_mut().read_to_vec().unwrap())
}

/// What a crawl found.
#[derive(Debug, Default)]
pub struct CrawlResult {
    /// (URL, page it was linked from, status).
    pub broken: Vec<(String, String, u16)>,
    pub pages: usize,
    pub checked: usize,
    /// Every internal URL seen (fragment removed).
    pub urls: BTreeSet<String>,
}

/// Fetches `start`, then every page and file linked from pages inside
/// `site` (a URL prefix); `aliases` map other prefixes (e.g. the site's
/// public https URL) onto `site`. Every internal URL must answer 200.
pub fn crawl(start: &[String], site: &str, aliases: &[(String, String)]) -> CrawlResult {
    let sel = Selector::parse("[href], [src], [srcset], form[action], [data-index]").unwrap();
    let map = |u: String| -> String {
        for (from, to) in aliases {
            if let Some(rest) = u.strip_prefix(from.as_str()) {
                return format!("{to}{rest}");
            }
        }
        u
    };
    let mut queue: VecDeque<(String, String)> = start
        .iter()
        .map(|s| (s.clone(), "(start)".to_owned()))
        .collect();
    let mut seen = BTreeSet::new();
    let mut result = CrawlResult::default();
    while let Some((url, from)) = queue.pop_front() {
        let url = map(url.split('#').next().unwrap().to_owned());
        if !url.starts_with(site) || !seen.insert(url.clone()) {
            continue;
        }
        result.urls.insert(url.clone());
        let (status, body) = get(&url);
        result.checked += 1;
        if status != 200 {
            result.broken.push((url, from, status));
            continue;
        }
        let path = url.split('?').next().unwrap();
        if !(path.ends_with('/') || path.ends_with(".html")) {
            continue;
        }
        result.pages += 1;
        let doc = Html::parse_document(&String::from_utf8_lossy(&body));
        for el in doc.select(&sel) {
            let v = el.value();
            let mut refs: Vec<String> = Vec::new();
            for a in ["href", "src", "action"] {
                if let Some(x) = v.attr(a) {
                    refs.push(x.to_owned());
                }
            }
            if let Some(s) = v.attr("srcset") {
                refs.extend(
                    s.split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(String::from),
                );
            }
            if let Some(ix) = v.attr("data-index") {
                // The search script fetches manifest.json from this folder.
                refs.push(format!("{ix}manifest.json"));
            }
            for r in refs {
                let abs = resolve(&url, &r);
                if abs.starts_with("http") {
                    queue.push_back((abs, url.clone()));
                }
            }
        }
    }
    result
}

#[test]
fn resolve_follows_rfc3986_examples() {
    let b = "http://a/b/c/d;p?q";
    for (r, want) in [
        ("g", "http://a/b/c/g"),
        ("./g", "http://a/b/c/g"),
        ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"),
        ("?y", "http://a/b/c/d;p?y"),
        ("#s", "http://a/b/c/d;p?q#s"),
        (".", "http://a/b/c/"),
        ("..", "http://a/b/"),
        ("../g", "http://a/b/g"),
        ("../..", "http://a/"),
        ("../../g", "http://a/g"),
        ("https://x/y", "https://x/y"),
    ] {
        assert_eq!(resolve(b, r), want, "{r}");
    }
}
