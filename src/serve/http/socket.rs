//! The socket side of `anxuan serve`: the accept loop, one thread per
//! connection, keep-alive, the Host rule before anything else, writing
//! replies (files streamed from disk) and handing event streams to the hub.
//!
//! Imports: `sitefs`, `serve` (the server state), `serve::host`,
//! `serve::limits`, `serve::livereload`.
//!
//! Why not tiny_http: its connection pool keeps every open connection on a
//! pool thread and can queue new connections behind busy threads when its
//! idle threads are slow to wake; with event streams (held open for good)
//! and browsers' keep-alive connections, queued pages then wait forever
//! (reproduced under load: four pool threads all reading event streams,
//! 48 page requests queued). Only GET and HEAD are needed, so the loop
//! here is short and has no such queue.

use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use crate::serve::Server;
use crate::serve::host::{self, Verdict};
use crate::serve::limits::Backoff;
use crate::serve::livereload;

use super::request::{IDLE, MAX_HEAD, ReadHead, read_head};
use super::{Method, Payload, Reply, Req, respond};

/// Requests served on one connection before it is closed.
const MAX_REQUESTS: usize = 1000;
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
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// Writes `reply` (its body unless `head_only`); false when the connection failed.
fn write_reply(stream: &mut TcpStream, reply: Reply, head_only: bool, keep_alive: bool) -> bool {
    let (len, body): (u64, Option<Box<dyn Read>>) = match reply.body {
        Payload::Empty | Payload::Events => (0, None),
        Payload::Bytes(b) => (b.len() as u64, Some(Box::new(std::io::Cursor::new(b)))),
        Payload::Static(b) => (b.len() as u64, Some(Box::new(b))),
        Payload::Stored(s, start, len) => match s.read(start, len) {
            Ok(b) => (b.len() as u64, Some(Box::new(std::io::Cursor::new(b)))),
            Err(_) => {
                let r = Reply::text(500, "500 Internal Server Error\n");
                return write_reply(stream, r, head_only, keep_alive);
            }
        },
        Payload::Disk(path, start, len) => match crate::sitefs::open(&path)
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
        if matches!(reply.body, Payload::Events) && head.method == Method::Get {
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
