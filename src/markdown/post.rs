//! Small HTML adjustments to a rendered body that comrak has no option
//! for: lazy images, horizontally scrollable tables on narrow phones,
//! Chinese labels on footnote back-links. Made tag by tag with
//! [`html::rewrite_tags`], so text, comments, scripts and attribute values
//! that only look like these tags are left alone.
//!
//! Imports: `html`.

use crate::html;

/// What a table is wrapped in, so it scrolls sideways on a narrow phone
/// instead of widening the page.
const TABLE_WRAP: &str =
    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可左右滑动）\">";

/// How comrak labels a footnote's link back to where it is cited, and
/// what screen readers read aloud instead.
const FOOTNOTE_BACKREF: &str = "Back to reference ";
const FOOTNOTE_BACKREF_ZH: &str = "返回正文引用处 ";

/// `html` with the adjustments made: every `<img>` but the first loads
/// lazily (the first is often the page's largest paint, and above the
/// fold), every one decodes asynchronously (unless it says otherwise),
/// every `<table>` is
/// wrapped in [`TABLE_WRAP`], every footnote back-link is labelled in
/// Chinese.
pub(super) fn post_process(html: String) -> String {
    // Most bodies have no image, table or footnote: those are neither
    // walked nor copied.
    let b = html.as_bytes();
    if !html::contains_tag_ci(b, b"<img")
        && !html::contains_tag_ci(b, b"<table")
        && !html::contains(b, FOOTNOTE_BACKREF.as_bytes())
    {
        return html;
    }
    // Tables wrapped and not closed yet.
    let mut open_tables = 0usize;
    let mut images = 0usize;
    let edited = html::rewrite_tags(&html, &["img", "table", "a"], |t| {
        if t.is("img") {
            images += 1;
            if images > 1 && !t.has_attr("loading") {
                t.add_attr("loading", "lazy");
            }
            if !t.has_attr("decoding") {
                t.add_attr("decoding", "async");
            }
        } else if t.is("table") {
            if !t.is_end() {
                t.insert_before(TABLE_WRAP);
                open_tables += 1;
            } else if open_tables > 0 {
                t.insert_after("</div>");
                open_tables -= 1;
            }
        } else if t.has_attr("data-footnote-backref")
            && let Some(n) = t
                .attr("aria-label")
                .and_then(|l| l.strip_prefix(FOOTNOTE_BACKREF))
        {
            let label = format!("{FOOTNOTE_BACKREF_ZH}{}", html::decode_entities(n));
            t.set_attr("aria-label", &label);
        }
    });
    edited.unwrap_or(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_process_edits_what_comrak_writes() {
        let html = "<p><img src=\"/a.png\" alt=\"甲\" /><img src=\"/b.png\" alt=\"乙\" /></p>\n<table>\n<tr><td>1</td></tr>\n</table>\n\
                    <a href=\"#fnref-1\" class=\"footnote-backref\" data-footnote-backref \
                    data-footnote-backref-idx=\"1\" aria-label=\"Back to reference 1\">↩</a>";
        assert_eq!(
            post_process(html.to_owned()),
            format!(
                "<p><img decoding=\"async\" src=\"/a.png\" alt=\"甲\" />\
                 <img loading=\"lazy\" decoding=\"async\" src=\"/b.png\" alt=\"乙\" /></p>\n\
                 {TABLE_WRAP}<table>\n<tr><td>1</td></tr>\n</table></div>\n\
                 <a href=\"#fnref-1\" class=\"footnote-backref\" data-footnote-backref \
                 data-footnote-backref-idx=\"1\" aria-label=\"返回正文引用处 1\">↩</a>"
            )
        );
        assert_eq!(post_process("<p>无</p>".to_owned()), "<p>无</p>");
    }

    #[test]
    fn post_process_keeps_raw_html_balanced_and_look_alikes_alone() {
        let html = "<table class=\"x\"><tr><td><table><tr><td>套</td></tr></table></td></tr></table>\
                    <span title=\"<img src=x> <table>\">字</span><!-- <img src=y> -->\
                    <p>aria-label=\"Back to reference 2\"</p><img loading=\"eager\" src=\"z\">";
        assert_eq!(
            post_process(html.to_owned()),
            format!(
                "{TABLE_WRAP}<table class=\"x\"><tr><td>{TABLE_WRAP}<table><tr><td>套</td></tr>\
                 </table></div></td></tr></table></div>\
                 <span title=\"<img src=x> <table>\">字</span><!-- <img src=y> -->\
                 <p>aria-label=\"Back to reference 2\"</p>\
                 <img decoding=\"async\" loading=\"eager\" src=\"z\">"
            )
        );
    }
}
