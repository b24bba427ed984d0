//! A resident's phone: at 360 × 740 CSS px the header leaves the first
//! screen to the page (every page type's `<h1>` within 200 px, 260 px in
//! 大字模式), the home page shows the next drill and the latest entries,
//! an article's text starts in the first screen, the search page shows one
//! box and its first result, and 12350, 大字模式 and search stay one tap
//! away — measured in headless Chromium (tests/browser/first_screen.mjs).

use std::collections::BTreeMap;

use crate::static_server;
use crate::support::*;

#[test]
fn first_screen_holds_what_a_resident_needs() {
    let Some(browser) = browser_for("first_screen_holds_what_a_resident_needs") else {
        return;
    };
    let out = build_example();
    let public = out.path().join("public");
    // The longest article: the one whose text is pushed down most.
    let article = item_pages(&public.join("articles"))
        .into_iter()
        .max_by_key(|a| {
            std::fs::metadata(public.join("articles").join(a).join("index.html"))
                .unwrap()
                .len()
        })
        .map(|a| format!("/articles/{a}/"))
        .unwrap();
    let search = format!("/search/?q={}", encode("消防"));
    let mut paths: Vec<String> = vec!["/".into(), article.clone(), "/articles/".into()];
    for dir in ["notices", "documents", "drills", "cases"] {
        paths.push(format!("/{dir}/"));
        paths.push(format!("/{dir}/{}/", first_page(&public.join(dir))));
    }
    paths.extend([
        format!("/areas/{}/", first_page(&public.join("areas"))),
        format!("/tags/{}/", encode(&first_page(&public.join("tags")))),
        "/about/".into(),
        search.clone(),
        "/sitemap/".into(),
        "/404.html".into(),
    ]);
    let server = static_server::serve(public.clone(), "/", BTreeMap::new());
    let profile = tempfile::tempdir().unwrap();
    let mut args = vec![
        server.origin.clone(),
        browser,
        profile.path().to_string_lossy().into_owned(),
        "/".into(),
        article,
        search,
    ];
    args.extend(paths.iter().cloned());
    let (ok, log) = run_node("first_screen.mjs", &args);
    assert!(ok, "first-screen problems:\n{log}");
    // Every page in each of the three reading modes was measured.
    assert!(
        log.contains(&format!("\"checked\":{}", paths.len() * 3)),
        "{log}"
    );
}
