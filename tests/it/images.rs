//! Photos from phones: published upright, in a few sizes, without any
//! metadata, from a cache on the second build; bad images are errors at
//! their file.

use std::io::Cursor;

use crate::support::*;

/// A JPEG `w`×`h` pixels as stored (a gradient, so it compresses like a
/// photo, not like a flat colour).
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x ^ y) & 0xff) as u8,
        ])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

/// `jpeg` with an EXIF block right after SOI: orientation `orientation`
/// and a GPS latitude, as a phone writes them.
fn phone_jpeg(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    anxuan::images::exif::as_phone_photo(&jpeg(w, h), orientation)
}

fn photo_site() -> TestSite {
    let site = TestSite::new();
    site.write(
        "content/articles/a.md",
        &article("", "![消防演练现场](img/site.jpg)\n\n第二张：\n\n![疏散](img/wide.jpg)\n\n[查看原图](img/wide.jpg)\n"),
    )
    // Stored 2000×1500 with orientation 6: a portrait shot, 1500×2000 upright.
    .write_bytes("content/articles/img/site.jpg", &phone_jpeg(2000, 1500, 6))
    .write_bytes("content/articles/img/wide.jpg", &jpeg(1300, 700));
    site
}

/// The `<img>` attributes of a page's body, in order.
fn imgs(page: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let doc = scraper::Html::parse_document(page);
    let sel = scraper::Selector::parse("main img").unwrap();
    doc.select(&sel)
        .map(|e| {
            e.value()
                .attrs()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

#[test]
fn phone_photos_are_published_upright_in_sizes_without_metadata() {
    let site = photo_site();
    let o = site.run(&["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 new photo(s) resized"),
        "{}",
        stderr(&o)
    );
    let public = site.root().join("public");
    let page = std::fs::read_to_string(public.join("articles/a/index.html")).unwrap();
    let imgs = imgs(&page);
    assert_eq!(imgs.len(), 2, "{page}");
    let first = &imgs[0];
    // Upright: 1500 wide, so 480, 720, 1080 and its own 1500 — never wider.
    let srcset = &first["srcset"];
    let widths: Vec<u32> = srcset
        .split(", ")
        .map(|c| {
            c.rsplit_once(' ')
                .unwrap()
                .1
                .trim_end_matches('w')
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(widths, [480, 720, 1080, 1500], "{srcset}");
    assert_eq!(first["width"], "720");
    assert_eq!(first["height"], "960");
    assert!(
        first["src"].ends_with(".jpg") && first["src"].contains("site.720."),
        "{first:?}"
    );
    assert!(first.contains_key("sizes") && first["decoding"] == "async");
    assert!(
        !first.contains_key("loading"),
        "the first image is not lazy: {imgs:#?}"
    );
    assert_eq!(imgs[1]["loading"], "lazy");
    for candidate in srcset.split(", ") {
        let url = candidate.split(' ').next().unwrap();
        let bytes = std::fs::read(public.join(url.trim_start_matches('/'))).unwrap();
        let img = image::load_from_memory(&bytes).unwrap();
        let w: u32 = candidate
            .rsplit_once(' ')
            .unwrap()
            .1
            .trim_end_matches('w')
            .parse()
            .unwrap();
        assert_eq!(img.width(), w);
        assert!(img.width() < img.height(), "a portrait shot stays upright");
        assert!(
            !anxuan::images::exif::has_exif(&bytes),
            "metadata left in {url}"
        );
        assert!(!anxuan::images::exif::has_gps(&bytes));
        // Progressive JPEG: a SOF2 marker.
        assert!(
            bytes.windows(2).any(|m| m == [0xff, 0xc2]),
            "{url} is not progressive"
        );
    }
    // The original with GPS is not published; the linked one is.
    assert!(!public.join("articles/img/site.jpg").exists());
    assert!(public.join("articles/img/wide.jpg").exists());
    // The source was a phone photo with GPS: the test is honest.
    let src = std::fs::read(site.root().join("content/articles/img/site.jpg")).unwrap();
    assert!(anxuan::images::exif::has_gps(&src));
    // The check finds every size (no broken image).
    let b = site.build().unwrap();
    assert!(
        !b.check
            .findings
            .iter()
            .any(|f| f.rule.starts_with("broken")),
        "{:#?}",
        b.check.findings
    );
}

#[test]
fn a_second_build_takes_every_size_from_the_cache() {
    let site = photo_site();
    let o = site.run(&["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = snapshot_dir(&site.root().join("public"));
    let cache = site.root().join(".anxuan-cache/images");
    assert!(cache.join("sources.json").is_file());
    let o = site.run(&["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("resized"), "{}", stderr(&o));
    assert_eq!(first, snapshot_dir(&site.root().join("public")));
    // A damaged cache entry is made again, to the same bytes.
    for e in std::fs::read_dir(&cache).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "jpg") {
            std::fs::remove_file(p).unwrap();
            break;
        }
    }
    let o = site.run(&["build", "--now", NOW]);
    assert!(
        stderr(&o).contains("1 new photo(s) resized"),
        "{}",
        stderr(&o)
    );
    assert_eq!(first, snapshot_dir(&site.root().join("public")));
}

#[test]
fn corrupt_huge_and_heic_images_are_errors_at_their_file_and_keep_the_site() {
    let site = TestSite::new();
    site.write("content/articles/a.md", &article("", "正文"));
    let o = site.run(&["build", "--now", NOW]);
    assert!(o.status.success());
    let before = snapshot_dir(&site.root().join("public"));
    let mut truncated = jpeg(800, 600);
    truncated.truncate(truncated.len() / 3);
    // A PNG header claiming 100,000 × 100,000 pixels.
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut crc = flate2::Crc::new();
    crc.update(&ihdr);
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\r".to_vec();
    bomb.extend_from_slice(&ihdr);
    bomb.extend_from_slice(&crc.sum().to_be_bytes());
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    site.write(
        "content/articles/b.md",
        &article(
            "",
            "![坏](img/cut.jpg)\n\n![大](img/bomb.png)\n\n![苹果](img/iphone.heic)\n",
        ),
    )
    .write_bytes("content/articles/img/cut.jpg", &truncated)
    .write_bytes("content/articles/img/bomb.png", &bomb)
    .write_bytes("content/articles/img/iphone.heic", &heic);
    let o = site.run(&["build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("content/articles/img/cut.jpg: error: cannot read the image"),
        "{err}"
    );
    assert!(
        err.contains("content/articles/img/bomb.png: error: 100000×100000 pixels"),
        "{err}"
    );
    assert!(
        err.contains("content/articles/img/iphone.heic: error: HEIC"),
        "{err}"
    );
    assert!(err.contains("兼容性最佳"), "{err}");
    assert!(err.contains("shown on content/articles/b.md"), "{err}");
    assert_eq!(before, snapshot_dir(&site.root().join("public")));
}

#[test]
fn a_cover_is_the_list_thumbnail_and_the_share_image() {
    let site = TestSite::new();
    site.write(
        "content/articles/a.md",
        &article("cover: img/cover.jpg\n", "正文没有图片。"),
    )
    .write_bytes("content/articles/img/cover.jpg", &phone_jpeg(3000, 2000, 1));
    let b = site.build().unwrap();
    let list = html(&b, "articles/index.html");
    let doc = scraper::Html::parse_document(&list);
    let sel = scraper::Selector::parse("li.item img.item-thumb").unwrap();
    let thumb = doc.select(&sel).next().unwrap_or_else(|| panic!("{list}"));
    let src = thumb.value().attr("src").unwrap();
    assert!(
        src.starts_with("/articles/img/cover.480.") && src.ends_with(".jpg"),
        "{src}"
    );
    assert_eq!(thumb.value().attr("width"), Some("480"));
    assert_eq!(thumb.value().attr("height"), Some("320"));
    // The share image: the 1080-pixel size, as an absolute URL.
    let page = html(&b, "articles/a/index.html");
    let og = scraper::Selector::parse("meta[property='og:image']").unwrap();
    let doc = scraper::Html::parse_document(&page);
    let og = doc
        .select(&og)
        .next()
        .unwrap()
        .value()
        .attr("content")
        .unwrap();
    assert!(
        og.starts_with("https://aq.example.gov.cn/articles/img/cover.1080."),
        "{og}"
    );
    // The government metadata's Image too; the original is not published.
    assert!(
        page.contains(&format!("<meta name=\"Image\" content=\"{og}\">")),
        "{page}"
    );
    assert!(!b.copies.iter().any(|a| a.out == "articles/img/cover.jpg"));
    assert!(
        b.copies
            .iter()
            .any(|a| a.out.starts_with("articles/img/cover.1080."))
    );
    assert!(
        !b.check.findings.iter().any(|f| f.rule == "missing-alt"),
        "{:#?}",
        b.check.findings
    );
}

#[test]
fn static_files_with_gps_and_heavy_files_are_reported() {
    let site = TestSite::new();
    // Noise compresses badly: a PNG over 1 MB.
    let noisy = image::RgbImage::from_fn(700, 700, |x, y| {
        let v =
            (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).wrapping_mul(2_246_822_519);
        image::Rgb([(v >> 8) as u8, (v >> 16) as u8, (v >> 24) as u8])
    });
    let mut heavy = Vec::new();
    image::DynamicImage::ImageRgb8(noisy)
        .write_to(&mut Cursor::new(&mut heavy), image::ImageFormat::Png)
        .unwrap();
    assert!(heavy.len() > 1024 * 1024, "{}", heavy.len());
    site.write(
        "content/articles/a.md",
        &article("", "![现场](img/site.jpg)\n\n[附件](files/big.zip)\n"),
    )
    .write_bytes("content/articles/img/site.jpg", &phone_jpeg(800, 600, 1))
    .write_bytes(
        "content/articles/files/big.zip",
        &vec![0u8; 21 * 1024 * 1024],
    )
    .write_bytes("static/images/banner.jpg", &phone_jpeg(400, 300, 1))
    .write_bytes("static/images/clean.jpg", &jpeg(400, 300))
    .write_bytes("static/images/heavy.png", &heavy);
    let b = site.build().unwrap();
    let found: Vec<(String, String)> = b
        .check
        .findings
        .iter()
        .filter(|f| ["image-gps", "image-size", "attachment-size"].contains(&f.rule))
        .map(|f| (f.rule.to_owned(), f.diag.to_string()))
        .collect();
    let has = |rule: &str, text: &str| {
        assert!(
            found.iter().any(|(r, m)| r == rule && m.contains(text)),
            "{rule} {text}: {found:#?}"
        );
    };
    has("image-gps", "static/images/banner.jpg: warning:");
    has(
        "image-size",
        "static/images/heavy.png: warning: published image `images/heavy.png` is",
    );
    has(
        "attachment-size",
        "attachment `articles/files/big.zip` is 21.0 MB",
    );
    // The content photo's GPS is stripped; a clean static JPEG passes.
    assert_eq!(found.len(), 3, "{found:#?}");
}

#[test]
fn a_cmyk_jpeg_from_a_print_shop_is_published_in_its_colours() {
    // A CMYK JPEG (as print shops and Photoshop export posters): left
    // half red (C 0, M 100 %, Y 100 %, K 0), right half blue (C 100 %,
    // M 100 %, Y 0, K 0).
    let (w, h) = (64u16, 32u16);
    let mut cmyk = Vec::new();
    for _y in 0..h {
        for x in 0..w {
            cmyk.extend_from_slice(if x < w / 2 {
                &[0, 255, 255, 0]
            } else {
                &[255, 255, 0, 0]
            });
        }
    }
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 95)
        .encode(&cmyk, w, h, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let p = anxuan::images::process::process(&jpeg, &[64]).unwrap();
    let img = image::load_from_memory(&p.variants[0].bytes)
        .unwrap()
        .to_rgb8();
    let [r, g, b] = img.get_pixel(8, 16).0;
    assert!(
        r > 180 && g < 80 && b < 80,
        "left should be red: {r} {g} {b}"
    );
    let [r, g, b] = img.get_pixel(56, 16).0;
    assert!(
        b > 100 && r < 100 && g < 100,
        "right should be blue: {r} {g} {b}"
    );
}
