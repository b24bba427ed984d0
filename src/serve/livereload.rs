//! Live reload: the browser script and the hub of connected browsers.
//!
//! Owns: `/__anxuan/livereload.js` (a file, so pages need no inline script
//! under a strict CSP), the messages (JSON text of a WebSocket) and the
//! list of connected browsers. Imports: `error`. Knows nothing of HTTP:
//! the socket side subscribes a browser and forwards what it receives.
//!
//! Invariants: a browser that subscribes gets a `hello` with the server's
//! id, the current build version and the current errors under the same
//! lock that broadcasts use, so it never misses an event between the two;
//! a browser that went away, or reads so slowly that [`QUEUE`] messages
//! wait for it, is dropped; at most `limit` browsers are held (a
//! subscriber beyond it is refused, for a 503, after those that went away
//! are dropped).

use std::sync::Mutex;

use tokio::sync::mpsc;

use serde::Serialize;

use crate::error::Diagnostic;

/// The script every served HTML page links in serve mode.
pub const SCRIPT: &str = include_str!("livereload.js");

/// Where pages find the script and the live-reload WebSocket (below the
/// base path).
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

/// One message: `{"event":"<name>","data":<json>}`.
fn message(name: &str, data: &impl Serialize) -> String {
    #[derive(Serialize)]
    struct Message<'a, T> {
        event: &'a str,
        data: &'a T,
    }
    serde_json::to_string(&Message { event: name, data }).unwrap_or_else(|_| "{}".to_owned())
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

/// Messages queued for one browser at most; a browser further behind is
/// dropped (its page reconnects and is told the current state).
pub const QUEUE: usize = 64;

/// What a subscribed browser receives, in order, starting with `hello`.
pub type Subscription = mpsc::Receiver<String>;

struct HubState {
    clients: Vec<mpsc::Sender<String>>,
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

/// The hub holds its limit of browsers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

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

    /// Subscribes a browser: its first message is `hello`. Refused when
    /// the hub holds `limit` clients after dropping those that went away.
    pub fn subscribe(&self) -> Result<Subscription, Full> {
        let mut st = self.lock();
        if st.clients.len() >= self.limit {
            st.clients.retain(|c| !c.is_closed());
            if st.clients.len() >= self.limit {
                return Err(Full);
            }
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        let hello = message(
            "hello",
            &Hello {
                id: &self.id,
                version: st.version,
                errors: &st.errors,
            },
        );
        if tx.try_send(hello).is_ok() {
            st.clients.push(tx);
        }
        Ok(rx)
    }

    /// Records the event in the state new browsers see, then sends it to
    /// every connected browser, dropping those that went away or lag.
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
        st.clients.retain(|c| c.try_send(text.clone()).is_ok());
    }

    /// Browsers connected now.
    pub fn clients(&self) -> usize {
        let mut st = self.lock();
        st.clients.retain(|c| !c.is_closed());
        st.clients.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(rx: &mut Subscription) -> String {
        rx.try_recv().unwrap()
    }

    #[test]
    fn subscribe_sends_hello_with_current_errors() {
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
        let mut rx = hub.subscribe().unwrap();
        assert_eq!(
            next(&mut rx),
            "{\"event\":\"hello\",\"data\":{\"id\":\"abc\",\"version\":3,\"errors\":[{\"location\":\"content/a.md:2:7\",\"message\":\"bad\",\"help\":null}]}}"
        );
    }

    #[test]
    fn broadcast_reaches_clients_and_drops_gone_ones() {
        let hub = Hub::new("x".into(), 1, Vec::new(), 8);
        let mut rx = hub.subscribe().unwrap();
        drop(hub.subscribe().unwrap());
        hub.broadcast(&Event::Reload {
            version: 2,
            css_only: true,
        });
        assert_eq!(hub.clients(), 1);
        next(&mut rx);
        let text = next(&mut rx);
        assert!(text.contains("\"event\":\"reload\""), "{text}");
        assert!(text.contains("{\"version\":2,\"css_only\":true}"), "{text}");
    }

    #[test]
    fn a_browser_that_does_not_read_is_dropped() {
        let hub = Hub::new("x".into(), 1, Vec::new(), 8);
        let _rx = hub.subscribe().unwrap();
        for v in 0..QUEUE as u64 {
            hub.broadcast(&Event::Reload {
                version: v,
                css_only: false,
            });
        }
        assert_eq!(hub.clients(), 0);
    }

    #[test]
    fn late_subscribers_see_the_latest_version_and_errors() {
        let hub = Hub::new("x".into(), 1, Vec::new(), 8);
        hub.broadcast(&Event::Errors(vec![Problem {
            location: "site.yaml:1:1".into(),
            message: "oops".into(),
            help: Some("改一下".into()),
        }]));
        let text = next(&mut hub.subscribe().unwrap());
        assert!(text.contains("\"location\":\"site.yaml:1:1\""), "{text}");
        assert!(text.contains("\"version\":1"), "{text}");
        hub.broadcast(&Event::Reload {
            version: 2,
            css_only: false,
        });
        let text = next(&mut hub.subscribe().unwrap());
        assert!(text.contains("\"version\":2,\"errors\":[]"), "{text}");
    }

    #[test]
    fn subscribe_beyond_the_limit_is_refused_until_one_leaves() {
        let hub = Hub::new("x".into(), 1, Vec::new(), 2);
        let a = hub.subscribe().unwrap();
        let _b = hub.subscribe().unwrap();
        assert_eq!(hub.subscribe().err(), Some(Full));
        assert_eq!(hub.clients(), 2);
        drop(a);
        assert!(hub.subscribe().is_ok());
    }
}
