//! Timestamp parsing without allocation: the log's own clock is the only clock rampart uses.

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn month_from_abbr(b: &[u8]) -> Option<u32> {
    if b.len() != 3 {
        return None;
    }
    let m = [b[0] | 0x20, b[1] | 0x20, b[2] | 0x20];
    Some(match &m {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    })
}

/// A run of 1 to 9 ASCII digits as a number (the fields of a timestamp).
pub(crate) fn num(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    let mut v = 0i64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as i64;
    }
    Some(v)
}

/// `15/Apr/2020:18:24:00 +0200` (nginx `$time_local`, Apache `%t` without brackets) →
/// (unix seconds, offset seconds).
pub fn parse_clf(b: &[u8]) -> Option<(i64, i32)> {
    if b.len() < 20 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' {
        return None;
    }
    // Consecutive lines almost always share the minute and the offset: everything but the
    // seconds comes from the last full parse when those bytes are the same (only valid
    // parses are remembered, so an invalid line is still rejected below).
    let full = b.len() >= 26 && b[20] == b' ';
    if full {
        let (minute, offset, base, off) = LAST_MINUTE.get();
        if b[..17] == minute && b[20..26] == offset {
            let ss = num(&b[18..20])?;
            return Some((base + ss, off));
        }
    }
    let days = clf_days(b[..11].try_into().expect("11 bytes"))?;
    let hh = num(&b[12..14])?;
    let mm = num(&b[15..17])?;
    let ss = num(&b[18..20])?;
    let mut off = 0i32;
    if b.len() >= 26 && b[20] == b' ' {
        let sign = match b[21] {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let oh = num(&b[22..24])? as i32;
        let om = num(&b[24..26])? as i32;
        off = sign * (oh * 3600 + om * 60);
    }
    let base = days * 86_400 + hh * 3600 + mm * 60 - off as i64;
    if full {
        let minute = b[..17].try_into().expect("17 bytes");
        let offset = b[20..26].try_into().expect("6 bytes");
        LAST_MINUTE.set((minute, offset, base, off));
    }
    Some((base + ss, off))
}

thread_local! {
    /// The last full timestamp's `dd/Mon/yyyy:hh:mm` and ` +zzzz`, with its time less the
    /// seconds and its offset: see [`parse_clf`]. An all-zero key matches no timestamp (its
    /// `/` and `:` are checked first).
    static LAST_MINUTE: std::cell::Cell<([u8; 17], [u8; 6], i64, i32)> =
        const { std::cell::Cell::new(([0; 17], [0; 6], 0, 0)) };
}

thread_local! {
    /// The last `dd/Mon/yyyy` a parse worker turned into a day number: consecutive log lines
    /// almost always share the date, so the digits, the month name and the calendar arithmetic
    /// are done once per day of log instead of once per line.
    static LAST_DATE: std::cell::Cell<([u8; 11], i64)> = const { std::cell::Cell::new(([0; 11], 0)) };
}

/// Days since the epoch of a `dd/Mon/yyyy` date (cached: see `LAST_DATE`); only valid dates
/// are cached, so an invalid one is rejected every time.
fn clf_days(date: [u8; 11]) -> Option<i64> {
    let (last, days) = LAST_DATE.get();
    if last == date {
        return Some(days);
    }
    let d = num(&date[0..2])?;
    let m = month_from_abbr(&date[3..6])?;
    let y = num(&date[7..11])?;
    let days = days_from_civil(y, m, d as u32);
    LAST_DATE.set((date, days));
    Some(days)
}

