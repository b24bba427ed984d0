//! `anxuan import`: a Word document, a GBK page of a TRS-style CMS with
//! its meta tags, a UTF-8 page whose dates and 责编 are only in the text;
//! each becomes a Markdown file that builds; nothing is overwritten;
//! `--dry-run` writes nothing; old binary formats get their advice.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::support::*;

/// A .docx package of `parts`, written with the `zip` crate.
fn docx(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#;

fn p(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

fn styled(style: &str, text: &str) -> String {
    format!(r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#)
}

fn item(text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
    )
}

fn cell(text: &str, props: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(text))
}

/// A Word document as WPS or Word writes one for a 街道 safety office:
/// a 方正小标宋 title, a 来源/作者 line, a bold run, headings by built-in
/// and Chinese style names, a numbered list, a table with a merged cell,
/// a photo, a link, a footnote, a 责任编辑 line and core properties.
fn word_document() -> Vec<u8> {
    let body = [
        r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/></w:rPr><w:t>青石街道开展安全生产月宣传活动</w:t></w:r></w:p>"#.to_owned(),
        p("来源：青石街道应急管理办公室　作者：李敏"),
        r#"<w:p><w:r><w:t xml:space="preserve">　　6月16日，街道在青石广场启动</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>安全生产月</w:t></w:r><w:r><w:t>活动，8~10人一组开展咨询。</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>"#.to_owned(),
        styled("1", "一、主要做法"),
        item("设置咨询台"),
        item("发放宣传资料"),
        item("组织应急演练"),
        styled("2", "（一）检查情况"),
        format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr><w:tr>{}</w:tr></w:tbl>",
            cell("检查项目", ""),
            cell("隐患数", ""),
            cell("餐饮场所", ""),
            cell("12", ""),
            cell("合计 12 处", r#"<w:gridSpan w:val="2"/>"#),
        ),
        r#"<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="图片 1" descr="宣传活动现场"/><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed="rId5"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#.to_owned(),
        r#"<w:p><w:r><w:t xml:space="preserve">详见</w:t></w:r><w:hyperlink r:id="rId6"><w:r><w:t>应急管理部网站</w:t></w:r></w:hyperlink><w:r><w:t>。</w:t></w:r></w:p>"#.to_owned(),
        p("（责任编辑：孙婷婷）"),
    ]
    .concat();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let styles = format!(
        r#"<?xml version="1.0"?><w:styles {W}><w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/></w:style><w:style w:type="paragraph" w:styleId="2"><w:name w:val="标题 2"/><w:basedOn w:val="a"/></w:style></w:styles>"#
    );
    let numbering = format!(
        r#"<?xml version="1.0"?><w:numbering {W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
    );
    let footnotes = format!(
        r#"<?xml version="1.0"?><w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> 数据由街道应急办统计。</w:t></w:r></w:p></w:footnote></w:footnotes>"#
    );
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/><Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.mem.gov.cn/" TargetMode="External"/></Relationships>"#;
    let core = r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Document</dc:title><dc:creator>Administrator</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">2024-07-30T02:15:00Z</dcterms:created></cp:coreProperties>"#;
    let content_types = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="png" ContentType="image/png"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    docx(&[
        ("[Content_Types].xml", content_types.into()),
        ("word/document.xml", document.into_bytes()),
        ("word/styles.xml", styles.into_bytes()),
        ("word/numbering.xml", numbering.into_bytes()),
        ("word/footnotes.xml", footnotes.into_bytes()),
        ("word/_rels/document.xml.rels", rels.into()),
        ("word/media/image1.png", png(320, 200)),
        ("docProps/core.xml", core.into()),
    ])
}

/// A page saved from a TRS-style 区 portal: GBK, the CMS's meta tags,
/// the text in `#zoom .TRS_Editor`, chrome around it, a photo in the
/// browser's `_files` folder.
const TRS_PAGE: &str = r##"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<!-- saved from url=(0062)http://www.linjiang.example.gov.cn/art/2024/7/30/art_12_345.html -->
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="ArticleTitle" content="青石街道召开燃气安全专项整治推进会">
<meta name="PubDate" content="2024-07-30 09:30">
<meta name="ContentSource" content="青石街道应急管理办公室">
<meta name="Author" content="张伟">
<meta name="ColumnName" content="工作动态">
<title>青石街道召开燃气安全专项整治推进会_工作动态_临江区人民政府</title>
<script>var x = 1;</script>
</head><body>
<div class="header"><h1 class="logo">临江区人民政府</h1><ul class="nav"><li><a href="/">首页</a></li><li><a href="/col/col12/">工作动态</a></li></ul></div>
<div class="main">
<div class="position">当前位置：<a href="../../">首页</a> &gt; 工作动态</div>
<div class="title">青石街道召开燃气安全专项整治推进会</div>
<div class="info">发布时间：2024-07-30 09:30　来源：青石街道应急管理办公室　【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div id="zoom"><div class="TRS_Editor"><style type="text/css">.TRS_Editor P{line-height:2;font-size:12pt}</style>
<p>&nbsp;&nbsp;&nbsp;&nbsp;7月30日，青石街道召开<strong>燃气安全专项整治</strong>推进会，部署下一阶段工作。</p>
<p>　　会议通报了前期排查情况，见下表：</p>
<table border="1" cellspacing="0"><tbody><tr><td><p>检查场所</p></td><td><p>发现隐患</p></td></tr><tr><td><p>餐饮场所</p></td><td><p>23</p></td></tr><tr><td colspan="2"><p>已全部整改</p></td></tr></tbody></table>
<p style="text-align:center"><img src="t20240730_345_files/W020240730.jpg" alt="推进会现场" border="0"></p>
<p>　　会议要求，详见<a href="../../../../col/col12/art_11.html">上一期通报</a>。</p>
<p style="text-align:right">（责任编辑：孙婷婷）</p>
</div></div>
<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="bdsharebuttonbox">分享到：<a class="bds_weixin">微信</a></div>
<div class="pn"><p>上一篇：<a href="art_1.html">临江区部署防汛工作</a></p><p>下一篇：<a href="art_3.html">街道开展消防检查</a></p></div>
</div>
<div class="footer">版权所有：临江区人民政府　京ICP备12345678号　京公网安备 11010502000001号</div>
</body></html>
"##;

/// A page of an older template: UTF-8, no meta tags; 日期 and 责编 only
/// in the text; one photo saved, one only on the old site.
const PLAIN_PAGE: &str = r#"<html><head><meta charset="utf-8"><title>枫林村开展防汛应急演练 - 青石街道</title></head>
<body><div class="wrap">
<div class="nav"><a href="/">首页</a> | <a href="/news/">新闻</a></div>
<h2>枫林村开展防汛应急演练</h2>
<div class="attr">来源: 作者: 日期:2024-07-30 浏览次数：128</div>
<div class="article-content">
<p>　　7月下旬，枫林村组织村民开展防汛应急演练。</p>
<p><b>演练分为三个环节</b>：预警发布、人员转移和现场救护。</p>
<table border="1"><tr><th>环节</th><th>时间</th></tr><tr><td>预警发布</td><td>9:00</td></tr><tr><td>人员转移</td><td>9:20</td></tr></table>
<p><img src="drill_files/drill.png" alt="演练现场"></p>
<p><img src="https://old.example.gov.cn/images/remote.jpg" alt="转移路线图"></p>
</div>
<div>责编: 孙婷婷</div>
<div class="pn">上一篇：枫林村召开村民大会<br>下一篇：枫林村清理河道</div>
</div>
<div id="footer">青石街道 版权所有 网站标识码1234567890</div>
</body></html>
"#;

/// A folder of inputs beside the site.
fn inputs() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let docx_path = dir.path().join("青石街道安全生产月.docx");
    std::fs::write(&docx_path, word_document()).unwrap();
    let trs = dir.path().join("t20240730_345.htm");
    let (gbk, _, _) = encoding_rs::GBK.encode(TRS_PAGE);
    std::fs::write(&trs, &gbk).unwrap();
    std::fs::create_dir(dir.path().join("t20240730_345_files")).unwrap();
    std::fs::write(
        dir.path().join("t20240730_345_files/W020240730.jpg"),
        jpeg(400, 300),
    )
    .unwrap();
    let plain = dir.path().join("drill.html");
    std::fs::write(&plain, PLAIN_PAGE).unwrap();
    std::fs::create_dir(dir.path().join("drill_files")).unwrap();
    std::fs::write(dir.path().join("drill_files/drill.png"), png(300, 200)).unwrap();
    (dir, docx_path, trs, plain)
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    out
}

