//! SQL injection outside query strings and forms: request headers (User-Agent, Referer,
//! X-Forwarded-For), cookies the site sets, and the fields of JSON bodies its inline scripts send.
//!
//! Headers and cookies are only worth probing where the application reads them: one request per
//! page with a quote appended to every header and cookie at once, then — where that changes the
//! answer — one per header or cookie, is compared with the page's answer; only when the answer
//! changes (a database error, another status, another page) are the error, boolean
//! and UNION techniques run on it — not the time-based one, to keep the cost bounded. JSON fields
//! get every technique, as form fields do (and, as POSTs, are skipped with `--safe`).

use super::client::{Page, Req};
use super::crawl::in_scope;
use super::probe::{is_logout, try_send};
use super::scripts::fetch_calls;
use super::similarity::{ratio, strip_reflection};
use super::sqli::{db_error, probe_param, Outcome, Techniques};
use super::{State, WebOptions};
use crate::rules;
use rampart_net::NetError;
use std::collections::HashSet;
use url::Url;

/// Pages whose headers and cookies are probed, at most.
const MAX_PAGES: usize = 40;

/// Headers applications commonly log or look up (analytics, "last visit", geo by address).
const HEADERS: &[&str] = &["User-Agent", "Referer", "X-Forwarded-For"];

/// Where a value goes.
#[derive(Clone)]
enum Place {
    Header(String),
    Cookie(String),
}

pub async fn check(state: &mut State, opts: &WebOptions) -> Result<(), NetError> {
    headers_and_cookies(state, opts).await?;
    json_bodies(state, opts).await
}

fn request(state: &State, url: &Url, place: &Place, value: &str) -> Req {
    let mut r = Req::get(url.clone());
    match place {
        Place::Header(h) => r.headers.push((h.clone(), value.to_string())),
        Place::Cookie(name) => {
            // The scan's own cookies (a logged-in session) stay; only this one changes.
            let mut jar: Vec<(String, String)> = state
                .client
                .cookies()
                .into_iter()
                .filter(|(k, _)| k != name)
                .collect();
            jar.push((name.clone(), value.to_string()));
            let line: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            r.headers.push(("Cookie".into(), line.join("; ")));
        }
    }
    r
}

/// The page's request with every header and cookie of `places` given its value and `'"`.
fn quoted_all(state: &State, url: &Url, places: &[(Place, String)]) -> Req {
    let mut r = Req::get(url.clone());
    let mut jar: Vec<(String, String)> = state.client.cookies();
    for (place, orig) in places {
        let v = format!("{orig}'\"");
        match place {
            Place::Header(h) => r.headers.push((h.clone(), v)),
            Place::Cookie(name) => {
                jar.retain(|(k, _)| k != name);
                jar.push((name.clone(), v));
            }
        }
    }
    if !jar.is_empty() {
        let line: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        r.headers.push(("Cookie".into(), line.join("; ")));
    }
    r
}

/// Cookies the site set during the crawl (name, first value), session cookies of a logged-in
/// scan excepted: changing those would end the session.
fn site_cookies(state: &State) -> Vec<(String, String)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for p in &state.fetched {
        for v in p.header_all("set-cookie") {
            let first = v.split(';').next().unwrap_or("");
            let Some((k, val)) = first.split_once('=') else {
                continue;
            };
            let (k, val) = (k.trim().to_string(), val.trim().to_string());
            if k.is_empty() || val.is_empty() || state.session_cookies.contains(&k) {
                continue;
            }
            if seen.insert(k.clone()) {
                out.push((k, val));
            }
        }
    }
    out
}

/// Whether the answer to a value with a quote differs from the page's own answer.
fn reacts(base: &Page, r: &Page, sent: &str) -> bool {
    db_error(&r.body).is_some_and(|_| db_error(&base.body).is_none())
        || r.status != base.status
        || ratio(&base.body, &strip_reflection(&r.body, sent)) < 0.98
}

