//! Print: drills, notices, cases and documents print as A4 notices for a
//! 公示栏 — a drill on one page, with a QR code that a real decoder
//! (`zbarimg`, Debian's zbar-tools) reads back as the page's address, the
//! hotlines, and none of the site's navigation. Chromium prints
//! (tests/browser/print.mjs); poppler-utils reads the PDFs.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::static_server;
use crate::support::*;

/// The canonical URL a built page declares (what its QR code must hold).
fn canonical(public: &Path, path: &str) -> String {
    let html =
        std::fs::read_to_string(public.join(path.trim_start_matches('/')).join("index.html"))
            .unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("link[rel=canonical]").unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("href"))
        .unwrap()
        .to_owned()
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn pages_of(pdf: &str) -> usize {
    tool("pdfinfo", &[pdf])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

#[test]
fn drills_print_as_one_a4_page_with_a_qr_code_of_the_page() {
    let test = "drills_print_as_one_a4_page_with_a_qr_code_of_the_page";
    let Some(browser) = browser_for(test) else {
        return;
    };
    let missing: Vec<&str> = [
        ("pdfinfo", "-v"),
        ("pdftoppm", "-v"),
        ("pdftotext", "-v"),
        ("zbarimg", "--version"),
    ]
    .into_iter()
    .filter(|(c, a)| !have(c, a))
    .map(|(c, _)| c)
    .collect();
    if !can_run(test, &missing, "apt-get install poppler-utils zbar-tools") {
        return;
    }
    let out = build_example();
    let public = out.path().join("public");
    let drills: Vec<String> = item_pages(&public.join("drills"))
        .into_iter()
        .map(|d| format!("/drills/{d}/"))
        .collect();
    assert!(drills.len() >= 5, "{drills:?}");
    let mut paths = drills.clone();
    for dir in ["notices", "cases", "documents"] {
        paths.push(format!("/{dir}/{}/", first_page(&public.join(dir))));
    }
    let server = static_server::serve(public.clone(), "/", BTreeMap::new());
    let profile = tempfile::tempdir().unwrap();
    let pdf_dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        server.origin.clone(),
        browser,
        profile.path().to_string_lossy().into_owned(),
        pdf_dir.path().to_string_lossy().into_owned(),
    ];
    args.extend(paths.iter().cloned());
    let (ok, log) = run_node("print.mjs", &args);
    assert!(ok, "print problems:\n{log}");
    let json: serde_json::Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    let pdfs = json["pdfs"].as_array().unwrap();
    assert_eq!(pdfs.len(), paths.len(), "{log}");

    let mut problems = Vec::new();
    for p in pdfs {
        let (path, pdf) = (p["path"].as_str().unwrap(), p["file"].as_str().unwrap());
        let pages = pages_of(pdf);
        if drills.iter().any(|d| d == path) && pages != 1 {
            problems.push(format!("{path}: {pages} A4 pages (a drill fits one)"));
        }
        // The QR code is at the notice's foot, on the last page.
        let png = format!("{pdf}.png");
        let last = pages.to_string();
        tool(
            "pdftoppm",
            &[
                "-r",
                "150",
                "-png",
                "-singlefile",
                "-f",
                &last,
                "-l",
                &last,
                pdf,
                pdf,
            ],
        );
        let decoded = Command::new("zbarimg")
            .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable", &png])
            .output()
            .unwrap();
        let decoded = String::from_utf8_lossy(&decoded.stdout).trim().to_owned();
        let expected = canonical(&public, path);
        assert!(expected.starts_with("https://"), "{expected}");
        if decoded != expected {
            problems.push(format!(
                "{path}: QR code reads {decoded:?}, not {expected:?}"
            ));
        }
        let text = tool("pdftotext", &["-layout", pdf, "-"]);
        for needed in ["12350", "火警", "119", "发布单位", "手机扫码查看原文"] {
            if !text.contains(needed) {
                problems.push(format!("{path}: the print lacks {needed:?}"));
            }
        }
        for chrome in [
            "大字模式",
            "高对比度",
            "网站地图",
            "打印张贴",
            "朗读",
            "跳到正文",
        ] {
            if text.contains(chrome) {
                problems.push(format!("{path}: the print shows {chrome:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn emergency_numbers_print_with_their_names_and_a_bad_one_is_an_error_at_its_line() {
    let site = copy_fixture("minimal");
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{yaml}emergency_numbers: [119, \"街道应急值班 0571-88880000\"]\n"),
    );
    let b = site.build().unwrap();
    let page = html(&b, "drills/fire/index.html");
    let doc = scraper::Html::parse_document(&page);
    let sel = scraper::Selector::parse(".print-phones span").unwrap();
    let phones: Vec<String> = doc
        .select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect();
    assert_eq!(phones, ["火警 119", "街道应急值班 0571-88880000"]);
    // Articles are not notices for a 公示栏.
    assert!(!html(&b, "articles/news/index.html").contains("print-notice"));

    site.write(
        "site.yaml",
        &format!("{yaml}emergency_numbers:\n  - 119\n  - 88880000\n"),
    );
    let errors = site.errors();
    let e = errors
        .iter()
        .find(|d| d.message.contains("emergency_numbers"))
        .unwrap_or_else(|| panic!("{errors:#?}"));
    let line = yaml.lines().count() + 3;
    assert_eq!(loc(e), format!("site.yaml:{line}:5"));
    assert!(e.help.as_deref().unwrap_or("").contains("名称"), "{e:?}");
}

#[test]
fn a_site_without_a_host_prints_no_qr_code() {
    let site = copy_fixture("minimal");
    let with_host = html(&site.build().unwrap(), "drills/fire/index.html");
    assert!(with_host.contains("<svg class=\"qr\""), "{with_host}");
    site.write("site.yaml", "title: 最小站点\nbase_url: /aq/\n");
    let page = html(&site.build().unwrap(), "drills/fire/index.html");
    assert!(page.contains("class=\"print-notice\""));
    assert!(!page.contains("<svg class=\"qr\""));
}
