use super::chart_svg;
use crate::Report;
use rampart_report::html::{escape, page, table};
use std::fmt::Write;

pub fn html(r: &Report) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<section><h2>Requests over time</h2>{}</section>",
        chart_svg(r)
    );
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
    let _ = write!(
        b,
        "<section><h2>Sources</h2>{}</section>",
        table(
            &["source", "format", "lines", "malformed", "from", "to"],
            &rows
        )
    );
    for s in r.sources.iter().filter(|s| s.malformed > 0) {
        let shown = s.malformed_samples.len().min(super::MALFORMED_SHOWN);
        let _ = write!(
            b,
            "<section><h3>Malformed lines in {}: {}</h3><p>Counted and skipped, never fatal; the first {shown}:</p><pre>",
            escape(&s.name),
            s.malformed
        );
        for m in s.malformed_samples.iter().take(shown) {
            let _ = writeln!(b, "{:>8}: {}", m.line, escape(&m.text));
        }
        b.push_str("</pre></section>");
    }
    let _ = write!(b, "<section><h2>Incidents ({})</h2>", r.incidents.len());
    for (n, i) in r.incidents.iter().enumerate() {
        let _ = write!(
            b,
            "<h3>#{} <span class=\"sev-{}\">{}</span> {}</h3><p>{} – {}<br><span class=\"badge\">{}</span> {}</p><pre>",
            n + 1,
            i.severity.as_str(),
            i.severity.as_str(),
            escape(&i.title()),
            escape(&i.from),
            escape(&i.to),
            i.verdict.as_str(),
            escape(&i.why)
        );
        for e in &i.evidence {
            let _ = writeln!(b, "{:>8}: {}", e.line, escape(&e.text));
        }
        b.push_str("</pre>");
        let _ = write!(b, "<p>{}</p>", escape(&i.signals_and_impact()));
    }
    b.push_str("</section>");
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
    let _ = write!(
        b,
        "<section><h2>Logging coverage</h2>{}</section>",
        table(&["question", "answer", "detail", "threat"], &rows)
    );
    let sub = format!(
        "{} line(s) from {} source(s), {} incident(s)",
        r.lines(),
        r.sources.len(),
        r.incidents.len()
    );
    page("rampart — log analysis", &sub, &b)
}
