//! The command line: exit codes, output-folder safety, init, new, check,
//! global options, aliases, completion scripts.

use crate::support::*;

#[test]
fn version_and_help_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    let o = anxuan(dir.path(), &["--version"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains(env!("CARGO_PKG_VERSION")));
    let o = anxuan(dir.path(), &["--help"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("Examples:") && out.contains("anxuan build"),
        "{out}"
    );
}

#[test]
fn usage_error_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        anxuan(dir.path(), &["build", "--no-such-flag"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(anxuan(dir.path(), &["frobnicate"]).status.code(), Some(2));
}

#[test]
fn build_outside_a_site_explains_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let o = anxuan(dir.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("site.yaml:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("anxuan init"), "{}", stderr(&o));
}

fn refused(site: &TestSite, out: &str) -> String {
    let o = site.run(&["build", "--now", NOW, "--out", out]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--out {out} must be refused: {}",
        stderr(&o)
    );
    stderr(&o)
}

#[test]
fn out_refusals_never_delete_anything() {
    let site = TestSite::new();
    site.write("content/articles/a.md", &article("", "正文"));
    let before = snapshot_dir(site.root());
    assert!(refused(&site, ".").contains("site root"));
    assert!(refused(&site, "content").contains("content"));
    assert!(refused(&site, "..").contains("contains the site root"));
    site.write("other/content/x.md", "x")
        .write("mine/notes.txt", "私人文件")
        .write("file.txt", "x");
    assert!(refused(&site, "other").contains("content"));
    assert!(refused(&site, "mine").contains("not empty"));
    assert!(refused(&site, "file.txt").contains("file"));
    let after = snapshot_dir(site.root());
    for (k, v) in &before {
        assert_eq!(after.get(k), Some(v), "{k} changed");
    }
    assert_eq!(
        std::fs::read_to_string(site.root().join("mine/notes.txt")).unwrap(),
        "私人文件"
    );
}

#[test]
fn out_created_by_anxuan_is_replaced_and_empty_folder_accepted() {
    let site = TestSite::new();
    site.write("content/articles/a.md", &article("", "正文"));
    std::fs::create_dir(site.root().join("empty")).unwrap();
    let o = site.run(&["build", "--now", NOW, "--out", "empty"]);
    assert!(o.status.success(), "{}", stderr(&o));
    site.write("content/articles/b.md", &article("", "第二篇"));
    std::fs::remove_file(site.root().join("content/articles/a.md")).unwrap();
    let o = site.run(&["build", "--now", NOW, "--out", "empty"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.root().join("empty/articles/b/index.html").exists());
    assert!(
        !site.root().join("empty/articles/a").exists(),
        "stale pages are removed by the swap"
    );
}

#[test]
fn init_creates_a_site_that_builds_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let o = anxuan(dir.path(), &["init", "mysite"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let root = dir.path().join("mysite");
    assert!(root.join("site.yaml").is_file());
    assert!(
        !root.join("themes").exists(),
        "the default theme is built in"
    );
    let o = anxuan(&root, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = anxuan(&root, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for kind in ["articles", "drills", "cases"] {
        assert!(
            std::fs::read_dir(root.join("public").join(kind))
                .unwrap()
                .count()
                >= 2,
            "{kind}"
        );
    }
    assert_eq!(
        anxuan(dir.path(), &["init", "mysite"]).status.code(),
        Some(2),
        "refuses a non-empty folder"
    );
}

#[test]
fn new_creates_valid_drafts_of_each_kind() {
    let dir = tempfile::tempdir().unwrap();
    assert!(anxuan(dir.path(), &["init", "s"]).status.success());
    let root = dir.path().join("s");
    for (kind, slug) in [
        ("article", "a1"),
        ("drill", "d1"),
        ("case", "c1"),
        ("page", "p1"),
    ] {
        let o = anxuan(&root, &["new", kind, slug, "--title", "新的标题"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let text = std::fs::read_to_string(root.join("content/drills/d1.md")).unwrap();
    assert!(
        text.contains("title: \"新的标题\"") && text.contains("draft: true"),
        "{text}"
    );
    let o = anxuan(&root, &["check"]);
    assert!(
        o.status.success(),
        "new files must pass check: {}",
        stderr(&o)
    );
    let o = anxuan(&root, &["new", "article", "a1"]);
    assert_eq!(o.status.code(), Some(2), "refuses to overwrite");
}

#[test]
fn check_writes_nothing_and_finds_errors() {
    let site = TestSite::new();
    site.write("content/articles/bad.md", "---\ntitle: x\n---\n");
    let o = site.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("content/articles/bad.md:1:1: error: missing required field `date`"),
        "{}",
        stderr(&o)
    );
    assert!(!site.root().join("public").exists());
}

/// Colour follows `--color` first, then the environment's conventions
/// (`NO_COLOR`, `CLICOLOR_FORCE`); a pipe gets none by default.
#[test]
fn color_follows_the_flag_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_anxuan"));
        c.args(args)
            .current_dir(dir.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR");
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(err.contains("site.yaml:"), "{err}");
        err.contains('\x1b')
    };
    assert!(!run(&["build"], &[]), "a pipe is not coloured");
    assert!(run(&["--color", "always", "build"], &[]));
    assert!(run(&["--color", "always", "build"], &[("NO_COLOR", "1")]));
    assert!(!run(
        &["--color", "never", "build"],
        &[("CLICOLOR_FORCE", "1")]
    ));
    assert!(run(&["build"], &[("CLICOLOR_FORCE", "1")]));
    assert!(!run(
        &["build"],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
}

/// `-r/--root`, `-q`, `-v` and `--color` are global: they work after the
/// subcommand too, for every subcommand that uses them.
#[test]
fn global_options_after_the_subcommand_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let site = copy_fixture("minimal");
    let root = site.root().to_str().unwrap();
    let o = anxuan(dir.path(), &["build", "-q", "-r", root, "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "-q prints nothing on success");
    assert!(site.root().join("public/index.html").is_file());
    let o = anxuan(dir.path(), &["build", "--now", NOW, "--root", root, "-v"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("Timings"), "-v: {}", stderr(&o));
    let o = anxuan(
        dir.path(),
        &["check", "--now", NOW, "-r", root, "--color", "never"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = anxuan(dir.path(), &["-r", root, "new", "page", "p2", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.root().join("content/pages/p2.md").is_file());
    assert!(!dir.path().join("content").exists());
    let o = anxuan(dir.path(), &["build", "-q", "-v", "-r", root]);
    assert_eq!(o.status.code(), Some(2), "-q and -v conflict");
}

#[test]
fn init_takes_the_folder_or_root_but_not_both() {
    let dir = tempfile::tempdir().unwrap();
    let o = anxuan(dir.path(), &["init", "-r", "viaroot"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("viaroot/site.yaml").is_file());
    let o = anxuan(dir.path(), &["init", "a", "--root", "b"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(anxuan(dir.path(), &["init"]).status.code(), Some(2));
    assert!(!dir.path().join("a").exists() && !dir.path().join("b").exists());
}

#[test]
fn output_dir_aliases_and_short_base_url_are_accepted() {
    let site = copy_fixture("minimal");
    for (flag, out) in [("-o", "o1"), ("--output-dir", "o2"), ("--out", "o3")] {
        let o = site.run(&["build", "--now", NOW, flag, out, "-u", "/sub/"]);
        assert!(o.status.success(), "{flag}: {}", stderr(&o));
        let index = std::fs::read_to_string(site.root().join(out).join("index.html")).unwrap();
        assert!(
            index.contains("href=\"/sub/articles/"),
            "{flag}: -u sets the base URL"
        );
    }
    assert!(!site.root().join("public").exists());
}

#[test]
fn expired_flag_includes_expired_pages() {
    let site = copy_fixture("minimal");
    site.write(
        "content/articles/old-notice.md",
        "---\ntitle: 过期通知\ndate: 2025-06-16\nexpires: 2025-12-31\n---\n\n已过期。\n",
    );
    let page = site.root().join("public/articles/old-notice/index.html");
    let o = site.run(&["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!page.exists(), "expired content is left out by default");
    let o = site.run(&["build", "--now", NOW, "--expired"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(page.is_file(), "--expired includes it");
    let o = site.run(&["check", "--now", NOW, "--expired"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn completion_prints_a_script_naming_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let o = anxuan(dir.path(), &["completion", "bash"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let script = String::from_utf8(o.stdout).unwrap();
    for word in [
        "build",
        "check",
        "serve",
        "init",
        "new",
        "completion",
        "--output-dir",
        "--expired",
    ] {
        assert!(script.contains(word), "bash completion lacks {word}");
    }
    for shell in ["zsh", "fish", "powershell"] {
        let o = anxuan(dir.path(), &["completion", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("serve"),
            "{shell}"
        );
    }
}

#[test]
fn completion_for_an_unknown_shell_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = anxuan(dir.path(), &["completion", "tcsh"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("tcsh"), "{}", stderr(&o));
}
