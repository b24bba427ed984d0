//! Human output on stderr, in cargo's style: a right-aligned status verb,
//! then the message; diagnostics like a compiler.
//!
//! Owns: all console output except machine output on stdout. Imports:
//! `error`. `--quiet` keeps only errors; `--verbose` adds details.

use std::io::{IsTerminal, Write};

use crate::error::{Diagnostic, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

#[derive(Debug, Clone, Copy)]
pub struct Shell {
    pub verbosity: Verbosity,
    pub color: bool,
}

const GREEN: &str = "\x1b[1;32m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const CYAN: &str = "\x1b[1;36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Shell {
    /// `color`: `Some(true/false)` forces; `None` means "if stderr is a terminal".
    pub fn new(verbosity: Verbosity, color: Option<bool>) -> Self {
        let color = color.unwrap_or_else(|| {
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        });
        Shell { verbosity, color }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    fn write(&self, line: &str) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    }

    /// `    Building 312 pages`
    pub fn status(&self, verb: &str, message: &str) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        self.write(&format!(
            "{} {message}",
            self.paint(GREEN, &format!("{verb:>12}"))
        ));
    }

    /// Shown only with `--verbose`.
    pub fn verbose(&self, verb: &str, message: &str) {
        if self.verbosity == Verbosity::Verbose {
            self.write(&format!(
                "{} {message}",
                self.paint(CYAN, &format!("{verb:>12}"))
            ));
        }
    }

    pub fn error(&self, message: &str) {
        self.write(&format!("{}: {message}", self.paint(RED, "error")));
    }

    pub fn warn(&self, message: &str) {
        if self.verbosity != Verbosity::Quiet {
            self.write(&format!("{}: {message}", self.paint(YELLOW, "warning")));
        }
    }

    pub fn diagnostic(&self, d: &Diagnostic) {
        if d.severity == Severity::Warning && self.verbosity == Verbosity::Quiet {
            return;
        }
        let (code, level) = match d.severity {
            Severity::Error => (RED, "error"),
            Severity::Warning => (YELLOW, "warning"),
        };
        let mut s = String::new();
        if let Some(span) = &d.span {
            s.push_str(&self.paint(BOLD, &format!("{span}:")));
            s.push(' ');
        }
        s.push_str(&self.paint(code, level));
        s.push_str(": ");
        s.push_str(&d.message);
        if let Some(help) = &d.help {
            for line in help.lines() {
                s.push_str(&format!("\n  {} {line}", self.paint(CYAN, "help:")));
            }
        }
        self.write(&s);
    }

    pub fn diagnostics(&self, ds: &[Diagnostic]) {
        for d in ds {
            self.diagnostic(d);
        }
    }
}
