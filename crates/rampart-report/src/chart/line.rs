//! Line charts over time: series, a threshold line, shaded bands (incidents) and marks along the
//! bottom (failures). A series is drawn as a line, or — when there are more points than pixels —
//! as an envelope: each pixel column's min–max range with its median joined.

use super::{nice_step, Anchor, Canvas, Font, PathData, Svg};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Line,
    Envelope,
}

#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    /// (x, y) in the chart's units, x within `x_range`.
    pub points: Vec<(f64, f64)>,
    pub style: Style,
}

/// A shaded span of x with a tooltip and an optional short label at its top.
#[derive(Debug, Clone)]
pub struct Band {
    pub from: f64,
    pub to: f64,
    pub title: String,
    pub label: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LineChart {
    pub label: String,
    pub heading: Option<String>,
    pub width: f64,
    pub height: f64,
    pub x_range: (f64, f64),
    /// Tick positions and their labels.
    pub x_ticks: Vec<(f64, String)>,
    pub y_max: f64,
    pub y_unit: String,
    pub series: Vec<Series>,
    pub threshold: Option<(f64, String)>,
    pub bands: Vec<Band>,
    /// x positions marked along the bottom (failed probes).
    pub marks: Vec<f64>,
    pub note: Option<String>,
}

const SERIES: [(&str, &str); 3] = [("rc-s1", "rc-t1"), ("rc-s2", "rc-t2"), ("rc-s3", "rc-t3")];

impl LineChart {
    pub fn new(label: &str, x_range: (f64, f64), y_max: f64) -> LineChart {
        LineChart {
            label: label.to_string(),
            heading: None,
            width: 900.0,
            height: 320.0,
            x_range,
            x_ticks: Vec::new(),
            y_max: y_max.max(1.0),
            y_unit: String::new(),
            series: Vec::new(),
            threshold: None,
            bands: Vec::new(),
            marks: Vec::new(),
            note: None,
        }
    }

    pub fn draw(&self) -> Svg {
        let (w, h) = (self.width, self.height);
        let (left, right, top, bottom) = (60.0, 20.0, 30.0, 40.0);
        let (pw, ph) = (w - left - right, h - top - bottom);
        let (x0, x1) = self.x_range;
        let span = (x1 - x0).max(1e-9);
        let x = |v: f64| left + pw * ((v - x0) / span).clamp(0.0, 1.0);
        let y = |v: f64| top + ph * (1.0 - (v / self.y_max).clamp(0.0, 1.0));
        let mut c = Canvas::new(w, h, &self.label);
        c.rect(0.0, 0.0, w, h, "rc-bg", None);
        if let Some(t) = &self.heading {
            c.text(left, 18.0, t, Anchor::Start, Font::bold(13.0));
        }
        for b in &self.bands {
            let (a, z) = (x(b.from), x(b.to));
            c.rect(a, top, (z - a).max(1.0), ph, "rc-band", Some(&b.title));
            if let Some(l) = &b.label {
                c.text(
                    a + 1.0,
                    top + 12.0,
                    l,
                    Anchor::Start,
                    Font::plain(11.0).class("rc-band-text"),
                );
            }
        }
        let step = nice_step(self.y_max, 5.0);
        let mut v = 0.0;
        while v <= self.y_max + 1e-9 {
            c.line(left, y(v), w - right, y(v), "rc-grid");
            let label = format!("{v} {}", self.y_unit);
            c.text(
                left - 4.0,
                y(v) + 4.0,
                label.trim_end(),
                Anchor::End,
                Font::plain(11.0),
            );
            v += step;
        }
        let last = self.x_ticks.len().saturating_sub(1);
        for (i, (t, label)) in self.x_ticks.iter().enumerate() {
            let anchor = match i {
                0 => Anchor::Start,
                i if i == last => Anchor::End,
                _ => Anchor::Middle,
            };
            c.line(x(*t), top + ph, x(*t), top + ph + 4.0, "rc-axis");
            c.text(x(*t), top + ph + 16.0, label, anchor, Font::plain(11.0));
        }
        c.rect(left, top, pw, ph, "rc-axis", None);
        for (i, s) in self.series.iter().enumerate() {
            let (stroke, _) = SERIES[i % SERIES.len()];
            match s.style {
                Style::Line => {
                    let mut d = PathData::new();
                    for (k, (px, py)) in s.points.iter().enumerate() {
                        if k == 0 {
                            d.move_to(x(*px), y(*py));
                        } else {
                            d.line_to(x(*px), y(*py));
                        }
                    }
                    c.path(&d, stroke, Some(&s.name));
                }
                Style::Envelope => {
                    let cols = pw.max(1.0) as usize;
                    let mut bins: Vec<Vec<f64>> = vec![Vec::new(); cols];
                    for (px, py) in &s.points {
                        let col = (((x(*px) - left) / pw) * (cols as f64 - 1.0)).round() as usize;
                        bins[col.min(cols - 1)].push(*py);
                    }
                    let (mut range, mut median) = (PathData::new(), PathData::new());
                    for (col, b) in bins.iter_mut().enumerate() {
                        if b.is_empty() {
                            continue;
                        }
                        b.sort_by(f64::total_cmp);
                        let xx = left + col as f64 + 0.5;
                        range.move_to(xx, y(b[0])).vertical_to(y(b[b.len() - 1]));
                        if median.is_empty() {
                            median.move_to(xx, y(b[b.len() / 2]));
                        } else {
                            median.line_to(xx, y(b[b.len() / 2]));
                        }
                    }
                    c.path(&range, "rc-s1-soft", None);
                    c.path(&median, stroke, Some(&s.name));
                }
            }
        }
        let cols = pw.max(1.0) as usize;
        let mut marked = vec![false; cols];
        for m in &self.marks {
            let col = (((x(*m) - left) / pw) * (cols as f64 - 1.0)).round() as usize;
            marked[col.min(cols - 1)] = true;
        }
        for (col, _) in marked.iter().enumerate().filter(|(_, m)| **m) {
            c.circle(left + col as f64 + 0.5, top + ph - 2.0, 2.0, "rc-mark");
        }
        if let Some((t, label)) = &self.threshold {
            c.line(left, y(*t), w - right, y(*t), "rc-threshold");
            c.text(
                w - right - 4.0,
                y(*t) - 4.0,
                label,
                Anchor::End,
                Font::plain(11.0).class("rc-threshold-text"),
            );
        }
        if let Some(n) = &self.note {
            c.text(
                left,
                h - 6.0,
                n,
                Anchor::Start,
                Font::plain(11.0).class("rc-muted"),
            );
        }
        if self.series.len() > 1 {
            let parts: Vec<(&'static str, &str)> = self
                .series
                .iter()
                .enumerate()
                .map(|(i, s)| (SERIES[i % SERIES.len()].1, s.name.as_str()))
                .collect();
            c.legend(w - right, 18.0, &parts, "", Anchor::End, 11.0);
        }
        c.finish()
    }
}
