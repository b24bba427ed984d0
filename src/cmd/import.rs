//! `anxuan import FILE_OR_FOLDER... [--column articles] [--dry-run]`: Word
//! documents and saved pages of the old site into Markdown files of a
//! column, each checked with the loader `build` uses, then a summary.
//!
//! Imports `import` (conversion, plan, writing), `content` (the loader),
//! `pipeline` (site.yaml), `dates`, `shell`.
//!
//! Invariants: `--dry-run` writes nothing; nothing existing is replaced;
//! the exit code is 1 when a file was skipped or a written file does not
//! load, 0 otherwise (warnings alone do not fail).

use std::path::Path;

use crate::cli::ImportArgs;
use crate::config::{Config, Kind};
use crate::content::{self, SourceFile};
use crate::dates;
use crate::error::{Diagnostic, Error, Result, Severity};
use crate::import::plan::{self, Planned, Target};
use crate::import::{self, shown};
use crate::pipeline;
use crate::shell::Shell;

/// The column `--column` names (a folder, or a kind for its first
/// column), or the default: `articles`, else the first article column.
fn target_of(cfg: &Config, arg: Option<&str>) -> Result<Target> {
    let articles: Vec<&str> = cfg
        .columns
        .iter()
        .filter(|c| c.kind == Kind::Article)
        .map(|c| c.folder.as_str())
        .collect();
    let Some(arg) = arg else {
        let at = cfg
            .column_of("articles")
            .filter(|&i| cfg.columns[i].kind == Kind::Article)
            .or_else(|| cfg.columns.iter().position(|c| c.kind == Kind::Article))
            .ok_or_else(|| {
                Error::Usage(
                    "the site has no article column to import into; add one to `columns` in site.yaml"
                        .into(),
                )
            })?;
        return Ok(Target::Default(at));
    };
    let at = cfg
        .column_of(arg)
        .or_else(|| {
            let kind = Kind::from_name(arg)?;
            cfg.columns.iter().position(|c| c.kind == kind)
        })
        .ok_or_else(|| {
            Error::Usage(format!(
                "`{arg}` is not a column of the site; article columns: {}",
                articles.join(", ")
            ))
        })?;
    let column = &cfg.columns[at];
    if column.kind != Kind::Article {
        return Err(Error::Usage(format!(
            "`{}` is a column of {}s; import writes articles (date, source, author, editor): use one of {}",
            column.folder,
            column.kind.name(),
            articles.join(", ")
        )));
    }
    Ok(Target::Fixed(at))
}

/// Loads a planned file's `bytes` as `build` would; its diagnostics.
fn validate(cfg: &Config, root: &Path, p: &Planned, bytes: &[u8]) -> Vec<Diagnostic> {
    let stem = p
        .rel
        .rsplit('/')
        .next()
        .unwrap_or(&p.rel)
        .trim_end_matches(".md")
        .to_owned();
    let source = SourceFile {
        rel: p.rel.clone(),
        abs: root.join(&p.rel),
        column: p.column,
        kind: cfg.columns[p.column].kind,
        stem,
    };
    match content::load(&source, bytes, cfg) {
        Ok((_, warnings)) => warnings,
        Err(diags) => diags,
    }
}

pub fn run(shell: &Shell, root: &Path, args: &ImportArgs) -> Result<()> {
    let cfg = match pipeline::load_config(root) {
        Ok(c) => c,
        Err(diags) => {
            let n = super::report(shell, &diags);
            return Err(Error::Site(n));
        }
    };
    let target = target_of(&cfg, args.column.as_deref())?;
    let today = dates::today(dates::wall_clock(), &cfg.tz);
    let (files, mut skipped) = import::collect(&args.paths);
    if files.is_empty() && skipped.is_empty() {
        return Err(Error::Usage(format!(
            "no .docx or .html files in {}",
            args.paths
                .iter()
                .map(|p| shown(p))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut docs = Vec::new();
    for f in files {
        match import::convert(&f, &cfg.tz) {
            Ok(doc) => docs.push(doc),
            Err(why) => skipped.push(why),
        }
    }
    let planned = plan::plan(docs, &cfg, target, root, &today);
    let (mut done, mut failed, mut warnings) = (0usize, 0usize, 0usize);
    for p in &planned {
        let bytes = if args.dry_run {
            p.text.clone().into_bytes()
        } else {
            if let Err(e) = plan::write(root, p) {
                shell.error(&e.to_string());
                failed += 1;
                continue;
            }
            match std::fs::read(root.join(&p.rel)) {
                Ok(b) => b,
                Err(e) => {
                    shell.error(&Error::io(root.join(&p.rel), e).to_string());
                    failed += 1;
                    continue;
                }
            }
        };
        let mut diags: Vec<Diagnostic> = p.doc.warnings.clone();
        diags.extend(p.notes.iter().cloned());
        let loaded = validate(&cfg, root, p, &bytes);
        let broken = loaded.iter().any(Diagnostic::is_error);
        diags.extend(loaded);
        let images = match p.doc.images.len() {
            0 => String::new(),
            1 => format!(", 1 image in {}/", p.images_rel),
            n => format!(", {n} images in {}/", p.images_rel),
        };
        let date = p
            .text
            .lines()
            .find_map(|l| l.strip_prefix("date: "))
            .unwrap_or("");
        let verb = if args.dry_run {
            "Would write"
        } else {
            "Imported"
        };
        shell.status(
            verb,
            &format!(
                "{} → {} (“{}”, {date}{images})",
                shown(&p.doc.input),
                p.rel,
                p.title
            ),
        );
        warnings += diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        shell.diagnostics(&diags);
        if broken {
            failed += 1;
        } else {
            done += 1;
        }
    }
    shell.diagnostics(&skipped);
    let summary = format!(
        "{} {}, {} skipped, {}",
        done,
        if args.dry_run {
            "would be imported"
        } else {
            "imported"
        },
        skipped.len() + failed,
        match warnings {
            1 => "1 warning".to_owned(),
            n => format!("{n} warnings"),
        }
    );
    if args.dry_run {
        shell.status(
            "Finished",
            &format!("dry run: {summary}; nothing was written"),
        );
    } else {
        shell.status("Finished", &summary);
    }
    match skipped.len() + failed {
        0 => Ok(()),
        n => Err(Error::Site(n)),
    }
}
