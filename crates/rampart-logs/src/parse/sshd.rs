//! OpenSSH's lines in syslog (classic `Mmm dd hh:mm:ss`, RFC 3339 timestamps, RFC 5424) or the
//! journal's short format: failed, refused, abandoned and accepted authentications, with the
//! source address, the user and the connection (sshd's process id) they belong to.
//!
//! Which lines count as an attempt (the brute-force detector's unit) follows fail2ban's `sshd`
//! filter in its normal mode, with one difference: an attempt is counted once per connection.
//! A password guess writes `Failed password …` and often also PAM's and `pam_unix`'s failure
//! lines and an `Invalid user …` line; those are noted (user, evidence), not counted again. A
//! session that ends before authenticating (`Connection closed by authenticating user …
//! [preauth]`) is one attempt when its connection logged no counted failure: on a server that
//! takes only keys, that is all a password-guessing bot leaves.
//!
//! Every address is taken from where sshd writes it, never from text an attacker chooses: a
//! user name can contain ` from 6.6.6.6 port 1 ssh2`, so for names sshd did not accept the
//! address is the last ` from ` that is followed by sshd's own suffix.

use super::Fields;
use crate::event::{EvKind, Span};
use crate::time::{month_from_abbr, parse_iso, parse_syslog, SyslogYear};
use memchr::memmem;

pub fn parse(line: &[u8], base: usize, year: SyslogYear, f: &mut Fields) -> bool {
    let Some((ts, tz, after_ts, rfc5424)) = timestamp(line, year) else {
        return false;
    };
    f.ts = ts;
    f.tz = tz;
    f.kind = EvKind::App;
    // Only sshd's own messages matter; other daemons' lines are valid but not events.
    let tag = if rfc5424 {
        rfc5424_tag(line, after_ts)
    } else {
        syslog_tag(line, after_ts)
    };
    let Some((prog, pid, mut msg)) = tag else {
        return true;
    };
    if !is_sshd(prog) {
        return true;
    }
    // The connection: sshd logs all of a connection's lines (its pre-authentication child's
    // too, through the monitor) under one process id.
    f.bytes = pid;
    // Solaris: `[ID 800047 auth.info] `.
    if line[msg..].starts_with(b"[ID ") {
        if let Some(e) = memmem::find(&line[msg..], b"] ") {
            msg += e + 2;
        }
    }
    if line[msg..].starts_with(b"message repeated ") {
        let rest = &line[msg + 17..];
        let n: u16 = rest
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .fold(0u16, |a, &c| {
                a.saturating_mul(10).saturating_add((c - b'0') as u16)
            });
        if let Some(br) = memchr::memchr(b'[', rest) {
            f.repeat = n.max(1);
            msg = msg + 17 + br + 1;
            while msg < line.len() && line[msg] == b' ' {
                msg += 1;
            }
        }
    }
    // fail2ban's optional prefixes: `error: `, `fatal: `, then `PAM: `.
    for p in [&b"error: "[..], b"fatal: "] {
        if line[msg..].starts_with(p) {
            msg += p.len();
            break;
        }
    }
    if line[msg..].starts_with(b"PAM: ") {
        msg += 5;
    }
    let mut end = line.trim_ascii_end().len();
    if f.repeat > 1 && line[..end].ends_with(b"]") {
        // The closing bracket of "message repeated N times: [ … ]".
        end -= 1;
    }
    let m = Msg {
        line: &line[..end],
        at: msg.min(end),
        base,
    };
    m.classify(f);
    // An IPv4 client on a dual-stack socket (`::ffff:1.2.3.4`) is that IPv4 client.
    let c = f.client;
    if c.len > 7 {
        let text = &line[c.start as usize - base..(c.start + c.len) as usize - base];
        if text.starts_with(b"::ffff:") && text[7..].contains(&b'.') {
            f.client = Span::new(c.start as usize + 7, (c.start + c.len) as usize);
        }
    }
    true
}

