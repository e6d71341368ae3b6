//! Any nginx `log_format` string: compiled into literals and variables, matched left to right
//! with memmem (each variable runs up to the next literal).

use super::{set_request, set_uri, Fields};
use crate::event::{Method, Span};
use crate::time::{from_epoch_number, parse_clf, parse_iso};
use crate::LogsError;
use memchr::memmem;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Lit(Vec<u8>),
    Var(Var),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Var {
    Client,
    /// `$http_x_forwarded_for`: believed only behind an internal proxy (see
    /// [`super::forwarded_client`]).
    Forwarded,
    User,
    TimeLocal,
    TimeIso,
    Msec,
    Request,
    Method,
    Uri,
    Args,
    Status,
    Bytes,
    Agent,
    Ignore,
}

#[derive(Debug, Clone)]
pub struct NginxFormat {
    toks: Vec<Tok>,
}

impl NginxFormat {
    pub fn compile(fmt: &str) -> Result<NginxFormat, LogsError> {
        let b = fmt.as_bytes();
        let mut toks = Vec::new();
        let mut lit = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'$' {
                let braced = b.get(i + 1) == Some(&b'{');
                let s = if braced { i + 2 } else { i + 1 };
                let mut e = s;
                while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
                    e += 1;
                }
                if e == s {
                    lit.push(b'$');
                    i += 1;
                    continue;
                }
                if !lit.is_empty() {
                    toks.push(Tok::Lit(std::mem::take(&mut lit)));
                }
                if matches!(toks.last(), Some(Tok::Var(_))) {
                    return Err(LogsError::Format {
                        what: format!("log_format \"{fmt}\": two variables with nothing between them cannot be told apart"),
                    });
                }
                toks.push(Tok::Var(var(&fmt[s..e])));
                i = if braced { e + 1 } else { e };
            } else {
                lit.push(b[i]);
                i += 1;
            }
        }
        if !lit.is_empty() {
            toks.push(Tok::Lit(lit));
        }
        if !toks.iter().any(|t| matches!(t, Tok::Var(_))) {
            return Err(LogsError::Format {
                what: format!("log_format \"{fmt}\" has no $variables"),
            });
        }
        Ok(NginxFormat { toks })
    }

    pub fn parse(&self, line: &[u8], base: usize, f: &mut Fields) -> bool {
        let mut pos = 0;
        let mut have_time = false;
        let mut forwarded = None;
        for (k, t) in self.toks.iter().enumerate() {
            match t {
                Tok::Lit(l) => {
                    if !line[pos..].starts_with(l) {
                        return false;
                    }
                    pos += l.len();
                }
                Tok::Var(v) => {
                    let end = match self.toks.get(k + 1) {
                        Some(Tok::Lit(l)) => match memmem::find(&line[pos..], l) {
                            Some(i) => pos + i,
                            None => return false,
                        },
                        _ => line.len(),
                    };
                    let val = &line[pos..end];
                    let sp = Span::new(base + pos, base + end);
                    let dash = val == b"-";
                    match v {
                        Var::Client if !dash => f.client = sp,
                        Var::Forwarded if !dash => forwarded = Some((pos, end)),
                        Var::User if !dash => f.user = sp,
                        Var::TimeLocal => match parse_clf(val) {
                            Some((ts, tz)) => {
                                (f.ts, f.tz) = (ts, tz);
                                have_time = true;
                            }
                            None => return false,
                        },
                        Var::TimeIso => match parse_iso(val) {
                            Some((ts, tz)) => {
                                (f.ts, f.tz) = (ts, tz);
                                have_time = true;
                            }
                            None => return false,
                        },
                        Var::Msec => match std::str::from_utf8(val)
                            .ok()
                            .and_then(|s| s.parse::<f64>().ok())
                        {
                            Some(v) => {
                                f.ts = from_epoch_number(v);
                                have_time = true;
                            }
                            None => return false,
                        },
                        Var::Request => set_request(line, base, pos, end, f),
                        Var::Method => f.method = Method::parse(val),
                        Var::Uri => set_uri(base + pos, val, 0, f),
                        Var::Args if !dash && !val.is_empty() => f.query = sp,
                        Var::Status => match num(val) {
                            Some(s) if s < 1000 => f.status = s as u16,
                            _ => return false,
                        },
                        Var::Bytes => f.bytes = num(val).unwrap_or(0),
                        Var::Agent if !dash => f.agent = sp,
                        _ => {}
                    }
                    pos = end;
                }
            }
        }
        // Behind a proxy on the internal network (or with no `$remote_addr` in the format),
        // the client is in X-Forwarded-For; a public `$remote_addr` is the client itself.
        if let Some((s, e)) = forwarded {
            super::believe_forwarded(line, base, f, s, e);
        }
        have_time && pos == line.len()
    }
}

