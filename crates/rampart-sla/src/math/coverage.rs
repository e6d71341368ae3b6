//! Probe coverage: how many probes the window should hold at the interval, how many it does,
//! and where they are missing. Missing probes are "unknown", never "up".

use super::{fmt_count, fmt_secs};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A stretch without probes longer than 1.5 intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// The last probe before the gap.
    pub after: DateTime<Utc>,
    /// The first probe after it.
    pub before: DateTime<Utc>,
    pub missing_probes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub interval_secs: f64,
    /// `configured` (the monitor's interval) or `inferred` (median gap between probes).
    pub interval_source: &'static str,
    pub window_secs: f64,
    /// The window coverage is measured over (a monitor's own life unless --from/--to are given).
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    /// Expected probes = window ÷ interval.
    pub expected: u64,
    pub recorded: u64,
    pub missing: u64,
    /// Recorded ÷ expected, in percent (may exceed 100 when probes are denser than the interval).
    pub coverage_percent: f64,
    /// From the first to the last probe, plus one interval (what the probes stand for).
    pub span_secs: f64,
    pub span_hours: f64,
    /// Probes a 24 h day holds at this interval.
    pub probes_per_24h: u64,
    pub gaps: Vec<Gap>,
    /// Time inside gaps (unknown).
    pub unknown_secs: f64,
    /// One sentence for the report, e.g. "22,052 probes at 5 s span 30.6 h, not 24 h ..." (set
    /// against a claimed duration when one is given, else against the window itself).
    pub statement: String,
}

/// A span in hours with one decimal from an hour up (as the seed reports quote it), else in the
/// unit that reads best ("60 s", "5 min").
fn fmt_span(secs: f64) -> String {
    if secs >= 3_600.0 {
        format!("{:.1} h", secs / 3600.0)
    } else {
        fmt_secs(secs)
    }
}

/// The median gap between consecutive times, in seconds; `None` with fewer than two.
pub fn infer_interval(times: &[DateTime<Utc>]) -> Option<f64> {
    let mut gaps: Vec<f64> = times
        .windows(2)
        .map(|w| (w[1] - w[0]).num_milliseconds() as f64 / 1000.0)
        .filter(|g| *g > 0.0)
        .collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_by(f64::total_cmp);
    Some(gaps[gaps.len() / 2])
}

