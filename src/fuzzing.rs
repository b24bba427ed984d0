//! Entry points for the fuzz targets (fuzz/) and for replaying their
//! corpora in `cargo test` (tests/it/fuzz_replay.rs). Each runs one
//! component on arbitrary input and checks the invariants it promises;
//! a broken invariant is reported as `Err`, which the fuzz target turns
//! into a crash.
//!
//! Imports: `content`, `config`, `markdown`, `highlight`, `search`,
//! `render::ics`, `serve::http`, `images`.

use std::path::PathBuf;

use crate::config::Config;
use crate::content::{Kind, SourceFile};
use crate::highlight::Highlighter;
use crate::markdown::{self, Links, MarkdownOptions, Target};

/// Front matter split, YAML parse and field validation of a content file.
pub fn front_matter(bytes: &[u8]) -> Result<(), String> {
    let cfg = Config::parse("title: fuzz\n").map_err(|d| format!("{d:?}"))?;
    for (column, kind) in Kind::ALL.into_iter().enumerate() {
        let src = SourceFile {
            rel: format!("content/{}/f.md", kind.name()),
            abs: PathBuf::from("f.md"),
            column,
            kind,
            stem: "f".to_owned(),
        };
        match crate::content::load(&src, bytes, &cfg) {
            Ok(_) => {}
            Err(diags) => {
                if diags.is_empty() {
                    return Err("a failed load without a diagnostic".to_owned());
                }
                for d in &diags {
                    if let Some(s) = &d.span
                        && s.path != src.rel
                    {
                        return Err(format!("diagnostic names {} not {}", s.path, src.rel));
                    }
                }
            }
        }
    }
    Ok(())
}

struct NoLinks;

impl Links for NoLinks {
    fn internal(&self, path: &str) -> Target {
        Target::Missing(format!("no page {path}"))
    }
    fn relative(&self, _file: &str, url: &str) -> Target {
        Target::Url(url.to_owned())
    }
    fn rooted(&self, url: &str) -> String {
        url.to_owned()
    }
}

/// Markdown to sanitized HTML: no script, no event handler survives.
pub fn markdown(text: &str) -> Result<(), String> {
    let highlighter = Highlighter::new();
    let opts = MarkdownOptions {
        highlighter: &highlighter,
        unsafe_html: false,
        iframe_hosts: &[],
    };
    let (body, _) = markdown::render("content/articles/f.md", text, 0, &NoLinks, &opts);
    // Text is escaped (`<` as `&lt;`), so every `<…>` of the output is a
    // real tag: look for what must not survive inside tags only.
    let lower = body.html.to_ascii_lowercase();
    for tag in lower.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect();
        let name = name.trim_start_matches('/');
        if ["script", "iframe", "style", "object", "embed"].contains(&name) {
            return Err(format!("a <{name}> tag survived sanitizing"));
        }
        if tag.contains("javascript:") {
            return Err(format!("a javascript: URL survived in <{tag}>"));
        }
        // Attribute names only: drop the quoted values (ammonia quotes all).
        let names: String = tag.split('"').step_by(2).collect::<Vec<_>>().join("\"\"");
        for w in names
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .skip(1)
        {
            let attr = w.split('=').next().unwrap_or("");
            if attr.starts_with("on") && attr.len() > 2 && w.contains('=') {
                return Err(format!("the `{attr}` attribute survived in <{tag}>"));
            }
        }
    }
    Ok(())
}

/// The search tokenizer: tokens are non-empty, folded, and never contain a
/// separator; Han tokens are one or two characters.
pub fn tokenizer(text: &str) -> Result<Vec<String>, String> {
    use crate::search::tokenize::{Class, class, fold, tokenize};
    let tokens = tokenize(text);
    for t in &tokens {
        let chars: Vec<char> = t.chars().collect();
        if chars.is_empty() {
            return Err("empty token".to_owned());
        }
        if chars
            .iter()
            .any(|&c| fold(c) != c || class(c) == Class::Sep)
        {
            return Err(format!("token {t:?} is not folded or holds a separator"));
        }
        if class(chars[0]) == Class::Han && chars.len() > 2 {
            return Err(format!("Han token {t:?} longer than a bigram"));
        }
    }
    Ok(tokens)
}

/// ICS content lines: escaping then folding gives lines of at most 75
/// octets, never splitting a character, and unfolding and unescaping give
/// the text back.
pub fn ics_fold(text: &str) -> Result<(), String> {
    use crate::render::ics::{escape_text, fold, unescape_text, unfold};
    let line = format!("SUMMARY:{}", escape_text(text));
    let folded = fold(&line);
    for l in folded.split("\r\n") {
        if l.len() > 75 {
            return Err(format!("a folded line of {} octets", l.len()));
        }
    }
    let back = unfold(&folded);
    let back = back.trim_end_matches("\r\n");
    if back != line {
        return Err("unfolding does not give the line back".to_owned());
    }
    let value = back.strip_prefix("SUMMARY:").unwrap_or(back);
    // Newlines of any style become `\n`; other control characters (but
    // tab) are not allowed in TEXT and are dropped.
    let expected: String = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| !c.is_control() || c == '\t' || c == '\n')
        .collect();
    if unescape_text(value) != expected {
        return Err("unescaping does not give the text back".to_owned());
    }
    Ok(())
}

/// The preview server's URL decoding: every accepted path is relative and
/// made of normal segments.
pub fn url_router(target: &str) -> Result<(), String> {
    if let Ok(path) = crate::serve::http::decode_path(target) {
        if path.starts_with('/') || path.contains('\\') || path.contains('\0') {
            return Err(format!("unsafe path {path:?} from {target:?}"));
        }
        if path
            .trim_end_matches('/')
            .split('/')
            .any(|s| s == ".." || s == "." || (s.is_empty() && !path.is_empty()))
        {
            return Err(format!("unsafe segment in {path:?} from {target:?}"));
        }
    }
    Ok(())
}

/// The image path: any bytes as a photo. Either published sizes that
/// decode back to the size they claim, never wider than the source, with
/// no EXIF, or an error with a message and Chinese help; never a panic.
pub fn image(bytes: &[u8]) -> Result<(), String> {
    use crate::images::process::{self, ImageError};
    match process::process(bytes, &[16, 64]) {
        Ok(p) => {
            for v in &p.variants {
                let (w, h) = crate::images::dimensions(&v.bytes)
                    .ok_or_else(|| "a published size has no readable size".to_owned())?;
                if (w, h) != (v.width, v.height) {
                    return Err(format!("claims {}×{}, is {w}×{h}", v.width, v.height));
                }
                if w > p.width {
                    return Err(format!("upscaled: {w} > {}", p.width));
                }
                if crate::images::exif::has_exif(&v.bytes) {
                    return Err("EXIF left in a published size".to_owned());
                }
            }
            Ok(())
        }
        Err(e @ (ImageError::Heic | ImageError::TooLarge(..) | ImageError::Corrupt(_))) => {
            if e.message().is_empty() || e.help().is_empty() {
                return Err(format!("{e:?} without message or help"));
            }
            Ok(())
        }
        Err(e @ ImageError::Cache(_)) => Err(format!("no cache here: {e:?}")),
    }
}
