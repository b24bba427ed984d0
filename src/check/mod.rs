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
pub mod rules;

use serde::Serialize;

use crate::content::Asset;
use crate::error::{Diagnostic, Severity};
use std::borrow::Cow;
use std::path::PathBuf;

use crate::render::Files;
use crate::site::Site;

/// What the checks read of a build's output: the rendered files in memory,
/// or (`anxuan build`, which writes pages as soon as they are rendered)
/// read back from the staging folder.
pub trait Source: Sync {
    /// Every rendered output path (copied assets are passed separately).
    fn paths(&self) -> Vec<&str>;
    /// The bytes of one rendered file.
    fn read(&self, path: &str) -> Option<Cow<'_, [u8]>>;
}

impl Source for Files {
    fn paths(&self) -> Vec<&str> {
        self.keys().map(String::as_str).collect()
    }
    fn read(&self, path: &str) -> Option<Cow<'_, [u8]>> {
        self.get(path).map(|b| Cow::Borrowed(b.as_slice()))
    }
}

/// Rendered files already written to `dir`.
pub struct OnDisk {
    pub dir: PathBuf,
    pub paths: Vec<String>,
}

impl Source for OnDisk {
    fn paths(&self) -> Vec<&str> {
        self.paths.iter().map(String::as_str).collect()
    }
    fn read(&self, path: &str) -> Option<Cow<'_, [u8]>> {
        std::fs::read(self.dir.join(path)).ok().map(Cow::Owned)
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
}

/// Runs every offline check on a built site.
pub fn run(site: &Site, files: &dyn Source, copies: &[Asset]) -> Report {
    let mut findings = rules::site_rules(site);
    findings.extend(rules::footer_rendered(site, files));
    let crawled = crawl::crawl(site, files, copies);
    findings.extend(crawled.findings);
    sort(&mut findings);
    Report {
        findings,
        external: crawled.external,
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
