//! Fenced code: comrak's syntax-highlighter hook, writing `<pre
//! class="code" tabindex="0"><code …>` around the CSS-classed output of
//! `highlight`.
//!
//! Imports: `highlight`, `html`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use comrak::adapters::SyntaxHighlighterAdapter;

use crate::highlight::Highlighter;
use crate::html::escape_attr;

pub(super) struct CodeAdapter<'a> {
    pub(super) highlighter: &'a Highlighter,
}

fn write_attrs(
    out: &mut dyn fmt::Write,
    attrs: HashMap<&'static str, Cow<'_, str>>,
) -> fmt::Result {
    let mut attrs: Vec<_> = attrs.into_iter().collect();
    attrs.sort_by(|a, b| a.0.cmp(b.0));
    for (k, v) in attrs {
        write!(out, " {k}=\"{}\"", escape_attr(&v))?;
    }
    Ok(())
}

impl SyntaxHighlighterAdapter for CodeAdapter<'_> {
    fn write_highlighted(
        &self,
        out: &mut dyn fmt::Write,
        lang: Option<&str>,
        code: &str,
    ) -> fmt::Result {
        out.write_str(&self.highlighter.highlight(lang, code))
    }
    fn write_pre_tag(
        &self,
        out: &mut dyn fmt::Write,
        attrs: HashMap<&'static str, Cow<'_, str>>,
    ) -> fmt::Result {
        out.write_str("<pre class=\"code\" tabindex=\"0\"")?;
        write_attrs(out, attrs)?;
        out.write_str(">")
    }
    fn write_code_tag(
        &self,
        out: &mut dyn fmt::Write,
        attrs: HashMap<&'static str, Cow<'_, str>>,
    ) -> fmt::Result {
        out.write_str("<code")?;
        write_attrs(out, attrs)?;
        out.write_str(">")
    }
}
