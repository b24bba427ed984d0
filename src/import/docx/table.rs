//! Word tables as Markdown tables: merged cells (`w:gridSpan`,
//! `w:vMerge`) become plain cells with the text repeated, a cell's
//! paragraphs are joined by `<br>`, a table of one cell is the box around
//! its paragraphs, a table inside a cell becomes its text.
//!
//! Imports the body walker and `import::xml`.

use super::body::{Block, Body, ListMark};
use crate::import::xml::Element;

impl Body<'_> {
    pub(super) fn table(&mut self, tbl: &Element) -> Vec<Block> {
        let rows: Vec<&Element> = tbl.elements().filter(|e| e.name == "w:tr").collect();
        let cells_of = |tr: &'_ Element| -> Vec<Element> {
            let mut out = Vec::new();
            for c in tr.elements() {
                match c.name.as_str() {
                    "w:tc" => out.push(c.clone()),
                    "w:sdt" | "w:customXml" => {
                        let inner = c.child("w:sdtContent").unwrap_or(c);
                        out.extend(inner.elements().filter(|e| e.name == "w:tc").cloned());
                    }
                    _ => {}
                }
            }
            out
        };
        // A table of one cell is a box around text: its paragraphs.
        if rows.len() == 1 {
            let cells = cells_of(rows[0]);
            if cells.len() == 1 {
                return self.blocks(&cells[0]);
            }
        }
        let mut grid: Vec<Vec<String>> = Vec::new();
        let mut merged = false;
        for tr in rows {
            let mut row = Vec::new();
            let before = tr
                .child("w:trPr")
                .and_then(|p| p.child_val("w:gridBefore"))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0)
                .min(64);
            row.extend(std::iter::repeat_n(String::new(), before));
            for tc in cells_of(tr) {
                let pr = tc.child("w:tcPr");
                let span = pr
                    .and_then(|p| p.child_val("w:gridSpan"))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let continues = pr
                    .and_then(|p| p.child("w:vMerge"))
                    .is_some_and(|v| v.attr("w:val") != Some("restart"));
                let text = if continues {
                    merged = true;
                    let col = row.len();
                    grid.last()
                        .and_then(|r: &Vec<String>| r.get(col))
                        .cloned()
                        .unwrap_or_default()
                } else {
                    self.cell(&tc)
                };
                merged |= span > 1;
                row.extend(std::iter::repeat_n(text, span));
            }
            grid.push(row);
        }
        let cols = grid.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return Vec::new();
        }
        if merged {
            self.found.merged_tables += 1;
        }
        let line = |cells: &[String]| -> String {
            let mut s = String::from("|");
            for i in 0..cols {
                let c = cells.get(i).map_or("", String::as_str);
                s.push_str(&format!(" {c} |"));
            }
            s
        };
        let mut md = vec![line(&grid[0]), format!("|{}", " --- |".repeat(cols))];
        md.extend(grid[1..].iter().map(|r| line(r)));
        vec![Block::Table(md.join("\n"))]
    }

    /// A cell's text on one line: its paragraphs joined by `<br>`.
    fn cell(&mut self, tc: &Element) -> String {
        let mut parts = Vec::new();
        for b in self.blocks(tc) {
            match b {
                Block::Para(p) if !p.is_empty() => {
                    let marker = match p.list {
                        Some(ListMark::Bullet(_)) => "• ".to_owned(),
                        Some(ListMark::Ordered(_, n)) => format!("{n}. "),
                        None => String::new(),
                    };
                    parts.push(format!("{marker}{}", p.md));
                }
                Block::Para(_) => {}
                // A table in a cell: its text.
                Block::Table(t) => parts.push(
                    t.lines()
                        .filter(|l| !l.starts_with("| ---"))
                        .map(|l| l.trim_matches('|').replace(" | ", " "))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            }
        }
        parts
            .join("<br>")
            .replace("\\\n", "<br>")
            .replace('\n', " ")
            .replace('|', "\\|")
    }
}
