//! The response-time graph: latency over time, the threshold as a line, incidents shaded.
//! Deterministic SVG (same report in, same bytes out), small enough to embed in HTML: points are
//! binned into pixel columns, each drawn as its min–max range with the column's median marked.

use super::model::MonitorReport;
use crate::math::latency::Sorted;
use chrono::{DateTime, Utc};
use rampart_model::Outcome;
use std::fmt::Write;

const W: f64 = 900.0;
const H: f64 = 320.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 40.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" step for about `n` ticks over `range`.
fn nice_step(range: f64, n: f64) -> f64 {
    let raw = (range / n).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

pub fn response_time_svg(
    m: &MonitorReport,
    threshold_ms: Option<f64>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> String {
    let pw = W - LEFT - RIGHT;
    let ph = H - TOP - BOTTOM;
    let span = ((to - from).num_milliseconds() as f64).max(1.0);
    let x = |t: DateTime<Utc>| {
        LEFT + pw * ((t - from).num_milliseconds() as f64 / span).clamp(0.0, 1.0)
    };
    let lat = Sorted::new(m.series.iter().filter_map(|p| p.1).collect());
    let p999 = lat.percentile(99.9).unwrap_or(1.0);
    let mut ymax = p999 * 1.1;
    if let Some(t) = threshold_ms {
        ymax = ymax.max(t * 1.25);
    }
    let ymax = ymax.max(1.0);
    let y = |v: f64| TOP + ph * (1.0 - (v / ymax).clamp(0.0, 1.0));

    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" font-family="sans-serif" font-size="11"><rect width="{W}" height="{H}" fill="#fff"/>"##
    );
    let _ = write!(
        s,
        r##"<text x="{LEFT}" y="18" font-size="13" font-weight="bold">Response time — {}</text>"##,
        esc(&m.monitor)
    );
    // Incidents, shaded.
    for inc in &m.incidents {
        let x0 = x(inc.start);
        let x1 = x(inc.end.unwrap_or(to)).max(x0 + 1.0);
        let _ = write!(
            s,
            r##"<rect x="{x0:.1}" y="{TOP}" width="{:.1}" height="{ph}" fill="#e53935" fill-opacity="0.25"><title>incident {} ({})</title></rect>"##,
            x1 - x0,
            inc.start.to_rfc3339(),
            esc(&inc.cause)
        );
    }
    // Axes and grid.
    let step = nice_step(ymax, 5.0);
    let mut v = 0.0;
    while v <= ymax + 1e-9 {
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#eee"/><text x="{:.1}" y="{:.1}" text-anchor="end">{} ms</text>"##,
            W - RIGHT,
            LEFT - 4.0,
            yy + 4.0,
            v
        );
        v += step;
    }
    let ticks = 6;
    for i in 0..=ticks {
        let t = from + chrono::Duration::milliseconds((span * i as f64 / ticks as f64) as i64);
        let xx = x(t);
        let label = if span > 2.0 * 86_400_000.0 {
            t.format("%m-%d").to_string()
        } else {
            t.format("%m-%d %H:%M").to_string()
        };
        let anchor = match i {
            0 => "start",
            i if i == ticks => "end",
            _ => "middle",
        };
        let _ = write!(
            s,
            r##"<line x1="{xx:.1}" y1="{:.1}" x2="{xx:.1}" y2="{:.1}" stroke="#999"/><text x="{xx:.1}" y="{:.1}" text-anchor="{anchor}">{label}</text>"##,
            TOP + ph,
            TOP + ph + 4.0,
            TOP + ph + 16.0
        );
    }
    let _ = write!(
        s,
        r##"<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>"##
    );
    // Columns: min–max range and median.
    let cols = pw as usize;
    let mut bins: Vec<Vec<f64>> = vec![Vec::new(); cols];
    let mut failed: Vec<bool> = vec![false; cols];
    for (t, l, o) in &m.series {
        let c = (((x(*t) - LEFT) / pw) * (cols as f64 - 1.0)).round() as usize;
        let c = c.min(cols - 1);
        match (l, o) {
            (Some(v), Outcome::Up) => bins[c].push(*v),
            _ => failed[c] = true,
        }
    }
    let mut range = String::new();
    let mut median = String::new();
    for (c, b) in bins.iter_mut().enumerate() {
        if b.is_empty() {
            continue;
        }
        b.sort_by(f64::total_cmp);
        let xx = LEFT + c as f64 + 0.5;
        let _ = write!(range, "M{xx:.1} {:.1}V{:.1}", y(b[0]), y(b[b.len() - 1]));
        let cmd = if median.is_empty() { 'M' } else { 'L' };
        let _ = write!(median, "{cmd}{xx:.1} {:.1}", y(b[b.len() / 2]));
    }
    let _ = write!(
        s,
        r##"<path d="{range}" stroke="#90caf9" stroke-width="1"/><path d="{median}" fill="none" stroke="#1565c0" stroke-width="1"/>"##
    );
    for (c, f) in failed.iter().enumerate() {
        if *f {
            let xx = LEFT + c as f64 + 0.5;
            let _ = write!(
                s,
                r##"<circle cx="{xx:.1}" cy="{:.1}" r="2" fill="#b71c1c"/>"##,
                TOP + ph - 2.0
            );
        }
    }
    if let Some(t) = threshold_ms {
        let yy = y(t);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#e65100" stroke-width="1.5" stroke-dasharray="6 3"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#e65100">threshold {t} ms</text>"##,
            W - RIGHT,
            W - RIGHT - 4.0,
            yy - 4.0
        );
    }
    let clipped = lat.values().iter().filter(|v| **v > ymax).count();
    let _ = write!(
        s,
        r##"<text x="{LEFT}" y="{:.1}" fill="#555">light: min–max per column; dark: median; red band: incident; {clipped} point(s) above the top of the scale</text></svg>"##,
        H - 6.0
    );
    s
}
