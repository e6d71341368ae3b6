//! Routes: the public status page, badges and JSON; `/healthz`; login and logout; the team
//! dashboard; server-sent events; and the two static assets (stylesheet and script). Every
//! response carries the security headers.

pub mod assets;
pub mod dashboard;
pub mod findings;
pub mod html;
pub mod login;
pub mod public;
pub mod sse;
pub mod threats;

use crate::state::ServeState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

pub type AppState = Arc<ServeState>;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(public::status_page))
        .route("/status.json", get(public::status_json))
        .route("/badge/{file}", get(public::badge))
        .route("/healthz", get(healthz))
        .route("/assets/{file}", get(assets::asset))
        .route("/events", get(sse::events))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/dashboard", get(dashboard::overview))
        .route("/dashboard/findings", get(findings::list))
        .route("/dashboard/findings/{fingerprint}", post(findings::edit))
        .route("/dashboard/incidents", get(dashboard::incidents))
        .route("/dashboard/risks", get(dashboard::risks))
        .route("/dashboard/runs", get(dashboard::runs))
        .route("/dashboard/audit", get(dashboard::audit))
        .route("/dashboard/threats", get(threats::list))
        .route("/dashboard/threats/export", post(threats::export))
        .route("/dashboard/threats/{id}", post(threats::edit))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

/// 200 when the process is up and its store answers; 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(std::time::Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n").into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "healthz: store unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "store unreachable\n").into_response()
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "store timed out\n").into_response(),
    }
}

async fn not_found() -> Response {
    html::page_response(
        StatusCode::NOT_FOUND,
        "Not found",
        None,
        "<p>There is no such page.</p>",
    )
}

/// CSP without inline script or style, no framing, no sniffing, no referrer; HSTS under TLS.
async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if state.tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        let v = if path.starts_with("/assets/") {
            "public, max-age=300"
        } else {
            "no-store"
        };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(v));
    }
    resp
}
