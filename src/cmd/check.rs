//! `anxuan check`: everything `build` validates, nothing written.

use super::{build_options, count_phrase, display, report, root_of, site_error};
use crate::cli::CheckArgs;
use crate::error::{Result, Severity};
use crate::pipeline;
use crate::shell::Shell;

pub fn run(shell: &Shell, args: &CheckArgs) -> Result<()> {
    let root = root_of(&args.site.root);
    shell.status("Checking", &format!("site in {}", display(&root)));
    let mut opts = build_options(&args.site);
    // Check drafts and scheduled content too: they will be published one day.
    opts.publish.drafts = true;
    opts.publish.future = true;
    match pipeline::build(&root, &opts) {
        Ok(build) => {
            report(shell, &build.diags);
            let warnings = build
                .diags
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count();
            let s = &build.stats;
            shell.status(
                "Finished",
                &format!(
                    "no errors in {} pages{}",
                    s.articles + s.drills + s.cases + s.pages,
                    if warnings > 0 {
                        format!(" ({warnings} warning(s))")
                    } else {
                        String::new()
                    }
                ),
            );
            Ok(())
        }
        Err(diags) => {
            let errors = report(shell, &diags);
            shell.error(&format!(
                "the site has problems: {}",
                count_phrase(errors, diags.len() - errors)
            ));
            Err(site_error(errors))
        }
    }
}
