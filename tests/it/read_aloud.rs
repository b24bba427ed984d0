//! 朗读: an item page reads its title and text aloud with the browser's own
//! speech synthesis, in order, marking what is read; pause, speed, stop
//! and the keyboard work; without speech synthesis or a Chinese voice
//! there is no control. Checked in headless Chromium with a recording
//! `speechSynthesis` (tests/browser/read_aloud.mjs).

use std::collections::BTreeMap;

use crate::static_server;
use crate::support::*;

#[test]
fn read_aloud_reads_title_and_paragraphs_in_order() {
    let Some(browser) = browser_for("read_aloud_reads_title_and_paragraphs_in_order") else {
        return;
    };
    let out = build_example();
    let public = out.path().join("public");
    // A drill: headings, a numbered list and paragraphs.
    let path = format!("/drills/{}/", first_page(&public.join("drills")));
    let server = static_server::serve(public, "/", BTreeMap::new());
    let profile = tempfile::tempdir().unwrap();
    let (ok, log) = run_node(
        "read_aloud.mjs",
        &[
            server.origin.as_str(),
            browser.as_str(),
            &profile.path().to_string_lossy(),
            &path,
        ],
    );
    assert!(ok, "朗读 problems:\n{log}");
    assert!(log.contains("\"problems\":0"), "{log}");
}
