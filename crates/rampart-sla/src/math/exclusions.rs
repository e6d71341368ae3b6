//! Maintenance windows: time taken out of the math (neither up nor down), as merged intervals.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Sorted, non-overlapping excluded intervals `[start, end)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exclusions {
    intervals: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Exclusions {
    pub fn none() -> Self {
        Exclusions::default()
    }

    pub fn from_intervals(mut v: Vec<(DateTime<Utc>, DateTime<Utc>)>) -> Self {
        v.retain(|(s, e)| s < e);
        v.sort();
        let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for (s, e) in v {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Exclusions { intervals: merged }
    }

    /// Expands the project file's maintenance entries over `[from, to)`.
    pub fn from_sections(
        sections: &[rampart_config::MaintenanceSection],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Self {
        let mut v = Vec::new();
        for m in sections {
            if let (Some(s), Some(e)) = (m.start, m.end) {
                v.push((s.max(from), e.min(to)));
            } else if let Some(w) = &m.weekly {
                let zone: Tz = m
                    .zone
                    .as_deref()
                    .unwrap_or("UTC")
                    .parse()
                    .unwrap_or(Tz::UTC);
                if let Some((day, hours)) = w.split_once(' ') {
                    if let (Some(day), Some((open, close))) = (
                        rampart_config::parse_weekday(day),
                        rampart_config::parse_hours(hours),
                    ) {
                        v.extend(weekly(zone, day, open, close, from, to));
                    }
                }
            }
        }
        Exclusions::from_intervals(v)
    }

    pub fn intervals(&self) -> &[(DateTime<Utc>, DateTime<Utc>)] {
        &self.intervals
    }

    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        let i = self.intervals.partition_point(|(s, _)| *s <= t);
        i > 0 && t < self.intervals[i - 1].1
    }

    /// Excluded time inside `[from, to)`.
    pub fn overlap(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        self.intervals
            .iter()
            .map(|(s, e)| {
                let (s, e) = ((*s).max(from), (*e).min(to));
                if s < e {
                    e - s
                } else {
                    Duration::zero()
                }
            })
            .fold(Duration::zero(), |a, b| a + b)
    }
}

fn weekly(
    zone: Tz,
    day: u32,
    open: u32,
    close: u32,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    let mut date = from.with_timezone(&zone).date_naive() - Duration::days(1);
    let last = to.with_timezone(&zone).date_naive() + Duration::days(1);
    while date <= last {
        if date.weekday().num_days_from_monday() == day {
            let local = |secs: u32| {
                let naive = date.and_time(NaiveTime::MIN) + Duration::seconds(secs as i64);
                zone.from_local_datetime(&naive)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
            };
            if let (Some(s), Some(e)) = (local(open), local(close)) {
                let (s, e) = (s.max(from), e.min(to));
                if s < e {
                    out.push((s, e));
                }
            }
        }
        date += Duration::days(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_windows_are_expanded_and_merged() {
        let from = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2024, 3, 31, 0, 0, 0).unwrap();
        let ex = Exclusions::from_sections(
            &[rampart_config::MaintenanceSection {
                weekly: Some("sun 02:00-04:00".into()),
                ..Default::default()
            }],
            from,
            to,
        );
        // Sundays in March 2024 before the 31st: 3, 10, 17, 24.
        assert_eq!(ex.intervals().len(), 4);
        assert_eq!(ex.overlap(from, to), Duration::hours(8));
        assert!(ex.contains(Utc.with_ymd_and_hms(2024, 3, 3, 3, 0, 0).unwrap()));
        assert!(!ex.contains(Utc.with_ymd_and_hms(2024, 3, 3, 4, 0, 0).unwrap()));
    }
}
