//! The page frame and HTML escaping. Pages are plain server-rendered HTML that read fine without
//! JavaScript; the one script (`/assets/live.js`) only reloads on server-sent events.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Escapes text for HTML content and attribute values: the one HTML escape of the rendering
/// layer (entities, control characters shown visibly).
pub use rampart_report::escape::html as esc;

/// Who is logged in, for the navigation bar: (name, role, CSRF token for the logout form).
pub struct NavUser<'a> {
    pub name: &'a str,
    pub role: &'a str,
    pub csrf: &'a str,
}

pub fn page(title: &str, user: Option<&NavUser>, body: &str) -> String {
    let nav = match user {
        Some(u) => format!(
            r#"<nav><a href="/dashboard">Overview</a> <a href="/dashboard/findings">Findings</a> <a href="/dashboard/threats">Threats</a> <a href="/dashboard/incidents">Incidents</a> <a href="/dashboard/risks">Risks</a> <a href="/dashboard/runs">Runs</a>{audit} <a href="/">Status</a>
<form class="logout" method="post" action="/logout"><input type="hidden" name="csrf" value="{csrf}"><span class="who">{name} ({role})</span> <button type="submit">Log out</button></form></nav>"#,
            audit = if u.role == "admin" {
                r#" <a href="/dashboard/audit">Audit log</a>"#
            } else {
                ""
            },
            csrf = esc(u.csrf),
            name = esc(u.name),
            role = esc(u.role),
        ),
        None => r#"<nav><a href="/">Status</a> <a href="/login">Team login</a></nav>"#.to_string(),
    };
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="/assets/app.css"><link rel="icon" href="/assets/icon.svg">
<script src="/assets/live.js" defer></script></head>
<body>{nav}<main><h1>{title}</h1>
{body}</main></body></html>
"#,
        title = esc(title),
    )
}

pub fn page_response(
    status: StatusCode,
    title: &str,
    user: Option<&NavUser>,
    body: &str,
) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page(title, user, body),
    )
        .into_response()
}

/// `12.5 s`, `3 min`, `2 h` … as the SLA reports write durations.
pub fn duration(secs: f64) -> String {
    rampart_sla::math::fmt_secs(secs)
}

pub fn percent(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.3}%")).unwrap_or_else(|| "—".into())
}
