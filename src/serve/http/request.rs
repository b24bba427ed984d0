//! Reading one request head off a connection: the request line and the
//! few headers the server looks at, within a size limit and a deadline.
//!
//! Invariants: a head longer than [`MAX_HEAD`], one not complete within
//! [`HEAD_DEADLINE`] of its first byte, a second `Host`, a bad
//! `Content-Length` or any `Transfer-Encoding` makes the request bad.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::time::Duration;

use super::Method;

/// The largest request head accepted (request line and headers).
pub(super) const MAX_HEAD: usize = 16 * 1024;
/// How long an idle keep-alive connection (or a slow client) is kept.
pub(super) const IDLE: Duration = Duration::from_secs(30);
/// Once a request has started, its whole head must arrive within this time
/// (a client sending one byte a second cannot hold a thread for long).
const HEAD_DEADLINE: Duration = Duration::from_secs(10);

/// A parsed request head.
pub(super) struct Head {
    pub(super) method: Method,
    pub(super) target: String,
    /// The `Host` header (a second one makes the request bad).
    pub(super) host: Option<String>,
    pub(super) if_none_match: Option<String>,
    pub(super) range: Option<String>,
    pub(super) keep_alive: bool,
    pub(super) content_length: usize,
}

pub(super) enum ReadHead {
    Head(Head),
    /// The client closed the connection or went idle.
    Closed,
    /// Not a request we understand: answer 400 and close.
    Bad,
}

/// Reads one request head (up to the blank line) from `reader`.
pub(super) fn read_head(reader: &mut BufReader<TcpStream>) -> ReadHead {
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
