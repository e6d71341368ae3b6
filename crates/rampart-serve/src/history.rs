//! The history the status is computed from, kept in memory: per monitor its current state, its
//! hour buckets of the last day, its day buckets of the last 30 days and its outages of the last
//! 30 days. Loaded once from the store's rollups, then kept current by applying what each rollup
//! step folded ([`RollupChanges`]), so a status page reads no database at all and costs the same
//! with a year of history as with an hour.
//!
//! The rollup job is the only writer of rollups, and it both loads and applies (one task, in
//! order), so the in-memory copy equals the store's rows. A periodic reload from the store
//! ([`crate::status_cache`]) also bounds the drift should another process fold rollups into the
//! same database.

use chrono::{DateTime, Duration, Utc};
use rampart_store::{Grain, RollupChanges, Store, StoreError};
use std::collections::{BTreeMap, HashMap};

/// One bucket's counts: what a rollup row holds, without its monitor and time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub up: i64,
    pub down: i64,
    pub latency_count: i64,
    pub latency_sum: f64,
    pub latency_max: f64,
}

impl Counts {
    /// Adds a batch the way the store's upsert does: sums, and the larger maximum.
    fn add(&mut self, other: &Counts) {
        self.up += other.up;
        self.down += other.down;
        self.latency_count += other.latency_count;
        self.latency_sum += other.latency_sum;
        if other.latency_max > self.latency_max {
            self.latency_max = other.latency_max;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct State {
    pub up: bool,
    pub since: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub latency_ms: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub started_at: DateTime<Utc>,
    /// `None` while the monitor is still down.
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct MonitorHistory {
    pub state: Option<State>,
    /// Hour buckets by start (µs since the epoch).
    pub hours: BTreeMap<i64, Counts>,
    /// UTC day buckets by start (µs since the epoch).
    pub days: BTreeMap<i64, Counts>,
    /// Oldest first.
    pub outages: Vec<Span>,
}

/// How far back the copy reaches: a little more than the status page shows (24 h, 30 d), so a
/// page computed a moment after a prune still has every bucket of its windows.
const KEEP_HOURS: i64 = 26;
const KEEP_DAYS: i64 = 31;

#[derive(Debug, Clone, Default)]
pub struct History {
    monitors: HashMap<String, MonitorHistory>,
}

impl History {
    /// Reads the rollups, states and outages the status needs (five queries, whatever the
    /// number of monitors).
    pub async fn load(store: &Store, now: DateTime<Utc>) -> Result<History, StoreError> {
        let (from_hours, from_days, from_outages) = horizon(now);
        let to = now + Duration::days(2);
        let mut h = History::default();
        for s in store.monitor_states().await? {
            h.entry(&s.monitor).state = Some(State {
                up: s.up,
                since: s.since,
                last: s.last,
                latency_ms: s.latency_ms,
            });
        }
        for (grain, from) in [(Grain::Hour, from_hours), (Grain::Day, from_days)] {
            store
                .each_rollup(grain, from, to, |r| {
                    let counts = counts(&r);
                    let m = h.entry(&r.monitor);
                    let map = if grain == Grain::Hour {
                        &mut m.hours
                    } else {
                        &mut m.days
                    };
                    map.insert(r.bucket.timestamp_micros(), counts);
                })
                .await?;
        }
        for o in store.outages(None, from_outages).await? {
            h.entry(&o.monitor).outages.push(Span {
                started_at: o.started_at,
                ended_at: o.ended_at,
            });
        }
        Ok(h)
    }

    /// Applies what one rollup step folded, exactly as the store applied it.
    pub fn apply(&mut self, changes: &RollupChanges) {
        for (grain, r) in &changes.rollups {
            let m = self.entry(&r.monitor);
            let map = match grain {
                Grain::Hour => &mut m.hours,
                Grain::Day => &mut m.days,
                Grain::Minute => continue,
            };
            map.entry(r.bucket.timestamp_micros())
                .or_default()
                .add(&counts(r));
        }
        for s in &changes.states {
            self.entry(&s.monitor).state = Some(State {
                up: s.up,
                since: s.since,
                last: s.last,
                latency_ms: s.latency_ms,
            });
        }
        for o in &changes.outages {
            let m = self.entry(&o.monitor);
            if o.opened {
                // Kept by start time, like the store's `ORDER BY started_us`.
                let at = m.outages.partition_point(|s| s.started_at <= o.at);
                m.outages.insert(
                    at,
                    Span {
                        started_at: o.at,
                        ended_at: None,
                    },
                );
            } else {
                for s in m.outages.iter_mut().filter(|s| s.ended_at.is_none()) {
                    s.ended_at = Some(o.at);
                }
            }
        }
    }

    /// Drops buckets and outages older than any window a page shows at `now`.
    pub fn prune(&mut self, now: DateTime<Utc>) {
        let (from_hours, from_days, from_outages) = horizon(now);
        let (from_hours, from_days) = (from_hours.timestamp_micros(), from_days.timestamp_micros());
        for m in self.monitors.values_mut() {
            m.hours = m.hours.split_off(&from_hours);
            m.days = m.days.split_off(&from_days);
            m.outages
                .retain(|s| s.ended_at.is_none_or(|e| e >= from_outages));
        }
    }

    pub fn monitor(&self, name: &str) -> Option<&MonitorHistory> {
        self.monitors.get(name)
    }

    fn entry(&mut self, name: &str) -> &mut MonitorHistory {
        if !self.monitors.contains_key(name) {
            self.monitors
                .insert(name.to_string(), MonitorHistory::default());
        }
        self.monitors.get_mut(name).expect("inserted above")
    }
}

/// The oldest hour bucket, day bucket and outage end kept at `now`.
fn horizon(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>) {
    let us = now.timestamp_micros();
    let at = |b: i64| DateTime::from_timestamp_micros(b).unwrap_or_default();
    (
        at(Grain::Hour.bucket(us)) - Duration::hours(KEEP_HOURS),
        at(Grain::Day.bucket(us)) - Duration::days(KEEP_DAYS),
        now - Duration::days(KEEP_DAYS),
    )
}

fn counts(r: &rampart_store::Rollup) -> Counts {
    Counts {
        up: r.up,
        down: r.down,
        latency_count: r.latency_count,
        latency_sum: r.latency_sum,
        latency_max: r.latency_max,
    }
}
