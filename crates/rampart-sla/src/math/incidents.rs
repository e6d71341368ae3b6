//! Incidents: runs of consecutive failed probes. Every failure counts (no "3 failures before
//! alerting" threshold: that is for paging, not for the SLA math).

use super::calendar::Calendar;
use super::exclusions::Exclusions;
use chrono::{DateTime, Duration, Utc};
use rampart_model::{Observation, Outcome};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outage {
    /// Start of the first failed probe.
    pub start: DateTime<Utc>,
    /// Start of the first good probe after the run; `None` while still down at the window's end.
    pub end: Option<DateTime<Utc>>,
    /// Wall-clock duration, `end − start`.
    pub duration_secs: Option<f64>,
    pub failed_probes: u64,
    /// The most frequent failure of the run, e.g. `refused: connection refused: 127.0.0.1:8080`.
    pub cause: String,
    /// The last failed probe (the outage ended between it and `end`).
    pub last_failure: DateTime<Utc>,
}

fn secs(d: Duration) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}

fn cause_of(o: &Observation) -> String {
    let class = o.error_class.map(|c| c.as_str()).unwrap_or("failed");
    match &o.error {
        Some(e) => format!("{class}: {e}"),
        None => match o.status {
            Some(s) => format!("{class}: status {s}"),
            None => class.to_string(),
        },
    }
}

/// Finds the incidents in observations sorted by `started_at`. Probes inside maintenance are
/// skipped: they neither open nor close an incident.
pub fn outages(obs: &[Observation], exclusions: &Exclusions) -> Vec<Outage> {
    let mut out = Vec::new();
    let mut open: Option<(Outage, BTreeMap<String, u64>)> = None;
    for o in obs {
        if exclusions.contains(o.started_at) {
            continue;
        }
        match (o.outcome, open.as_mut()) {
            (Outcome::Down, None) => {
                let mut causes = BTreeMap::new();
                causes.insert(cause_of(o), 1);
                open = Some((
                    Outage {
                        start: o.started_at,
                        end: None,
                        duration_secs: None,
                        failed_probes: 1,
                        cause: String::new(),
                        last_failure: o.started_at,
                    },
                    causes,
                ));
            }
            (Outcome::Down, Some((inc, causes))) => {
                inc.failed_probes += 1;
                inc.last_failure = o.started_at;
                *causes.entry(cause_of(o)).or_default() += 1;
            }
            (Outcome::Up, Some(_)) => {
                let (mut inc, causes) = open.take().expect("matched Some");
                inc.end = Some(o.started_at);
                inc.duration_secs = Some(secs(o.started_at - inc.start));
                inc.cause = top(&causes);
                out.push(inc);
            }
            (Outcome::Up, None) => {}
        }
    }
    if let Some((mut inc, causes)) = open {
        inc.cause = top(&causes);
        out.push(inc);
    }
    out
}

fn top(causes: &BTreeMap<String, u64>) -> String {
    causes
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(c, _)| c.clone())
        .unwrap_or_default()
}

/// Mean time to restore and between failures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reliability {
    pub incidents: u64,
    /// Closed incidents only (an open one has no restore time yet).
    pub resolved: u64,
    /// Mean of (first good probe − first failed probe) over resolved incidents: mean time to
    /// *restore* as seen from outside.
    pub mttr_secs: Option<f64>,
    /// The same, counting only business-hours time (when a calendar is given).
    pub mttr_business_secs: Option<f64>,
    pub longest_secs: Option<f64>,
    /// Up time ÷ number of incidents (mean time between failures).
    pub mtbf_secs: Option<f64>,
    pub formula: String,
}

pub fn reliability(outages: &[Outage], up_secs: f64, calendar: Option<&Calendar>) -> Reliability {
    let resolved: Vec<&Outage> = outages.iter().filter(|o| o.end.is_some()).collect();
    let durations: Vec<f64> = resolved.iter().filter_map(|o| o.duration_secs).collect();
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let business: Vec<f64> = match calendar {
        Some(c) => resolved
            .iter()
            .map(|o| secs(c.open_duration(o.start, o.end.expect("resolved"))))
            .collect(),
        None => Vec::new(),
    };
    Reliability {
        incidents: outages.len() as u64,
        resolved: resolved.len() as u64,
        mttr_secs: mean(&durations),
        mttr_business_secs: mean(&business),
        longest_secs: durations.iter().cloned().reduce(f64::max),
        mtbf_secs: (!outages.is_empty()).then(|| up_secs / outages.len() as f64),
        formula: "MTTR = mean over resolved incidents of (first good probe − first failed probe), \
                  i.e. time to restore as seen from outside; MTBF = up time ÷ incidents"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rampart_model::{ErrorClass, Phases};

    fn obs(at: DateTime<Utc>, up: bool) -> Observation {
        Observation {
            monitor: "m".into(),
            agent: "a".into(),
            target: "t".into(),
            scheduled_at: at,
            started_at: at,
            outcome: if up { Outcome::Up } else { Outcome::Down },
            status: up.then_some(200),
            phases: Phases::default(),
            error_class: (!up).then_some(ErrorClass::Refused),
            error: (!up).then(|| "connection refused".to_string()),
        }
    }

    #[test]
    fn consecutive_failures_make_one_incident() {
        let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let ups = [true, false, false, true, true, false, true, false];
        let v: Vec<_> = ups
            .iter()
            .enumerate()
            .map(|(i, u)| obs(t0 + Duration::seconds(i as i64), *u))
            .collect();
        let inc = outages(&v, &Exclusions::none());
        assert_eq!(inc.len(), 3);
        assert_eq!(inc[0].failed_probes, 2);
        assert_eq!(inc[0].duration_secs, Some(2.0));
        assert_eq!(inc[0].cause, "refused: connection refused");
        assert_eq!(inc[2].end, None);
        let r = reliability(&inc, 4.0, None);
        assert_eq!(r.mttr_secs, Some(1.5));
        assert_eq!(r.resolved, 2);
    }
}
