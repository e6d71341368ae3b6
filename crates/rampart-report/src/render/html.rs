//! HTML: one self-contained page shell for every HTML output (inline CSS, a strict
//! Content-Security-Policy, no scripts, no fonts, nothing fetched), light, dark and print styles
//! from one palette ([`crate::chart::palette`]). Every string is escaped with [`escape::html`].

use super::{finding_cells, finding_header};
use crate::chart::palette;
use crate::doc::{finding_anchor, Block, Document, Inline, Span, Table, Tone};
use crate::escape;
use std::fmt::Write;

/// The policy every page carries: nothing but its own inline styles and `data:` images.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE: &str = r#"
body { font: 15px/1.45 var(--font); margin: 0; color: var(--fg); background: var(--bg); }
header { background: var(--head-bg); color: var(--head-fg); padding: 18px 32px; }
header h1 { margin: 0; font-size: 22px; overflow-wrap: anywhere; }
header p { margin: 4px 0 0; opacity: .8; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; }
main > section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 20px; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 16px 0 8px; }
h4 { font-size: 14px; margin: 12px 0 6px; }
p, li, dd, h2, h3, h4 { overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 14px; table-layout: auto; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; white-space: pre-line; }
th { background: var(--th); font-weight: 600; }
/* Headers and first cells (verdicts, rule ids, names) are short words: never split them. */
th, td:first-child { overflow-wrap: normal; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dl.kv dt { font-weight: 600; } dl.kv dd { margin: 0; }
code, pre { font: 13px/1.4 var(--mono); }
pre { background: var(--pre); padding: 8px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.sev-critical, .sev-high, .bad { color: var(--bad); font-weight: 600; }
.sev-medium, .warn { color: var(--warn); font-weight: 600; }
.sev-low, .sev-info, .good { color: var(--good); }
.card { margin: 1em 0; padding: .5em .75em; border-left: 4px solid var(--muted); }
.card.bad { border-color: var(--bad); color: inherit; font-weight: inherit; }
.card.good { border-color: var(--good); color: inherit; }
figure { margin: 8px 0; }
svg { max-width: 100%; height: auto; }
a { color: var(--link); }
@media print { header { background: none; color: #000; border-bottom: 2px solid #000; } main > section { break-inside: avoid-page; border-color: #999; } }
"#;

/// Renders a document as one page.
pub fn render(doc: &Document) -> String {
    let mut body = String::new();
    for b in &doc.blocks {
        block(&mut body, b, 2);
    }
    page(&doc.title, &doc.subtitle, &body)
}

/// The page shell. `body` must be HTML built by this module's renderer.
fn page(title: &str, subtitle: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
<meta name=\"color-scheme\" content=\"light dark\">\n\
<title>{t}</title>\n<style>{vars}{STYLE}</style>\n</head>\n<body>\n<header><h1>{t}</h1><p>{s}</p></header>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        t = escape::html(title),
        s = escape::html(subtitle),
        vars = palette::css_variables(),
    )
}

fn attr(name: &str, value: Option<&str>) -> String {
    value
        .map(|v| format!(" {name}=\"{}\"", escape::html(v)))
        .unwrap_or_default()
}

fn class(tone: Tone) -> String {
    attr("class", tone.class().as_deref())
}

/// Inline HTML.
pub fn inline(i: &Inline) -> String {
    let mut s = String::new();
    for span in &i.0 {
        match span {
            Span::Text(t) => s.push_str(&escape::html(t)),
            Span::Strong(t) => {
                let _ = write!(s, "<strong>{}</strong>", escape::html(t));
            }
            Span::Em(t) => {
                let _ = write!(s, "<em>{}</em>", escape::html(t));
            }
            Span::Code(t) => {
                let _ = write!(s, "<code>{}</code>", escape::html(t));
            }
            Span::Link { text, href } => match escape::safe_href(href) {
                Some(h) => {
                    let _ = write!(
                        s,
                        "<a href=\"{}\">{}</a>",
                        escape::html(h),
                        escape::html(text)
                    );
                }
                None => s.push_str(&escape::html(text)),
            },
            Span::Toned(tone, t) => {
                let _ = write!(s, "<span{}>{}</span>", class(*tone), escape::html(t));
            }
            Span::Break => s.push_str("<br>"),
        }
    }
    s
}

fn block(s: &mut String, b: &Block, level: usize) {
    match b {
        Block::Section {
            id,
            heading,
            tone,
            blocks: inner,
        } => {
            let h = level.min(6);
            if level == 2 {
                let _ = write!(s, "<section{}>", attr("id", id.as_deref()));
                let _ = writeln!(s, "<h{h}{}>{}</h{h}>", class(*tone), inline(heading));
            } else {
                let _ = writeln!(
                    s,
                    "<h{h}{}{}>{}</h{h}>",
                    attr("id", id.as_deref()),
                    class(*tone),
                    inline(heading)
                );
            }
            for b in inner {
                block(s, b, level + 1);
            }
            if level == 2 {
                s.push_str("</section>\n");
            }
        }
        Block::Paragraph(p) => {
            let _ = writeln!(s, "<p>{}</p>", inline(p));
        }
        Block::List { id, tone, items } => {
            let _ = write!(s, "<ul{}{}>", attr("id", id.as_deref()), class(*tone));
            for i in items {
                let _ = write!(s, "<li>{}</li>", inline(i));
            }
            s.push_str("</ul>\n");
        }
        Block::KeyValues(kv) => {
            s.push_str("<dl class=\"kv\">");
            for (k, v) in kv {
                let _ = write!(s, "<dt>{}</dt><dd>{}</dd>", escape::html(k), inline(v));
            }
            s.push_str("</dl>\n");
        }
        Block::Table(t) => table(s, t),
        Block::Evidence(e) => {
            let _ = writeln!(s, "<pre>{}</pre>", escape::html(e));
        }
        Block::Chart(c) => {
            let _ = writeln!(
                s,
                "<figure class=\"{}\"{} aria-label=\"{}\">{}</figure>",
                escape::html(c.class),
                attr("id", c.id.as_deref()),
                escape::html(&c.caption),
                c.svg.as_str()
            );
        }
        Block::Findings { findings, columns } => {
            let mut t = Table::new(&finding_header(*columns));
            let sev_col = finding_header(*columns)
                .iter()
                .position(|h| *h == "severity")
                .unwrap_or(0);
            for f in findings {
                let cells = finding_cells(f, *columns)
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let tone = if i == sev_col {
                            Tone::Severity(f.severity)
                        } else {
                            Tone::Plain
                        };
                        crate::doc::Cell::toned(tone, c)
                    })
                    .collect();
                t.push_row(crate::doc::Row::new(cells).with_id(finding_anchor(&f.fingerprint.0)));
            }
            table(s, &t);
        }
        Block::Group {
            id,
            class: c,
            blocks: inner,
        } => {
            let _ = write!(
                s,
                "<div{}{}>",
                attr("class", Some(c)),
                attr("id", id.as_deref())
            );
            for b in inner {
                block(s, b, level);
            }
            s.push_str("</div>\n");
        }
    }
}

pub fn table(s: &mut String, t: &Table) {
    let _ = write!(s, "<table{}><thead><tr>", attr("id", t.id.as_deref()));
    for h in &t.header {
        let _ = write!(s, "<th>{}</th>", escape::html(h));
    }
    s.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        let _ = write!(s, "<tr{}>", attr("id", r.id.as_deref()));
        for c in &r.cells {
            let _ = write!(s, "<td{}>{}</td>", class(c.tone), inline(&c.content));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_has_the_csp_and_no_external_reference() {
        let doc = Document {
            title: "T<1>".into(),
            subtitle: "s".into(),
            blocks: vec![Block::para(Inline::new().link("x", "javascript:alert(1)"))],
        };
        let p = render(&doc);
        assert!(p.contains("<title>T&lt;1&gt;</title>"));
        assert!(p.contains(CSP));
        assert!(!p.contains("javascript:") || !p.contains("href=\"javascript"));
        assert!(!p.contains("http://") && !p.contains("https://"));
    }
}
