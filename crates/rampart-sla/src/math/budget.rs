//! Error budget and burn rate (Google SRE): budget = 1 − SLO over the clause's period;
//! burn rate = observed error rate ÷ (1 − SLO), 1 meaning the budget runs out exactly at the
//! period's end.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rampart_config::SlaPeriod;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    pub target_percent: f64,
    /// Countable time in the whole period (minus maintenance), seconds.
    pub period_secs: f64,
    /// Downtime the target allows over the whole period: (1 − SLO) × period.
    pub allowed_down_secs: f64,
    pub down_secs: f64,
    /// Share of the period's budget still unspent, in percent (negative once overspent).
    pub left_percent: f64,
    /// Observed error rate over known time ÷ (1 − SLO).
    pub burn_rate: Option<f64>,
}

/// Computes the budget of one period from its countable length and the measured split.
pub fn budget(target_percent: f64, period_secs: f64, up_secs: f64, down_secs: f64) -> Budget {
    let allowed_rate = 1.0 - target_percent / 100.0;
    let allowed = allowed_rate * period_secs;
    let known = up_secs + down_secs;
    let burn_rate = (known > 0.0 && allowed_rate > 0.0).then(|| (down_secs / known) / allowed_rate);
    let left = if allowed > 0.0 {
        100.0 * (1.0 - down_secs / allowed)
    } else if down_secs > 0.0 {
        -100.0
    } else {
        100.0
    };
    Budget {
        target_percent,
        period_secs,
        allowed_down_secs: allowed,
        down_secs,
        left_percent: left,
        burn_rate,
    }
}

/// The highest burn rate over any window of `window` length, by probes: the SRE workbook pages
/// at 14.4× over 1 h (2 % of a 30-day budget in an hour). `probes` are `(time, failed)` sorted by
/// time. `None` when no window of that length has probes.
pub fn max_burn(
    probes: &[(DateTime<Utc>, bool)],
    window: Duration,
    target_percent: f64,
) -> Option<f64> {
    let allowed = 1.0 - target_percent / 100.0;
    if allowed <= 0.0 || probes.is_empty() {
        return None;
    }
    let (mut lo, mut failed, mut best) = (0usize, 0u64, None::<f64>);
    for (hi, (t, f)) in probes.iter().enumerate() {
        failed += u64::from(*f);
        while probes[lo].0 <= *t - window {
            failed -= u64::from(probes[lo].1);
            lo += 1;
        }
        let n = (hi - lo + 1) as f64;
        let burn = failed as f64 / n / allowed;
        best = Some(best.map_or(burn, |b: f64| b.max(burn)));
    }
    best
}

/// The clause's periods that overlap `[from, to)`, each whole (not clipped): calendar months,
/// ISO weeks (Monday) or days in `zone`; `Window` is the window itself.
pub fn periods(
    per: SlaPeriod,
    zone: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    if per == SlaPeriod::Window || to <= from {
        return vec![(from, to)];
    }
    let start_of = |d: NaiveDate| -> NaiveDate {
        match per {
            SlaPeriod::Month => d.with_day(1).expect("day 1 exists"),
            SlaPeriod::Week => d - Duration::days(d.weekday().num_days_from_monday() as i64),
            _ => d,
        }
    };
    let next = |d: NaiveDate| -> NaiveDate {
        match per {
            SlaPeriod::Month => {
                let (y, m) = if d.month() == 12 {
                    (d.year() + 1, 1)
                } else {
                    (d.year(), d.month() + 1)
                };
                NaiveDate::from_ymd_opt(y, m, 1).expect("valid month")
            }
            SlaPeriod::Week => d + Duration::days(7),
            _ => d + Duration::days(1),
        }
    };
    let utc = |d: NaiveDate| {
        let naive = d.and_hms_opt(0, 0, 0).expect("midnight");
        zone.from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
    };
    let mut out = Vec::new();
    let mut d = start_of(from.with_timezone(&zone).date_naive());
    // Bounded: at most ten years of days.
    for _ in 0..3_660 {
        let (s, e) = (utc(d), utc(next(d)));
        if s >= to {
            break;
        }
        out.push((s, e));
        d = next(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_budget_matches_the_sre_figures() {
        // 99.5 % of a 30-day month allows 216 min; of 31 days 223.2; of 28 days 201.6.
        for (days, minutes) in [(30.0, 216.0), (31.0, 223.2), (28.0, 201.6)] {
            let b = budget(99.5, days * 86_400.0, days * 86_400.0, 0.0);
            assert!((b.allowed_down_secs / 60.0 - minutes).abs() < 1e-6);
        }
        // A 7.2 % error rate against 99.5 % is a 14.4× burn.
        let b = budget(99.5, 3600.0, 3600.0 * 0.928, 3600.0 * 0.072);
        assert!((b.burn_rate.unwrap() - 14.4).abs() < 1e-9);
    }

    #[test]
    fn fastest_hour_burn() {
        let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        // One probe a minute for 3 h; 9 failures in the second hour → 15 % error rate → 30×.
        let probes: Vec<_> = (0..180)
            .map(|i| (t0 + Duration::minutes(i), (60..69).contains(&i)))
            .collect();
        let b = max_burn(&probes, Duration::hours(1), 99.5).unwrap();
        assert!((b - 30.0).abs() < 1e-9, "{b}");
    }

    #[test]
    fn months_are_calendar_months() {
        let from = Utc.with_ymd_and_hms(2024, 1, 20, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2024, 3, 2, 0, 0, 0).unwrap();
        let p = periods(SlaPeriod::Month, Tz::UTC, from, to);
        assert_eq!(p.len(), 3);
        assert_eq!(p[1].1 - p[1].0, Duration::days(29)); // February 2024
    }
}
