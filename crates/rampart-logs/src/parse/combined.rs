//! nginx/Apache `combined` and `common`, byte by byte: plain loops for the short fields, memchr
//! for the long ones, no regex, no allocation. This is the hot path of the benchmark.

use super::{believe_forwarded, find_byte, set_request, Fields};
use crate::event::Span;
use crate::time::parse_clf;
use memchr::{memchr, memrchr};

/// Where the quoted field starting at `s` (after its opening quote) ends: the first quote,
/// not escaped, followed by ` "` or by the end of the line.
fn field_end(line: &[u8], s: usize) -> Option<usize> {
    let mut k = s;
    loop {
        let q = memchr(b'"', line.get(k..)?)? + k;
        let rest = &line[q + 1..];
        let at_end = rest.starts_with(b" \"") || rest.trim_ascii().is_empty();
        if at_end && !(q > s && line[q - 1] == b'\\') {
            return Some(q);
        }
        k = q + 1;
    }
}

/// `name:port` (a virtual host and its port), not an address (IPv6 has several colons).
fn is_vhost_port(b: &[u8]) -> bool {
    match memrchr(b':', b) {
        Some(i) => {
            i > 0
                && i + 1 < b.len()
                && b[i + 1..].iter().all(u8::is_ascii_digit)
                && !b[..i].contains(&b':')
        }
        None => false,
    }
}

