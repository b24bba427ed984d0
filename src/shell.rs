//! Human output on stderr, in cargo's style: a right-aligned status verb,
//! then the message; diagnostics like a compiler.
//!
//! Owns: all console output except machine output on stdout; the only use
//! of `anstream` and `anstyle` (they decide whether colour is shown:
//! terminals, `NO_COLOR`, `CLICOLOR_FORCE`, `TERM=dumb`, Windows consoles).
//! Imports: `error` (the diagnostic layout). `--quiet` keeps only errors;
//! `--verbose` adds details.

use std::io::Write;

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Style};

use crate::error::{Diagnostic, Part, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

#[derive(Debug, Clone, Copy)]
pub struct Shell {
    pub verbosity: Verbosity,
    choice: ColorChoice,
}

const GREEN: Style = AnsiColor::Green.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default().bold();
const BOLD: Style = Style::new().bold();

/// `text` in `style`; the stream drops the codes where colour is off.
fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

impl Shell {
    /// `color`: `Some(true/false)` forces; `None` leaves it to the
    /// terminal and the environment.
    pub fn new(verbosity: Verbosity, color: Option<bool>) -> Self {
        let choice = match color {
            Some(true) => ColorChoice::Always,
            Some(false) => ColorChoice::Never,
            None => ColorChoice::Auto,
        };
        Shell { verbosity, choice }
    }

    fn write(&self, line: &str) {
        let mut err = AutoStream::new(std::io::stderr().lock(), self.choice);
        let _ = writeln!(err, "{line}");
    }

    /// `    Building 312 pages`
    pub fn status(&self, verb: &str, message: &str) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        self.write(&format!(
            "{} {message}",
            paint(GREEN, &format!("{verb:>12}"))
        ));
    }

    /// Shown only with `--verbose`.
    pub fn verbose(&self, verb: &str, message: &str) {
        if self.verbosity == Verbosity::Verbose {
            self.write(&format!(
                "{} {message}",
                paint(CYAN, &format!("{verb:>12}"))
            ));
        }
    }

    /// Lines shown as they are (a QR code), unless `--quiet`.
    pub fn block(&self, lines: &[String]) {
        if self.verbosity != Verbosity::Quiet {
            for l in lines {
                self.write(l);
            }
        }
    }

    pub fn error(&self, message: &str) {
        self.write(&format!("{}: {message}", paint(RED, "error")));
    }

    pub fn warn(&self, message: &str) {
        if self.verbosity != Verbosity::Quiet {
            self.write(&format!("{}: {message}", paint(YELLOW, "warning")));
        }
    }

    pub fn diagnostic(&self, d: &Diagnostic) {
        if d.severity == Severity::Warning && self.verbosity == Verbosity::Quiet {
            return;
        }
        self.write(&d.layout(&|part, text| {
            let style = match part {
                Part::Location => BOLD,
                Part::Level(Severity::Error) => RED,
                Part::Level(Severity::Warning) => YELLOW,
                Part::Help => CYAN,
            };
            paint(style, text)
        }));
    }

    pub fn diagnostics(&self, ds: &[Diagnostic]) {
        for d in ds {
            self.diagnostic(d);
        }
    }
}
