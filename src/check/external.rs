//! `anxuan check --external`: external links are fetched (HEAD, then GET
//! when a server refuses HEAD) with a timeout, a few at a time.
//!
//! Owns: the only use of `ureq` and the only network access of anxuan.
//! Imports: the parent module (`Finding`, `crawl::Place`), `error`.
//!
//! Invariants: never runs unless asked; the verdict on each URL is a pure
//! function of its probe result ([`verdict`]), so it is tested without a
//! network; results are reported in URL order.

use std::time::Duration;

use rayon::prelude::*;

use super::Finding;
use super::crawl::Place;
use crate::error::{Diagnostic, Span};

/// What a probe of one URL saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Status(u16),
    Failed(String),
}

/// Probes URLs over HTTP(S).
pub struct HttpProber {
    agent: ureq::Agent,
}

impl HttpProber {
    pub fn new(timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(format!(
                "anxuan-check/{} (link checker)",
                env!("CARGO_PKG_VERSION")
            ))
            .build();
        HttpProber {
            agent: ureq::Agent::new_with_config(config),
        }
    }

    /// HEAD, and GET when the server does not accept HEAD.
    pub fn probe(&self, url: &str) -> Probe {
        let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| match r {
            Ok(resp) => Probe::Status(resp.status().as_u16()),
            Err(e) => Probe::Failed(e.to_string()),
        };
        match status(self.agent.head(url).call()) {
            Probe::Status(405 | 403 | 501) | Probe::Failed(_) => status(self.agent.get(url).call()),
            p => p,
        }
    }
}

/// The finding for one probed URL, if it is broken.
pub fn verdict(url: &str, place: &Place, probe: &Probe) -> Option<Finding> {
    let problem = match probe {
        Probe::Status(s) if *s < 400 => return None,
        Probe::Status(s) => format!("HTTP {s}"),
        Probe::Failed(e) => e.clone(),
    };
    Some(Finding::warning(
        "external-link",
        Diagnostic::warning(
            Span::new(place.out.clone(), place.line, 0),
            format!("external link `{url}` failed: {problem}"),
        )
        .with_help("外部链接无法访问：请核对网址，或改为链接到有效页面"),
    ))
}

/// Probes every URL (at most `parallel` at a time) and returns the findings.
pub fn check(
    urls: &[(String, Place)],
    parallel: usize,
    probe: &(dyn Fn(&str) -> Probe + Sync),
) -> Vec<Finding> {
    let run = || -> Vec<Finding> {
        urls.par_iter()
            .filter_map(|(u, p)| verdict(u, p, &probe(u)))
            .collect()
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(parallel.max(1))
        .build()
    {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_flags_errors_and_failures_only() {
        let p = Place {
            out: "index.html".into(),
            line: 3,
        };
        assert!(verdict("https://a", &p, &Probe::Status(200)).is_none());
        assert!(verdict("https://a", &p, &Probe::Status(301)).is_none());
        let f = verdict("https://a", &p, &Probe::Status(404)).unwrap();
        assert_eq!(f.rule, "external-link");
        assert!(f.diag.message.contains("HTTP 404"));
        assert!(verdict("https://a", &p, &Probe::Failed("timeout".into())).is_some());
    }

    #[test]
    fn check_keeps_url_order() {
        let p = Place {
            out: "index.html".into(),
            line: 1,
        };
        let urls: Vec<(String, Place)> = ["https://a/1", "https://a/2", "https://a/3"]
            .iter()
            .map(|u| ((*u).to_owned(), p.clone()))
            .collect();
        let f = check(&urls, 2, &|u: &str| {
            if u.ends_with('2') {
                Probe::Status(200)
            } else {
                Probe::Status(500)
            }
        });
        assert_eq!(f.len(), 2);
        assert!(f[0].diag.message.contains("/1"));
        assert!(f[1].diag.message.contains("/3"));
    }
}
