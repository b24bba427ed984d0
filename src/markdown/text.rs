//! Text out of the Markdown tree: the plain text of nodes (headings, the
//! search index, the first paragraph) and the CJK rule for soft line
//! breaks (none between two CJK characters: browsers would show a space).

use comrak::nodes::{AstNode, NodeValue};

/// True for characters written without spaces between them (Han, kana,
/// Hangul syllables, CJK and full-width punctuation).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F |
        0x3190..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF |
        0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

pub(super) fn flatten<'a>(node: &'a AstNode<'a>, out: &mut String) {
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::CodeBlock(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            _ => {}
        }
    }
}

fn edge_char<'a>(node: &'a AstNode<'a>, last: bool) -> Option<char> {
    let mut text = String::new();
    flatten(node, &mut text);
    if last {
        text.chars().next_back()
    } else {
        text.chars().next()
    }
}

/// Drops each of `soft_breaks` that stands between two CJK characters.
pub(super) fn drop_cjk_soft_breaks<'a>(soft_breaks: Vec<&'a AstNode<'a>>) {
    for node in soft_breaks {
        let prev = node.previous_sibling().and_then(|p| edge_char(p, true));
        let next = node.next_sibling().and_then(|n| edge_char(n, false));
        if let (Some(a), Some(b)) = (prev, next)
            && is_cjk(a)
            && is_cjk(b)
        {
            node.detach();
        }
    }
}

/// The plain text of the document (top-level blocks separated by
/// newlines) and of its first paragraph.
pub(super) fn plain_text<'a>(root: &'a AstNode<'a>) -> (String, String) {
    let mut text = String::new();
    let mut first = None;
    for node in root.children() {
        let mut t = String::new();
        flatten(node, &mut t);
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        if first.is_none() && matches!(node.data().value, NodeValue::Paragraph) {
            first = Some(t.to_owned());
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(t);
    }
    (text, first.unwrap_or_default())
}
