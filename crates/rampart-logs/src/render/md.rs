use crate::Report;
use rampart_report::md::{escape, table};
use std::fmt::Write;

pub fn markdown(r: &Report) -> String {
    let mut o = String::from("# Log analysis\n\n");
    let rows: Vec<Vec<String>> = r
        .sources
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.format.clone(),
                s.lines.to_string(),
                s.malformed.to_string(),
                s.first.clone().unwrap_or_default(),
                s.last.clone().unwrap_or_default(),
            ]
        })
        .collect();
    o.push_str(&table(
        &["source", "format", "lines", "malformed", "from", "to"],
        &rows,
    ));
    for s in r.sources.iter().filter(|s| s.malformed > 0) {
        let shown = s.malformed_samples.len().min(super::MALFORMED_SHOWN);
        let _ = writeln!(
            o,
            "\n**Malformed lines in {}**: {} (counted and skipped, never fatal); the first {shown}:\n\n```text",
            escape(&s.name),
            s.malformed
        );
        for m in s.malformed_samples.iter().take(shown) {
            let _ = writeln!(o, "{:>8}: {}", m.line, m.text.replace("```", "'''"));
        }
        o.push_str("```\n");
    }
    let _ = writeln!(o, "\n## Incidents ({})\n", r.incidents.len());
    for i in &r.incidents {
        let _ = writeln!(o, "### {}\n", escape(&i.title()));
        let _ = writeln!(
            o,
            "- **when**: {} – {}\n- **severity**: {}\n- **verdict**: {} — {}\n- **clients**: {}\n- **paths**: {}",
            i.from,
            i.to,
            i.severity,
            i.verdict.as_str(),
            escape(&i.why),
            escape(&i.clients_short(10)),
            escape(&i.paths.join(", "))
        );
        let _ = writeln!(o, "- {}", escape(&i.signals_and_impact()));
        if !i.users.is_empty() {
            let _ = writeln!(o, "- **usernames**: {}", escape(&i.users.join(", ")));
        }
        o.push_str("\n```text\n");
        for e in &i.evidence {
            let _ = writeln!(o, "{:>8}: {}", e.line, e.text.replace("```", "'''"));
        }
        o.push_str("```\n\n");
    }
    o.push_str("## Logging coverage\n\n");
    let rows: Vec<Vec<String>> = r
        .coverage
        .iter()
        .map(|c| {
            vec![
                c.question.clone(),
                format!("{:?}", c.answer).to_lowercase(),
                c.detail.clone(),
                c.threat.clone(),
            ]
        })
        .collect();
    o.push_str(&table(&["question", "answer", "detail", "threat"], &rows));
    o
}
