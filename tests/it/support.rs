//! Test helpers: temporary sites, running the pipeline and the binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anxuan::error::Diagnostic;
use anxuan::pipeline::{self, Build, BuildOptions};

/// The repository root (the example site).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// A copy of the fixture site `name` in a temporary folder.
pub fn copy_fixture(name: &str) -> TestSite {
    let site = TestSite::new();
    copy_dir(&fixture(name), site.root());
    site
}

/// Copies the folder `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A fixed clock for reproducible builds.
pub const NOW: &str = "2026-11-28T12:00:00+08:00";

pub const SITE_YAML: &str = "title: 测试站\nbase_url: https://aq.example.gov.cn/\n";

/// A site in a temporary folder.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    pub fn new() -> Self {
        let t = TestSite {
            dir: tempfile::tempdir().unwrap(),
        };
        t.write("site.yaml", SITE_YAML);
        t
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    pub fn build_with(&self, opts: &BuildOptions) -> Result<Build, Vec<Diagnostic>> {
        pipeline::build(self.root(), opts)
    }

    pub fn build(&self) -> Result<Build, Vec<Diagnostic>> {
        self.build_with(&opts())
    }

    /// Diagnostics of a build that must fail.
    pub fn errors(&self) -> Vec<Diagnostic> {
        match self.build() {
            Ok(_) => panic!("the build should fail"),
            Err(d) => d,
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        anxuan(self.root(), args)
    }
}

pub fn opts() -> BuildOptions {
    BuildOptions {
        now: Some(NOW.into()),
        ..BuildOptions::default()
    }
}

/// Runs the anxuan binary in `dir`.
pub fn anxuan(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anxuan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An article with the given extra front-matter lines and body.
pub fn article(extra: &str, body: &str) -> String {
    format!("---\ntitle: 测试文章\ndate: 2026-06-16\n{extra}---\n\n{body}\n")
}

pub fn html(build: &Build, path: &str) -> String {
    let bytes = build.files.get(path).unwrap_or_else(|| {
        panic!(
            "no output file {path}; have: {:?}",
            build.files.keys().take(50).collect::<Vec<_>>()
        )
    });
    String::from_utf8(bytes.clone()).unwrap()
}

/// The `<main>` element of a page, for assertions that ignore the chrome.
pub fn main_of(html: &str) -> String {
    let start = html.find("<main").expect("no <main>");
    let end = html.find("</main>").expect("no </main>") + "</main>".len();
    html[start..end].to_owned()
}

/// Every file under `dir` with its bytes.
pub fn snapshot_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(base).unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// `path:line:col` of a diagnostic.
pub fn loc(d: &Diagnostic) -> String {
    d.span.as_ref().map(|s| s.to_string()).unwrap_or_default()
}

/// True when `cmd arg` runs and succeeds (e.g. `node --version`).
pub fn have(cmd: &str, arg: &str) -> bool {
    std::process::Command::new(cmd)
        .arg(arg)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether a test can run: `missing` names what it needs and is not
/// here. In CI (which installs everything, see .ci/run) a missing tool
/// fails the test; elsewhere the test is skipped with a line that says
/// what is missing and how to install it.
pub fn can_run(test: &str, missing: &[&str], install: &str) -> bool {
    if missing.is_empty() {
        return true;
    }
    let what = missing.join(", ");
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: CI must have {what} ({install})"
    );
    eprintln!("SKIPPED {test}: needs {what} ({install})");
    record_skip(&format!("{test}: needs {what} ({install})"));
    false
}

/// The file where this `cargo test` run's skipped tests are recorded for
/// the summary `tests/skipped.rs` prints last: named after the process
/// that runs every test binary of the run (cargo), so that a record of
/// another run is never reported.
pub fn skip_record() -> PathBuf {
    let run = std::os::unix::process::parent_id();
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("skipped-{run}.txt"))
}

fn record_skip(line: &str) {
    use std::io::Write as _;
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(skip_record())
    {
        let _ = writeln!(f, "{line}");
    }
}

/// What a browser test lacks: Chromium, node, the npm packages.
pub fn browser_missing(have_chromium: bool, have_packages: bool) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !have_chromium {
        missing.push("chromium");
    }
    if !have("node", "--version") {
        missing.push("node");
    }
    if !have_packages {
        missing.push("node_modules (npm ci)");
    }
    missing
}

/// The Chromium to drive: `$CHROMIUM`, else the first browser on PATH.
pub fn chromium() -> Option<String> {
    if let Ok(p) = std::env::var("CHROMIUM") {
        return Some(p);
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(|c| {
            let out = std::process::Command::new("which").arg(c).output().ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        })
}

/// A real PNG `w`×`h` pixels (a gradient), written by the `image` crate.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// The example site (the repository root) built at [`NOW`] into the
/// returned folder's `public/`.
pub fn build_example() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let o = anxuan(
        &repo_root(),
        &[
            "build",
            "--now",
            NOW,
            "--out",
            out.path().join("public").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

/// The first sub-folder (by name) of `dir` that has an index.html.
pub fn first_page(dir: &Path) -> String {
    item_pages(dir).into_iter().next().unwrap()
}

/// Every sub-folder of `dir` with an index.html (not `page/`), sorted.
pub fn item_pages(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().join("index.html").is_file() && e.file_name() != "page")
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A URL path segment, percent-encoded.
pub fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The Chromium a browser test drives, when it and the driver
/// (node, `npm ci`'s playwright-core and axe-core) are here; else `None`
/// after [`can_run`] recorded the skip (or failed the test in CI).
pub fn browser_for(test: &str) -> Option<String> {
    let repo = repo_root();
    let has_driver = repo.join("node_modules/playwright-core").is_dir()
        && repo.join("node_modules/axe-core").is_dir();
    let browser = chromium();
    let missing = browser_missing(browser.is_some(), has_driver);
    let install = "apt-get install chromium nodejs; npm ci (playwright-core, axe-core)";
    if !can_run(test, &missing, install) {
        return None;
    }
    browser
}

/// Runs `node tests/browser/<script> args…` from the repository root:
/// whether it succeeded, and its stdout then stderr.
pub fn run_node<S: AsRef<std::ffi::OsStr>>(script: &str, args: &[S]) -> (bool, String) {
    let repo = repo_root();
    let o = std::process::Command::new("node")
        .arg(repo.join("tests/browser").join(script))
        .args(args)
        .current_dir(&repo)
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success(), log)
}
