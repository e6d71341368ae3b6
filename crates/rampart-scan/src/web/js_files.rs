//! Endpoints only the site's scripts name. The page's inline scripts and its same-origin external
//! scripts (`<script src>` in scope, at most [`MAX_SCRIPTS`], bodies capped by the client) are
//! read for `fetch`/XHR calls ([`super::scripts`]); each call becomes something the active checks
//! attack: a GET with a query is an endpoint like a link's, a GET without one is fetched once as
//! a page, and JSON or XML bodies are kept in [`State::script_calls`] for the SQL-injection and
//! XXE checks. Nothing is run: a URL the script computes is seen only as far as its literal goes.

use super::client::Req;
use super::crawl::{add_query_endpoint, in_scope};
use super::probe::{is_logout, try_send};
use super::scripts::{script_calls, ScriptCall};
use super::{PageSource, State};
use rampart_net::NetError;
use std::collections::HashSet;

/// External scripts fetched, at most.
pub const MAX_SCRIPTS: usize = 10;

/// Query-less GET URLs named only by scripts that are fetched as pages, at most.
const MAX_SCRIPT_PAGES: usize = 20;

/// Third-party libraries served from the site itself: they name no endpoint of the site.
const LIBRARIES: &[&str] = &[
    "jquery",
    "bootstrap",
    "popper",
    "react",
    "vue",
    "angular",
    "lodash",
    "moment",
    "d3.",
    "chart",
    "htmx",
    "alpine",
];

fn is_library(u: &url::Url) -> bool {
    let file = u
        .path()
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    LIBRARIES.iter().any(|l| file.contains(l))
}

pub async fn collect(state: &mut State) -> Result<(), NetError> {
    let mut calls: Vec<ScriptCall> = state
        .fetched
        .iter()
        .filter(|p| p.is_html())
        .flat_map(|p| script_calls(&p.url, &p.body))
        .collect();
    let scripts: Vec<_> = state
        .scripts
        .iter()
        .filter(|(src, _)| !is_logout(src) && !is_library(src))
        .take(MAX_SCRIPTS)
        .cloned()
        .collect();
    for (src, page) in scripts {
        let Some(js) = try_send(state, &Req::get(src.clone())).await? else {
            continue;
        };
        if js.status != 200 || js.is_html() {
            continue;
        }
        // A script's URLs resolve against the page that runs it, not against the script's own.
        let found = script_calls(&page, &js.body);
        tracing::debug!(script = %src, calls = found.len(), "external script read");
        calls.extend(found);
    }
    let mut seen = HashSet::new();
    calls.retain(|c| {
        let keys: Vec<&str> = c.json.iter().map(|(k, _)| k.as_str()).collect();
        in_scope(state, &c.url)
            && !is_logout(&c.url)
            && seen.insert(format!("{} {} {}", c.method, c.url, keys.join("&")))
    });
    let known: HashSet<String> = state.pages.iter().map(|p| p.url.clone()).collect();
    let mut pages = Vec::new();
    for c in calls.iter().filter(|c| c.method == "GET") {
        if c.url.query().is_some() {
            add_query_endpoint(state, &c.url);
        } else if !known.contains(c.url.as_str()) && !pages.contains(&c.url) {
            pages.push(c.url.clone());
        }
    }
    for u in pages.into_iter().take(MAX_SCRIPT_PAGES) {
        if let Some(p) = try_send(state, &Req::get(u)).await? {
            if p.status < 400 {
                state.record(p, PageSource::Crawl);
            }
        }
    }
    state.script_calls = calls;
    Ok(())
}
