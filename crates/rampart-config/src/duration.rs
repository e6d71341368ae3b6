use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A duration written the human way in the project file: `500ms`, `5s`, `1m 30s`, `24h`, `30d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub std::time::Duration);

impl Duration {
    pub fn from_secs(s: u64) -> Self {
        Duration(std::time::Duration::from_secs(s))
    }
    pub fn from_millis(ms: u64) -> Self {
        Duration(std::time::Duration::from_millis(ms))
    }
    pub fn std(self) -> std::time::Duration {
        self.0
    }
    /// The longest duration a project file may state: every interval, window and obligation is
    /// far shorter, and beyond it date arithmetic (chrono) overflows.
    pub const MAX: std::time::Duration = std::time::Duration::from_secs(10 * 366 * 86_400);

    pub fn parse(s: &str) -> Result<Self, String> {
        let d = humantime::parse_duration(s.trim()).map_err(|e| {
            format!(
                "invalid duration \"{s}\" ({e}); expected e.g. \"500ms\", \"5s\", \"2m\", \"24h\""
            )
        })?;
        if d > Self::MAX {
            return Err(format!("found duration \"{s}\"; expected at most 10 years"));
        }
        Ok(Duration(d))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", humantime::format_duration(self.0))
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Duration::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn parses_human_durations() {
        assert_eq!(Duration::parse("5s").unwrap(), Duration::from_secs(5));
        assert_eq!(
            Duration::parse("500ms").unwrap(),
            Duration::from_millis(500)
        );
        assert_eq!(Duration::parse("1m 30s").unwrap(), Duration::from_secs(90));
        assert!(Duration::parse("five").is_err());
    }
}
