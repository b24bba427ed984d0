//! Resource limits of `anxuan serve`: file descriptors, connections, event
//! streams, and the pause after a failed `accept`.
//!
//! Owns: the only use of `rustix` (RLIMIT_NOFILE); the arithmetic that
//! turns the descriptor limit into the connection and stream caps.
//! Imports: nothing from the crate.
//!
//! Invariants: the caps together never need more descriptors than the
//! process may open (each connection is counted at three: its socket and
//! a copied file being streamed, with one to spare; each WebSocket holds
//! one), with [`RESERVE`] left for the listener, the watcher, the HTTP
//! runtime, the spool and the console; when
//! `accept` fails anyway (EMFILE, ENFILE …) the accept loop waits
//! [`Backoff`] before the next try instead of spinning on the error.

use std::time::Duration;

/// Connections served at once at most (below that when descriptors are
/// few); more are answered 503 and closed at once.
pub const MAX_CONNECTIONS: usize = 512;
/// Live-reload event streams held at once at most; more are answered 503.
pub const MAX_STREAMS: usize = 1024;
/// Descriptors kept free for everything else (listener, watcher, stdio).
pub const RESERVE: u64 = 64;
/// Descriptors counted per connection (socket, a streamed disk file, one
/// spare).
const PER_CONNECTION: u64 = 3;
/// The smallest caps, whatever the descriptor limit says.
const FLOOR: usize = 8;

/// How many connections and event streams the server holds at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub connections: usize,
    pub streams: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            connections: MAX_CONNECTIONS,
            streams: MAX_STREAMS,
        }
    }
}

impl Limits {
    /// The caps for a process that may open `nofile` descriptors: after
    /// the reserve, half of them for connections (at most
    /// [`MAX_CONNECTIONS`]), the rest for streams (at most [`MAX_STREAMS`]).
    pub fn for_descriptors(nofile: u64) -> Limits {
        let usable = nofile.saturating_sub(RESERVE);
        let connections = usize::try_from(usable / 2 / PER_CONNECTION)
            .unwrap_or(usize::MAX)
            .clamp(FLOOR, MAX_CONNECTIONS);
        let left = usable.saturating_sub(PER_CONNECTION * connections as u64);
        let streams = usize::try_from(left)
            .unwrap_or(usize::MAX)
            .clamp(FLOOR, MAX_STREAMS);
        Limits {
            connections,
            streams,
        }
    }
}

/// Raises this process's soft RLIMIT_NOFILE to its hard limit (a held
/// event stream costs a descriptor, and 1,024 is a common soft limit) and
/// returns the soft limit now in force (`u64::MAX`: unlimited). Where the
/// hard limit is "unlimited" but the kernel refuses that (macOS), 10,240
/// (OPEN_MAX) is tried instead. Never fails: at worst the limit stays.
#[cfg(unix)]
pub fn raise_fd_limit() -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let old = getrlimit(Resource::Nofile);
    let current = old.current.unwrap_or(u64::MAX);
    let hard = old.maximum.unwrap_or(u64::MAX);
    if current >= hard {
        return current;
    }
    for target in [old.maximum, Some(hard.min(10_240))] {
        let new = Rlimit {
            current: target,
            maximum: old.maximum,
        };
        if target.unwrap_or(u64::MAX) > current && setrlimit(Resource::Nofile, new).is_ok() {
            return target.unwrap_or(u64::MAX);
        }
    }
    current
}

/// Elsewhere there is no such limit to raise; the usual caps apply.
#[cfg(not(unix))]
pub fn raise_fd_limit() -> u64 {
    u64::MAX
}

/// The pause between failed `accept` calls: doubling from 5 ms to 1 s,
/// back to the start after a success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    next: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(5);
    const MAX: Duration = Duration::from_secs(1);

    pub fn new() -> Backoff {
        Backoff { next: Self::FIRST }
    }

    /// The pause after one more failure.
    pub fn fail(&mut self) -> Duration {
        let now = self.next;
        self.next = (self.next * 2).min(Self::MAX);
        now
    }

    /// An `accept` succeeded.
    pub fn reset(&mut self) {
        self.next = Self::FIRST;
    }
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_for_descriptors_fit_in_the_limit() {
        for nofile in [64, 256, 1024, 4096, 20_000, 1 << 20, u64::MAX] {
            let l = Limits::for_descriptors(nofile);
            assert!(l.connections >= FLOOR && l.connections <= MAX_CONNECTIONS);
            assert!(l.streams >= FLOOR && l.streams <= MAX_STREAMS);
            if nofile >= 256 {
                let need = PER_CONNECTION * l.connections as u64 + l.streams as u64 + RESERVE;
                assert!(need <= nofile, "{nofile}: {l:?} needs {need}");
            }
        }
    }

    #[test]
    fn limits_for_descriptors_large_limit_gives_full_caps() {
        assert_eq!(Limits::for_descriptors(20_000), Limits::default());
        assert_eq!(Limits::for_descriptors(u64::MAX), Limits::default());
        let small = Limits::for_descriptors(1024);
        assert!(small.connections < MAX_CONNECTIONS, "{small:?}");
    }

    #[test]
    fn backoff_doubles_to_a_ceiling_and_resets() {
        let mut b = Backoff::new();
        let first: Vec<u64> = (0..10).map(|_| b.fail().as_millis() as u64).collect();
        assert_eq!(first, [5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
        b.reset();
        assert_eq!(b.fail(), Duration::from_millis(5));
    }

    #[cfg(unix)]
    #[test]
    fn raise_fd_limit_reaches_the_hard_limit() {
        let now = raise_fd_limit();
        let after = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        assert_eq!(after.current.unwrap_or(u64::MAX), now);
        assert!(now >= 64);
    }
}
