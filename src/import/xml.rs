//! A small element tree of one XML part of a .docx package, read with
//! `quick-xml`, so that the Word reader can walk paragraphs, runs and
//! tables as values.
//!
//! Owns: the reading side of `quick-xml` (`render` owns the writing side:
//! feeds and sitemaps; two users, one crate, documented here and there).
//! Imports nothing from the crate.
//!
//! Invariants: names are kept qualified as written (`w:p`); every producer
//! of .docx files we know (Word, WPS, LibreOffice, Google Docs) writes the
//! conventional prefixes. Entities and character references are resolved;
//! elements deeper than [`MAX_DEPTH`] are dropped (their text is kept on
//! the deepest element), so walking the tree recursively is bounded.

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::Event;

/// Elements nested deeper than this are not kept as elements.
pub const MAX_DEPTH: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl Element {
    /// The value of attribute `name` (qualified, e.g. `w:val`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The `w:val` of the child `name` (`<w:pStyle w:val="1"/>`).
    pub fn child_val(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|c| c.attr("w:val"))
    }

    /// The first descendant named `name` (depth-first).
    pub fn find(&self, name: &str) -> Option<&Element> {
        for e in self.elements() {
            if e.name == name {
                return Some(e);
            }
            if let Some(found) = e.find(name) {
                return Some(found);
            }
        }
        None
    }

    /// Every descendant named `name`, in document order.
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            } else {
                e.find_all(name, out);
            }
        }
    }

    /// All text below this element, concatenated.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.text_into(&mut s);
        s
    }

    fn text_into(&self, s: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => s.push_str(t),
                Node::Element(e) => e.text_into(s),
            }
        }
    }
}

/// A WordprocessingML on/off property: present without `w:val`, or with
/// a true value.
pub fn on(e: Option<&Element>) -> bool {
    match e.and_then(|e| e.attr("w:val")) {
        _ if e.is_none() => false,
        None => true,
        Some(v) => !matches!(v, "0" | "false" | "off" | "none"),
    }
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            return char::from_u32(code).filter(|c| *c != '\0');
        }
    })
}

/// Parses `text` into its root element.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(text);
    // The stack of open elements; the bottom one collects the root.
    let mut stack: Vec<Element> = vec![Element::default()];
    // Elements opened beyond MAX_DEPTH, not kept.
    let mut dropped = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(_) if stack.len() > MAX_DEPTH || dropped > 0 => dropped += 1,
            Event::Empty(_) if stack.len() > MAX_DEPTH || dropped > 0 => {}
            Event::Start(s) => stack.push(element_of(&s)?),
            Event::Empty(s) => {
                let e = element_of(&s)?;
                push_node(&mut stack, Node::Element(e));
            }
            Event::End(_) if dropped > 0 => dropped -= 1,
            Event::End(_) if stack.len() > 1 => {
                if let Some(e) = stack.pop() {
                    push_node(&mut stack, Node::Element(e));
                }
            }
            Event::End(_) => {}
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(c) = entity(&r.xml10_content()) {
                    push_text(&mut stack, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    while stack.len() > 1 {
        if let Some(e) = stack.pop() {
            push_node(&mut stack, Node::Element(e));
        }
    }
    stack
        .pop()
        .and_then(|mut root| {
            root.children.retain(|n| matches!(n, Node::Element(_)));
            match root.children.pop() {
                Some(Node::Element(e)) => Some(e),
                _ => None,
            }
        })
        .ok_or_else(|| "no root element".to_owned())
}

fn element_of(s: &quick_xml::events::BytesStart<'_>) -> Result<Element, String> {
    let mut attrs = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| format!("bad attribute: {e}"))?;
        let v = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad attribute value: {e}"))?;
        attrs.push((a.key.as_ref().to_owned(), v.into_owned()));
    }
    Ok(Element {
        name: s.name().as_ref().to_owned(),
        attrs,
        children: Vec::new(),
    })
}

fn push_node(stack: &mut [Element], n: Node) {
    if let Some(top) = stack.last_mut() {
        top.children.push(n);
    }
}

fn push_text(stack: &mut [Element], t: &str) {
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(last)) = top.children.last_mut() {
            last.push_str(t);
        } else {
            top.children.push(Node::Text(t.to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_keeps_names_attributes_and_text() {
        let e = parse(r#"<?xml version="1.0"?><w:p a="1"><w:r><w:t>A &amp; B&#x4E2D;</w:t></w:r><w:br/></w:p>"#)
            .unwrap();
        assert_eq!(e.name, "w:p");
        assert_eq!(e.attr("a"), Some("1"));
        assert_eq!(e.text(), "A & B中");
        assert!(e.child("w:br").is_some());
        assert_eq!(e.find("w:t").unwrap().text(), "A & B中");
    }

    #[test]
    fn parse_drops_elements_beyond_the_depth_limit() {
        let deep = format!(
            "<a>{}x{}</a>",
            "<b>".repeat(MAX_DEPTH + 50),
            "</b>".repeat(MAX_DEPTH + 50)
        );
        let e = parse(&deep).unwrap();
        assert_eq!(e.text(), "x");
    }

    #[test]
    fn on_reads_word_switches() {
        let b = parse(r#"<w:b/>"#).unwrap();
        let off = parse(r#"<w:b w:val="0"/>"#).unwrap();
        assert!(on(Some(&b)));
        assert!(!on(Some(&off)));
        assert!(!on(None));
    }
}
