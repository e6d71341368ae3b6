//! JSON lines with a field mapping (rampart field → JSON key, dotted for nested objects). JSON
//! needs unescaping, so values are copied into the chunk's arena; this path allocates per line
//! (serde_json), which is fine: JSON logs are the application's, not the hot access log.

use super::Fields;
use crate::event::{EvKind, Method, Span};
use crate::time::{from_epoch_number, parse_clf, parse_iso};
use serde_json::Value;
use std::collections::BTreeMap;

/// Field → candidate JSON keys, the configured one first.
#[derive(Debug, Clone)]
pub struct JsonMap {
    keys: Vec<(&'static str, Vec<String>)>,
}

/// Each field's usual keys, the configured one first: generic names, then the access-log JSON
/// of common servers — Caddy (`request.*`), Traefik (`ClientHost`, `Request*`,
/// `Downstream*`), Google Cloud's `httpRequest.*`, Envoy, Elastic Common Schema (`source.ip`,
/// `url.original`, `http.*`, `user_agent.original`) — so their logs need no mapping.
const DEFAULTS: &[(&str, &[&str])] = &[
    (
        "time",
        &[
            "time",
            "timestamp",
            "@timestamp",
            "ts",
            "time_local",
            "time_iso8601",
            "date",
            "datetime",
            "StartUTC",
            "start_time",
            "@t",
        ],
    ),
    (
        "client",
        &[
            "client",
            "remote_addr",
            "ip",
            "client_ip",
            "remote_ip",
            "src_ip",
            "request.client_ip",
            "request.remote_ip",
            "ClientHost",
            "httpRequest.remoteIp",
            "downstream_remote_address",
            "client.ip",
            "source.ip",
            "ClientAddr",
        ],
    ),
    (
        "method",
        &[
            "method",
            "request_method",
            "http_method",
            "request.method",
            "RequestMethod",
            "httpRequest.requestMethod",
            "http.request.method",
        ],
    ),
    (
        "path",
        &[
            "path",
            "uri",
            "url",
            "request_uri",
            "endpoint",
            "route",
            "request.uri",
            "RequestPath",
            "httpRequest.requestUrl",
            "url.original",
            "url.path",
        ],
    ),
    ("query", &["query", "args", "query_string", "url.query"]),
    (
        "status",
        &[
            "status",
            "status_code",
            "http_status",
            "response_status",
            "DownstreamStatus",
            "httpRequest.status",
            "response_code",
            "http.response.status_code",
        ],
    ),
    (
        "bytes",
        &[
            "bytes",
            "body_bytes_sent",
            "size",
            "response_size",
            "DownstreamContentSize",
            "httpRequest.responseSize",
            "bytes_sent",
            "http.response.body.bytes",
        ],
    ),
    (
        "user",
        &[
            "user",
            "username",
            "userid",
            "user_id",
            "email",
            "login",
            "remote_user",
            "user.name",
        ],
    ),
    (
        "agent",
        &[
            "user_agent",
            "http_user_agent",
            "agent",
            "ua",
            "request.headers.User-Agent",
            "request_User-Agent",
            "httpRequest.userAgent",
            "user_agent.original",
        ],
    ),
    // A whole request line (`"request": "GET /x HTTP/1.1"`, nginx's `$request` in JSON).
    ("request", &["request"]),
    ("message", &["message", "msg", "log"]),
    ("event", &["event", "action", "type"]),
    ("channel", &["channel"]),
];

impl JsonMap {
    pub fn new(mapping: &BTreeMap<String, String>) -> JsonMap {
        let keys = DEFAULTS
            .iter()
            .map(|(f, defaults)| {
                let mut v: Vec<String> = mapping.get(*f).into_iter().cloned().collect();
                if v.is_empty() {
                    v.extend(defaults.iter().map(|s| s.to_string()));
                }
                (*f, v)
            })
            .collect();
        JsonMap { keys }
    }

