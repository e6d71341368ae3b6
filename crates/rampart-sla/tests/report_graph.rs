//! The response-time graph: incidents are shaded (one shaded band per incident, placed over the
//! incident's time), none when there was no incident; the threshold is drawn as a line.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rampart_model::{ErrorClass, Observation, Outcome, Phases};
use rampart_sla::clause::Clause;
use rampart_sla::report::{build, graph_svg, ReportInput};
use std::collections::HashMap;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()
}

/// One probe every 10 s for an hour; down for the given minute ranges.
fn observations(down: &[(i64, i64)]) -> Vec<Observation> {
    (0..360)
        .map(|i| {
            let at = t0() + Duration::seconds(10 * i);
            let minute = i / 6;
            let is_down = down.iter().any(|(a, b)| (*a..*b).contains(&minute));
            Observation {
                monitor: "api".into(),
                agent: "local".into(),
                target: "http://127.0.0.1/".into(),
                scheduled_at: at,
                started_at: at,
                outcome: if is_down { Outcome::Down } else { Outcome::Up },
                status: (!is_down).then_some(200),
                phases: Phases {
                    total_ms: (!is_down).then_some(100.0 + (i % 7) as f64 * 60.0),
                    ..Phases::default()
                },
                error_class: is_down.then_some(ErrorClass::Refused),
                error: is_down.then(|| "connection refused".into()),
            }
        })
        .collect()
}

fn svg(obs: &[Observation]) -> (String, usize) {
    let clauses = [Clause::ad_hoc_latency(500.0, None)];
    let report = build(&ReportInput {
        observations: obs,
        clauses: &clauses,
        window: None,
        intervals: HashMap::from([("api".to_string(), 10.0)]),
        by_agent: false,
        claimed_secs: None,
        generated_at: t0() + Duration::hours(2),
        source: "test".into(),
    });
    let incidents = report.monitors[0].incidents.len();
    (graph_svg(&report, 0).expect("one monitor"), incidents)
}

/// The `<rect …>` elements that shade incidents, with their x and width.
fn shaded(svg: &str) -> Vec<(f64, f64)> {
    svg.split("<rect ")
        .skip(1)
        .filter(|r| r.contains("<title>incident "))
        .map(|r| {
            let attr = |name: &str| -> f64 {
                let key = format!("{name}=\"");
                let rest = &r[r.find(&key).unwrap() + key.len()..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            };
            (attr("x"), attr("width"))
        })
        .collect()
}

#[test]
fn incidents_are_shaded_where_they_happened() {
    let (svg, incidents) = svg(&observations(&[(10, 15), (40, 42)]));
    assert_eq!(incidents, 2);
    assert!(svg.starts_with("<svg"), "{svg}");
    let bands = shaded(&svg);
    assert_eq!(bands.len(), 2, "one shaded band per incident: {svg}");
    for (_, w) in &bands {
        assert!(*w > 0.0);
    }
    // In time order, the first about 10/60 of the way across, the second wider than 1 pixel.
    assert!(bands[0].0 < bands[1].0);
    let plot_left = 60.0;
    let plot_width = 900.0 - 60.0 - 20.0;
    let at = (bands[0].0 - plot_left) / plot_width;
    assert!((at - 10.0 / 60.0).abs() < 0.02, "first band at {at}");
    assert!(
        bands[0].1 > bands[1].1,
        "a 5-minute incident is wider than a 2-minute one"
    );
    assert!(
        svg.contains("connection refused"),
        "the cause is in the tooltip"
    );
    assert!(svg.contains("threshold 500 ms"), "{svg}");
}

#[test]
fn no_incident_no_shading() {
    let (svg, incidents) = svg(&observations(&[]));
    assert_eq!(incidents, 0);
    assert!(shaded(&svg).is_empty(), "{svg}");
    assert!(!svg.contains("class=\"rc-band\""));
}