/// Coverage of sorted probe times over `[from, to)` at `interval_secs`. `claimed_secs` is the
/// duration someone says the data covers (e.g. "24 hours"); the statement confirms or refutes it.
pub fn coverage(
    times: &[DateTime<Utc>],
    interval_secs: f64,
    interval_source: &'static str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    claimed_secs: Option<f64>,
) -> Coverage {
    let interval = interval_secs.max(1e-3);
    let window_secs = ((to - from).num_milliseconds() as f64 / 1000.0).max(0.0);
    let expected = (window_secs / interval).round() as u64;
    let recorded = times.len() as u64;
    let span_secs = match (times.first(), times.last()) {
        (Some(a), Some(b)) => (*b - *a).num_milliseconds() as f64 / 1000.0 + interval,
        _ => 0.0,
    };
    let mut gaps = Vec::new();
    let mut unknown = 0.0;
    // Before the first probe and after the last one, inside the window, is unknown too.
    if let Some(first) = times.first() {
        let lead = (*first - from).num_milliseconds() as f64 / 1000.0;
        if lead > 1.5 * interval {
            unknown += lead;
        }
    }
    if let Some(last) = times.last() {
        let tail = (to - *last).num_milliseconds() as f64 / 1000.0 - interval;
        if tail > 0.5 * interval {
            unknown += tail;
        }
    }
    for w in times.windows(2) {
        let g = (w[1] - w[0]).num_milliseconds() as f64 / 1000.0;
        if g > 1.5 * interval {
            let missing = (g / interval).round() as u64 - 1;
            unknown += g - interval;
            gaps.push(Gap {
                after: w[0],
                before: w[1],
                missing_probes: missing,
            });
        }
    }
    let probes_per_24h = (86_400.0 / interval).round() as u64;
    let mut statement = format!(
        "{} probes at {} span {}",
        fmt_count(recorded),
        fmt_secs(interval),
        fmt_span(span_secs)
    );
    // Set the span against what was asked: a claimed duration, else the window itself (a
    // one-minute demo is not "not 24 h").
    let (asked, what) = match claimed_secs {
        Some(c) => (c, "claimed"),
        None => (window_secs, "the window"),
    };
    let asked_probes = (asked / interval).round() as u64;
    if (span_secs - asked).abs() <= interval {
        statement.push_str(&format!(", as {what} ({})", fmt_secs(asked)));
    } else {
        statement.push_str(&format!(
            ", not {} ({} at {} would be {} probes)",
            fmt_secs(asked),
            fmt_secs(asked),
            fmt_secs(interval),
            fmt_count(asked_probes)
        ));
    }
    statement.push_str(&format!(
        "; the window of {} expects {}, {} recorded",
        fmt_secs(window_secs),
        fmt_count(expected),
        fmt_count(recorded)
    ));
    if !gaps.is_empty() {
        statement.push_str(&format!(
            "; {} gap(s), {} unknown",
            gaps.len(),
            fmt_secs(unknown)
        ));
    }
    Coverage {
        interval_secs: interval,
        interval_source,
        window_secs,
        window_start: from,
        window_end: to,
        expected,
        recorded,
        missing: expected.saturating_sub(recorded),
        coverage_percent: if expected == 0 {
            0.0
        } else {
            recorded as f64 * 100.0 / expected as f64
        },
        span_secs,
        span_hours: span_secs / 3600.0,
        probes_per_24h,
        gaps,
        unknown_secs: unknown,
        statement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn gaps_and_expected_counts() {
        let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let mut times: Vec<_> = (0..10).map(|i| t0 + Duration::seconds(5 * i)).collect();
        times.extend((14..20).map(|i| t0 + Duration::seconds(5 * i)));
        assert_eq!(infer_interval(&times), Some(5.0));
        let c = coverage(
            &times,
            5.0,
            "inferred",
            t0,
            t0 + Duration::seconds(100),
            None,
        );
        assert_eq!(c.expected, 20);
        assert_eq!(c.recorded, 16);
        assert_eq!(c.missing, 4);
        assert_eq!(c.gaps.len(), 1);
        assert_eq!(c.gaps[0].missing_probes, 4);
        assert_eq!(c.unknown_secs, 20.0);
    }

    #[test]
    fn the_sentence_compares_with_the_window_not_24_hours() {
        let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let times: Vec<_> = (0..60).map(|i| t0 + Duration::seconds(i)).collect();
        let c = coverage(
            &times,
            1.0,
            "configured",
            t0,
            t0 + Duration::seconds(60),
            None,
        );
        assert_eq!(
            c.statement,
            "60 probes at 1 s span 60 s, as the window (60 s); the window of 60 s expects 60, 60 recorded"
        );
        assert!(!c.statement.contains("24 h"));
        // A window of 2 min holding one minute of probes says so.
        let c = coverage(
            &times,
            1.0,
            "configured",
            t0,
            t0 + Duration::seconds(120),
            None,
        );
        assert!(
            c.statement.starts_with(
                "60 probes at 1 s span 60 s, not 2 min (2 min at 1 s would be 120 probes)"
            ),
            "{}",
            c.statement
        );
        // A claim is still checked against the span.
        let c = coverage(
            &times,
            1.0,
            "configured",
            t0,
            t0 + Duration::seconds(60),
            Some(86_400.0),
        );
        assert!(
            c.statement
                .contains(", not 24 h (24 h at 1 s would be 86,400 probes)"),
            "{}",
            c.statement
        );
    }
}
