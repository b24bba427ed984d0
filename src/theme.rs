//! Themes: the embedded default theme, on-disk overrides, and Tera.
//!
//! Owns: the only use of `tera`. Imports: `error`, `dates`, `sitefs`.
//!
//! The default theme in `themes/default/` is compiled into the binary, so a
//! site needs no theme folder. A site's `themes/<name>/templates/*.html` and
//! `themes/<name>/static/**` override the embedded files one by one (and may
//! add new ones); templates extend each other with `{% extends %}` and
//! `{% block %}`. A test keeps [`EMBEDDED`] equal to the folder.
//!
//! Invariants: autoescaping is on for every template (`.html`, `.xml`,
//! `.txt`); templates are compiled once per build; rendering takes only
//! the context given (no globals, no clock).

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Context, Tera};

use crate::error::{Diagnostic, Span};

/// A file of the embedded default theme: path under `themes/default/`.
pub struct EmbeddedFile {
    pub path: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(EmbeddedFile { path: $path, bytes: include_bytes!(concat!("../themes/default/", $path)) }),*]
    };
}

/// The theme's site icon (output path, before hashing).
pub const THEME_ICON: &str = "img/favicon.ico";

/// A site's own icon, which replaces the theme's (site-relative).
pub const SITE_ICON: &str = "static/favicon.ico";

/// Every file of `themes/default/`.
pub const EMBEDDED: &[EmbeddedFile] = embed![
    "templates/base.html",
    "templates/item.html",
    "templates/pagination.html",
    "templates/index.html",
    "templates/article.html",
    "templates/drill.html",
    "templates/case.html",
    "templates/notice.html",
    "templates/document.html",
    "templates/attachments.html",
    "templates/prev-next.html",
    "templates/page.html",
    "templates/list.html",
    "templates/drills.html",
    "templates/areas.html",
    "templates/tags.html",
    "templates/404.html",
    "templates/search.html",
    "templates/sitemap.html",
    "templates/fontsize.html",
    "templates/page-tools.html",
    "templates/print-notice.html",
    "static/css/site.css",
    "static/js/search-core.js",
    "static/js/search.js",
    "static/js/prefs.js",
    "static/js/page-tools.js",
    "static/img/favicon.ico",
    "static/img/cursor-large.svg",
    "static/img/cursor-hand-large.svg",
];

/// Compiled templates plus the theme's static files.
pub struct Theme {
    tera: Tera,
    /// Output path (no leading slash) → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Template name → where it came from (for messages).
    origins: BTreeMap<String, String>,
    /// Links of the theme folder that were skipped (reported every build).
    pub warnings: Vec<Diagnostic>,
}

fn tera_diagnostic(
    err: &tera::Error,
    origins: &BTreeMap<String, String>,
    context: &str,
) -> Diagnostic {
    use std::error::Error as _;
    match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let file = origins
                .get(r.filename())
                .cloned()
                .unwrap_or_else(|| r.filename().to_owned());
            let span = r.span();
            Diagnostic::error(
                Span::new(file, span.start_line, span.start_col + 1),
                format!("template error{context}: {}", r.message()),
            )
            .with_help("模板错误：请检查该模板文件；如未修改过主题，请报告此问题")
        }
        _ => {
            let mut msg = err.to_string();
            let mut src = err.source();
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            Diagnostic::global(
                crate::error::Severity::Error,
                format!("template error{context}: {msg}"),
            )
        }
    }
}

