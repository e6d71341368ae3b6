use chrono::{DateTime, TimeZone, Utc};

pub fn to_us(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub fn from_us(us: i64) -> DateTime<Utc> {
    Utc.timestamp_micros(us).single().unwrap_or_default()
}
