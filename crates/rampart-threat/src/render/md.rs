//! The TMT-style report as Markdown.

use super::Report;
use crate::threat::TitleSource;
use std::fmt::Write;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(r: &Report<'_>) -> String {
    let mut s = String::new();
    let m = &r.dfd.meta;
    let _ = writeln!(s, "# Threat Modeling Report\n");
    for (k, v) in [
        ("Threat Model Name", &m.name),
        ("Owner", &m.owner),
        ("Reviewer", &m.reviewer),
        ("Contributors", &m.contributors),
        ("Description", &m.description),
    ] {
        if !v.is_empty() {
            let _ = writeln!(s, "**{k}:** {v}  ");
        }
    }
    let _ = writeln!(s, "**Rules:** {}\n\n{}\n", r.rules, r.title_note());
    let _ = writeln!(s, "## Summary\n\n| State | Threats |\n|---|---:|");
    for (k, n) in r.summary() {
        let _ = writeln!(s, "| {k} | {n} |");
    }
    for (heading, items) in r.sections() {
        let _ = writeln!(s, "\n## {}\n", cell(&heading));
        for (n, t) in items {
            let mark = if t.title_source == TitleSource::Stored {
                " *(stored title)*"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "### {n}. {}{mark}\n\n**State:** {} · **Priority:** {} · **Category:** {} · **Rule:** `{}` · **Id:** `{}`\n",
                cell(&t.title), t.state, t.priority, t.category, t.rule, t.id
            );
            if t.title_source == TitleSource::Stored {
                let _ = writeln!(s, "- **Generated title:** {}", cell(&t.generated_title));
            }
            let _ = writeln!(
                s,
                "- **Interaction:** {} ({} → {})",
                cell(&t.interaction),
                cell(&t.source),
                cell(&t.target)
            );
            let _ = writeln!(s, "- **Description:** {}", cell(&t.description));
            let _ = writeln!(s, "- **Remediation:** {}", cell(&t.remediation));
            let _ = writeln!(s, "- **Justification:** {}", cell(&t.justification));
            if !t.owner.is_empty() {
                let _ = writeln!(s, "- **Owner:** {}", cell(&t.owner));
            }
            if !t.groups.is_empty() {
                let _ = writeln!(s, "- **Groups:** {}", t.groups.join(", "));
            }
            s.push('\n');
        }
    }
    if !r.unmatched.is_empty() {
        let _ = writeln!(s, "## Triage entries that match no threat\n");
        for e in r.unmatched {
            let _ = writeln!(
                s,
                "- line {}: `{}` (rule {}, {}): {}",
                e.line,
                e.id,
                e.rule,
                cell(&e.interaction),
                cell(&e.title)
            );
        }
    }
    s
}
