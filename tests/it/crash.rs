//! A panic is a bug: exit 101 with a report naming the file, and the
//! previous output left byte for byte.

use std::process::Command;

use crate::support::*;

#[test]
fn a_panic_exits_101_names_the_file_and_keeps_the_previous_output() {
    let site = TestSite::new();
    site.write("site.yaml", "title: 测试\n");
    site.write("content/articles/a.md", &article("", "正文"));
    site.write(
        "content/articles/boom.md",
        &article("", "会触发模拟缺陷的文件"),
    );
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = site.run(&["build", "--now", NOW, "--out", public.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot_dir(&public);

    site.write("content/articles/a.md", &article("", "改过的正文"));
    let o = Command::new(env!("CARGO_BIN_EXE_anxuan"))
        .args(["build", "--now", NOW, "--out", public.to_str().unwrap()])
        .current_dir(site.root())
        .env("ANXUAN_DEBUG_PANIC_ON", "boom.md")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(101), "{err}");
    assert!(err.contains("internal error (a bug in anxuan"), "{err}");
    assert!(
        err.contains("while processing: content/articles/boom.md"),
        "{err}"
    );
    assert!(err.contains("请把这段信息"), "{err}");
    assert_eq!(snapshot_dir(&public), before, "the output changed");
    let left: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec!["public".to_owned()], "staging left behind");
}

#[test]
fn a_staging_folder_left_by_a_killed_build_is_cleared() {
    let site = TestSite::new();
    site.write("site.yaml", "title: 测试\n");
    site.write("content/articles/a.md", &article("", "正文"));
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let staging = out.path().join("public.anxuan-staging");
    // What a build killed mid-write leaves: a marked, half-filled folder.
    std::fs::create_dir_all(staging.join("articles/x")).unwrap();
    std::fs::write(staging.join(".anxuan-output"), "x").unwrap();
    std::fs::write(staging.join("articles/x/index.html"), "half").unwrap();
    let o = site.run(&["build", "--now", NOW, "--out", public.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!staging.exists());
    assert!(public.join("articles/a/index.html").is_file());
    assert!(!public.join("articles/x").exists());
}
