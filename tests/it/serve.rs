//! `anxuan serve`: the binary on an ephemeral port, fetched over raw TCP,
//! with edits synchronised on the event stream (never on sleeps); the
//! incremental cache compared with fresh builds; one end-to-end test in
//! headless Chromium.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use anxuan::pipeline::{self, BuildOptions};
use anxuan::serve::{self, Outcome};

use crate::support::{NOW, TestSite, article, chromium, copy_dir, copy_fixture, fixture, opts};

const TIMEOUT: Duration = Duration::from_secs(20);

/// A running `anxuan serve`, killed on drop.
struct Served {
    child: Child,
    port: u16,
    lines: Receiver<String>,
    /// Every stderr line seen so far.
    log: Vec<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(root: &Path, extra: &[&str]) -> Served {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_anxuan"));
    cmd.args(["-v", "serve", "--port", "0", "--now", NOW])
        .args(extra);
    serve_with(cmd, root)
}

/// Starts `cmd` (an `anxuan -v serve …` command line, perhaps wrapped)
/// in `root` and waits until it serves.
fn serve_with(mut cmd: Command, root: &Path) -> Served {
    let mut child = cmd
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut s = Served {
        child,
        port: 0,
        lines: rx,
        log: Vec::new(),
    };
    let line = s.wait_line(|l| l.contains("Serving http://127.0.0.1:"));
    let rest = line.split("http://127.0.0.1:").nth(1).unwrap();
    s.port = rest
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    s
}

impl Served {
    /// Waits for a stderr line matching `pred`.
    fn wait_line(&mut self, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.log.push(l.clone());
                    if pred(&l) {
                        return l;
                    }
                }
                Err(_) => panic!("timed out; stderr so far:\n{}", self.log.join("\n")),
            }
        }
    }

    fn get(&self, target: &str) -> Resp {
        request(self.port, "GET", target.as_bytes(), &[])
    }

    /// The site stylesheet's URL as the home page links it (the name
    /// carries a content hash).
    fn css_url(&self) -> String {
        let home = String::from_utf8(self.get("/").body).unwrap();
        let at = home
            .find("/css/site.")
            .expect("home page links the stylesheet");
        let end = at + home[at..].find('"').unwrap();
        home[at..end].to_owned()
    }

    fn events(&self) -> Events {
        Events::open(self.port, "/__anxuan/events")
    }
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request over a fresh connection; the target is sent as is.
fn request(port: u16, method: &str, target: &[u8], headers: &[(&str, &str)]) -> Resp {
    let mut req = Vec::new();
    req.extend_from_slice(method.as_bytes());
    req.push(b' ');
    req.extend_from_slice(target);
    req.extend_from_slice(b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (n, v) in headers {
        req.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    request_raw(port, &req)
}

/// Sends `req` (a whole request head, as is) over a fresh connection and
/// reads the answer until the server closes.
fn request_raw(port: u16, req: &[u8]) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.write_all(req).unwrap();
    let mut raw = Vec::new();
    let read = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "no response head ({read:?}): {:?}",
                String::from_utf8_lossy(&raw)
            )
        });
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Resp {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// The opening handshake of the live-reload WebSocket, as raw bytes (for
/// tests that count connections without a WebSocket library).
const WS_OPEN: &[u8] = b"GET /__anxuan/events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

/// A live-reload client (tungstenite): (event name, data) pairs on a
/// channel, in the order the server sent them.
struct Events {
    rx: Receiver<(String, String)>,
}

impl Events {
    fn open(port: u16, path: &str) -> Events {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let url = format!("ws://127.0.0.1:{port}{path}");
        let (mut ws, res) = tungstenite::client(url.as_str(), stream).unwrap();
        assert_eq!(res.status().as_u16(), 101);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            while let Ok(msg) = ws.read() {
                let tungstenite::Message::Text(text) = msg else {
                    continue;
                };
                let m: serde_json::Value = serde_json::from_str(&text).unwrap();
                let name = m["event"].as_str().unwrap_or("").to_owned();
                if tx.send((name, m["data"].to_string())).is_err() {
                    break;
                }
            }
        });
        Events { rx }
    }

    /// Waits for the next event named `name`, skipping others.
    fn wait(&self, name: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((n, d)) if n == name => return d,
                Ok(_) => {}
                Err(_) => panic!("no `{name}` event within {TIMEOUT:?}"),
            }
        }
    }
}

fn news_path(root: &Path) -> PathBuf {
    root.join("content/articles/news.md")
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn serve_edit_sends_reload_and_serves_new_content() {
    let site = copy_fixture("minimal");
    let mut s = serve(site.root(), &[]);
    let page = s.get("/articles/news/");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("会议传达了上级"));
    assert!(
        html.contains(r#"<script src="/__anxuan/livereload.js" defer></script></head>"#),
        "serve pages link the live-reload script"
    );
    let ev = s.events();
    ev.wait("hello");
    replace_in(
        &news_path(site.root()),
        "会议传达了上级",
        "会议学习贯彻了上级",
    );
    let data = ev.wait("reload");
    assert!(data.contains("\"css_only\":false"), "{data}");
    let html = s.get("/articles/news/").text();
    assert!(html.contains("会议学习贯彻了上级"));
    let line = s.wait_line(|l| l.contains("Rebuilt in"));
    assert!(line.contains("changed"), "{line}");
}

#[test]
fn serve_broken_edit_shows_overlay_and_keeps_last_good_page() {
    let site = copy_fixture("minimal");
    let mut s = serve(site.root(), &[]);
    let ev = s.events();
    ev.wait("hello");
    let news = news_path(site.root());
    replace_in(&news, "date: 2026-06-16 09:30", "date: 2026-13-01");
    let data = ev.wait("errors");
    assert!(
        data.contains("\"location\":\"content/articles/news.md:3:7\""),
        "{data}"
    );
    assert!(data.contains("invalid date"), "{data}");
    s.wait_line(|l| l.contains("rebuild failed"));
    let page = s.get("/articles/news/");
    assert_eq!(page.status, 200, "the last good build is still served");
    assert!(page.text().contains("会议传达了上级"));
    // A browser that connects now is told about the errors at once.
    let late = s.events();
    let hello = late.wait("hello");
    assert!(hello.contains("content/articles/news.md:3:7"), "{hello}");
    // Fixing the file clears the overlay by itself (nothing else changed).
    replace_in(&news, "date: 2026-13-01", "date: 2026-06-16 09:30");
    ev.wait("clear");
    // A fix that changes the page reloads it.
    replace_in(&news, "date: 2026-06-16 09:30", "date: 2026-13-01");
    ev.wait("errors");
    replace_in(&news, "date: 2026-13-01", "date: 2026-06-17 09:30");
    ev.wait("reload");
    assert!(s.get("/articles/news/").text().contains("2026年6月17日"));
}

#[test]
fn serve_refuses_to_read_outside_the_site() {
    let site = copy_fixture("minimal");
    std::fs::write(site.root().join("secret.txt"), "TOP-SECRET").unwrap();
    let s = serve(site.root(), &[]);
    let long = format!("/{}", "a/".repeat(3000));
    let attempts: Vec<&[u8]> = vec![
        b"/../secret.txt",
        b"/../../../../etc/passwd",
        b"/%2e%2e/secret.txt",
        b"/%2E%2E/%2e%2e/etc/passwd",
        b"/articles/%2e%2e/%2e%2e/secret.txt",
        b"/..%2fsecret.txt",
        b"/articles%2f..%2f..%2fsecret.txt",
        b"/..\\secret.txt",
        b"/%5c..%5csecret.txt",
        b"/secret.txt%00.html",
        b"/etc/passwd",
        b"//etc/passwd",
        b"http://127.0.0.1/../secret.txt",
        b"/site.yaml",
        b"/content/articles/news.md",
        b"/secret.txt",
        long.as_bytes(),
    ];
    for target in attempts {
        let r = request(s.port, "GET", target, &[]);
        assert!(
            r.status == 400 || r.status == 404,
            "{} → {}",
            String::from_utf8_lossy(target),
            r.status
        );
        let body = r.text();
        assert!(!body.contains("TOP-SECRET"));
        assert!(!body.contains("root:"));
        assert!(!body.contains("base_url"));
    }
}

/// `anxuan serve` reads no file the build would not publish: a folder
/// linked from outside is not served, nor a file swapped for such a link.
#[cfg(unix)]
#[test]
fn serve_never_serves_a_file_through_a_link_leading_outside() {
    use std::os::unix::fs::symlink;
    let site = copy_fixture("minimal");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "TOP-SECRET").unwrap();
    symlink(outside.path(), site.root().join("static")).unwrap();
    let notice = site.root().join("content/articles/files/notice.txt");
    std::fs::create_dir_all(notice.parent().unwrap()).unwrap();
    std::fs::write(&notice, "公开的通知").unwrap();
    let mut s = serve(site.root(), &[]);
    assert_eq!(request(s.port, "GET", b"/secret.txt", &[]).status, 404);
    assert_eq!(s.get("/articles/files/notice.txt").text(), "公开的通知");
    // Swapped in one step (a rename, as editors save), so the one rebuild
    // that follows sees the link.
    let swap = notice.with_file_name(".notice.txt.swp");
    symlink(outside.path().join("secret.txt"), &swap).unwrap();
    std::fs::rename(&swap, &notice).unwrap();
    s.wait_line(|l| l.contains("notice.txt: warning: symbolic link to"));
    s.wait_line(|l| l.contains("Rebuilt in"));
    let r = request(s.port, "GET", b"/articles/files/notice.txt", &[]);
    assert_eq!(r.status, 404);
    assert!(!r.text().contains("TOP-SECRET"));
}

