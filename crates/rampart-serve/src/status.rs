//! The public status: per public monitor its current state, uptime over 24 h / 7 d / 30 d, a
//! latency series and its outages — all from rollups and monitor states, never from raw
//! observations, so the cost does not grow with history.
//!
//! Uptime follows the monitor's first uptime clause (`[[sla]]` with `uptime_percent`): its
//! maintenance windows and business hours weigh each rollup bucket by the share of the bucket
//! that counts (open and not in maintenance). 24 h is the last 24 hour buckets (the current one
//! included); 7 d and 30 d are the last 7 and 30 UTC day buckets (today included), so a page
//! reads at most 24 + 30 buckets per monitor, from the in-memory [`History`] that the rollup job
//! keeps current. Without a clause, uptime is good probes over all probes.

use crate::history::{Counts, History, MonitorHistory};
use chrono::{DateTime, Duration, Utc};
use rampart_config::{Project, SlaClauseSection};
use rampart_sla::math::calendar::Calendar;
use rampart_sla::math::exclusions::Exclusions;
use rampart_store::{Grain, Store, StoreError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Serialize)]
pub struct StatusPage {
    pub title: String,
    pub generated_at: DateTime<Utc>,
    pub monitors: Vec<MonitorStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonitorStatus {
    pub name: String,
    /// `up`, `down` or `unknown` (no probe yet).
    pub state: &'static str,
    pub since: Option<DateTime<Utc>>,
    pub last_probe: Option<DateTime<Utc>>,
    pub latency_ms: Option<f64>,
    pub uptime: Uptime,
    /// How uptime is counted: the clause's name, or "good probes / all probes".
    pub definition: String,
    pub target_percent: Option<f64>,
    /// Mean and maximum latency per hour over the last 24 h.
    pub latency: Vec<LatencyPoint>,
    /// Outages over the last 30 days, newest first.
    pub incidents: Vec<IncidentView>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Uptime {
    pub h24: Option<f64>,
    pub d7: Option<f64>,
    pub d30: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LatencyPoint {
    pub at: DateTime<Utc>,
    pub mean_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentView {
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration_s: f64,
    pub ongoing: bool,
}

/// Incidents listed per monitor.
const MAX_INCIDENTS: usize = 20;

/// The status of the given monitors (in this order) at `now`, read from the store (what a page
/// shows before the in-memory history is loaded).
pub async fn compute(
    store: &Store,
    project: &Project,
    monitors: &[String],
    now: DateTime<Utc>,
) -> Result<StatusPage, StoreError> {
    Ok(from_history(
        &History::load(store, now).await?,
        project,
        monitors,
        now,
    ))
}

/// The status of the given monitors (in this order) at `now`, from the in-memory history: no
/// database read, at most 24 + 30 buckets per monitor.
pub fn from_history(
    history: &History,
    project: &Project,
    monitors: &[String],
    now: DateTime<Utc>,
) -> StatusPage {
    let hour = Grain::Hour.bucket(now.timestamp_micros());
    let day = Grain::Day.bucket(now.timestamp_micros());
    let from_24h = hour - 23 * Grain::Hour.micros();
    let from_7d = store_time(day) - Duration::days(6);
    let from_30d = day - 29 * Grain::Day.micros();
    let end = (now + Duration::hours(1)).timestamp_micros();
    let since_30d = now - Duration::days(30);

    let clauses: HashMap<&str, &SlaClauseSection> = project
        .file
        .sla
        .iter()
        .filter(|c| c.uptime_percent.is_some())
        .rev()
        .map(|c| (c.monitor.as_str(), c))
        .collect();
    let empty = MonitorHistory::default();
    let mut out = Vec::with_capacity(monitors.len());
    for name in monitors {
        let clause = clauses.get(name.as_str()).copied();
        let h = history.monitor(name).unwrap_or(&empty);
        let buckets = |map: &BTreeMap<i64, Counts>, from: i64| -> Vec<Bucket> {
            map.range(from..end)
                .map(|(at, counts)| Bucket {
                    start: store_time(*at),
                    counts: *counts,
                })
                .collect()
        };
        let hours = buckets(&h.hours, from_24h);
        let days = buckets(&h.days, from_30d);
        let week_start = days.partition_point(|b| b.start < from_7d);
        let uptime = Uptime {
            h24: uptime(&hours, Grain::Hour, clause),
            d7: uptime(&days[week_start..], Grain::Day, clause),
            d30: uptime(&days, Grain::Day, clause),
        };
        let st = h.state;
        let incidents: Vec<IncidentView> = h
            .outages
            .iter()
            .rev()
            .filter(|o| o.ended_at.is_none_or(|e| e >= since_30d))
            .take(MAX_INCIDENTS)
            .map(|o| {
                let end = o.ended_at.unwrap_or(now);
                IncidentView {
                    started_at: o.started_at,
                    ended_at: o.ended_at,
                    duration_s: (end - o.started_at).num_milliseconds() as f64 / 1000.0,
                    ongoing: o.ended_at.is_none(),
                }
            })
            .collect();
        out.push(MonitorStatus {
            name: name.clone(),
            state: match st {
                Some(s) if s.up => "up",
                Some(_) => "down",
                None => "unknown",
            },
            since: st.map(|s| s.since),
            last_probe: st.map(|s| s.last),
            latency_ms: st.and_then(|s| s.latency_ms),
            uptime,
            definition: match clause {
                Some(c) => format!("SLA clause \"{}\"", c.name),
                None => "good probes / all probes".into(),
            },
            target_percent: clause.and_then(|c| c.uptime_percent),
            latency: hours
                .iter()
                .filter(|b| b.counts.latency_count > 0)
                .map(|b| LatencyPoint {
                    at: b.start,
                    mean_ms: b.counts.latency_sum / b.counts.latency_count as f64,
                    max_ms: b.counts.latency_max,
                })
                .collect(),
            incidents,
        });
    }
    let title = project
        .file
        .serve
        .as_ref()
        .and_then(|s| s.title.clone())
        .unwrap_or_else(|| format!("{} status", project.file.project.name));
    StatusPage {
        title,
        generated_at: now,
        monitors: out,
    }
}

/// One rollup bucket of one monitor: its start and counts.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    pub start: DateTime<Utc>,
    pub counts: Counts,
}

fn store_time(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}

/// Uptime over `buckets`: by the clause's calendar and maintenance when it has them, else good
/// probes over all probes.
fn uptime(buckets: &[Bucket], grain: Grain, clause: Option<&SlaClauseSection>) -> Option<f64> {
    match clause {
        Some(c) if c.business_hours.is_some() || !c.maintenance.is_empty() => {
            weighted_uptime(buckets, grain, c)
        }
        _ => {
            let (up, all) = buckets.iter().fold((0i64, 0i64), |(u, a), b| {
                (u + b.counts.up, a + b.counts.up + b.counts.down)
            });
            (all > 0).then(|| 100.0 * up as f64 / all as f64)
        }
    }
}

/// Uptime with each bucket weighted by the share of it the clause counts: open under its
/// business hours and outside its maintenance windows.
pub fn weighted_uptime(buckets: &[Bucket], grain: Grain, clause: &SlaClauseSection) -> Option<f64> {
    let (first, last) = (buckets.first()?, buckets.last()?);
    let len = Duration::microseconds(grain.micros());
    let calendar = clause
        .business_hours
        .as_ref()
        .and_then(Calendar::from_section)
        .unwrap_or_else(Calendar::always);
    let exclusions = Exclusions::from_sections(&clause.maintenance, first.start, last.start + len);
    let (mut up, mut all) = (0.0, 0.0);
    for b in buckets {
        let end = b.start + len;
        let open = calendar.open_duration(b.start, end) - exclusions.overlap(b.start, end);
        let w = (open.num_milliseconds().max(0) as f64) / len.num_milliseconds() as f64;
        up += w * b.counts.up as f64;
        all += w * (b.counts.up + b.counts.down) as f64;
    }
    (all > 0.0).then(|| 100.0 * up / all)
}

/// The monitors the project makes public, in the file's order.
pub fn public_monitors(project: &Project) -> Vec<String> {
    let listed: HashSet<&str> = listed_public(project).collect();
    project
        .file
        .monitors
        .iter()
        .filter(|m| listed.contains(m.name.as_str()))
        .map(|m| m.name.clone())
        .collect()
}

/// Whether `name` is a monitor of the project that it makes public (a badge's check: no list of
/// them all).
pub fn is_public(project: &Project, name: &str) -> bool {
    listed_public(project).any(|m| m == name)
        && project.file.monitors.iter().any(|m| m.name == name)
}

fn listed_public(project: &Project) -> impl Iterator<Item = &str> {
    project
        .file
        .serve
        .iter()
        .flat_map(|s| s.public_monitors.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(h: i64, up: i64, down: i64) -> Bucket {
        Bucket {
            start: DateTime::from_timestamp(h * 3600, 0).unwrap(),
            counts: Counts {
                up,
                down,
                latency_count: up,
                ..Default::default()
            },
        }
    }

    #[test]
    fn maintenance_takes_its_buckets_out_of_uptime() {
        // Hour 1 is all down but entirely in maintenance: it must not count.
        let clause = SlaClauseSection {
            name: "99%".into(),
            monitor: "api".into(),
            uptime_percent: Some(99.0),
            maintenance: vec![rampart_config::MaintenanceSection {
                start: DateTime::from_timestamp(3600, 0),
                end: DateTime::from_timestamp(7200, 0),
                ..Default::default()
            }],
            ..Default::default()
        };
        let b = [bucket(0, 60, 0), bucket(1, 0, 60), bucket(2, 30, 30)];
        let u = weighted_uptime(&b, Grain::Hour, &clause).unwrap();
        assert!((u - 75.0).abs() < 1e-9, "{u}");
        let plain = SlaClauseSection {
            maintenance: vec![],
            ..clause
        };
        let u = weighted_uptime(&b, Grain::Hour, &plain).unwrap();
        assert!((u - 50.0).abs() < 1e-9, "{u}");
    }
}
