//! Findings in the dashboard: every finding with its lifecycle (new, open, fixed, reopened, and
//! when), and triage by triagers — accept the risk until a date, mark a false positive, or
//! withdraw the decision. Decisions go to the store, where `rampart findings` and
//! `rampart check` read them (and `rampart findings export` writes them to a reviewable file),
//! and every change is audited with the values before and after.

use super::html::{self, esc};
use super::login::{check_csrf, nav, require};
use super::AppState;
use crate::audit::{self, Actor};
use crate::findings_adapter::{self, describe_triage as describe, FindingView};
use axum::extract::{ConnectInfo, Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use rampart_model::{FindingTriage, TriageStatus};
use rampart_store::Session;
use serde::Deserialize;
use std::net::SocketAddr;

/// Longest justification kept; the rest of a pasted essay is cut.
const MAX_JUSTIFICATION: usize = 2000;

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let s = match require(&state, &headers, "viewer").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let body = match findings_adapter::findings(&state.store).await {
        Ok(list) if list.is_empty() => {
            "<p>No finding stored yet. Run <code>rampart assess</code>.</p>".to_string()
        }
        Ok(list) => {
            let can_triage = crate::auth::role_rank(&s.role) >= crate::auth::role_rank("triager");
            let counted = list.iter().filter(|f| f.current).count();
            let rows: String = list.iter().map(|f| row(f, &s, can_triage)).collect();
            format!(
                "<p>{} finding(s), {counted} counting against the gate (live and not set aside by a triage decision in force).</p>\
                 <table><thead><tr><th>Severity</th><th>State</th><th>Rule</th><th>Finding</th><th>Target</th><th>First seen</th><th>Last seen</th><th>Fixed</th><th>Triage</th></tr></thead><tbody>{rows}</tbody></table>",
                list.len()
            )
        }
        Err(e) => super::dashboard::store_error(e),
    };
    html::page_response(StatusCode::OK, "Findings", Some(&nav(&s)), &body)
}

fn row(f: &FindingView, s: &Session, can_triage: bool) -> String {
    let triage = f.triage.as_deref().map(esc).unwrap_or_default();
    let triage = if can_triage {
        format!(
            r#"{triage}<form method="post" action="/dashboard/findings/{fp}" class="inline"><input type="hidden" name="csrf" value="{csrf}"><select name="status" aria-label="triage of {fp}"><option value="accepted">accept until</option><option value="false_positive">false positive</option><option value="none">withdraw decision</option></select> <input type="date" name="until" aria-label="accepted until"> <input name="justification" aria-label="justification of {fp}" size="24" placeholder="why"> <button type="submit">Save</button></form>"#,
            fp = esc(&f.fingerprint),
            csrf = esc(&s.csrf),
        )
    } else {
        triage
    };
    format!(
        r#"<tr id="f-{fp}"><td class="sev-{sev}">{sev}</td><td>{state}</td><td><code>{rule}</code></td><td>{title}</td><td>{target}</td><td>{first}</td><td>{last}</td><td>{fixed}</td><td>{triage}</td></tr>"#,
        fp = esc(&f.fingerprint),
        sev = f.severity.as_str(),
        state = esc(&f.state),
        rule = esc(&f.rule),
        title = esc(&f.title),
        target = esc(&f.target),
        first = f.first_seen.format("%Y-%m-%d %H:%M"),
        last = f.last_seen.format("%Y-%m-%d %H:%M"),
        fixed = f
            .fixed_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
    )
}

#[derive(Deserialize)]
pub struct TriageForm {
    #[serde(default)]
    csrf: String,
    status: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    justification: String,
}

/// What the form asks for, checked: a decision to record, or the withdrawal of one.
enum Decision {
    Set(TriageStatus, Option<NaiveDate>, String),
    Withdraw,
}