/// Parses one line at `base` in the chunk into `f`. `false` when the line is not in the format.
pub fn parse(line: &[u8], base: usize, f: &mut Fields) -> bool {
    let sp = |s: usize, e: usize| Span::new(base + s, base + e);
    // client
    let Some(c_end) = find_byte(b' ', line) else {
        return false;
    };
    if c_end == 0 {
        return false;
    }
    f.client = sp(0, c_end);
    // ident, then user up to " ["
    let Some(lb) = find_byte(b'[', &line[c_end..]).map(|i| i + c_end) else {
        return false;
    };
    let Some(id_end) = find_byte(b' ', &line[c_end + 1..]).map(|i| i + c_end + 1) else {
        return false;
    };
    if id_end + 1 < lb.saturating_sub(1) {
        let (mut us, ue) = (id_end + 1, lb - 1);
        // Apache's `vhost_combined` (Debian's other_vhosts_access.log) puts `host:port` first:
        // `www.example.org:443 203.0.113.9 - - [`. The client is then the second word.
        if line[us..ue].contains(&b' ') && is_vhost_port(&line[..c_end]) {
            f.client = sp(c_end + 1, id_end);
            us = match find_byte(b' ', &line[us..ue]) {
                Some(i) => us + i + 1,
                None => ue,
            };
        }
        if us < ue && !(ue - us == 1 && line[us] == b'-') {
            f.user = sp(us, ue);
        }
    }
    // The timestamp is 26 bytes (`15/Apr/2020:18:24:02 +0200`), so its `]` is almost always
    // at `lb + 27`: try there before scanning for it. A timestamp that parses has digits,
    // letters and fixed separators everywhere but after the hour and the minute (checked
    // here), so with the offset's space in place no earlier `]` can hide in it and this is the
    // `]` the scan would find.
    let fixed = lb + 27;
    let quick = (line.get(fixed) == Some(&b']')
        && line[lb + 15] != b']'
        && line[lb + 18] != b']'
        && line[lb + 21] == b' ')
        .then(|| parse_clf(&line[lb + 1..fixed]))
        .flatten();
    let (rb, (ts, off)) = match quick {
        Some(t) => (fixed, t),
        None => {
            let Some(rb) = find_byte(b']', &line[lb..]).map(|i| i + lb) else {
                return false;
            };
            let Some(t) = parse_clf(&line[lb + 1..rb]) else {
                return false;
            };
            (rb, t)
        }
    };
    f.ts = ts;
    f.tz = off;
    // request: `] "..."`
    let q = rb + 2;
    if line.len() < q + 1 || line[rb + 1] != b' ' || line[q] != b'"' {
        return false;
    }
    let rs = q + 1;
    // The request ends at the quote that is followed by ` ddd ` (the status); an escaped quote
    // inside the request (Apache writes \") is not followed by that.
    let mut search = rs;
    let re = loop {
        let Some(i) = memchr(b'"', &line[search..]).map(|i| i + search) else {
            return false;
        };
        if line.len() >= i + 5
            && line[i + 1] == b' '
            && line[i + 2..i + 5].iter().all(u8::is_ascii_digit)
            && (line.len() == i + 5 || line[i + 5] == b' ')
        {
            break i;
        }
        search = i + 1;
    };
    set_request(line, base, rs, re, f);
    let st = re + 2;
    f.status = (line[st] - b'0') as u16 * 100
        + (line[st + 1] - b'0') as u16 * 10
        + (line[st + 2] - b'0') as u16;
    // bytes
    let mut i = st + 4;
    let mut bytes = 0u64;
    while i < line.len() && line[i].is_ascii_digit() {
        bytes = bytes.saturating_mul(10) + (line[i] - b'0') as u64;
        i += 1;
    }
    f.bytes = bytes;
    // combined: ` "referer" "agent"`, then perhaps more quoted fields (nginx's stock `main`
    // format ends with `"$http_x_forwarded_for"`). A field ends at a quote followed by ` "` or
    // by the end of the line; Apache writes a quote inside a field as `\"`.
    let Some(r) = find_byte(b'"', &line[i.min(line.len())..]).map(|k| k + i) else {
        return true;
    };
    // The common case first, by the old backward walk: the last field, and whether the
    // referer's closing quote is right before it (two fields). A short search for the
    // referer's end (`-` or a URL) is all it adds.
    let end = memrchr(b'"', line).unwrap_or(r);
    if end <= r {
        return true;
    }
    let mut k = end;
    let last = loop {
        match memrchr(b'"', &line[r..k]) {
            Some(j) => {
                k = r + j;
                if k > 0 && line[k - 1] == b' ' {
                    break k;
                }
            }
            None => break r,
        }
    };
    let tail_ok = line[end + 1..].trim_ascii().is_empty();
    if last == r
        || (tail_ok && find_byte(b'"', &line[r + 1..last]).map(|q| q + r + 1) == Some(last - 2))
    {
        // `"agent"` alone (a `common` log with the agent appended) or `"referer" "agent"`.
        f.agent = sp(last + 1, end);
        return true;
    }
    // More fields, or quotes inside them: walk forward from the referer.
    let Some(ref_end) = field_end(line, r + 1) else {
        return true;
    };
    if line[ref_end + 1..].trim_ascii().is_empty() {
        f.agent = sp(r + 1, ref_end);
        return true;
    }
    let a = ref_end + 3;
    let Some(a_end) = field_end(line, a) else {
        return true;
    };
    f.agent = sp(a, a_end);
    // Behind a reverse proxy on the internal network, the client is in the forwarded field
    // (see `believe_forwarded`); a public `$remote_addr` is the client itself.
    if a_end + 3 < line.len() && line[a_end + 1] == b' ' && line[a_end + 2] == b'"' {
        let x = a_end + 3;
        if let Some(x_end) = field_end(line, x) {
            believe_forwarded(line, base, f, x, x_end);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::span_text as s;
    #[test]
    fn parses_combined_and_common() {
        let l = br#"83.92.14.201 - - [15/Apr/2020:18:24:02 +0200] "POST /register?x=1 HTTP/1.1" 400 1620 "https://m/register" "Mozilla/5.0 (X11)""#;
        let mut f = Fields::default();
        assert!(parse(l, 0, &mut f));
        assert_eq!(s(l, f.client), b"83.92.14.201");
        assert_eq!(s(l, f.path), b"/register");
        assert_eq!(s(l, f.query), b"x=1");
        assert_eq!(f.status, 400);
        assert_eq!(f.bytes, 1620);
        assert_eq!(s(l, f.agent), b"Mozilla/5.0 (X11)");
        assert!(f.user.is_empty());
        let c = br#"10.0.0.1 - bob [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.0" 200 -"#;
        let mut f = Fields::default();
        assert!(parse(c, 0, &mut f));
        assert_eq!(s(c, f.user), b"bob");
        assert_eq!(f.status, 200);
        let esc = br#"1.2.3.4 - - [15/Apr/2020:18:24:02 +0200] "GET /a\"b HTTP/1.1" 404 0 "-" "x""#;
        let mut f = Fields::default();
        assert!(parse(esc, 0, &mut f));
        assert_eq!(f.status, 404);
        // The `]` is the first one after `[`, whether or not it sits where a full timestamp
        // ends: a `]` inside the timestamp ends it there (and the line does not parse).
        for (ts, ok) in [
            ("15/Apr/2020:18:24:02 +0200", true),
            ("15/Apr/2020:18:24:02", true),
            ("15/Apr/2020:18]24:02 +0200", false),
            ("15/Apr/2020:18:24]02 +0200", false),
            ("15/Apr/2020:18:24:02]+0200", false),
        ] {
            let l = format!(r#"1.2.3.4 - - [{ts}] "GET / HTTP/1.1" 200 0 "-" "x""#);
            let mut f = Fields::default();
            assert_eq!(parse(l.as_bytes(), 0, &mut f), ok, "{ts}");
            if ok {
                assert_eq!(f.status, 200, "{ts}");
            }
        }
        let mut f = Fields::default();
        assert!(!parse(b"garbage line", 0, &mut f));
        assert!(!parse(b"", 0, &mut f));
    }

    #[test]
    fn trailing_fields_keep_the_agent_and_a_proxy_gives_way_to_its_client() {
        let ua = "Mozilla/5.0 (X11; Linux) sqlmap-ish \\\"quoted\\\" tail";
        for (l, client, agent) in [
            // nginx's stock `main`: the agent is not the forwarded field.
            (r#"203.0.113.5 - - [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.1" 200 5 "-" "sqlmap/1.7" "-""#.to_string(), "203.0.113.5", "sqlmap/1.7"),
            // A public client's own X-Forwarded-For is its text: ignored.
            (r#"203.0.113.5 - - [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.1" 200 5 "-" "x" "198.51.100.1""#.to_string(), "203.0.113.5", "x"),
            // Behind a proxy on 10.0.0.2: the rightmost address that is not internal; what the
            // client sent on the left is not believed.
            (r#"10.0.0.2 - - [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.1" 200 5 "-" "x" "6.6.6.6, 198.51.100.7, 10.0.0.9""#.to_string(), "198.51.100.7", "x"),
            (r#"127.0.0.1 - - [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.1" 200 5 "-" "x" "unknown, -""#.to_string(), "127.0.0.1", "x"),
            (r#"::1 - - [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.1" 200 5 "-" "x" "192.168.1.20""#.to_string(), "192.168.1.20", "x"),
            (format!(r#"1.2.3.4 - - [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.1" 200 5 "-" "{ua}""#), "1.2.3.4", ua),
            ("1.2.3.4 - - [15/Apr/2020:18:24:02 +0200] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\r".to_string(), "1.2.3.4", "x"),
        ] {
            let l = l.as_bytes();
            let mut f = Fields::default();
            assert!(parse(l, 0, &mut f));
            assert_eq!(s(l, f.client), client.as_bytes(), "{}", String::from_utf8_lossy(l));
            assert_eq!(s(l, f.agent), agent.as_bytes(), "{}", String::from_utf8_lossy(l));
        }
    }

    #[test]
    fn vhost_combined_names_the_client_not_the_host() {
        for (l, client, user) in [
            (&br#"www.example.org:443 203.0.113.9 - - [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.1" 200 5 "-" "x""#[..], &b"203.0.113.9"[..], &b""[..]),
            (br#"www.example.org:80 2001:db8::7 - bob [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.1" 200 5 "-" "x""#, b"2001:db8::7", b"bob"),
            // Plain combined with an IPv6 client stays as it was.
            (br#"2001:db8::7 - - [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.1" 200 5 "-" "x""#, b"2001:db8::7", b""),
        ] {
            let mut f = Fields::default();
            assert!(parse(l, 0, &mut f));
            assert_eq!(s(l, f.client), client, "{}", String::from_utf8_lossy(l));
            assert_eq!(s(l, f.user), user);
            assert_eq!(f.status, 200);
        }
    }
}
