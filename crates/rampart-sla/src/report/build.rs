//! Builds an [`SlaReport`] from observations and clauses. Pure: the window, the time of the
//! report and the configured intervals are inputs.

use super::clauses::evaluate;
use super::model::*;
use crate::clause::Clause;
use crate::math::coverage::{coverage, infer_interval};
use crate::math::exclusions::Exclusions;
use crate::math::incidents::{outages, reliability};
use crate::math::latency::Sorted;
use crate::math::round;
use crate::math::timeline::{segments, split};
use chrono::{DateTime, Duration, Utc};
use rampart_config::LatencyMeasure;
use rampart_model::{Observation, Outcome};
use std::collections::{BTreeMap, HashMap};

/// Everything a report is computed from.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    pub observations: &'a [Observation],
    pub clauses: &'a [Clause],
    /// `--from`/`--to`; default: the data's extent.
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Configured probe interval per monitor, in seconds (else inferred from the data).
    pub intervals: HashMap<String, f64>,
    /// One section per (monitor, agent) instead of per monitor.
    pub by_agent: bool,
    /// A duration someone claims the data covers (e.g. 24 h); coverage confirms or refutes it.
    pub claimed_secs: Option<f64>,
    pub generated_at: DateTime<Utc>,
    pub source: String,
}

/// Reads one phase of an observation.
type PhaseFn = fn(&Observation) -> Option<f64>;

/// Probes later than this are flagged: the prober was behind.
pub const LATE_MS: f64 = 100.0;

pub(crate) struct Group<'a> {
    pub monitor: String,
    pub agent: String,
    pub obs: Vec<&'a Observation>,
    pub interval_secs: f64,
    pub interval_source: &'static str,
}

fn secs(d: Duration) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}

pub(crate) fn measure_of(o: &Observation, m: LatencyMeasure) -> Option<f64> {
    // Latency counts only probes that got an answer and passed: a timeout's "latency" is the
    // timeout, and a refused connect's is the refusal, neither is the service's response time.
    if o.outcome != Outcome::Up {
        return None;
    }
    match m {
        LatencyMeasure::Total => o.phases.total_ms,
        LatencyMeasure::Ttfb => o.phases.ttfb_ms,
    }
}