    fn get<'v>(&self, root: &'v Value, field: &str) -> Option<&'v Value> {
        let (_, keys) = self.keys.iter().find(|(f, _)| *f == field)?;
        keys.iter().find_map(|k| {
            let mut cur = root;
            for part in k.split('.') {
                cur = cur.get(part)?;
            }
            // A header logged as a list (Caddy: `"User-Agent": ["curl/8"]`) is its first value;
            // an object (ECS's `user_agent: {original: …}`) is no value here, so the next key
            // is tried.
            if let Value::Array(a) = cur {
                cur = a.first()?;
            }
            (!cur.is_null() && !cur.is_object()).then_some(cur)
        })
    }

    pub fn parse(&self, line: &[u8], buf_len: usize, arena: &mut Vec<u8>, f: &mut Fields) -> bool {
        let Ok(v) = serde_json::from_slice::<Value>(line) else {
            return false;
        };
        if !v.is_object() {
            return false;
        }
        let put = |val: &Value, arena: &mut Vec<u8>| -> Span {
            let start = buf_len + arena.len();
            match val {
                Value::String(s) => arena.extend_from_slice(s.as_bytes()),
                other => arena.extend_from_slice(other.to_string().as_bytes()),
            }
            Span::new(start, buf_len + arena.len())
        };
        match self.get(&v, "time") {
            Some(Value::String(s)) => {
                let b = s.as_bytes();
                match parse_iso(b).or_else(|| parse_clf(b)) {
                    Some((ts, tz)) => (f.ts, f.tz) = (ts, tz),
                    None => return false,
                }
            }
            Some(Value::Number(n)) => f.ts = from_epoch_number(n.as_f64().unwrap_or(0.0)),
            _ => return false,
        }
        if let Some(c) = self.get(&v, "client") {
            f.client = match c {
                Value::String(s) => put(&Value::String(without_port(s).to_string()), arena),
                other => put(other, arena),
            };
        }
        if let Some(Value::String(m)) = self.get(&v, "method") {
            f.method = Method::parse(m.as_bytes());
        }
        let request_line = match (self.get(&v, "method"), self.get(&v, "path")) {
            (None, None) => match self.get(&v, "request") {
                Some(Value::String(r)) => {
                    let mut words = r.split(' ');
                    let m = words.next().unwrap_or("");
                    words.next().map(|p| (m.to_string(), p.to_string()))
                }
                _ => None,
            },
            _ => None,
        };
        if let Some((m, _)) = &request_line {
            f.method = Method::parse(m.as_bytes());
        }
        let path = match (&request_line, self.get(&v, "path")) {
            (Some((_, p)), _) => Some(p.as_str()),
            (None, Some(Value::String(p))) => Some(p.as_str()),
            _ => None,
        };
        if let Some(p) = path {
            let p = without_origin(p);
            let (path, query) = p.split_once('?').unwrap_or((p, ""));
            f.path = put(&Value::String(path.to_string()), arena);
            if !query.is_empty() {
                f.query = put(&Value::String(query.to_string()), arena);
            }
        }
        if let Some(q) = self.get(&v, "query") {
            f.query = put(q, arena);
        }
        match self.get(&v, "status") {
            Some(Value::Number(n)) => f.status = n.as_u64().unwrap_or(0).min(999) as u16,
            Some(Value::String(s)) => f.status = s.parse().unwrap_or(0),
            _ => {}
        }
        match self.get(&v, "bytes") {
            Some(Value::Number(n)) => f.bytes = n.as_u64().unwrap_or(0),
            Some(Value::String(s)) => f.bytes = s.parse().unwrap_or(0),
            _ => {}
        }
        if let Some(u) = self.get(&v, "user") {
            if u.as_str() != Some("") && u.as_str() != Some("-") {
                f.user = put(u, arena);
            }
        }
        if let Some(a) = self.get(&v, "agent") {
            f.agent = put(a, arena);
        }
        // message + event + channel go into one free-text span for the classifier.
        let start = buf_len + arena.len();
        for field in ["event", "channel", "message"] {
            if let Some(val) = self.get(&v, field) {
                if field == "channel" {
                    arena.extend_from_slice(b"channel=");
                }
                match val {
                    Value::String(s) => arena.extend_from_slice(s.as_bytes()),
                    o => arena.extend_from_slice(o.to_string().as_bytes()),
                }
                arena.push(b' ');
            }
        }
        // Secrets may sit in any field, so the classifier also sees the other keys' names and
        // values (e.g. {"password": "..."}).
        if let Value::Object(map) = &v {
            for (k, val) in map {
                if let Value::String(s) = val {
                    arena.extend_from_slice(k.as_bytes());
                    arena.push(b'=');
                    arena.extend_from_slice(s.as_bytes());
                    arena.push(b' ');
                }
            }
        }
        f.msg = Span::new(start, buf_len + arena.len());
        f.kind = if f.path.is_empty() {
            EvKind::App
        } else {
            EvKind::Http
        };
        true
    }
}