async fn headers_and_cookies(state: &mut State, opts: &WebOptions) -> Result<(), NetError> {
    let mut paths = HashSet::new();
    let pages: Vec<Url> = state
        .fetched
        .iter()
        .filter(|p| p.status < 400 && !is_logout(&p.url))
        .filter(|p| paths.insert(p.url.path().to_string()))
        .map(|p| p.url.clone())
        .take(MAX_PAGES)
        .collect();
    let mut places: Vec<(Place, String)> = HEADERS
        .iter()
        .map(|h| {
            let v = match *h {
                "User-Agent" => rampart_model::USER_AGENT.to_string(),
                "Referer" => state.base.to_string(),
                _ => "127.0.0.1".to_string(),
            };
            (Place::Header(h.to_string()), v)
        })
        .collect();
    places.extend(
        site_cookies(state)
            .into_iter()
            .map(|(k, v)| (Place::Cookie(k), v)),
    );
    let no_time = Techniques { time_based: false };
    for url in pages {
        let Some(base) = try_send(state, &Req::get(url.clone())).await? else {
            continue;
        };
        // One request with every header and cookie quoted at once: most pages read none of
        // them, and then that one request is all they cost.
        let all = quoted_all(state, &url, &places);
        let Some(r) = try_send(state, &all).await? else {
            continue;
        };
        let sent: Vec<String> = places.iter().map(|(_, o)| format!("{o}'\"")).collect();
        let mut stripped = r.clone();
        for s in &sent {
            stripped.body = strip_reflection(&stripped.body, s);
        }
        if !reacts(&base, &stripped, "") {
            continue;
        }
        for (place, orig) in &places {
            let quoted = format!("{orig}'\"");
            let Some(r) = try_send(state, &request(state, &url, place, &quoted)).await? else {
                continue;
            };
            if !reacts(&base, &r, &quoted) {
                continue;
            }
            let mk = |v: &str| request(state, &url, place, v);
            let Outcome::Found { how, evidence } =
                probe_param(state, &mk, orig, opts, no_time).await?
            else {
                continue;
            };
            let name = match place {
                Place::Header(h) => format!("header:{h}"),
                Place::Cookie(c) => format!("cookie:{c}"),
            };
            let f = rules::web_sqli::RULE.finding(
                format!(
                    "SQL injection in parameter {name} of GET {} ({how})",
                    url.path()
                ),
                url.to_string(),
                &format!("GET {} [{name}]", url.path()),
                evidence,
            );
            state.add_finding(f);
        }
    }
    Ok(())
}

async fn json_bodies(state: &mut State, opts: &WebOptions) -> Result<(), NetError> {
    if opts.safe {
        return Ok(());
    }
    let mut seen = HashSet::new();
    let calls: Vec<_> = state
        .fetched
        .iter()
        .filter(|p| p.is_html())
        .flat_map(|p| fetch_calls(&p.url, &p.body))
        .filter(|c| c.is_json() && matches!(c.method.as_str(), "POST" | "PUT" | "PATCH"))
        .filter(|c| seen.insert(format!("{} {}", c.method, c.url)))
        .collect();
    for c in calls {
        if !in_scope(state, &c.url) || is_logout(&c.url) {
            continue;
        }
        state.data_changing.insert(format!(
            "{} {}: JSON injection probes submitted",
            c.method,
            c.url.path()
        ));
        let method = http::Method::from_bytes(c.method.as_bytes()).unwrap_or(http::Method::POST);
        let ctype = c
            .content_type
            .clone()
            .unwrap_or_else(|| "application/json".into());
        for (key, orig) in &c.json {
            let mk = |v: &str| {
                let mut obj = serde_json::Map::new();
                for (k, o) in &c.json {
                    let value = if k == key {
                        serde_json::Value::String(v.to_string())
                    } else if let Ok(n) = o.parse::<u64>() {
                        n.into()
                    } else {
                        serde_json::Value::String(o.clone())
                    };
                    obj.insert(k.clone(), value);
                }
                let mut r =
                    Req::post_form(c.url.clone(), serde_json::Value::Object(obj).to_string());
                r.method = method.clone();
                r.headers.push(("Content-Type".into(), ctype.clone()));
                r
            };
            let all = Techniques { time_based: true };
            let Outcome::Found { how, evidence } = probe_param(state, &mk, orig, opts, all).await?
            else {
                continue;
            };
            let name = format!("json:{key}");
            state.add_finding(rules::web_sqli::RULE.finding(
                format!(
                    "SQL injection in parameter {name} of {method} {} ({how})",
                    c.url.path()
                ),
                c.url.to_string(),
                &format!("{method} {} [{name}]", c.url.path()),
                evidence,
            ));
        }
    }
    Ok(())
}
