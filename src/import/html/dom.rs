//! Small helpers over the DOM `htmd` parses a page into
//! (`markup5ever_rcdom`): names, attributes, walking, text, removal.
//!
//! Imports nothing from the crate.
//!
//! Invariants: walks are iterative (a page nested thousands of levels deep
//! cannot overflow the stack here); [`depth`] lets the caller refuse such
//! a page before the converter, which recurses, sees it.

use std::rc::Rc;

use markup5ever_rcdom::{Node, NodeData};

pub type Handle = Rc<Node>;

/// The element's tag name (lower case), `None` for other nodes.
pub fn tag(n: &Node) -> Option<&str> {
    match &n.data {
        NodeData::Element { name, .. } => Some(&*name.local),
        _ => None,
    }
}

pub fn is(n: &Node, name: &str) -> bool {
    tag(n) == Some(name)
}

/// The value of attribute `name`.
pub fn attr(n: &Node, name: &str) -> Option<String> {
    match &n.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| (*a.name.local).eq_ignore_ascii_case(name))
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

/// Sets an attribute the element has (a missing one stays missing).
pub fn set_attr(n: &Node, name: &str, value: &str) {
    if let NodeData::Element { attrs, .. } = &n.data {
        for a in attrs.borrow_mut().iter_mut() {
            if (*a.name.local).eq_ignore_ascii_case(name) {
                a.value = value.into();
            }
        }
    }
}

/// Whether the element's `class` has `token` or its `id` is `token`
/// (ASCII case ignored).
pub fn has_class_or_id(n: &Node, token: &str) -> bool {
    let class = attr(n, "class").is_some_and(|c| {
        c.split_ascii_whitespace()
            .any(|t| t.eq_ignore_ascii_case(token))
    });
    class || attr(n, "id").is_some_and(|i| i.trim().eq_ignore_ascii_case(token))
}

/// The class tokens and id of an element, lower case.
pub fn names(n: &Node) -> Vec<String> {
    let mut out: Vec<String> = attr(n, "class")
        .unwrap_or_default()
        .split_ascii_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    if let Some(id) = attr(n, "id") {
        out.push(id.trim().to_ascii_lowercase());
    }
    out
}

pub fn children(n: &Node) -> Vec<Handle> {
    n.children.borrow().clone()
}

/// `root` and every node below it, in document order.
pub fn descendants(root: &Handle) -> Vec<Handle> {
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(n) = stack.pop() {
        for c in n.children.borrow().iter().rev() {
            stack.push(c.clone());
        }
        out.push(n);
    }
    out
}

/// How deeply the tree below `root` nests.
pub fn depth(root: &Handle) -> usize {
    let mut max = 0;
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((n, d)) = stack.pop() {
        max = max.max(d);
        for c in n.children.borrow().iter() {
            stack.push((c.clone(), d + 1));
        }
    }
    max
}

/// Elements whose content is not text of the page.
pub fn is_hidden_tag(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "title"
            | "iframe"
            | "object"
            | "embed"
    )
}

/// Elements that start a line of text.
pub fn is_block_tag(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "main"
            | "blockquote"
            | "pre"
            | "dd"
            | "dt"
            | "dl"
            | "form"
            | "center"
            | "hr"
    )
}

/// The text below `root`, with a line break around block elements,
/// leaving out scripts, styles and any node in `skip`.
pub fn text_skipping(root: &Handle, skip: Option<&Handle>) -> String {
    let mut out = String::new();
    // (node, entering): blocks add a line break on the way out too.
    let mut stack = vec![(root.clone(), true)];
    while let Some((n, entering)) = stack.pop() {
        if skip.is_some_and(|s| Rc::ptr_eq(s, &n)) {
            out.push('\n');
            continue;
        }
        match &n.data {
            NodeData::Text { contents } if entering => out.push_str(&contents.borrow()),
            NodeData::Element { name, .. } => {
                let t: &str = &name.local;
                if is_hidden_tag(t) {
                    continue;
                }
                if is_block_tag(t) {
                    out.push('\n');
                }
                if entering {
                    stack.push((n.clone(), false));
                    for c in n.children.borrow().iter().rev() {
                        stack.push((c.clone(), true));
                    }
                }
            }
            NodeData::Document => {
                for c in n.children.borrow().iter().rev() {
                    stack.push((c.clone(), true));
                }
            }
            _ => {}
        }
    }
    out
}

pub fn text(root: &Handle) -> String {
    text_skipping(root, None)
}

/// The number of characters of text (spaces left out) below `root`.
pub fn text_len(root: &Handle) -> usize {
    text(root).chars().filter(|c| !c.is_whitespace()).count()
}

/// The text of the text nodes directly below `n` (a `<title>`).
pub fn own_text(n: &Node) -> String {
    n.children
        .borrow()
        .iter()
        .filter_map(|c| match &c.data {
            NodeData::Text { contents } => Some(contents.borrow().to_string()),
            _ => None,
        })
        .collect()
}

/// Removes `child` from `parent`.
pub fn remove(parent: &Node, child: &Handle) {
    parent
        .children
        .borrow_mut()
        .retain(|c| !Rc::ptr_eq(c, child));
}

/// The comments of the document (`<!-- saved from url=… -->`).
pub fn comments(root: &Handle) -> Vec<String> {
    descendants(root)
        .iter()
        .filter_map(|n| match &n.data {
            NodeData::Comment { contents } => Some(contents.to_string()),
            _ => None,
        })
        .collect()
}
