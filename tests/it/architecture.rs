//! House rules that keep the code base in shape.

use std::path::Path;

use crate::support::repo_root;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module a `src/` file belongs to (its first path segment).
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(repo_root().join("src")).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    first.trim_end_matches(".rs").to_owned()
}

#[test]
fn forbidden_module_edges_are_absent() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("src"), &mut files);
    let pure = [
        "content",
        "site",
        "markdown",
        "theme",
        "render",
        "yaml",
        "dates",
        "config",
        "highlight",
    ];
    let forbidden = ["output", "serve", "cmd", "shell"];
    for f in &files {
        let module = module_of(f);
        let text = std::fs::read_to_string(f).unwrap();
        for line in text.lines() {
            let l = line.trim();
            if !(l.starts_with("use crate::") || l.contains("crate::")) {
                continue;
            }
            if pure.contains(&module.as_str()) {
                for bad in forbidden {
                    assert!(
                        !l.contains(&format!("crate::{bad}")),
                        "{}: `{module}` must not use `{bad}`: {l}",
                        f.display()
                    );
                }
            }
            if module != "main" && module != "lib" && module != "cmd" {
                assert!(
                    !l.contains("crate::cmd"),
                    "{}: nothing imports cmd: {l}",
                    f.display()
                );
            }
        }
    }
}

#[test]
fn every_source_file_opens_with_a_module_header() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            text.starts_with("//!"),
            "{} must open with a //! header",
            f.display()
        );
    }
}

#[test]
fn embedded_theme_matches_the_folder() {
    let dir = repo_root().join("themes/default");
    let mut on_disk = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(
                    p.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    walk(&dir, &dir, &mut on_disk);
    on_disk.sort();
    let mut embedded: Vec<String> = anxuan::theme::EMBEDDED
        .iter()
        .map(|f| f.path.to_owned())
        .collect();
    embedded.sort();
    assert_eq!(
        embedded, on_disk,
        "update theme::EMBEDDED when adding or removing theme files"
    );
    for f in anxuan::theme::EMBEDDED {
        assert_eq!(
            std::fs::read(dir.join(f.path)).unwrap(),
            f.bytes,
            "{} differs; rebuild",
            f.path
        );
    }
}

#[test]
fn library_code_has_no_print_or_unwrap_lints_disabled() {
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    for lint in [
        "unwrap_used",
        "expect_used",
        "panic",
        "print_stdout",
        "print_stderr",
    ] {
        assert!(
            manifest.contains(&format!("{lint} = \"deny\"")),
            "Cargo.toml must deny {lint}"
        );
    }
}
