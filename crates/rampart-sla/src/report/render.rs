//! Text, Markdown and HTML renderings of an [`SlaReport`] (JSON is serde's).

use super::model::*;
use super::svg::response_time_svg;
use crate::math::latency::LatencyStats;
use crate::math::{fmt_count, fmt_secs};

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

/// Lines shared by text and Markdown: (heading level, text) pairs keep the two in step.
enum Line {
    H1(String),
    H2(String),
    H3(String),
    Item(String),
    Para(String),
}

fn lines(r: &SlaReport) -> Vec<Line> {
    let mut out = vec![
        Line::H1("SLA report".into()),
        Line::Para(format!(
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
        )),
        Line::H2("Clauses".into()),
    ];
    if r.clauses.is_empty() {
        out.push(Line::Para(
            "No SLA clause: add [[sla]] to rampart.toml or pass --latency-threshold / --uptime-target.".into(),
        ));
    }
    for c in &r.clauses {
        out.push(Line::H3(format!(
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
        )));
        out.push(Line::Item(format!("measured: {}", c.measured)));
        out.push(Line::Item(format!("formula: {}", c.formula)));
        for rd in &c.readings {
            out.push(Line::Item(format!(
                "reading {}: {} → {} ({})",
                rd.reading,
                rd.value_ms
                    .map(|v| format!("{v} ms"))
                    .unwrap_or_else(|| "n/a".into()),
                rd.verdict.label(),
                rd.formula
            )));
        }
        for p in &c.periods {
            out.push(Line::Item(format!(
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
            )));
        }
        for i in &c.incidents {
            out.push(Line::Item(format!(
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
            )));
        }
        for e in &c.exclusions {
            out.push(Line::Item(format!("excluded: {e}")));
        }
        for n in &c.notes {
            out.push(Line::Item(format!("note: {n}")));
        }
    }
    for m in &r.monitors {
        out.push(Line::H2(format!(
            "Monitor {}{} — {}",
            m.monitor,
            if m.agent == "all" {
                String::new()
            } else {
                format!(" (agent {})", m.agent)
            },
            m.target
        )));
        out.push(Line::Item(format!(
            "probes: {} taken, {} good, {} failed{}",
            fmt_count(m.probes),
            fmt_count(m.up),
            fmt_count(m.failed),
            if m.excluded > 0 {
                format!(", {} in maintenance", m.excluded)
            } else {
                String::new()
            }
        )));
        out.push(Line::Item(format!("coverage: {}", m.coverage.statement)));
        out.push(Line::Item(format!(
            "uptime: {} by probes, {} by time, {} worst case (unknown time counted as down)",
            opt_pct(m.uptime.by_probes_percent),
            opt_pct(m.uptime.by_time_percent),
            opt_pct(m.uptime.worst_case_percent)
        )));
        out.push(Line::Item(format!(
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
        )));
        for i in &m.incidents {
            out.push(Line::Item(format!(
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
            )));
        }
        let l = &m.latency;
        if let Some(s) = &l.stats {
            out.push(Line::Item(format!(
                "latency ({}): {}",
                l.measure,
                stats_line(s)
            )));
        }
        if let (Some(t), Some(a), Some(p)) = (l.threshold_ms, l.above, l.above_percent) {
            out.push(Line::Item(format!(
                "above {t} ms (strictly): {} ({p} %); exactly at {t} ms: {} (within)",
                fmt_count(a),
                l.at_threshold.unwrap_or(0)
            )));
        }
        if l.left_out > 0 {
            out.push(Line::Item(format!(
                "{} failed probe(s) left out of latency",
                l.left_out
            )));
        }
        for (phase, s) in &l.phases {
            if phase != "total" {
                out.push(Line::Item(format!("phase {phase}: {}", stats_line(s))));
            }
        }
        if let Some(s) = &m.lateness {
            out.push(Line::Item(format!(
                "prober lateness: p50 {} ms, p99 {} ms, max {} ms; {} probe(s) more than 100 ms late",
                s.p50_ms, s.p99_ms, s.max_ms, m.late_probes
            )));
        }
    }
    out.push(Line::H2("Definitions".into()));
    for d in &r.definitions {
        out.push(Line::Item(d.clone()));
    }
    out
}

pub fn text(r: &SlaReport) -> String {
    let mut s = String::new();
    for l in lines(r) {
        match l {
            Line::H1(t) => s.push_str(&format!("{t}\n{}\n", "=".repeat(t.chars().count()))),
            Line::H2(t) => s.push_str(&format!("\n{t}\n{}\n", "-".repeat(t.chars().count()))),
            Line::H3(t) => s.push_str(&format!("\n* {t}\n")),
            Line::Item(t) => s.push_str(&format!("    {t}\n")),
            Line::Para(t) => s.push_str(&format!("{t}\n")),
        }
    }
    s
}

pub fn markdown(r: &SlaReport) -> String {
    let mut s = String::new();
    for l in lines(r) {
        match l {
            Line::H1(t) => s.push_str(&format!("# {t}\n\n")),
            Line::H2(t) => s.push_str(&format!("\n## {t}\n\n")),
            Line::H3(t) => s.push_str(&format!("\n### {t}\n\n")),
            Line::Item(t) => s.push_str(&format!("- {t}\n")),
            Line::Para(t) => s.push_str(&format!("{t}\n\n")),
        }
    }
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A self-contained HTML page: the report's lines plus one response-time graph per monitor.
pub fn html(r: &SlaReport) -> String {
    let mut body = String::new();
    let mut in_list = false;
    let close = |b: &mut String, open: &mut bool| {
        if *open {
            b.push_str("</ul>\n");
            *open = false;
        }
    };
    for l in lines(r) {
        match l {
            Line::Item(t) => {
                if !in_list {
                    body.push_str("<ul>\n");
                    in_list = true;
                }
                body.push_str(&format!("<li>{}</li>\n", esc(&t)));
            }
            other => {
                close(&mut body, &mut in_list);
                match other {
                    Line::H1(t) => body.push_str(&format!("<h1>{}</h1>\n", esc(&t))),
                    Line::H2(t) => {
                        body.push_str(&format!("<h2>{}</h2>\n", esc(&t)));
                        if let Some(m) = t.strip_prefix("Monitor ").and_then(|rest| {
                            r.monitors.iter().find(|m| rest.starts_with(&m.monitor))
                        }) {
                            body.push_str(&response_time_svg(
                                m,
                                m.latency.threshold_ms,
                                r.window.start,
                                r.window.end,
                            ));
                            body.push('\n');
                        }
                    }
                    Line::H3(t) => {
                        let class = if t.contains("BREACHED") {
                            "bad"
                        } else if t.contains("MET") && !t.contains("ambiguous") {
                            "ok"
                        } else {
                            "warn"
                        };
                        body.push_str(&format!("<h3 class=\"{class}\">{}</h3>\n", esc(&t)))
                    }
                    Line::Para(t) => body.push_str(&format!("<p>{}</p>\n", esc(&t))),
                    Line::Item(_) => {}
                }
            }
        }
    }
    close(&mut body, &mut in_list);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>SLA report</title>\
         <style>body{{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}}\
         h3.ok{{color:#2e7d32}}h3.bad{{color:#c62828}}h3.warn{{color:#ef6c00}}li{{margin:.2em 0}}\
         svg{{max-width:100%;height:auto;border:1px solid #ddd}}</style></head><body>\n{body}</body></html>\n"
    )
}
