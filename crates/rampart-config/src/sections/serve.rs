use serde::{Deserialize, Serialize};

/// `[serve]`: what `rampart serve` shows publicly and runs on a schedule.
///
/// ```toml
/// [serve]
/// title = "Example status"
/// public_monitors = ["api", "www"]   # shown on the status page without login; unset: none
/// assess_at = "02:00"                # run `assess` daily at this local time
/// time_zone = "Europe/Copenhagen"    # the zone of assess_at (default UTC)
/// assess_duration = "60s"            # how long that assessment runs the monitors
/// session_hours = 12                 # how long a login lasts
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeSection {
    /// The status page's heading.
    #[serde(default)]
    pub title: Option<String>,
    /// Monitors on the public status page, badges and JSON. Nothing is public unless listed.
    #[serde(default)]
    pub public_monitors: Vec<String>,
    /// Daily time (`HH:MM`, local to `time_zone`) to run `assess`.
    #[serde(default)]
    pub assess_at: Option<String>,
    /// IANA time zone of `assess_at`; default `UTC`.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// How long the scheduled assessment runs the monitors (`assess --duration`); default 60s.
    #[serde(default)]
    pub assess_duration: Option<crate::Duration>,
    /// How long a login lasts, in hours.
    #[serde(default = "default_session_hours")]
    pub session_hours: u32,
}

fn default_session_hours() -> u32 {
    12
}

impl Default for ServeSection {
    fn default() -> Self {
        ServeSection {
            title: None,
            public_monitors: Vec::new(),
            assess_at: None,
            time_zone: None,
            assess_duration: None,
            session_hours: default_session_hours(),
        }
    }
}

/// Parses `HH:MM` (00:00 to 23:59) into (hour, minute).
pub fn parse_time_of_day(s: &str) -> Option<(u32, u32)> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && s.trim().len() == 5).then_some((h, m))
}

impl crate::sections::Check for ServeSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if let Some(t) = &self.assess_at {
            if parse_time_of_day(t).is_none() {
                problems.push(
                    format!("{path}.assess_at"),
                    format!("found \"{t}\"; expected a local time HH:MM such as \"02:00\""),
                );
            }
        }
        if let Some(z) = &self.time_zone {
            if z.parse::<chrono_tz::Tz>().is_err() {
                problems.push(
                    format!("{path}.time_zone"),
                    format!(
                        "found \"{z}\"; expected an IANA time zone such as \"Europe/Copenhagen\""
                    ),
                );
            }
        }
        if self.session_hours == 0 || self.session_hours > 24 * 30 {
            problems.push(
                format!("{path}.session_hours"),
                format!("found {}; expected 1 to 720 hours", self.session_hours),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn serve_section_reports_every_problem_with_its_place() {
        let text = "[project]\nname = \"x\"\n[[monitors]]\nname = \"api\"\nurl = \"http://127.0.0.1:1/\"\ninterval = \"1s\"\n\
                    [serve]\npublic_monitors = [\"apu\"]\nassess_at = \"25:00\"\ntime_zone = \"Mars/Base\"\n";
        let errs = crate::load_str(text, Path::new("rampart.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            errs.contains("rampart.toml:8:") && errs.contains("serve.public_monitors[0]"),
            "{errs}"
        );
        assert!(
            errs.contains("serve.assess_at") && errs.contains("25:00"),
            "{errs}"
        );
        assert!(
            errs.contains("serve.time_zone") && errs.contains("Mars/Base"),
            "{errs}"
        );
        let good = text
            .replace("apu", "api")
            .replace("25:00", "02:00")
            .replace("Mars/Base", "Europe/Copenhagen");
        let pf = crate::load_str(&good, Path::new("rampart.toml")).unwrap();
        let s = pf.serve.unwrap();
        assert_eq!(
            (s.public_monitors, s.session_hours),
            (vec!["api".to_string()], 12)
        );
        assert_eq!(super::parse_time_of_day("02:00"), Some((2, 0)));
        assert_eq!(super::parse_time_of_day("2:00"), None);
    }
}
