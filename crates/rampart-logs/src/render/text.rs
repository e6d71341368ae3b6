use crate::{Answer, LogIncident, Report};
use std::fmt::Write;

/// One line per incident, for the timeline and for `--follow`.
pub fn incident_line(i: &LogIncident) -> String {
    format!(
        "{}  {:<8} {}",
        i.from.replace('T', " "),
        i.severity.as_str().to_uppercase(),
        i.title()
    )
}

/// The timeline: sources, incidents in time order with why and evidence, coverage.
pub fn text(r: &Report) -> String {
    let mut o = String::new();
    for s in &r.sources {
        let _ = writeln!(
            o,
            "{} ({}): {} lines, {} parsed, {} malformed{}",
            s.name,
            s.format,
            s.lines,
            s.parsed,
            s.malformed,
            match (&s.first, &s.last) {
                (Some(a), Some(b)) => format!(", {a} .. {b}"),
                _ => String::new(),
            }
        );
        for m in s.malformed_samples.iter().take(3) {
            let _ = writeln!(o, "    malformed line {}: {}", m.line, m.text);
        }
    }
    let _ = writeln!(o, "\nTimeline: {} incident(s)", r.incidents.len());
    for i in &r.incidents {
        let _ = writeln!(o, "\n{}", incident_line(i));
        let _ = writeln!(o, "    until {}", i.to.replace('T', " "));
        let _ = writeln!(o, "    verdict: {} — {}", i.verdict.as_str(), i.why);
        let _ = writeln!(
            o,
            "    {}; clients: {}",
            i.signals_and_impact(),
            i.clients_short(10)
        );
        for e in &i.evidence {
            let _ = writeln!(o, "    {:>8}: {}", e.line, e.text);
        }
    }
    let _ = writeln!(o, "\nLogging coverage");
    for c in &r.coverage {
        let mark = match c.answer {
            Answer::Yes => "yes",
            Answer::Partly => "partly",
            Answer::No => "NO",
            Answer::Unknown => "?",
        };
        let _ = writeln!(o, "  [{mark:>6}] {} {}", c.question, c.detail);
    }
    o
}