/// A save that brings a warning shows it once, in the console; later
/// saves do not repeat it.
#[test]
fn serve_rebuild_shows_new_warnings_once() {
    let site = copy_fixture("minimal");
    let mut s = serve(site.root(), &[]);
    let news = news_path(site.root());
    replace_in(
        &news,
        "会议传达了上级",
        "会议传达了上级[说明](missing.html)",
    );
    let warning = s.wait_line(|l| l.contains("news.md") && l.contains("warning:"));
    assert!(warning.contains("missing.html"), "{warning}");
    s.wait_line(|l| l.contains("Rebuilt in"));
    let seen = s.log.len();
    replace_in(&news, "会议传达了上级", "会议学习了上级");
    s.wait_line(|l| l.contains("Rebuilt in"));
    let again: Vec<&String> = s.log[seen..]
        .iter()
        .filter(|l| l.contains("warning:"))
        .collect();
    assert!(again.is_empty(), "repeated: {again:?}");
}

#[test]
fn serve_answers_like_a_static_host() {
    let site = copy_fixture("minimal");
    let root = site.root();
    for (name, bytes) in [
        ("static/files/a.pdf", &b"%PDF-1.4"[..]),
        ("static/img/a.png", b"\x89PNG"),
        ("static/img/a.jpg", b"\xff\xd8"),
        ("static/img/a.webp", b"RIFF"),
        ("static/img/a.gif", b"GIF89a"),
        ("static/img/a.svg", b"<svg/>"),
        ("static/favicon.ico", b"\0\0\x01\0"),
        ("static/fonts/a.woff2", b"wOF2"),
        ("static/a.json", b"{}"),
        ("static/a.xml", b"<x/>"),
        ("static/cal/a.ics", b"BEGIN:VCALENDAR"),
        ("static/robots.txt", b"User-agent: *"),
        ("static/js/a.js", b"1"),
    ] {
        let p = root.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let s = serve(root, &[]);
    let css = s.css_url();
    for (url, ty) in [
        ("/", "text/html; charset=utf-8"),
        (css.as_str(), "text/css; charset=utf-8"),
        ("/files/a.pdf", "application/pdf"),
        ("/img/a.png", "image/png"),
        ("/img/a.jpg", "image/jpeg"),
        ("/img/a.webp", "image/webp"),
        ("/img/a.gif", "image/gif"),
        ("/img/a.svg", "image/svg+xml"),
        ("/favicon.ico", "image/x-icon"),
        ("/fonts/a.woff2", "font/woff2"),
        ("/a.json", "application/json"),
        ("/a.xml", "application/xml; charset=utf-8"),
        ("/cal/a.ics", "text/calendar; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/js/a.js", "text/javascript; charset=utf-8"),
        ("/__anxuan/livereload.js", "text/javascript; charset=utf-8"),
    ] {
        let r = s.get(url);
        assert_eq!(r.status, 200, "{url}");
        assert_eq!(r.header("Content-Type"), Some(ty), "{url}");
        assert_eq!(r.header("Cache-Control"), Some("no-cache"), "{url}");
    }
    assert_eq!(s.get("/files/a.pdf").body, b"%PDF-1.4");

    // HEAD: the headers of GET, no body.
    let get = s.get("/articles/news/");
    let head = request(s.port, "HEAD", b"/articles/news/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("Content-Length"),
        Some(get.body.len().to_string().as_str())
    );

    // ETag and If-None-Match, for rendered and for disk files.
    for url in ["/articles/news/", "/img/a.png"] {
        let r = s.get(url);
        let etag = r.header("ETag").unwrap().to_owned();
        let again = request(s.port, "GET", url.as_bytes(), &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{url}");
        assert!(again.body.is_empty());
        let other = request(
            s.port,
            "GET",
            url.as_bytes(),
            &[("If-None-Match", "\"nope\"")],
        );
        assert_eq!(other.status, 200, "{url}");
    }

    // A folder without its slash is redirected.
    let r = s.get("/articles?x=1");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/articles/?x=1"));

    // Percent-encoded Chinese paths.
    let r = s.get("/tags/%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7%E6%9C%88/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("安全生产月"));
    let r = s.get("/tags/%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7%E6%9C%88");
    assert_eq!(r.status, 301);

    // The site's 404 page, with status 404.
    let r = s.get("/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("页面未找到"));

    // Other methods are refused.
    assert_eq!(request(s.port, "POST", b"/", &[]).status, 405);
}

/// Reads one response off `c` (a kept-alive connection): the status, the
/// head's lines, and as many body bytes as `Content-Length` says.
fn read_one(c: &mut BufReader<TcpStream>) -> (u16, Vec<String>, Vec<u8>) {
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        assert!(c.read_line(&mut line).unwrap() > 0, "closed mid-answer");
        if line == "\r\n" {
            break;
        }
        head.push(line.trim_end().to_owned());
    }
    let status = head[0].split(' ').nth(1).unwrap().parse().unwrap();
    let len = head
        .iter()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0; len];
    c.read_exact(&mut body).unwrap();
    (status, head, body)
}

#[test]
fn serve_speaks_http_as_rfc_9110_says() {
    let site = copy_fixture("minimal");
    // An attachment larger than the pieces it is streamed in.
    let video: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    site.write_bytes("static/files/drill.mp4", &video);
    let s = serve(site.root(), &[]);
    let r = s.get("/files/drill.mp4");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Length"), Some("3000000"));
    assert!(r.body == video, "the streamed file differs");
    let part = request(
        s.port,
        "GET",
        b"/files/drill.mp4",
        &[("Range", "bytes=1000000-1999999")],
    );
    assert_eq!(part.status, 206);
    assert!(
        part.body == video[1_000_000..2_000_000],
        "the streamed range differs"
    );
    // 304 carries the ETag and no Content-Length (RFC 9110 §8.6, §15.4.5).
    let r = s.get("/articles/news/");
    let etag = r.header("ETag").unwrap().to_owned();
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    let again = request(
        s.port,
        "GET",
        b"/articles/news/",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(again.status, 304);
    assert_eq!(again.header("ETag"), Some(etag.as_str()));
    assert_eq!(again.header("Content-Length"), None, "{:?}", again.headers);
    // Range, with If-Range naming this version or another.
    let range = [("Range", "bytes=0-14"), ("If-Range", etag.as_str())];
    let part = request(s.port, "GET", b"/articles/news/", &range);
    assert_eq!(part.status, 206);
    assert_eq!(part.body, r.body[..15]);
    let stale = [("Range", "bytes=0-14"), ("If-Range", "\"0-0\"")];
    let whole = request(s.port, "GET", b"/articles/news/", &stale);
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body, r.body);
    // HEAD: GET's length, no body.
    let head = request(s.port, "HEAD", b"/articles/news/", &[]);
    assert_eq!(
        head.header("Content-Length"),
        Some(r.body.len().to_string().as_str())
    );
    assert!(head.body.is_empty());
    // A cookie byte that is not UTF-8 (cookies are shared by every port
    // of 127.0.0.1) does not spoil the request.
    let cookie = b"GET /articles/news/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: a=\xff\xfe\r\nConnection: close\r\n\r\n";
    assert_eq!(request_raw(s.port, cookie).status, 200);
    // Malformed framing is refused, not guessed at.
    for bad in [
        &b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length : 0\r\nConnection: close\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nContent-Length: 5\r\nConnection: close\r\n\r\n",
    ] {
        assert_eq!(request_raw(s.port, bad).status, 400, "{}", String::from_utf8_lossy(bad));
    }
    // Bare LF line ends are read (RFC 9112 §2.2 allows it).
    let lf = b"GET /articles/news/ HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n";
    assert_eq!(request_raw(s.port, lf).status, 200);
    // A 404 keeps the connection: the next request on it is answered.
    let c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut w = c.try_clone().unwrap();
    let mut c = BufReader::new(c);
    w.write_all(b"GET /no/such/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let (status, head, _) = read_one(&mut c);
    assert_eq!(status, 404);
    assert!(
        !head
            .iter()
            .any(|l| l.eq_ignore_ascii_case("connection: close")),
        "{head:?}"
    );
    w.write_all(b"GET /articles/news/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let (status, _, body) = read_one(&mut c);
    assert_eq!((status, body), (200, r.body));
}

#[test]
fn serve_answers_many_parallel_requests() {
    let site = copy_fixture("minimal");
    let s = serve(site.root(), &[]);
    // Keep a few event streams open: they must not hold the workers.
    let _streams: Vec<Events> = (0..10).map(|_| s.events()).collect();
    let port = s.port;
    let css = s.css_url();
    let threads: Vec<_> = (0..48)
        .map(|i| {
            let css = css.clone();
            std::thread::spawn(move || {
                let url = if i % 2 == 0 { "/" } else { css.as_str() };
                request(port, "GET", url.as_bytes(), &[]).status
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
}

#[test]
fn serve_ignores_temp_files_and_follows_editor_save_patterns() {
    let site = copy_fixture("minimal");
    let root = site.root();
    let mut s = serve(root, &[]);
    let ev = s.events();
    ev.wait("hello");
    let dir = root.join("content/articles");
    let news = news_path(root);
    // vim: swap file, backup file, the 4913 probe; then the write.
    std::fs::write(dir.join(".news.md.swp"), "swap").unwrap();
    std::fs::write(dir.join("4913"), "").unwrap();
    std::fs::write(dir.join("news.md~"), "backup").unwrap();
    std::fs::write(dir.join("~$通知.docx"), "wps lock").unwrap();
    // The output folder of `anxuan build` is not watched (no rebuild loops).
    std::fs::create_dir_all(root.join("public/articles")).unwrap();
    std::fs::write(root.join("public/articles/index.html"), "old build").unwrap();
    replace_in(&news, "会议传达了上级", "第一次保存");
    ev.wait("reload");
    assert!(s.get("/articles/news/").text().contains("第一次保存"));
    // Atomic save: write a temporary file, rename it over the original.
    let text = std::fs::read_to_string(&news)
        .unwrap()
        .replace("第一次保存", "原子保存");
    std::fs::write(dir.join("news.md.tmp.4242"), text).unwrap();
    std::fs::rename(dir.join("news.md.tmp.4242"), &news).unwrap();
    ev.wait("reload");
    assert!(s.get("/articles/news/").text().contains("原子保存"));
    // Deleted, then recreated.
    let text = std::fs::read_to_string(&news)
        .unwrap()
        .replace("原子保存", "删除后重建");
    std::fs::remove_file(&news).unwrap();
    std::fs::write(&news, text).unwrap();
    ev.wait("reload");
    // A burst that deletes and recreates may reach the server as two
    // rebuilds; wait until the page shows the new text.
    let deadline = Instant::now() + TIMEOUT;
    while !s.get("/articles/news/").text().contains("删除后重建") {
        ev.wait("reload");
        assert!(Instant::now() < deadline);
    }
    // At least three rebuilds reloaded the page: read their console lines.
    for _ in 0..3 {
        s.wait_line(|l| l.contains("Rebuilt in"));
    }
    let changed: Vec<&String> = s
        .log
        .iter()
        .filter(|l| l.trim_start().starts_with("Changed"))
        .collect();
    // Three saves, each seen (else the loop below would check nothing).
    assert!(changed.len() >= 3, "{}", s.log.join("\n"));
    assert!(changed.iter().all(|l| l.contains("news.md")), "{changed:?}");
    for l in changed {
        for tmp in [".swp", "4913", "news.md~", "~$", ".tmp", "public/"] {
            assert!(!l.contains(tmp), "temp file triggered a rebuild: {l}");
        }
    }
}

#[test]
fn serve_new_file_and_config_change_take_effect() {
    let site = copy_fixture("minimal");
    let root = site.root();
    let s = serve(root, &[]);
    let ev = s.events();
    ev.wait("hello");
    std::fs::write(
        root.join("content/articles/new.md"),
        article("", "新增的文章正文。"),
    )
    .unwrap();
    ev.wait("reload");
    assert!(s.get("/articles/new/").text().contains("新增的文章正文"));
    replace_in(
        &root.join("site.yaml"),
        "title: 最小站点",
        "title: 改名站点",
    );
    ev.wait("reload");
    assert!(s.get("/").text().contains("改名站点"));
    std::fs::remove_file(root.join("content/articles/new.md")).unwrap();
    ev.wait("reload");
    assert_eq!(s.get("/articles/new/").status, 404);
}

#[test]
fn serve_poll_mode_sees_edits_and_renames() {
    let site = copy_fixture("minimal");
    let root = site.root();
    let s = serve(root, &["--poll"]);
    let ev = s.events();
    ev.wait("hello");
    replace_in(&news_path(root), "会议传达了上级", "轮询模式下的修改");
    ev.wait("reload");
    assert!(s.get("/articles/news/").text().contains("轮询模式下的修改"));
    let about = root.join("content/pages/about.md");
    std::fs::rename(&about, root.join("content/pages/about-us.md")).unwrap();
    ev.wait("reload");
    assert_eq!(s.get("/about/").status, 404);
    assert_eq!(s.get("/about-us/").status, 200);
}

#[test]
fn serve_css_only_change_is_announced_as_such() {
    let site = copy_fixture("minimal");
    let root = site.root();
    let css = root.join("themes/default/static/css/site.css");
    std::fs::create_dir_all(css.parent().unwrap()).unwrap();
    std::fs::copy(
        crate::support::repo_root().join("themes/default/static/css/site.css"),
        &css,
    )
    .unwrap();
    let s = serve(root, &[]);
    let ev = s.events();
    ev.wait("hello");
    std::fs::write(&css, "body { color: red; }\n").unwrap();
    let data = ev.wait("reload");
    assert!(data.contains("\"css_only\":true"), "{data}");
    assert_eq!(s.get(&s.css_url()).body, b"body { color: red; }\n");
}

#[test]
fn serve_busy_port_names_the_port_and_the_option() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let site = copy_fixture("minimal");
    let out = crate::support::anxuan(site.root(), &["serve", "--port", &port]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("port {port}")), "{err}");
    assert!(err.contains("--port"), "{err}");
}

#[test]
fn serve_on_all_interfaces_warns() {
    let site = copy_fixture("minimal");
    let s = serve(site.root(), &["--bind", "0.0.0.0"]);
    assert!(
        s.log.iter().any(|l| l.contains("warning:")),
        "{}",
        s.log.join("\n")
    );
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn build_output_never_links_the_live_reload_script() {
    let site = copy_fixture("minimal");
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let o = crate::support::anxuan(
        site.root(),
        &["build", "--now", NOW, "--out", target.to_str().unwrap()],
    );
    assert!(o.status.success());
    for (path, bytes) in crate::support::snapshot_dir(&target) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("__anxuan"), "{path} links the script");
        assert!(!text.contains("livereload"), "{path} links the script");
    }
}

/// `a/消防/b.html` → `/a/%E6%B6%88%E9%98%B2/b.html`
fn url_of(path: &str) -> String {
    let mut url = String::new();
    for seg in path.split('/') {
        url.push('/');
        for b in seg.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                url.push(b as char);
            } else {
                url.push_str(&format!("%{b:02X}"));
            }
        }
    }
    url
}

#[test]
fn served_site_after_edits_equals_anxuan_build_of_the_same_tree() {
    let site = copy_fixture("minimal");
    let root = site.root();
    let s = serve(root, &[]);
    let ev = s.events();
    ev.wait("hello");
    // Edit, add, rename, delete; wait for each rebuild on the event stream.
    replace_in(&news_path(root), "会议传达了上级", "会议学习了上级");
    ev.wait("reload");
    std::fs::write(
        root.join("content/articles/added.md"),
        article("tags: [新增标签]\n", "新增文章。"),
    )
    .unwrap();
    ev.wait("reload");
    std::fs::rename(
        root.join("content/pages/about.md"),
        root.join("content/pages/about-us.md"),
    )
    .unwrap();
    ev.wait("reload");
    std::fs::remove_file(root.join("content/articles/added.md")).unwrap();
    ev.wait("reload");
    // A rename may arrive as two rebuilds: wait until the last change shows.
    let deadline = Instant::now() + TIMEOUT;
    while s.get("/articles/added/").status != 404 || s.get("/about-us/").status != 200 {
        assert!(Instant::now() < deadline, "the edits never showed");
        ev.wait("reload");
    }

    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let o = crate::support::anxuan(
        root,
        &["build", "--now", NOW, "--out", target.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    let script = r#"<script src="/__anxuan/livereload.js" defer></script>"#;
    let built = crate::support::snapshot_dir(&target);
    assert!(built.len() > 20);
    for (path, bytes) in built {
        if path == ".anxuan-output" {
            continue;
        }
        let r = s.get(&url_of(&path));
        assert_eq!(r.status, 200, "{path}");
        let served = if path.ends_with(".html") {
            let text = String::from_utf8(r.body).unwrap();
            assert!(text.contains(script), "{path} lacks the live-reload script");
            text.replacen(script, "", 1).into_bytes()
        } else {
            r.body
        };
        assert!(served == bytes, "{path} differs from anxuan build");
    }
    assert_eq!(s.get("/about/").status, 404, "the renamed page is gone");
}

// ---------------------------------------------------------------------------
// Incremental equals full.

fn serve_opts() -> BuildOptions {
    let mut o = opts();
    o.render.live_reload = true;
    o
}

/// The served files (rendered and copied) of the current snapshot.
fn served(server: &serve::Server) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, PathBuf>) {
    let snap = server.snapshot();
    (
        serve::store::read_all(&snap.files),
        snap.copies
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

fn fresh(root: &Path) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, PathBuf>) {
    let b = pipeline::build(root, &serve_opts()).unwrap();
    (
        b.files,
        b.copies.into_iter().map(|a| (a.out, a.abs)).collect(),
    )
}

fn assert_same(server: &serve::Server, root: &Path, step: &str) {
    let (files, copies) = served(server);
    let (want_files, want_copies) = fresh(root);
    let keys: Vec<&String> = files.keys().collect();
    let want_keys: Vec<&String> = want_files.keys().collect();
    assert_eq!(keys, want_keys, "{step}: the same files");
    for (k, v) in &want_files {
        assert!(
            files[k] == *v,
            "{step}: {k} differs from a fresh build:\n--- served\n{}\n--- fresh\n{}",
            String::from_utf8_lossy(&files[k]),
            String::from_utf8_lossy(v)
        );
    }
    assert_eq!(copies, want_copies, "{step}: the same copied assets");
}

/// The files a rebuild makes when nothing changed.
const ALWAYS: usize = 0;

/// Rebuilds, compares with a fresh build, and returns how many files the
/// rebuild rendered again.
fn step(server: &serve::Server, rb: &mut serve::Rebuilder, root: &Path, name: &str) -> usize {
    told(server, rb, root, name, &[])
}

/// [`step`], telling the rebuild which files changed, as the watcher does
/// (known sources only: the folders are not walked again).
fn told(
    server: &serve::Server,
    rb: &mut serve::Rebuilder,
    root: &Path,
    name: &str,
    changed: &[&str],
) -> usize {
    let changed: Vec<String> = changed.iter().map(|p| p.to_string()).collect();
    match serve::rebuild(server, rb, &changed) {
        Outcome::Built { rendered, .. } => {
            assert_same(server, root, name);
            rendered
        }
        Outcome::Failed(d) => panic!("{name}: rebuild failed: {d:?}"),
    }
}

#[test]
fn incremental_rebuilds_equal_fresh_builds() {
    let site = TestSite::new();
    let root = site.root();
    copy_dir(&fixture("minimal"), root);
    for i in 0..12 {
        site.write(
            &format!("content/articles/a{i:02}.md"),
            &format!(
                "---\ntitle: 文章{i}\ndate: 2026-0{}-1{} 10:00\ntags: [消防安全, 标签{}]\nfive_into: [社区]\n---\n\n第{i}篇正文，见[新闻](@/articles/news.md)。\n\n```rust\nfn main() {{}}\n```\n",
                1 + i % 9,
                i % 10,
                i % 3
            ),
        );
    }
    site.write_bytes("content/articles/images/a.png", b"\x89PNG");
    let (server, mut rb) = serve::state_for(root, &serve_opts());
    assert_same(&server, root, "first build");
    let total = server.snapshot().files.len();

    // Add a paragraph at the end: the summary stays, only the page changes.
    let a04 = root.join("content/articles/a04.md");
    let text = std::fs::read_to_string(&a04).unwrap();
    std::fs::write(&a04, format!("{text}\n最后补充一段。\n")).unwrap();
    // The page, its 公众号 export and the four feeds carrying it (the
    // site's and its area's, Atom and RSS).
    assert_eq!(step(&server, &mut rb, root, "paragraph added"), 6);
    // Nothing changed at all: nothing is rendered.
    assert_eq!(step(&server, &mut rb, root, "no change"), ALWAYS);
    // The watcher names the file: only it is read again.
    let text = std::fs::read_to_string(&a04).unwrap();
    std::fs::write(
        &a04,
        format!("{text}\n再补充一段，带[锚点](@/cases/fire.md#没有这个)。\n"),
    )
    .unwrap();
    let a04_rel = "content/articles/a04.md";
    assert_eq!(told(&server, &mut rb, root, "body patch", &[a04_rel]), 6);
    // The drill gets a first paragraph: its list entry changes too.
    let drill = root.join("content/drills/fire.md");
    let long = "演练前请各班主任提前检查疏散通道。".repeat(10);
    replace_in(
        &drill,
        "---\n\n## 演练流程",
        &format!("---\n\n{long}结尾甲。\n\n## 演练流程"),
    );
    let took = told(
        &server,
        &mut rb,
        root,
        "summary",
        &["content/drills/fire.md"],
    );
    assert!(ALWAYS < took && took < total / 4, "{took} of {total}");
    // Past the 160 characters lists show: a patch that renews the feeds
    // and calendars, which carry the whole paragraph.
    replace_in(&drill, "结尾甲。", "结尾乙。");
    let took = told(
        &server,
        &mut rb,
        root,
        "feed text",
        &["content/drills/fire.md"],
    );
    assert!(ALWAYS < took && took < total / 4, "{took} of {total}");
    // A body edit that breaks a link fails like a full build, keeps the
    // last good site, and its fix is exact again.
    let text = std::fs::read_to_string(&a04).unwrap();
    std::fs::write(&a04, format!("{text}\n见[不存在](@/articles/nope.md)。\n")).unwrap();
    let broken = serve::rebuild(&server, &mut rb, &[a04_rel.to_owned()]);
    assert!(matches!(broken, Outcome::Failed(_)), "{broken:?}");
    std::fs::write(&a04, text).unwrap();
    told(&server, &mut rb, root, "link fixed", &[a04_rel]);
    // A new title: the pages showing it are rendered again, not the site.
    replace_in(&a04, "title: 文章4", "title: 文章四");
    let took = told(&server, &mut rb, root, "front matter", &[a04_rel]);
    assert!(ALWAYS < took && took < total / 4, "{took} of {total}");
    // A new heading: pages may link to it.
    std::fs::write(
        &a04,
        format!("{}\n## 新小标题\n", std::fs::read_to_string(&a04).unwrap()),
    )
    .unwrap();
    told(&server, &mut rb, root, "heading", &[a04_rel]);
    // Edit the first paragraph (the summary in lists changes).
    replace_in(
        &root.join("content/articles/a03.md"),
        "第3篇正文",
        "第3篇改过的正文",
    );
    let took = told(
        &server,
        &mut rb,
        root,
        "body edit",
        &["content/articles/a03.md"],
    );
    assert!(ALWAYS < took && took < total / 4, "{took} of {total}");
    // Edit a linked-to page's headings: anchors change, pages linking stay.
    replace_in(
        &root.join("content/articles/news.md"),
        "## 二、下一步安排",
        "## 二、下一步工作安排",
    );
    told(
        &server,
        &mut rb,
        root,
        "heading edit",
        &["content/articles/news.md"],
    );
    // Edit a title (lists, neighbours, tags change).
    replace_in(
        &root.join("content/articles/a05.md"),
        "title: 文章5",
        "title: 改名文章",
    );
    // The order stays: its page, its neighbours and the lists showing it
    // are rendered again, not the whole site.
    let took = told(
        &server,
        &mut rb,
        root,
        "title edit",
        &["content/articles/a05.md"],
    );
    assert!(ALWAYS < took && took < total / 4, "{took} of {total}");
    // Change a date (order changes).
    replace_in(
        &root.join("content/articles/a07.md"),
        "date: 2026-08-17",
        "date: 2025-01-01",
    );
    told(
        &server,
        &mut rb,
        root,
        "date edit",
        &["content/articles/a07.md"],
    );
    // Add a file.
    site.write(
        "content/articles/added.md",
        &article("tags: [新标签]\n", "新增文章，链接到[第三篇](a03.md)。"),
    );
    told(
        &server,
        &mut rb,
        root,
        "add",
        &["content/articles/added.md"],
    );
    // Rename a file that others link to: the link target changes.
    std::fs::rename(
        root.join("content/articles/a03.md"),
        root.join("content/articles/a03-renamed.md"),
    )
    .unwrap();
    replace_in(
        &root.join("content/articles/added.md"),
        "(a03.md)",
        "(a03-renamed.md)",
    );
    told(
        &server,
        &mut rb,
        root,
        "rename",
        &[
            "content/articles/a03-renamed.md",
            "content/articles/a03.md",
            "content/articles/added.md",
        ],
    );
    // Delete a linked page: the linking page renders differently.
    std::fs::remove_file(root.join("content/articles/news.md")).unwrap();
    match serve::rebuild(&server, &mut rb, &[]) {
        Outcome::Failed(_) => {}
        Outcome::Built { .. } => panic!("links to a deleted page must fail"),
    }
    for i in 0..12 {
        let p = root.join(format!("content/articles/a{i:02}.md"));
        if p.exists() {
            replace_in(&p, "，见[新闻](@/articles/news.md)", "");
        }
    }
    replace_in(
        &root.join("content/articles/a03-renamed.md"),
        "，见[新闻](@/articles/news.md)",
        "",
    );
    step(&server, &mut rb, root, "delete");
    // Make a page a draft, then publish it again.
    replace_in(
        &root.join("content/articles/a01.md"),
        "title: 文章1\n",
        "title: 文章1\ndraft: true\n",
    );
    step(&server, &mut rb, root, "draft");
    replace_in(&root.join("content/articles/a01.md"), "draft: true\n", "");
    step(&server, &mut rb, root, "undraft");
    // Override a template, then a stylesheet.
    site.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<h1>覆盖：{{ page.title }}</h1>{{ page.content | safe }}{% endblock main %}",
    );
    step(&server, &mut rb, root, "template override");
    site.write("themes/default/static/css/site.css", "body{color:red}");
    step(&server, &mut rb, root, "stylesheet override");
    // Change the configuration.
    replace_in(&root.join("site.yaml"), "paginate: 5", "paginate: 3");
    step(&server, &mut rb, root, "site.yaml");
    // Assets: add, delete.
    site.write_bytes("static/files/b.pdf", b"%PDF");
    step(&server, &mut rb, root, "add asset");
    std::fs::remove_file(root.join("content/articles/images/a.png")).unwrap();
    step(&server, &mut rb, root, "delete asset");
    // A broken file, then fixed: the snapshot after the fix is exact.
    replace_in(
        &root.join("content/articles/a09.md"),
        "date: 2026-01-19",
        "date: 2026-13-19",
    );
    assert!(matches!(
        serve::rebuild(&server, &mut rb, &[]),
        Outcome::Failed(_)
    ));
    replace_in(
        &root.join("content/articles/a09.md"),
        "date: 2026-13-19",
        "date: 2026-02-19",
    );
    step(&server, &mut rb, root, "fixed");
    // Same size, same modification time: a cache keyed on size and mtime
    // alone would miss it.
    let p = root.join("content/articles/a10.md");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, format!("{text}\n补充。\n")).unwrap();
    assert!(step(&server, &mut rb, root, "before same size") > ALWAYS);
    let before = std::fs::metadata(&p).unwrap().modified().unwrap();
    replace_in(&p, "\n补充。\n", "\n更正。\n");
    let f = std::fs::File::options().write(true).open(&p).unwrap();
    f.set_modified(before).unwrap();
    drop(f);
    assert!(step(&server, &mut rb, root, "same size and mtime") > ALWAYS);
    assert!(
        server.snapshot().files["articles/a10/index.html"]
            .bytes()
            .unwrap()
            .windows("更正".len())
            .any(|w| w == "更正".as_bytes())
    );
}

#[test]
fn body_patches_report_what_a_fresh_build_reports() {
    let site = TestSite::new();
    let root = site.root();
    copy_dir(&fixture("minimal"), root);
    // Warnings from discovery, from an unchanged page and from the edited one.
    site.write("content/misc.md", "# 不在栏目里\n");
    site.write(
        "content/articles/other.md",
        &article("", "正文<script>alert(1)</script>。"),
    );
    site.write("content/articles/edited.md", &article("", "第一段。"));
    let mut memo = pipeline::Memo::new();
    pipeline::rebuild(root, &serve_opts(), &mut memo).unwrap();
    site.write(
        "content/articles/edited.md",
        &article(
            "",
            "第一段。\n\n见[新闻](@/articles/news.md#没有这个)。<script>x()</script>\n",
        ),
    );
    memo.note_changed(&["content/articles/edited.md".to_owned()]);
    let (_, patched) = pipeline::rebuild(root, &serve_opts(), &mut memo).unwrap();
    let fresh = pipeline::build(root, &serve_opts()).unwrap();
    assert_eq!(patched.diags, fresh.diags);
    let files: Vec<_> = patched
        .diags
        .iter()
        .filter_map(|d| d.span.as_ref().map(|s| s.path.as_str()))
        .collect();
    for f in [
        "content/misc.md",
        "content/articles/other.md",
        "content/articles/edited.md",
    ] {
        assert!(files.contains(&f), "a warning for {f}: {:?}", patched.diags);
    }
    assert!(
        patched
            .diags
            .iter()
            .any(|d| d.message.contains("no heading `#没有这个`"))
    );
}

// ---------------------------------------------------------------------------
// End to end in a real browser.

/// Opens the news page in `tabs` tabs of one headless Chromium profile,
/// saves an edit, and asserts that every tab showed it by itself.
fn tabs_reload_after_an_edit(name: &str, tabs: usize) {
    let repo = crate::support::repo_root();
    let script = repo.join("tests/browser/livereload.mjs");
    let has_driver = repo.join("node_modules/playwright-core").is_dir();
    let browser = chromium();
    let missing = crate::support::browser_missing(browser.is_some(), has_driver);
    let install = "apt-get install chromium nodejs; npm ci (playwright-core)";
    if !crate::support::can_run(name, &missing, install) {
        return;
    }
    let Some(browser) = browser else { return };
    let site = copy_fixture("minimal");
    let s = serve(site.root(), &[]);
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("node")
        .arg(&script)
        .args([
            &format!("http://127.0.0.1:{}/articles/news/", s.port),
            news_path(site.root()).to_str().unwrap(),
            "会议传达了上级",
            "浏览器自动刷新后看到的新句子",
            &browser,
            profile.path().to_str().unwrap(),
            &tabs.to_string(),
        ])
        .current_dir(&repo)
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "browser test failed:\n{log}");
    assert!(log.contains(&format!("{tabs} tabs reloaded")), "{log}");
}

#[test]
fn browser_page_reloads_by_itself_after_an_edit() {
    tabs_reload_after_an_edit("browser_page_reloads_by_itself_after_an_edit", 1);
}

/// More tabs than a browser's six connections to one host: each tab's
/// live reload holds a WebSocket, which does not count against them.
#[test]
fn browser_eight_tabs_all_load_and_all_reload_after_an_edit() {
    tabs_reload_after_an_edit(
        "browser_eight_tabs_all_load_and_all_reload_after_an_edit",
        8,
    );
}

/// The status of one plain request (each has [`TIMEOUT`] to be answered:
/// how fast is for benches/, not for tests).
fn status_of_get(port: u16) -> u16 {
    request(port, "GET", b"/", &[]).status
}

#[test]
fn serve_stays_up_under_stress() {
    let site = copy_fixture("minimal");
    let s = serve(site.root(), &[]);
    let port = s.port;

    // 200 parallel connections.
    let threads: Vec<_> = (0..200)
        .map(|_| std::thread::spawn(move || request(port, "GET", b"/", &[]).status))
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }

    // Slow clients sending one header byte at a time do not block others.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let slow: Vec<_> = (0..20)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
                let _ = c.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    if c.write_all(b"a").is_err() {
                        break; // the server gave up on us: fine
                    }
                    std::thread::park_timeout(Duration::from_millis(100));
                }
            })
        })
        .collect();
    for _ in 0..5 {
        assert_eq!(status_of_get(port), 200, "a request beside slow clients");
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for t in slow {
        t.thread().unpark();
        t.join().unwrap();
    }

    // A 1 MB request line and a 1 MB header are refused; the server goes on.
    let long = vec![b'a'; 1024 * 1024];
    let mut target = b"/".to_vec();
    target.extend_from_slice(&long);
    for raw in [
        [b"GET ".as_slice(), &target, b" HTTP/1.1\r\n\r\n"].concat(),
        [b"GET / HTTP/1.1\r\nX-Big: ".as_slice(), &long, b"\r\n\r\n"].concat(),
    ] {
        let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
        c.set_read_timeout(Some(TIMEOUT)).unwrap();
        let _ = c.write_all(&raw); // the server may close before reading it all
        let mut head = [0u8; 12];
        let n = c.read(&mut head).unwrap_or(0);
        let text = String::from_utf8_lossy(&head[..n]).into_owned();
        assert!(
            text.is_empty()
                || text.contains(" 400")
                || text.contains(" 414")
                || text.contains(" 431"),
            "{text}"
        );
    }
    assert_eq!(status_of_get(port), 200);

    // 1,000 live-reload clients connect and leave.
    for _ in 0..1000 {
        let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
        c.set_read_timeout(Some(TIMEOUT)).unwrap();
        c.write_all(WS_OPEN).unwrap();
        let mut buf = [0u8; 64];
        let n = c.read(&mut buf).unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 101"));
    }
    assert_eq!(status_of_get(port), 200);

    // A burst of 100 saves of one file: the server answers throughout and
    // ends up serving the last version.
    let ev = s.events();
    ev.wait("hello");
    let news = news_path(site.root());
    let original = std::fs::read_to_string(&news).unwrap();
    for i in 0..100 {
        std::fs::write(&news, format!("{original}\n第{i}次保存。\n")).unwrap();
    }
    assert_eq!(status_of_get(port), 200);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let page = request(port, "GET", b"/articles/news/", &[]).text();
        if page.contains("第99次保存") {
            break;
        }
        assert!(Instant::now() < deadline, "the last save never showed");
        ev.wait("reload");
    }
}

