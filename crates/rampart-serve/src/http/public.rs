//! The public status page, its JSON and the badges. No login; only the monitors listed in
//! `[serve] public_monitors` appear; an unlisted monitor's badge is a 404 like a missing one.
//! Page and JSON come rendered from the [`StatusCache`] with an ETag (a client holding the
//! current version gets a 304).

use super::html::{self, esc};
use super::AppState;
use crate::status::{self, StatusPage};
use crate::status_cache::{Rendered, StatusCache};
use crate::svg;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The rendered status, or the answer to give when the store is not answering.
async fn rendered(state: &AppState) -> Result<Arc<Rendered>, Response> {
    StatusCache::public(state).await.map_err(|e| {
        tracing::warn!(error = %e, "status page: store error");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "the store is not answering; try again shortly\n",
        )
            .into_response()
    })
}

pub async fn status_json(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match rendered(&state).await {
        Ok(r) => cached(&headers, &r.json_etag, "application/json", r.json.clone()),
        Err(r) => r,
    }
}

pub async fn status_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match rendered(&state).await {
        Ok(r) => cached(
            &headers,
            &r.html_etag,
            "text/html; charset=utf-8",
            r.html.clone(),
        ),
        Err(r) => r,
    }
}

/// 200 with the body, or 304 when the client already holds this version (`If-None-Match`).
/// `no-cache`: clients may keep it but ask again every time, so a state change shows at once.
fn cached(headers: &HeaderMap, etag: &str, content_type: &'static str, body: Bytes) -> Response {
    let fresh = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| {
            let t = t.trim();
            t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag
        });
    let headers = [
        (header::ETAG, etag.to_string()),
        (header::CACHE_CONTROL, "no-cache".to_string()),
    ];
    if fresh {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The whole public status page (layout included) of `page`.
pub fn render_page(page: &StatusPage) -> String {
    let mut body = String::with_capacity(2048 + 3072 * page.monitors.len());
    if page.monitors.is_empty() {
        body.push_str("<p>No monitor is public. List them in the project file: <code>[serve] public_monitors = [\"api\"]</code>.</p>");
    }
    let down = page.monitors.iter().filter(|m| m.state == "down").count();
    body.push_str(&format!(
        r#"<p class="summary {cls}">{text}</p>"#,
        cls = if down > 0 { "down" } else { "up" },
        text = if down > 0 {
            format!("{down} of {} monitor(s) down", page.monitors.len())
        } else {
            format!("All {} monitor(s) up", page.monitors.len())
        }
    ));
    for m in &page.monitors {
        let incidents = if m.incidents.is_empty() {
            "<p class=\"muted\">No outage in the last 30 days.</p>".to_string()
        } else {
            let rows: String = m
                .incidents
                .iter()
                .map(|i| {
                    format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                        i.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
                        i.ended_at
                            .map(|e| e.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                            .unwrap_or_else(|| "ongoing".into()),
                        html::duration(i.duration_s)
                    )
                })
                .collect();
            format!("<table><thead><tr><th>Outage started</th><th>Ended</th><th>Duration</th></tr></thead><tbody>{rows}</tbody></table>")
        };
        body.push_str(&format!(
            r#"<section class="monitor" id="m-{id}"><h2><span class="state {state}">{state}</span> {name}</h2>
<p class="muted">{since}Uptime by {definition}{target}.</p>
<table class="uptime"><thead><tr><th>24 h</th><th>7 d</th><th>30 d</th><th>Latency now</th></tr></thead>
<tbody><tr><td>{h24}</td><td>{d7}</td><td>{d30}</td><td>{lat}</td></tr></tbody></table>
{chart}
<details><summary>Outages ({n})</summary>{incidents}</details>
<p><img src="/badge/{id}.svg" alt="badge of {name}"></p></section>
"#,
            id = esc(&m.name),
            name = esc(&m.name),
            state = m.state,
            since = m.since.map(|s| format!("Since {}. ", s.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default(),
            definition = esc(&m.definition),
            target = m.target_percent.map(|t| format!(" (target {t}%)")).unwrap_or_default(),
            h24 = html::percent(m.uptime.h24),
            d7 = html::percent(m.uptime.d7),
            d30 = html::percent(m.uptime.d30),
            lat = m.latency_ms.map(|l| format!("{l:.0} ms")).unwrap_or_else(|| "—".into()),
            chart = svg::latency_chart(&m.latency, &m.name),
            n = m.incidents.len(),
        ));
    }
    body.push_str(&format!(
        r#"<p class="muted">Generated {} · <a href="/status.json">JSON</a></p>"#,
        page.generated_at.format("%Y-%m-%d %H:%M:%S UTC")
    ));
    html::page(&page.title, None, &body)
}

pub async fn badge(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(name) = file.strip_suffix(".svg") else {
        return (StatusCode::NOT_FOUND, "badges end in .svg\n").into_response();
    };
    let project = state.project();
    if !status::is_public(&project, name) {
        return (StatusCode::NOT_FOUND, "no such public monitor\n").into_response();
    }
    let one = [name.to_string()];
    let now = Utc::now();
    let page = match state.status.page(&project, &one, now) {
        Some(p) => p,
        None => match status::compute(&state.store, &project, &one, now).await {
            Ok(p) => p,
            Err(_) => {
                return (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n").into_response()
            }
        },
    };
    let m = &page.monitors[0];
    let svg = svg::badge(&m.name, m.state, m.uptime.d30, m.target_percent);
    // The badge is its own validator: the same drawing, the same tag.
    let digest = Sha256::digest(svg.as_bytes());
    let etag: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    let etag = format!("\"{etag}\"");
    let mut resp = cached(&headers, &etag, "image/svg+xml", Bytes::from(svg));
    // Badges are embedded elsewhere (READMEs); a minute of caching spares this server.
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("max-age=60"),
    );
    resp
}
