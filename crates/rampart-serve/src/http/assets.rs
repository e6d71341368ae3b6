//! The static assets, built into the binary: no file system access, no external host.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, ty) = match file.as_str() {
        // The page's own rules, then the chart classes of the rendering layer (the charts are
        // drawn without inline style, which the CSP forbids).
        "app.css" => {
            static CSS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let css = CSS.get_or_init(|| {
                format!(
                    "{}\n{}\n",
                    include_str!("../assets/app.css"),
                    rampart_report::chart::palette::svg_css()
                )
            });
            return (
                [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                css.as_str(),
            )
                .into_response();
        }
        "live.js" => (
            include_str!("../assets/live.js"),
            "text/javascript; charset=utf-8",
        ),
        "icon.svg" => (include_str!("../assets/icon.svg"), "image/svg+xml"),
        _ => return (StatusCode::NOT_FOUND, "no such asset\n").into_response(),
    };
    ([(header::CONTENT_TYPE, ty)], body).into_response()
}
