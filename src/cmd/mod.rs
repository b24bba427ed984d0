//! Subcommands, one module each. Each takes parsed arguments and the shell
//! and returns `Ok` or an [`Error`] whose kind picks the exit code;
//! [`run`] picks the subcommand and hands it the global `--root`.
//!
//! Imports: everything below `cmd` in the module map; nothing imports `cmd`
//! except `main.rs`.

pub mod build;
pub mod check;
pub mod completion;
pub mod import;
pub mod init;
pub mod new;
pub mod serve;

use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, SiteArgs};
use crate::error::{Diagnostic, Error, Severity};
use crate::pipeline::BuildOptions;
use crate::shell::Shell;
use crate::site::PublishOptions;

/// Runs the subcommand of `cli`.
pub fn run(shell: &Shell, cli: &Cli) -> Result<(), Error> {
    let root = cli.global.root.as_deref();
    match &cli.command {
        Command::Build(args) => build::run(shell, &root_of(root), args),
        Command::Check(args) => check::run(shell, &root_of(root), args),
        Command::Serve(args) => serve::run(shell, &root_of(root), args),
        Command::Init(args) => init::run(shell, root, args),
        Command::New(args) => new::run(shell, &root_of(root), args),
        Command::Import(args) => import::run(shell, &root_of(root), args),
        Command::Completion(args) => completion::run(args),
    }
}

/// The site root from `--root` (default: the current directory).
pub fn root_of(root: Option<&Path>) -> PathBuf {
    root.map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

pub(crate) fn build_options(args: &SiteArgs) -> BuildOptions {
    BuildOptions {
        publish: PublishOptions {
            drafts: args.drafts,
            future: args.future,
            expired: args.expired,
        },
        now: args.now.clone(),
        base_url: args.base_url.clone(),
        relative: args.relative,
        render: Default::default(),
        background_images: None,
    }
}

/// Prints diagnostics and a summary line; returns the error count.
pub(crate) fn report(shell: &Shell, diags: &[Diagnostic]) -> usize {
    shell.diagnostics(diags);
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

pub(crate) fn count_phrase(errors: usize, warnings: usize) -> String {
    let e = if errors == 1 {
        "1 error".to_owned()
    } else {
        format!("{errors} errors")
    };
    match warnings {
        0 => e,
        1 => format!("{e}, 1 warning"),
        n => format!("{e}, {n} warnings"),
    }
}

pub(crate) fn display(path: &Path) -> String {
    path.display().to_string()
}

pub(crate) fn site_error(n: usize) -> Error {
    Error::Site(n)
}