/// The timestamp, its UTC offset, where it ends, and whether the line is RFC 5424.
fn timestamp(line: &[u8], year: SyslogYear) -> Option<(i64, i32, usize, bool)> {
    // RFC 5424: `<PRI>1 2019-07-08T17:40:16.954167-04:00 host app procid msgid SD msg`.
    if line.first() == Some(&b'<') {
        let gt = line.iter().take(5).position(|&c| c == b'>')?;
        let v = line.get(gt + 1..gt + 3)?;
        if !(v[0].is_ascii_digit() && v[1] == b' ') {
            return None;
        }
        let s = gt + 3;
        let e = memchr::memchr(b' ', &line[s..]).map_or(line.len(), |i| i + s);
        let (t, tz) = parse_iso(&line[s..e])?;
        return Some((t, tz, e, true));
    }
    if line.first().is_some_and(u8::is_ascii_digit) {
        let e = memchr::memchr(b' ', line).unwrap_or(line.len());
        let (t, tz) = parse_iso(&line[..e])?;
        return Some((t, tz, e, false));
    }
    if let Some(t) = parse_syslog(line, year) {
        return Some((t, 0, 15, false));
    }
    // `Jun 7 01:11:58`: a one-digit day after a single space.
    let b = line.get(..14)?;
    if b[3] != b' ' || !b[4].is_ascii_digit() || b[5] != b' ' || b[8] != b':' || b[11] != b':' {
        return None;
    }
    let m = month_from_abbr(&b[..3])?;
    let two = |i: usize| -> Option<i64> {
        (b[i].is_ascii_digit() && b[i + 1].is_ascii_digit())
            .then(|| ((b[i] - b'0') * 10 + (b[i + 1] - b'0')) as i64)
    };
    let (hh, mm, ss) = (two(6)?, two(9)?, two(12)?);
    let t = year.at(m, (b[4] - b'0') as u32, hh * 3600 + mm * 60 + ss);
    Some((t, 0, 14, false))
}

fn token(line: &[u8], mut i: usize) -> (usize, usize) {
    while i < line.len() && line[i] == b' ' {
        i += 1;
    }
    let e = memchr::memchr(b' ', &line[i..]).map_or(line.len(), |k| k + i);
    (i, e)
}

/// `host prog[pid]: msg` (or `prog[pid]: msg` with no host): the program, its pid (0 when not
/// logged) and where the message starts.
pub(super) fn syslog_tag(line: &[u8], after_ts: usize) -> Option<(&[u8], u64, usize)> {
    let (s, e) = token(line, after_ts);
    let (s, e) = if line[s..e].ends_with(b":") || line[s..e].starts_with(b"[") {
        (s, e)
    } else {
        token(line, e)
    };
    let tok = &line[s..e];
    // `[sshd]:` or `[sshd]` (no host, the program in brackets).
    if let Some(inner) = tok.strip_prefix(b"[") {
        let inner = inner.strip_suffix(b":").unwrap_or(inner);
        return Some((inner.strip_suffix(b"]")?, 0, (e + 1).min(line.len())));
    }
    let tag = tok.strip_suffix(b":")?;
    let (prog, pid) = match memchr::memchr(b'[', tag) {
        Some(b) => (&tag[..b], digits(tag[b + 1..].strip_suffix(b"]")?)),
        None => (tag, 0),
    };
    Some((prog, pid, (e + 1).min(line.len())))
}

/// `host app procid msgid SD msg` after an RFC 5424 timestamp. SD is `-` or bracketed
/// elements whose quoted values may hold `]` (escaped or not).
fn rfc5424_tag(line: &[u8], after_ts: usize) -> Option<(&[u8], u64, usize)> {
    let (_, host_e) = token(line, after_ts);
    let (app_s, app_e) = token(line, host_e);
    let (pid_s, pid_e) = token(line, app_e);
    let (_, msgid_e) = token(line, pid_e);
    let mut i = msgid_e + 1;
    if line.get(i) == Some(&b'-') {
        i += 1;
    } else {
        while line.get(i) == Some(&b'[') {
            let mut quoted = false;
            i += 1;
            while i < line.len() {
                match line[i] {
                    b'\\' => i += 1,
                    b'"' => quoted = !quoted,
                    b']' if !quoted => break,
                    _ => {}
                }
                i += 1;
            }
            i += 1;
        }
    }
    while line.get(i) == Some(&b' ') {
        i += 1;
    }
    Some((
        &line[app_s..app_e],
        digits(&line[pid_s..pid_e]),
        i.min(line.len()),
    ))
}

