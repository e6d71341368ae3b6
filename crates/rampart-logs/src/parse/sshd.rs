//! OpenSSH's syslog lines: failed / accepted / invalid user, with the source address.

use super::Fields;
use crate::event::{EvKind, Span};
use crate::time::{parse_iso, parse_syslog};
use memchr::memmem;

pub fn parse(line: &[u8], base: usize, year: i32, f: &mut Fields) -> bool {
    // Timestamp: classic `Mmm dd hh:mm:ss` or RFC 3339 (rsyslog's high-precision format).
    let (ts, tz) = if line.first().is_some_and(u8::is_ascii_digit) {
        let end = memchr::memchr(b' ', line).unwrap_or(line.len());
        match parse_iso(&line[..end]) {
            Some(t) => t,
            None => return false,
        }
    } else {
        match parse_syslog(line, year) {
            Some(t) => (t, 0),
            None => return false,
        }
    };
    f.ts = ts;
    f.tz = tz;
    f.kind = EvKind::App;
    // Only sshd's own messages matter; other daemons' lines are valid but not events.
    let Some(p) = memmem::find(line, b"sshd[") else {
        return true;
    };
    let Some(m) = memmem::find(&line[p..], b"]: ").map(|i| i + p + 3) else {
        return true;
    };
    let mut msg = m;
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
    let body = &line[msg..];
    let word_after = |start: usize| -> (usize, usize) {
        let s = msg + start;
        let e = memchr::memchr(b' ', &line[s..]).map_or(line.len(), |i| i + s);
        (s, e)
    };
    let from_ip = |f: &mut Fields| {
        if let Some(i) = memmem::find(body, b" from ") {
            let s = msg + i + 6;
            let e = memchr::memchr2(b' ', b']', &line[s..]).map_or(line.len(), |k| k + s);
            f.client = Span::new(base + s, base + e);
        }
    };
    if body.starts_with(b"Failed ") {
        // Failed <method> for [invalid user ]<user> from <ip> port <n> ssh2
        if let Some(i) = memmem::find(body, b" for ") {
            let mut u = i + 5;
            if body[u..].starts_with(b"invalid user ") {
                u += 13;
            }
            // The user name may itself contain spaces; it ends at the last " from ".
            if let Some(fr) = memmem::rfind(body, b" from ") {
                if fr >= u {
                    f.user = Span::new(base + msg + u, base + msg + fr);
                }
            }
        }
        from_ip(f);
        f.kind = EvKind::SshFail;
        f.repeat = f.repeat.max(1);
    } else if body.starts_with(b"Invalid user ") {
        if let Some(fr) = memmem::rfind(body, b" from ") {
            f.user = Span::new(base + msg + 13, base + msg + fr.max(13));
        }
        from_ip(f);
        f.kind = EvKind::SshInvalidUser;
    } else if body.starts_with(b"Accepted ") {
        if let Some(i) = memmem::find(body, b" for ") {
            let (s, _) = word_after(i + 5);
            if let Some(fr) = memmem::rfind(body, b" from ") {
                f.user = Span::new(base + s, base + msg + fr);
            }
        }
        from_ip(f);
        f.kind = EvKind::SshAccept;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    fn s(line: &[u8], sp: Span) -> &[u8] {
        &line[sp.start as usize..(sp.start + sp.len) as usize]
    }
    #[test]
    fn failed_invalid_accepted_repeated() {
        let l = b"Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2";
        let mut f = Fields::default();
        assert!(parse(l, 0, 2016, &mut f));
        assert_eq!(f.kind, EvKind::SshFail);
        assert_eq!(s(l, f.user), b"webmaster");
        assert_eq!(s(l, f.client), b"173.234.31.186");
        let l = b"Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu from 119.137.62.142 port 49116 ssh2";
        let mut f = Fields::default();
        assert!(parse(l, 0, 2016, &mut f));
        assert_eq!(f.kind, EvKind::SshAccept);
        assert_eq!(s(l, f.user), b"fztu");
        let l = b"Dec 10 07:07:38 LabSZ sshd[24206]: message repeated 5 times: [ Failed password for root from 52.80.34.196 port 36060 ssh2]";
        let mut f = Fields::default();
        assert!(parse(l, 0, 2016, &mut f));
        assert_eq!((f.kind, f.repeat), (EvKind::SshFail, 5));
        assert_eq!(s(l, f.client), b"52.80.34.196");
        let l = b"Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186";
        let mut f = Fields::default();
        assert!(parse(l, 0, 2016, &mut f));
        assert_eq!(f.kind, EvKind::SshInvalidUser);
        assert_eq!(s(l, f.client), b"173.234.31.186");
        assert!(!parse(b"nonsense", 0, 2016, &mut Fields::default()));
    }
}
