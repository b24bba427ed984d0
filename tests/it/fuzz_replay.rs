//! Replays the fuzz corpora (fuzz/corpus/<target>/) through the same entry
//! points the fuzz targets call (`anxuan::fuzzing`), so every input the
//! fuzzers kept — crashes found included — is checked by `cargo test`.

use crate::support::repo_root;

fn replay(target: &str, run: impl Fn(&[u8]) -> Result<(), String>) {
    let dir = repo_root().join("fuzz/corpus").join(target);
    let mut n = 0;
    let mut failures = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if let Err(msg) = run(&bytes) {
            failures.push(format!("{}: {msg}", path.display()));
        }
        n += 1;
    }
    assert!(n >= 5, "{target}: only {n} corpus files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn front_matter_corpus() {
    replay("front_matter", anxuan::fuzzing::front_matter);
}

#[test]
fn markdown_corpus() {
    replay("markdown", |b| {
        anxuan::fuzzing::markdown(&String::from_utf8_lossy(b))
    });
}

#[test]
fn tokenizer_corpus() {
    replay("tokenizer", |b| {
        anxuan::fuzzing::tokenizer(&String::from_utf8_lossy(b)).map(|_| ())
    });
}

#[test]
fn ics_fold_corpus() {
    replay("ics_fold", |b| {
        anxuan::fuzzing::ics_fold(&String::from_utf8_lossy(b))
    });
}

#[test]
fn image_corpus() {
    replay("image", anxuan::fuzzing::image);
}

#[test]
fn url_router_corpus() {
    replay("url_router", |b| {
        anxuan::fuzzing::url_router(&String::from_utf8_lossy(b))
    });
}

/// The JS tokenizer (browser) gives exactly the Rust tokenizer's tokens
/// on every tokenizer corpus input, plus generated mixed-script strings.
#[test]
fn js_tokenizer_equals_rust_tokenizer_on_the_corpus() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let have_node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing: &[&str] = if have_node { &[] } else { &["node"] };
    if !crate::support::can_run(
        "fuzz corpus replay in JavaScript",
        missing,
        "apt-get install nodejs",
    ) {
        return;
    }
    let dir = repo_root().join("fuzz/corpus/tokenizer");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.unwrap().path()).unwrap()).into_owned())
        .collect();
    // Deterministic mixed inputs: Han, full-width, digits, Latin, emoji,
    // astral Han, separators.
    let alphabet: Vec<char> = "安全生产消防ＡＢｃ１２3xZ 　，。!🚒𠀀〇-_\u{3000}\u{FF5E}\u{FF01}Ǆß"
        .chars()
        .collect();
    let mut seed: u64 = 20240601;
    for _ in 0..500 {
        let mut s = String::new();
        for _ in 0..(seed % 24) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
        }
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        texts.push(s);
    }
    let mut child = Command::new("node")
        .arg(repo_root().join("tests/js/tokenize.js"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&texts).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let js: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    for (text, js_tokens) in texts.iter().zip(&js) {
        let rust = anxuan::search::tokenize::tokenize(text);
        assert_eq!(&rust, js_tokens, "tokenizers differ on {text:?}");
    }
}
