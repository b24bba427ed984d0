//! The socket side of `anxuan serve`, on hyper and tokio: the accept loop,
//! connections (HTTP/1.1 with keep-alive; header size and read timeout are
//! hyper's knobs), the Host rule before anything else, turning hyper's
//! requests into the pure handler's and its replies into hyper's, and the
//! live-reload WebSocket.
//!
//! Imports: `sitefs`, `serve` (the server state), `serve::host`,
//! `serve::limits`, `serve::livereload`.
//!
//! Invariants: at most `limits.connections` HTTP connections are served
//! at once (more get a 503 and are closed); a connection that becomes a
//! WebSocket leaves that count and is capped by the hub instead (503
//! beyond); a failed `accept` is retried after a growing pause, never in a
//! tight loop; a WebSocket is opened only for a page of ours (`Origin`).

use std::convert::Infallible;
use std::io::{Read, Seek};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Message, Role};

use crate::serve::Server;
use crate::serve::host::{self, Verdict};
use crate::serve::limits::Backoff;
use crate::serve::livereload::Subscription;

use super::{Method, Payload, Reply, Req, respond};

/// A client has this long to send a request's head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head read (hyper answers 431 beyond).
pub const MAX_HEAD: usize = 64 * 1024;
/// How often a WebSocket is pinged (finds browsers that went away).
const PING: Duration = Duration::from_secs(15);
/// A message to a browser that takes longer than this drops the browser.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);

type Answer = Response<BoxBody<Bytes, std::io::Error>>;

/// A body of bytes in memory.
fn full(bytes: Bytes) -> BoxBody<Bytes, std::io::Error> {
    Full::new(bytes).map_err(|never| match never {}).boxed()
}

/// Bytes of a disk file read and sent in pieces of this size.
const PIECE: usize = 64 * 1024;

/// `len` bytes of the disk file `path` from `start`, streamed: a large
/// attachment (a video of a drill) is never held whole; a blocking thread
/// reads ahead a few pieces while the socket sends.
fn streamed(file: std::fs::File, start: u64, len: u64) -> BoxBody<Bytes, std::io::Error> {
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
    tokio::task::spawn_blocking(move || {
        let mut file = file;
        if let Err(e) = file.seek(std::io::SeekFrom::Start(start)) {
            let _ = tx.blocking_send(Err(e));
            return;
        }
        let mut left = len;
        while left > 0 {
            let mut buf = vec![0; PIECE.min(usize::try_from(left).unwrap_or(PIECE))];
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    buf.truncate(n);
                    left -= n as u64;
                    if tx.blocking_send(Ok(Bytes::from(buf))).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
            }
        }
    });
    let pieces = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|piece| (piece.map(Frame::data), rx))
    });
    BodyExt::boxed(StreamBody::new(pieces))
}

fn http1() -> hyper::server::conn::http1::Builder {
    let mut b = hyper::server::conn::http1::Builder::new();
    b.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .keep_alive(true);
    b
}

/// Accepts connections for good, each served by its own task.
pub async fn serve_loop(listener: TcpListener, server: Arc<Server>) {
    let permits = Arc::new(Semaphore::new(server.limits.connections));
    let mut backoff = Backoff::new();
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => {
                backoff.reset();
                s
            }
            // A client that gave up before we took it: nothing to wait for.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionAborted => continue,
            Err(_) => {
                tokio::time::sleep(backoff.fail()).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        match Arc::clone(&permits).try_acquire_owned() {
            Ok(permit) => {
                let server = Arc::clone(&server);
                tokio::spawn(async move {
                    connection(stream, server).await;
                    drop(permit);
                });
            }
            Err(_) => {
                tokio::spawn(refuse(stream));
            }
        }
    }
}

/// How long a connection over the cap may take to send its request and
/// read its 503: such connections hold a descriptor each, so they are let
/// go quickly.
const REFUSE_TIMEOUT: Duration = Duration::from_secs(1);

/// Answers every request of a connection over the cap with 503, once.
async fn refuse(stream: TcpStream) {
    let svc = service_fn(|_req: Request<Incoming>| async {
        let reply = Reply::text(503, "503 Service Unavailable: too many connections\n")
            .header("Retry-After", "1");
        Ok::<_, Infallible>(answer(reply))
    });
    let mut b = http1();
    b.keep_alive(false);
    let conn = b.serve_connection(TokioIo::new(stream), svc);
    let _ = tokio::time::timeout(REFUSE_TIMEOUT, conn).await;
}

/// Serves one connection until the client closes it, it idles past the
/// header timeout, or it becomes a WebSocket.
async fn connection(stream: TcpStream, server: Arc<Server>) {
    let svc = service_fn(move |req| {
        let server = Arc::clone(&server);
        async move { Ok::<_, Infallible>(handle(req, &server)) }
    });
    let _ = http1()
        .serve_connection(TokioIo::new(stream), svc)
        .with_upgrades()
        .await;
}