fn import(site: &TestSite, args: &[&Path], extra: &[&str]) -> std::process::Output {
    let mut all: Vec<&str> = vec!["import"];
    all.extend(args.iter().map(|p| p.to_str().unwrap()));
    all.extend(extra);
    site.run(&all)
}

/// The Markdown files in `content/articles`: (stem, text), sorted.
fn articles(site: &TestSite) -> Vec<(String, String)> {
    let dir = site.root().join("content/articles");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| {
                let p = e.ok()?.path();
                (p.extension()? == "md").then(|| {
                    (
                        p.file_stem().unwrap().to_string_lossy().into_owned(),
                        std::fs::read_to_string(&p).unwrap(),
                    )
                })
            })
            .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn front_matter(text: &str) -> &str {
    text.split("---\n").nth(1).unwrap()
}

/// The built page of `stem`, its `<main>`.
fn built_main(site: &TestSite, stem: &str) -> String {
    let b = site
        .build()
        .unwrap_or_else(|d| panic!("the imported site must build: {d:#?}"));
    main_of(&html(&b, &format!("articles/{stem}/index.html")))
}

#[test]
fn word_document_imports_with_title_meta_lines_list_table_and_image_and_builds() {
    let site = TestSite::new();
    let (_dir, docx, _, _) = inputs();
    let o = import(&site, &[&docx], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = articles(&site);
    assert_eq!(files.len(), 1, "{files:?}");
    let (stem, text) = &files[0];
    assert_eq!(stem, "2024-07-30-青石街道开展安全生产月宣传活动");
    let fm = front_matter(text);
    assert!(
        fm.contains("title: \"青石街道开展安全生产月宣传活动\"\n"),
        "{fm}"
    );
    // No 日期 line: the core properties' creation date, in the site's zone.
    assert!(fm.contains("date: 2024-07-30\n"), "{fm}");
    assert!(fm.contains("source: \"青石街道应急管理办公室\"\n"), "{fm}");
    // The 作者 line; the core properties' `Administrator` is no author.
    assert!(fm.contains("author: \"李敏\"\n"), "{fm}");
    assert!(fm.contains("editor: \"孙婷婷\"\n"), "{fm}");
    assert!(
        fm.contains("imported_from: \"青石街道安全生产月.docx\""),
        "{fm}"
    );
    // Full-width indentation gone, the title and the meta lines not repeated.
    assert!(
        text.contains(
            "\n6月16日，街道在青石广场启动**安全生产月**活动，8\\~10人一组开展咨询。[^1]\n"
        ),
        "{text}"
    );
    assert!(!text.contains("来源："), "{text}");
    assert!(!text.contains("责任编辑"), "{text}");
    assert!(text.contains("\n## 一、主要做法\n"), "{text}");
    assert!(text.contains("\n### （一）检查情况\n"), "{text}");
    assert!(
        text.contains("\n1. 设置咨询台\n2. 发放宣传资料\n3. 组织应急演练\n"),
        "{text}"
    );
    assert!(text.contains("| 合计 12 处 | 合计 12 处 |"), "{text}");
    assert!(
        text.contains(&format!("![宣传活动现场]({stem}/image1.png)")),
        "{text}"
    );
    assert!(
        text.contains("[应急管理部网站](https://www.mem.gov.cn/)"),
        "{text}"
    );
    assert!(text.contains("[^1]: 数据由街道应急办统计。"), "{text}");
    assert!(
        site.root()
            .join(format!("content/articles/{stem}/image1.png"))
            .is_file()
    );
    assert!(stderr(&o).contains("merged cells"), "{}", stderr(&o));

    let main = built_main(&site, stem);
    assert!(main.contains("青石街道开展安全生产月宣传活动"), "{main}");
    assert!(main.contains(">一、主要做法</h2>"), "{main}");
    assert!(main.contains("<strong>安全生产月</strong>"), "{main}");
    assert!(
        main.contains("<table>") && main.contains("<td>餐饮场所</td>"),
        "{main}"
    );
    assert!(main.contains("<ol>"), "{main}");
    assert!(main.contains("alt=\"宣传活动现场\""), "{main}");
}

#[test]
fn gbk_page_of_a_trs_portal_imports_from_its_meta_tags_and_builds() {
    let site = TestSite::new();
    let (_dir, _, trs, _) = inputs();
    let o = import(&site, &[&trs], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = articles(&site);
    assert_eq!(files.len(), 1, "{files:?}");
    let (stem, text) = &files[0];
    assert_eq!(stem, "2024-07-30-t20240730_345");
    let fm = front_matter(text);
    assert!(
        fm.contains("title: \"青石街道召开燃气安全专项整治推进会\"\n"),
        "{fm}"
    );
    assert!(fm.contains("date: 2024-07-30 09:30\n"), "{fm}");
    assert!(fm.contains("source: \"青石街道应急管理办公室\"\n"), "{fm}");
    assert!(fm.contains("author: \"张伟\"\n"), "{fm}");
    assert!(fm.contains("editor: \"孙婷婷\"\n"), "{fm}");
    let body = text.split("---\n").nth(2).unwrap();
    assert!(
        body.starts_with("\n7月30日，青石街道召开**燃气安全专项整治**推进会"),
        "{body}"
    );
    for chrome in [
        "打印本页",
        "关闭窗口",
        "分享到",
        "上一篇",
        "ICP",
        "公网安备",
        "line-height",
        "责任编辑",
        "当前位置",
    ] {
        assert!(!body.contains(chrome), "`{chrome}` left in:\n{body}");
    }
    assert!(body.contains("| 已全部整改 | 已全部整改 |"), "{body}");
    assert!(
        body.contains(&format!("![推进会现场]({stem}/w020240730.jpg)")),
        "{body}"
    );
    // The old site's relative link, made absolute from the saved-from address.
    assert!(
        body.contains("[上一期通报](http://www.linjiang.example.gov.cn/col/col12/art_11.html)"),
        "{body}"
    );

    let main = built_main(&site, stem);
    assert!(main.contains("<strong>燃气安全专项整治</strong>"), "{main}");
    assert!(main.contains("<td>餐饮场所</td>"), "{main}");
    assert!(main.contains("alt=\"推进会现场\""), "{main}");
}

#[test]
fn page_without_meta_tags_takes_its_date_and_editor_from_the_text() {
    let site = TestSite::new();
    let (_dir, _, _, plain) = inputs();
    let o = import(&site, &[&plain], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = articles(&site);
    let (stem, text) = &files[0];
    assert_eq!(stem, "2024-07-30-drill");
    let fm = front_matter(text);
    assert!(fm.contains("title: \"枫林村开展防汛应急演练\"\n"), "{fm}");
    assert!(fm.contains("date: 2024-07-30\n"), "{fm}");
    assert!(fm.contains("editor: \"孙婷婷\"\n"), "{fm}");
    // `来源:` and `作者:` are empty on the page: no field.
    assert!(!fm.contains("source:") && !fm.contains("author:"), "{fm}");
    assert!(text.contains("**演练分为三个环节**"), "{text}");
    assert!(text.contains("| 预警发布 | 9:00 |"), "{text}");
    assert!(
        text.contains(&format!("![演练现场]({stem}/drill.png)")),
        "{text}"
    );
    assert!(
        text.contains("[图片：转移路线图](https://old.example.gov.cn/images/remote.jpg)"),
        "{text}"
    );
    assert!(
        !text.contains("浏览次数") && !text.contains("下一篇"),
        "{text}"
    );
    assert!(stderr(&o).contains("left as links"), "{}", stderr(&o));

    let main = built_main(&site, stem);
    assert!(main.contains("<strong>演练分为三个环节</strong>"), "{main}");
    assert!(main.contains("<th>环节</th>"), "{main}");
    assert!(main.contains("alt=\"演练现场\""), "{main}");
}

#[test]
fn a_second_import_of_the_same_file_gets_a_new_name() {
    let site = TestSite::new();
    let (_dir, _, trs, _) = inputs();
    assert!(import(&site, &[&trs], &[]).status.success());
    let first = articles(&site);
    let o = import(&site, &[&trs], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let both = articles(&site);
    assert_eq!(both.len(), 2, "{both:?}");
    assert_eq!(both[0], first[0], "the first import is untouched");
    assert_eq!(both[1].0, "2024-07-30-t20240730_345-2");
    assert!(
        both[1]
            .1
            .contains("](2024-07-30-t20240730_345-2/w020240730.jpg)")
    );
    assert!(
        stderr(&o).contains("exists; writing 2024-07-30-t20240730_345-2.md instead"),
        "{}",
        stderr(&o)
    );
    site.build().unwrap();
}

#[test]
fn dry_run_writes_nothing_and_says_what_it_would_write() {
    let site = TestSite::new();
    let (dir, _, _, _) = inputs();
    let before = snapshot_dir(site.root());
    let o = import(&site, &[dir.path()], &["--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(snapshot_dir(site.root()), before);
    let err = stderr(&o);
    assert!(err.contains("Would write"), "{err}");
    assert!(
        err.contains("content/articles/2024-07-30-t20240730_345.md"),
        "{err}"
    );
    assert!(
        err.contains("content/articles/2024-07-30-drill.md"),
        "{err}"
    );
    assert!(err.contains("3 would be imported, 0 skipped"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
}

#[test]
fn a_folder_imports_every_document_and_not_the_saved_images() {
    let site = TestSite::new();
    let (dir, _, _, _) = inputs();
    let o = import(&site, &[dir.path()], &["--column", "articles"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(articles(&site).len(), 3);
    assert!(
        stderr(&o).contains("3 imported, 0 skipped"),
        "{}",
        stderr(&o)
    );
    site.build().unwrap();
}

#[test]
fn old_binary_word_and_wps_files_are_refused_with_advice() {
    let site = TestSite::new();
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("通知.doc");
    std::fs::write(&doc, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1").unwrap();
    let wps = dir.path().join("总结.wps");
    std::fs::write(&wps, b"\xD0\xCF\x11\xE0").unwrap();
    let o = import(&site, &[&doc, &wps], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("通知.doc: error:"), "{err}");
    assert!(err.contains("请在 WPS 或 Word 中另存为 .docx"), "{err}");
    assert!(err.contains("0 imported, 2 skipped"), "{err}");
    assert!(articles(&site).is_empty());
}

#[test]
fn import_into_a_column_of_another_kind_is_refused() {
    let site = TestSite::new();
    let (_dir, docx, _, _) = inputs();
    let o = import(&site, &[&docx], &["--column", "drills"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("import writes articles"),
        "{}",
        stderr(&o)
    );
}
