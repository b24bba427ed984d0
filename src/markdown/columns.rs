//! Character columns for diagnostics: comrak reports byte columns, editors
//! count characters.
//!
//! Columns are counted only for the few nodes a message names: comrak's
//! own `sourcepos_chars` walks the line again for every node, and long
//! Chinese paragraphs are long lines.

/// Character columns of comrak's byte columns (1-based, as comrak's
/// `sourcepos_chars` counts them), with the line starts found on first use.
pub(super) struct CharColumns<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> CharColumns<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        CharColumns {
            text,
            starts: Vec::new(),
        }
    }

    /// The character column of byte column `col` on line `line` (both
    /// 1-based, within `text`).
    pub(super) fn of(&mut self, line: usize, col: usize) -> usize {
        if col == 0 {
            return 0;
        }
        if self.starts.is_empty() {
            self.starts.push(0);
            self.starts
                .extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
        }
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return col;
        };
        let rest = &self.text[start..];
        let text = &rest[..rest.find('\n').unwrap_or(rest.len())];
        if col > text.len() {
            return text.chars().count() + 1;
        }
        text.char_indices().take_while(|&(i, _)| i < col).count()
    }
}

#[cfg(test)]
mod tests {
    use comrak::{Arena, parse_document};

    use super::*;
    use crate::markdown::options;

    #[test]
    fn char_columns_equal_comraks_own() {
        let text = "# 标题 *强调* [链接](@/a.md)\n\n\
                    一段中文，含 **粗体** 和 `代码` 与 [另一个](x.md \"t\") 🚒 é\n\
                    > 引用 <b>粗</b> ![图](i.png)\n\n\
                    - 列表 [项](y.md)\n  - 嵌套 ~删除~\n\n\
                    | 表 | 头 |\n|---|---|\n| 单元 [格](z.md) | 🚒 |\n";
        let positions = |chars: bool| {
            let arena = Arena::new();
            let mut o = options(false);
            o.parse.sourcepos_chars = chars;
            let root = parse_document(&arena, text, &o);
            root.descendants()
                .map(|n| {
                    let p = n.data().sourcepos;
                    (p.start.line, p.start.column)
                })
                .collect::<Vec<_>>()
        };
        let (bytes, chars) = (positions(false), positions(true));
        assert!(bytes.len() > 30);
        assert_ne!(
            bytes, chars,
            "the text has multi-byte characters before nodes"
        );
        let mut columns = CharColumns::new(text);
        let ours: Vec<_> = bytes
            .iter()
            .map(|&(line, col)| (line, columns.of(line, col)))
            .collect();
        assert_eq!(ours, chars);
    }
}