fn digits(b: &[u8]) -> u64 {
    b.iter()
        .take_while(|c| c.is_ascii_digit())
        .fold(0u64, |a, &c| {
            a.saturating_mul(10).saturating_add((c - b'0') as u64)
        })
}

/// `sshd`, OpenSSH 9.8's per-connection `sshd-session` and 10.0's `sshd-auth`, by any path; and
/// old Linux's `sshd(pam_unix)`, PAM's module speaking for sshd under sshd's process id.
fn is_sshd(prog: &[u8]) -> bool {
    let name = match memchr::memrchr(b'/', prog) {
        Some(i) => &prog[i + 1..],
        None => prog,
    };
    matches!(
        name,
        b"sshd" | b"sshd-session" | b"sshd-auth" | b"sshd(pam_unix)"
    )
}

/// How the text after a host ends, as sshd writes it: `[ port N][ on ADDR][ via X][ sshN]`,
/// `[ [preauth]]`, then the end of the line or `: ` and more (a key's fingerprint).
#[derive(PartialEq)]
enum Tail {
    End,
    Info,
}

fn tail(rest: &[u8]) -> Option<Tail> {
    let mut r = rest;
    if let Some(after) = r.strip_prefix(b" port ") {
        let n = after.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        r = &after[n..];
    }
    for word in [&b" on "[..], b" via "] {
        if let Some(after) = r.strip_prefix(word) {
            let (_, e) = token(after, 0);
            if e == 0 {
                return None;
            }
            r = &after[e..];
        }
    }
    if let Some(after) = r.strip_prefix(b" ssh") {
        let n = after.iter().take_while(|c| c.is_ascii_digit()).count();
        r = &after[n..];
    }
    if r.starts_with(b":") {
        return Some(Tail::Info);
    }
    let r = r.strip_prefix(b" [preauth]").unwrap_or(r);
    r.trim_ascii().is_empty().then_some(Tail::End)
}

/// A message, positioned in its line (spans are the line's offsets plus `base`).
struct Msg<'a> {
    line: &'a [u8],
    at: usize,
    base: usize,
}

