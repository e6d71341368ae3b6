//! Parsers: one per log format, all writing the same compact [`Ev`] record.

mod apache_error;
mod combined;
mod json;
mod nginx;
mod nginx_error;
mod regex_app;
mod sshd;
mod w3c;

use crate::event::{Ev, Method, Span};
use crate::time::SyslogYear;
use crate::LogsError;
use rampart_config::LogsSection;
use std::collections::BTreeMap;

/// Whether an error log's level (`error`, or Apache 2.4's `core:error`) is error or worse.
pub(crate) fn is_fault_level(level: &[u8]) -> bool {
    let l = level
        .iter()
        .rposition(|&c| c == b':')
        .map_or(level, |i| &level[i + 1..]);
    matches!(l, b"error" | b"crit" | b"alert" | b"emerg")
}

/// What a parser fills in; the classifier adds hashes and flags afterwards.
pub type Fields = Ev;

/// A log format, compiled once per source.
#[derive(Debug, Clone)]
pub enum Parser {
    Combined,
    NginxError,
    ApacheError { year: SyslogYear },
    W3c(w3c::W3cFormat),
    Sshd { year: SyslogYear },
    Nginx(nginx::NginxFormat),
    Json(json::JsonMap),
    Regex(regex_app::AppRegex),
}

/// How to read one source, as written in the project file or on the command line.
#[derive(Debug, Clone, Default)]
pub struct FormatSpec {
    /// `auto`, `combined`, `common`, `sshd`, `json`, `regex`, `nginx`, `nginx_error`,
    /// `apache_error`, `w3c`.
    pub format: String,
    pub log_format: Option<String>,
    pub regex: Option<String>,
    pub fields: BTreeMap<String, String>,
    pub syslog_year: Option<i32>,
}

impl FormatSpec {
    pub fn from_section(s: &LogsSection, format: &str) -> FormatSpec {
        FormatSpec {
            format: format.to_string(),
            log_format: s.log_format.clone(),
            regex: s.regex.clone(),
            fields: s.fields.clone(),
            syslog_year: s.syslog_year,
        }
    }
}

impl Parser {
    /// Compiles `spec`; for `auto`, looks at the first lines (`sample`) to choose.
    pub fn build(
        spec: &FormatSpec,
        sample: &[u8],
        default_year: SyslogYear,
    ) -> Result<Parser, LogsError> {
        let year = spec.syslog_year.map_or(default_year, SyslogYear::fixed);
        let format = if spec.format == "auto" || spec.format.is_empty() {
            sniff(spec, sample)
        } else {
            spec.format.as_str()
        };
        Ok(match format {
            "combined" | "common" => Parser::Combined,
            "nginx_error" => Parser::NginxError,
            "apache_error" => Parser::ApacheError { year },
            "w3c" => Parser::W3c(w3c::W3cFormat::from_sample(sample)),
            "sshd" => Parser::Sshd { year },
            "nginx" => {
                let lf = spec.log_format.as_deref().ok_or_else(|| LogsError::Format {
                    what: "format \"nginx\" needs a log_format string".into(),
                })?;
                Parser::Nginx(nginx::NginxFormat::compile(lf)?)
            }
            "json" => Parser::Json(json::JsonMap::new(&spec.fields)),
            "regex" => {
                let re = spec.regex.as_deref().ok_or_else(|| LogsError::Format {
                    what: "format \"regex\" needs a regex with named groups".into(),
                })?;
                Parser::Regex(regex_app::AppRegex::compile(re)?)
            }
            other => {
                return Err(LogsError::Format {
                    what: format!(
                        "unknown format \"{other}\"; expected auto, combined, common, sshd, json, regex, nginx, nginx_error, apache_error or w3c"
                    ),
                })
            }
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Parser::Combined => "combined",
            Parser::NginxError => "nginx_error",
            Parser::ApacheError { .. } => "apache_error",
            Parser::W3c(_) => "w3c",
            Parser::Sshd { .. } => "sshd",
            Parser::Nginx(_) => "nginx",
            Parser::Json(_) => "json",
            Parser::Regex(_) => "regex",
        }
    }

    /// Parses `line` (at offset `base` of the chunk). Unescaped values go to `arena`, whose spans
    /// start at `buf_len`. `false` for a malformed line.
    pub fn parse(
        &self,
        line: &[u8],
        base: usize,
        buf_len: usize,
        arena: &mut Vec<u8>,
        f: &mut Fields,
    ) -> bool {
        match self {
            Parser::Combined => combined::parse(line, base, f),
            Parser::NginxError => nginx_error::parse(line, base, f),
            Parser::ApacheError { year } => apache_error::parse(line, base, *year, f),
            Parser::W3c(w) => w.parse(line, base, f),
            Parser::Sshd { year } => sshd::parse(line, base, *year, f),
            Parser::Nginx(n) => n.parse(line, base, f),
            Parser::Json(j) => j.parse(line, buf_len, arena, f),
            Parser::Regex(r) => r.parse(line, base, f),
        }
    }
}

/// Picks a format from the first non-empty lines.
fn sniff<'a>(spec: &'a FormatSpec, sample: &[u8]) -> &'a str {
    let first = sample
        .split(|&c| c == b'\n')
        .find(|l| !l.trim_ascii().is_empty())
        .unwrap_or(b"");
    if first.trim_ascii_start().starts_with(b"{") {
        return "json";
    }
    if w3c::looks_like(first) {
        return "w3c";
    }
    // sshd's own lines under any syslog header (classic, RFC 3339, RFC 5424; `sshd`,
    // `sshd-session`, `sshd-auth`).
    if memchr::memmem::find(first, b"sshd").is_some()
        && sshd::parse(first, 0, SyslogYear::fixed(2000), &mut Fields::default())
    {
        return "sshd";
    }
    let mut f = Fields::default();
    if combined::parse(first, 0, &mut f) {
        return "combined";
    }
    if nginx_error::looks_like(first) {
        return "nginx_error";
    }
    if apache_error::looks_like(first) {
        return "apache_error";
    }
    if spec.log_format.is_some() {
        return "nginx";
    }
    if spec.regex.is_some() {
        return "regex";
    }
    // Another program's syslog line first (cron, systemd): an auth log, read as sshd's.
    if sshd::parse(first, 0, SyslogYear::fixed(2000), &mut Fields::default()) {
        return "sshd";
    }
    "combined"
}

