//! Site checks run on the built site: the rendered output is crawled
//! (internal links, anchors, images, alt text — including links written
//! in templates), and the government-site rules are checked (publication
//! dates, stale columns, footer marks, reviewers).
//!
//! Owns: [`Finding`] and the rules. Imports: `site`, `content`, `config`,
//! `dates`, `error`, `render` (the output map and the HTML scanner). The
//! crawl and the site rules are pure; only [`external`] touches the
//! network, and only when asked (`anxuan check --external`).
//!
//! Invariants: findings are sorted and deterministic; a finding is a
//! warning unless its rule is an error by definition (`require_reviewer`);
//! `--strict` turns every warning into an error (the caller does that).

pub mod crawl;
pub mod external;
mod files;
mod meta;
pub mod report;
pub mod rules;

use serde::Serialize;

use rayon::prelude::*;

use crate::content::Asset;
use crate::error::{Diagnostic, Severity};

use crate::render::Files;
use crate::site::Site;

/// Whether the output `path` is scanned as a page of the site: an HTML
/// file that is not a 公众号 export (a document for an editor, which no
/// page links and whose links are absolute; `render::wechat`).
pub fn is_page(path: &str) -> bool {
    path.ends_with(".html") && !crate::render::wechat::is_export(path)
}

/// What the checks know of a build's output: every rendered path, and a
/// scan of every HTML page taken while it was in memory.
#[derive(Debug, Default)]
pub struct Scanned {
    /// Every rendered output path (copied assets are passed separately).
    pub paths: Vec<String>,
    /// Each HTML page's scan, by output path.
    pub pages: Vec<(String, crawl::PageScan)>,
    /// The links of all pages, each text once.
    links: crate::hash::FxSet<std::sync::Arc<str>>,
}

impl Scanned {
    /// The paths of rendered files and a scan of each HTML page (in
    /// parallel).
    pub fn of(site: &Site, files: &Files) -> Scanned {
        let marks = rules::footer_marks(site);
        let pages: Vec<_> = files
            .par_iter()
            .filter(|(p, _)| is_page(p))
            .map(|(p, bytes)| (p.clone(), crawl::scan(bytes, &marks)))
            .collect();
        let mut scanned = Scanned {
            paths: files.keys().cloned().collect(),
            ..Scanned::default()
        };
        for (path, scan) in pages {
            scanned.add(path, scan);
        }
        scanned
    }

    /// Adds the scan of the page at `path`, its links shared with equal
    /// links of the pages before it (most are the same menu, stylesheet
    /// and list links: a lower peak memory on large sites).
    pub fn add(&mut self, path: String, mut scan: crawl::PageScan) {
        for (url, _, _) in &mut scan.refs {
            match self.links.get(&**url) {
                Some(shared) => *url = std::sync::Arc::clone(shared),
                None => {
                    self.links.insert(std::sync::Arc::clone(url));
                }
            }
        }
        self.pages.push((path, scan));
    }
}

/// One problem found by a check, with the rule that found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A short stable name, e.g. `broken-link` (for `--format json`).
    pub rule: &'static str,
    pub diag: Diagnostic,
}

impl Finding {
    pub fn warning(rule: &'static str, diag: Diagnostic) -> Self {
        let mut diag = diag;
        diag.severity = Severity::Warning;
        Finding { rule, diag }
    }

    pub fn error(rule: &'static str, diag: Diagnostic) -> Self {
        let mut diag = diag;
        diag.severity = Severity::Error;
        Finding { rule, diag }
    }
}

/// The JSON form of a finding (or of any diagnostic, with rule `content`).
#[derive(Debug, Serialize)]
pub struct JsonFinding<'a> {
    pub rule: &'a str,
    pub severity: Severity,
    pub file: Option<&'a str>,
    pub line: usize,
    pub col: usize,
    pub message: &'a str,
    pub help: Option<&'a str>,
}

impl<'a> JsonFinding<'a> {
    pub fn new(rule: &'a str, d: &'a Diagnostic) -> Self {
        JsonFinding {
            rule,
            severity: d.severity,
            file: d.span.as_ref().map(|s| s.path.as_str()),
            line: d.span.as_ref().map_or(0, |s| s.line),
            col: d.span.as_ref().map_or(0, |s| s.col),
            message: &d.message,
            help: d.help.as_deref(),
        }
    }
}

/// The result of checking a built site.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// External URLs linked from the site → the first place each is linked
    /// from (checked only with `--external`).
    pub external: Vec<(String, crawl::Place)>,
    /// The column and page of each finding's file (`check --report`).
    pub locator: report::Locator,
}

/// Runs every offline check on a built site.
pub fn run(site: &Site, scanned: &Scanned, copies: &[Asset]) -> Report {
    let mut findings = rules::site_rules(site);
    findings.extend(rules::footer_rendered(site, scanned));
    findings.extend(meta::rendered(site, scanned));
    findings.extend(files::published(copies));
    let crawled = crawl::crawl(site, &scanned.paths, &scanned.pages, copies);
    findings.extend(crawled.findings);
    sort(&mut findings);
    Report {
        findings,
        external: crawled.external,
        locator: report::Locator::new(site),
    }
}

/// Sorts findings like diagnostics: by file, line, column, then rule.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (
            a.diag.span.as_ref(),
            a.diag.severity,
            &a.diag.message,
            a.rule,
        )
            .cmp(&(
                b.diag.span.as_ref(),
                b.diag.severity,
                &b.diag.message,
                b.rule,
            ))
    });
    findings.dedup();
}