/// RFC 3339 / ISO 8601 (`2020-04-15T18:24:00+02:00`, `...Z`, fractional seconds ignored, a space
/// instead of `T` accepted). Without an offset the time is taken as UTC.
pub fn parse_iso(b: &[u8]) -> Option<(i64, i32)> {
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let y = num(&b[0..4])?;
    let m = num(&b[5..7])? as u32;
    let d = num(&b[8..10])? as u32;
    let hh = num(&b[11..13])?;
    let mm = num(&b[14..16])?;
    let ss = num(&b[17..19])?;
    let mut i = 19;
    if i < b.len() && (b[i] == b'.' || b[i] == b',') {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    let mut off = 0i32;
    if i < b.len() {
        match b[i] {
            b'Z' | b'z' => {}
            b'+' | b'-' if b.len() >= i + 5 => {
                let sign = if b[i] == b'+' { 1 } else { -1 };
                let oh = num(&b[i + 1..i + 3])? as i32;
                let rest = if b[i + 3] == b':' { i + 4 } else { i + 3 };
                let om = num(b.get(rest..rest + 2)?)? as i32;
                off = sign * (oh * 3600 + om * 60);
            }
            _ => {}
        }
    }
    let days = days_from_civil(y, m, d);
    Some((days * 86_400 + hh * 3600 + mm * 60 + ss - off as i64, off))
}

/// Syslog `Dec 10 06:55:46` with the year supplied (syslog lines carry none); local time taken
/// as UTC.
pub fn parse_syslog(b: &[u8], year: SyslogYear) -> Option<i64> {
    if b.len() < 15 || b[3] != b' ' || b[9] != b':' || b[12] != b':' {
        return None;
    }
    let m = month_from_abbr(&b[0..3])?;
    let d = num(b[4..6].trim_ascii_start())?;
    let hh = num(&b[7..9])?;
    let mm = num(&b[10..12])?;
    let ss = num(&b[13..15])?;
    Some(year.at(m, d as u32, hh * 3600 + mm * 60 + ss))
}

/// The year of a syslog timestamp, which carries none.
///
/// Either the year the user gave (`syslog_year`), or "the latest year that does not put the line
/// in the future": a log cannot hold a line written after the file was last modified, so a line
/// dated after that (plus a day, for local time ahead of UTC) is from the year before. That
/// reads a log that runs from December into January in order, and a December log looked at in
/// the next year's spring in the right year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyslogYear {
    pub year: i32,
    /// The latest plausible timestamp (epoch seconds); `None` when the year was given.
    pub latest: Option<i64>,
}

impl SyslogYear {
    /// Every line in `year`.
    pub fn fixed(year: i32) -> Self {
        SyslogYear { year, latest: None }
    }

    /// Lines written no later than `modified` (epoch seconds): the file's modification time, or
    /// now for a stream.
    pub fn written_by(modified: i64) -> Self {
        let latest = modified.saturating_add(86_400);
        let days = modified.div_euclid(86_400);
        SyslogYear {
            year: civil_year(days),
            latest: Some(latest),
        }
    }

    /// Epoch seconds of month `m`, day `d`, second of the day `secs` in this reading.
    pub fn at(self, m: u32, d: u32, secs: i64) -> i64 {
        let t = days_from_civil(self.year as i64, m, d) * 86_400 + secs;
        match self.latest {
            Some(latest) if t > latest => {
                days_from_civil(self.year as i64 - 1, m, d) * 86_400 + secs
            }
            _ => t,
        }
    }
}

/// The year of day `days` since 1970-01-01 (proleptic Gregorian), as chrono counts it.
fn civil_year(days: i64) -> i32 {
    use chrono::Datelike;
    chrono::DateTime::from_timestamp(days.saturating_mul(86_400), 0).map_or(1970, |t| t.year())
}

/// Epoch seconds (any plausible magnitude: s, ms, µs) → seconds.
pub fn from_epoch_number(v: f64) -> i64 {
    let mut v = v;
    while v > 1e11 {
        v /= 1000.0;
    }
    v as i64
}

