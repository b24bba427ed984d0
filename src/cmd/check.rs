//! `anxuan check`: everything `build` validates, plus the checks of the
//! rendered site (links, anchors, images, alt text, dates, stale columns,
//! footer marks, reviewers); nothing written.
//!
//! Findings are warnings unless `--strict`; `--format json` prints one JSON
//! object on stdout (the only use of stdout) and keeps the summary on
//! stderr; `--external` also fetches external links; `--report FILE`
//! also writes the findings as one HTML page for supervisors.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use super::{build_options, count_phrase, display, site_error};
use crate::check::{self, Finding, JsonFinding, external};
use crate::cli::{CheckArgs, OutputFormat};
use crate::error::{Diagnostic, Error, Result, Severity};
use crate::pipeline;
use crate::shell::Shell;

/// Parallel requests for `--external`.
const EXTERNAL_PARALLEL: usize = 8;

fn print_json(diags: &[Diagnostic], findings: &[Finding]) -> Result<()> {
    let list: Vec<JsonFinding<'_>> = diags
        .iter()
        .map(|d| JsonFinding::new("content", d))
        .chain(findings.iter().map(|f| JsonFinding::new(f.rule, &f.diag)))
        .collect();
    let count = |s: Severity| list.iter().filter(|f| f.severity == s).count();
    let doc = serde_json::json!({
        "version": 1,
        "errors": count(Severity::Error),
        "warnings": count(Severity::Warning),
        "findings": list,
    });
    let mut out = std::io::stdout().lock();
    writeln!(out, "{doc:#}")
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("<stdout>", e))
}

/// Writes the `--report` page, if asked for.
fn write_report(
    shell: &Shell,
    args: &CheckArgs,
    locator: &check::report::Locator,
    diags: &[Diagnostic],
    findings: &[Finding],
) -> Result<()> {
    let Some(path) = &args.report else {
        return Ok(());
    };
    let html = check::report::render(locator, diags, findings, args.strict)
        .map_err(|d| Error::Other(d.to_string()))?;
    crate::output::write_file(path, html.as_bytes())?;
    shell.status("Wrote", &format!("report {}", display(path)));
    Ok(())
}

pub fn run(shell: &Shell, root: &Path, args: &CheckArgs) -> Result<()> {
    let json = args.format == OutputFormat::Json;
    shell.status("Checking", &format!("site in {}", display(root)));
    let mut opts = build_options(&args.site);
    // Check drafts and scheduled content too: they will be published one
    // day. Expired content is gone for good; `--expired` checks it too.
    opts.publish.drafts = true;
    opts.publish.future = true;
    let build = match pipeline::build(root, &opts) {
        Ok(build) => build,
        Err(diags) => {
            if json {
                print_json(&diags, &[])?;
            } else {
                shell.diagnostics(&diags);
            }
            write_report(shell, args, &Default::default(), &diags, &[])?;
            let errors = diags.iter().filter(|d| d.is_error()).count();
            shell.error(&format!(
                "the site has problems: {}",
                count_phrase(errors, diags.len() - errors)
            ));
            return Err(site_error(errors));
        }
    };
    let mut findings = build.check.findings.clone();
    if args.external {
        shell.status(
            "Fetching",
            &format!("{} external links", build.check.external.len()),
        );
        let prober = external::HttpProber::new(Duration::from_secs(args.timeout.max(1)));
        findings.extend(external::check(
            &build.check.external,
            EXTERNAL_PARALLEL,
            &|u: &str| prober.probe(u),
        ));
        check::sort(&mut findings);
    }
    if args.strict {
        for f in &mut findings {
            f.diag.severity = Severity::Error;
        }
    }
    if json {
        print_json(&build.diags, &findings)?;
    } else {
        shell.diagnostics(&build.diags);
        for f in &findings {
            shell.diagnostic(&f.diag);
        }
        if !findings.is_empty() {
            shell.block(&summary(&findings));
        }
    }
    write_report(shell, args, &build.check.locator, &build.diags, &findings)?;
    let all = || build.diags.iter().chain(findings.iter().map(|f| &f.diag));
    let errors = all().filter(|d| d.is_error()).count();
    let warnings = all().count() - errors;
    let s = &build.stats;
    let pages = s.total();
    if errors > 0 {
        shell.error(&format!(
            "the site has problems: {}{}",
            count_phrase(errors, warnings),
            if args.strict { " (--strict)" } else { "" }
        ));
        return Err(site_error(errors));
    }
    shell.status(
        "Finished",
        &format!(
            "no errors in {pages} pages{}",
            if warnings > 0 {
                format!(" ({warnings} warning(s))")
            } else {
                String::new()
            }
        ),
    );
    Ok(())
}

/// The findings counted per rule, as a table for the end of the report:
/// `rule  errors  warnings`, rules by name.
fn summary(findings: &[check::Finding]) -> Vec<String> {
    let mut counts: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for f in findings {
        let c = counts.entry(f.rule).or_default();
        if f.diag.is_error() {
            c.0 += 1;
        } else {
            c.1 += 1;
        }
    }
    let width = counts.keys().map(|r| r.len()).max().unwrap_or(4).max(4);
    let mut lines = vec![format!(
        "{:<width$}  {:>6}  {:>8}",
        "rule", "errors", "warnings"
    )];
    for (rule, (e, w)) in counts {
        lines.push(format!("{rule:<width$}  {e:>6}  {w:>8}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Diagnostic, Span};

    #[test]
    fn summary_counts_findings_per_rule() {
        let f = |rule, error: bool| {
            let d = Diagnostic::warning(Span::file("a.md"), "x");
            if error {
                check::Finding::error(rule, d)
            } else {
                check::Finding::warning(rule, d)
            }
        };
        let lines = summary(&[
            f("mobile", false),
            f("personal-id", true),
            f("mobile", false),
        ]);
        assert_eq!(
            lines,
            [
                "rule         errors  warnings",
                "mobile            0         2",
                "personal-id       1         0",
            ]
        );
    }
}