fn decide(f: &TriageForm, today: NaiveDate) -> Result<Decision, String> {
    let why: String = f
        .justification
        .trim()
        .chars()
        .take(MAX_JUSTIFICATION)
        .collect();
    let status = match f.status.as_str() {
        "none" => return Ok(Decision::Withdraw),
        s => TriageStatus::parse(s).ok_or_else(|| {
            format!("status: found \"{s}\"; expected accepted, false_positive or none")
        })?,
    };
    if why.is_empty() {
        return Err("justification: empty; expected the reason for the decision".into());
    }
    let until = match status {
        TriageStatus::FalsePositive => None,
        TriageStatus::Accepted => {
            let d = NaiveDate::parse_from_str(f.until.trim(), "%Y-%m-%d").map_err(|_| {
                format!(
                    "until: found \"{}\"; expected the last day the acceptance holds (YYYY-MM-DD)",
                    f.until
                )
            })?;
            if d < today {
                return Err(format!(
                    "until: {d} is in the past; expected today or a later date"
                ));
            }
            Some(d)
        }
    };
    Ok(Decision::Set(status, until, why))
}

pub async fn edit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(fingerprint): Path<String>,
    Form(form): Form<TriageForm>,
) -> Response {
    let s = match require(&state, &headers, "triager").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(r) = check_csrf(&s, &form.csrf) {
        return r;
    }
    let decision = match decide(&form, Utc::now().date_naive()) {
        Ok(d) => d,
        Err(why) => return (StatusCode::BAD_REQUEST, format!("{why}\n")).into_response(),
    };
    let unavailable = |e: rampart_store::StoreError| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the store did not answer: {e}\n"),
        )
            .into_response()
    };
    let found = match state.store.tracked_finding(&fingerprint).await {
        Ok(Some(f)) => f,
        Ok(None) => return (StatusCode::NOT_FOUND, "no such finding\n").into_response(),
        Err(e) => return unavailable(e),
    };
    let before = found.triage.as_ref().map(describe);
    let after = match decision {
        Decision::Withdraw => {
            if let Err(e) = state.store.clear_finding_triage(&fingerprint).await {
                return unavailable(e);
            }
            None
        }
        Decision::Set(status, until, justification) => {
            let t = FindingTriage {
                fingerprint: fingerprint.clone(),
                status,
                justification,
                by: s.username.clone(),
                until,
                decided_at: Utc::now(),
            };
            if let Err(e) = state.store.set_finding_triage(&t).await {
                return unavailable(e);
            }
            Some(describe(&t))
        }
    };
    if before != after {
        audit::record(
            &state,
            &Actor::user(&s.username, &peer.ip().to_string()),
            "finding.triage",
            &format!(
                "finding:{fingerprint} ({} on {})",
                found.finding.rule, found.finding.target
            ),
            before,
            after,
        )
        .await;
        state.notify("triage");
    }
    Redirect::to(&format!("/dashboard/findings#f-{fingerprint}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(status: &str, until: &str, why: &str) -> TriageForm {
        TriageForm {
            csrf: String::new(),
            status: status.into(),
            until: until.into(),
            justification: why.into(),
        }
    }

    #[test]
    fn decisions_are_checked_before_anything_is_written() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let err = |f: TriageForm| match decide(&f, today) {
            Err(e) => e,
            Ok(_) => panic!("accepted a bad form"),
        };
        assert!(err(form("accepted", "", "ok")).starts_with("until:"));
        assert!(err(form("accepted", "2026-12-03", "ok")).contains("in the past"));
        assert!(err(form("false_positive", "", "  ")).starts_with("justification:"));
        assert!(err(form("closed", "", "x")).starts_with("status:"));
        assert!(matches!(
            decide(
                &form("accepted", "2026-12-04", "until the fix ships"),
                today
            ),
            Ok(Decision::Set(TriageStatus::Accepted, Some(_), _))
        ));
        assert!(matches!(
            decide(&form("none", "", ""), today),
            Ok(Decision::Withdraw)
        ));
    }
}
