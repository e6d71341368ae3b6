//! Per-line classification, done by the parse workers in parallel: traffic class, login path,
//! sensitive path, scanner agent, injection payloads, secrets, auth outcome. Each check first
//! looks for a cheap trigger so ordinary lines cost a few byte comparisons.
//!
//! `tables.rs` holds the signatures, `matching.rs` the byte-level matching, `mask.rs` the
//! decoding and masking of what is shown; this file puts them together per line.

mod mask;
mod matching;
mod tables;

pub use mask::mask_secrets;
pub use matching::span_bytes;
pub use tables::{SCANNERS, SECRET_NAMES, SENSITIVE};

use crate::event::{flag, Ev, EvKind, Span};
use crate::hash::hash_bytes;
use mask::decode_lower;
use matching::{find_bytes, head_word, is_masked, secret_value_at, triggers, Prefix};
use memchr::memmem;
use rampart_config::LogsSection;
use tables::{AUTH_FAIL, AUTH_OK, CMDI, PASSWORD_NAMES, SQLI, TRAVERSAL, XSS};

pub struct Classifier {
    api: Vec<Prefix>,
    static_prefixes: Vec<Prefix>,
    static_ext: Vec<Vec<u8>>,
    login: Vec<Prefix>,
    sensitive: Vec<Vec<u8>>,
    /// Indexes into `sensitive` by the path's second byte (after the slash), lowercase, each
    /// with the entry's third byte (lowercase; none when the entry is shorter): most paths are
    /// told apart from every entry by two byte comparisons, without a string comparison.
    sensitive_by_second: Vec<Vec<(Option<u8>, usize)>>,
    scanners: Vec<Vec<u8>>,
    secrets: Vec<Vec<u8>>,
    /// Lengths (bit n: length n, under 64) and lowercase first bytes of `secrets`: a query
    /// parameter name matching neither is no secret, without comparing it to every name.
    secret_lens: u64,
    secret_firsts: [bool; 256],
    api_marker: Vec<u8>,
    marker_finder: Option<memmem::Finder<'static>>,
}

/// A worker's own cache (scanner verdict per user agent), so the shared classifier stays
/// immutable. A slot answers only for the very agent it holds (compared byte for byte): a
/// cached "benign" must never be inherited by another agent that hashes alike.
pub struct WorkerCache {
    ua: Vec<UaSlot>,
    pub scratch: Vec<u8>,
    /// The current chunk's endpoints: where each sits in its `EndpointCount` list.
    pub endpoints: crate::identity::ExactMap<u32>,
    /// A direct-mapped index in front of `endpoints` (by the endpoint's hash; `u32::MAX`
    /// when empty): most lines find their endpoint here with one comparison of its bytes.
    pub endpoint_slots: Vec<u32>,
}

#[derive(Clone, Default)]
struct UaSlot {
    hash: u64,
    agent: Vec<u8>,
    scanner: bool,
}

/// Agents longer than this are matched every time rather than cached (they are rare; the
/// cache's memory stays bounded).
const UA_CACHE_MAX: usize = 1024;

/// Slots of [`WorkerCache::endpoint_slots`] (a power of two).
pub const ENDPOINT_SLOTS: usize = 1024;

impl Default for WorkerCache {
    fn default() -> Self {
        WorkerCache {
            ua: vec![UaSlot::default(); 4096],
            scratch: Vec::with_capacity(4096),
            endpoints: Default::default(),
            endpoint_slots: vec![u32::MAX; ENDPOINT_SLOTS],
        }
    }
}

fn lower(v: &[String]) -> Vec<Vec<u8>> {
    v.iter()
        .map(|s| s.to_ascii_lowercase().into_bytes())
        .collect()
}

