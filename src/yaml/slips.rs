//! The slips editors make typing YAML on a Chinese keyboard, found before
//! the parser sees the text: a full-width colon `：` (or no space) after a
//! key, tabs or full-width spaces `　` used for indentation, a full-width or
//! em dash `－` `—` where a list item's `-` belongs, a value wrapped in
//! Chinese quotes “…”.
//!
//! Owns: [`scan`], a pure function of the text. Imports: `error`.
//!
//! Invariants: positions are 1-based lines of the scanned text and
//! character columns; the repaired text has exactly the lines of the input;
//! [`Scan::original_col`] maps a column of the repaired text back to the
//! editor's. Only lines where a mapping key or a list item belongs are
//! looked at: the content of block scalars (`|`, `>`) and continuation lines
//! of multi-line values are left alone, so valid YAML never gets an error.

use crate::error::Severity;

/// One slip, with where it is (line of the scanned text) and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip {
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    /// Chinese help; `{line}` is replaced by the file line by the caller.
    pub help: String,
}

/// One replacement in a line: `old` characters at column `at` (1-based, in
/// the repaired line) became `new` characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Edit {
    at: usize,
    old: usize,
    new: usize,
}

/// What [`scan`] found.
#[derive(Debug, Default)]
pub struct Scan {
    pub slips: Vec<Slip>,
    /// The text with every error repaired, when anything was repaired.
    pub repaired: Option<String>,
    /// Edits by 0-based line, in column order.
    edits: Vec<(usize, Vec<Edit>)>,
}

impl Scan {
    /// The column in the editor's text of column `col` of line `line`
    /// (1-based, of the scanned text) of the repaired text.
    pub fn original_col(&self, line: usize, col: usize) -> usize {
        let Some((_, edits)) = self
            .edits
            .iter()
            .find(|(l, _)| Some(*l) == line.checked_sub(1))
        else {
            return col;
        };
        let mut shift: isize = 0;
        for e in edits {
            if col >= e.at + e.new {
                shift += e.old as isize - e.new as isize;
            } else if col >= e.at {
                return (e.at as isize + shift).max(1) as usize;
            }
        }
        (col as isize + shift).max(1) as usize
    }

    /// True when an error slip is on `line` (of the scanned text).
    pub fn has_error_on(&self, line: usize) -> bool {
        self.slips
            .iter()
            .any(|s| s.line == line && s.severity == Severity::Error)
    }
}

/// A structural line seen before: where keys or items of its block go.
#[derive(Debug, Clone, Copy)]
struct Level {
    indent: usize,
    /// `key:` or `-` with nothing after it: children go deeper.
    opens: bool,
    is_item: bool,
    /// `- key: value`: the item's mapping continues at this indent.
    item_content: Option<usize>,
}

const DASHES: [char; 4] = ['－', '—', '–', '―'];

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '.'
}

/// The rest of a value after `at`, without a trailing ` # comment`.
fn value_of(chars: &[char], at: usize) -> (usize, usize) {
    let mut start = at;
    while start < chars.len() && chars[start] == ' ' {
        start += 1;
    }
    let mut end = chars.len();
    for i in start..chars.len() {
        if chars[i] == '#' && i > 0 && chars[i - 1] == ' ' {
            end = i;
            break;
        }
    }
    while end > start && chars[end - 1] == ' ' {
        end -= 1;
    }
    (start, end)
}

