//! nginx/Apache `combined` and `common`, byte by byte: plain loops for the short fields, memchr
//! for the long ones, no regex, no allocation. This is the hot path of the benchmark.

use super::{find_byte, set_request, Fields};
use crate::event::Span;
use crate::time::parse_clf;
use memchr::{memchr, memrchr};

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
        let (us, ue) = (id_end + 1, lb - 1);
        if !(ue - us == 1 && line[us] == b'-') {
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
    // combined: ` "referer" "agent"` — the agent is the last quoted field.
    // The referer's quote is right after the bytes field's space: a plain loop.
    if let Some(r) = find_byte(b'"', &line[i.min(line.len())..]).map(|k| k + i) {
        let end = memrchr(b'"', line).unwrap_or(r);
        if end > r {
            // Backwards from `end` to the quote preceded by a space; the referer's own quote
            // (`r`) when there is none.
            let mut k = end;
            let start = loop {
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
            f.agent = sp(start + 1, end);
        }
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
}