fn text_of(headers: &HeaderMap, name: HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// One request: the Host rule first, then the pure handler.
fn handle(req: Request<Incoming>, server: &Arc<Server>) -> Answer {
    let headers = req.headers();
    // Nothing else is looked at for a name that is not ours (DNS
    // rebinding). A Host that is not text is no host.
    // A Host given twice is no host either.
    let host_header = match headers.get_all(header::HOST).iter().count() {
        1 => headers
            .get(header::HOST)
            .map(|v| v.to_str().unwrap_or("\u{fffd}")),
        _ => None,
    };
    let refusal = match host::allowed(host_header, &server.host) {
        Verdict::Allow => None,
        Verdict::Bad => Some(Reply::text(400, host::BAD)),
        Verdict::Refused => Some(Reply::text(421, host::REFUSED)),
    };
    if let Some(reply) = refusal {
        return answer(reply.header("Connection", "close"));
    }
    let method = match *req.method() {
        hyper::Method::GET => Method::Get,
        hyper::Method::HEAD => Method::Head,
        _ => Method::Other,
    };
    // An absolute-form target is handed over whole (and refused there).
    let target = if req.uri().scheme().is_some() {
        req.uri().to_string()
    } else {
        req.uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned()
    };
    let snap = server.snapshot();
    let reply = respond(
        &snap,
        &Req {
            method,
            url: &target,
            if_none_match: text_of(headers, header::IF_NONE_MATCH),
            range: text_of(headers, header::RANGE),
            if_range: text_of(headers, header::IF_RANGE),
        },
    );
    drop(snap);
    if matches!(reply.body, Payload::Events) {
        return websocket(req, server);
    }
    answer(reply)
}

/// True when the comma-separated header `name` lists `token`.
fn lists(headers: &HeaderMap, name: HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    })
}

/// Opens the live-reload WebSocket: checks the handshake and the page's
/// origin, subscribes to the hub, and answers 101; the messages then flow
/// on a task of their own.
fn websocket(mut req: Request<Incoming>, server: &Server) -> Answer {
    let headers = req.headers();
    let key = headers.get(header::SEC_WEBSOCKET_KEY).cloned();
    let handshake = lists(headers, header::CONNECTION, "upgrade")
        && lists(headers, header::UPGRADE, "websocket")
        && headers
            .get(header::SEC_WEBSOCKET_VERSION)
            .is_some_and(|v| v == "13");
    let Some(key) = key.filter(|_| handshake && req.method() == hyper::Method::GET) else {
        let reply = Reply::text(
            426,
            "426 Upgrade Required: this is the live-reload WebSocket\n",
        )
        .header("Upgrade", "websocket");
        return answer(reply);
    };
    if !host::origin_allowed(text_of(headers, header::ORIGIN), &server.host) {
        let reply = Reply::text(403, host::FOREIGN_ORIGIN).header("Connection", "close");
        return answer(reply);
    }
    let Ok(rx) = server.hub.subscribe() else {
        // Too many browsers held: the page retries later.
        let reply = Reply::text(
            503,
            "503 Service Unavailable: too many live-reload connections\n",
        )
        .header("Retry-After", "5")
        .header("Connection", "close");
        return answer(reply);
    };
    let upgrade = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        if let Ok(io) = upgrade.await {
            let ws = WebSocketStream::from_raw_socket(TokioIo::new(io), Role::Server, None).await;
            pump(ws, rx).await;
        }
    });
    let mut res = Response::new(full(Bytes::new()));
    *res.status_mut() = hyper::StatusCode::SWITCHING_PROTOCOLS;
    let h = res.headers_mut();
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    if let Ok(v) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
    }
    res
}

/// Forwards the hub's messages to one browser and pings it, until either
/// side goes away.
async fn pump<S>(mut ws: WebSocketStream<S>, mut rx: Subscription)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut ping = tokio::time::interval(PING);
    ping.tick().await;
    loop {
        let out = tokio::select! {
            msg = rx.recv() => match msg {
                Some(text) => Message::text(text),
                // Dropped by the hub: this browser lagged too far behind.
                None => break,
            },
            _ = ping.tick() => Message::Ping(Bytes::new()),
            incoming = ws.next() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => continue,
            },
        };
        match tokio::time::timeout(SEND_TIMEOUT, ws.send(out)).await {
            Ok(Ok(())) => {}
            _ => break,
        }
    }
    let _ = tokio::time::timeout(SEND_TIMEOUT, ws.close(None)).await;
}

/// A reply as hyper sends it (hyper leaves the body out for HEAD and
/// writes the length of the body a GET would get).
fn answer(reply: Reply) -> Answer {
    let (body, len) = match reply.body {
        Payload::Empty | Payload::Events => (Ok(full(Bytes::new())), None),
        Payload::Bytes(b) => (Ok(full(Bytes::from(b))), None),
        Payload::Static(b) => (Ok(full(Bytes::from_static(b))), None),
        Payload::Stored(s, start, len) => (s.read(start, len).map(|b| full(Bytes::from(b))), None),
        Payload::Disk(path, start, len) => (
            crate::sitefs::open(&path).map(|f| streamed(f, start, len)),
            Some(len),
        ),
    };
    let Ok(body) = body else {
        return answer(Reply::text(404, "404 Not Found\n"));
    };
    let mut res = Response::new(body);
    *res.status_mut() = hyper::StatusCode::from_u16(reply.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let h = res.headers_mut();
    h.insert(header::SERVER, HeaderValue::from_static("anxuan"));
    // A streamed body has no size hyper can see: say it.
    if let Some(len) = len {
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    for (name, value) in reply.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            h.append(n, v);
        }
    }
    res
}