/// `b` as an IP address, when it is one.
pub(crate) fn ip(b: &[u8]) -> Option<std::net::IpAddr> {
    std::str::from_utf8(b).ok()?.parse().ok()
}

fn internal_v4(v4: std::net::Ipv4Addr) -> bool {
    let o = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || (o[0] == 100 && (64..128).contains(&o[1]))
}

/// Whether `addr` is an address a reverse proxy in front of the service would connect from:
/// loopback, private (RFC 1918, RFC 4193), link-local or shared (RFC 6598).
pub(crate) fn is_internal(addr: &[u8]) -> bool {
    match ip(addr) {
        Some(std::net::IpAddr::V4(v4)) => internal_v4(v4),
        Some(std::net::IpAddr::V6(v6)) => {
            let seg = v6.segments()[0];
            v6.is_loopback()
                || (seg & 0xfe00) == 0xfc00
                || (seg & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(internal_v4)
        }
        None => false,
    }
}

/// The client behind reverse proxies, from an `X-Forwarded-For` value at `start..end` of
/// `line`, as nginx's realip module with the internal ranges trusted and `real_ip_recursive`
/// does: the rightmost address that is not internal (each proxy appends the address it was
/// connected from, so the left part is whatever the client chose to send); the leftmost
/// address when all are internal; `None` when no entry is an address (`-`, `unknown`).
pub(crate) fn forwarded_client(line: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
    let mut first = None;
    let v = &line[start..end];
    let mut stop = v.len();
    loop {
        let from = memchr::memrchr(b',', &v[..stop]).map_or(0, |i| i + 1);
        let entry = &v[from..stop];
        let lead = entry.len() - entry.trim_ascii_start().len();
        let e = entry.trim_ascii();
        if ip(e).is_some() {
            let (s, t) = (start + from + lead, start + from + lead + e.len());
            if !is_internal(e) {
                return Some((s, t));
            }
            first = Some((s, t));
        }
        if from == 0 {
            break;
        }
        stop = from - 1;
    }
    first
}

/// Sets the client from a forwarded field at `start..end` of `line` (see
/// [`forwarded_client`]) when the connecting address in `f` is internal or absent: behind a
/// proxy on the internal network the client is in the field; a public connecting address is
/// the client itself, and its own header is text it chose.
pub(crate) fn believe_forwarded(
    line: &[u8],
    base: usize,
    f: &mut Fields,
    start: usize,
    end: usize,
) {
    let c = f.client;
    let client = &line[(c.start as usize).saturating_sub(base)..][..c.len as usize];
    if c.is_empty() || is_internal(client) {
        if let Some((s, e)) = forwarded_client(line, start, end) {
            f.client = Span::new(base + s, base + e);
        }
    }
}

/// The first `b` in `h`, without `memchr`: for the short fields of a log line (a client, a
/// method, a URI, a query pair) `memchr`'s per-call dispatch and setup cost more than the few
/// bytes it scans. Long scans keep `memchr`. Eight bytes at a time (a word compare: a byte
/// loop costs a compare and a branch per byte), then the last few by a loop.
#[inline]
pub(crate) fn find_byte(b: u8, h: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pat = LO * b as u64;
    let mut words = h.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        // Zero bytes of `x` are the matches; this sets the high bit of the lowest zero byte
        // exactly (bytes above it may be set falsely, below it never).
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes")) ^ pat;
        let zero = x.wrapping_sub(LO) & !x & HI;
        if zero != 0 {
            return Some(at + (zero.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&c| c == b)
        .map(|i| at + i)
}

/// Splits `METHOD URI PROTO` (bytes `rs..re` of `line`) into method, path and query.
pub(crate) fn set_request(line: &[u8], base: usize, rs: usize, re: usize, f: &mut Fields) {
    let req = &line[rs..re];
    let Some(m_end) = find_byte(b' ', req) else {
        // `"-"` or a bare word: no request (nginx logs 400s for garbage like this).
        f.method = Method::parse(req);
        return;
    };
    f.method = Method::parse(&req[..m_end]);
    let mut u_end = req.len();
    if let Some(last) = req.iter().rposition(|&c| c == b' ') {
        if last > m_end && req[last + 1..].starts_with(b"HTTP/") {
            u_end = last;
        }
    }
    set_uri(base + rs, &req[m_end + 1..u_end], m_end + 1, f);
}

/// Sets path and query from a URI at `off` (relative offset `rel` inside the request).
pub(crate) fn set_uri(abs: usize, uri: &[u8], rel: usize, f: &mut Fields) {
    let start = abs + rel;
    match find_byte(b'?', uri) {
        Some(q) => {
            f.path = Span::new(start, start + q);
            f.query = Span::new(start + q + 1, start + uri.len());
        }
        None => f.path = Span::new(start, start + uri.len()),
    }
}

#[cfg(test)]
mod find_byte_tests {
    use super::find_byte;

    #[test]
    fn finds_the_first_byte_as_a_plain_loop_does() {
        let bytes = [b' ', b'?', b'a', 0, 0x80, 0xff, 0x7f, b'!', 0x3f ^ 0x80];
        let mut seed = 7u32;
        for len in 0..40 {
            for _ in 0..200 {
                let h: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                        bytes[(seed >> 16) as usize % bytes.len()]
                    })
                    .collect();
                for b in bytes {
                    assert_eq!(
                        find_byte(b, &h),
                        h.iter().position(|&c| c == b),
                        "{b} {h:?}"
                    );
                }
            }
        }
    }
}

/// A span's bytes in the line it was parsed from (the parsers' tests).
#[cfg(test)]
pub(crate) fn span_text(line: &[u8], sp: Span) -> &[u8] {
    &line[sp.start as usize..(sp.start + sp.len) as usize]
}

#[cfg(test)]
mod format_list_tests {
    use super::*;

    /// Every format a project file may name builds a parser, and the parser says its name: the
    /// list the validation accepts and the parsers cannot drift apart.
    #[test]
    fn every_format_the_project_file_accepts_has_a_parser() {
        for name in rampart_config::LOG_FORMATS {
            let spec = FormatSpec {
                format: name.to_string(),
                log_format: Some("$remote_addr [$time_local] \"$request\" $status".into()),
                regex: Some(r"^(?P<time>\S+) (?P<client>\S+)".into()),
                ..Default::default()
            };
            let p = Parser::build(&spec, b"", SyslogYear::fixed(2024))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            if !matches!(*name, "auto" | "common") {
                assert_eq!(p.name(), *name);
            }
        }
        assert!(Parser::build(
            &FormatSpec {
                format: "nope".into(),
                ..Default::default()
            },
            b"",
            SyslogYear::fixed(2024)
        )
        .is_err());
    }
}
