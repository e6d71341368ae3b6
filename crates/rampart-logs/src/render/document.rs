//! The log analysis as a document for the shared renderers: the chart, the sources (with
//! malformed-line samples), the incidents with their evidence, the logging coverage.

use super::{chart, incident_line, MALFORMED_SHOWN};
use crate::{Answer, Report};
use rampart_report::{Block, Chart, Document, Inline, Table, Tone};

fn answer(a: Answer) -> &'static str {
    match a {
        Answer::Yes => "yes",
        Answer::Partly => "partly",
        Answer::No => "no",
        Answer::Unknown => "unknown",
    }
}

pub fn document(r: &Report) -> Document {
    let mut sources = Table::new(&[
        "source",
        "format",
        "lines",
        "parsed",
        "malformed",
        "from",
        "to",
    ]);
    for s in &r.sources {
        sources.push(vec![
            (&s.name).into(),
            (&s.format).into(),
            s.lines.to_string().into(),
            s.parsed.to_string().into(),
            s.malformed.to_string().into(),
            s.first.clone().unwrap_or_default().into(),
            s.last.clone().unwrap_or_default().into(),
        ]);
    }
    let mut source_blocks = vec![Block::Table(sources)];
    for s in r.sources.iter().filter(|s| s.malformed > 0) {
        let shown = s.malformed_samples.len().min(MALFORMED_SHOWN);
        source_blocks.push(Block::Paragraph(
            Inline::new()
                .strong(format!("Malformed lines in {}", s.name))
                .text(format!(
                    ": {} (counted and skipped, never fatal); the first {shown}:",
                    s.malformed
                )),
        ));
        let lines: Vec<String> = s
            .malformed_samples
            .iter()
            .take(shown)
            .map(|m| format!("{:>8}: {}", m.line, m.text))
            .collect();
        source_blocks.push(Block::Evidence(lines.join("\n")));
    }
    let mut incidents = Vec::new();
    for i in &r.incidents {
        let mut fields = vec![
            ("when".to_string(), format!("{} – {}", i.from, i.to).into()),
            (
                "severity".to_string(),
                Inline::new().toned(Tone::Severity(i.severity), i.severity.as_str()),
            ),
            (
                "verdict".to_string(),
                format!("{} — {}", i.verdict.as_str(), i.why).into(),
            ),
            ("signals".to_string(), i.signals_and_impact().into()),
            ("clients".to_string(), i.clients_short(10).into()),
        ];
        // sshd episodes have no paths: no empty row.
        if !i.paths.is_empty() {
            fields.push(("paths".to_string(), i.paths.join(", ").into()));
        }
        if !i.users.is_empty() {
            fields.push(("usernames".to_string(), i.users.join(", ").into()));
        }
        let evidence: Vec<String> = i
            .evidence
            .iter()
            .map(|e| format!("{:>8}: {}", e.line, e.text))
            .collect();
        incidents.push(Block::section(
            incident_line(i),
            vec![
                Block::KeyValues(fields),
                Block::Evidence(evidence.join("\n")),
            ],
        ));
    }
    let mut coverage = Table::new(&["question", "answer", "detail", "threat"]);
    for c in &r.coverage {
        let tone = match c.answer {
            Answer::Yes => Tone::Good,
            Answer::Partly | Answer::Unknown => Tone::Warn,
            Answer::No => Tone::Bad,
        };
        coverage.push(vec![
            (&c.question).into(),
            rampart_report::Cell::toned(tone, answer(c.answer)),
            (&c.detail).into(),
            (&c.threat).into(),
        ]);
    }
    Document {
        title: "Log analysis".into(),
        subtitle: format!(
            "{} line(s) from {} source(s), {} incident(s)",
            r.lines(),
            r.sources.len(),
            r.incidents.len()
        ),
        blocks: vec![
            Block::section(
                "Requests over time",
                if r.chart.points.is_empty() {
                    // An auth log, or an error log with no line about a request.
                    vec![Block::Paragraph("No HTTP requests in these logs.".into())]
                } else {
                    vec![Block::Chart(Chart {
                        svg: chart(r),
                        caption: format!("requests per {} s", r.chart.bucket_secs),
                        id: None,
                        class: "log-chart",
                    })]
                },
            ),
            Block::section("Sources", source_blocks),
            Block::section(format!("Incidents ({})", r.incidents.len()), incidents),
            Block::section("Logging coverage", vec![Block::Table(coverage)]),
        ],
    }
}
