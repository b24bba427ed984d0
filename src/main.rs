//! The `anxuan` executable: parse the command line, run a subcommand, print
//! errors, exit with 0 (ok), 1 (the site has errors, or I/O failed), 2
//! (usage: bad arguments, refused output folder) or 101 (a bug: a panic,
//! reported by `crash`).

use std::process::ExitCode;

use anxuan::cli::{Cli, ColorChoice};
use anxuan::error::Error;
use anxuan::shell::{Shell, Verbosity};
use clap::Parser;

// mimalloc instead of glibc's malloc: a large build makes tens of millions
// of small allocations from two threads; glibc spent a large share of the
// build in malloc/free and returned memory to the kernel only to fault it
// in again (figures in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = if cli.global.quiet {
        Verbosity::Quiet
    } else if cli.global.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let color = match cli.global.color {
        ColorChoice::Auto => None,
        ColorChoice::Always => Some(true),
        ColorChoice::Never => Some(false),
    };
    let shell = Shell::new(verbosity, color);
    anxuan::crash::install();
    // A panic (a bug) unwinds to here, dropping the output stage on the way,
    // so nothing half-written is left; the hook has printed the report.
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        anxuan::cmd::run(&shell, &cli)
    }));
    let Ok(result) = run else {
        return ExitCode::from(101);
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Site(_)) => ExitCode::from(1),
        Err(e @ (Error::Usage(_) | Error::UnsafeOutput { .. })) => {
            shell.error(&e.to_string());
            ExitCode::from(2)
        }
        Err(e) => {
            shell.error(&e.to_string());
            ExitCode::from(1)
        }
    }
}