/// `1.2.3.4:5678` → `1.2.3.4`, `[2001:db8::1]:443` → `2001:db8::1`; anything else unchanged.
fn without_port(s: &str) -> &str {
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split_once(']').map_or(s, |(a, _)| a);
    }
    match s.rsplit_once(':') {
        Some((a, p))
            if !a.contains(':') && !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()) =>
        {
            a
        }
        _ => s,
    }
}

/// A full URL (`https://host/path?q`, Google Cloud's `requestUrl`) → its path and query.
fn without_origin(p: &str) -> &str {
    for scheme in ["https://", "http://"] {
        if let Some(rest) = p.strip_prefix(scheme) {
            return rest.find('/').map_or("/", |i| &rest[i..]);
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> (String, String, String, u16, String) {
        let map = JsonMap::new(&BTreeMap::new());
        let mut arena = Vec::new();
        let mut f = Fields::default();
        assert!(map.parse(line.as_bytes(), 0, &mut arena, &mut f), "{line}");
        let t = |sp: Span| {
            String::from_utf8_lossy(&arena[sp.start as usize..][..sp.len as usize]).into_owned()
        };
        (
            t(f.client),
            f.method.as_str().to_string(),
            t(f.path),
            f.status,
            t(f.agent),
        )
    }

    #[test]
    fn common_servers_json_access_logs_need_no_mapping() {
        // Caddy.
        assert_eq!(
            read(
                r#"{"level":"info","ts":1646861401.52,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"203.0.113.9","remote_port":"41342","client_ip":"198.51.100.2","method":"GET","host":"h","uri":"/.env?x=1","headers":{"User-Agent":["sqlmap/1.7"]}},"size":10,"status":404}"#
            ),
            (
                "198.51.100.2".into(),
                "GET".into(),
                "/.env".into(),
                404,
                "sqlmap/1.7".into()
            )
        );
        // Traefik.
        assert_eq!(
            read(
                r#"{"ClientAddr":"192.0.2.10:50000","ClientHost":"192.0.2.10","DownstreamStatus":404,"RequestMethod":"GET","RequestPath":"/wp-login.php","StartUTC":"2024-03-01T10:00:00.123Z","request_User-Agent":"curl/8"}"#
            ),
            (
                "192.0.2.10".into(),
                "GET".into(),
                "/wp-login.php".into(),
                404,
                "curl/8".into()
            )
        );
        // Google Cloud's HTTP load balancer.
        assert_eq!(
            read(
                r#"{"timestamp":"2024-03-01T10:00:00Z","httpRequest":{"requestMethod":"POST","requestUrl":"https://app.example/login?next=/","status":401,"remoteIp":"192.0.2.11","userAgent":"python-requests/2"}}"#
            ),
            (
                "192.0.2.11".into(),
                "POST".into(),
                "/login".into(),
                401,
                "python-requests/2".into()
            )
        );
        // Elastic Common Schema.
        assert_eq!(
            read(
                r#"{"@timestamp":"2024-03-01T10:00:00Z","source":{"ip":"192.0.2.12"},"http":{"request":{"method":"GET"},"response":{"status_code":200}},"url":{"original":"/a"},"user_agent":{"original":"Mozilla/5.0"}}"#
            ),
            (
                "192.0.2.12".into(),
                "GET".into(),
                "/a".into(),
                200,
                "Mozilla/5.0".into()
            )
        );
        // nginx's `$request` in a JSON log_format, and Envoy's address with its port.
        assert_eq!(
            read(
                r#"{"time_iso8601":"2024-03-01T10:00:00+00:00","remote_addr":"192.0.2.13","request":"GET /admin?x=1 HTTP/1.1","status":"403","http_user_agent":"x"}"#
            ),
            (
                "192.0.2.13".into(),
                "GET".into(),
                "/admin".into(),
                403,
                "x".into()
            )
        );
        assert_eq!(
            read(
                r#"{"start_time":"2024-03-01T10:00:00.000Z","method":"GET","path":"/","response_code":200,"downstream_remote_address":"[2001:db8::5]:443","user_agent":"y"}"#
            ),
            (
                "2001:db8::5".into(),
                "GET".into(),
                "/".into(),
                200,
                "y".into()
            )
        );
    }
}