pub fn build(input: &ReportInput<'_>) -> SlaReport {
    // Group by monitor (and agent), each sorted by start time.
    let mut groups: BTreeMap<(String, String), Vec<&Observation>> = BTreeMap::new();
    for o in input.observations {
        let agent = if input.by_agent {
            o.agent.clone()
        } else {
            "all".to_string()
        };
        groups
            .entry((o.monitor.clone(), agent))
            .or_default()
            .push(o);
    }
    let mut groups: Vec<Group<'_>> = groups
        .into_iter()
        .map(|((monitor, agent), mut obs)| {
            obs.sort_by_key(|o| o.started_at);
            let times: Vec<_> = obs.iter().map(|o| o.scheduled_at).collect();
            let (interval_secs, interval_source) = match input.intervals.get(&monitor) {
                Some(i) => (*i, "configured"),
                None => (
                    infer_interval(&times).unwrap_or(1.0),
                    "inferred (median gap)",
                ),
            };
            Group {
                monitor,
                agent,
                obs,
                interval_secs,
                interval_source,
            }
        })
        .collect();
    groups.retain(|g| !g.obs.is_empty());

    let (from, to, window_from) = match input.window {
        Some((f, t)) => (f, t, "given"),
        None => {
            let start = groups
                .iter()
                .filter_map(|g| g.obs.first().map(|o| o.scheduled_at))
                .min();
            let end = groups
                .iter()
                .filter_map(|g| {
                    g.obs.last().map(|o| {
                        o.scheduled_at + Duration::milliseconds((g.interval_secs * 1000.0) as i64)
                    })
                })
                .max();
            let now = input.generated_at;
            (start.unwrap_or(now), end.unwrap_or(now), "data")
        }
    };
    // Keep only probes inside the window.
    for g in &mut groups {
        g.obs
            .retain(|o| o.scheduled_at >= from && o.scheduled_at < to);
    }

    let mut monitors = Vec::new();
    let mut results = Vec::new();
    for g in &groups {
        // Monitor-level figures use the maintenance of the clauses on this monitor.
        let maint: Vec<_> = input
            .clauses
            .iter()
            .filter(|c| c.applies_to(&g.monitor))
            .flat_map(|c| c.maintenance.iter().cloned())
            .collect();
        let exclusions = Exclusions::from_sections(&maint, from, to);
        let threshold = input.clauses.iter().find_map(|c| match c.obligation {
            crate::clause::Obligation::Latency { threshold_ms, .. } if c.applies_to(&g.monitor) => {
                Some(threshold_ms)
            }
            _ => None,
        });
        // MTTR in business hours too, with the first business-hours calendar on this monitor.
        let calendar = input
            .clauses
            .iter()
            .filter(|c| c.applies_to(&g.monitor))
            .find_map(|c| c.calendar.as_ref());
        // Coverage and time are measured over the monitor's own life when the window comes from
        // the data: a monitor that started a second after another is not missing a probe. A
        // window given with --from/--to applies to every monitor as given.
        let (mfrom, mto) = if window_from == "data" {
            monitor_window(g).unwrap_or((from, to))
        } else {
            (from, to)
        };
        monitors.push(monitor_report(
            g,
            mfrom,
            mto,
            &exclusions,
            threshold,
            input.claimed_secs,
            calendar,
        ));
        for c in input.clauses.iter().filter(|c| c.applies_to(&g.monitor)) {
            results.push(evaluate(c, g, from, to));
        }
    }
    // A configured clause whose monitor has no data still gets a line.
    for c in input.clauses {
        if let Some(m) = &c.monitor {
            if !groups.iter().any(|g| &g.monitor == m) {
                results.push(super::clauses::no_data(c, m));
            }
        }
    }
    SlaReport {
        generated_at: input.generated_at,
        source: input.source.clone(),
        window: Window {
            start: from,
            end: to,
            hours: round(secs(to - from) / 3600.0, 2),
            from: window_from,
        },
        monitors,
        clauses: results,
        definitions: definitions(),
    }
}

/// From a monitor's first probe to its last probe plus one interval.
fn monitor_window(g: &Group<'_>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = g.obs.iter().map(|o| o.scheduled_at).min()?;
    let last = g.obs.iter().map(|o| o.scheduled_at).max()?;
    Some((
        first,
        last + Duration::milliseconds((g.interval_secs * 1000.0) as i64),
    ))
}

fn definitions() -> Vec<String> {
    vec![
        "Uptime by probes = good probes ÷ probes taken (probes in maintenance left out).".into(),
        "Uptime by time = up time ÷ (up + down time); downtime runs from the first failed probe to \
         the first good one; a good probe stands for one interval; missing probes are unknown, \
         never up (worst case counts them as down)."
            .into(),
        "Coverage = probes recorded ÷ probes the window holds at the interval. Without --from/--to \
         each monitor's window runs from its own first probe to its last (plus one interval); \
         with them, every monitor is measured over the window given."
            .into(),
        "Latency = time from the start of the probe (connect) to the last byte, over probes that \
         got a passing answer; failed and timed-out probes are left out and counted separately."
            .into(),
        "Percentiles are exact: nearest rank over the sorted values (no interpolation, no \
         histogram buckets). \"Above\" means strictly above: a value equal to the threshold is \
         within it."
            .into(),
        "An incident is a run of consecutive failed probes: start = first failed probe, end = first \
         good probe after it. Every failure counts (no alerting threshold)."
            .into(),
    ]
}

