//! Small HTML adjustments to a rendered body that comrak has no option
//! for: lazy images, horizontally scrollable tables on narrow phones,
//! Chinese labels on footnote back-links.
//!
//! Imports: `html`.

/// `html` with the adjustments made.
pub(super) fn post_process(mut html: String) -> String {
    // Each replacement copies the body only where it applies (most bodies
    // have no image, table or footnote).
    let edits = [
        ("<img ", "<img loading=\"lazy\" decoding=\"async\" "),
        (
            "<table>",
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可左右滑动）\"><table>",
        ),
        ("</table>", "</table></div>"),
        // Screen readers read the footnote back-links aloud: in Chinese.
        (FOOTNOTE_BACKREF, "aria-label=\"返回正文引用处 "),
    ];
    for (from, to) in edits {
        if let Some(edited) = crate::html::replace_all(&html, from, to) {
            html = edited;
        }
    }
    html
}

/// How comrak labels a footnote's link back to where it is cited.
const FOOTNOTE_BACKREF: &str = "aria-label=\"Back to reference ";
