//! The seed's own data (22,052 probes of /api/latest) must give the seed's figures, and the
//! report must show what the seed's spreadsheet hid: the ambiguity of "500 ms max" and the
//! probe count that does not fit 24 hours.

use chrono::{TimeZone, Utc};
use rampart_config::SlaPeriod;
use rampart_sla::clause::Clause;
use rampart_sla::csv::{import_file, ImportOptions};
use rampart_sla::report::{build, render, ReportFormat, ReportInput, Verdict};
use std::collections::HashMap;
use std::path::Path;

fn seed_report() -> rampart_sla::report::SlaReport {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/seed-minitwit-probes.csv");
    let obs = import_file(&path, &ImportOptions::default()).expect("fixture parses");
    let clauses = vec![
        Clause::ad_hoc_uptime(99.5, SlaPeriod::Month),
        Clause::ad_hoc_latency(500.0, None),
    ];
    build(&ReportInput {
        observations: &obs,
        clauses: &clauses,
        window: None,
        intervals: HashMap::new(),
        by_agent: false,
        // The seed's spreadsheet says its probes cover 24 hours.
        claimed_secs: Some(86_400.0),
        generated_at: Utc.with_ymd_and_hms(2020, 4, 16, 0, 0, 0).unwrap(),
        source: "seed-minitwit-probes.csv".into(),
    })
}

#[test]
fn seed_figures_are_reproduced() {
    let r = seed_report();
    assert_eq!(r.monitors.len(), 1);
    let m = &r.monitors[0];
    assert_eq!(m.probes, 22_052);
    assert_eq!(m.failed, 0);
    assert_eq!(m.uptime.by_probes_percent, Some(100.0));
    assert_eq!(m.uptime.by_time_percent, Some(100.0));
    assert_eq!(m.latency.above, Some(443));
    assert_eq!(m.latency.above_percent, Some(2.01));
    assert_eq!(
        m.latency.at_threshold,
        Some(3),
        "three probes at exactly 500.000 ms are within"
    );
    assert_eq!(m.latency.stats.as_ref().unwrap().mean_ms, 172.73);
    // Coverage: 22,052 probes at 5 s are 30.6 h, not 24 h.
    assert_eq!(m.coverage.interval_secs, 5.0);
    assert_eq!(m.coverage.recorded, 22_052);
    assert!(
        (m.coverage.span_hours - 30.63).abs() < 0.01,
        "{}",
        m.coverage.span_hours
    );
    assert!(
        m.coverage
            .statement
            .starts_with("22,052 probes at 5 s span 30.6 h, not 24 h"),
        "{}",
        m.coverage.statement
    );
    assert_eq!(m.coverage.probes_per_24h, 17_280);
    assert!(m.incidents.is_empty());
}

#[test]
fn the_500ms_clause_is_ambiguous_breached_per_request_met_as_mean() {
    let r = seed_report();
    let c = r.clauses.iter().find(|c| c.kind == "latency").unwrap();
    assert!(c.ambiguous);
    assert_eq!(c.verdict, Verdict::Ambiguous);
    let reading = |n: &str| c.readings.iter().find(|x| x.reading == n).unwrap().verdict;
    assert_eq!(reading("every_request"), Verdict::Breached);
    assert_eq!(reading("mean"), Verdict::Met);
    assert_eq!(reading("p95"), Verdict::Met);
    assert_eq!(reading("p98"), Verdict::Breached, "p98 narrowly breached");
    assert_eq!(reading("p99"), Verdict::Breached);
    let u = r.clauses.iter().find(|c| c.kind == "uptime").unwrap();
    assert_eq!(u.verdict, Verdict::Met);
    assert_eq!(u.periods.len(), 1, "April 2020 only");
    assert!(!u.periods[0].complete);
}

#[test]
fn every_format_renders_the_key_figures() {
    let r = seed_report();
    let json: serde_json::Value = serde_json::from_str(&render(&r, ReportFormat::Json)).unwrap();
    assert_eq!(json["monitors"][0]["probes"], 22_052);
    assert_eq!(json["monitors"][0]["latency"]["above"], 443);
    assert_eq!(json["clauses"][1]["ambiguous"], true);
    let text = render(&r, ReportFormat::Text);
    assert!(text.contains("443 (2.01 %)"), "{text}");
    assert!(text.contains("span 30.6 h, not 24 h"));
    let md = render(&r, ReportFormat::Md);
    assert!(
        md.contains("### latency ≤ 500 ms — AMBIGUOUS (latency on"),
        "{md}"
    );
    let html = render(&r, ReportFormat::Html);
    assert!(html.contains("<svg") && html.contains("threshold 500 ms"));
}
