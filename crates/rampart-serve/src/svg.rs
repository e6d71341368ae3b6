//! Inline SVG: the latency chart of the status page and the uptime badge. Pure functions of
//! their data; no scripts, no external references.

use crate::http::html::esc;
use crate::status::LatencyPoint;

/// A small line chart of mean latency (and a faint line of the maximum) per hour.
pub fn latency_chart(points: &[LatencyPoint], label: &str) -> String {
    const W: f64 = 240.0;
    const H: f64 = 48.0;
    if points.is_empty() {
        return format!(
            r#"<svg class="chart" viewBox="0 0 240 48" width="240" height="48" role="img" aria-label="{}: no latency data yet"><text x="4" y="28" font-size="11">no data yet</text></svg>"#,
            esc(label)
        );
    }
    let top = points.iter().map(|p| p.max_ms).fold(1.0_f64, f64::max);
    let n = points.len().max(2) as f64 - 1.0;
    let line = |f: &dyn Fn(&LatencyPoint) -> f64| -> String {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "{:.1},{:.1}",
                    i as f64 / n * W,
                    H - 2.0 - f(p) / top * (H - 4.0)
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mean = points.iter().map(|p| p.mean_ms).sum::<f64>() / points.len() as f64;
    format!(
        r##"<svg class="chart" viewBox="0 0 240 48" width="240" height="48" role="img" aria-label="{label}: mean latency per hour, average {mean:.0} ms, peak {top:.0} ms"><polyline fill="none" stroke="#c9ced6" stroke-width="1" points="{max}"/><polyline fill="none" stroke="#2563eb" stroke-width="1.5" points="{avg}"/></svg>"##,
        label = esc(label),
        max = line(&|p| p.max_ms),
        avg = line(&|p| p.mean_ms),
    )
}

/// A two-part badge: "NAME | 99.95%" (or "down" / "unknown"), green, amber or red.
pub fn badge(name: &str, state: &str, uptime: Option<f64>, target: Option<f64>) -> String {
    let value = match (state, uptime) {
        ("down", _) => "down".to_string(),
        (_, Some(u)) => format!("{u:.2}%"),
        _ => "unknown".to_string(),
    };
    let color = match (state, uptime, target) {
        ("down", _, _) => "#d73a49",
        (_, Some(u), Some(t)) if u < t => "#dbab09",
        (_, Some(_), _) => "#2ea043",
        _ => "#6a737d",
    };
    // Width from the text length: a fixed-width estimate, as badge services do.
    let lw = 10 + 7 * name.chars().count();
    let vw = 10 + 7 * value.chars().count();
    let w = lw + vw;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{name}: {value}"><title>{name}: {value}</title><rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{vw}" height="20" fill="{color}"/><g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11"><text x="5" y="14">{name}</text><text x="{tx}" y="14">{value}</text></g></svg>"##,
        name = esc(name),
        value = esc(&value),
        tx = lw + 5,
    )
}
