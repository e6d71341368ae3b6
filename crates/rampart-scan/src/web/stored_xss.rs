//! Stored XSS: every form that is not a login (no password field) gets, in each free text
//! field, a unique marker inside an `<img onerror>`; then every page the crawl found is fetched
//! again, and a marker that comes back as live markup on a GET of a page is reported on the
//! field it was submitted through. The submissions store data: skipped with `--safe`, and the
//! finding says so.

use super::client::Req;
use super::crawl::Endpoint;
use super::probe::{each_in_order, marker, try_send};
use super::xss::executable;
use super::{Found, State, WebOptions};
use crate::rules;
use http::Method;
use rampart_model::Evidence;
use rampart_net::NetError;

/// Pages fetched again at most, looking for what was stored.
const MAX_REVISIT: usize = 40;

struct Planted {
    ep: Endpoint,
    name: String,
    marker: String,
    request: String,
}

pub async fn check(state: &State, opts: &WebOptions) -> Result<Found, NetError> {
    let mut out = Found::default();
    if opts.safe {
        return Ok(out);
    }
    let mut planted: Vec<Planted> = Vec::new();
    let forms: Vec<Endpoint> = state
        .endpoints
        .iter()
        .filter(|e| e.method == Method::POST)
        .filter(|e| e.form.as_ref().is_some_and(|f| !f.has_password()))
        .filter(|e| !super::probe::is_logout(&e.url))
        .cloned()
        .collect();
    for ep in forms {
        let mut pairs = ep.params.clone();
        let mut these = Vec::new();
        for (k, v) in pairs.iter_mut() {
            if ep.fixed.contains(k) {
                continue;
            }
            let m = marker();
            *v = format!("{m} <img src=x onerror={m}()>");
            these.push((k.clone(), m));
        }
        if these.is_empty() {
            continue;
        }
        let req = Req::post_form(ep.url.clone(), super::client::encode_form(&pairs));
        out.data_changing(format!(
            "POST {}: stored-XSS markers submitted ({})",
            ep.url.path(),
            these
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if try_send(state, &req).await?.is_none() {
            continue;
        }
        for (name, m) in these {
            planted.push(Planted {
                ep: ep.clone(),
                name,
                marker: m,
                request: req.describe(),
            });
        }
    }
    if planted.is_empty() {
        return Ok(out);
    }
    let urls: Vec<url::Url> = state
        .pages
        .iter()
        .filter(|p| p.status == 200)
        // Markup runs only in HTML: scripts, JSON and downloads are not fetched again.
        .filter(|p| {
            p.content_type
                .as_deref()
                .is_none_or(|c| c.to_ascii_lowercase().contains("html"))
        })
        .filter_map(|p| url::Url::parse(&p.url).ok())
        .filter(|u| !super::probe::is_logout(u))
        .take(MAX_REVISIT)
        .collect();
    // Fetched several at a time; read in the crawl's order, so the page a marker is reported on
    // does not depend on timing.
    let pages: Vec<Option<super::client::Page>> =
        each_in_order(urls.iter(), opts.concurrency, |u| async move {
            try_send(state, &Req::get(u.clone())).await
        })
        .await?;
    let mut found: Vec<usize> = Vec::new();
    for (u, page) in urls.iter().zip(pages) {
        let Some(page) = page else {
            continue;
        };
        if !page.is_html() {
            continue;
        }
        for (i, p) in planted.iter().enumerate() {
            if found.contains(&i) || !page.body.contains(&p.marker) {
                continue;
            }
            let Some(how) = executable(&page.body, &p.marker) else {
                continue;
            };
            found.push(i);
            out.finding(rules::web_xss_stored::RULE.finding(
                format!(
                    "Stored XSS through parameter {} of {} {}, shown on {}",
                    p.name,
                    p.ep.method,
                    p.ep.url.path(),
                    u.path()
                ),
                p.ep.url.to_string(),
                &p.ep.key(&p.name),
                Evidence {
                    request: Some(format!("{} then GET {}", p.request, u.path())),
                    response: Some(page.excerpt_around(&format!("onerror={}", p.marker), 240)),
                    notes: vec![
                        format!("the stored value came back unescaped as an {how}"),
                        "this probe stored data in the application (turned off by --safe)".into(),
                    ],
                },
            ));
        }
    }
    Ok(out)
}
