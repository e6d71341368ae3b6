//! A sparkline: a small line chart without axes, for a row of a status page. The first series is
//! the main one; the others are drawn fainter behind it (e.g. the maximum behind the mean).

use super::{Anchor, Canvas, Font, PathData, Svg};

#[derive(Debug, Clone)]
pub struct Sparkline {
    /// What the drawing shows, for screen readers (`aria-label`).
    pub label: String,
    pub width: f64,
    pub height: f64,
    /// Series of values, one point per step, all on one scale starting at zero.
    pub series: Vec<Vec<f64>>,
}

impl Sparkline {
    pub fn new(label: &str, width: f64, height: f64) -> Sparkline {
        Sparkline {
            label: label.to_string(),
            width,
            height,
            series: Vec::new(),
        }
    }

    fn canvas(&self) -> Canvas {
        let (w, h) = (self.width, self.height);
        let mut c = Canvas::new(w, h, &self.label);
        let top = self
            .series
            .iter()
            .flatten()
            .copied()
            .filter(|v| v.is_finite())
            .fold(1.0_f64, f64::max);
        if self.series.iter().all(|s| s.is_empty()) {
            c.text(
                4.0,
                h / 2.0 + 4.0,
                "no data yet",
                Anchor::Start,
                Font::plain(11.0),
            );
            return c;
        }
        // Fainter series first, so the main one is drawn on top.
        for (i, s) in self.series.iter().enumerate().rev() {
            let steps = s.len().max(2) as f64 - 1.0;
            let mut d = PathData::new();
            for (k, v) in s.iter().enumerate() {
                let x = k as f64 / steps * w;
                let y = h - 2.0 - (v.max(0.0) / top).min(1.0) * (h - 4.0);
                if k == 0 {
                    d.move_to(x, y);
                } else {
                    d.line_to(x, y);
                }
            }
            c.path(&d, if i == 0 { "rc-s1" } else { "rc-s1-soft" }, None);
        }
        c
    }

    /// With its style sheet inside (reports).
    pub fn draw(&self) -> Svg {
        self.canvas().finish()
    }

    /// Without it, for pages that serve [`super::palette::svg_css`] themselves.
    pub fn draw_unstyled(&self) -> Svg {
        self.canvas().finish_unstyled()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_each_series_within_the_box_and_escapes_the_label() {
        let mut s = Sparkline::new("<a> & latency", 240.0, 48.0);
        s.series = vec![vec![10.0, 30.0, 20.0], vec![15.0, 90.0, 40.0]];
        let svg = s.draw_unstyled().into_string();
        assert_eq!(svg.matches("<path").count(), 2, "{svg}");
        assert!(svg.contains("&lt;a&gt; &amp; latency"), "{svg}");
        assert!(!svg.contains("<style>") && !svg.contains("NaN"), "{svg}");
        assert!(s.draw().into_string().contains("<style>"));
        let empty = Sparkline::new("x", 240.0, 48.0)
            .draw_unstyled()
            .into_string();
        assert!(empty.contains("no data yet"), "{empty}");
    }
}
