//! The requests-over-time chart: requests, 4xx and 5xx per bucket, each incident's window shaded
//! and numbered. Drawn by the shared line chart.

use super::when;
use crate::Report;
use rampart_report::chart::line::{Band, LineChart, Series, Style};
use rampart_report::chart::Svg;

pub fn chart(r: &Report) -> Svg {
    let pts = &r.chart.points;
    let bucket = r.chart.bucket_secs;
    let (t0, t1) = match (pts.first(), pts.last()) {
        (Some(a), Some(b)) => (a.at, b.at + bucket),
        _ => (0, 1),
    };
    let ymax = pts.iter().map(|p| p.requests).max().unwrap_or(1).max(1) as f64;
    let mut c = LineChart::new(
        &format!("requests per {bucket} s"),
        (t0 as f64, t1 as f64),
        ymax,
    );
    c.width = 1000.0;
    c.height = 260.0;
    if pts.is_empty() {
        c.note = Some("no timestamped lines".into());
        return c.draw();
    }
    c.heading = Some(format!("Requests per {bucket} s; shaded: incidents"));
    c.x_ticks = (0..=4)
        .map(|k| {
            let t = t0 + ((t1 - t0) as f64 * k as f64 / 4.0) as i64;
            let label = when(t, r.chart.tz);
            let label = label.get(..16).unwrap_or(&label).replace('T', " ");
            (t as f64, label)
        })
        .collect();
    c.bands = r
        .incidents
        .iter()
        .enumerate()
        .map(|(n, i)| Band {
            from: i.from_ts as f64,
            to: (i.to_ts + bucket) as f64,
            title: format!("#{} {}", n + 1, i.title()),
            label: Some(format!("{}", n + 1)),
        })
        .collect();
    c.series = [("requests", 0usize), ("4xx", 1), ("5xx", 2)]
        .into_iter()
        .map(|(name, k)| Series {
            name: name.into(),
            points: pts
                .iter()
                .map(|p| {
                    let v = [p.requests, p.client_errors, p.server_errors][k];
                    (p.at as f64, v as f64)
                })
                .collect(),
            style: Style::Line,
        })
        .collect();
    c.draw()
}
