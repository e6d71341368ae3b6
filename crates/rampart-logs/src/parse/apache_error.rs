//! Apache's error log, 2.2 (`[Sun Dec 04 04:51:18 2005] [error] [client 1.2.3.4] MESSAGE`) and
//! 2.4 (`[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1:tid 2] [client 1.2.3.4:5678]
//! AH00128: MESSAGE`). A line about a client's request becomes that request, with the status
//! Apache answered, so the access-log detectors read it: missing files and scripts 404 and
//! denied paths 403 (probing; fail2ban's `apache-noscript`, `apache-botsearch`), failed
//! basic/digest logins 401 with the user (brute force; `apache-auth`), invalid or overlong
//! request lines 400/414 (`apache-overflows`). Other lines (notices, module chatter) are valid
//! but not events — loghub's `Apache_2k` sample is mostly those.
//!
//! The client is taken only from the header's bracketed fields, which come before the message:
//! a message that repeats `[client …]` (a requested path can) is not read for it.

use super::{set_request, Fields};
use crate::event::{flag, EvKind, Span};
use crate::time::{days_from_civil, month_from_abbr, num, parse_syslog, SyslogYear};
use memchr::memmem;

/// `[Www Mmm dd hh:mm:ss[.ffffff] yyyy]`: the time and where the bracket closes.
fn timestamp(line: &[u8]) -> Option<(i64, usize)> {
    if line.first() != Some(&b'[') {
        return None;
    }
    let close = memchr::memchr(b']', line)?;
    let t = &line[1..close];
    // `Www Mmm dd hh:mm:ss` then optional fraction, then ` yyyy`.
    if t.len() < 24
        || t[3] != b' '
        || t[7] != b' '
        || t[10] != b' '
        || t[13] != b':'
        || t[16] != b':'
    {
        return None;
    }
    let m = month_from_abbr(&t[4..7])?;
    let d = num(t[8..10].trim_ascii_start())?;
    let (hh, mm, ss) = (num(&t[11..13])?, num(&t[14..16])?, num(&t[17..19])?);
    let y = num(&t[t.len() - 4..])?;
    if t[t.len() - 5] != b' ' || !(1..=31).contains(&d) {
        return None;
    }
    Some((
        days_from_civil(y, m, d as u32) * 86_400 + hh * 3600 + mm * 60 + ss,
        close,
    ))
}

/// Whether the line starts like Apache's error log (its own header, or syslog's).
pub fn looks_like(line: &[u8]) -> bool {
    timestamp(line).is_some_and(|(_, c)| line.get(c + 1..c + 3) == Some(b" ["))
        || syslog_header(line, SyslogYear::fixed(2000)).is_some()
}

/// The client's address. Apache 2.4 (`with_port`) appends the port to it, `1.2.3.4:5678` or
/// `2001:db8::1:5678` (which is also an IPv6 address: only the format tells); 2.2 does not.
fn address(v: &[u8], with_port: bool) -> &[u8] {
    let ip = |b: &[u8]| super::ip(b).is_some();
    if ip(v) && !with_port {
        return v;
    }
    if let Some(inner) = v.strip_prefix(b"[") {
        if let Some(e) = memchr::memchr(b']', inner) {
            return &inner[..e];
        }
    }
    match memchr::memrchr(b':', v) {
        Some(i) if ip(&v[..i]) && v[i + 1..].iter().all(u8::is_ascii_digit) => &v[..i],
        _ => v,
    }
}

/// A file path under a web root → the URL path (`/var/www/html/.env` → `/.env`), by the
/// usual document-root names; otherwise the path as written.
fn url_path(p: &[u8]) -> (usize, usize) {
    let mut best: Option<usize> = None;
    for root in [
        &b"/htdocs/"[..],
        b"/public_html/",
        b"/html/",
        b"/www/",
        b"/wwwroot/",
    ] {
        if let Some(i) = memmem::rfind(p, root) {
            let at = i + root.len() - 1;
            best = Some(best.map_or(at, |b: usize| b.max(at)));
        }
    }
    (best.unwrap_or(0), p.len())
}

/// Apache logging through syslog (`ErrorLog syslog:`): `Feb 15 16:23:00 srv httpd[22034]:
/// [authz_core:error] …` — the time from syslog, the fields after the tag.
fn syslog_header(line: &[u8], year: SyslogYear) -> Option<(i64, usize)> {
    let ts = parse_syslog(line, year)?;
    let (_, _, start) = super::sshd::syslog_tag(line, 15)?;
    (line.get(start) == Some(&b'[')).then_some((ts, start))
}

