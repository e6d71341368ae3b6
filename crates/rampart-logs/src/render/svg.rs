//! The requests-per-minute chart as inline SVG: requests, 4xx and 5xx per bucket, with each
//! incident's window shaded and numbered.

use super::when;
use crate::Report;
use rampart_report::html::escape;
use std::fmt::Write;

const W: f64 = 1000.0;
const H: f64 = 260.0;
const L: f64 = 50.0;
const B: f64 = 30.0;

pub fn chart_svg(r: &Report) -> String {
    let pts = &r.chart.points;
    let mut o = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"requests per {} s\">",
        r.chart.bucket_secs
    );
    if pts.is_empty() {
        o.push_str("<text x=\"20\" y=\"40\">no timestamped lines</text></svg>");
        return o;
    }
    let t0 = pts[0].at;
    let t1 = pts[pts.len() - 1].at + r.chart.bucket_secs;
    let span = (t1 - t0).max(1) as f64;
    let ymax = pts.iter().map(|p| p.requests).max().unwrap_or(1).max(1) as f64;
    let x = |t: i64| L + (t - t0) as f64 / span * (W - L - 10.0);
    let y = |v: u64| H - B - v as f64 / ymax * (H - B - 10.0);
    // incidents first, behind the lines
    for (n, i) in r.incidents.iter().enumerate() {
        let (a, b) = (x(i.from_ts), x(i.to_ts + r.chart.bucket_secs));
        let _ = write!(
            o,
            "<rect x=\"{a:.1}\" y=\"10\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#d92d20\" fill-opacity=\"0.18\"><title>{}</title></rect><text x=\"{a:.1}\" y=\"22\" font-size=\"11\" fill=\"#b42318\">{}</text>",
            (b - a).max(2.0),
            H - B - 10.0,
            escape(&format!("#{} {}", n + 1, i.title())),
            n + 1
        );
    }
    for (series, color, get) in [
        ("requests", "#1c64f2", 0usize),
        ("4xx", "#dc6803", 1),
        ("5xx", "#b42318", 2),
    ] {
        let mut d = String::new();
        for (k, p) in pts.iter().enumerate() {
            let v = [p.requests, p.client_errors, p.server_errors][get];
            let _ = write!(
                d,
                "{}{:.1},{:.1}",
                if k == 0 { "M" } else { "L" },
                x(p.at),
                y(v)
            );
        }
        let _ = write!(
            o,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1\"><title>{series}</title></path>"
        );
    }
    let _ = write!(
        o,
        "<line x1=\"{L}\" y1=\"{0}\" x2=\"{W}\" y2=\"{0}\" stroke=\"#888\"/><line x1=\"{L}\" y1=\"10\" x2=\"{L}\" y2=\"{0}\" stroke=\"#888\"/>",
        H - B
    );
    let _ = write!(
        o,
        "<text x=\"4\" y=\"16\" font-size=\"11\">{}</text><text x=\"4\" y=\"{:.0}\" font-size=\"11\">0</text>",
        ymax as u64,
        H - B
    );
    for k in 0..=4 {
        let t = t0 + ((t1 - t0) as f64 * k as f64 / 4.0) as i64;
        let label = when(t, r.chart.tz);
        let label = label.get(..16).unwrap_or(&label).replace('T', " ");
        let anchor = match k {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        let _ = write!(
            o,
            "<text x=\"{:.1}\" y=\"{:.0}\" font-size=\"11\" text-anchor=\"{anchor}\">{label}</text>",
            x(t),
            H - 8.0
        );
    }
    let _ = write!(
        o,
        "<text x=\"{:.0}\" y=\"16\" font-size=\"11\" text-anchor=\"end\"><tspan fill=\"#1c64f2\">requests</tspan> <tspan fill=\"#dc6803\">4xx</tspan> <tspan fill=\"#b42318\">5xx</tspan> per {} s; shaded: incidents</text></svg>",
        W - 10.0,
        r.chart.bucket_secs
    );
    o
}
