use crate::access_log::AccessLog;
use crate::{db, pages, DemoError};
use axum::extract::{ConnectInfo, Form, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use sqlx::{Row, SqlitePool};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Shared by every request of one demo instance.
#[derive(Clone)]
pub struct AppState {
    db: SqlitePool,
    log: AccessLog,
    latest: Arc<AtomicU64>,
    /// When set, `/api/msgs` binds `user` as a parameter: the SQL injection is fixed. A switch,
    /// so tests can fix the service and break it again while rampart watches.
    sql_fixed: Arc<AtomicBool>,
}

impl AppState {
    pub async fn new(access_log: Option<&Path>) -> Result<AppState, DemoError> {
        let log = AccessLog::open(access_log).map_err(|source| DemoError::Log {
            path: access_log
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            source,
        })?;
        Ok(AppState {
            db: db::open().await?,
            log,
            latest: Arc::new(AtomicU64::new(4)),
            sql_fixed: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Fixes (`true`) or re-introduces (`false`) the SQL injection in `/api/msgs`.
    pub fn set_sql_injection_fixed(&self, fixed: bool) {
        self.sql_fixed.store(fixed, Ordering::Relaxed);
    }
}

/// The MiniTwit-like web app and JSON API.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(timeline))
        .route("/public", get(timeline))
        .route("/login", get(login_form).post(login))
        .route("/register", get(register_form).post(register))
        .route("/logout", get(logout))
        .route("/search", get(search))
        .route("/test/", get(test_page))
        .route("/api/latest", get(api_latest))
        .route("/api/msgs", get(api_msgs))
        .route(
            "/robots.txt",
            get(|| async { "User-agent: *\nDisallow: /test/\n" }),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), access_log))
        .with_state(state)
}

/// The "admin" console on its own port: it should not be reachable at all.
pub fn admin_app(state: AppState) -> Router {
    Router::new()
        .route("/", get(|| async { Html(pages::admin()) }))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), access_log))
        .with_state(state)
}

async fn access_log(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().to_string();
    let uri = req.uri().to_string();
    let agent = header_str(req.headers(), header::USER_AGENT);
    let referer = header_str(req.headers(), header::REFERER);
    let mut resp = next.run(req).await;
    let bytes = axum::body::HttpBody::size_hint(resp.body())
        .exact()
        .unwrap_or(0) as usize;
    state.log.write(
        client,
        &method,
        &uri,
        resp.status().as_u16(),
        bytes,
        &referer,
        &agent,
    );
    // The demo's one good habit: it says what it is, so the scanners have a version to report.
    resp.headers_mut().insert(
        header::SERVER,
        header::HeaderValue::from_static("minitwit-demo/0.1"),
    );
    resp
}

fn header_str(h: &HeaderMap, name: header::HeaderName) -> String {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

async fn timeline(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let rows = sqlx::query(
        "SELECT user.username, message.text FROM message JOIN user ON user.user_id = message.author_id ORDER BY pub_date DESC",
    )
    .fetch_all(&state.db)
    .await?;
    let msgs: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    Ok(Html(pages::timeline(&msgs)))
}

async fn login_form() -> Html<String> {
    Html(pages::login(None))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// WEAKNESS: no rate limit, no lockout — every wrong password is answered at once.
async fn login(State(state): State<AppState>, Form(f): Form<LoginForm>) -> Response {
    let row = sqlx::query("SELECT pw_hash FROM user WHERE username = ?1")
        .bind(&f.username)
        .fetch_optional(&state.db)
        .await
        .ok()
        .flatten();
    let expected = row.map(|r| r.get::<String, _>(0));
    if expected.as_deref() == Some(format!("pbkdf2:sha256:demo${}", f.password).as_str()) {
        let mut resp = Redirect::to("/").into_response();
        let cookie = format!("session={}; Path=/; HttpOnly", f.username);
        if let Ok(v) = header::HeaderValue::from_str(&cookie) {
            resp.headers_mut().insert(header::SET_COOKIE, v);
        }
        resp
    } else {
        (
            StatusCode::OK,
            Html(pages::login(Some("Invalid username or password"))),
        )
            .into_response()
    }
}

async fn register_form() -> Html<String> {
    Html(pages::register(None))
}

#[derive(Deserialize)]
struct RegisterForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn register(State(state): State<AppState>, Form(f): Form<RegisterForm>) -> Response {
    if f.username.is_empty() || !f.email.contains('@') || f.password.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            Html(pages::register(Some(
                "You have to enter a username, a valid email and a password",
            ))),
        )
            .into_response();
    }
    let res = sqlx::query("INSERT INTO user (username, email, pw_hash) VALUES (?1, ?2, ?3)")
        .bind(&f.username)
        .bind(&f.email)
        .bind(format!("pbkdf2:sha256:demo${}", f.password))
        .execute(&state.db)
        .await;
    match res {
        Ok(_) => Redirect::to("/login").into_response(),
        Err(_) => (
            StatusCode::BAD_REQUEST,
            Html(pages::register(Some("The username is already taken"))),
        )
            .into_response(),
    }
}

async fn logout() -> Response {
    let mut resp = Redirect::to("/public").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        header::HeaderValue::from_static("session=; Path=/; Max-Age=0"),
    );
    resp
}

/// WEAKNESS: reflected XSS — `q` goes into the page as it came.
async fn search(Query(q): Query<HashMap<String, String>>) -> Html<String> {
    Html(pages::search(q.get("q").map(String::as_str).unwrap_or("")))
}

/// WEAKNESS: a forgotten test page.
async fn test_page(State(state): State<AppState>) -> Html<String> {
    Html(pages::test_page(state.latest.load(Ordering::Relaxed)))
}

async fn api_latest(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "latest": state.latest.load(Ordering::Relaxed) }))
}

/// WEAKNESS: SQL injection — `user` is pasted into the SQL text (unless the fix is switched on,
/// then it is a bound parameter).
async fn api_msgs(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    let user = q.get("user").map(String::as_str).unwrap_or("alice");
    let rows = if state.sql_fixed.load(Ordering::Relaxed) {
        sqlx::query(
            "SELECT message.text FROM message JOIN user ON user.user_id = message.author_id WHERE user.username = ?1 ORDER BY pub_date DESC",
        )
        .bind(user)
        .fetch_all(&state.db)
        .await?
    } else {
        let sql = format!(
            "SELECT message.text FROM message JOIN user ON user.user_id = message.author_id WHERE user.username = '{user}' ORDER BY pub_date DESC"
        );
        sqlx::query(&sql).fetch_all(&state.db).await?
    };
    let texts: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    Ok(Json(serde_json::json!({ "user": user, "messages": texts })))
}

async fn not_found() -> (StatusCode, Html<String>) {
    (StatusCode::NOT_FOUND, Html(pages::not_found()))
}

/// Database errors become a 500. The demo leaks the SQLite message in the body on purpose (that
/// is what makes its injection error-based); a real service would log it and say nothing.
struct AppError(sqlx::Error);

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("Internal Server Error: {}", self.0),
        )
            .into_response()
    }
}
