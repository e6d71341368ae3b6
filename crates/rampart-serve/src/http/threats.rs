//! Threats in the dashboard: list with state and justification, edits by triagers (kept in the
//! store and audited with the values before and after), and export of the merged triage back to
//! the project's `triage.toml` so git stays the source of truth.

use super::html::{self, esc};
use super::login::{check_csrf, nav, require};
use super::AppState;
use crate::audit::{self, Actor};
use axum::extract::{ConnectInfo, Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use rampart_store::ThreatTriageEdit;
use rampart_threat::{ProjectThreats, State as ThreatState, Threat, Triage};
use serde::Deserialize;
use std::net::SocketAddr;
use std::str::FromStr;

/// The project's threats with the dashboard's edits applied on top of the triage file.
pub async fn load(state: &AppState) -> Result<Option<ProjectThreats>, String> {
    let project = state.project();
    let mut pt = match rampart_threat::load_project(&project) {
        Ok(pt) => pt,
        Err(rampart_threat::ThreatError::NoSection) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let edits = state
        .store
        .threat_triage()
        .await
        .map_err(|e| e.to_string())?;
    apply_edits(&mut pt.threats, &edits);
    Ok(Some(pt))
}

pub fn apply_edits(threats: &mut [Threat], edits: &[ThreatTriageEdit]) {
    for e in edits {
        if let (Some(t), Ok(s)) = (
            threats.iter_mut().find(|t| t.id == e.id),
            ThreatState::from_str(&e.state),
        ) {
            t.state = s;
            t.justification = e.justification.clone();
        }
    }
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let s = match require(&state, &headers, "viewer").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let body = match load(&state).await {
        Ok(None) => "<p>The project has no threat model (<code>[threats]</code>).</p>".to_string(),
        Err(e) => format!(
            r#"<p class="error">The threat model cannot be loaded: {}</p>"#,
            esc(&e)
        ),
        Ok(Some(pt)) => {
            let can_edit = crate::auth::role_rank(&s.role) >= crate::auth::role_rank("triager");
            let mut rows = String::new();
            for t in &pt.threats {
                let edit = if can_edit {
                    let options: String = ThreatState::ALL
                        .iter()
                        .map(|st| {
                            format!(
                                r#"<option value="{slug}"{sel}>{name}</option>"#,
                                slug = st.slug(),
                                name = st.as_str(),
                                sel = if *st == t.state { " selected" } else { "" }
                            )
                        })
                        .collect();
                    format!(
                        r#"<form method="post" action="/dashboard/threats/{id}" class="inline"><input type="hidden" name="csrf" value="{csrf}"><select name="state" aria-label="state of {id}">{options}</select> <input name="justification" value="{just}" aria-label="justification of {id}" size="30"> <button type="submit">Save</button></form>"#,
                        id = esc(&t.id),
                        csrf = esc(&s.csrf),
                        just = esc(&t.justification),
                    )
                } else {
                    format!("{} — {}", esc(t.state.as_str()), esc(&t.justification))
                };
                rows.push_str(&format!(
                    r#"<tr id="t-{id}"><td><code>{id}</code></td><td>{cat}</td><td>{title}<br><span class="muted">{flow}</span></td><td class="state-cell">{state}</td><td>{edit}</td></tr>"#,
                    id = esc(&t.id),
                    cat = esc(&t.category),
                    title = esc(&t.title),
                    flow = esc(&t.interaction),
                    state = esc(t.state.as_str()),
                ));
            }
            let export = if crate::auth::role_rank(&s.role) >= crate::auth::role_rank("admin") {
                match &pt.triage_path {
                    Some(p) => format!(
                        r#"<form method="post" action="/dashboard/threats/export" class="card"><input type="hidden" name="csrf" value="{}">Write these decisions to <code>{}</code> (review and commit it): <button type="submit">Export triage</button></form>"#,
                        esc(&s.csrf),
                        esc(&p.display().to_string())
                    ),
                    None => "<p class=\"muted\">Set <code>[threats] triage = \"triage.toml\"</code> to export decisions to a file.</p>".into(),
                }
            } else {
                String::new()
            };
            format!(
                "<p>{} threat(s), {} open.</p>{export}<table><thead><tr><th>Id</th><th>STRIDE</th><th>Threat</th><th>State</th><th>Triage</th></tr></thead><tbody>{rows}</tbody></table>",
                pt.threats.len(),
                pt.threats.iter().filter(|t| t.state.is_open()).count()
            )
        }
    };
    html::page_response(StatusCode::OK, "Threats", Some(&nav(&s)), &body)
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    state: String,
    #[serde(default)]
    justification: String,
}

pub async fn edit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<EditForm>,
) -> Response {
    let s = match require(&state, &headers, "triager").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    let Ok(new_state) = ThreatState::from_str(&f.state) else {
        return (
            StatusCode::BAD_REQUEST,
            "state: expected not-started, needs-investigation, not-applicable or mitigated\n",
        )
            .into_response();
    };
    let justification: String = f.justification.chars().take(2000).collect();
    let pt = match load(&state).await {
        Ok(Some(pt)) => pt,
        Ok(None) => return (StatusCode::NOT_FOUND, "no threat model\n").into_response(),
        Err(e) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("threat model: {e}\n"),
            )
                .into_response()
        }
    };
    let Some(t) = pt.threats.iter().find(|t| t.id == id) else {
        return (StatusCode::NOT_FOUND, "no such threat\n").into_response();
    };
    let before = format!("{}: {}", t.state.as_str(), t.justification);
    let after = format!("{}: {}", new_state.as_str(), justification);
    let e = ThreatTriageEdit {
        id: id.clone(),
        state: new_state.slug().to_string(),
        justification,
        updated_by: s.username.clone(),
        updated_at: Utc::now(),
    };
    if let Err(err) = state.store.set_threat_triage(&e).await {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("cannot save: {err}\n"),
        )
            .into_response();
    }
    audit::record(
        &state,
        &Actor::user(&s.username, &peer.ip().to_string()),
        "threat.triage",
        &format!("threat:{id}"),
        Some(before),
        Some(after),
    )
    .await;
    state.notify("triage");
    Redirect::to(&format!("/dashboard/threats#t-{id}")).into_response()
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn export(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Response {
    let s = match require(&state, &headers, "admin").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    let pt = match load(&state).await {
        Ok(Some(pt)) => pt,
        Ok(None) => return (StatusCode::NOT_FOUND, "no threat model\n").into_response(),
        Err(e) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("threat model: {e}\n"),
            )
                .into_response()
        }
    };
    let Some(path) = pt.triage_path.clone() else {
        return (
            StatusCode::BAD_REQUEST,
            "the project names no triage file ([threats] triage)\n",
        )
            .into_response();
    };
    let text = Triage::from_threats(&pt.threats).to_toml();
    if let Err(e) = std::fs::write(&path, &text) {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot write {}: {e}\n", path.display()),
        )
            .into_response();
    }
    audit::record(
        &state,
        &Actor::user(&s.username, &peer.ip().to_string()),
        "threat.export",
        &path.display().to_string(),
        None,
        Some(format!("{} threat(s) written", pt.threats.len())),
    )
    .await;
    Redirect::to("/dashboard/threats").into_response()
}
