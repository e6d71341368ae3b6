//! `/login` (fields `username`, `password`, `csrf`), `/logout`, and reading the session from
//! the cookie. Cookies are HttpOnly, SameSite=Strict, and Secure under TLS. The login form's
//! CSRF token is a double-submit cookie (there is no session yet); every form after login carries
//! the session's own token.

use super::html::{self, esc, NavUser};
use super::AppState;
use crate::audit::{self, Actor};
use crate::auth;
use axum::extract::{ConnectInfo, Form, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use rampart_store::Session;
use serde::Deserialize;
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "rampart_session";
const LOGIN_CSRF_COOKIE: &str = "rampart_login_csrf";

fn cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if state.tls {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).expect("cookie values are base64url")
}

fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The session the request's cookie opens, if any.
pub async fn session(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    let token = read_cookie(headers, SESSION_COOKIE)?;
    state
        .store
        .session(&auth::token_hash(&token))
        .await
        .ok()
        .flatten()
}

pub fn nav(s: &Session) -> NavUser<'_> {
    NavUser {
        name: &s.username,
        role: &s.role,
        csrf: &s.csrf,
    }
}

/// The session, or the response to send instead: a redirect to the login page, or 403 when the
/// role is too low.
pub async fn require(
    state: &AppState,
    headers: &HeaderMap,
    min_role: &str,
) -> Result<Session, Response> {
    let Some(s) = session(state, headers).await else {
        return Err(Redirect::to("/login").into_response());
    };
    if auth::role_rank(&s.role) < auth::role_rank(min_role) {
        return Err(html::page_response(
            StatusCode::FORBIDDEN,
            "Not allowed",
            Some(&nav(&s)),
            &format!(
                "<p>This needs the {} role; you are {}.</p>",
                esc(min_role),
                esc(&s.role)
            ),
        ));
    }
    Ok(s)
}

/// A form's CSRF token must be the session's.
pub fn check_csrf(s: &Session, token: &str) -> Result<(), Response> {
    if auth::same(&s.csrf, token) {
        Ok(())
    } else {
        Err((
            StatusCode::FORBIDDEN,
            "invalid or missing CSRF token; reload the page and try again\n",
        )
            .into_response())
    }
}

fn login_page(state: &AppState, status: StatusCode, message: Option<&str>) -> Response {
    let token = auth::random_token(24);
    let msg = message
        .map(|m| format!(r#"<p class="error" role="alert">{}</p>"#, esc(m)))
        .unwrap_or_default();
    let body = format!(
        r#"{msg}<form method="post" action="/login" class="card">
<input type="hidden" name="csrf" value="{token}">
<label>User name <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button></form>"#
    );
    let mut resp = html::page_response(status, "Team login", None, &body);
    resp.headers_mut().append(
        header::SET_COOKIE,
        cookie(state, LOGIN_CSRF_COOKIE, &token, Some(3600)),
    );
    resp
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if session(&state, &headers).await.is_some() {
        return Redirect::to("/dashboard").into_response();
    }
    login_page(&state, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let client = peer.ip().to_string();
    let cookie_token = read_cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if f.csrf.is_empty() || !auth::same(&cookie_token, &f.csrf) {
        return login_page(
            &state,
            StatusCode::FORBIDDEN,
            Some("The form expired; please try again."),
        );
    }
    // Names are short; a longer "name" is likely a pasted secret and is not written anywhere.
    let name: String = f.username.trim().chars().take(64).collect();
    let user = state.store.user(&name).await.ok().flatten();
    // A name that is no account is often a password typed into the wrong field: it is never
    // written to a log; such attempts show as "(unknown account)".
    let shown = if user.is_some() {
        name.clone()
    } else {
        "(unknown account)".to_string()
    };
    let who = Actor::user(&shown, &client);
    let name_for_log = shown.clone();
    let name = name.as_str();
    if let Some(lock) = state.throttle.check(name, &client) {
        tracing::warn!(account = %name_for_log, %client, ?lock, "login refused: locked out");
        audit::record(
            &state,
            &who,
            "login.refused_locked",
            &format!("user:{name_for_log}"),
            None,
            Some(format!("{lock:?} locked")),
        )
        .await;
        return login_page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many failed logins; try again in 15 minutes."),
        );
    }
    let ok = match &user {
        Some(u) => auth::verify_password(&f.password, &u.password_hash),
        None => {
            auth::verify_password(&f.password, auth::dummy_hash());
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        tracing::warn!(account = %name_for_log, %client, "login failed");
        audit::record(
            &state,
            &who,
            "login.failure",
            &format!("user:{name_for_log}"),
            None,
            None,
        )
        .await;
        let f = state.throttle.fail(name, &client);
        if f.locked_account {
            tracing::warn!(account = %name_for_log, %client, "account locked after repeated failed logins");
            audit::record(
                &state,
                &who,
                "login.lockout",
                &format!("user:{name_for_log}"),
                None,
                Some(format!(
                    "account locked for {} min",
                    auth::LOCK.as_secs() / 60
                )),
            )
            .await;
        }
        if f.locked_client {
            tracing::warn!(%client, "client locked after repeated failed logins");
            audit::record(
                &state,
                &who,
                "login.lockout",
                &format!("client:{client}"),
                None,
                Some(format!(
                    "client locked for {} min",
                    auth::LOCK.as_secs() / 60
                )),
            )
            .await;
        }
        return login_page(
            &state,
            StatusCode::UNAUTHORIZED,
            Some("Wrong user name or password."),
        );
    };
    state.throttle.succeed(name);
    let token = auth::random_token(32);
    let csrf = auth::random_token(24);
    let hours = state
        .project()
        .file
        .serve
        .as_ref()
        .map(|s| s.session_hours)
        .unwrap_or(12);
    let expires = Utc::now() + chrono::Duration::hours(i64::from(hours));
    if let Err(e) = state
        .store
        .create_session(
            &auth::token_hash(&token),
            &user.name,
            &csrf,
            &client,
            expires,
        )
        .await
    {
        tracing::error!(error = %e, "cannot store the session");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the store is not answering\n",
        )
            .into_response();
    }
    tracing::info!(account = %user.name, %client, "login");
    audit::record(
        &state,
        &who,
        "login.success",
        &format!("user:{}", user.name),
        None,
        Some(format!("role {}", user.role)),
    )
    .await;
    let mut resp = Redirect::to("/dashboard").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        cookie(
            &state,
            SESSION_COOKIE,
            &token,
            Some(i64::from(hours) * 3600),
        ),
    );
    resp.headers_mut().append(
        header::SET_COOKIE,
        cookie(&state, LOGIN_CSRF_COOKIE, "", Some(0)),
    );
    resp
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Some(s) = session(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    if let Some(token) = read_cookie(&headers, SESSION_COOKIE) {
        let _ = state.store.delete_session(&auth::token_hash(&token)).await;
    }
    audit::record(
        &state,
        &Actor::user(&s.username, &peer.ip().to_string()),
        "logout",
        &format!("user:{}", s.username),
        None,
        None,
    )
    .await;
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    resp
}
