//! Availability by time: the window cut into up, down and unknown stretches from the probes.
//!
//! Each probe stands for the time until the next one. A failed probe's stretch is down until the
//! first good probe (downtime runs from the first failed probe to the first good one). A good
//! probe stands for one interval; past 1.5 intervals without a probe the rest is unknown, never
//! up. Maintenance is cut out of every stretch before counting.

use super::calendar::Calendar;
use super::exclusions::Exclusions;
use chrono::{DateTime, Duration, Utc};
use rampart_model::Outcome;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Up,
    Down,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub state: State,
}

/// Time in each state, in seconds, after exclusions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TimeSplit {
    pub up_secs: f64,
    pub down_secs: f64,
    pub unknown_secs: f64,
    pub excluded_secs: f64,
}

impl TimeSplit {
    /// (up) ÷ (up + down): availability over the time that is known.
    pub fn known_percent(&self) -> Option<f64> {
        let known = self.up_secs + self.down_secs;
        (known > 0.0).then(|| self.up_secs * 100.0 / known)
    }

    /// (up) ÷ (up + down + unknown): unknown time counted as down (the lower bound).
    pub fn worst_case_percent(&self) -> Option<f64> {
        let all = self.up_secs + self.down_secs + self.unknown_secs;
        (all > 0.0).then(|| self.up_secs * 100.0 / all)
    }
}

/// Builds segments over `[from, to)` from probes sorted by time (`(at, outcome)`).
pub fn segments(
    probes: &[(DateTime<Utc>, Outcome)],
    interval: Duration,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut push = |start: DateTime<Utc>, end: DateTime<Utc>, state: State| {
        let (s, e) = (start.max(from), end.min(to));
        if s < e {
            out.push(Segment {
                start: s,
                end: e,
                state,
            });
        }
    };
    let first = match probes.first() {
        Some(p) => p.0,
        None => {
            push(from, to, State::Unknown);
            return out;
        }
    };
    push(from, first, State::Unknown);
    let slack = interval + interval / 2;
    for (i, (at, outcome)) in probes.iter().enumerate() {
        let next = probes.get(i + 1).map(|p| p.0);
        match (outcome, next) {
            (Outcome::Down, Some(n)) => push(*at, n, State::Down),
            (Outcome::Up, Some(n)) if n - *at <= slack => push(*at, n, State::Up),
            (Outcome::Up, Some(n)) => {
                push(*at, *at + interval, State::Up);
                push(*at + interval, n, State::Unknown);
            }
            (o, None) => {
                let state = if *o == Outcome::Up {
                    State::Up
                } else {
                    State::Down
                };
                push(*at, *at + interval, state);
                push(*at + interval, to, State::Unknown);
            }
        }
    }
    out
}

fn secs(d: Duration) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}

/// Adds up the segments, cutting out exclusions, and — with a calendar — counting only the
/// calendar's open time (business-hours availability).
pub fn split(
    segments: &[Segment],
    exclusions: &Exclusions,
    calendar: Option<&Calendar>,
) -> TimeSplit {
    let mut t = TimeSplit::default();
    for seg in segments {
        let pieces = match calendar {
            Some(c) => c.open_intervals(seg.start, seg.end),
            None => vec![(seg.start, seg.end)],
        };
        for (s, e) in pieces {
            let excluded = secs(exclusions.overlap(s, e));
            let counted = secs(e - s) - excluded;
            t.excluded_secs += excluded;
            match seg.state {
                State::Up => t.up_secs += counted,
                State::Down => t.down_secs += counted,
                State::Unknown => t.unknown_secs += counted,
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn downtime_runs_from_first_failure_to_first_success_and_gaps_are_unknown() {
        let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let s = |i: i64| t0 + Duration::seconds(i);
        let probes = vec![
            (s(0), Outcome::Up),
            (s(10), Outcome::Down),
            (s(20), Outcome::Down),
            (s(30), Outcome::Up),
            (s(40), Outcome::Up),
            // 40 → 80: one interval up, 30 s unknown.
            (s(80), Outcome::Up),
        ];
        let segs = segments(&probes, Duration::seconds(10), t0, s(90));
        let t = split(&segs, &Exclusions::none(), None);
        assert_eq!(t.down_secs, 20.0);
        assert_eq!(t.unknown_secs, 30.0);
        assert_eq!(t.up_secs, 40.0);
        // Maintenance over the outage removes it from the math.
        let ex = Exclusions::from_intervals(vec![(s(10), s(30))]);
        let t = split(&segs, &ex, None);
        assert_eq!((t.down_secs, t.excluded_secs), (0.0, 20.0));
    }
}
