//! Live reload: the browser script and the Server-Sent Events hub.
//!
//! Owns: `/__anxuan/livereload.js` (a file, so pages need no inline script
//! under a strict CSP), the event names and their JSON, and the list of
//! connected browsers. Imports: `error`. Knows nothing of HTTP parsing:
//! `http` hands it the connection, whose response head it writes itself.
//!
//! Invariants: a browser that connects gets a `hello` with the server's id,
//! the current build version and the current errors under the same lock that
//! broadcasts use, so it never misses an event between the two; a client
//! whose connection fails is dropped on the next write; at most `limit`
//! clients are held (a subscriber beyond it is handed back, for a 503,
//! after the clients whose peer has gone are dropped).

use std::io::Write;
use std::sync::Mutex;

use serde::Serialize;

use crate::error::Diagnostic;

/// The script every served HTML page links in serve mode.
pub const SCRIPT: &str = include_str!("livereload.js");

/// Where pages find the script and the event stream (below the base path).
pub const SCRIPT_PATH: &str = "__anxuan/livereload.js";
pub const EVENTS_PATH: &str = "__anxuan/events";

/// One problem as the overlay shows it: `path:line:col` and the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub location: String,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn from_diagnostic(d: &Diagnostic) -> Problem {
        Problem {
            location: d.span.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}

/// The errors of a failed rebuild, as the overlay shows them.
pub fn problems(diags: &[Diagnostic]) -> Vec<Problem> {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(Problem::from_diagnostic)
        .collect()
}

/// What the server tells the browsers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A rebuild succeeded and changed the output.
    Reload { version: u64, css_only: bool },
    /// A rebuild failed: show these problems over the page.
    Errors(Vec<Problem>),
    /// A rebuild succeeded without changing the output: hide the overlay.
    Clear,
}

#[derive(Serialize)]
struct Hello<'a> {
    id: &'a str,
    version: u64,
    errors: &'a [Problem],
}

#[derive(Serialize)]
struct ReloadData {
    version: u64,
    css_only: bool,
}

#[derive(Serialize)]
struct ErrorsData<'a> {
    errors: &'a [Problem],
}

/// One SSE message: `event: <name>\ndata: <json>\n\n`.
fn message(name: &str, data: &impl Serialize) -> String {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_owned());
    format!("event: {name}\ndata: {json}\n\n")
}

impl Event {
    pub fn encode(&self) -> String {
        match self {
            Event::Reload { version, css_only } => message(
                "reload",
                &ReloadData {
                    version: *version,
                    css_only: *css_only,
                },
            ),
            Event::Errors(errors) => message("errors", &ErrorsData { errors }),
            Event::Clear => message("clear", &serde_json::json!({})),
        }
    }
}

/// The response head of the event stream (no length: it ends when the
/// connection does).
pub const EVENTS_HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\nX-Accel-Buffering: no\r\nConnection: keep-alive\r\n\r\nretry: 1000\n\n";

/// A connected browser: where its events are written.
pub trait Client: Write + Send {
    /// True when the peer has closed its end (checked without blocking),
    /// so the client can be dropped before a write fails. Default: never.
    fn gone(&mut self) -> bool {
        false
    }
}

struct HubState {
    clients: Vec<Box<dyn Client>>,
    version: u64,
    errors: Vec<Problem>,
}

/// The connected browsers and what they have been told.
pub struct Hub {
    /// Changes with every server start, so browsers notice a restart.
    id: String,
    /// The most clients held at once.
    limit: usize,
    state: Mutex<HubState>,
}

fn send(client: &mut Box<dyn Client>, text: &str) -> bool {
    client.write_all(text.as_bytes()).is_ok() && client.flush().is_ok()
}