pub fn parse(line: &[u8], base: usize, year: SyslogYear, f: &mut Fields) -> bool {
    let Some((ts, after_time)) = timestamp(line)
        .map(|(ts, close)| (ts, close + 1))
        .or_else(|| syslog_header(line, year))
    else {
        return false;
    };
    f.ts = ts;
    f.tz = 0;
    f.kind = EvKind::App;
    let sp = |s: usize, e: usize| Span::new(base + s, base + e);
    // The header: bracketed fields one after another, `[client …]` among them.
    let mut i = after_time;
    // 2.4: `[module:level]` and `[pid …]`, and a port after the client's address.
    let with_port = memmem::find(&line[i..], b"[pid ").is_some()
        || line
            .get(i + 2..)
            .and_then(|r| memchr::memchr(b']', r).map(|e| r[..e].contains(&b':')))
            .unwrap_or(false);
    let mut fault = false;
    loop {
        while line.get(i) == Some(&b' ') {
            i += 1;
        }
        if line.get(i) != Some(&b'[') {
            break;
        }
        let Some(e) = memchr::memchr(b']', &line[i..]).map(|k| k + i) else {
            break;
        };
        // `[client [2001:db8::1]:5678]` holds a `]` of its own.
        let e = if line[i..].starts_with(b"[client [") {
            memmem::find(&line[e + 1..], b"]").map_or(e, |k| k + e + 1)
        } else {
            e
        };
        fault |= super::is_fault_level(&line[i + 1..e]);
        if let Some(v) = line[i + 1..e].strip_prefix(b"client ") {
            let a = address(v, with_port);
            let s = i + 8 + (a.as_ptr() as usize - v.as_ptr() as usize);
            f.client = sp(s, s + a.len());
        }
        i = e + 1;
    }
    let mut m = i;
    // `AH00128: `
    if line[m..].starts_with(b"AH") {
        if let Some(c) = memmem::find(&line[m..(m + 10).min(line.len())], b": ") {
            m += c + 2;
        }
    }
    // mod_auth_digest's `Digest: ` before its messages.
    if line[m..].starts_with(b"Digest: ") {
        m += 8;
    }
    f.msg = sp(m, line.len());
    if fault {
        // Cleared below when the line turns out to be about a client's request.
        f.flags |= flag::SERVER_ERROR;
    }
    if f.client.is_empty() {
        return true;
    }
    // The message, without Apache's `, referer: …` suffix.
    let end = memmem::rfind(&line[m..], b", referer: ").map_or(line.len(), |k| k + m);
    let msg = &line[m..end];
    let after =
        |prefix: &[u8]| -> Option<usize> { msg.starts_with(prefix).then(|| m + prefix.len()) };
    let set_file = |s: usize, f: &mut Fields, status: u16| {
        let (ps, pe) = url_path(&line[s..end]);
        f.path = sp(s + ps, s + pe);
        f.status = status;
    };
    if let Some(s) =
        after(b"File does not exist: ").or_else(|| after(b"script not found or unable to stat: "))
    {
        set_file(s, f, 404);
    } else if let Some(s) = after(b"script '") {
        if let Some(q) = memmem::find(&line[s..end], b"' not found or unable to stat") {
            let (ps, pe) = url_path(&line[s..s + q]);
            f.path = sp(s + ps, s + pe);
            f.status = 404;
        }
    } else if let Some(s) = after(b"client denied by server configuration: ")
        .or_else(|| after(b"Directory index forbidden by rule: "))
        .or_else(|| after(b"Directory index forbidden by Options directive: "))
    {
        set_file(s, f, 403);
    } else if let Some(s) = after(b"Authorization of user ") {
        // An authenticated user refused a resource: `Authorization of user U to access /uri
        // failed, reason: …`.
        if let Some(k) = memmem::rfind(&line[s..end], b" to access ") {
            f.user = sp(s, s + k);
            let us = s + k + 11;
            let ue = memchr::memchr(b' ', &line[us..end]).map_or(end, |q| us + q);
            f.path = sp(us, ue);
        }
        f.status = 403;
    } else if let (Some(s), Some(k)) = (
        after(b"user "),
        memmem::rfind(msg, b": authorization failure for \""),
    ) {
        f.user = sp(s, m + k);
        let us = m + k + b": authorization failure for \"".len();
        if let Some(q) = memchr::memchr(b'"', &line[us..end]) {
            f.path = sp(us, us + q);
        }
        f.status = 403;
    } else if let Some(s) = after(b"user ") {
        // Basic: `user U not found: /uri`, `user U: authentication failure for "/uri": Password
        // Mismatch`; digest: `user U: password mismatch: /uri`. The user name is the client's
        // text, so the fixed phrases are searched from the end.
        let rest = &line[s..end];
        const NOT_FOUND: &[u8] = b" not found";
        const AUTH_FAILURE: &[u8] = b": authentication failure for \"";
        const MISMATCH: &[u8] = b": password mismatch: ";
        let (user_end, uri) = if let Some(k) = memmem::rfind(rest, NOT_FOUND) {
            let u = &rest[k + NOT_FOUND.len()..];
            let at = s + k + NOT_FOUND.len();
            (k, u.strip_prefix(b": ").map(|p| (at + 2, at + 2 + p.len())))
        } else if let Some(k) = memmem::rfind(rest, AUTH_FAILURE) {
            let at = k + AUTH_FAILURE.len();
            (
                k,
                memchr::memchr(b'"', &rest[at..]).map(|q| (s + at, s + at + q)),
            )
        } else if let Some(k) = memmem::rfind(rest, MISMATCH) {
            (k, Some((s + k + MISMATCH.len(), end)))
        } else {
            return true;
        };
        // Digest writes the user as `` `name' in realm `…' ``.
        let user = &line[s..s + user_end];
        let user_end = match (user.first(), memchr::memchr(b'\'', user)) {
            (Some(b'`'), Some(q)) => {
                f.user = sp(s + 1, s + q);
                None
            }
            _ => Some(user_end),
        };
        if let Some(user_end) = user_end {
            f.user = sp(s, s + user_end);
        }
        if let Some((us, ue)) = uri {
            f.path = sp(us, ue);
        }
        f.status = 401;
        f.flags |= flag::AUTH_FAIL;
    } else if let Some(s) = after(b"client used wrong authentication scheme: ") {
        f.path = sp(s, end);
        f.status = 401;
    } else if let Some(s) = after(b"Invalid URI in request ") {
        set_request(line, base, s, end, f);
        f.status = 400;
        if f.path.is_empty() {
            f.path = sp(s, s);
        }
    } else if msg.starts_with(b"request failed: URI too long") {
        f.status = 414;
    } else if let Some(s) = after(b"Invalid method in request ") {
        set_request(line, base, s, end, f);
        f.status = 400;
    } else if msg.starts_with(b"request failed: ")
        || [
            &b"invalid qop "[..],
            b"invalid nonce ",
            b"realm mismatch",
            b"unknown algorithm ",
            b"Hostname ",
            b"No hostname was provided via SNI",
        ]
        .iter()
        .any(|p| msg.starts_with(p))
    {
        // Malformed requests and digest or SNI handshakes that cannot be right.
        f.status = 400;
    } else if memmem::find(msg, b"Primary script unknown").is_some() {
        // PHP-FPM behind mod_proxy_fcgi: no such script.
        f.status = 404;
    }
    if f.status != 0 {
        f.kind = EvKind::Http;
        f.flags &= !flag::SERVER_ERROR;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::span_text as s;
    fn p(line: &[u8]) -> Fields {
        let mut f = Fields::default();
        assert!(
            parse(line, 0, SyslogYear::fixed(2013), &mut f),
            "{}",
            String::from_utf8_lossy(line)
        );
        f
    }

    #[test]
    fn apache_22_and_24_lines() {
        let l = b"[Mon Dec 23 09:49:10 2013] [error] [client 115.249.248.145] File does not exist: /var/www/html/.env";
        let f = p(l);
        assert_eq!((f.kind, f.status), (EvKind::Http, 404));
        assert_eq!(s(l, f.client), b"115.249.248.145");
        assert_eq!(s(l, f.path), b"/.env");
        let l = b"[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:53372] AH00128: File does not exist: /usr/local/apache2/htdocs/favicon.ico, referer: http://x/";
        let f = p(l);
        assert_eq!(s(l, f.client), b"72.15.99.187");
        assert_eq!(s(l, f.path), b"/favicon.ico");
        let l = b"[Tue Mar 01 10:00:00.5 2022] [auth_basic:error] [pid 1:tid 2] [client 2001:db8::7:5678] AH01617: user bob: authentication failure for \"/private\": Password Mismatch";
        let f = p(l);
        assert_eq!((f.status, f.has(flag::AUTH_FAIL)), (401, true));
        assert_eq!(
            (s(l, f.client), s(l, f.user), s(l, f.path)),
            (&b"2001:db8::7"[..], &b"bob"[..], &b"/private"[..])
        );
        let l =
            b"[Thu Jul 11 01:21:43 2013] [error] [client 194.228.20.113] user dsfasdf not found: /";
        let f = p(l);
        assert_eq!((s(l, f.user), f.status), (&b"dsfasdf"[..], 401));
        // A path that repeats the header is not read for a client.
        let l = b"[Sat Jun 01 02:17:42 2013] [error] [client 192.168.33.1] File does not exist: /srv/http/site/[client 192.168.0.1] user root not found";
        let f = p(l);
        assert_eq!(s(l, f.client), b"192.168.33.1");
        assert_eq!(f.status, 404);
        // Notices (loghub's Apache_2k is mostly these).
        let f = p(b"[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties");
        assert_eq!(f.kind, EvKind::App);
        assert!(looks_like(b"[Sun Dec 04 04:47:44 2005] [notice] x"));
        assert!(!parse(
            b"[garbage",
            0,
            SyslogYear::fixed(2013),
            &mut Fields::default()
        ));
        for e in 0..=l.len() {
            parse(&l[..e], 0, SyslogYear::fixed(2013), &mut Fields::default());
        }
    }
}
