//! Markdown text of imported documents: escaping what a document says so
//! that it stays text, and tidying converted Markdown (indentation,
//! blank lines, heading levels, the title repeated in the body).
//!
//! Pure functions; imports `import::meta` (indentation).
//!
//! Invariants: escaping only adds backslashes before ASCII punctuation
//! (CommonMark removes them again); tidying never touches the inside of
//! a fenced code block.

use super::meta::strip_indent;

/// `text` escaped for a Markdown paragraph: emphasis, links, code,
/// strikethrough (GFM reads `8~10人` as the start of one), raw HTML and
/// entity-like text stay literal. Line starts are [`escape_line_start`]'s.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' if looks_like_entity(&text[i + 1..]) => out.push_str("\\&"),
            c => out.push(c),
        }
    }
    out
}

/// Whether text after a `&` would be read as an entity (`amp;`, `#32;`).
fn looks_like_entity(rest: &str) -> bool {
    let name = rest
        .chars()
        .take(32)
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
        .count();
    name > 0 && rest[name..].starts_with(';')
}

/// `line` (already [`escape`]d) with a backslash before what would make
/// it a heading, quote, list item or rule at the start of a line.
pub fn escape_line_start(line: &str) -> String {
    let trimmed = line.trim_start();
    let first = trimmed.chars().next();
    let space_after = |n: usize| trimmed[n..].starts_with([' ', '\t']) || trimmed.len() == n;
    let needs = match first {
        Some('>') => true,
        Some('#') => {
            let hashes = trimmed.chars().take_while(|c| *c == '#').count();
            hashes <= 6 && space_after(hashes)
        }
        Some('-' | '+') => space_after(1) || trimmed.chars().all(|c| c == '-' || c == ' '),
        Some('=') => trimmed.chars().all(|c| c == '=' || c == ' '),
        Some(c) if c.is_ascii_digit() => {
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            if digits <= 9 && trimmed[digits..].starts_with(['.', ')']) && space_after(digits + 1) {
                return format!("{}\\{}", &trimmed[..digits], &trimmed[digits..]);
            }
            false
        }
        _ => false,
    };
    if needs {
        format!("\\{trimmed}")
    } else {
        trimmed.to_owned()
    }
}

fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

fn is_list_item(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ") {
        return true;
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
}

/// Converted Markdown tidied: the indentation Chinese texts start their
/// paragraphs with removed (a list's nesting kept), at most one blank
/// line in a row, no blank lines at the ends, one final newline.
pub fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut in_fence = false;
    let mut in_list = false;
    let mut blanks = 0;
    for raw in md.lines() {
        let line = raw.trim_end();
        if is_fence(line) {
            in_fence = !in_fence;
        }
        if in_fence || is_fence(line) {
            out.push_str(raw);
            out.push('\n');
            continue;
        }
        let rest = strip_indent(line);
        if rest.is_empty() {
            blanks += 1;
            continue;
        }
        let indent = &line[..line.len() - rest.len()];
        // Full-width or no-break spaces indent text, never a list: what
        // they hid from the converter's escaping (`　　- 项`) stays text.
        let text_indent = indent.contains(['\u{3000}', '\u{a0}']);
        let keep_indent = !text_indent
            && !indent.is_empty()
            && (is_list_item(rest) || in_list && line.starts_with(' '));
        if is_list_item(rest) && !text_indent {
            in_list = true;
        } else if indent.is_empty() || text_indent {
            in_list = false;
        }
        if !out.is_empty() && blanks > 0 {
            out.push('\n');
        }
        blanks = 0;
        if keep_indent {
            out.push_str(&" ".repeat(indent.len()));
        }
        if text_indent {
            out.push_str(&escape_line_start(rest));
        } else {
            out.push_str(rest);
        }
        out.push('\n');
    }
    out
}

/// The level of an ATX heading line (`## 标题`), and its text.
pub fn heading(line: &str) -> Option<(usize, &str)> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &line[hashes..];
    if rest.is_empty() {
        return Some((hashes, ""));
    }
    rest.strip_prefix(' ')
        .map(|t| (hashes, t.trim().trim_end_matches('#').trim()))
}

