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