impl Msg<'_> {
    fn body(&self) -> &[u8] {
        &self.line[self.at..]
    }

    fn span(&self, s: usize, e: usize) -> Span {
        Span::new(self.base + s, self.base + e)
    }

    /// The host after ` from ` at `from` (absolute), and whether sshd's suffix follows it.
    fn host_at(&self, from: usize) -> Option<(usize, usize, Tail)> {
        let s = from + 6;
        let e = memchr::memchr(b' ', &self.line[s..]).map_or(self.line.len(), |k| k + s);
        let (e_host, rest) = match self.line[s..e].strip_suffix(b":") {
            // `from HOST: …` (an old `Received disconnect from HOST: 3: …`).
            Some(h) if !h.contains(&b':') || h.contains(&b'.') => {
                (s + h.len(), &self.line[s + h.len()..])
            }
            _ => (e, &self.line[e..]),
        };
        if e_host == s {
            return None;
        }
        tail(rest).map(|t| (s, e_host, t))
    }

    /// For a user sshd did not accept (its name is the client's text): the last ` from ` in
    /// `[start..]` that sshd's suffix follows. Sets user (from `start` to it) and client.
    fn user_then_host(&self, start: usize, f: &mut Fields) -> bool {
        let mut hay_end = self.line.len();
        while let Some(i) = memmem::rfind(&self.line[start.saturating_sub(1)..hay_end], b" from ") {
            let from = start.saturating_sub(1) + i;
            if let Some((s, e, _)) = self.host_at(from) {
                if from >= start {
                    f.user = self.span(start, from);
                }
                f.client = self.span(s, e);
                return true;
            }
            hay_end = from;
        }
        false
    }

    /// For a real account (one word, as sshd logs accepted names): `USER from HOST`.
    fn word_user_then_host(&self, start: usize, f: &mut Fields) -> bool {
        let ue = memchr::memchr(b' ', &self.line[start..]).map_or(self.line.len(), |k| k + start);
        if self.line[ue..].starts_with(b" from ") {
            if let Some((s, e, _)) = self.host_at(ue) {
                f.user = self.span(start, ue);
                f.client = self.span(s, e);
                return true;
            }
        }
        self.user_then_host(start, f)
    }

    /// `… user USER HOST port N [preauth]`: host and port at the end, the user before them.
    fn user_host_port_preauth(&self, start: usize, f: &mut Fields) -> bool {
        let l = self.line.trim_ascii_end();
        let Some(l) = l.strip_suffix(b" [preauth]") else {
            return false;
        };
        let mut e = l.len();
        if let Some(p) = memmem::rfind(l, b" port ") {
            if l[p + 6..].iter().all(u8::is_ascii_digit) && p + 6 < l.len() {
                e = p;
            }
        }
        let Some(hs) = memchr::memrchr(b' ', &l[..e]).map(|i| i + 1) else {
            return false;
        };
        if hs <= start || hs == e {
            return false;
        }
        f.user = self.span(start, hs - 1);
        f.client = self.span(hs, e);
        true
    }

    /// `HOST[ port N] [preauth]` from `start` to the end.
    fn host_port_preauth(&self, start: usize, f: &mut Fields) -> bool {
        let l = self.line.trim_ascii_end();
        let Some(l) = l.strip_suffix(b" [preauth]") else {
            return false;
        };
        let (s, e) = token(l, start);
        let rest = &l[e..];
        let ok = rest.is_empty()
            || rest
                .strip_prefix(b" port ")
                .is_some_and(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit));
        if !ok || e == s {
            return false;
        }
        f.client = self.span(s, e);
        true
    }

    fn classify(&self, f: &mut Fields) {
        let b = self.body();
        let at = self.at;
        if let Some(r) = b.strip_prefix(b"Failed ") {
            // Failed <method> for [invalid user ]<user> from <host> port <n> ssh2[: <key>]
            let Some(i) = memmem::find(r, b" for ") else {
                return;
            };
            let method = &r[..i];
            let u = at + 7 + i + 5;
            let invalid = self.line[u..].starts_with(b"invalid user ");
            let found = if invalid {
                self.user_then_host(u + 13, f)
            } else {
                self.word_user_then_host(u, f)
            };
            if found {
                // A real account's failed public key is a client trying the keys it holds,
                // one by one (fail2ban's default `publickey = nofail`): noted, not counted.
                f.kind = if method == b"publickey" && !invalid {
                    EvKind::SshNoted
                } else {
                    EvKind::SshFail
                };
                f.repeat = f.repeat.max(1);
            }
        } else if b.starts_with(b"Invalid user ") || b.starts_with(b"Illegal user ") {
            if self.user_then_host(at + 13, f) {
                f.kind = EvKind::SshNoted;
            }
        } else if let Some(r) = b.strip_prefix(b"Accepted ") {
            if let Some(i) = memmem::find(r, b" for ") {
                if self.word_user_then_host(at + 9 + i + 5, f) {
                    f.kind = EvKind::SshAccept;
                }
            }
        } else if let Some(r) = strip_any(
            b,
            &[
                b"Connection closed by ",
                b"Connection reset by ",
                b"Disconnected from ",
            ],
        ) {
            // A session that ended before it authenticated.
            let u = at + (b.len() - r.len());
            match strip_any(r, &[b"authenticating user ", b"invalid user "]) {
                Some(ur) => {
                    if self.user_host_port_preauth(u + (r.len() - ur.len()), f) {
                        f.kind = EvKind::SshClosed;
                    }
                }
                // With only the address: the connection's last line.
                None => {
                    if self.host_port_preauth(u, f) {
                        f.kind = EvKind::SshEnded;
                    }
                }
            }
        } else if let Some(r) = b.strip_prefix(b"Disconnecting: Too many authentication failures") {
            // No address: counted through the connection's last line.
            if let Some(u) = r.strip_prefix(b" for ") {
                let s = self.line.len() - u.len();
                let e = memchr::memchr(b' ', u).map_or(self.line.len(), |k| k + s);
                f.user = self.span(s, e);
            }
            f.kind = EvKind::SshClosed;
        } else if let Some(r) = b.strip_prefix(b"Disconnecting ") {
            // Disconnecting invalid user U HOST port N: <reason> [preauth]. The reason repeats
            // names the client chose, so only a one-word user is read (no guessing).
            if let Some(ur) = strip_any(r, &[b"authenticating user ", b"invalid user "]) {
                let us = self.line.len() - ur.len();
                let (_, ue) = token(self.line, us);
                let (hs, he) = token(self.line, ue);
                if ue > us && he > hs {
                    let rest = &self.line[he..];
                    if let Some(p) = rest.strip_prefix(b" port ") {
                        let n = p.iter().take_while(|c| c.is_ascii_digit()).count();
                        if n > 0 && p[n..].starts_with(b": ") {
                            f.user = self.span(us, ue);
                            f.client = self.span(hs, he);
                            f.kind = EvKind::SshClosed;
                        }
                    }
                }
            }
        } else if let Some(r) = b.strip_prefix(b"maximum authentication attempts exceeded for ") {
            let mut u = at + (b.len() - r.len());
            if r.starts_with(b"invalid user ") {
                u += 13;
            }
            if self.user_then_host(u, f) {
                f.kind = EvKind::SshClosed;
            }
        } else if let Some(r) = strip_any(
            b,
            &[
                b"Authentication failure for ",
                b"authentication failure for ",
                b"Authentication error for ",
                b"authentication error for ",
                b"Authentication failed for ",
                b"User not known to the underlying authentication module for ",
            ],
        ) {
            // PAM's own lines, beside sshd's `Failed …` for the same try.
            let mut u = at + (b.len() - r.len());
            if r.starts_with(b"illegal user ") || r.starts_with(b"invalid user ") {
                u += 13;
            }
            if self.user_then_host(u, f) {
                f.kind = EvKind::SshNoted;
            }
        } else if (b.starts_with(b"pam_")
            && memmem::find(b, b"(sshd:auth): authentication failure;").is_some())
            || b.starts_with(b"authentication failure; ")
        {
            // pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh
            // ruser= rhost=HOST  user=USER — ruser is one word, then rhost.
            //
            // Today's sshd writes its own line about the try after PAM's (`Failed password`,
            // or the connection's end), and a second PAM module may still accept the password
            // (fail2ban's gh-2070): PAM's line only notes the try. Old Linux's PAM wrote the
            // same after `sshd(pam_unix)[pid]: ` and sshd often nothing else: that line is
            // the try.
            let kind = if b.starts_with(b"pam_") {
                EvKind::SshNoted
            } else {
                EvKind::SshPamFail
            };
            if let Some(ru) = memmem::find(b, b" ruser=") {
                let s = ru + 7;
                let ru_e = memchr::memchr(b' ', &b[s..]).map_or(b.len(), |k| k + s);
                if let Some(h) = b[ru_e..].strip_prefix(b" rhost=") {
                    let hs = ru_e + 7;
                    let he = memchr::memchr(b' ', h).map_or(b.len(), |k| k + hs);
                    if he > hs {
                        f.client = self.span(at + hs, at + he);
                        if let Some(us) = memmem::find(&b[he..], b" user=") {
                            let s = he + us + 6;
                            let e = memchr::memchr(b' ', &b[s..]).map_or(b.len(), |k| k + s);
                            f.user = self.span(at + s, at + e);
                        }
                        f.kind = kind;
                    }
                }
            }
        } else if let Some(r) = b.strip_prefix(b"User ") {
            // User USER from HOST not allowed because … (AllowUsers, DenyUsers, groups), or
            // with no address (`… because account is locked`): a try noted.
            let u = at + 5;
            let ue = memchr::memchr(b' ', r).map_or(self.line.len(), |k| k + u);
            if self.line[ue..].starts_with(b" not allowed because ") {
                f.user = self.span(u, ue);
                f.kind = EvKind::SshNoted;
            } else if let Some(i) = memmem::find(r, b" from ") {
                let s = u + i + 6;
                if let Some(na) = memmem::find(&self.line[s..], b" not allowed because ") {
                    let e = s + na;
                    if e > s && !self.line[s..e].contains(&b' ') {
                        f.user = self.span(u, u + i);
                        f.client = self.span(s, e);
                        f.kind = EvKind::SshNoted;
                    }
                }
            }
        } else if let Some(r) = b.strip_prefix(b"ROOT LOGIN REFUSED FROM ") {
            let s = at + (b.len() - r.len());
            let e = memchr::memchr(b' ', r).map_or(self.line.len(), |k| k + s);
            if e > s && tail(&self.line[e..]).is_some() {
                f.client = self.span(s, e);
                f.kind = EvKind::SshFail;
                f.repeat = f.repeat.max(1);
            }
        } else if b.starts_with(b"Received disconnect from ") {
            // `…: 3: …: Auth fail` is a client (JSch) giving up on authentication: a try,
            // unless its connection's `Failed …` lines were counted. Any other reason before
            // authentication is the connection's last line.
            if let Some((s, e, Tail::Info)) = self.host_at(at + 19) {
                let rest = &self.line[e..];
                let reason = disconnect_reason(rest);
                if reason.starts_with(b"3: ") && memmem::find(rest, b": Auth fail").is_some() {
                    f.client = self.span(s, e);
                    f.kind = EvKind::SshClosed;
                } else if rest.trim_ascii_end().ends_with(b"[preauth]") {
                    f.client = self.span(s, e);
                    f.kind = EvKind::SshEnded;
                }
            }
        } else if b.starts_with(b"input_userauth_request: invalid user ") {
            // No address: a try noted for the connection.
            let s = at + 37;
            let e =
                memmem::rfind(&self.line[s..], b" [preauth]").map_or(self.line.len(), |k| k + s);
            f.user = self.span(s, e);
            f.kind = EvKind::SshNoted;
        }
    }
}

