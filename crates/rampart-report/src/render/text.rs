//! Plain text for terminals and logs. Control characters in data are shown as `\x1b` and the
//! like ([`escape::text`]), so nothing a report prints can drive the terminal.

use super::finding_cells;
use crate::doc::{Block, Document, Inline, Span, Table};
use crate::escape;
use std::fmt::Write;

/// Widest a table column is padded to; longer cells run over.
const MAX_COLUMN: usize = 60;

pub fn render(doc: &Document) -> String {
    let mut s = String::new();
    let title = escape::text(&doc.title);
    if !title.is_empty() {
        let _ = writeln!(s, "{title}\n{}", "=".repeat(title.chars().count()));
    }
    if !doc.subtitle.is_empty() {
        let _ = writeln!(s, "{}", escape::text(&doc.subtitle));
    }
    for b in &doc.blocks {
        block(&mut s, b, 1);
    }
    s
}

/// Inline text for a terminal: marks dropped, links as their text, breaks as new lines.
pub fn inline(i: &Inline) -> String {
    let mut s = String::new();
    for span in &i.0 {
        match span {
            Span::Text(t) | Span::Strong(t) | Span::Em(t) | Span::Code(t) | Span::Toned(_, t) => {
                s.push_str(&escape::text(t))
            }
            Span::Link { text, .. } => s.push_str(&escape::text(text)),
            Span::Break => s.push('\n'),
        }
    }
    s
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth.saturating_sub(2))
}

/// Writes `text` with every line indented.
fn lines(s: &mut String, pad: &str, text: &str) {
    for l in text.lines() {
        let _ = writeln!(s, "{pad}{l}");
    }
}

fn block(s: &mut String, b: &Block, depth: usize) {
    let pad = indent(depth);
    match b {
        Block::Section {
            heading,
            blocks: inner,
            ..
        } => {
            let h = inline(heading).replace('\n', " ");
            match depth {
                1 => {
                    let _ = writeln!(s, "\n{h}\n{}", "-".repeat(h.chars().count()));
                }
                _ => {
                    let _ = writeln!(s, "\n{pad}* {h}");
                }
            }
            for b in inner {
                block(s, b, depth + 1);
            }
        }
        Block::Paragraph(p) => lines(s, &pad, &inline(p)),
        Block::List { items, .. } => {
            for i in items {
                let text = inline(i);
                let mut first = true;
                for l in text.lines() {
                    let mark = if first { "- " } else { "  " };
                    let _ = writeln!(s, "{pad}{mark}{l}");
                    first = false;
                }
            }
        }
        Block::KeyValues(kv) => {
            for (k, v) in kv {
                let _ = writeln!(
                    s,
                    "{pad}{}: {}",
                    escape::text(k),
                    inline(v).replace('\n', " / ")
                );
            }
        }
        Block::Table(t) => table(s, &pad, t),
        Block::Evidence(e) => lines(s, &format!("{pad}    "), &escape::text(e)),
        // A drawing has no text form; what it shows is in the blocks around it.
        Block::Chart(_) => {}
        Block::Findings { findings, columns } => {
            let _ = writeln!(s, "{pad}{} finding(s)", findings.len());
            for f in findings {
                let [_, _, title, target, evidence, fix] = finding_cells(f, *columns);
                let _ = writeln!(
                    s,
                    "{pad}  [{}] {} {}\n{pad}      target: {}\n{pad}      evidence: {}\n{pad}      fix: {}",
                    f.severity,
                    escape::text(&f.rule),
                    escape::text(&title),
                    escape::text(&target),
                    escape::text(&evidence).replace('\n', " / "),
                    escape::text(&fix).replace('\n', " / "),
                );
            }
        }
        Block::Group { blocks: inner, .. } => inner.iter().for_each(|b| block(s, b, depth)),
    }
}

/// A table with columns padded to the widest cell (at most [`MAX_COLUMN`]); headers in capitals.
fn table(s: &mut String, pad: &str, t: &Table) {
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .map(|c| inline(&c.content).replace('\n', " / "))
                .collect()
        })
        .collect();
    let header: Vec<String> = t
        .header
        .iter()
        .map(|h| escape::text(h).to_uppercase())
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count().min(MAX_COLUMN))
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |s: &mut String, cells: &[String]| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            let _ = write!(l, "{c:<w$}  ");
        }
        let _ = writeln!(s, "{pad}{}", l.trim_end());
    };
    line(s, &header);
    for r in &rows {
        line(s, r);
    }
}
