//! Is the login form rate limited? A bounded burst of wrong passwords for a made-up user: an
//! HTTP 429 (or 503), or a lockout message, at any point = pass. Answers that are all ordinary
//! "wrong password" pages = finding. Anything else (errors, CSRF rejections) = inconclusive.

use super::State;
use crate::rules;
use http::Method;
use rampart_model::Evidence;
use rampart_net::NetError;

const LOCKOUT_WORDS: &[&str] = &[
    "too many",
    "locked",
    "try again later",
    "rate limit",
    "temporarily blocked",
    "slow down",
];

pub async fn check(state: &mut State, burst: u32) -> Result<(), NetError> {
    let login = state
        .endpoints
        .iter()
        .filter(|e| e.method == Method::POST && e.form.as_ref().is_some_and(|f| f.has_password()))
        .min_by_key(|e| !e.url.path().contains("login"))
        .cloned();
    let Some(ep) = login else { return Ok(()) };
    let Some(form) = ep.form.clone() else {
        return Ok(());
    };
    let user_field = form
        .fields
        .iter()
        .find(|f| matches!(f.kind.as_str(), "text" | "email"))
        .map(|f| f.name.clone());
    let pass_field = form
        .fields
        .iter()
        .find(|f| f.kind == "password")
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let mut statuses = Vec::new();
    let mut last_req = String::new();
    let mut last_resp = String::new();
    for i in 0..burst {
        let mut e = ep.clone();
        if let Some(u) = &user_field {
            e.params
                .iter_mut()
                .filter(|(k, _)| k == u)
                .for_each(|(_, v)| *v = "rampart-probe".into());
        }
        let req = e.request_with(&pass_field, &format!("rampart-wrong-{i}"));
        match state.client.send(&req).await {
            Ok(p) => {
                let lower = p.body.to_ascii_lowercase();
                if matches!(p.status, 429 | 503) || LOCKOUT_WORDS.iter().any(|w| lower.contains(w))
                {
                    return Ok(()); // limited: pass
                }
                statuses.push(p.status);
                last_req = req.describe();
                last_resp = p.excerpt_around("", 160);
            }
            Err(e @ NetError::BudgetExhausted(_)) => return Err(e),
            Err(e) => {
                state.errors.push(format!("login rate-limit check: {e}"));
                return Ok(());
            }
        }
    }
    let ordinary = statuses.iter().all(|s| (200..400).contains(s) || *s == 401);
    if !ordinary {
        state.errors.push(format!(
            "login rate-limit check inconclusive: answers {statuses:?}"
        ));
        return Ok(());
    }
    state.add_finding(rules::web_login_rate_limit::RULE.finding(
        format!("Login form {} is not rate limited", ep.url.path()),
        ep.url.to_string(),
        ep.url.path(),
        Evidence {
            request: Some(last_req),
            response: Some(last_resp),
            notes: vec![format!(
                "{} wrong passwords in a row, all answered normally (statuses {:?}); no 429, no lockout",
                statuses.len(),
                {
                    let mut s = statuses.clone();
                    s.dedup();
                    s
                }
            )],
        },
    ));
    Ok(())
}
