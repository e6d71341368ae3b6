//! Markdown (CommonMark with GitHub tables). Every string is escaped with
//! [`escape::markdown`]: a report pasted into GitHub, GitLab or a wiki shows data as text, never
//! as HTML, links or emphasis. Links keep only targets [`escape::safe_href`] allows.

use super::{finding_cells, finding_header};
use crate::doc::{Block, Document, Inline, Span, Table};
use crate::escape;
use std::fmt::Write;

pub fn render(doc: &Document) -> String {
    let mut s = format!("# {}\n\n", escape::markdown(&doc.title));
    if !doc.subtitle.is_empty() {
        let _ = writeln!(s, "{}\n", escape::markdown(&doc.subtitle));
    }
    for b in &doc.blocks {
        block(&mut s, b, 2);
    }
    while s.ends_with("\n\n") {
        s.pop();
    }
    s
}

/// Inline Markdown; `in_table` turns line breaks into `<br>` (a table row is one line).
pub fn inline(i: &Inline, in_table: bool) -> String {
    let mut s = String::new();
    for span in &i.0 {
        match span {
            Span::Text(t) => s.push_str(&escape::markdown(t)),
            Span::Strong(t) if !t.is_empty() => {
                let _ = write!(s, "**{}**", escape::markdown(t));
            }
            Span::Em(t) if !t.is_empty() => {
                let _ = write!(s, "*{}*", escape::markdown(t));
            }
            Span::Strong(_) | Span::Em(_) => {}
            Span::Code(t) => s.push_str(&escape::markdown_code(t)),
            Span::Link { text, href } => match escape::safe_href(href) {
                Some(h) => {
                    let _ = write!(s, "[{}]({h})", escape::markdown(text));
                }
                None => s.push_str(&escape::markdown(text)),
            },
            // A tone is colour; the words carry the meaning.
            Span::Toned(_, t) => s.push_str(&escape::markdown(t)),
            Span::Break if in_table => s.push_str("<br>"),
            Span::Break => s.push_str("  \n"),
        }
    }
    s
}

fn block(s: &mut String, b: &Block, level: usize) {
    match b {
        Block::Section {
            heading,
            blocks: inner,
            ..
        } => {
            let _ = writeln!(
                s,
                "{} {}\n",
                "#".repeat(level.min(6)),
                inline(heading, true)
            );
            for b in inner {
                block(s, b, level + 1);
            }
        }
        Block::Paragraph(p) => {
            let _ = writeln!(s, "{}\n", inline(p, false));
        }
        Block::List { items, .. } => {
            for i in items {
                let _ = writeln!(s, "- {}", inline(i, true));
            }
            s.push('\n');
        }
        Block::KeyValues(kv) => {
            for (k, v) in kv {
                let _ = writeln!(s, "**{}:** {}  ", escape::markdown(k), inline(v, true));
            }
            s.push('\n');
        }
        Block::Table(t) => {
            table(s, t);
            s.push('\n');
        }
        Block::Evidence(e) => {
            let _ = writeln!(s, "{}\n", escape::markdown_block(e));
        }
        // A drawing has no Markdown form; what it shows is in the blocks around it.
        Block::Chart(_) => {}
        Block::Findings { findings, columns } => {
            let mut t = Table::new(&finding_header(*columns));
            for f in findings {
                t.push(finding_cells(f, *columns).iter().map(Into::into).collect());
            }
            table(s, &t);
            s.push('\n');
        }
        Block::Group { blocks: inner, .. } => inner.iter().for_each(|b| block(s, b, level)),
    }
}

pub fn table(s: &mut String, t: &Table) {
    let header: Vec<String> = t.header.iter().map(|h| escape::markdown(h)).collect();
    let _ = writeln!(s, "| {} |", header.join(" | "));
    let _ = writeln!(s, "|{}", "---|".repeat(t.header.len().max(1)));
    for r in &t.rows {
        let cells: Vec<String> = r.cells.iter().map(|c| inline(&c.content, true)).collect();
        let _ = writeln!(s, "| {} |", cells.join(" | "));
    }
}
