//! nginx's error log: `2015/01/21 10:56:10 [error] 2833#0: *16336 MESSAGE, client: IP, server:
//! NAME, request: "GET /path HTTP/1.1", host: "…"`. A line about a request becomes that request,
//! with the status nginx answered for that message, so the access-log detectors read it:
//! missing files and forbidden paths (probing, fail2ban's `nginx-botsearch`), failed basic-auth
//! logins (brute force, `nginx-http-auth`), requests rejected by `limit_req` (floods,
//! `nginx-limit-req`), and upstream failures (5xx). Other lines (startup, reloads) are valid
//! but not events.

use super::{set_request, Fields};
use crate::event::{flag, EvKind, Span};
use crate::time::{days_from_civil, num};
use memchr::memmem;

/// `YYYY/MM/DD HH:MM:SS [level] ` at the start of the line.
pub fn looks_like(line: &[u8]) -> bool {
    timestamp(line).is_some() && line.get(20) == Some(&b'[')
}

fn timestamp(line: &[u8]) -> Option<i64> {
    let b = line.get(..19)?;
    let shape = b[4] == b'/' && b[7] == b'/' && b[10] == b' ' && b[13] == b':' && b[16] == b':';
    if !shape {
        return None;
    }
    let n = |r: std::ops::Range<usize>| num(&b[r]);
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    Some(days_from_civil(y, m as u32, d as u32) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// What nginx answered for a message, and whether it is a failed login.
fn outcome(msg: &[u8]) -> Option<(u16, bool)> {
    let has = |s: &[u8]| memmem::find(msg, s).is_some();
    Some(
        if has(b"No such file or directory") || has(b"is not found") {
            (404, false)
        } else if has(b"was not found in \"")
            || has(b"password mismatch")
            || has(b"no user/password was provided")
        {
            // auth_basic: `user "bob" was not found in "/etc/nginx/.htpasswd"`,
            // `user "bob": password mismatch`.
            (401, true)
        } else if has(b"access forbidden by rule")
            || has(b"is forbidden")
            || has(b"Permission denied")
        {
            (403, false)
        } else if has(b"limiting requests, excess") || has(b"limiting connections by zone") {
            (503, false)
        } else if has(b"upstream timed out") {
            (504, false)
        } else if has(b"while connecting to upstream")
            || has(b"upstream prematurely closed")
            || has(b"no live upstreams")
        {
            (502, false)
        } else if has(b"client intended to send too large body") {
            (413, false)
        } else {
            return None;
        },
    )
}

/// `, server: NAME[, request: "…"][, name: "VALUE"]…` to the end of the line, VALUE without
/// spaces or quotes, the request line with at most two spaces and no quote.
fn nginx_tail(rest: &[u8]) -> bool {
    let Some(r) = rest.strip_prefix(b", server: ") else {
        return false;
    };
    let name_end = memchr::memchr2(b',', b' ', r).unwrap_or(r.len());
    if r[..name_end].contains(&b'"') {
        return false;
    }
    let mut r = &r[name_end..];
    if let Some(q) = r.strip_prefix(b", request: \"") {
        let Some(e) = memchr::memchr(b'"', q) else {
            return false;
        };
        if q[..e].iter().filter(|&&c| c == b' ').count() > 2 {
            return false;
        }
        r = &q[e + 1..];
    }
    loop {
        let r2 = r.trim_ascii_end();
        if r2.is_empty() {
            return true;
        }
        let Some(after) = r2.strip_prefix(b", ") else {
            return false;
        };
        let Some(colon) = memmem::find(after, b": \"") else {
            return false;
        };
        if !after[..colon].iter().all(|c| c.is_ascii_lowercase()) {
            return false;
        }
        let v = &after[colon + 3..];
        let Some(e) = memchr::memchr(b'"', v) else {
            return false;
        };
        if v[..e].contains(&b' ') {
            return false;
        }
        r = &v[e + 1..];
    }
}

pub fn parse(line: &[u8], base: usize, f: &mut Fields) -> bool {
    let Some(ts) = timestamp(line) else {
        return false;
    };
    if line.get(19) != Some(&b' ') || line.get(20) != Some(&b'[') {
        return false;
    }
    f.ts = ts;
    f.tz = 0;
    f.kind = EvKind::App;
    let sp = |s: usize, e: usize| Span::new(base + s, base + e);
    let level_end = memchr::memchr(b']', &line[21..]).map_or(21, |k| k + 21);
    if super::is_fault_level(&line[21..level_end]) {
        // Cleared below when the line turns out to be about a client's request. The message
        // starts after `PID#TID: ` and a connection's `*N `.
        f.flags |= flag::SERVER_ERROR;
        let mut m = (level_end + 2).min(line.len());
        if let Some(k) = memmem::find(&line[m..], b": ").filter(|&k| {
            line[m..m + k]
                .iter()
                .all(|c| c.is_ascii_digit() || *c == b'#')
        }) {
            m += k + 2;
        }
        if line[m..].starts_with(b"*") {
            let d = line[m + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if d > 0 && line.get(m + 1 + d) == Some(&b' ') {
                m += d + 2;
            }
        }
        f.msg = sp(m, line.len());
    }
    // The fields nginx appends after the message: `, client: IP, server: NAME, request: "…"`,
    // then `upstream`, `host`, `referrer`. The message before them can hold the client's text
    // (a decoded path, a user name) and so a forged `, client: …`. The real one is the one
    // whose tail is nginx's own grammar to the end of the line: a server name, a request line,
    // and quoted values without spaces (as fail2ban's filters require) — text the client
    // wrote into the message is followed by the rest of the message, and a value without
    // spaces cannot hold a forged field. No such tail: the line names no one.
    let mut found = None;
    let mut from = 0;
    while let Some(i) = memmem::find(&line[from..], b", client: ").map(|i| i + from) {
        let cs = i + 10;
        let ce = memchr::memchr(b',', &line[cs..]).map_or(line.len(), |k| k + cs);
        let is_addr = super::ip(&line[cs..ce]).is_some() || line[cs..ce].starts_with(b"unix:");
        if is_addr && nginx_tail(&line[ce..]) {
            found = Some((i, cs, ce));
        }
        from = cs;
    }
    let Some((c, cs, ce)) = found else {
        return true;
    };
    f.client = sp(cs, ce);
    let msg = &line[..c];
    f.msg = sp(20, c);
    if let Some(r) = memmem::find(&line[ce..], b", request: \"").map(|i| i + ce + 12) {
        // The request ends at the quote before `, host:`/`, upstream:`/`, referrer:` or the end.
        let rest = &line[r..];
        let re = [
            &b"\", upstream: "[..],
            b"\", host: ",
            b"\", referrer: ",
            b"\", subrequest: ",
        ]
        .iter()
        .filter_map(|m| memmem::find(rest, m))
        .min()
        .or_else(|| rest.trim_ascii_end().strip_suffix(b"\"").map(|s| s.len()))
        .map(|i| i + r);
        if let Some(re) = re {
            set_request(line, base, r, re, f);
        }
    }
    if let Some((status, login)) = outcome(msg) {
        f.status = status;
        if login {
            f.flags |= flag::AUTH_FAIL;
            if let Some(u) = memmem::find(msg, b"user \"") {
                let us = u + 6;
                if let Some(ue) = memchr::memchr(b'"', &line[us..c]) {
                    f.user = sp(us, us + ue);
                }
            }
        }
    }
    if !f.path.is_empty() {
        f.kind = EvKind::Http;
        f.flags &= !flag::SERVER_ERROR;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::span_text as s;

    #[test]
    fn requests_statuses_users_and_other_lines() {
        let l = br#"2015/01/21 10:56:10 [error] 2833#0: *16336 open() "/var/www/site/cgi-bin/php4" failed (2: No such file or directory), client: 5.7.9.2, server: localhost, request: "GET /cgi-bin/php4 HTTP/1.1", host: "1.2.3.4""#;
        let mut f = Fields::default();
        assert!(parse(l, 0, &mut f));
        assert_eq!((f.kind, f.status), (EvKind::Http, 404));
        assert_eq!(s(l, f.client), b"5.7.9.2");
        assert_eq!(s(l, f.path), b"/cgi-bin/php4");
        let l = br#"2012/04/09 11:53:29 [error] 2865#0: *66647 user "xyz" was not found in "/var/www/.htpasswd", client: 192.0.43.10, server: www.myhost.com, request: "GET / HTTP/1.1", host: "www.myhost.com""#;
        let mut f = Fields::default();
        assert!(parse(l, 0, &mut f));
        assert_eq!(f.status, 401);
        assert!(f.has(flag::AUTH_FAIL));
        assert_eq!(s(l, f.user), b"xyz");
        let l = br#"2015/10/29 20:01:02 [error] 256554#0: *99927 limiting requests, excess: 1.852 by zone "one", client: 192.0.2.1, server: example.com, request: "POST /index.php HTTP/1.0", host: "example.com""#;
        let mut f = Fields::default();
        assert!(parse(l, 0, &mut f));
        assert_eq!((f.status, f.method.as_str()), (503, "POST"));
        // Text that imitates the fields: in the message (a path, a user name) it is followed by
        // the rest of the message and is not read; in the referrer it cannot be whole (spaces),
        // and the line names no one rather than the wrong one.
        let l = br#"2015/01/21 10:56:10 [error] 1#0: *1 "/var/www/x, client: 6.6.6.6, y" is not found (2: No such file or directory), client: 192.0.2.7, server: s, request: "GET /x HTTP/1.1", host: "h""#;
        let mut f = Fields::default();
        assert!(parse(l, 0, &mut f));
        assert_eq!(s(l, f.client), b"192.0.2.7");
        let l = br#"2015/01/21 10:56:10 [error] 1#0: *1 "/var/www/x, client: 6.6.6.6, server: s, y" is not found (2: No such file or directory), client: 192.0.2.7, server: s, request: "GET /x HTTP/1.1", host: "h""#;
        let mut f = Fields::default();
        assert!(parse(l, 0, &mut f));
        assert_eq!(s(l, f.client), b"192.0.2.7");
        let l = br#"2015/01/21 10:56:10 [error] 1#0: *1 "/var/www/x" is not found (2: No such file or directory), client: 192.0.2.7, server: s, request: "GET /x HTTP/1.1", host: "h", referrer: "a, client: 6.6.6.6, server: s""#;
        let mut f = Fields::default();
        assert!(parse(l, 0, &mut f));
        assert!(f.client.is_empty(), "{}", String::from_utf8_lossy(l));
        // Startup notices are lines, not events.
        let mut f = Fields::default();
        assert!(parse(
            b"2024/03/01 10:00:00 [notice] 1#1: start worker processes",
            0,
            &mut f
        ));
        assert_eq!(f.kind, EvKind::App);
        assert!(f.client.is_empty());
        assert!(!parse(b"not an nginx line", 0, &mut Fields::default()));
        assert!(looks_like(b"2024/03/01 10:00:00 [notice] 1#1: x"));
        // Every cut of a line reads without a panic.
        let l = br#"2015/01/21 10:56:10 [error] 2833#0: *16336 user "a" was not found in "/p", client: 5.7.9.2, server: s, request: "GET /a HTTP/1.1", host: "h""#;
        for e in 0..=l.len() {
            parse(&l[..e], 0, &mut Fields::default());
        }
    }
}
