//! How the bytes of one file become a reply: strong ETags and
//! `If-None-Match` (304), one byte range of a `Range` header (206, or 416
//! when it cannot be met) unless `If-Range` names another version, else
//! the whole body (200).
//!
//! Imports: `hash`, `serve::store` (the ETag format).

use super::{Payload, Reply, Req, mime};

/// A strong ETag for bytes: 64-bit FNV-1a and the length.
pub fn etag_of(bytes: &[u8]) -> String {
    crate::serve::store::etag(crate::hash::fnv64(bytes), bytes.len() as u64)
}

fn etag_matches(if_none_match: Option<&str>, etag: &str) -> bool {
    if_none_match.is_some_and(|v| {
        v.split(',').any(|t| {
            let t = t.trim();
            t == "*" || t.trim_start_matches("W/") == etag
        })
    })
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

pub(super) fn bytes_reply(req: &Req<'_>, path: &str, bytes: Payload, etag: String) -> Reply {
    if etag_matches(req.if_none_match, &etag) {
        return Reply::new(304, Payload::Empty).header("ETag", etag);
    }
    let len = match &bytes {
        Payload::Bytes(b) => b.len() as u64,
        Payload::Static(b) => b.len() as u64,
        Payload::Disk(_, _, len) | Payload::Stored(_, _, len) => *len,
        Payload::Empty | Payload::Events => 0,
    };
    // If-Range: the range is for the file as it was; if it changed since
    // (another ETag, or a date: we give none), the whole file is sent.
    let range = req
        .range
        .filter(|_| req.if_range.is_none_or(|v| v.trim() == etag));
    match parse_range(range, len) {
        Some(Ok((start, end))) => {
            let part = match bytes {
                Payload::Bytes(b) => Payload::Bytes(b[start as usize..end as usize].to_vec()),
                Payload::Static(b) => Payload::Static(&b[start as usize..end as usize]),
                Payload::Disk(p, at, _) => Payload::Disk(p, at + start, end - start),
                Payload::Stored(s, at, _) => Payload::Stored(s, at + start, end - start),
                other => other,
            };
            Reply::new(206, part)
                .header("Content-Type", mime(path))
                .header("ETag", etag)
                .header("Accept-Ranges", "bytes")
                .header("Content-Range", format!("bytes {start}-{}/{len}", end - 1))
        }
        Some(Err(())) => Reply::new(416, Payload::Empty)
            .header("Content-Range", format!("bytes */{len}"))
            .header("Accept-Ranges", "bytes"),
        None => Reply::new(200, bytes)
            .header("Content-Type", mime(path))
            .header("ETag", etag)
            .header("Accept-Ranges", "bytes"),
    }
}
