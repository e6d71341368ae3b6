//! Business-hours calendars: a time zone (DST-correct through chrono-tz), open days, open hours
//! and holidays. The clock of a business-hours clause runs only inside the calendar.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Open intervals are generated a day at a time; this bounds the walk (ten years).
const MAX_DAYS: i64 = 3_660;

#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub zone: Tz,
    /// Index 0 = Monday … 6 = Sunday.
    pub days: [bool; 7],
    /// Seconds from local midnight; `close` may be 86,400 (midnight at the end of the day).
    pub open: u32,
    pub close: u32,
    pub holidays: Vec<NaiveDate>,
}

impl Calendar {
    /// Every day, all day, in UTC: the clock never pauses.
    pub fn always() -> Self {
        Calendar {
            zone: Tz::UTC,
            days: [true; 7],
            open: 0,
            close: 86_400,
            holidays: Vec::new(),
        }
    }

    /// Builds a calendar from the project file's section (already validated).
    pub fn from_section(s: &rampart_config::BusinessHoursSection) -> Option<Self> {
        let zone: Tz = s.zone.parse().ok()?;
        let mut days = [false; 7];
        for d in &s.days {
            days[rampart_config::parse_weekday(d)? as usize] = true;
        }
        let (open, close) = rampart_config::parse_hours(&s.hours)?;
        Some(Calendar {
            zone,
            days,
            open,
            close,
            holidays: s.holidays.clone(),
        })
    }

    /// A short description, e.g. `Mon–Fri 09:00–18:00 Europe/Copenhagen, 1 holiday`.
    pub fn describe(&self) -> String {
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let open: Vec<&str> = (0..7).filter(|i| self.days[*i]).map(|i| names[i]).collect();
        let days = if open == names[..5] {
            "Mon–Fri".to_string()
        } else if open.len() == 7 {
            "every day".to_string()
        } else {
            open.join(",")
        };
        let hm = |s: u32| format!("{:02}:{:02}", s / 3600, (s % 3600) / 60);
        let mut out = format!(
            "{days} {}–{} {}",
            hm(self.open),
            hm(self.close),
            self.zone.name()
        );
        if !self.holidays.is_empty() {
            out.push_str(&format!(", {} holiday(s)", self.holidays.len()));
        }
        out
    }

    fn local_to_utc(&self, naive: NaiveDateTime) -> DateTime<Utc> {
        // A local time skipped by a DST jump does not exist; the first instant after it does.
        match self.zone.from_local_datetime(&naive).earliest() {
            Some(t) => t.with_timezone(&Utc),
            None => self
                .zone
                .from_local_datetime(&(naive + Duration::hours(1)))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&naive)),
        }
    }

    /// The open interval of one local date, in UTC, if the calendar is open that day.
    fn day_interval(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let wd = date.weekday().num_days_from_monday() as usize;
        if !self.days[wd] || self.holidays.contains(&date) {
            return None;
        }
        let midnight = date.and_hms_opt(0, 0, 0)?;
        let start = self.local_to_utc(midnight + Duration::seconds(self.open as i64));
        let end = self.local_to_utc(midnight + Duration::seconds(self.close as i64));
        (start < end).then_some((start, end))
    }

    /// Open intervals intersected with `[from, to)`, in order.
    pub fn open_intervals(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let mut out = Vec::new();
        if to <= from {
            return out;
        }
        let mut date = from.with_timezone(&self.zone).date_naive() - Duration::days(1);
        let last = to.with_timezone(&self.zone).date_naive() + Duration::days(1);
        while date <= last {
            if let Some((s, e)) = self.day_interval(date) {
                let (s, e) = (s.max(from), e.min(to));
                if s < e {
                    out.push((s, e));
                }
            }
            date += Duration::days(1);
        }
        out
    }

    /// Whether the calendar is open at `t`.
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let date = t.with_timezone(&self.zone).date_naive();
        [date - Duration::days(1), date]
            .into_iter()
            .filter_map(|d| self.day_interval(d))
            .any(|(s, e)| s <= t && t < e)
    }

    /// Open time between `from` and `to`.
    pub fn open_duration(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        self.open_intervals(from, to)
            .into_iter()
            .map(|(s, e)| e - s)
            .fold(Duration::zero(), |a, b| a + b)
    }

    /// The instant at which `budget` of open time has elapsed since `start`: a deadline that
    /// pauses over nights, weekends and holidays. `None` if the calendar never opens again
    /// within ten years.
    pub fn add_open_time(&self, start: DateTime<Utc>, budget: Duration) -> Option<DateTime<Utc>> {
        let mut left = budget;
        let mut date = start.with_timezone(&self.zone).date_naive() - Duration::days(1);
        for _ in 0..MAX_DAYS {
            if let Some((s, e)) = self.day_interval(date) {
                let s = s.max(start);
                if s < e {
                    if e - s >= left {
                        return Some(s + left);
                    }
                    left -= e - s;
                }
            }
            date += Duration::days(1);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cph_office() -> Calendar {
        Calendar {
            zone: "Europe/Copenhagen".parse().unwrap(),
            days: [true, true, true, true, true, false, false],
            open: 9 * 3600,
            close: 18 * 3600,
            holidays: vec![],
        }
    }

    #[test]
    fn friday_evening_deadline_lands_on_monday_morning() {
        let cal = cph_office();
        // Friday 2024-03-08 17:50 local (UTC+1) = 16:50 UTC.
        let start = Utc.with_ymd_and_hms(2024, 3, 8, 16, 50, 0).unwrap();
        let deadline = cal.add_open_time(start, Duration::minutes(30)).unwrap();
        // Monday 2024-03-11 09:20 local = 08:20 UTC.
        assert_eq!(
            deadline,
            Utc.with_ymd_and_hms(2024, 3, 11, 8, 20, 0).unwrap()
        );
        assert_eq!(cal.open_duration(start, deadline), Duration::minutes(30));
    }

    #[test]
    fn dst_changes_the_utc_opening_hour() {
        let cal = cph_office();
        // Before DST (UTC+1): opens 08:00 UTC; after (UTC+2, from 2024-03-31): 07:00 UTC.
        assert!(cal.is_open(Utc.with_ymd_and_hms(2024, 3, 29, 8, 0, 0).unwrap()));
        assert!(!cal.is_open(Utc.with_ymd_and_hms(2024, 3, 29, 7, 30, 0).unwrap()));
        assert!(cal.is_open(Utc.with_ymd_and_hms(2024, 4, 2, 7, 30, 0).unwrap()));
    }

    #[test]
    fn holidays_close_the_whole_day() {
        let mut cal = cph_office();
        cal.holidays
            .push(NaiveDate::from_ymd_opt(2024, 3, 11).unwrap());
        let start = Utc.with_ymd_and_hms(2024, 3, 8, 16, 50, 0).unwrap();
        let deadline = cal.add_open_time(start, Duration::minutes(30)).unwrap();
        assert_eq!(
            deadline,
            Utc.with_ymd_and_hms(2024, 3, 12, 8, 20, 0).unwrap()
        );
    }
}
