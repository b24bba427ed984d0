//! The preview's QR code (`qr::terminal_lines`), drawn back as an
//! image and read by a real decoder, `zbarimg` (Debian's zbar-tools).

use std::process::Command;

use anxuan::qr::terminal_lines as qr_lines;

use crate::support::{can_run, have};

/// Pixels per module, each way.
const SCALE: usize = 4;

/// The modules the terminal lines draw, row by row (true: dark). Each
/// character is one module wide and two high.
fn modules(lines: &[String]) -> Vec<Vec<bool>> {
    lines
        .iter()
        .flat_map(|l| {
            let top = l.chars().map(|c| matches!(c, '▀' | '█')).collect();
            let bottom = l.chars().map(|c| matches!(c, '▄' | '█')).collect();
            [top, bottom]
        })
        .collect()
}

/// A plain PBM image (1 is black) of the modules, scaled up.
fn pbm(rows: &[Vec<bool>]) -> String {
    let width = rows[0].len() * SCALE;
    let mut out = format!("P1\n{width} {}\n", rows.len() * SCALE);
    for row in rows {
        let line: Vec<&str> = row
            .iter()
            .flat_map(|&dark| std::iter::repeat_n(if dark { "1" } else { "0" }, SCALE))
            .collect();
        for _ in 0..SCALE {
            out.push_str(&line.join(" "));
            out.push('\n');
        }
    }
    out
}

/// What zbarimg reads from the image of `lines`.
fn decode(lines: &[String]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("qr.pbm");
    std::fs::write(&image, pbm(&modules(lines))).unwrap();
    let o = Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(&image)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "zbarimg found no code: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap().trim_end().to_owned()
}

#[test]
fn qr_lines_decode_back_to_the_url() {
    let missing: &[&str] = if have("zbarimg", "--version") {
        &[]
    } else {
        &["zbarimg"]
    };
    if !can_run(
        "qr::qr_lines_decode_back_to_the_url",
        missing,
        "apt-get install zbar-tools",
    ) {
        return;
    }
    for url in [
        "http://192.168.1.20:1111/",
        "http://[fd00::1234:5678]:8080/anquan/",
        "http://10.0.0.5:54321/a/very/long/sub/path/for/a/bigger/version/of/the/code/",
    ] {
        let lines = qr_lines(url);
        assert!(!lines.is_empty(), "{url}");
        assert_eq!(decode(&lines), url);
    }
}
