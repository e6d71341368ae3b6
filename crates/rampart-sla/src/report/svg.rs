//! The response-time graph: latency over time, the threshold as a line, incidents shaded, failed
//! probes marked. Drawn by the shared line chart (an envelope: each pixel column's min–max range
//! with its median), so it looks like every other rampart chart. Deterministic: same report in,
//! same bytes out.

use super::model::MonitorReport;
use crate::math::latency::Sorted;
use chrono::{DateTime, Utc};
use rampart_model::Outcome;
use rampart_report::chart::line::{Band, LineChart, Series, Style};
use rampart_report::chart::Svg;

pub fn response_time_svg(
    m: &MonitorReport,
    threshold_ms: Option<f64>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Svg {
    let ms = |t: DateTime<Utc>| (t - from).num_milliseconds() as f64;
    let span = ms(to).max(1.0);
    let lat = Sorted::new(m.series.iter().filter_map(|p| p.1).collect());
    let mut ymax = lat.percentile(99.9).unwrap_or(1.0) * 1.1;
    if let Some(t) = threshold_ms {
        ymax = ymax.max(t * 1.25);
    }
    let mut chart = LineChart::new(
        &format!("response time of {}", m.monitor),
        (0.0, span),
        ymax,
    );
    chart.heading = Some(format!("Response time — {}", m.monitor));
    chart.y_unit = "ms".into();
    let ticks = 6;
    chart.x_ticks = (0..=ticks)
        .map(|i| {
            let at = span * i as f64 / ticks as f64;
            let t = from + chrono::Duration::milliseconds(at as i64);
            let label = if span > 2.0 * 86_400_000.0 {
                t.format("%m-%d").to_string()
            } else {
                t.format("%m-%d %H:%M").to_string()
            };
            (at, label)
        })
        .collect();
    chart.bands = m
        .incidents
        .iter()
        .map(|inc| Band {
            from: ms(inc.start),
            to: ms(inc.end.unwrap_or(to)),
            title: format!("incident {} ({})", inc.start.to_rfc3339(), inc.cause),
            label: None,
        })
        .collect();
    chart.series = vec![Series {
        name: "median latency".into(),
        points: m
            .series
            .iter()
            .filter_map(|(t, l, o)| match (l, o) {
                (Some(v), Outcome::Up) => Some((ms(*t), *v)),
                _ => None,
            })
            .collect(),
        style: Style::Envelope,
    }];
    chart.marks = m
        .series
        .iter()
        .filter(|(_, l, o)| !matches!((l, o), (Some(_), Outcome::Up)))
        .map(|(t, ..)| ms(*t))
        .collect();
    chart.threshold = threshold_ms.map(|t| (t, format!("threshold {t} ms")));
    let clipped = lat.values().iter().filter(|v| **v > ymax).count();
    chart.note = Some(format!(
        "light: min–max per column; dark: median; red band: incident; {clipped} point(s) above the top of the scale"
    ));
    chart.draw()
}
