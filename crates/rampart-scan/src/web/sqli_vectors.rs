//! SQL injection outside query strings and forms: request headers (User-Agent, Referer,
//! X-Forwarded-For), cookies the site sets, and the fields of JSON bodies its inline scripts send.
//!
//! Headers and cookies are only worth probing where the application reads them: one request per
//! page with a quote appended to every header and cookie at once, then — where that changes the
//! answer — one per header or cookie, is compared with the page's answer; only when the answer
//! changes (a database error, another status, another page) are the error, boolean
//! and UNION techniques run on it. The time-based technique runs, with a baseline measured there,
//! on the places the page shows it reads without a visible change: the quote changed the answer
//! but no other technique confirmed, the page hands the cookie out itself (`Set-Cookie`), names
//! the header in `Vary`, or shows the value back — at most [`MAX_TIME_PLACES`] per scan. JSON
//! fields get every technique, as form fields do (and, as POSTs, are skipped with `--safe`).

use super::client::{Client, Page, Req};
use super::crawl::in_scope;
use super::probe::spent_is_nothing;
use super::probe::{each_in_order, is_logout, try_send, try_send_original};
use super::similarity::{ratio, strip_reflection};
use super::sqli::{db_error, probe_param, Outcome, Techniques};
use super::sqli_time::time_based;
use super::{Found, State, WebOptions};
use crate::rules;
use rampart_model::Finding;
use rampart_net::NetError;
use std::collections::HashSet;
use url::Url;

/// Pages whose headers and cookies are probed, at most.
const MAX_PAGES: usize = 40;

/// (page, header or cookie) places given the time-based probe, at most: each costs 2 baseline
/// requests and one per template (two for text, six for a number, then the heavy query) when nothing is slow.
const MAX_TIME_PLACES: usize = 8;

/// Pages one header or cookie is given the time-based probe on, at most.
const MAX_PAGES_PER_TIME_PLACE: usize = 2;

const QUOTE_CHANGES: &str = "a quote changes the answer";

/// Headers applications commonly log or look up (analytics, "last visit", geo by address).
const HEADERS: &[&str] = &["User-Agent", "Referer", "X-Forwarded-For"];

/// Where a value goes.
#[derive(Clone, PartialEq, Eq)]
enum Place {
    Header(String),
    Cookie(String),
}

impl Place {
    fn name(&self) -> String {
        match self {
            Place::Header(h) => format!("header:{h}"),
            Place::Cookie(c) => format!("cookie:{c}"),
        }
    }
}

/// Why the page is taken to read `place` although a quote in it changed nothing visible; `None`
/// when nothing says so. Costs no request: it reads the page's own answer.
fn reads_silently(base: &Page, place: &Place, orig: &str) -> Option<&'static str> {
    match place {
        Place::Cookie(name) => {
            let sets = base.header_all("set-cookie").iter().any(|c| {
                c.split_once('=')
                    .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            });
            if sets {
                return Some("the page sets this cookie");
            }
        }
        Place::Header(h) => {
            let varies = base.header_all("vary").iter().any(|v| {
                v.split(',')
                    .any(|x| x.trim().eq_ignore_ascii_case(h) || x.trim() == "*")
            });
            if varies {
                return Some("the page's Vary header names it");
            }
        }
    }
    // A value long enough not to appear by chance, shown back in the page.
    (orig.len() >= 6 && base.body.contains(orig)).then_some("the page shows the value")
}

pub async fn check(state: &State, opts: &WebOptions) -> Result<Found, NetError> {
    // Both to their end: a budget spent in one keeps what the other confirmed.
    let (out, json) = tokio::join!(headers_and_cookies(state, opts), json_bodies(state, opts));
    let (mut out, json) = (spent_is_nothing(out)?, spent_is_nothing(json)?);
    out.findings.extend(json.findings);
    out.data_changing.extend(json.data_changing);
    Ok(out)
}

