//! Inline SVG: the latency chart of the status page and the uptime badge. Pure functions of
//! their data; no scripts, no external references.

use crate::http::html::esc;
use crate::status::LatencyPoint;
use rampart_report::chart::sparkline::Sparkline;

/// A small line chart of mean latency (and a faint line of the maximum) per hour: the rendering
/// layer's sparkline, drawn without its inline style (the page's CSP forbids inline style; the
/// classes come from `/assets/app.css`).
pub fn latency_chart(points: &[LatencyPoint], label: &str) -> String {
    let text = if points.is_empty() {
        format!("{label}: no latency data yet")
    } else {
        let top = points.iter().map(|p| p.max_ms).fold(0.0_f64, f64::max);
        let mean = points.iter().map(|p| p.mean_ms).sum::<f64>() / points.len() as f64;
        format!("{label}: mean latency per hour, average {mean:.0} ms, peak {top:.0} ms")
    };
    let mut chart = Sparkline::new(&text, 240.0, 48.0);
    if !points.is_empty() {
        chart.series = vec![
            points.iter().map(|p| p.mean_ms).collect(),
            points.iter().map(|p| p.max_ms).collect(),
        ];
    }
    // `class="chart"`: the page's style sheet sizes the drawing by it.
    chart
        .draw_unstyled()
        .into_string()
        .replacen("<svg ", "<svg class=\"chart\" ", 1)
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
