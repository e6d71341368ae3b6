//! The static assets, built into the binary: no file system access, no external host.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, ty) = match file.as_str() {
        "app.css" => (include_str!("../assets/app.css"), "text/css; charset=utf-8"),
        "live.js" => (
            include_str!("../assets/live.js"),
            "text/javascript; charset=utf-8",
        ),
        "icon.svg" => (include_str!("../assets/icon.svg"), "image/svg+xml"),
        _ => return (StatusCode::NOT_FOUND, "no such asset\n").into_response(),
    };
    ([(header::CONTENT_TYPE, ty)], body).into_response()
}