/// A place the page reads without a visible change: the page, the place, its original value and
/// why it is taken to read it.
type Silent = (Url, Place, String, &'static str);

fn request(client: &Client, url: &Url, place: &Place, value: &str) -> Req {
    let mut r = Req::get(url.clone());
    match place {
        Place::Header(h) => r.headers.push((h.clone(), value.to_string())),
        Place::Cookie(name) => {
            // The scan's own cookies (a logged-in session) stay; only this one changes.
            let mut jar: Vec<(String, String)> = client
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

/// Whether the answer to a value with a quote differs from the page's own answer. On a page
/// that changes by itself (`unstable`), only a database error or another status counts.
fn reacts(base: &Page, r: &Page, sent: &str, unstable: bool) -> bool {
    db_error(&r.body).is_some_and(|_| db_error(&base.body).is_none())
        || r.status != base.status
        || !unstable && ratio(&base.body, &strip_reflection(&r.body, sent)) < 0.98
}

async fn headers_and_cookies(state: &State, opts: &WebOptions) -> Result<Found, NetError> {
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
    // Several pages at a time, in order (see `inject::check`).
    let per_page: Vec<(Vec<Finding>, Vec<Silent>)> =
        each_in_order(pages, opts.concurrency, |url| {
            probe_page(state, opts, url, &places)
        })
        .await?;
    let mut out = Found::default();
    let mut silent: Vec<Silent> = Vec::new();
    for (found, quiet) in per_page {
        out.findings.extend(found);
        silent.extend(quiet);
    }
    // What the page itself shows first; a quote's change (the weaker sign) after.
    silent.sort_by_key(|(_, _, _, why)| *why == QUOTE_CHANGES);
    // A cookie set (or a header varied on) by every page is one thing: two pages of each, so
    // that one such value does not take every slot.
    let mut per_place: Vec<(Place, usize)> = Vec::new();
    silent.retain(
        |(_, place, _, _)| match per_place.iter_mut().find(|(p, _)| p == place) {
            Some((_, n)) if *n >= MAX_PAGES_PER_TIME_PLACE => false,
            Some((_, n)) => {
                *n += 1;
                true
            }
            None => {
                per_place.push((place.clone(), 1));
                true
            }
        },
    );
    silent.truncate(MAX_TIME_PLACES);
    // The delays run beside each other (through the same client: same rate limit, budget and
    // session).
    let timed: Vec<Option<Finding>> = each_in_order(
        silent,
        MAX_TIME_PLACES,
        |(url, place, orig, why)| async move {
            let client = &state.client;
            let mk = |v: &str| request(client, &url, &place, v);
            let (Some(b1), Some(b2)) = (
                try_send(state, &mk(&orig)).await?,
                try_send(state, &mk(&orig)).await?,
            ) else {
                return Ok(None);
            };
            let base_t = b1.elapsed.min(b2.elapsed);
            let Outcome::Found { how, mut evidence } =
                time_based(client, &mk, &orig, base_t, opts).await?
            else {
                return Ok(None);
            };
            evidence
                .notes
                .push(format!("probed by timing because {why}"));
            Ok(Some(finding(&url, &place, &how, evidence)))
        },
    )
    .await?;
    out.findings.extend(timed.into_iter().flatten());
    Ok(out)
}

/// One page's headers and cookies: what the error, boolean and UNION techniques confirm, and the
/// places the page reads without a visible change (the time-based technique's candidates).
async fn probe_page(
    state: &State,
    opts: &WebOptions,
    url: Url,
    places: &[(Place, String)],
) -> Result<(Vec<Finding>, Vec<Silent>), NetError> {
    let no_time = Techniques { time_based: false };
    let mut found = Vec::new();
    let mut silent: Vec<Silent> = Vec::new();
    let Some(base) = try_send_original(state, &Req::get(url.clone())).await? else {
        return Ok((found, silent));
    };
    for (place, orig) in places {
        if let Some(why) = reads_silently(&base, place, orig) {
            silent.push((url.clone(), place.clone(), orig.clone(), why));
        }
    }
    // One request with every header and cookie quoted at once: most pages read none of
    // them, and then that one request is all they cost.
    let all = quoted_all(state, &url, places);
    let Some(r) = try_send(state, &all).await? else {
        return Ok((found, silent));
    };
    let sent: Vec<String> = places.iter().map(|(_, o)| format!("{o}'\"")).collect();
    let mut stripped = r.clone();
    for s in &sent {
        stripped.body = strip_reflection(&stripped.body, s);
    }
    if !reacts(&base, &stripped, "", false) {
        return Ok((found, silent));
    }
    // Changed: by the quotes, or does the page change by itself? One more look tells.
    let Some(again) = try_send(state, &Req::get(url.clone())).await? else {
        return Ok((found, silent));
    };
    let unstable = again.status != base.status || ratio(&base.body, &again.body) < 0.98;
    if unstable && !reacts(&base, &stripped, "", true) {
        return Ok((found, silent));
    }
    for (place, orig) in places {
        let quoted = format!("{orig}'\"");
        let Some(r) = try_send(state, &request(&state.client, &url, place, &quoted)).await? else {
            continue;
        };
        if !reacts(&base, &r, &quoted, unstable) {
            continue;
        }
        let mk = |v: &str| request(&state.client, &url, place, v);
        silent.retain(|(_, p, _, _)| p != place);
        match probe_param(state, &mk, orig, opts, no_time).await? {
            Outcome::Found { how, evidence } => found.push(finding(&url, place, &how, evidence)),
            // Read, but neither an error, a boolean difference nor a UNION shows it.
            Outcome::None => silent.push((url.clone(), place.clone(), orig.clone(), QUOTE_CHANGES)),
        }
    }
    Ok((found, silent))
}

fn finding(url: &Url, place: &Place, how: &str, evidence: rampart_model::Evidence) -> Finding {
    let name = place.name();
    rules::web_sqli::RULE.finding(
        format!(
            "SQL injection in parameter {name} of GET {} ({how})",
            url.path()
        ),
        url.to_string(),
        &format!("GET {} [{name}]", url.path()),
        evidence,
    )
}

async fn json_bodies(state: &State, opts: &WebOptions) -> Result<Found, NetError> {
    let mut out = Found::default();
    if opts.safe {
        return Ok(out);
    }
    let calls = state
        .script_calls
        .iter()
        .filter(|c| c.is_json() && matches!(c.method.as_str(), "POST" | "PUT" | "PATCH"));
    for c in calls {
        if !in_scope(state, &c.url) || is_logout(&c.url) {
            continue;
        }
        out.data_changing(format!(
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
            let outcome = match probe_param(state, &mk, orig, opts, all).await {
                // What the fields before confirmed is kept; the scan reports the budget's end.
                Err(NetError::BudgetExhausted(_)) => return Ok(out),
                r => r?,
            };
            let Outcome::Found { how, evidence } = outcome else {
                continue;
            };
            let name = format!("json:{key}");
            out.finding(rules::web_sqli::RULE.finding(
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
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(headers: &[(&str, &str)], body: &str) -> Page {
        let mut map = http::HeaderMap::new();
        for (k, v) in headers {
            map.append(
                http::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        Page {
            url: Url::parse("http://127.0.0.1/news").unwrap(),
            status: 200,
            headers: map,
            body: body.into(),
            elapsed: std::time::Duration::ZERO,
            setup: std::time::Duration::ZERO,
        }
    }

    #[test]
    fn silent_reads_are_what_the_page_itself_shows() {
        let visitor = Place::Cookie("visitor".into());
        let ua = Place::Header("User-Agent".into());
        let sets = page(&[("Set-Cookie", "visitor=ab12cd; HttpOnly")], "<p>news</p>");
        assert!(reads_silently(&sets, &visitor, "ab12cd").is_some());
        assert!(reads_silently(&sets, &Place::Cookie("lang".into()), "en").is_none());
        let varies = page(&[("Vary", "Accept-Encoding, User-Agent")], "<p>hi</p>");
        assert!(reads_silently(&varies, &ua, "rampart/0.1").is_some());
        let shows = page(&[], "<p>You use rampart/0.1</p>");
        assert!(reads_silently(&shows, &ua, "rampart/0.1").is_some());
        // Too short to tell a reflection from chance.
        assert!(
            reads_silently(&page(&[], "<p>en</p>"), &Place::Cookie("l".into()), "en").is_none()
        );
        assert!(reads_silently(&page(&[], "<p>plain</p>"), &ua, "rampart/0.1").is_none());
    }
}