fn strip_any<'a>(b: &'a [u8], prefixes: &[&[u8]]) -> Option<&'a [u8]> {
    prefixes.iter().find_map(|p| b.strip_prefix(*p))
}

/// The reason after a disconnecting host: ` port N: 3: …` or `: 3: …` → `3: …`.
fn disconnect_reason(rest: &[u8]) -> &[u8] {
    let mut r = rest;
    if let Some(after) = r.strip_prefix(b" port ") {
        let n = after.iter().take_while(|c| c.is_ascii_digit()).count();
        r = &after[n..];
    }
    r.strip_prefix(b":").unwrap_or(r).trim_ascii_start()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::span_text as s;
    fn p(line: &[u8]) -> Fields {
        let mut f = Fields::default();
        assert!(
            parse(line, 0, SyslogYear::fixed(2016), &mut f),
            "{}",
            String::from_utf8_lossy(line)
        );
        f
    }
    #[test]
    fn failed_invalid_accepted_repeated() {
        let l = b"Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2";
        let f = p(l);
        assert_eq!(f.kind, EvKind::SshFail);
        assert_eq!(s(l, f.user), b"webmaster");
        assert_eq!(s(l, f.client), b"173.234.31.186");
        assert_eq!(f.bytes, 24200, "the connection");
        let l = b"Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu from 119.137.62.142 port 49116 ssh2";
        let f = p(l);
        assert_eq!(f.kind, EvKind::SshAccept);
        assert_eq!(s(l, f.user), b"fztu");
        let l = b"Dec 10 07:07:38 LabSZ sshd[24206]: message repeated 5 times: [ Failed password for root from 52.80.34.196 port 36060 ssh2]";
        let f = p(l);
        assert_eq!((f.kind, f.repeat), (EvKind::SshFail, 5));
        assert_eq!(s(l, f.client), b"52.80.34.196");
        let l = b"Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186";
        let f = p(l);
        assert_eq!(f.kind, EvKind::SshNoted);
        assert_eq!(s(l, f.client), b"173.234.31.186");
        assert!(!parse(
            b"nonsense",
            0,
            SyslogYear::fixed(2016),
            &mut Fields::default()
        ));
    }

    #[test]
    fn a_user_name_cannot_frame_another_address() {
        for (l, host, user) in [
            (&b"Nov 11 08:04:51 h sshd[2737]: Failed password for invalid user from 10.10.1.1 from 127.0.0.1 port 58946 ssh2"[..], &b"127.0.0.1"[..], &b"from 10.10.1.1"[..]),
            (b"Nov 11 08:04:52 h sshd[2737]: Failed password for invalid user x from 6.6.6.6 port 1 ssh2: y from 127.0.0.1 port 58946 ssh2", b"127.0.0.1", b"x from 6.6.6.6 port 1 ssh2: y"),
            (b"Jul 17 23:04:01 srv sshd[1300]: Connection closed by authenticating user test 127.0.0.1 port 12345 192.0.2.11 port 46039 [preauth]", b"192.0.2.11", b"test 127.0.0.1 port 12345"),
            (b"Nov 11 08:04:52 h sshd[2737]: Invalid user a from 6.6.6.6 from 192.0.2.7 port 4", b"192.0.2.7", b"a from 6.6.6.6"),
        ] {
            let f = p(l);
            assert_eq!(s(l, f.client), host, "{}", String::from_utf8_lossy(l));
            assert_eq!(s(l, f.user), user);
        }
    }

    #[test]
    fn modern_and_other_headers_are_read() {
        let l = b"2026-12-01T10:00:00.123456+00:00 web sshd-session[991]: Connection closed by authenticating user root 192.0.2.9 port 50022 [preauth]";
        let f = p(l);
        assert_eq!((f.kind, f.bytes), (EvKind::SshClosed, 991));
        assert_eq!(s(l, f.client), b"192.0.2.9");
        let l = b"<38>1 2019-07-08T17:40:17.954167-04:00 h.example.com sshd 55555 - [timeQuality tzKnown=\"1\"][x@1 t=\"[b]\"] Failed unknown for invalid user redmond from 192.0.2.2 port 55555 ssh2";
        let f = p(l);
        assert_eq!((f.kind, f.bytes, f.tz), (EvKind::SshFail, 55555, -4 * 3600));
        assert_eq!(s(l, f.client), b"192.0.2.2");
        let l = b"Jun 7 01:11:58 host sshd[8783]: error: PAM: Authentication failure for james from 192.0.2.3";
        let f = p(l);
        assert_eq!(f.kind, EvKind::SshNoted);
        assert_eq!(s(l, f.client), b"192.0.2.3");
        let l = b"Mar  7 18:53:22 bar sshd[1558]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.114  user=root";
        let f = p(l);
        assert_eq!((f.kind, f.bytes), (EvKind::SshNoted, 1558));
        assert_eq!(
            (s(l, f.client), s(l, f.user)),
            (&b"192.0.2.114"[..], &b"root"[..])
        );
        // Old Linux (PAM speaking as `sshd(pam_unix)`): a host name for rhost, no user for an
        // unknown account, and PAM's other lines read but not tries.
        let l = b"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=host-7.example.net ";
        let f = p(l);
        assert_eq!((f.kind, f.bytes), (EvKind::SshPamFail, 19939));
        assert_eq!(
            (s(l, f.client), s(l, f.user)),
            (&b"host-7.example.net"[..], &b""[..])
        );
        let l = b"Jun 14 15:16:02 combo sshd(pam_unix)[19937]: check pass; user unknown";
        assert_eq!(p(l).kind, EvKind::App);
        let l = b"Jun 15 04:06:20 combo sshd(pam_unix)[21111]: session opened for user test by (uid=509)";
        assert_eq!(p(l).kind, EvKind::App);
        // Another daemon's line, and a host called sshd.
        assert_eq!(
            p(b"Dec 10 06:55:46 sshd cron[1]: Failed password for x from 1.2.3.4").kind,
            EvKind::App
        );
        // A real account's public keys tried one by one: noted, not counted.
        let f = p(b"Nov 28 09:16:03 srv sshd[32307]: Failed publickey for git from 192.0.2.1 port 57904 ssh2: ECDSA 0e:ff");
        assert_eq!(f.kind, EvKind::SshNoted);
    }
}
