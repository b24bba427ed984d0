//! Symbolic links: used only when they lead to a place inside the site
//! root; anything else is skipped with a warning naming link and target.
#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::Path;

use crate::support::{TestSite, anxuan, article, stderr};

/// A site with one article, and a folder beside it (outside the site)
/// holding a secret file and a Markdown page.
fn site_and_outside() -> (TestSite, tempfile::TempDir) {
    let site = TestSite::new();
    site.write("content/articles/a.md", &article("", "正文。"));
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "SECRET").unwrap();
    std::fs::write(
        outside.path().join("leak.md"),
        article("", "SECRET 外部正文。"),
    )
    .unwrap();
    (site, outside)
}

fn build_out(root: &Path) -> (std::process::Output, std::path::PathBuf) {
    let out = root.join("public");
    let o = anxuan(root, &["build", "--now", crate::support::NOW]);
    (o, out)
}

/// No file of the output holds the secret.
fn assert_no_secret(out: &Path) {
    for (path, bytes) in crate::support::snapshot_dir(out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("SECRET"),
            "{path} was published from outside the site"
        );
    }
}

#[test]
fn static_folder_linked_outside_is_skipped_and_named() {
    let (site, outside) = site_and_outside();
    symlink(outside.path(), site.root().join("static")).unwrap();
    let (o, out) = build_out(site.root());
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!out.join("secret.txt").exists());
    assert_no_secret(&out);
    let target = outside.path().canonicalize().unwrap();
    assert!(
        err.contains(&format!(
            "static: warning: symbolic link to `{}` skipped: it leads outside the site",
            target.display()
        )),
        "{err}"
    );
    assert!(err.contains("help: 为安全起见"), "{err}");
}

#[test]
fn linked_folder_and_file_inside_content_leading_outside_are_skipped() {
    let (site, outside) = site_and_outside();
    symlink(outside.path(), site.root().join("content/articles/more")).unwrap();
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    symlink(
        outside.path().join("secret.txt"),
        site.root().join("static/secret.txt"),
    )
    .unwrap();
    let (o, out) = build_out(site.root());
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!out.join("articles/more").exists());
    assert!(!out.join("secret.txt").exists());
    assert_no_secret(&out);
    assert!(
        err.contains("content/articles/more: warning: symbolic link to"),
        "{err}"
    );
    assert!(
        err.contains("static/secret.txt: warning: symbolic link to"),
        "{err}"
    );
}

#[test]
fn links_that_stay_inside_the_site_are_followed() {
    let site = TestSite::new();
    site.write("content/articles/a.md", &article("", "正文。"));
    site.write(
        "shared/images/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write("shared/posts/b.md", &article("", "共享正文。"));
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    symlink("../shared/images", site.root().join("static/img")).unwrap();
    symlink(
        "../../shared/posts",
        site.root().join("content/articles/shared"),
    )
    .unwrap();
    symlink(
        "../shared/images/logo.svg",
        site.root().join("static/logo.svg"),
    )
    .unwrap();
    let (o, out) = build_out(site.root());
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.join("img/logo.svg").is_file(), "{err}");
    assert!(out.join("logo.svg").is_file(), "{err}");
    let page = std::fs::read_to_string(out.join("articles/b/index.html")).unwrap();
    assert!(page.contains("共享正文"));
    assert!(!err.contains("symbolic link"), "{err}");
}

#[test]
fn linked_folder_loop_is_warned_and_the_build_ends() {
    let site = TestSite::new();
    site.write("content/articles/a.md", &article("", "正文。"));
    symlink("..", site.root().join("content/articles/loop")).unwrap();
    symlink("loop-b", site.root().join("content/articles/loop-a")).unwrap();
    symlink("loop-a", site.root().join("content/articles/loop-b")).unwrap();
    let (o, out) = build_out(site.root());
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.join("articles/a/index.html").is_file());
    assert!(
        err.contains("content/articles/loop: warning: symbolic link to")
            && err.contains("already published here"),
        "{err}"
    );
    assert!(
        err.contains("content/articles/loop-a: warning: symbolic link to `loop-b` skipped"),
        "{err}"
    );
}

#[test]
fn theme_folder_linked_outside_is_not_read() {
    let (site, outside) = site_and_outside();
    site.write(
        "site.yaml",
        &format!("{}theme: mine\n", crate::support::SITE_YAML),
    );
    std::fs::create_dir_all(outside.path().join("templates")).unwrap();
    std::fs::write(
        outside.path().join("templates/base.html"),
        "SECRET {% block content %}{% endblock %}",
    )
    .unwrap();
    std::fs::create_dir_all(site.root().join("themes")).unwrap();
    symlink(outside.path(), site.root().join("themes/mine")).unwrap();
    let (o, out) = build_out(site.root());
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_no_secret(&out);
    assert!(
        err.contains("themes/mine: warning: symbolic link to"),
        "{err}"
    );
}

#[test]
fn site_root_given_as_a_link_builds() {
    let (site, _outside) = site_and_outside();
    let holder = tempfile::tempdir().unwrap();
    let link = holder.path().join("site");
    symlink(site.root(), &link).unwrap();
    let o = anxuan(
        holder.path(),
        &["build", "--root", "site", "--now", crate::support::NOW],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.root().join("public/articles/a/index.html").is_file());
}

#[test]
fn site_icon_linked_outside_leaves_the_theme_icon_in_place() {
    let (site, outside) = site_and_outside();
    std::fs::write(outside.path().join("favicon.ico"), "SECRET").unwrap();
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    symlink(
        outside.path().join("favicon.ico"),
        site.root().join("static/favicon.ico"),
    )
    .unwrap();
    let (o, out) = build_out(site.root());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_no_secret(&out);
    assert!(!out.join("favicon.ico").exists());
    // Pages link the theme's (hashed) icon, which is published.
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    let at = page.find("rel=\"icon\"").expect("an icon link");
    let href = page[at..].split("href=\"").nth(1).unwrap();
    let href = &href[..href.find('"').unwrap()];
    assert!(href.contains("/img/favicon."), "{href}");
    assert!(out.join(href.trim_start_matches('/')).is_file(), "{href}");
}
