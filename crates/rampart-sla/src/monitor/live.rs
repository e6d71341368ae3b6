//! The live view's state: per monitor, the current status, counts and recent latency
//! percentiles. The CLI draws it; the library only keeps it up to date.

use crate::math::latency::Sorted;
use rampart_model::{Observation, Outcome};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

/// Latencies kept per monitor for the live percentiles.
const RECENT: usize = 1_000;

#[derive(Debug, Default)]
struct Entry {
    target: String,
    last: Option<Outcome>,
    last_error: Option<String>,
    up: u64,
    down: u64,
    skipped: u64,
    recent: VecDeque<f64>,
    max_lateness_ms: f64,
}

/// One line of the live view.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveRow {
    pub monitor: String,
    pub target: String,
    pub status: &'static str,
    pub last_error: Option<String>,
    pub up: u64,
    pub down: u64,
    pub skipped: u64,
    /// Over the last 1,000 answered probes.
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_lateness_ms: f64,
}

/// Shared by the probe tasks (writers) and the view (reader). A std mutex: it is never held
/// across an `.await`.
#[derive(Debug, Default)]
pub struct Live {
    entries: Mutex<BTreeMap<String, Entry>>,
    store_errors: Mutex<(u64, Option<String>)>,
}

impl Live {
    pub fn observe(&self, o: &Observation) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = map.entry(o.monitor.clone()).or_default();
        if e.target.is_empty() {
            e.target = o.target.clone();
        }
        e.last = Some(o.outcome);
        match o.outcome {
            Outcome::Up => {
                e.up += 1;
                e.last_error = None;
                if let Some(l) = o.phases.total_ms {
                    if e.recent.len() == RECENT {
                        e.recent.pop_front();
                    }
                    e.recent.push_back(l);
                }
            }
            Outcome::Down => {
                e.down += 1;
                e.last_error = o.error.clone();
            }
        }
        e.max_lateness_ms = e.max_lateness_ms.max(o.lateness_ms());
    }

    pub fn skipped(&self, monitor: &str, n: u64) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(monitor.to_string()).or_default().skipped += n;
    }

    pub fn store_error(&self, e: String) {
        let mut s = self.store_errors.lock().unwrap_or_else(|p| p.into_inner());
        s.0 += 1;
        s.1 = Some(e);
    }

    /// Failed batch writes so far and the last error.
    pub fn store_errors(&self) -> (u64, Option<String>) {
        self.store_errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn snapshot(&self) -> Vec<LiveRow> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.iter()
            .map(|(name, e)| {
                let s = Sorted::new(e.recent.iter().copied().collect());
                LiveRow {
                    monitor: name.clone(),
                    target: e.target.clone(),
                    status: match e.last {
                        Some(Outcome::Up) => "UP",
                        Some(Outcome::Down) => "DOWN",
                        None => "…",
                    },
                    last_error: e.last_error.clone(),
                    up: e.up,
                    down: e.down,
                    skipped: e.skipped,
                    p50_ms: s.percentile(50.0),
                    p95_ms: s.percentile(95.0),
                    p99_ms: s.percentile(99.0),
                    max_lateness_ms: e.max_lateness_ms,
                }
            })
            .collect()
    }
}
