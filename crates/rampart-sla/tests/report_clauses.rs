//! Clause verdicts on hand-made observations: business-hours deadlines across a weekend,
//! restore vs respond, MTTR read two ways, maintenance excluded, uptime budget.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rampart_config::load_str;
use rampart_model::{ErrorClass, Observation, Outcome, Phases};
use rampart_sla::clause::Clause;
use rampart_sla::report::{build, ReportInput, Verdict};
use std::collections::HashMap;
use std::path::Path;

fn t(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, d, h, m, 0).unwrap()
}

/// One probe a minute from Friday 8 March 00:00 to Tuesday 12 March 00:00 (UTC); down during
/// Fri 16:50 → Mon 08:10 (Copenhagen 17:50 → 09:10) and Mon 10:00 → 10:45.
fn observations() -> Vec<Observation> {
    let down = [(t(8, 16, 50), t(11, 8, 10)), (t(11, 10, 0), t(11, 10, 45))];
    let mut v = Vec::new();
    let mut at = t(8, 0, 0);
    while at < t(12, 0, 0) {
        let is_down = down.iter().any(|(s, e)| at >= *s && at < *e);
        v.push(Observation {
            monitor: "api".into(),
            agent: "local".into(),
            target: "http://127.0.0.1/".into(),
            scheduled_at: at,
            started_at: at,
            outcome: if is_down { Outcome::Down } else { Outcome::Up },
            status: (!is_down).then_some(200),
            phases: Phases {
                total_ms: (!is_down).then_some(100.0),
                ..Phases::default()
            },
            error_class: is_down.then_some(ErrorClass::Refused),
            error: is_down.then(|| "connection refused".into()),
        });
        at += Duration::minutes(1);
    }
    v
}

const PROJECT: &str = r#"
[project]
name = "t"
[[monitors]]
name = "api"
url = "http://127.0.0.1/"
interval = "1m"
[[sla]]
name = "restore in 30 min (business hours)"
monitor = "api"
restore_within = "30m"
business_hours = { zone = "Europe/Copenhagen", days = ["mon", "tue", "wed", "thu", "fri"], hours = "09:00-18:00" }
[[sla]]
name = "respond in 30 min (business hours)"
monitor = "api"
respond_within = "30m"
business_hours = { zone = "Europe/Copenhagen", hours = "09:00-18:00" }
[[sla]]
name = "MTTR 40 min"
monitor = "api"
mttr = "40m"
business_hours = { zone = "Europe/Copenhagen", hours = "09:00-18:00" }
[[sla]]
name = "99.5 % in the window, Monday's outage in maintenance"
monitor = "api"
uptime_percent = 99.5
per = "window"
maintenance = [{ start = "2024-03-11T10:00:00Z", end = "2024-03-11T11:00:00Z" }]
"#;

#[test]
fn business_hours_weekend_deadline_mttr_and_maintenance() {
    let pf = load_str(PROJECT, Path::new("rampart.toml")).unwrap();
    let clauses: Vec<Clause> = pf.sla.iter().filter_map(Clause::from_section).collect();
    assert_eq!(clauses.len(), 4);
    let obs = observations();
    let r = build(&ReportInput {
        observations: &obs,
        clauses: &clauses,
        window: Some((t(8, 0, 0), t(12, 0, 0))),
        intervals: HashMap::from([("api".to_string(), 60.0)]),
        by_agent: false,
        claimed_secs: None,
        generated_at: t(12, 0, 0),
        source: "test".into(),
    });
    let m = &r.monitors[0];
    // Monitor-level figures leave out the maintenance declared on the monitor's clauses.
    assert_eq!(m.incidents.len(), 1);
    assert_eq!(m.excluded, 60);
    assert_eq!(m.coverage.expected, 4 * 24 * 60);
    assert_eq!(m.coverage.missing, 0);

    let restore = &r.clauses[0];
    assert_eq!(restore.verdict, Verdict::Breached);
    let first = &restore.incidents[0];
    // Friday 17:50 local + 30 min of business time = Monday 09:20 local = 08:20 UTC.
    assert_eq!(first.deadline, Some(t(11, 8, 20)));
    assert_eq!(first.restored_in_time, Some(true));
    assert_eq!(first.restore_business_secs, Some(20.0 * 60.0));
    assert_eq!(
        restore.incidents[1].restored_in_time,
        Some(false),
        "45 min on Monday morning"
    );

    let respond = &r.clauses[1];
    assert_eq!(respond.verdict, Verdict::NotVerifiable);
    assert_eq!(respond.incidents.len(), 2);

    let mttr = &r.clauses[2];
    assert!(mttr.ambiguous);
    // Business-hours restore times: 20 and 45 min → mean 32.5 min (met), longest 45 (breached).
    assert_eq!(mttr.verdict, Verdict::Ambiguous);
    let mean = mttr.readings.iter().find(|x| x.reading == "mean").unwrap();
    assert_eq!(mean.value_ms, Some(32.5 * 60_000.0));
    assert_eq!(mean.verdict, Verdict::Met);

    let up = &r.clauses[3];
    // Downtime: Fri 16:50 → Mon 08:10 = 63 h 20 min, far over 0.5 % of 4 days; Monday's
    // 45 min are excluded as maintenance.
    assert_eq!(up.verdict, Verdict::Breached);
    let p = &up.periods[0];
    assert_eq!(p.time.down_secs, (63.0 * 60.0 + 20.0) * 60.0);
    assert_eq!(p.time.excluded_secs, 3600.0);
    assert!(p.budget.left_percent < 0.0);
    // A whole hour of failures: 100 % errors against a 0.5 % budget.
    assert_eq!(p.max_burn_1h, Some(200.0));
    // The monitor's MTTR in business hours uses the clauses' calendar: 20 min (Fri + Mon).
    assert_eq!(m.reliability.mttr_business_secs, Some(1200.0));
    assert!(up.exclusions.iter().any(|e| e.contains("maintenance")));
}