/// Unix seconds + offset → RFC 3339 in the log's own zone.
pub fn rfc3339(ts: i64, off: i32) -> String {
    use chrono::{FixedOffset, TimeZone};
    let tz = FixedOffset::east_opt(off).unwrap_or(FixedOffset::east_opt(0).expect("UTC"));
    match tz.timestamp_opt(ts, 0).single() {
        Some(t) => t.to_rfc3339(),
        None => ts.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever timestamp came before (what the minute cache holds), a timestamp parses as it
    /// does in a fresh thread (empty caches).
    #[test]
    fn cached_minute_gives_the_fresh_parse() {
        let all = [
            "15/Apr/2020:18:24:02 +0200",
            "15/Apr/2020:18:24:59 +0200",
            "15/Apr/2020:18:24:5x +0200",
            "15/Apr/2020:18:24:07 -0130",
            "15/Apr/2020:18:25:00 +0200",
            "16/Apr/2020:18:24:02 +0200",
            "15/Apr/2020:18:24:02",
            "15/Apr/2020:18:24:02 x0200",
            "15/Apr/2020:1x:24:02 +0200",
        ];
        let fresh: Vec<_> = all
            .iter()
            .map(|t| {
                let t = t.to_string();
                std::thread::spawn(move || parse_clf(t.as_bytes()))
                    .join()
                    .unwrap()
            })
            .collect();
        for before in all {
            for (t, want) in all.iter().zip(&fresh) {
                parse_clf(before.as_bytes());
                assert_eq!(parse_clf(t.as_bytes()), *want, "{before} then {t}");
            }
        }
    }
    #[test]
    fn a_syslog_line_is_never_after_its_file() {
        let jan_1 = parse_iso(b"2026-01-01T00:10:00Z").unwrap().0;
        let y = SyslogYear::written_by(jan_1);
        assert_eq!(y.year, 2026);
        // A log that ran from December into January reads in order.
        let dec = parse_syslog(b"Dec 31 23:59:40", y).unwrap();
        let jan = parse_syslog(b"Jan  1 00:00:35", y).unwrap();
        assert_eq!(jan - dec, 55);
        assert_eq!(dec, parse_iso(b"2025-12-31T23:59:40Z").unwrap().0);
        // Six days after the file was written: last year's.
        let dec_4 = SyslogYear::written_by(parse_iso(b"2026-12-04T12:00:00Z").unwrap().0);
        assert_eq!(
            parse_syslog(b"Dec 10 06:55:46", dec_4),
            parse_iso(b"2025-12-10T06:55:46Z").map(|t| t.0)
        );
        // Later that day (local time ahead of UTC): still this year's.
        assert_eq!(
            parse_syslog(b"Dec  4 23:00:00", dec_4),
            parse_iso(b"2026-12-04T23:00:00Z").map(|t| t.0)
        );
        // A year given is a year kept.
        assert_eq!(
            parse_syslog(b"Dec 10 06:55:46", SyslogYear::fixed(2026)),
            parse_iso(b"2026-12-10T06:55:46Z").map(|t| t.0)
        );
        for (day, year) in [
            (0, 1970),
            (-1, 1969),
            (20_454, 2026),
            (20_453, 2025),
            (11_016, 2000),
        ] {
            assert_eq!(civil_year(day), year, "day {day}");
        }
    }

    #[test]
    fn clf_and_iso_agree() {
        let (a, off) = parse_clf(b"15/Apr/2020:18:24:00 +0200").unwrap();
        let (b, off2) = parse_iso(b"2020-04-15T18:24:00+02:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(off, 7200);
        assert_eq!(off2, 7200);
        assert_eq!(a, 1_586_967_840);
        assert_eq!(rfc3339(a, off), "2020-04-15T18:24:00+02:00");
        assert_eq!(parse_iso(b"2020-04-15T16:24:00.123Z").unwrap().0, a);
        assert_eq!(
            parse_syslog(b"Apr 15 16:24:00", SyslogYear::fixed(2020)),
            Some(a)
        );
        assert_eq!(
            parse_syslog(b"Dec  1 00:00:00", SyslogYear::fixed(1970)),
            Some(334 * 86400)
        );
        // The cached date gives the same answers; a bad date is never cached as good.
        assert_eq!(parse_clf(b"15/Apr/2020:18:24:00 +0200").unwrap().0, a);
        assert_eq!(parse_clf(b"15/Apr/2020:18:25:00 +0200").unwrap().0, a + 60);
        assert_eq!(
            parse_clf(b"16/Apr/2020:18:24:00 +0200").unwrap().0,
            a + 86_400
        );
        assert_eq!(parse_clf(b"1x/Apr/2020:18:24:00 +0200"), None);
        assert_eq!(parse_clf(b"1x/Apr/2020:18:24:00 +0200"), None);
    }
}
