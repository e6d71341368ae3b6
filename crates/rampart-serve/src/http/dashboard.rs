//! The team dashboard (login required): overview, findings, incidents, risks, runs, and the
//! audit log for admins. Reading is never audited.

use super::html::{self, esc};
use super::login::{nav, require};
use super::AppState;
use crate::findings_adapter;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use rampart_model::Severity;
use std::collections::BTreeMap;

macro_rules! session_or_return {
    ($state:expr, $headers:expr, $role:expr) => {
        match require(&$state, &$headers, $role).await {
            Ok(s) => s,
            Err(r) => return r,
        }
    };
}

pub(super) fn store_error(e: impl std::fmt::Display) -> String {
    format!(
        r#"<p class="error">The store did not answer: {}</p>"#,
        esc(&e.to_string())
    )
}

pub async fn overview(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let s = session_or_return!(state, headers, "viewer");
    let project = state.project();
    let mut body = String::new();

    // SLA verdicts: every monitor with an uptime clause, measured over 30 days of rollups.
    let names: Vec<String> = project
        .file
        .monitors
        .iter()
        .map(|m| m.name.clone())
        .collect();
    let now = Utc::now();
    let page = match state.status.page(&project, &names, now) {
        Some(p) => Ok(p),
        None => crate::status::compute(&state.store, &project, &names, now).await,
    };
    match page {
        Ok(page) => {
            let rows: String = page
                .monitors
                .iter()
                .map(|m| {
                    let verdict = match (m.uptime.d30, m.target_percent) {
                        (Some(u), Some(t)) if u >= t => r#"<span class="ok">met</span>"#.to_string(),
                        (Some(_), Some(_)) => r#"<span class="error">breached</span>"#.to_string(),
                        (None, Some(_)) => "no data".to_string(),
                        _ => "no uptime clause".to_string(),
                    };
                    format!(
                        r#"<tr><td>{}</td><td><span class="state {st}">{st}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{verdict}</td></tr>"#,
                        esc(&m.name),
                        html::percent(m.uptime.h24),
                        html::percent(m.uptime.d30),
                        m.target_percent.map(|t| format!("{t}%")).unwrap_or_else(|| "—".into()),
                        st = m.state,
                    )
                })
                .collect();
            body.push_str(&format!("<section class=\"card\"><h2>SLA</h2><table><thead><tr><th>Monitor</th><th>Now</th><th>24 h</th><th>30 d</th><th>Target</th><th>Verdict (30 d)</th></tr></thead><tbody>{rows}</tbody></table></section>"));
        }
        Err(e) => body.push_str(&store_error(e)),
    }

    // Open findings by severity.
    match findings_adapter::findings(&state.store).await {
        Ok(f) => {
            let mut by: BTreeMap<std::cmp::Reverse<Severity>, usize> = BTreeMap::new();
            for x in f.iter().filter(|x| findings_adapter::is_open(x)) {
                *by.entry(std::cmp::Reverse(x.severity)).or_default() += 1;
            }
            let cells: String = Severity::ALL
                .iter()
                .rev()
                .map(|sev| {
                    format!(
                        r#"<td class="sev-{s}">{s}: {n}</td>"#,
                        s = sev.as_str(),
                        n = by.get(&std::cmp::Reverse(*sev)).copied().unwrap_or(0)
                    )
                })
                .collect();
            body.push_str(&format!(r#"<section class="card"><h2>Open findings</h2><table><tr>{cells}</tr></table><a href="/dashboard/findings">All findings</a></section>"#));
        }
        Err(e) => body.push_str(&store_error(e)),
    }

    // Log incidents by kind.
    match state.store.incidents(None).await {
        Ok(list) => {
            let mut by: BTreeMap<String, (usize, usize)> = BTreeMap::new();
            for i in &list {
                let k = serde_json::to_value(&i.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_else(|| "other".into());
                let e = by.entry(k).or_default();
                e.0 += 1;
                if i.ended_at.is_none() {
                    e.1 += 1;
                }
            }
            let rows: String = by
                .iter()
                .map(|(k, (n, open))| {
                    format!("<tr><td>{}</td><td>{n}</td><td>{open}</td></tr>", esc(k))
                })
                .collect();
            body.push_str(&format!(r#"<section class="card"><h2>Incidents</h2><table><thead><tr><th>Kind</th><th>All</th><th>Open</th></tr></thead><tbody>{rows}</tbody></table><a href="/dashboard/incidents">All incidents</a></section>"#));
        }
        Err(e) => body.push_str(&store_error(e)),
    }

    // Threats by state.
    match super::threats::load(&state).await {
        Ok(Some(pt)) => {
            let mut by: BTreeMap<&str, usize> = BTreeMap::new();
            for t in &pt.threats {
                *by.entry(t.state.as_str()).or_default() += 1;
            }
            let rows: String = by.iter().map(|(k, n)| format!("<tr><td>{}</td><td>{n}</td></tr>", esc(k))).collect();
            body.push_str(&format!(r#"<section class="card"><h2>Threats</h2><table><tbody>{rows}</tbody></table><a href="/dashboard/threats">Triage threats</a></section>"#));
        }
        Ok(None) => body.push_str(r#"<section class="card"><h2>Threats</h2><p class="muted">No threat model.</p></section>"#),
        Err(e) => body.push_str(&format!(r#"<section class="card"><h2>Threats</h2><p class="error">{}</p></section>"#, esc(&e))),
    }

    // Risk heat map: likelihood bands × severities, counting risks per cell.
    body.push_str(&heat_map(&project.file));
    html::page_response(StatusCode::OK, "Overview", Some(&nav(&s)), &body)
}

fn heat_map(pf: &rampart_config::ProjectFile) -> String {
    let reg = match rampart_risk::evaluate(pf, &BTreeMap::new()) {
        Ok(r) => r,
        Err(e) => {
            return format!(
                r#"<section class="card"><h2>Risks</h2><p class="error">{}</p></section>"#,
                esc(&e.to_string())
            )
        }
    };
    if reg.risks.is_empty() {
        return r#"<section class="card"><h2>Risks</h2><p class="muted">No risk in the register.</p></section>"#.into();
    }
    let m = &reg.matrix;
    let mut rows = String::new();
    for band in m.bands.iter().rev() {
        rows.push_str(&format!("<tr><th>{}</th>", esc(&band.label)));
        for sev in &m.severities {
            let n = reg
                .risks
                .iter()
                .filter(|r| r.likelihood.band == band.label && &r.severity == sev)
                .count();
            let class = match n {
                0 => "n0",
                1 => "n1",
                2 | 3 => "n2",
                _ => "n3",
            };
            rows.push_str(&format!(r#"<td class="{class}">{n}</td>"#));
        }
        rows.push_str("</tr>");
    }
    let head: String = m
        .severities
        .iter()
        .map(|s| format!("<th>{}</th>", esc(s)))
        .collect();
    format!(
        r#"<section class="card"><h2>Risk heat map</h2><table class="heat"><thead><tr><th>Likelihood \ severity</th>{head}</tr></thead><tbody>{rows}</tbody></table><a href="/dashboard/risks">Register</a></section>"#
    )
}

pub async fn incidents(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let s = session_or_return!(state, headers, "viewer");
    let now = Utc::now();
    let mut body = String::new();
    match state
        .store
        .outages(None, now - chrono::Duration::days(30))
        .await
    {
        Ok(list) => {
            let rows: String = list
                .iter()
                .rev()
                .map(|o| {
                    format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(&o.monitor),
                        o.started_at.format("%Y-%m-%d %H:%M:%S"),
                        o.ended_at
                            .map(|e| e.format("%Y-%m-%d %H:%M:%S").to_string())
                            .unwrap_or_else(|| "ongoing".into()),
                        html::duration(
                            (o.ended_at.unwrap_or(now) - o.started_at).num_milliseconds() as f64
                                / 1000.0
                        )
                    )
                })
                .collect();
            body.push_str(&format!("<h2>Monitor outages (30 days)</h2><table><thead><tr><th>Monitor</th><th>Started</th><th>Ended</th><th>Duration</th></tr></thead><tbody>{rows}</tbody></table>"));
        }
        Err(e) => body.push_str(&store_error(e)),
    }
    match state.store.incidents(None).await {
        Ok(list) => {
            let rows: String = list
                .iter()
                .rev()
                .take(500)
                .map(|i| {
                    format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(&serde_json::to_value(&i.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()),
                        esc(&i.target),
                        i.started_at.format("%Y-%m-%d %H:%M:%S"),
                        esc(&i.summary)
                    )
                })
                .collect();
            body.push_str(&format!("<h2>Log and SLA incidents</h2><table><thead><tr><th>Kind</th><th>Target</th><th>Started</th><th>Summary</th></tr></thead><tbody>{rows}</tbody></table>"));
        }
        Err(e) => body.push_str(&store_error(e)),
    }
    html::page_response(StatusCode::OK, "Incidents", Some(&nav(&s)), &body)
}

pub async fn risks(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let s = session_or_return!(state, headers, "viewer");
    let project = state.project();
    let body = match rampart_risk::evaluate(&project.file, &BTreeMap::new()) {
        Ok(reg) => {
            let rows: String = reg
                .risks
                .iter()
                .map(|r| format!(
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{} ({:.1}%)</td><td>{}</td><td><strong>{}</strong></td><td>{}</td></tr>",
                    esc(&r.id), esc(&r.asset_name), esc(&r.title), esc(&r.likelihood.band), r.likelihood.percent, esc(&r.severity), esc(&r.level), esc(r.treatment.as_deref().unwrap_or("—"))
                ))
                .collect();
            format!("{}<table><thead><tr><th>Id</th><th>Asset</th><th>Risk</th><th>Likelihood</th><th>Severity</th><th>Level</th><th>Treatment</th></tr></thead><tbody>{rows}</tbody></table>", heat_map(&project.file))
        }
        Err(e) => format!(r#"<p class="error">{}</p>"#, esc(&e.to_string())),
    };
    html::page_response(StatusCode::OK, "Risks", Some(&nav(&s)), &body)
}

pub async fn runs(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let s = session_or_return!(state, headers, "viewer");
    let body = match state.store.latest_runs().await {
        Ok(list) if list.is_empty() => "<p>No check has run yet.</p>".to_string(),
        Ok(list) => {
            let rows: String = list
                .iter()
                .rev()
                .map(|r| {
                    // Coverage, when the run records it (issue 11's `coverage` field), else "—".
                    let coverage = r.summary.get("coverage").map(|c| c.to_string()).unwrap_or_else(|| "—".into());
                    format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                        esc(&r.kind),
                        esc(&r.target),
                        r.started_at.format("%Y-%m-%d %H:%M:%S"),
                        html::duration((r.finished_at - r.started_at).num_milliseconds() as f64 / 1000.0),
                        esc(&coverage.chars().take(200).collect::<String>())
                    )
                })
                .collect();
            format!("<table><thead><tr><th>Kind</th><th>Target</th><th>Started</th><th>Took</th><th>Coverage</th></tr></thead><tbody>{rows}</tbody></table>")
        }
        Err(e) => store_error(e),
    };
    html::page_response(StatusCode::OK, "Runs", Some(&nav(&s)), &body)
}

pub async fn audit(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let s = session_or_return!(state, headers, "admin");
    let body = match state.store.audit_events(Some(1000)).await {
        Ok(events) => {
            let rows: String = events
                .iter()
                .rev()
                .map(|e| format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    e.at.format("%Y-%m-%d %H:%M:%S"),
                    esc(&e.actor),
                    esc(&e.action),
                    esc(&e.object),
                    esc(e.before.as_deref().unwrap_or("")),
                    esc(e.after.as_deref().unwrap_or("")),
                    esc(e.client.as_deref().unwrap_or(""))
                ))
                .collect();
            format!("<p class=\"muted\">Newest first; the last 1,000 events. Export all with <code>rampart audit --format json</code>.</p><table id=\"audit\"><thead><tr><th>When (UTC)</th><th>Who</th><th>Action</th><th>Object</th><th>Before</th><th>After</th><th>Client</th></tr></thead><tbody>{rows}</tbody></table>")
        }
        Err(e) => store_error(e),
    };
    html::page_response(StatusCode::OK, "Audit log", Some(&nav(&s)), &body)
}
