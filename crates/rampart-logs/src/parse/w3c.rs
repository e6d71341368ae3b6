//! The W3C extended log format: Microsoft IIS's default, and Amazon CloudFront's access logs.
//! The `#Fields:` directive names the columns (`date time s-ip cs-method cs-uri-stem
//! cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status …`); values are
//! separated by spaces (IIS, which writes a space inside a value as `+`) or tabs (CloudFront).
//! Directive lines (`#Software`, `#Version`, `#Date`, `#Fields`) are valid but not events.

use super::{Fields, Span};
use crate::event::{EvKind, Method};
use crate::time::{days_from_civil, num};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Col {
    Date,
    Time,
    Client,
    Method,
    Path,
    Query,
    Status,
    Bytes,
    User,
    Agent,
    Forwarded,
    Ignore,
}

#[derive(Debug, Clone)]
pub struct W3cFormat {
    cols: Vec<Col>,
}

/// IIS's default fields, for a file whose sample holds no `#Fields:` line.
const IIS_DEFAULT: &str = "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

/// Whether a line is a W3C directive (the start of an IIS or CloudFront log).
pub fn looks_like(line: &[u8]) -> bool {
    [&b"#Software:"[..], b"#Version:", b"#Fields:", b"#Date:"]
        .iter()
        .any(|p| line.starts_with(p))
}

impl W3cFormat {
    /// The columns of the first `#Fields:` line in `sample`, or IIS's defaults.
    pub fn from_sample(sample: &[u8]) -> W3cFormat {
        let fields = sample
            .split(|&c| c == b'\n')
            .find_map(|l| l.strip_prefix(b"#Fields:"))
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .unwrap_or_else(|| IIS_DEFAULT.to_string());
        W3cFormat {
            cols: fields.split_ascii_whitespace().map(col).collect(),
        }
    }

    pub fn parse(&self, line: &[u8], base: usize, f: &mut Fields) -> bool {
        if line.first() == Some(&b'#') {
            f.kind = EvKind::App;
            f.ts = i64::MIN;
            return true;
        }
        let tabs = line.contains(&b'\t');
        let sep = if tabs { b'\t' } else { b' ' };
        let (mut date, mut time) = (None, None);
        let mut forwarded = None;
        let mut pos = 0;
        for (k, value) in line.split(|&c| c == sep).enumerate() {
            let start = pos;
            pos += value.len() + 1;
            let Some(&c) = self.cols.get(k) else {
                break;
            };
            let dash = value == b"-";
            let sp = Span::new(base + start, base + start + value.len());
            match c {
                Col::Date => date = Some(value),
                Col::Time => time = Some(value),
                Col::Client if !dash => f.client = sp,
                Col::Forwarded if !dash => forwarded = Some((start, start + value.len())),
                Col::Method => f.method = Method::parse(value),
                Col::Path => f.path = sp,
                Col::Query if !dash => f.query = sp,
                Col::Status => match std::str::from_utf8(value)
                    .ok()
                    .and_then(|s| s.parse::<u16>().ok())
                {
                    Some(s) if s < 1000 => f.status = s,
                    _ => return false,
                },
                Col::Bytes => {
                    f.bytes = std::str::from_utf8(value)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0)
                }
                Col::User if !dash => f.user = sp,
                Col::Agent if !dash => f.agent = sp,
                _ => {}
            }
        }
        // Behind a proxy on the internal network, the forwarded address (CloudFront's
        // `x-forwarded-for`, IIS's custom `X-Forwarded-For`), as for nginx.
        if let Some((s, e)) = forwarded {
            super::believe_forwarded(line, base, f, s, e);
        }
        let (Some(d), Some(t)) = (date, time) else {
            return false;
        };
        let Some(ts) = timestamp(d, t) else {
            return false;
        };
        f.ts = ts;
        f.tz = 0;
        f.kind = if f.path.is_empty() {
            EvKind::App
        } else {
            EvKind::Http
        };
        f.status != 0 || f.kind == EvKind::App
    }
}

fn col(name: &str) -> Col {
    match name.to_ascii_lowercase().as_str() {
        "date" => Col::Date,
        "time" => Col::Time,
        "c-ip" => Col::Client,
        "x-forwarded-for" | "cs(x-forwarded-for)" => Col::Forwarded,
        "cs-method" => Col::Method,
        "cs-uri-stem" => Col::Path,
        "cs-uri-query" => Col::Query,
        "sc-status" => Col::Status,
        "sc-bytes" => Col::Bytes,
        "cs-username" => Col::User,
        "cs(user-agent)" => Col::Agent,
        _ => Col::Ignore,
    }
}

/// `2024-03-01` and `10:00:00` (UTC, as W3C logs are written).
fn timestamp(d: &[u8], t: &[u8]) -> Option<i64> {
    let n = num;
    if d.len() != 10 || d[4] != b'-' || d[7] != b'-' || t.len() < 8 || t[2] != b':' || t[5] != b':'
    {
        return None;
    }
    let (y, m, dd) = (n(&d[..4])?, n(&d[5..7])?, n(&d[8..10])?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&dd) {
        return None;
    }
    let (hh, mm, ss) = (n(&t[..2])?, n(&t[3..5])?, n(&t[6..8])?);
    Some(days_from_civil(y, m as u32, dd as u32) * 86_400 + hh * 3600 + mm * 60 + ss)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::span_text as s;

    #[test]
    fn iis_and_cloudfront() {
        let iis = b"#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2024-03-01 10:00:00\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n";
        let w = W3cFormat::from_sample(iis);
        let l = b"2024-03-01 10:00:01 10.0.0.4 GET /wp-login.php id=1 443 - 203.0.113.9 Mozilla/5.0+(compatible;+sqlmap/1.7) - 404 0 2 15";
        let mut f = Fields::default();
        assert!(w.parse(l, 0, &mut f));
        assert_eq!(
            (f.kind, f.status, f.method),
            (EvKind::Http, 404, Method::Get)
        );
        assert_eq!(s(l, f.client), b"203.0.113.9");
        assert_eq!(s(l, f.path), b"/wp-login.php");
        assert_eq!(s(l, f.query), b"id=1");
        assert!(s(l, f.agent).starts_with(b"Mozilla/5.0+"));
        let mut f = Fields::default();
        assert!(w.parse(b"#Date: 2024-03-01 10:00:00", 0, &mut f));
        assert_eq!(f.kind, EvKind::App);
        assert!(!w.parse(
            b"2024-03-01 10:00:01 10.0.0.4 GET / - 443 - 203.0.113.9 x - notanumber 0 0 1",
            0,
            &mut Fields::default()
        ));
        // CloudFront: tabs, its own columns.
        let cf = b"#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query\n";
        let w = W3cFormat::from_sample(cf);
        let l = b"2024-03-01\t10:00:02\tFRA2-C1\t512\t198.51.100.4\tGET\td1.cloudfront.net\t/.env\t403\t-\tcurl/8.0\t-";
        let mut f = Fields::default();
        assert!(w.parse(l, 0, &mut f));
        assert_eq!((f.status, f.bytes), (403, 512));
        assert_eq!(
            (s(l, f.client), s(l, f.path)),
            (&b"198.51.100.4"[..], &b"/.env"[..])
        );
        assert!(f.query.is_empty());
        assert!(looks_like(
            b"#Software: Microsoft Internet Information Services 10.0"
        ));
        for e in 0..=l.len() {
            w.parse(&l[..e], 0, &mut Fields::default());
        }
    }
}