fn num(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    b.iter().try_fold(0u64, |a, &c| {
        c.is_ascii_digit().then(|| a * 10 + (c - b'0') as u64)
    })
}

fn var(name: &str) -> Var {
    match name {
        "remote_addr" | "binary_remote_addr" | "realip_remote_addr" | "http_x_real_ip" => {
            Var::Client
        }
        "http_x_forwarded_for" => Var::Forwarded,
        "remote_user" => Var::User,
        "time_local" => Var::TimeLocal,
        "time_iso8601" => Var::TimeIso,
        "msec" => Var::Msec,
        "request" => Var::Request,
        "request_method" => Var::Method,
        "request_uri" | "uri" | "document_uri" => Var::Uri,
        "args" | "query_string" => Var::Args,
        "status" => Var::Status,
        "body_bytes_sent" | "bytes_sent" => Var::Bytes,
        "http_user_agent" => Var::Agent,
        _ => Var::Ignore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn custom_format_with_request_time() {
        let n = NginxFormat::compile(
            r#"$remote_addr [$time_iso8601] "$request_method $request_uri" $status $body_bytes_sent rt=$request_time ua="$http_user_agent""#,
        )
        .unwrap();
        let l =
            br#"1.2.3.4 [2020-04-15T18:24:00+02:00] "GET /.env?a=1" 404 12 rt=0.001 ua="curl/8""#;
        let mut f = Fields::default();
        assert!(n.parse(l, 0, &mut f));
        assert_eq!(f.status, 404);
        assert_eq!(&l[f.path.start as usize..][..f.path.len as usize], b"/.env");
        assert_eq!(
            &l[f.agent.start as usize..][..f.agent.len as usize],
            b"curl/8"
        );
        assert!(!n.parse(b"1.2.3.4 nope", 0, &mut Fields::default()));
        assert!(NginxFormat::compile("$a$b").is_err());
    }

    #[test]
    fn forwarded_for_is_believed_only_behind_an_internal_proxy() {
        // nginx's stock `main` format.
        let n = NginxFormat::compile(
            r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for""#,
        )
        .unwrap();
        let client = |l: &[u8]| {
            let mut f = Fields::default();
            assert!(n.parse(l, 0, &mut f), "{}", String::from_utf8_lossy(l));
            String::from_utf8_lossy(&l[f.client.start as usize..][..f.client.len as usize])
                .into_owned()
        };
        let line = |remote: &str, xff: &str| {
            format!(
                r#"{remote} - - [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.1" 200 5 "-" "x" "{xff}""#
            )
        };
        // A direct client: `-`, or its own header, changes nothing.
        assert_eq!(client(line("203.0.113.5", "-").as_bytes()), "203.0.113.5");
        assert_eq!(
            client(line("203.0.113.5", "6.6.6.6").as_bytes()),
            "203.0.113.5"
        );
        // Behind a load balancer on 10.0.0.2: the address it appended.
        assert_eq!(
            client(line("10.0.0.2", "6.6.6.6, 198.51.100.7").as_bytes()),
            "198.51.100.7"
        );
        assert_eq!(client(line("10.0.0.2", "-").as_bytes()), "10.0.0.2");
        // Only the header in the format: the same rule.
        let only =
            NginxFormat::compile(r#"$http_x_forwarded_for [$time_local] "$request" $status"#)
                .unwrap();
        let l = br#"6.6.6.6, 198.51.100.8 [15/Apr/2020:18:24:02 +0200] "GET / HTTP/1.1" 200"#;
        let mut f = Fields::default();
        assert!(only.parse(l, 0, &mut f));
        assert_eq!(
            &l[f.client.start as usize..][..f.client.len as usize],
            b"198.51.100.8"
        );
    }
}