impl Classifier {
    pub fn new(cfg: &LogsSection) -> Classifier {
        let mut sensitive: Vec<Vec<u8>> = SENSITIVE.iter().map(|s| s.as_bytes().to_vec()).collect();
        sensitive.extend(lower(&cfg.detectors.probing.sensitive_paths));
        let mut scanners: Vec<Vec<u8>> = SCANNERS.iter().map(|s| s.as_bytes().to_vec()).collect();
        scanners.extend(lower(&cfg.detectors.probing.scanner_agents));
        let mut secrets: Vec<Vec<u8>> =
            SECRET_NAMES.iter().map(|s| s.as_bytes().to_vec()).collect();
        secrets.extend(lower(&cfg.detectors.secrets.names));
        let marker = cfg.classes.api_marker.clone().into_bytes();
        let marker_finder = (!marker.is_empty()).then(|| memmem::Finder::new(&marker).into_owned());
        let mut secret_lens = 0u64;
        let mut secret_firsts = [false; 256];
        for s in &secrets {
            if s.len() < 64 {
                secret_lens |= 1 << s.len();
            }
            if let Some(&c) = s.first() {
                secret_firsts[c.to_ascii_lowercase() as usize] = true;
            }
        }
        let prefixes = |v: &[String]| v.iter().map(|s| Prefix::new(s.as_bytes())).collect();
        let mut sensitive_by_second = vec![Vec::new(); 256];
        for (i, s) in sensitive.iter().enumerate() {
            let c = s.get(1).map_or(0, |c| c.to_ascii_lowercase());
            let third = s.get(2).map(|c| c.to_ascii_lowercase());
            sensitive_by_second[c as usize].push((third, i));
        }
        Classifier {
            sensitive_by_second,
            api: prefixes(&cfg.classes.api),
            static_prefixes: prefixes(&cfg.classes.static_prefixes),
            static_ext: lower(&cfg.classes.static_extensions),
            login: prefixes(&cfg.login_paths),
            sensitive,
            scanners,
            secrets,
            secret_lens,
            secret_firsts,
            api_marker: marker,
            marker_finder,
        }
    }

    pub fn classify(&self, ev: &mut Ev, buf: &[u8], arena: &[u8], cache: &mut WorkerCache) {
        let get = |s: Span| span_bytes(buf, arena, s);
        let client = get(ev.client);
        ev.client_h = hash_bytes(if client.is_empty() { b"-" } else { client });
        if !ev.user.is_empty() {
            ev.user_h = hash_bytes(get(ev.user));
        }
        let path = get(ev.path);
        if !path.is_empty() {
            let head = head_word(path);
            if self.api.iter().any(|p| p.is_prefix_of(path, head)) {
                ev.flags |= flag::API;
            }
            if self.is_static(path, head) {
                ev.flags |= flag::STATIC;
            }
            if self.login.iter().any(|l| {
                let n = l.bytes.len();
                l.is_prefix_of(path, head)
                    && (path.len() == n || (path.len() == n + 1 && path[n] == b'/'))
            }) {
                ev.flags |= flag::LOGIN;
            }
            let second = path.get(1).map_or(0, |c| c.to_ascii_lowercase());
            let third = path.get(2).map(|c| c.to_ascii_lowercase());
            if self.sensitive_by_second[second as usize]
                .iter()
                .any(|&(t, i)| {
                    let s = &self.sensitive[i];
                    (t.is_none() || t == third)
                        && path.len() >= s.len()
                        && path[..s.len()].eq_ignore_ascii_case(s)
                })
            {
                ev.flags |= flag::SENSITIVE;
            }
            let query = get(ev.query);
            ev.flags |= self.payloads(path, query, cache);
            if !query.is_empty() {
                ev.flags |= self.query_secrets(query);
            }
        }
        let agent = get(ev.agent);
        if !agent.is_empty() {
            let h = crate::hash::agent_slot(agent);
            let n = cache.ua.len();
            let slot = &mut cache.ua[(h as usize) & (n - 1)];
            let scanner = if slot.hash == h && slot.agent == agent {
                slot.scanner
            } else {
                let lowered = agent.to_ascii_lowercase();
                let v = self
                    .scanners
                    .iter()
                    .any(|s| memmem::find(&lowered, s).is_some());
                if agent.len() <= UA_CACHE_MAX {
                    slot.hash = h;
                    slot.agent.clear();
                    slot.agent.extend_from_slice(agent);
                    slot.scanner = v;
                }
                v
            };
            if scanner {
                ev.flags |= flag::SCANNER_UA;
            }
            if memchr::memchr3(b'$', b'<', b'{', agent).is_some() {
                let lowered = agent.to_ascii_lowercase();
                if [&b"${jndi:"[..], b"<script", b"() {"]
                    .iter()
                    .any(|p| memmem::find(&lowered, p).is_some())
                {
                    ev.flags |= flag::CMDI;
                }
            }
        }
        if !ev.msg.is_empty() {
            self.message(ev, get(ev.msg), cache);
        }
    }

