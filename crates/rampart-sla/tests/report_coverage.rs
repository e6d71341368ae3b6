//! Coverage is per monitor: a healthy monitor reported next to one that started a little later
//! shows no phantom missing probe, and the coverage sentence is set against the window asked for
//! (not against 24 hours).

use chrono::{DateTime, Duration, TimeZone, Utc};
use rampart_model::{Observation, Outcome, Phases};
use rampart_sla::report::{build, ReportInput};
use std::collections::HashMap;

fn probes(monitor: &str, start: DateTime<Utc>, n: i64) -> Vec<Observation> {
    (0..n)
        .map(|i| {
            let at = start + Duration::seconds(i);
            Observation {
                monitor: monitor.into(),
                agent: "a".into(),
                target: format!("http://127.0.0.1/{monitor}"),
                scheduled_at: at,
                started_at: at,
                outcome: Outcome::Up,
                status: Some(200),
                phases: Phases {
                    total_ms: Some(5.0),
                    ..Phases::default()
                },
                error_class: None,
                error: None,
            }
        })
        .collect()
}

fn report(
    obs: &[Observation],
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> serde_json::Value {
    let intervals: HashMap<String, f64> =
        [("api".to_string(), 1.0), ("web".to_string(), 1.0)].into();
    let r = build(&ReportInput {
        observations: obs,
        clauses: &[],
        window,
        intervals,
        by_agent: false,
        claimed_secs: None,
        generated_at: Utc.with_ymd_and_hms(2024, 1, 2, 0, 0, 0).unwrap(),
        source: "test".into(),
    });
    serde_json::to_value(&r).unwrap()
}

fn monitor<'a>(r: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    r["monitors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["monitor"] == name)
        .unwrap()
}

#[test]
fn a_healthy_monitor_has_full_coverage_next_to_a_later_one() {
    let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 12, 0, 0).unwrap();
    // "api" probes every second for a minute; "web" started one second later.
    let mut obs = probes("api", t0, 60);
    obs.extend(probes("web", t0 + Duration::seconds(1), 60));
    let r = report(&obs, None);
    for name in ["api", "web"] {
        let c = &monitor(&r, name)["coverage"];
        assert_eq!(c["expected"], 60, "{name}: {c}");
        assert_eq!(c["missing"], 0, "{name}: {c}");
        assert_eq!(c["coverage_percent"], 100.0, "{name}: {c}");
        assert!(c["gaps"].as_array().unwrap().is_empty(), "{name}: {c}");
        let s = c["statement"].as_str().unwrap();
        assert!(!s.contains("24 h"), "{s}");
        assert!(
            s.starts_with("60 probes at 1 s span 60 s, as the window (60 s)"),
            "{s}"
        );
    }
    // Reported alone, the same figures.
    let alone = report(&probes("api", t0, 60), None);
    assert_eq!(
        monitor(&alone, "api")["coverage"],
        monitor(&r, "api")["coverage"]
    );
    assert_eq!(
        monitor(&alone, "api")["uptime"]["by_time_percent"],
        monitor(&r, "api")["uptime"]["by_time_percent"]
    );
}

#[test]
fn a_given_window_applies_to_every_monitor_and_the_sentence_names_it() {
    let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 12, 0, 0).unwrap();
    let mut obs = probes("api", t0, 60);
    obs.extend(probes("web", t0 + Duration::seconds(1), 60));
    let r = report(&obs, Some((t0, t0 + Duration::seconds(120))));
    let c = &monitor(&r, "api")["coverage"];
    assert_eq!(c["expected"], 120, "{c}");
    let s = c["statement"].as_str().unwrap();
    assert!(
        s.starts_with("60 probes at 1 s span 60 s, not 2 min (2 min at 1 s would be 120 probes)"),
        "{s}"
    );
}