impl Hub {
    /// A hub holding at most `limit` clients.
    pub fn new(id: String, version: u64, errors: Vec<Problem>, limit: usize) -> Hub {
        Hub {
            id,
            limit,
            state: Mutex::new(HubState {
                clients: Vec::new(),
                version,
                errors,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HubState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts an event stream on `client`: the head, then `hello`. When
    /// the hub already holds `limit` clients (after dropping those whose
    /// peer has gone), nothing is written and the client is handed back.
    pub fn subscribe<C: Client + 'static>(&self, client: C) -> Result<(), C> {
        let mut st = self.lock();
        if st.clients.len() >= self.limit {
            st.clients.retain_mut(|c| !c.gone());
            if st.clients.len() >= self.limit {
                return Err(client);
            }
        }
        let mut client: Box<dyn Client> = Box::new(client);
        let hello = message(
            "hello",
            &Hello {
                id: &self.id,
                version: st.version,
                errors: &st.errors,
            },
        );
        if send(&mut client, EVENTS_HEAD) && send(&mut client, &hello) {
            st.clients.push(client);
        }
        Ok(())
    }

    /// Records the event in the state new browsers see, then sends it to
    /// every connected browser, dropping those that went away.
    pub fn broadcast(&self, event: &Event) {
        let mut st = self.lock();
        match event {
            Event::Reload { version, .. } => {
                st.version = *version;
                st.errors.clear();
            }
            Event::Errors(errors) => st.errors = errors.clone(),
            Event::Clear => st.errors.clear(),
        }
        let text = event.encode();
        st.clients.retain_mut(|c| send(c, &text));
    }

    /// A comment line that keeps proxies quiet and finds dead clients.
    pub fn ping(&self) {
        self.lock()
            .clients
            .retain_mut(|c| !c.gone() && send(c, ": ping\n\n"));
    }

    pub fn clients(&self) -> usize {
        self.lock().clients.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[derive(Clone, Debug, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Client for Sink {}

    #[derive(Debug)]
    struct Broken;

    impl Client for Broken {}

    /// A client whose peer has closed.
    #[derive(Debug)]
    struct Gone;

    impl Write for Gone {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Client for Gone {
        fn gone(&mut self) -> bool {
            true
        }
    }

    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn subscribe_sends_head_and_hello_with_current_errors() {
        let hub = Hub::new(
            "abc".into(),
            3,
            vec![Problem {
                location: "content/a.md:2:7".into(),
                message: "bad".into(),
                help: None,
            }],
            8,
        );
        let sink = Sink::default();
        hub.subscribe(sink.clone()).unwrap();
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(text.contains("text/event-stream"));
        assert!(text.contains(
            "event: hello\ndata: {\"id\":\"abc\",\"version\":3,\"errors\":[{\"location\":\"content/a.md:2:7\",\"message\":\"bad\",\"help\":null}]}\n\n"
        ));
    }

    #[test]
    fn broadcast_reaches_clients_and_drops_broken_ones() {
        let hub = Hub::new("x".into(), 1, Vec::new(), 8);
        let sink = Sink::default();
        hub.subscribe(sink.clone()).unwrap();
        assert!(hub.subscribe(Broken).is_ok());
        assert_eq!(hub.clients(), 1);
        hub.broadcast(&Event::Reload {
            version: 2,
            css_only: true,
        });
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(text.ends_with("event: reload\ndata: {\"version\":2,\"css_only\":true}\n\n"));
    }

    #[test]
    fn late_subscribers_see_the_latest_version_and_errors() {
        let hub = Hub::new("x".into(), 1, Vec::new(), 8);
        hub.broadcast(&Event::Errors(vec![Problem {
            location: "site.yaml:1:1".into(),
            message: "oops".into(),
            help: Some("改一下".into()),
        }]));
        let sink = Sink::default();
        hub.subscribe(sink.clone()).unwrap();
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("\"version\":1,\"errors\":[{\"location\":\"site.yaml:1:1\""));
        hub.broadcast(&Event::Reload {
            version: 2,
            css_only: false,
        });
        let sink2 = Sink::default();
        hub.subscribe(sink2.clone()).unwrap();
        let text = String::from_utf8(sink2.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("\"version\":2,\"errors\":[]"));
    }

    #[test]
    fn subscribe_beyond_the_limit_hands_the_client_back() {
        let hub = Hub::new("x".into(), 1, Vec::new(), 2);
        hub.subscribe(Sink::default()).unwrap();
        hub.subscribe(Sink::default()).unwrap();
        let third = Sink::default();
        assert!(hub.subscribe(third.clone()).is_err());
        assert!(third.0.lock().unwrap().is_empty(), "nothing written to it");
        assert_eq!(hub.clients(), 2);
    }

    #[test]
    fn subscribe_at_the_limit_drops_gone_clients_first() {
        let hub = Hub::new("x".into(), 1, Vec::new(), 2);
        hub.subscribe(Gone).unwrap();
        hub.subscribe(Sink::default()).unwrap();
        assert!(hub.subscribe(Sink::default()).is_ok());
        assert_eq!(hub.clients(), 2);
    }
}