    fn is_static(&self, path: &[u8], head: u64) -> bool {
        if self
            .static_prefixes
            .iter()
            .any(|p| p.is_prefix_of(path, head))
        {
            return true;
        }
        // The extension is after the last `.` of the last segment: one backwards scan to the
        // last `.` or `/`, whichever comes first from the end (a `/` means no extension).
        match path.iter().rposition(|&c| c == b'.' || c == b'/') {
            Some(dot) if path[dot] == b'.' => {
                let ext = &path[dot + 1..];
                self.static_ext
                    .iter()
                    .any(|e| e.len() == ext.len() && e.eq_ignore_ascii_case(ext))
            }
            _ => false,
        }
    }

    fn payloads(&self, path: &[u8], query: &[u8], cache: &mut WorkerCache) -> u32 {
        if !triggers(path, false) && !triggers(query, true) {
            return 0;
        }
        let s = &mut cache.scratch;
        s.clear();
        decode_lower(path, s);
        s.push(b'?');
        decode_lower(query, s);
        // A second pass catches double encoding (%2527 → %27 → ').
        if memchr::memchr(b'%', s).is_some() {
            let once = std::mem::take(s);
            decode_lower(&once, s);
        }
        let mut f = 0;
        let has = |list: &[&str]| list.iter().any(|p| find_bytes(s, p.as_bytes()).is_some());
        if has(SQLI) {
            f |= flag::SQLI;
        }
        if has(XSS) {
            f |= flag::XSS;
        }
        if has(TRAVERSAL) {
            f |= flag::TRAVERSAL;
        }
        if has(CMDI) {
            f |= flag::CMDI;
        }
        f
    }

    fn query_secrets(&self, query: &[u8]) -> u32 {
        let mut f = 0;
        for pair in query.split(|&c| c == b'&') {
            let Some(eq) = crate::parse::find_byte(b'=', pair) else {
                continue;
            };
            let (name, value) = (&pair[..eq], &pair[eq + 1..]);
            if value.is_empty()
                || (name.len() < 64 && self.secret_lens & (1 << name.len()) == 0)
                || name
                    .first()
                    .is_some_and(|c| !self.secret_firsts[c.to_ascii_lowercase() as usize])
            {
                continue;
            }
            if let Some(i) = self
                .secrets
                .iter()
                .position(|s| s.len() == name.len() && s.eq_ignore_ascii_case(name))
            {
                f |= flag::SECRET;
                if i < PASSWORD_NAMES {
                    f |= flag::PASSWORD;
                }
            }
        }
        f
    }

