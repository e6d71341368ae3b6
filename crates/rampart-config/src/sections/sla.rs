use crate::Duration;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// `[[sla]]`: one clause of the service level agreement, measured on one monitor's observations.
///
/// A clause states exactly one obligation: an uptime target (`uptime_percent`), a latency
/// threshold (`latency`), a time to respond or restore on down (`respond_within`,
/// `restore_within`), or a mean time to repair (`mttr`). The SLA pillar owns this section.
///
/// ```toml
/// [[sla]]
/// name = "99.5% uptime per month"
/// monitor = "api"
/// uptime_percent = 99.5
/// per = "month"
/// maintenance = [{ start = "2024-05-04T22:00:00Z", end = "2024-05-04T23:00:00Z" }]
///
/// [[sla]]
/// name = "500 ms max return time"
/// monitor = "api"
/// latency = "500ms"
/// reading = "every"        # every | mean | max | p50 | p95 | p99 ...; unset = ambiguous
///
/// [[sla]]
/// name = "30 min response on down (business hours)"
/// monitor = "api"
/// respond_within = "30m"
/// business_hours = { zone = "Europe/Copenhagen", days = ["mon", "tue", "wed", "thu", "fri"], hours = "09:00-18:00", holidays = ["2024-12-25"] }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaClauseSection {
    pub name: String,
    /// Which monitor's observations the clause is measured on.
    pub monitor: String,
    /// Uptime target in percent, e.g. `99.5`.
    #[serde(default)]
    pub uptime_percent: Option<f64>,
    /// The period an uptime target is averaged over: `month` (calendar month, the default),
    /// `week`, `day`, or `window` (the whole report window).
    #[serde(default)]
    pub per: Option<SlaPeriod>,
    /// Latency threshold, e.g. `"500ms"`.
    #[serde(default)]
    pub latency: Option<Duration>,
    /// How the latency threshold is read: `every` (every request), `mean`, `max`, or a
    /// percentile `pN` (`p95`, `p99.9`). Unset: the report gives every reading and flags the
    /// clause as ambiguous.
    #[serde(default)]
    pub reading: Option<String>,
    /// What "response time" means for a latency clause: `total` (to the last byte, the default)
    /// or `ttfb` (to the first byte of the answer).
    #[serde(default)]
    pub measure: Option<LatencyMeasure>,
    /// Time to acknowledge an outage. Only recovery is visible from outside, so the report
    /// shows restoration times and marks the clause "not verifiable from outside".
    #[serde(default)]
    pub respond_within: Option<Duration>,
    /// Time to restore service after an outage starts (checked per incident).
    #[serde(default)]
    pub restore_within: Option<Duration>,
    /// Mean time to repair/restore. `mttr_reading` says whether it is a mean over incidents
    /// (`mean`) or a cap on each incident (`each`); unset, both are evaluated.
    #[serde(default)]
    pub mttr: Option<Duration>,
    #[serde(default)]
    pub mttr_reading: Option<MttrReading>,
    /// The calendar the clause's clock runs in. Outside it the clock pauses.
    #[serde(default)]
    pub business_hours: Option<BusinessHoursSection>,
    /// Windows excluded from the math (neither up nor down).
    #[serde(default)]
    pub maintenance: Vec<MaintenanceSection>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlaPeriod {
    Month,
    Week,
    Day,
    Window,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LatencyMeasure {
    #[default]
    Total,
    Ttfb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MttrReading {
    Mean,
    Each,
}

/// A weekly calendar with a time zone and holidays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessHoursSection {
    /// IANA time zone, e.g. `Europe/Copenhagen` (DST applied). Default `UTC`.
    #[serde(default = "default_zone")]
    pub zone: String,
    /// Open days: `mon` … `sun`. Default Monday to Friday.
    #[serde(default = "default_days")]
    pub days: Vec<String>,
    /// Open hours, local time, `HH:MM-HH:MM` (`24:00` allowed as the end). Default `09:00-17:00`.
    #[serde(default = "default_hours")]
    pub hours: String,
    /// Local dates on which the calendar is closed all day.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
}

/// A maintenance window: either one-off (`start`, `end`, RFC 3339) or weekly
/// (`weekly = "sun 02:00-04:00"`, in `zone`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceSection {
    #[serde(default)]
    pub start: Option<DateTime<Utc>>,
    #[serde(default)]
    pub end: Option<DateTime<Utc>>,
    #[serde(default)]
    pub weekly: Option<String>,
    #[serde(default)]
    pub zone: Option<String>,
}

fn default_zone() -> String {
    "UTC".into()
}
fn default_days() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}
fn default_hours() -> String {
    "09:00-17:00".into()
}

/// Parses a weekday name (`mon`, `Monday`, ...) to 0 = Monday … 6 = Sunday.
/// `mon` or `monday` (any case) → 0, ..., `sun`/`sunday` → 6. Nothing else: "monkey" is no day.
pub fn parse_weekday(s: &str) -> Option<u32> {
    let s = s.trim().to_ascii_lowercase();
    let names = [
        ("mon", "monday"),
        ("tue", "tuesday"),
        ("wed", "wednesday"),
        ("thu", "thursday"),
        ("fri", "friday"),
        ("sat", "saturday"),
        ("sun", "sunday"),
    ];
    names
        .iter()
        .position(|(short, long)| s == *short || s == *long)
        .map(|p| p as u32)
}