/// Headings moved so that the highest becomes `##` (the page's `<h1>` is
/// its title), and a first heading that repeats `title` removed.
pub fn headings_below_title(md: &str, title: &str) -> String {
    let mut lines: Vec<String> = md.lines().map(str::to_owned).collect();
    let mut in_fence = false;
    let mut spots = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if is_fence(l) {
            in_fence = !in_fence;
        } else if !in_fence && let Some((level, _)) = heading(l) {
            spots.push((i, level));
        }
    }
    let first_text = lines.iter().position(|l| !l.trim().is_empty());
    if let (Some(&(i, _)), Some(first)) = (spots.first(), first_text)
        && i == first
        && heading(&lines[i]).is_some_and(|(_, t)| same_title(t, title))
    {
        lines[i].clear();
        spots.remove(0);
    }
    let Some(top) = spots.iter().map(|s| s.1).min() else {
        return tidy(&lines.join("\n"));
    };
    for (i, level) in spots {
        let new = (level + 2 - top).min(6);
        let text = heading(&lines[i])
            .map(|(_, t)| t.to_owned())
            .unwrap_or_default();
        lines[i] = format!("{} {text}", "#".repeat(new));
    }
    tidy(&lines.join("\n"))
}

/// Whether two titles are the same but for spaces and escapes.
pub fn same_title(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '\\')
            .collect()
    };
    !a.trim().is_empty() && norm(a) == norm(b)
}

/// Runs of hard breaks (`<br><br>`, the paragraphs of old pages) made
/// paragraph breaks.
pub fn breaks_to_paragraphs(md: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in md.lines() {
        if is_fence(line) {
            in_fence = !in_fence;
        }
        let bare = strip_indent(line).trim_end();
        if !in_fence && bare == "\\" {
            if let Some(prev) = lines.last_mut()
                && let Some(p) = prev.strip_suffix('\\')
            {
                *prev = p.trim_end().to_owned();
            }
            lines.push(String::new());
            continue;
        }
        if !in_fence
            && lines.last().is_some_and(|l| l.is_empty())
            && let Some(prev) = lines.iter_mut().rev().find(|l| !l.is_empty())
            && let Some(p) = prev.strip_suffix('\\')
        {
            *prev = p.trim_end().to_owned();
        }
        lines.push(line.to_owned());
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// `~` escaped outside code (converted HTML keeps it, and GFM would read
/// `8~10人` as strikethrough).
pub fn escape_tildes(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut in_fence = false;
    for line in md.split_inclusive('\n') {
        if is_fence(line) {
            in_fence = !in_fence;
            out.push_str(line);
            continue;
        }
        if in_fence || !line.contains('~') {
            out.push_str(line);
            continue;
        }
        let mut prev = ' ';
        let mut in_code = false;
        for c in line.chars() {
            if c == '`' {
                in_code = !in_code;
            }
            if c == '~' && prev != '\\' && !in_code {
                out.push('\\');
            }
            out.push(c);
            prev = c;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_keeps_text_literal() {
        assert_eq!(
            escape("8~10人 *注* [1] a_b <b>"),
            "8\\~10人 \\*注\\* \\[1\\] a\\_b \\<b>"
        );
        assert_eq!(escape("A&B &amp;"), "A&B \\&amp;");
    }

    #[test]
    fn escape_line_start_stops_blocks() {
        assert_eq!(escape_line_start("# 一"), "\\# 一");
        assert_eq!(escape_line_start("1. 参加人员"), "1\\. 参加人员");
        assert_eq!(escape_line_start("1.参加人员"), "1.参加人员");
        assert_eq!(escape_line_start("- 项"), "\\- 项");
        assert_eq!(escape_line_start("-5℃"), "-5℃");
        assert_eq!(escape_line_start("> 引"), "\\> 引");
        assert_eq!(escape_line_start("===="), "\\====");
    }

    #[test]
    fn tidy_strips_indent_and_blank_runs() {
        assert_eq!(
            tidy("\n\n　　第一段\n\n\n\n\u{a0}\u{a0}第二段\n- a\n    - b\n"),
            "第一段\n\n第二段\n- a\n    - b\n"
        );
        assert_eq!(
            tidy("\u{a0}\u{a0}- 不是列表\n　　1. 也不是\n"),
            "\\- 不是列表\n1\\. 也不是\n"
        );
    }

    #[test]
    fn headings_move_below_the_title() {
        assert_eq!(
            headings_below_title("# 标 题\n\n正文\n\n### 一\n\n#### 二\n", "标题"),
            "正文\n\n## 一\n\n### 二\n"
        );
        assert_eq!(
            headings_below_title("# 一\n\n正文\n", "标题"),
            "## 一\n\n正文\n"
        );
    }

    #[test]
    fn double_breaks_become_paragraphs() {
        assert_eq!(
            breaks_to_paragraphs("第一段\\\n\\\n\u{a0}\u{a0}第二段\\\n第三行\n"),
            "第一段\n\n\u{a0}\u{a0}第二段\\\n第三行\n"
        );
    }

    #[test]
    fn tildes_are_escaped_outside_code() {
        assert_eq!(
            escape_tildes("8~10人 `a~b`\n```\n~\n```\n"),
            "8\\~10人 `a~b`\n```\n~\n```\n"
        );
    }
}
