//! `anxuan build`: run the pipeline, then write the output (nothing in it
//! changes unless the whole build succeeded).

use std::path::Path;
use std::time::Instant;

use super::{build_options, count_phrase, display, report, site_error};
use crate::cli::BuildArgs;
use crate::error::{Diagnostic, Result, Severity};
use crate::output;
use crate::pipeline;
use crate::shell::Shell;

pub fn run(shell: &Shell, root: &Path, args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let out = args.out.clone().unwrap_or_else(|| root.join("public"));
    // Refuse a dangerous target before doing any work.
    output::check_target(root, &out)?;
    shell.status("Building", &format!("site in {}", display(root)));
    let opts = build_options(&args.site);
    // Pages are staged as soon as they are rendered (a 12,000-page site is
    // never held in memory whole); the output changes only when everything
    // succeeded, and the staging folder is removed otherwise.
    let stage = output::Stage::begin(root, &out)?;
    let write = |path: &str, bytes: &[u8]| {
        stage
            .write_one(path, bytes)
            .map_err(|e| Diagnostic::global(Severity::Error, format!("cannot write: {e}")))
    };
    let build = match pipeline::build_into(root, &opts, &write) {
        Ok(b) => b,
        Err(diags) => {
            let errors = report(shell, &diags);
            let warnings = diags.len() - errors;
            shell.error(&format!(
                "could not build the site: {}; {} was left unchanged",
                count_phrase(errors, warnings),
                display(&out)
            ));
            return Err(site_error(errors));
        }
    };
    report(shell, &build.diags);
    // The site checks of the output: warnings here, errors with
    // `anxuan check --strict`; a rule that is an error by itself
    // (require_reviewer) stops the build before anything is written.
    for f in &build.check.findings {
        shell.diagnostic(&f.diag);
    }
    let check_errors = build
        .check
        .findings
        .iter()
        .filter(|f| f.diag.is_error())
        .count();
    if check_errors > 0 {
        shell.error(&format!(
            "could not build the site: {}; {} was left unchanged",
            count_phrase(check_errors, 0),
            display(&out)
        ));
        return Err(site_error(check_errors));
    }
    let s = &build.stats;
    let mut msg = s.summary();
    if s.unpublished > 0 {
        msg.push_str(&format!(
            ", {} not published (draft, scheduled or expired)",
            s.unpublished
        ));
    }
    shell.status("Rendered", &msg);
    let write_started = Instant::now();
    stage.write(&build.files)?;
    let written = stage.finish(&build.copies)?;
    let mut timings = build.timings.clone();
    timings.push(("finish", write_started.elapsed()));
    shell.verbose(
        "Timings",
        &timings
            .iter()
            .map(|(name, d)| format!("{name} {} ms", d.as_millis()))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let warnings = build
        .diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count()
        + build.check.findings.len();
    let warn = if warnings > 0 {
        format!(", {warnings} warning(s)")
    } else {
        String::new()
    };
    shell.status(
        "Finished",
        &format!(
            "in {:.2}s → {} ({} files, {:.1} MB{warn})",
            started.elapsed().as_secs_f64(),
            display(&out),
            written.files,
            written.bytes as f64 / 1_048_576.0
        ),
    );
    if let Some(d) = too_many_files(written.files) {
        shell.diagnostic(&d);
    }
    // The process exits next.
    build.spent.leak();
    Ok(())
}

/// Cloudflare Pages, and static hosts like it, accept at most this many
/// files per deployment.
const HOST_FILE_LIMIT: usize = 20_000;

/// A warning when the output has more files than such hosts accept.
fn too_many_files(files: usize) -> Option<Diagnostic> {
    (files > HOST_FILE_LIMIT).then(|| {
        Diagnostic::global(
            Severity::Warning,
            format!(
                "the output has {files} files; Cloudflare Pages and some other static hosts \
                 accept at most {HOST_FILE_LIMIT}"
            ),
        )
        .with_help(
            "在 site.yaml 中调大 `paginate`（每页条数，默认 20）可减少列表页；\
             或部署到不限文件数的主机（自建 nginx、对象存储等）",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_only_above_the_host_limit() {
        assert!(too_many_files(HOST_FILE_LIMIT).is_none());
        let d = too_many_files(HOST_FILE_LIMIT + 1).unwrap();
        assert_eq!(d.severity, Severity::Warning);
        assert!(d.message.contains("20001 files"), "{}", d.message);
        assert!(d.help.unwrap().contains("paginate"));
    }
}