    fn message(&self, ev: &mut Ev, msg: &[u8], cache: &mut WorkerCache) {
        if let Some(fi) = &self.marker_finder {
            if fi.find(msg).is_some() {
                ev.flags |= flag::API_MARKER | flag::API;
            }
        }
        let s = &mut cache.scratch;
        s.clear();
        s.extend(msg.iter().take(8192).map(u8::to_ascii_lowercase));
        if memmem::find(s, b"channel=api").is_some() {
            ev.flags |= flag::API_MARKER | flag::API;
        }
        if AUTH_FAIL
            .iter()
            .any(|p| find_bytes(s, p.as_bytes()).is_some())
        {
            ev.flags |= flag::AUTH_FAIL;
        } else if AUTH_OK
            .iter()
            .any(|p| find_bytes(s, p.as_bytes()).is_some())
        {
            ev.flags |= flag::AUTH_OK;
        }
        for (i, name) in self.secrets.iter().enumerate() {
            if let Some(v) = secret_value_at(s, name) {
                if !is_masked(&s[v.0..v.1]) {
                    ev.flags |= flag::SECRET;
                    if i < PASSWORD_NAMES {
                        ev.flags |= flag::PASSWORD;
                    }
                }
            }
        }
        if ev.kind == EvKind::App && ev.path.is_empty() && self.api_marker.is_empty() {
            // nothing else to learn from a bare message
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tables::TRIGGER;
    use super::*;
    use crate::event::Method;

    fn ev_for(path: &str, query: &str) -> (Ev, Vec<u8>) {
        let buf = format!("{path}{query}").into_bytes();
        let ev = Ev {
            method: Method::Get,
            path: Span::new(0, path.len()),
            query: Span::new(path.len(), buf.len()),
            ..Ev::default()
        };
        (ev, buf)
    }

    #[test]
    fn classifies_paths_and_payloads() {
        let c = Classifier::new(&serde_json::from_str("{}").unwrap());
        let mut cache = WorkerCache::default();
        let cases: &[(&str, &str, u32)] = &[
            ("/api/latest", "", flag::API),
            ("/static/style.css", "", flag::STATIC),
            ("/login", "", flag::LOGIN),
            ("/.env", "", flag::SENSITIVE),
            ("/.git/config", "", flag::SENSITIVE),
            ("/a.b/c.PNG", "", flag::STATIC),
            ("/WP-Admin/x", "", flag::SENSITIVE),
            ("/Adminer", "", flag::SENSITIVE),
            ("/search", "q=1%27%20OR%201=1--", flag::SQLI),
            ("/search", "q=%3Cscript%3Ealert(1)%3C/script%3E", flag::XSS),
            ("/files", "f=../../etc/passwd", flag::TRAVERSAL),
            (
                "/reset",
                "token=abc&password=hunter2",
                flag::SECRET | flag::PASSWORD,
            ),
            ("/api/msgs", "no=100&latest=1", flag::API),
        ];
        for (p, q, want) in cases {
            let (mut ev, buf) = ev_for(p, q);
            c.classify(&mut ev, &buf, &[], &mut cache);
            assert_eq!(ev.flags & want, *want, "{p}?{q}: {:b}", ev.flags);
            if *want == flag::API {
                assert_eq!(ev.flags & flag::INJECTION, 0, "{p}?{q}");
            }
        }
    }

    #[test]
    fn extension_is_the_last_segments() {
        let c = Classifier::new(&serde_json::from_str("{}").unwrap());
        for (p, want) in [
            (&b"/x/a.css"[..], true),
            (b"/a.css/x", false),
            (b"/a.b/c.PNG", true),
            (b"/a.css/", false),
            (b"style.css", true),
            (b"/x/a.", false),
            (b"/x/a", false),
        ] {
            assert_eq!(c.is_static(p, head_word(p)), want, "{p:?}");
        }
    }

    /// The word and table shortcuts answer as the plain definitions do.
    #[test]
    fn prefix_words_and_trigger_table_agree_with_the_definitions() {
        let samples: &[&[u8]] = &[
            b"",
            b"/",
            b"/a",
            b"/api",
            b"/api/",
            b"/api/msgs",
            b"/apix",
            b"/login",
            b"/login/",
            b"/wp-login.php",
            b"/wp-login.ph",
            b"/user/login",
            b"/static/s.css",
            b"a..b",
            b"x.y",
            b"q=/etc",
            b"q=/x",
            b"no=100&latest=1",
            b"a%20b",
            b"e/e",
            b"/e",
            b"..",
        ];
        for p in samples {
            for h in samples {
                let pre = Prefix::new(p);
                assert_eq!(
                    pre.is_prefix_of(h, head_word(h)),
                    h.starts_with(p),
                    "{p:?} {h:?}"
                );
            }
            for query in [false, true] {
                let plain = p.iter().any(|&c| TRIGGER[c as usize])
                    || p.windows(2).any(|w| w == b"..")
                    || (query && p.windows(2).any(|w| w == b"/e"));
                assert_eq!(triggers(p, query), plain, "{p:?} {query}");
            }
        }
    }

    /// A long agent with `sqlmap` in its middle is a scanner even after a benign agent of the
    /// same length, head and tail was cached (the cache used to key on the first 48 and last
    /// 16 bytes only).
    #[test]
    fn scanner_in_the_middle_of_a_long_agent_is_not_cached_as_benign() {
        let c = Classifier::new(&serde_json::from_str("{}").unwrap());
        let mut cache = WorkerCache::default();
        let head = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 ";
        let tail = " Firefox/128.0 (en)";
        let benign = format!("{head}{}{tail}", "-".repeat(20));
        let scanner = format!("{head}----sqlmap/1.8------{tail}");
        assert_eq!(benign.len(), scanner.len());
        let mut flags = Vec::new();
        for agent in [&benign, &scanner, &benign, &scanner] {
            let buf = agent.as_bytes().to_vec();
            let mut ev = Ev {
                agent: Span::new(0, buf.len()),
                ..Ev::default()
            };
            c.classify(&mut ev, &buf, &[], &mut cache);
            flags.push(ev.flags & flag::SCANNER_UA != 0);
        }
        assert_eq!(flags, [false, true, false, true]);
    }

    #[test]
    fn masks_secrets() {
        assert_eq!(
            mask_secrets("GET /reset?token=abc123&password=Hunter2 HTTP/1.1"),
            "GET /reset?token=***&password=*** HTTP/1.1"
        );
        assert_eq!(
            mask_secrets(r#"{"user":"bob","password":"s3cret"}"#),
            r#"{"user":"bob","password":"***"}"#
        );
        assert!(!mask_secrets("Authorization: Bearer eyJabc").contains("eyJabc"));
        assert_eq!(mask_secrets("nothing here"), "nothing here");
    }
}
