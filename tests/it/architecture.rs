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

/// The layers of `src/`, lowest first: a module may import only modules
/// of lower layers (ARCHITECTURE.md's picture). A new module must be
/// placed here.
const LAYERS: &[&[&str]] = &[
    // Leaves that several layers need.
    &[
        "error",
        "hash",
        "html",
        "weburl",
        "crash",
        "highlight",
        "pii",
        "wording",
    ],
    // `images` edits `<img>` tags with `html`.
    &["yaml", "dates", "sitefs", "shell", "images", "qr"],
    &["config"],
    &["content", "theme"],
    &["site"],
    &["markdown"],
    &["render"],
    &["search"],
    &["check"],
    // `import` writes new content files and checks them with `content`'s
    // loader; `cmd` drives it.
    &["pipeline", "import"],
    &["output", "serve"],
    // clap's types, then the subcommands (and the fuzz targets' entry).
    &["cli"],
    &["cmd", "fuzzing"],
];

/// The top-level modules a file's non-test code names as `crate::x`.
fn imported_modules(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let mut out = Vec::new();
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                // `use crate::{a::b, c};`
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(str::trim)
                    .collect(),
                None => vec![rest],
            };
            for n in names {
                let name: String = n
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        }
    }
    out
}

#[test]
fn no_module_imports_a_higher_or_equal_layer() {
    let layer_of = |m: &str| LAYERS.iter().position(|l| l.contains(&m));
    let mut files = Vec::new();
    rust_files(&repo_root().join("src"), &mut files);
    let mut problems = Vec::new();
    for f in &files {
        let module = module_of(f);
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            problems.push(format!(
                "{}: module `{module}` has no layer in LAYERS",
                f.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap();
        for used in imported_modules(&text) {
            if used == module {
                continue;
            }
            match layer_of(&used) {
                Some(l) if l < own => {}
                Some(_) => problems.push(format!(
                    "{}: `{module}` (layer {own}) imports `{used}`, which is not below it",
                    f.display()
                )),
                None => problems.push(format!(
                    "{}: `{module}` imports unknown module `{used}`",
                    f.display()
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn imported_modules_reads_paths_and_groups() {
    assert_eq!(
        imported_modules(
            "use crate::a::B;\nlet x = crate::b::f();\nuse crate::{c::D, e};\n// crate::z\n"
        ),
        ["a", "b", "c", "e"]
    );
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

/// Lines of code of a source file: lines that are neither blank nor only
/// a comment, before a trailing `#[cfg(test)] mod tests` block (the unit
/// tests do not count).
fn code_lines(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].starts_with("mod tests"))
        .unwrap_or(lines.len());
    lines[..end]
        .iter()
        .filter(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with("//")
        })
        .count()
}

#[test]
fn no_source_file_is_longer_than_500_lines_of_code() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = code_lines(&std::fs::read_to_string(f).unwrap());
            (n > 500).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these by concept (tests below `#[cfg(test)] mod tests` do not count):\n{}",
        long.join("\n")
    );
}

#[test]
fn code_lines_stop_at_the_unit_tests() {
    assert_eq!(
        code_lines("a\n\n// c\nb\n#[cfg(test)]\nmod tests {\n}\n"),
        2
    );
    assert_eq!(code_lines("a\n#[cfg(test)]\nfn helper() {}\n"), 3);
}
