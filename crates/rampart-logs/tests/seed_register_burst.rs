//! The seed's Wednesday-evening burst of 400s on /register: exactly one incident, with every
//! detector on and default thresholds; the background's ordinary 400s raise nothing.

use rampart_logs::{analyze, Verdict};
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

#[test]
fn seed_burst_is_exactly_one_incident() {
    let log = format!("{DATA}/seed-register-burst.access.log");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DATA}/seed-register-burst.expected.json")).unwrap(),
    )
    .unwrap();
    let cfg = serde_json::from_str("{}").unwrap();
    let report = analyze(&[&log], &cfg).unwrap();
    let dump = serde_json::to_string_pretty(&report.incidents).unwrap();
    assert_eq!(report.incidents.len(), 1, "{dump}");
    let exp = &expected["incidents"][0];
    let i = &report.incidents[0];
    assert_eq!(i.kind_str(), "error_burst");
    assert_eq!(i.clients, vec![exp["ip"].as_str().unwrap().to_string()]);
    assert_eq!(i.paths, vec![exp["path"].as_str().unwrap().to_string()]);
    assert_eq!(i.count, exp["count"].as_u64().unwrap());
    assert_eq!(i.statuses.get("400"), Some(&140));
    // Between 18:24 and 18:34 on 2020-04-15, in the log's +02:00.
    assert!(i.from.starts_with("2020-04-15T18:24:"), "{}", i.from);
    assert!(i.to.starts_with("2020-04-15T18:33:"), "{}", i.to);
    assert!(i.from.ends_with("+02:00"));
    // Inside the generator's window (its `to` is the burst's planned end; the last 400 in the
    // file is a few seconds earlier).
    let ts = |v: &Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
            .unwrap()
            .timestamp()
    };
    assert!(
        i.from_ts >= ts(&exp["from"]) && i.to_ts <= ts(&exp["to"]),
        "{dump}"
    );
    assert!(matches!(i.verdict, Verdict::LikelyAttack | Verdict::Attack));
    assert!(i.why.contains("username"), "{}", i.why);
    assert!(!i.evidence.is_empty());
    assert!(i.evidence[0].text.contains("83.92.14.201"));
    assert_eq!(
        report.lines(),
        expected["lines"].as_u64().unwrap(),
        "every line counted"
    );
    assert_eq!(report.sources[0].malformed, 0);
}

#[test]
fn seed_burst_renders_in_every_format() {
    let log = format!("{DATA}/seed-register-burst.access.log");
    let r = analyze(&[&log], &serde_json::from_str("{}").unwrap()).unwrap();
    let html = rampart_logs::render::html(&r);
    assert!(
        html.contains("<svg") && html.contains("<rect"),
        "chart with the incident marked"
    );
    assert!(!html.contains("src=\"http"), "no external assets");
    let md = rampart_logs::render::markdown(&r);
    assert!(md.contains("83.92.14.201") && md.contains("## Logging coverage"));
    let text = rampart_logs::render::text(&r);
    assert!(text.contains("Incidents (1)"), "{text}");
    let sarif: Value = serde_json::from_str(&rampart_logs::render::sarif(&r)).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"],
        "RA-LOG-ERROR-BURST"
    );
    // The chart is per minute over the two days, bounded.
    assert_eq!(r.chart.bucket_secs, 60);
    assert!(r.chart.points.len() <= 2 * 24 * 60);
    let f = &r.findings()[0];
    assert_eq!(f.rule, "RA-LOG-ERROR-BURST");
    assert_eq!(
        r.model_incidents()[0].kind,
        rampart_model::IncidentKind::ErrorBurst
    );
}
