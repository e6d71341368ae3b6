//! The TMT-style report as plain text.

use super::Report;
use crate::threat::TitleSource;
use std::fmt::Write;

pub fn render(r: &Report<'_>) -> String {
    let mut s = String::new();
    let m = &r.dfd.meta;
    let _ = writeln!(s, "Threat Modeling Report");
    for (k, v) in [
        ("Threat Model Name", &m.name),
        ("Owner", &m.owner),
        ("Reviewer", &m.reviewer),
        ("Contributors", &m.contributors),
        ("Description", &m.description),
    ] {
        if !v.is_empty() {
            let _ = writeln!(s, "{k}: {v}");
        }
    }
    let _ = writeln!(s, "Rules: {}", r.rules);
    let _ = writeln!(s, "{}", r.title_note());
    let _ = writeln!(s, "\nThreat Model Summary:");
    for (k, n) in r.summary() {
        let _ = writeln!(s, "  {k:<20} {n}");
    }
    for (heading, items) in r.sections() {
        let _ = writeln!(s, "\n{heading}");
        for (n, t) in items {
            let mark = if t.title_source == TitleSource::Stored {
                " (stored)"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  {n}. {}{mark}  [State: {}] [Priority: {}]",
                t.title, t.state, t.priority
            );
            if t.title_source == TitleSource::Stored {
                let _ = writeln!(s, "     Generated title: {}", t.generated_title);
            }
            let _ = writeln!(s, "     Id: {}  Rule: {}", t.id, t.rule);
            let _ = writeln!(s, "     Category: {}", t.category);
            let _ = writeln!(
                s,
                "     Interaction: {} ({} -> {})",
                t.interaction, t.source, t.target
            );
            let _ = writeln!(s, "     Description: {}", t.description);
            let _ = writeln!(s, "     Remediation: {}", t.remediation);
            let _ = writeln!(s, "     Justification: {}", t.justification);
            if !t.owner.is_empty() {
                let _ = writeln!(s, "     Owner: {}", t.owner);
            }
            if !t.groups.is_empty() {
                let _ = writeln!(s, "     Groups: {}", t.groups.join(", "));
            }
        }
    }
    if !r.unmatched.is_empty() {
        let _ = writeln!(s, "\nTriage entries that match no threat:");
        for e in r.unmatched {
            let _ = writeln!(
                s,
                "  line {}: id {} (rule {}, {}): {}",
                e.line, e.id, e.rule, e.interaction, e.title
            );
        }
    }
    s
}