fn monitor_report(
    g: &Group<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    exclusions: &Exclusions,
    threshold_ms: Option<f64>,
    claimed_secs: Option<f64>,
    calendar: Option<&crate::math::calendar::Calendar>,
) -> MonitorReport {
    let interval = Duration::milliseconds((g.interval_secs * 1000.0) as i64);
    let counted: Vec<&Observation> = g
        .obs
        .iter()
        .copied()
        .filter(|o| !exclusions.contains(o.started_at))
        .collect();
    let up = counted.iter().filter(|o| o.outcome == Outcome::Up).count() as u64;
    let probes = counted.len() as u64;
    let times: Vec<_> = g.obs.iter().map(|o| o.scheduled_at).collect();
    let cov = coverage(
        &times,
        g.interval_secs,
        g.interval_source,
        from,
        to,
        claimed_secs,
    );
    let points: Vec<_> = counted.iter().map(|o| (o.started_at, o.outcome)).collect();
    let segs = segments(&points, interval, from, to);
    let time = split(&segs, exclusions, None);
    let owned: Vec<Observation> = counted.iter().map(|o| (*o).clone()).collect();
    let incidents = outages(&owned, &Exclusions::none());
    // MTTR in business hours too, with the calendar of the monitor's first business-hours clause.
    let rel = reliability(&incidents, time.up_secs, calendar);

    let lat = Sorted::new(
        counted
            .iter()
            .filter_map(|o| measure_of(o, LatencyMeasure::Total))
            .collect(),
    );
    let mut phases = BTreeMap::new();
    let phase_fns: [(&str, PhaseFn); 5] = [
        ("dns", |o| o.phases.dns_ms),
        ("connect", |o| o.phases.connect_ms),
        ("tls", |o| o.phases.tls_ms),
        ("ttfb", |o| o.phases.ttfb_ms),
        ("total", |o| o.phases.total_ms),
    ];
    for (name, f) in phase_fns {
        let s = Sorted::new(
            counted
                .iter()
                .filter(|o| o.outcome == Outcome::Up)
                .filter_map(|o| f(o))
                .collect(),
        );
        if let Some(st) = s.stats() {
            phases.insert(name.to_string(), rounded(st));
        }
    }
    let n = lat.len() as f64;
    let above = threshold_ms.map(|t| lat.above(t));
    let latency = LatencySection {
        measure: "total".into(),
        included: lat.len() as u64,
        left_out: probes - lat.len() as u64,
        stats: lat.stats().map(rounded),
        threshold_ms,
        above,
        above_percent: above
            .filter(|_| n > 0.0)
            .map(|a| round(a as f64 * 100.0 / n, 2)),
        at_threshold: threshold_ms.map(|t| lat.at(t)),
        within_percent: above
            .filter(|_| n > 0.0)
            .map(|a| round(100.0 - a as f64 * 100.0 / n, 2)),
        phases,
    };
    let lateness = Sorted::new(g.obs.iter().map(|o| o.lateness_ms()).collect());
    MonitorReport {
        monitor: g.monitor.clone(),
        agent: g.agent.clone(),
        target: g.obs.first().map(|o| o.target.clone()).unwrap_or_default(),
        probes,
        up,
        failed: probes - up,
        excluded: g.obs.len() as u64 - probes,
        coverage: cov,
        uptime: Uptime {
            by_probes_percent: (probes > 0).then(|| round(up as f64 * 100.0 / probes as f64, 4)),
            by_time_percent: time.known_percent().map(|p| round(p, 4)),
            worst_case_percent: time.worst_case_percent().map(|p| round(p, 4)),
            time,
            formula_by_probes: "good probes ÷ probes taken".into(),
            formula_by_time: "up time ÷ (up + down time); unknown time (missing probes) left out, \
                              or counted as down in the worst case"
                .into(),
        },
        incidents,
        reliability: rel,
        latency,
        late_probes: lateness.above(LATE_MS),
        lateness: lateness.stats().map(rounded),
        series: counted
            .iter()
            .map(|o| (o.started_at, o.phases.total_ms, o.outcome))
            .collect(),
    }
}

pub(crate) fn rounded(
    mut s: crate::math::latency::LatencyStats,
) -> crate::math::latency::LatencyStats {
    for v in [
        &mut s.mean_ms,
        &mut s.min_ms,
        &mut s.p50_ms,
        &mut s.p90_ms,
        &mut s.p95_ms,
        &mut s.p98_ms,
        &mut s.p99_ms,
        &mut s.max_ms,
    ] {
        *v = round(*v, 3);
    }
    s
}
