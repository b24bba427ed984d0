//! The last test target of `cargo test` (no harness): lists the tests of
//! this run that were skipped because a tool is missing, with the command
//! that installs it, so the summary does not end on a silent `ok`.
//!
//! The `it` binary records each skip in `CARGO_TARGET_TMPDIR` under the
//! id of the process running this test run (cargo); records of other runs
//! are left alone.

use std::path::PathBuf;

#[allow(clippy::print_stderr)]
fn main() {
    let run = std::os::unix::process::parent_id();
    let record = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("skipped-{run}.txt"));
    let Ok(text) = std::fs::read_to_string(&record) else {
        eprintln!("skipped tests: none");
        return;
    };
    let _ = std::fs::remove_file(&record);
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    eprintln!(
        "\nSKIPPED {} test(s) that need tools this machine lacks (CI installs them, see .ci/run):",
        lines.len()
    );
    for l in &lines {
        eprintln!("  {l}");
    }
    eprintln!(
        "install: apt-get install -y chromium libxml2-utils zbar-tools poppler-utils && npm ci"
    );
}