#[test]
fn serve_answers_503_beyond_its_connection_limit_and_recovers() {
    let site = copy_fixture("minimal");
    let s = serve(site.root(), &[]);
    let port = s.port;
    // Hold more idle connections than the limit.
    let held: Vec<TcpStream> = (0..anxuan::serve::http::MAX_CONNECTIONS + 5)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    // Idle connections count; the next one is refused politely.
    let mut saw_503 = false;
    let deadline = Instant::now() + TIMEOUT;
    while !saw_503 && Instant::now() < deadline {
        saw_503 = request(port, "GET", b"/", &[]).status == 503;
    }
    assert!(saw_503, "no 503 beyond the limit");
    drop(held);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if request(port, "GET", b"/", &[]).status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not recover");
    }
}

/// A GET of `target` with `Host: host` (`None`: no Host line).
fn get_as(port: u16, host: Option<&str>, target: &str) -> Resp {
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    request_raw(
        port,
        format!("GET {target} HTTP/1.1\r\n{host}Connection: close\r\n\r\n").as_bytes(),
    )
}

#[test]
fn serve_foreign_host_is_refused_with_421_and_a_chinese_line() {
    let site = copy_fixture("minimal");
    let s = serve(site.root(), &[]);
    let port = s.port;
    for host in [
        format!("attacker.example:{port}"),
        "attacker.example".to_owned(),
        format!("localhost.attacker.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
    ] {
        for target in ["/", "/articles/news/", "/__anxuan/livereload.js"] {
            let r = get_as(port, Some(&host), target);
            assert_eq!(r.status, 421, "Host {host} {target}");
            let text = r.text();
            assert!(text.contains("--allowed-host"), "{text}");
            assert_eq!(text.trim_end().lines().count(), 1, "{text}");
            assert!(!text.contains("<html"), "{text}");
        }
    }
    // Our own names, any port and case.
    for host in [
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "localhost.".to_owned(),
    ] {
        assert_eq!(get_as(port, Some(&host), "/").status, 200, "Host {host}");
    }
}

/// Opens the live-reload WebSocket with `Host: host` (`None`: no Host
/// line) and `extra` header lines; returns the status line, then the rest
/// of the answer when the server closes it (a granted socket is not read
/// further: it does not end).
fn events_as(port: u16, host: Option<&str>, extra: &str) -> (String, String) {
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(
        c,
        "GET /__anxuan/events HTTP/1.1\r\n{host}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{extra}\r\n"
    )
    .unwrap();
    let mut status = [0u8; 12];
    c.read_exact(&mut status).unwrap();
    let status = String::from_utf8_lossy(&status).into_owned();
    let mut rest = Vec::new();
    if !status.ends_with("101") {
        c.read_to_end(&mut rest).unwrap();
    }
    (status, String::from_utf8_lossy(&rest).into_owned())
}

#[test]
fn serve_event_stream_obeys_the_host_rule() {
    let site = copy_fixture("minimal");
    let s = serve(site.root(), &[]);
    let (status, rest) = events_as(s.port, Some("attacker.example"), "");
    assert_eq!(status, "HTTP/1.1 421", "{rest}");
    assert!(rest.contains("text/plain"), "{rest}");
    assert!(!rest.contains("hello"), "{rest}");
    // A page of another site may not open it (cross-site WebSocket
    // hijacking: browsers apply no same-origin rule to WebSockets).
    let evil = "Origin: https://attacker.example\r\n";
    let (status, rest) = events_as(s.port, Some("127.0.0.1"), evil);
    assert_eq!(status, "HTTP/1.1 403", "{rest}");
    assert!(!rest.contains("hello"), "{rest}");
    let ours = format!("Origin: http://127.0.0.1:{}\r\n", s.port);
    let (status, _) = events_as(s.port, Some("127.0.0.1"), &ours);
    assert_eq!(status, "HTTP/1.1 101");
    // A plain GET is not a WebSocket.
    let r = s.get("/__anxuan/events");
    assert_eq!(r.status, 426, "{}", r.text());
    let (status, rest) = events_as(s.port, None, "");
    assert_eq!(status, "HTTP/1.1 400", "{rest}");
    // Our own name still gets the stream.
    let ev = s.events();
    assert!(ev.wait("hello").contains("\"version\""));
}

#[test]
fn serve_request_without_a_usable_host_gets_400() {
    let site = copy_fixture("minimal");
    let s = serve(site.root(), &[]);
    let port = s.port;
    assert_eq!(get_as(port, None, "/").status, 400);
    assert_eq!(get_as(port, Some(""), "/").status, 400);
    assert_eq!(
        get_as(port, Some("attacker.example@localhost"), "/").status,
        400
    );
    assert_eq!(
        get_as(port, Some("localhost@attacker.example"), "/").status,
        400
    );
    let twice =
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n";
    assert_eq!(request_raw(port, twice).status, 400);
    let old = b"GET / HTTP/1.0\r\n\r\n";
    assert_eq!(request_raw(port, old).status, 400);
    assert_eq!(get_as(port, Some("127.0.0.1"), "/").status, 200);
}

#[test]
fn serve_allowed_host_names_are_answered() {
    let site = copy_fixture("minimal");
    let s = serve(
        site.root(),
        &[
            "--allowed-host",
            "aq-preview.test",
            "--allowed-host",
            "Phone.Lan",
        ],
    );
    let port = s.port;
    assert_eq!(
        get_as(port, Some(&format!("aq-preview.test:{port}")), "/").status,
        200
    );
    assert_eq!(get_as(port, Some("phone.lan"), "/").status, 200);
    assert_eq!(get_as(port, Some("other.test"), "/").status, 421);
    assert_eq!(get_as(port, Some("x.aq-preview.test"), "/").status, 421);
}

#[test]
fn serve_allowed_host_with_a_port_is_a_usage_error() {
    let site = copy_fixture("minimal");
    let out = crate::support::anxuan(
        site.root(),
        &["serve", "--port", "0", "--allowed-host", "aq.test:8080"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--allowed-host aq.test:8080"), "{err}");
    assert!(err.contains("端口"), "{err}");
}

#[test]
fn serve_on_all_interfaces_answers_own_addresses_but_not_other_names() {
    let site = copy_fixture("minimal");
    let s = serve(site.root(), &["--bind", "0.0.0.0"]);
    let port = s.port;
    // Every connection goes to 127.0.0.1; only the Host line names the
    // machine's other addresses.
    let own: Vec<std::net::IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .iter()
        .map(|i| i.ip())
        .filter(|ip| ip.is_ipv4() && !ip.is_loopback())
        .collect();
    for ip in &own {
        assert_eq!(
            get_as(port, Some(&format!("{ip}:{port}")), "/").status,
            200,
            "{ip}"
        );
    }
    assert_eq!(get_as(port, Some("localhost"), "/").status, 200);
    assert_eq!(get_as(port, Some("[::1]"), "/").status, 200);
    assert_eq!(get_as(port, Some("attacker.example"), "/").status, 421);
    assert_eq!(get_as(port, Some("192.0.2.1"), "/").status, 421);
}

/// The stream cap the server printed (`-v`: `Limits: … N live-reload
/// streams`); the largest cap when it printed none.
fn stream_cap(s: &Served) -> usize {
    s.log
        .iter()
        .find_map(|l| {
            l.split(" live-reload streams")
                .next()
                .filter(|b| b.len() < l.len())
        })
        .and_then(|before| before.rsplit(' ').next()?.parse().ok())
        .unwrap_or(anxuan::serve::limits::MAX_STREAMS)
}

#[test]
fn serve_holds_2000_event_streams_caps_them_and_still_answers_pages() {
    const STREAMS: usize = 2000;
    // This process holds every stream's socket too.
    let nofile = anxuan::serve::raise_fd_limit();
    assert!(
        nofile > STREAMS as u64 + 256,
        "this test needs more than {} open files; the limit is {nofile}",
        STREAMS + 256
    );
    let site = copy_fixture("minimal");
    let s = serve(site.root(), &[]);
    let cap = stream_cap(&s);
    assert!(cap <= anxuan::serve::limits::MAX_STREAMS, "{cap}");
    let mut held = Vec::with_capacity(STREAMS);
    let (mut streaming, mut refused) = (0, 0);
    for i in 0..STREAMS {
        let mut c = TcpStream::connect_timeout(&([127, 0, 0, 1], s.port).into(), TIMEOUT)
            .unwrap_or_else(|e| panic!("connection {i}: {e}"));
        c.set_read_timeout(Some(TIMEOUT)).unwrap();
        c.write_all(WS_OPEN).unwrap();
        let mut status = [0u8; 12];
        c.read_exact(&mut status)
            .unwrap_or_else(|e| panic!("stream {i}: no answer: {e}"));
        match &status {
            b"HTTP/1.1 101" => streaming += 1,
            b"HTTP/1.1 503" => {
                refused += 1;
                // Refused streams are closed by the server.
                let mut rest = Vec::new();
                c.read_to_end(&mut rest).unwrap();
                assert!(String::from_utf8_lossy(&rest).contains("503"));
            }
            other => panic!("stream {i}: {:?}", String::from_utf8_lossy(other)),
        }
        held.push(c);
    }
    assert_eq!(streaming, cap, "streams held beyond the cap");
    assert_eq!(refused, STREAMS - cap);
    // With every stream still held, pages are answered.
    assert_eq!(s.get("/").status, 200);
    assert_eq!(s.get(&s.css_url()).status, 200);
    // Once the streams close, new ones are accepted again.
    drop(held);
    let ev = s.events();
    ev.wait("hello");
}

#[cfg(unix)]
#[test]
fn serve_low_descriptor_limit_answers_503_instead_of_hanging() {
    const HELD: usize = 300;
    let site = copy_fixture("minimal");
    // A hard limit of 256 open files that the server cannot raise: it
    // sizes its caps to it and never runs out of descriptors.
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "ulimit -n 256 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_anxuan"))
        .args(["-v", "serve", "--port", "0", "--now", NOW]);
    let s = serve_with(cmd, site.root());
    let port = s.port;
    let addr = ([127, 0, 0, 1], port).into();
    // More idle connections than 256 descriptors could ever hold.
    let held: Vec<TcpStream> = (0..HELD)
        .map(|i| {
            TcpStream::connect_timeout(&addr, TIMEOUT)
                .unwrap_or_else(|e| panic!("connection {i} was never accepted: {e}"))
        })
        .collect();
    let r = s.get("/");
    assert_eq!(r.status, 503, "{}", r.text());
    drop(held);
    let deadline = Instant::now() + TIMEOUT;
    while s.get("/").status != 200 {
        assert!(Instant::now() < deadline, "the server did not recover");
    }
}

/// A photo added while previewing is made off the build: the rebuild
/// serves the original at once, and once the background worker has put
/// its sizes in the cache (it says so on the channel the server listens
/// to), the next rebuild serves the sizes and equals a fresh build.
#[test]
fn a_new_photo_is_resized_in_the_background_and_then_served_in_sizes() {
    let site = TestSite::new();
    let root = site.root();
    site.write("content/articles/a.md", &article("", "正文。"));
    let (done_tx, done_rx) = mpsc::channel();
    let done_tx = std::sync::Mutex::new(done_tx);
    let mut o = serve_opts();
    o.background_images = Some(pipeline::Background::new(move |rel| {
        let _ = done_tx.lock().unwrap().send(rel);
    }));
    let (server, mut rb) = serve::state_for(root, &o);
    site.write_bytes(
        "content/articles/img/p.png",
        &crate::support::png(1000, 800),
    )
    .write(
        "content/articles/a.md",
        &article("", "![现场](img/p.png)\n"),
    );
    let changed = [
        "content/articles/a.md".to_owned(),
        "content/articles/img/p.png".to_owned(),
    ];
    assert!(matches!(
        serve::rebuild(&server, &mut rb, &changed),
        Outcome::Built { .. }
    ));
    let (files, copies) = served(&server);
    let page = String::from_utf8_lossy(&files["articles/a/index.html"]).into_owned();
    assert!(
        page.contains("src=\"/articles/img/p.png\" alt=\"现场\""),
        "the original first: {page}"
    );
    assert!(page.contains("width=\"1000\" height=\"800\""), "{page}");
    assert!(copies.contains_key("articles/img/p.png"));
    // The worker reports the photo done (no sleeping: the channel waits).
    let rel = done_rx.recv_timeout(Duration::from_secs(120)).unwrap();
    assert_eq!(rel, "content/articles/img/p.png");
    assert!(matches!(
        serve::rebuild(&server, &mut rb, &[rel]),
        Outcome::Built { .. }
    ));
    let (files, copies) = served(&server);
    let page = String::from_utf8_lossy(&files["articles/a/index.html"]).into_owned();
    assert!(page.contains("srcset=\"/articles/img/p.480."), "{page}");
    assert!(
        !copies.contains_key("articles/img/p.png"),
        "the original is no longer published"
    );
    assert_same(&server, root, "after the background sizes");
}

/// A photo the background worker cannot make (cut short) is made by the
/// next build itself, which reports it: an error at the file, not a
/// page waiting for sizes that never come.
#[test]
fn a_broken_photo_made_in_the_background_is_reported_by_the_next_rebuild() {
    let site = TestSite::new();
    let root = site.root();
    site.write("content/articles/a.md", &article("", "正文。"));
    let (done_tx, done_rx) = mpsc::channel();
    let done_tx = std::sync::Mutex::new(done_tx);
    let mut o = serve_opts();
    o.background_images = Some(pipeline::Background::new(move |rel| {
        let _ = done_tx.lock().unwrap().send(rel);
    }));
    let (server, mut rb) = serve::state_for(root, &o);
    let mut cut = crate::support::png(400, 300);
    cut.truncate(cut.len() / 2);
    site.write_bytes("content/articles/img/cut.png", &cut)
        .write(
            "content/articles/a.md",
            &article("", "![坏图](img/cut.png)\n"),
        );
    let changed = [
        "content/articles/a.md".to_owned(),
        "content/articles/img/cut.png".to_owned(),
    ];
    assert!(matches!(
        serve::rebuild(&server, &mut rb, &changed),
        Outcome::Built { .. }
    ));
    let rel = done_rx.recv_timeout(Duration::from_secs(120)).unwrap();
    match serve::rebuild(&server, &mut rb, &[rel]) {
        Outcome::Failed(d) => assert!(
            d.iter().any(|d| d
                .to_string()
                .starts_with("content/articles/img/cut.png: error:")),
            "{d:?}"
        ),
        Outcome::Built { .. } => panic!("the broken photo was not reported"),
    }
}

/// The 复制到公众号 button is the preview's: the live-reload script brings
/// it, built pages never have it; in Chromium it puts the page's export on
/// the clipboard as HTML with inline styles only.
#[test]
fn browser_copies_the_wechat_export_as_html() {
    let name = "browser_copies_the_wechat_export_as_html";
    let site = copy_fixture("minimal");
    let built = site.build().unwrap();
    let page = crate::support::html(&built, "articles/news/index.html");
    assert!(
        !page.contains("data-wechat-copy") && !page.contains("wechat-copy.js"),
        "a built page carries the preview's button"
    );
    let Some(browser) = crate::support::browser_for(name) else {
        return;
    };
    let s = serve(site.root(), &[]);
    let script = request(s.port, "GET", b"/__anxuan/wechat-copy.js", &[]);
    assert_eq!(script.status, 200);
    assert!(script.text().contains("ClipboardItem"));
    let profile = tempfile::tempdir().unwrap();
    let (ok, log) = crate::support::run_node(
        "wechat_copy.mjs",
        &[
            format!("http://127.0.0.1:{}/articles/news/", s.port),
            browser,
            profile.path().to_string_lossy().into_owned(),
            "会议传达了上级".to_owned(),
        ],
    );
    assert!(ok, "copy problems:\n{log}");
    assert!(log.contains("\"problems\":0"), "{log}");
}
