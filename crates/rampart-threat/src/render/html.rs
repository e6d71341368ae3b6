//! The TMT-style report as a standalone HTML page, with the diagram inline.

use super::Report;
use crate::threat::TitleSource;
use std::fmt::Write;

pub fn esc(s: &str) -> String {
    rampart_report::html::escape(s)
}

pub fn render(r: &Report<'_>) -> String {
    let mut s = String::new();
    let m = &r.dfd.meta;
    s.push_str("<section>\n");
    for (k, v) in [
        ("Threat Model Name", &m.name),
        ("Owner", &m.owner),
        ("Reviewer", &m.reviewer),
        ("Contributors", &m.contributors),
        ("Description", &m.description),
    ] {
        if !v.is_empty() {
            let _ = writeln!(s, "<p><strong>{k}:</strong> {}</p>", esc(v));
        }
    }
    let _ = writeln!(
        s,
        "<p><strong>Rules:</strong> {}</p><p>{}</p>",
        esc(r.rules),
        esc(&r.title_note())
    );
    let _ = writeln!(s, "</section><section><h2>Summary</h2><table>");
    for (k, n) in r.summary() {
        let _ = writeln!(s, "<tr><td>{k}</td><td>{n}</td></tr>");
    }
    let _ = writeln!(
        s,
        "</table>\n<h2>Diagram</h2>\n{}",
        super::svg::render(r.dfd)
    );
    for (heading, items) in r.sections() {
        let _ = writeln!(s, "<section><h2>{}</h2>", esc(&heading));
        for (n, t) in items {
            let mark = if t.title_source == TitleSource::Stored {
                " <em>(stored title)</em>"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "<div class=\"threat s-{}\" id=\"t-{}\"><h3>{n}. {}{mark}</h3><p>[State: {}] [Priority: {}]</p><table>",
                t.state.slug(),
                esc(&t.id),
                esc(&t.title),
                t.state,
                t.priority
            );
            let mut row = |k: &str, v: &str| {
                let _ = writeln!(s, "<tr><th>{k}</th><td>{}</td></tr>", esc(v));
            };
            if t.title_source == TitleSource::Stored {
                row("Generated title", &t.generated_title);
            }
            row("Id", &t.id);
            row("Rule", &t.rule);
            row("Category", &t.category);
            row(
                "Interaction",
                &format!("{} ({} → {})", t.interaction, t.source, t.target),
            );
            row("Description", &t.description);
            row("Remediation", &t.remediation);
            row("Justification", &t.justification);
            if !t.owner.is_empty() {
                row("Owner", &t.owner);
            }
            if !t.groups.is_empty() {
                row("Groups", &t.groups.join(", "));
            }
            let _ = writeln!(s, "</table></div>");
        }
        s.push_str("</section>\n");
    }
    if !r.unmatched.is_empty() {
        let _ = writeln!(
            s,
            "<section><h2>Triage entries that match no threat</h2><ul>"
        );
        for e in r.unmatched {
            let _ = writeln!(
                s,
                "<li>line {}: <code>{}</code> (rule {}, {}): {}</li>",
                e.line,
                esc(&e.id),
                esc(&e.rule),
                esc(&e.interaction),
                esc(&e.title)
            );
        }
        let _ = writeln!(s, "</ul></section>");
    }
    let style = "<style>.threat{margin:1em 0;padding:.5em;border-left:4px solid #999}\
                 .s-not-started,.s-needs-investigation{border-color:#b42318}.s-mitigated{border-color:#067647}</style>";
    let name = if m.name.is_empty() {
        "threat model"
    } else {
        m.name.as_str()
    };
    rampart_report::html::page("Threat Modeling Report", name, &format!("{style}\n{s}"))
}