/// Parses `HH:MM-HH:MM` into seconds from local midnight; `24:00` is allowed as the end.
pub fn parse_hours(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.trim().split_once('-')?;
    let hm = |t: &str| -> Option<u32> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 3600 + m * 60)
    };
    let (open, close) = (hm(a)?, hm(b)?);
    (open < close).then_some((open, close))
}

/// Parses a latency reading: `every`, `mean`, `max`, or `pN` with 0 < N < 100.
/// Returns the percentile for `pN`, `Some(None)`-like variants as strings otherwise.
pub fn valid_reading(s: &str) -> bool {
    match s {
        "every" | "mean" | "max" => true,
        p => p
            .strip_prefix('p')
            .and_then(|n| n.parse::<f64>().ok())
            .is_some_and(|n| n > 0.0 && n < 100.0),
    }
}

fn valid_zone(z: &str) -> bool {
    z.parse::<chrono_tz::Tz>().is_ok()
}

impl crate::sections::Check for SlaClauseSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if let Some(p) = self.uptime_percent {
            if !(0.0..=100.0).contains(&p) || p.is_nan() {
                problems.push(
                    format!("{path}.uptime_percent"),
                    format!("found {p}; expected a percentage between 0 and 100"),
                );
            }
        }
        let stated = [
            self.uptime_percent.is_some(),
            self.latency.is_some(),
            self.respond_within.is_some(),
            self.restore_within.is_some(),
            self.mttr.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if stated != 1 {
            problems.push(
                format!("{path}.name"),
                format!(
                    "clause \"{}\" states {stated} obligations; expected exactly one of \
                     uptime_percent, latency, respond_within, restore_within, mttr",
                    self.name
                ),
            );
        }
        if let Some(r) = &self.reading {
            if !valid_reading(r) {
                problems.push(
                    format!("{path}.reading"),
                    format!("found \"{r}\"; expected every, mean, max or pN (e.g. p95, p99.9)"),
                );
            }
        }
        for (key, d) in [
            ("latency", self.latency),
            ("respond_within", self.respond_within),
            ("restore_within", self.restore_within),
            ("mttr", self.mttr),
        ] {
            if d.is_some_and(|d| d.std().is_zero()) {
                problems.push(
                    format!("{path}.{key}"),
                    "found 0; expected a positive duration",
                );
            }
        }
        if let Some(bh) = &self.business_hours {
            let bp = format!("{path}.business_hours");
            if !valid_zone(&bh.zone) {
                problems.push(
                    format!("{bp}.zone"),
                    format!(
                        "found \"{}\"; expected an IANA time zone such as Europe/Copenhagen or UTC",
                        bh.zone
                    ),
                );
            }
            for (i, d) in bh.days.iter().enumerate() {
                if parse_weekday(d).is_none() {
                    problems.push(
                        format!("{bp}.days[{i}]"),
                        format!("found \"{d}\"; expected mon, tue, wed, thu, fri, sat or sun"),
                    );
                }
            }
            if parse_hours(&bh.hours).is_none() {
                problems.push(
                    format!("{bp}.hours"),
                    format!("found \"{}\"; expected HH:MM-HH:MM with the start before the end, e.g. 09:00-17:00", bh.hours),
                );
            }
        }
        for (i, m) in self.maintenance.iter().enumerate() {
            let mp = format!("{path}.maintenance[{i}]");
            match (&m.start, &m.end, &m.weekly) {
                (Some(s), Some(e), None) if s < e => {}
                (Some(_), Some(_), None) => {
                    problems.push(format!("{mp}.end"), "found an end not after the start; expected end > start")
                }
                (None, None, Some(w)) => {
                    let ok = w
                        .split_once(' ')
                        .is_some_and(|(d, h)| parse_weekday(d).is_some() && parse_hours(h).is_some());
                    if !ok {
                        problems.push(
                            format!("{mp}.weekly"),
                            format!("found \"{w}\"; expected \"<day> HH:MM-HH:MM\", e.g. \"sun 02:00-04:00\""),
                        );
                    }
                    if let Some(z) = &m.zone {
                        if !valid_zone(z) {
                            problems.push(
                                format!("{mp}.zone"),
                                format!("found \"{z}\"; expected an IANA time zone"),
                            );
                        }
                    }
                }
                _ => problems.push(
                    mp,
                    "expected either `start` and `end` (RFC 3339) or `weekly = \"sun 02:00-04:00\"`",
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hours_days_and_readings() {
        assert_eq!(parse_hours("09:00-18:00"), Some((9 * 3600, 18 * 3600)));
        assert_eq!(parse_hours("00:00-24:00"), Some((0, 86_400)));
        assert_eq!(parse_hours("18:00-09:00"), None);
        assert_eq!(parse_weekday("Friday"), Some(4));
        assert!(valid_reading("p99.9") && valid_reading("every") && !valid_reading("p100"));
    }
}