impl Theme {
    /// Loads the embedded default theme overridden by `root/themes/<name>/`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
        let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut statics = BTreeMap::new();
        for f in EMBEDDED {
            if let Some(t) = f.path.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(f.bytes).into_owned();
                templates.insert(
                    t.to_owned(),
                    (format!("(built-in) themes/default/{}", f.path), text),
                );
            } else if let Some(s) = f.path.strip_prefix("static/") {
                statics.insert(s.to_owned(), f.bytes.to_vec());
            }
        }
        let dir = root.join("themes").join(name);
        let mut diags = Vec::new();
        if name != "default" && !dir.is_dir() {
            return Err(vec![
                Diagnostic::error(
                    Span::file("site.yaml"),
                    format!("theme `{name}` not found: no folder themes/{name}/"),
                )
                .with_help("删除 site.yaml 中的 theme 使用内置默认主题，或创建该主题文件夹"),
            ]);
        }
        // Links follow the site's rule (sitefs); what it skips is warned.
        let mut warnings = Vec::new();
        let mut files = Vec::new();
        crate::sitefs::walk_files(
            root,
            &format!("themes/{name}"),
            &mut warnings,
            |rel, abs| {
                files.push((rel.to_path_buf(), abs));
            },
        );
        let (errors, warnings): (Vec<_>, Vec<_>) = warnings
            .into_iter()
            .partition(|d| d.severity == crate::error::Severity::Error);
        diags.extend(errors);
        for (rel, abs) in &files {
            let mut parts = rel.iter().map(|c| c.to_string_lossy());
            let (Some(sub), rest) = (parts.next(), parts.collect::<Vec<_>>().join("/")) else {
                continue;
            };
            let is_tpl = match &*sub {
                "templates" => true,
                "static" => false,
                _ => continue,
            };
            if rest.is_empty() {
                continue;
            }
            let shown = format!("themes/{name}/{sub}/{rest}");
            match crate::sitefs::read(abs) {
                Ok(bytes) if is_tpl => match String::from_utf8(bytes) {
                    Ok(text) => {
                        templates.insert(rest, (shown, text));
                    }
                    Err(_) => diags.push(Diagnostic::error(
                        Span::file(shown),
                        "template is not valid UTF-8",
                    )),
                },
                Ok(bytes) => {
                    statics.insert(rest, bytes);
                }
                Err(e) => diags.push(Diagnostic::error(
                    Span::file(shown),
                    format!("cannot read: {e}"),
                )),
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml", ".txt"]);
        let origins: BTreeMap<String, String> = templates
            .iter()
            .map(|(k, (o, _))| (k.clone(), o.clone()))
            .collect();
        if let Err(e) =
            tera.add_raw_templates(templates.iter().map(|(k, (_, t))| (k.as_str(), t.as_str())))
        {
            return Err(vec![tera_diagnostic(&e, &origins, "")]);
        }
        // A site's own `static/favicon.ico` is its icon: the theme's is
        // left out, and pages link the site's (see `site_icon`).
        if crate::sitefs::is_file_inside(root, &root.join(SITE_ICON)) {
            statics.remove(THEME_ICON);
        }
        Ok(Theme {
            tera,
            statics,
            origins,
            warnings,
        })
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders `template` for the page `what` (named in errors).
    pub fn render(&self, template: &str, ctx: &Context, what: &str) -> Result<String, Diagnostic> {
        self.tera
            .render(template, ctx)
            .map_err(|e| tera_diagnostic(&e, &self.origins, &format!(" while rendering {what}")))
    }

    /// [`render`](Self::render) as bytes (UTF-8, not validated again: a
    /// page's bytes are checked once, where they are read as text).
    /// `size` is the expected length, to allocate once.
    pub fn render_bytes(
        &self,
        template: &str,
        ctx: &Context,
        what: &str,
        size: usize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(size);
        self.tera
            .render_to(template, ctx, &mut out)
            .map_err(|e| tera_diagnostic(&e, &self.origins, &format!(" while rendering {what}")))?;
        Ok(out)
    }
}

/// A template of anxuan's own (not of a theme: the `check --report` page,
/// the 公众号 export), compiled once, with autoescaping on.
pub struct Builtin {
    tera: Tera,
    name: &'static str,
}

impl Builtin {
    pub fn new(name: &'static str, source: &str) -> Result<Builtin, Diagnostic> {
        let mut tera = Tera::default();
        tera.autoescape_on([".html"]);
        tera.add_raw_template(name, source)
            .map_err(|e| tera_diagnostic(&e, &BTreeMap::new(), &format!(" in {name}")))?;
        Ok(Builtin { tera, name })
    }

    pub fn render(&self, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(self.name, ctx)
            .map_err(|e| tera_diagnostic(&e, &BTreeMap::new(), &format!(" in {}", self.name)))
    }
}

/// Compiles and renders `source`, a template of anxuan's own used once.
pub fn render_builtin(
    name: &'static str,
    source: &str,
    ctx: &Context,
) -> Result<String, Diagnostic> {
    Builtin::new(name, source)?.render(ctx)
}

pub use tera::Context as TemplateContext;
pub use tera::Value as TemplateValue;
