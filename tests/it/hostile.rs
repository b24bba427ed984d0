//! Hostile content: every case of tests/fixtures/hostile/ (and the big or
//! file-system cases generated here) ends with a clear error at a location
//! or a correct page — never a crash (exit 101 or a signal) — within 2 GB.

use std::path::Path;
use std::process::Command;

use crate::support::*;

/// What a case must produce.
enum Expect {
    /// Exit 1 and this text in an error line naming the file.
    Error(&'static str),
    /// Exit 0, this output file exists and contains every string.
    Page(&'static str, &'static [&'static str]),
    /// Exit 0, this output file exists and contains none of the strings.
    Clean(&'static str, &'static [&'static str]),
    /// Exit 0 and this text in a warning.
    Warning(&'static str),
}

/// Builds the site at `root`; returns (exit code, stderr, peak RSS in KB
/// when /usr/bin/time is there).
fn build(root: &Path, out: &Path) -> (Option<i32>, String, Option<u64>) {
    let bin = env!("CARGO_BIN_EXE_anxuan");
    let args = ["build", "--now", NOW, "--out", out.to_str().unwrap()];
    let timed = Path::new("/usr/bin/time").exists();
    let o = if timed {
        Command::new("/usr/bin/time")
            .args(["-f", "PEAK_RSS_KB=%M", bin])
            .args(args)
            .current_dir(root)
            .output()
            .unwrap()
    } else {
        Command::new(bin)
            .args(args)
            .current_dir(root)
            .output()
            .unwrap()
    };
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    let rss = err
        .lines()
        .find_map(|l| l.strip_prefix("PEAK_RSS_KB="))
        .and_then(|v| v.trim().parse().ok());
    // /usr/bin/time reports the child's status in its own.
    let code = o.status.code();
    (code, err, rss)
}

fn check(name: &str, site: &TestSite, expect: &Expect, problems: &mut Vec<String>) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let (code, err, rss) = build(site.root(), &public);
    if let Some(kb) = rss
        && kb > 2 * 1024 * 1024
    {
        problems.push(format!("{name}: peak memory {kb} KB > 2 GB"));
    }
    if code != Some(0) && code != Some(1) {
        problems.push(format!("{name}: exit {code:?} (a crash?)\n{err}"));
        return;
    }
    let page = |p: &str| std::fs::read_to_string(public.join(p)).ok();
    match expect {
        Expect::Error(text) => {
            let named = err
                .lines()
                .any(|l| l.contains("error:") && l.contains("content/") && l.contains(text));
            if code != Some(1) || !named || !err.contains("help:") {
                problems.push(format!(
                    "{name}: expected an error with `{text}` and a help line, got exit {code:?}:\n{err}"
                ));
            }
            if public.exists() {
                problems.push(format!("{name}: a failed build wrote output"));
            }
        }
        Expect::Page(path, needles) => match (code, page(path)) {
            (Some(0), Some(html)) => {
                for n in *needles {
                    if !html.contains(n) {
                        problems.push(format!("{name}: {path} lacks `{n}`"));
                    }
                }
            }
            _ => problems.push(format!(
                "{name}: expected {path}, got exit {code:?}:\n{err}"
            )),
        },
        Expect::Clean(path, banned) => match (code, page(path)) {
            (Some(0), Some(html)) => {
                for b in *banned {
                    if html.contains(b) {
                        problems.push(format!("{name}: {path} still contains `{b}`"));
                    }
                }
            }
            _ => problems.push(format!(
                "{name}: expected {path}, got exit {code:?}:\n{err}"
            )),
        },
        Expect::Warning(text) => {
            if code != Some(0)
                || !err
                    .lines()
                    .any(|l| l.contains("warning:") && l.contains(text))
            {
                problems.push(format!(
                    "{name}: expected a warning with `{text}`, got exit {code:?}:\n{err}"
                ));
            }
        }
    }
}

fn site_with(file: &str, bytes: &[u8]) -> TestSite {
    let site = TestSite::new();
    site.write("site.yaml", "title: 测试\n");
    site.write_bytes(&format!("content/articles/{file}"), bytes);
    site
}

fn article_bytes(body: &str) -> Vec<u8> {
    format!("---\ntitle: 测试\ndate: 2026-06-16\n---\n{body}").into_bytes()
}

#[test]
fn fixture_cases_give_an_error_or_a_safe_page() {
    use Expect::*;
    let cases: Vec<(&str, Expect)> = vec![
        ("nul-byte.md", Error("NUL byte")),
        ("invalid-utf8-middle.md", Error("not valid UTF-8")),
        ("gbk-encoded.md", Error("not valid UTF-8")),
        (
            "bom-crlf.md",
            Page("articles/bom-crlf/index.html", &["正文"]),
        ),
        ("yaml-billion-laughs.md", Error("invalid YAML")),
        ("yaml-tab-indent.md", Error("")),
        ("yaml-duplicate-key.md", Error("duplicate")),
        ("no-closing-fence.md", Error("")),
        ("empty.md", Error("")),
        (
            "front-matter-only.md",
            Page("articles/front-matter-only/index.html", &["<h1>测试</h1>"]),
        ),
        (
            "raw-script.md",
            Clean(
                "articles/raw-script/index.html",
                &["alert(\"x\")", "onerror"],
            ),
        ),
        (
            "javascript-link.md",
            Clean("articles/javascript-link/index.html", &["javascript:"]),
        ),
        (
            "iframe-and-style.md",
            Clean(
                "articles/iframe-and-style/index.html",
                &["evil.example", "display:none"],
            ),
        ),
        (
            "hostile-title.md",
            Clean(
                "articles/hostile-title/index.html",
                &["<script>alert(1)", "<script>alert(2)", "</title><script>"],
            ),
        ),
        // Slugs keep letters, digits and `-` only: no way out of the folder.
        (
            "slug-traversal.md",
            Page("articles/etcpasswd/index.html", &["<h1>测试</h1>"]),
        ),
        (
            "slug-absolute.md",
            Page("articles/etcpasswd/index.html", &["<h1>测试</h1>"]),
        ),
        ("date-nonsense.md", Error("invalid date")),
        ("title-not-string.md", Error("title")),
        (
            "nested-quotes-10000.md",
            Page("articles/nested-quotes-10000/index.html", &["很深的引用"]),
        ),
        (
            "zero-width-and-bidi.md",
            Page("articles/zero-width-and-bidi/index.html", &["反向"]),
        ),
    ];
    let dir = repo_root().join("tests/fixtures/hostile");
    let mut problems = Vec::new();
    for (file, expect) in &cases {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        check(file, &site_with(file, &bytes), expect, &mut problems);
    }
    // Every fixture file has a case.
    let listed: Vec<&str> = cases.iter().map(|(f, _)| *f).collect();
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && name != "README.md" {
            assert!(listed.contains(&name.as_str()), "{name} has no expectation");
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn big_and_file_system_cases_give_an_error_or_a_page() {
    use Expect::*;
    let mut problems = Vec::new();

    // A 50 MB Markdown file (paragraphs of Chinese text).
    let para = "安全生产人人有责，隐患排查不留死角。".repeat(40) + "\n\n";
    let big = para.repeat(50 * 1024 * 1024 / para.len() + 1);
    check(
        "50 MB file",
        &site_with("big.md", &article_bytes(&big)),
        &Page("articles/big/index.html", &["隐患排查不留死角"]),
        &mut problems,
    );
    drop(big);

    // A 10,000-level nested list: refused at the first too-deep line.
    let nested: String = (0..10_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    check(
        "10,000-level list",
        &site_with("nested-list.md", &article_bytes(&nested)),
        &Error("indented by more than 400 columns"),
        &mut problems,
    );

    // A 5 MB line.
    let line = "应急".repeat(5 * 1024 * 1024 / 6) + "\n";
    check(
        "5 MB line",
        &site_with("long-line.md", &article_bytes(&line)),
        &Page("articles/long-line/index.html", &["应急应急"]),
        &mut problems,
    );

    // A 1 MB front matter.
    let fm = format!(
        "---\ntitle: 大前置\ndate: 2026-06-16\nsummary: \"{}\"\n---\n正文\n",
        "长".repeat(350_000)
    );
    check(
        "1 MB front matter",
        &site_with("big-front-matter.md", fm.as_bytes()),
        &Page("articles/big-front-matter/index.html", &["大前置"]),
        &mut problems,
    );

    // File names with spaces, Chinese, emoji and `%`.
    check(
        "odd file name",
        &site_with("空格 和 中文 🚒 100%.md", &article_bytes("正文\n")),
        &Page("articles/空格-和-中文-100/index.html", &["正文"]),
        &mut problems,
    );

    // 60 nested folders.
    let site = TestSite::new();
    site.write("site.yaml", "title: 测试\n");
    let deep = vec!["d"; 60].join("/");
    site.write_bytes(
        &format!("content/articles/{deep}/deep.md"),
        &article_bytes("很深的文件\n"),
    );
    check(
        "60 nested folders",
        &site,
        &Page("articles/deep/index.html", &["很深的文件"]),
        &mut problems,
    );

    // A symbolic link out of the site, and a loop: not followed, warned
    // (the warning names the target).
    #[cfg(unix)]
    {
        let site = site_with("ok.md", &article_bytes("正文\n"));
        let arts = site.root().join("content/articles");
        std::os::unix::fs::symlink("/etc/passwd", arts.join("passwd.md")).unwrap();
        check(
            "symlink out of the site",
            &site,
            &Warning("skipped"),
            &mut problems,
        );
        let site = site_with("ok.md", &article_bytes("正文\n"));
        let arts = site.root().join("content/articles");
        std::os::unix::fs::symlink("loop-b", arts.join("loop-a")).unwrap();
        std::os::unix::fs::symlink("loop-a", arts.join("loop-b")).unwrap();
        check("symlink loop", &site, &Warning("skipped"), &mut problems);
    }

    // 20,000 files in one folder.
    let site = TestSite::new();
    site.write("site.yaml", "title: 测试\npaginate: 50\n");
    for i in 0..20_000 {
        site.write_bytes(
            &format!("content/articles/a{i:05}.md"),
            format!("---\ntitle: 文章{i}\ndate: 2026-06-16\n---\n第{i}篇\n").as_bytes(),
        );
    }
    check(
        "20,000 files in one folder",
        &site,
        &Page("articles/a19999/index.html", &["第19999篇"]),
        &mut problems,
    );

    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn raw_html_removals_are_warned_with_file_and_line_and_iframes_follow_the_allow_list() {
    let site = TestSite::new();
    site.write(
        "site.yaml",
        "title: 测试\niframe_hosts: [player.example.cn]\n",
    );
    site.write(
        "content/articles/embed.md",
        "---\ntitle: 嵌入\ndate: 2026-06-16\n---\n第一段。\n\n<iframe src=\"https://player.example.cn/v/1\" title=\"演练视频\"></iframe>\n\n<iframe src=\"https://evil.example/x\"></iframe>\n\n<p onclick=\"steal()\">点我</p>\n\n<details><summary>展开</summary>内容</details>\n\n<video controls src=\"v.mp4\"></video>\n",
    );
    let b = site.build().unwrap();
    let html = html(&b, "articles/embed/index.html");
    assert!(
        html.contains("src=\"https://player.example.cn/v/1\""),
        "{html}"
    );
    assert!(!html.contains("evil.example"), "{html}");
    assert!(
        !html.contains("onclick") && !html.contains("steal()"),
        "{html}"
    );
    assert!(html.contains("<details><summary>展开</summary>"), "{html}");
    assert!(html.contains("<video controls"), "{html}");
    let warnings: Vec<String> = b.diags.iter().map(|d| d.to_string()).collect();
    let has = |needle: &str| warnings.iter().any(|w| w.contains(needle));
    assert!(
        has("content/articles/embed.md:9:1: warning: raw HTML: a <iframe> element was removed"),
        "{warnings:#?}"
    );
    assert!(
        has(
            "content/articles/embed.md:11:1: warning: raw HTML: the `onclick` attribute was removed"
        ),
        "{warnings:#?}"
    );
    assert!(
        !has("embed.md:7:"),
        "the allowed iframe was warned: {warnings:#?}"
    );

    // `unsafe_html: true` keeps everything, without warnings.
    site.write("site.yaml", "title: 测试\nunsafe_html: true\n");
    let b = site.build().unwrap();
    assert!(html_of(&b).contains("onclick=\"steal()\""));
    assert!(!b.diags.iter().any(|d| d.message.contains("raw HTML")));
}

fn html_of(b: &anxuan::pipeline::Build) -> String {
    html(b, "articles/embed/index.html")
}

/// Look-alike `src`s of an allowed host: each is a host a browser would
/// really load (or no valid URL at all), so none may keep its `src`.
#[test]
fn iframe_look_alikes_of_an_allowed_host_lose_their_src_and_are_warned() {
    let site = TestSite::new();
    site.write("site.yaml", "title: 测试\niframe_hosts: [v.qq.com]\n");
    let looks = [
        r"https://evil.example\.v.qq.com/p",
        "https://v.qq.com@evil.example/p",
        "https://evil.example@v.qq.com/p",
        "https://evil.example%2f.v.qq.com/p",
        "https://v.qq.com.evil.example/p",
        "https://v.qq.com./p",
        "https://x.v.qq.com/p",
        "//v.qq.com/p",
        "http://v.qq.com/p",
        "javascript:alert(1)//v.qq.com",
        "https://evil.exam&#9;ple/v.qq.com",
        "https://evil.exam&#10;ple/v.qq.com",
    ];
    let mut body = String::from("---\ntitle: 嵌入\ndate: 2026-06-16\n---\n第一段。\n");
    for src in looks {
        body.push_str(&format!("\n<iframe src=\"{src}\"></iframe>\n"));
    }
    body.push_str("\n<iframe src=\"https://V.QQ.COM/x?vid=1\"></iframe>\n");
    site.write("content/articles/embed.md", &body);
    let b = site.build().unwrap();
    let page = html(&b, "articles/embed/index.html");
    let doc = scraper::Html::parse_document(&page);
    let srcs: Vec<&str> = doc
        .select(&scraper::Selector::parse("iframe[src]").unwrap())
        .filter_map(|e| e.value().attr("src"))
        .collect();
    // Only the real one is kept, in the form the browser loads.
    assert_eq!(srcs, ["https://v.qq.com/x?vid=1"], "{page}");
    let removed = b
        .diags
        .iter()
        .filter(|d| d.message.contains("a <iframe> element was removed"))
        .count();
    assert_eq!(removed, looks.len(), "{:#?}", b.diags);
}

#[test]
fn iframe_hosts_entry_that_is_not_a_host_is_an_error_at_its_line() {
    let site = TestSite::new();
    site.write(
        "site.yaml",
        "title: 测试\niframe_hosts:\n  - v.qq.com\n  - https://player.example.cn/\n",
    );
    site.write(
        "content/articles/a.md",
        "---\ntitle: 甲\ndate: 2026-06-16\n---\n正文。\n",
    );
    let errors = site.errors();
    let e = errors
        .iter()
        .find(|d| d.message.contains("iframe_hosts"))
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_eq!(crate::support::loc(e), "site.yaml:4:5");
    assert!(
        e.help.as_deref().unwrap_or("").contains("*.qq.com"),
        "{e:?}"
    );
}
