//! The [`SlaReport`] as a document for the shared renderers (JSON is serde's).

use super::model::*;
use super::svg::response_time_svg;
use crate::math::latency::LatencyStats;
use crate::math::{fmt_count, fmt_secs};
use rampart_report::{Block, Chart, Document, Tone};

fn opt_pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v} %")).unwrap_or_else(|| "n/a".into())
}

fn stats_line(s: &LatencyStats) -> String {
    format!(
        "n={} mean {} ms, p50 {} ms, p90 {} ms, p95 {} ms, p99 {} ms, max {} ms",
        fmt_count(s.count),
        s.mean_ms,
        s.p50_ms,
        s.p90_ms,
        s.p95_ms,
        s.p99_ms,
        s.max_ms
    )
}

/// The response-time graph of one monitor, as a chart block.
pub fn graph(r: &SlaReport, index: usize) -> Option<Chart> {
    let m = r.monitors.get(index)?;
    Some(Chart {
        svg: response_time_svg(m, m.latency.threshold_ms, r.window.start, r.window.end),
        caption: format!("response time of {}", m.monitor),
        id: Some(format!("sla-graph-{index}")),
        class: "sla-graph",
    })
}

/// The report as a document: the window, one section per clause list and monitor, definitions.
pub fn document(r: &SlaReport) -> Document {
    let subtitle = format!(
        "Window {} – {} ({} h, from the {}); source {}.",
        r.window.start.to_rfc3339(),
        r.window.end.to_rfc3339(),
        r.window.hours,
        if r.window.from == "given" {
            "command line"
        } else {
            "data"
        },
        r.source
    );
    let mut clauses = Vec::new();
    if r.clauses.is_empty() {
        clauses.push(Block::para(
            "No SLA clause: add [[sla]] to rampart.toml or pass --latency-threshold / --uptime-target.",
        ));
    }
    for c in &r.clauses {
        let mut out: Vec<String> = Vec::new();
        let heading = format!(
            "{} — {}{} ({} on {}{})",
            c.name,
            c.verdict.label().to_uppercase(),
            if c.ambiguous && c.verdict != Verdict::Ambiguous {
                " (reading unstated)"
            } else {
                ""
            },
            c.kind,
            c.monitor,
            if c.agent == "all" {
                String::new()
            } else {
                format!(", agent {}", c.agent)
            }
        );
        out.push(format!("measured: {}", c.measured));
        out.push(format!("formula: {}", c.formula));
        for rd in &c.readings {
            out.push(format!(
                "reading {}: {} → {} ({})",
                rd.reading,
                rd.value_ms
                    .map(|v| format!("{v} ms"))
                    .unwrap_or_else(|| "n/a".into()),
                rd.verdict.label(),
                rd.formula
            ));
        }
        for p in &c.periods {
            out.push(format!(
                "period {} – {}{}: {} by time, {} by probes; downtime {} of {} allowed; budget left {:.1} %; burn rate {} (fastest hour {}) → {}",
                p.start.format("%Y-%m-%d"),
                p.end.format("%Y-%m-%d"),
                if p.complete { "" } else { " (partly observed)" },
                opt_pct(p.by_time_percent),
                opt_pct(p.by_probes_percent),
                fmt_secs(p.budget.down_secs),
                fmt_secs(p.budget.allowed_down_secs),
                p.budget.left_percent,
                p.budget.burn_rate.map(|b| format!("{b:.2}×")).unwrap_or_else(|| "n/a".into()),
                p.max_burn_1h.map(|b| format!("{b:.2}×")).unwrap_or_else(|| "n/a".into()),
                p.verdict.label()
            ));
        }
        for i in &c.incidents {
            out.push(format!(
                "incident {} → {}: deadline {}, restored in {}{} → {}",
                i.start.to_rfc3339(),
                i.end
                    .map(|e| e.to_rfc3339())
                    .unwrap_or_else(|| "open".into()),
                i.deadline
                    .map(|d| d.to_rfc3339())
                    .unwrap_or_else(|| "none".into()),
                i.restore_secs.map(fmt_secs).unwrap_or_else(|| "n/a".into()),
                i.restore_business_secs
                    .map(|b| format!(" ({} in calendar time)", fmt_secs(b)))
                    .unwrap_or_default(),
                match i.restored_in_time {
                    Some(true) => "in time",
                    Some(false) => "late",
                    None => "not yet known",
                }
            ));
        }
        for e in &c.exclusions {
            out.push(format!("excluded: {e}"));
        }
        for n in &c.notes {
            out.push(format!("note: {n}"));
        }
        let tone = match c.verdict {
            Verdict::Breached => Tone::Bad,
            Verdict::Met if !c.ambiguous => Tone::Good,
            _ => Tone::Warn,
        };
        clauses.push(Block::Section {
            id: None,
            heading: heading.into(),
            tone,
            blocks: vec![Block::list(out)],
        });
    }
    let mut blocks = vec![Block::section("Clauses", clauses)];
    for (index, m) in r.monitors.iter().enumerate() {
        let mut out: Vec<String> = Vec::new();
        let heading = format!(
            "Monitor {}{} — {}",
            m.monitor,
            if m.agent == "all" {
                String::new()
            } else {
                format!(" (agent {})", m.agent)
            },
            m.target
        );
        out.push(format!(
            "probes: {} taken, {} good, {} failed{}",
            fmt_count(m.probes),
            fmt_count(m.up),
            fmt_count(m.failed),
            if m.excluded > 0 {
                format!(", {} in maintenance", m.excluded)
            } else {
                String::new()
            }
        ));
        out.push(format!("coverage: {}", m.coverage.statement));
        out.push(format!(
            "uptime: {} by probes, {} by time, {} worst case (unknown time counted as down)",
            opt_pct(m.uptime.by_probes_percent),
            opt_pct(m.uptime.by_time_percent),
            opt_pct(m.uptime.worst_case_percent)
        ));
        out.push(format!(
            "incidents: {}; MTTR {}; MTBF {}",
            m.reliability.incidents,
            m.reliability
                .mttr_secs
                .map(fmt_secs)
                .unwrap_or_else(|| "n/a".into()),
            m.reliability
                .mtbf_secs
                .map(fmt_secs)
                .unwrap_or_else(|| "n/a (no failure)".into())
        ));
        for i in &m.incidents {
            out.push(format!(
                "incident {} → {} ({}, {} failed probes): {}",
                i.start.to_rfc3339(),
                i.end
                    .map(|e| e.to_rfc3339())
                    .unwrap_or_else(|| "still open".into()),
                i.duration_secs
                    .map(fmt_secs)
                    .unwrap_or_else(|| "open".into()),
                i.failed_probes,
                i.cause
            ));
        }
        let l = &m.latency;
        if let Some(s) = &l.stats {
            out.push(format!("latency ({}): {}", l.measure, stats_line(s)));
        }
        if let (Some(t), Some(a), Some(p)) = (l.threshold_ms, l.above, l.above_percent) {
            out.push(format!(
                "above {t} ms (strictly): {} ({p} %); exactly at {t} ms: {} (within)",
                fmt_count(a),
                l.at_threshold.unwrap_or(0)
            ));
        }
        if l.left_out > 0 {
            out.push(format!(
                "{} failed probe(s) left out of latency",
                l.left_out
            ));
        }
        for (phase, s) in &l.phases {
            if phase != "total" {
                out.push(format!("phase {phase}: {}", stats_line(s)));
            }
        }
        if let Some(s) = &m.lateness {
            out.push(format!(
                "prober lateness: p50 {} ms, p99 {} ms, max {} ms; {} probe(s) more than 100 ms late",
                s.p50_ms, s.p99_ms, s.max_ms, m.late_probes
            ));
        }
        let graph = graph(r, index).map(Block::Chart);
        blocks.push(Block::section(
            heading,
            graph.into_iter().chain([Block::list(out)]).collect(),
        ));
    }
    blocks.push(Block::section(
        "Definitions",
        vec![Block::list(&r.definitions)],
    ));
    Document {
        title: "SLA report".into(),
        subtitle,
        blocks,
    }
}