/// Finds the slips in `text` and repairs the errors among them.
pub fn scan(text: &str) -> Scan {
    let mut out = Scan::default();
    let mut repaired = String::with_capacity(text.len() + 16);
    let mut stack: Vec<Level> = Vec::new();
    // Indent of the line that opened a block scalar.
    let mut block_scalar: Option<usize> = None;
    let mut changed = false;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line_no = i + 1;
        let (body, newline) = match raw.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (raw, ""),
        };
        let chars: Vec<char> = body.chars().collect();
        let lead = chars
            .iter()
            .take_while(|c| matches!(c, ' ' | '\t' | '\u{3000}'))
            .count();
        let rest = &chars[lead..];
        let blank = rest.is_empty() || rest[0] == '#';
        if let Some(k) = block_scalar {
            if blank || lead > k {
                repaired.push_str(raw);
                continue;
            }
            block_scalar = None;
        }
        if blank {
            repaired.push_str(raw);
            continue;
        }
        let odd = chars[..lead].iter().position(|c| *c != ' ');
        // Tabs count two columns, a full-width space one (one key press).
        let indent: usize = chars[..lead]
            .iter()
            .map(|c| if *c == '\t' { 2 } else { 1 })
            .sum();
        while stack.last().is_some_and(|l| l.indent > indent) {
            stack.pop();
        }
        let valid = |i: usize, stack: &[Level]| match stack.last() {
            None => true,
            Some(top) if i > top.indent => top.opens || top.item_content == Some(i),
            Some(_) => true,
        };
        let mut edits: Vec<Edit> = Vec::new();
        let mut line_out: Vec<char> = Vec::with_capacity(chars.len() + 2);
        let indent = match odd {
            None => {
                if !valid(indent, &stack) {
                    // A continuation line of a multi-line value.
                    repaired.push_str(raw);
                    continue;
                }
                line_out.extend_from_slice(&chars[..lead]);
                indent
            }
            Some(at) => {
                let c = chars[at];
                let (message, help) = if c == '\t' {
                    (
                        "tab used for indentation; YAML allows only spaces".to_owned(),
                        "第 {line} 行开头用了 Tab 键缩进，YAML 不允许 Tab：请用空格缩进（同一层的字段左端对齐）"
                            .to_owned(),
                    )
                } else {
                    (
                        "full-width space `　` used for indentation".to_owned(),
                        "第 {line} 行开头用了全角空格“　”，请改为英文半角空格（切换到英文输入法后再按空格）；\
                         正文段落的首行缩进不用写在前置元数据里"
                            .to_owned(),
                    )
                };
                out.slips.push(Slip {
                    line: line_no,
                    col: at + 1,
                    severity: Severity::Error,
                    message,
                    help,
                });
                // Snap to the nearest indent where a key or item may go.
                let target = if valid(indent, &stack) {
                    indent
                } else {
                    let mut candidates: Vec<usize> = stack.iter().map(|l| l.indent).collect();
                    candidates.extend(stack.iter().filter_map(|l| l.item_content));
                    candidates
                        .into_iter()
                        .min_by_key(|c| (c.abs_diff(indent), usize::MAX - c))
                        .unwrap_or(0)
                };
                while stack.last().is_some_and(|l| l.indent > target) {
                    stack.pop();
                }
                line_out.extend(std::iter::repeat_n(' ', target));
                edits.push(Edit {
                    at: 1,
                    old: lead,
                    new: target,
                });
                target
            }
        };
        let top = stack.last().copied();
        if top.is_some_and(|t| t.indent == indent && !t.is_item) {
            stack.pop();
        }
        let mut pos = lead;
        let mut is_item = false;
        // A list item: `-`, or a dash typed in full width where one belongs.
        let item_allowed = top.is_some_and(|t| (t.opens && indent >= t.indent) || t.is_item);
        if chars[pos] == '-' && chars.get(pos + 1).is_none_or(|c| *c == ' ') {
            is_item = true;
            line_out.push('-');
            pos += 1;
        } else if DASHES.contains(&chars[pos]) && item_allowed {
            let run = chars[pos..]
                .iter()
                .take_while(|c| DASHES.contains(c))
                .count();
            let dash: String = chars[pos..pos + run].iter().collect();
            out.slips.push(Slip {
                line: line_no,
                col: pos + 1,
                severity: Severity::Error,
                message: format!("list item starts with `{dash}`, not the ASCII dash `-`"),
                help: format!(
                    "第 {{line}} 行的列表项用了全角符号“{dash}”，请改为英文减号“-”并在后面加一个空格，例如 `- 消防安全`"
                ),
            });
            let at = line_out.len() + 1;
            line_out.push('-');
            let mut new = 1;
            if chars.get(pos + run).is_some_and(|c| *c != ' ') {
                line_out.push(' ');
                new = 2;
            }
            edits.push(Edit { at, old: run, new });
            is_item = true;
            pos += run;
        }
        // Copy the spaces after an item marker.
        while pos < chars.len() && chars[pos] == ' ' && is_item {
            line_out.push(' ');
            pos += 1;
        }
        let content_start = pos;
        // The key's colon: ASCII `:` followed by a space or the line end.
        let key_end = chars[content_start..]
            .iter()
            .take_while(|c| is_key_char(**c))
            .count();
        let after_key = content_start + key_end;
        let mut value_at: Option<usize> = None;
        if key_end > 0 && !is_item {
            match chars.get(after_key) {
                Some('：') => {
                    out.slips.push(Slip {
                        line: line_no,
                        col: after_key + 1,
                        severity: Severity::Error,
                        message: format!(
                            "full-width colon `：` after the key `{}`",
                            chars[content_start..after_key].iter().collect::<String>()
                        ),
                        help: "第 {line} 行使用了全角冒号“：”，请改为英文冒号“:”并在后面加一个空格"
                            .to_owned(),
                    });
                    line_out.extend_from_slice(&chars[pos..after_key]);
                    let at = line_out.len() + 1;
                    line_out.push(':');
                    let (old, new) = match chars.get(after_key + 1) {
                        None | Some(' ') => (1, 1),
                        Some('\u{3000}') => {
                            line_out.push(' ');
                            (2, 2)
                        }
                        Some(_) => {
                            line_out.push(' ');
                            (1, 2)
                        }
                    };
                    edits.push(Edit { at, old, new });
                    pos = after_key + old;
                    value_at = Some(pos);
                }
                Some(':') => {
                    line_out.extend_from_slice(&chars[pos..=after_key]);
                    pos = after_key + 1;
                    match chars.get(pos) {
                        None | Some(' ') => {}
                        Some('\u{3000}') => {
                            out.slips.push(Slip {
                                line: line_no,
                                col: pos + 1,
                                severity: Severity::Error,
                                message: "full-width space `　` after the colon".to_owned(),
                                help: "第 {line} 行冒号后面是全角空格“　”，请改为英文半角空格"
                                    .to_owned(),
                            });
                            edits.push(Edit {
                                at: line_out.len() + 1,
                                old: 1,
                                new: 1,
                            });
                            line_out.push(' ');
                            pos += 1;
                        }
                        // `key:value` at mapping level: a `:` inside a
                        // plain value (`url:https://…` stays valid only as
                        // a value, never as a whole line of a mapping).
                        Some(c)
                            if !chars[pos..].windows(2).any(|w| w[0] == ':' && w[1] == ' ')
                                && !chars[pos..].ends_with(&[':'])
                                && *c != ':' =>
                        {
                            out.slips.push(Slip {
                                line: line_no,
                                col: pos,
                                severity: Severity::Error,
                                message: "no space after the colon".to_owned(),
                                help: "第 {line} 行冒号后面缺少空格：YAML 要求写成“字段名: 值”，冒号后加一个空格"
                                    .to_owned(),
                            });
                            edits.push(Edit {
                                at: line_out.len() + 1,
                                old: 0,
                                new: 1,
                            });
                            line_out.push(' ');
                        }
                        Some(_) => {}
                    }
                    value_at = Some(pos);
                }
                _ => {}
            }
        }
        let (value_start, value_end) = value_of(&chars, value_at.unwrap_or(pos));
        let value = &chars[value_start..value_end];
        if (value_at.is_some() || is_item)
            && value.len() >= 2
            && matches!((value[0], value[value.len() - 1]), ('“', '”') | ('‘', '’'))
        {
            out.slips.push(Slip {
                line: line_no,
                col: value_start + 1,
                severity: Severity::Warning,
                message: format!(
                    "value is wrapped in Chinese quotes {}…{}, which are shown as part of it",
                    value[0],
                    value[value.len() - 1]
                ),
                help: "第 {line} 行的值两边是中文引号，网页上会原样显示引号；只想把值括起来时，\
                       请去掉中文引号，或改用英文双引号 \"…\""
                    .to_owned(),
            });
        }
        line_out.extend_from_slice(&chars[pos..]);
        let opens = value.is_empty();
        if value.first().is_some_and(|c| matches!(c, '|' | '>')) {
            block_scalar = Some(indent);
        }
        stack.push(Level {
            indent,
            opens: opens && (value_at.is_some() || is_item),
            is_item,
            item_content: (is_item && value_at.is_none() && !value.is_empty())
                .then(|| indent + (content_start - lead))
                .filter(|_| {
                    chars[content_start..]
                        .windows(2)
                        .any(|w| w[0] == ':' && w[1] == ' ')
                }),
        });
        if !edits.is_empty() {
            changed = true;
            out.edits.push((i, edits));
            repaired.extend(line_out);
            repaired.push_str(newline);
        } else {
            repaired.push_str(raw);
        }
    }
    if changed {
        out.repaired = Some(repaired);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<(usize, usize, String)> {
        scan(text)
            .slips
            .into_iter()
            .map(|s| (s.line, s.col, s.message))
            .collect()
    }

    #[test]
    fn scan_full_width_colon_is_found_at_the_colon_and_repaired() {
        let s = scan("title：测试\ndate: 2025-06-16\n");
        assert_eq!(s.slips.len(), 1, "{:?}", s.slips);
        assert_eq!((s.slips[0].line, s.slips[0].col), (1, 6));
        assert!(s.slips[0].help.contains("全角冒号"));
        assert_eq!(
            s.repaired.as_deref(),
            Some("title: 测试\ndate: 2025-06-16\n")
        );
        // `测` is column 8 after the repair, column 7 as written.
        assert_eq!(s.original_col(1, 8), 7);
        assert_eq!(s.original_col(1, 1), 1);
        assert_eq!(s.original_col(2, 7), 7);
    }

    #[test]
    fn scan_tab_and_full_width_indent_are_found_where_they_are() {
        let s = scan("title: 测试\n\tdate: 2025-06-16\n");
        assert_eq!((s.slips[0].line, s.slips[0].col), (2, 1));
        assert_eq!(
            s.repaired.as_deref(),
            Some("title: 测试\ndate: 2025-06-16\n")
        );
        let s = scan("extra:\n\u{3000}\u{3000}cover: a.jpg\n");
        assert_eq!((s.slips[0].line, s.slips[0].col), (2, 1));
        assert!(s.slips[0].message.contains("full-width space"));
        assert_eq!(s.repaired.as_deref(), Some("extra:\n  cover: a.jpg\n"));
        let s = scan("tags:\n\t- 消防\n");
        assert_eq!(s.repaired.as_deref(), Some("tags:\n  - 消防\n"));
    }

    #[test]
    fn scan_full_width_dash_is_found_only_where_an_item_belongs() {
        let s = scan("tags:\n－ 消防\n—燃气\n");
        let found: Vec<_> = s.slips.iter().map(|s| (s.line, s.col)).collect();
        assert_eq!(found, [(2, 1), (3, 1)]);
        assert_eq!(s.repaired.as_deref(), Some("tags:\n- 消防\n- 燃气\n"));
        assert!(errors("summary: 第一行\n  ——第二行\n").is_empty());
    }

    #[test]
    fn scan_chinese_quotes_are_a_warning() {
        let s = scan("title: “消防演练”\n");
        assert_eq!(s.slips.len(), 1);
        assert_eq!((s.slips[0].line, s.slips[0].col), (1, 8));
        assert_eq!(s.slips[0].severity, Severity::Warning);
        assert!(s.repaired.is_none());
        assert!(errors("title: 关于开展“安全生产月”活动的通知\n").is_empty());
    }

    #[test]
    fn scan_valid_yaml_has_no_slips() {
        for text in [
            "title: 通知：关于演练\nsummary: |\n  第一步：疏散\n  ——完\n  \t缩进\nx: 1\n",
            "causes:\n  - 第一步：疏散\n  - name: 甲\n    role: 乙\n",
            "base_url: https://aq.example.gov.cn/\nextra:\n  a: 1\n",
            "summary: 长句子\n  继续：第二行\n",
            "tags: [消防, 燃气]\n# 注释：说明\n",
            "",
            "\n\n",
        ] {
            assert!(errors(text).is_empty(), "{text:?}: {:?}", errors(text));
        }
    }

    #[test]
    fn scan_odd_inputs_keep_every_line() {
        for text in [
            "：\n",
            "－\n",
            "tags:\n－\n",
            "\t\n",
            "\u{3000}\n",
            "a:\n\t\t- b\n\u{3000}c：d",
            "- ：x\n",
            "x: “\n",
            "x: ”“\n",
            "k：\u{3000}v\n",
            "a: |\n\tb\nc：d\n",
            "a:\tb\n",
        ] {
            let s = scan(text);
            if let Some(r) = &s.repaired {
                assert_eq!(r.lines().count(), text.lines().count(), "{text:?} → {r:?}");
            }
        }
    }

    #[test]
    fn scan_missing_space_after_colon_is_found() {
        let s = scan("title:测试\n");
        assert_eq!((s.slips[0].line, s.slips[0].col), (1, 6));
        assert_eq!(s.repaired.as_deref(), Some("title: 测试\n"));
    }
}
