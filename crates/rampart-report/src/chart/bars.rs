//! A horizontal bar chart: one labelled bar per value, coloured by tone.

use super::{Anchor, Canvas, Font, Svg};
use crate::doc::Tone;
use rampart_model::Severity;

#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub tone: Tone,
}

#[derive(Debug, Clone)]
pub struct BarChart {
    pub label: String,
    pub bars: Vec<Bar>,
}

impl BarChart {
    pub fn draw(&self) -> Svg {
        let (w, row, left, right) = (600.0, 22.0, 170.0, 60.0);
        let h = 10.0 + row * self.bars.len() as f64;
        let max = self
            .bars
            .iter()
            .map(|b| b.value)
            .fold(0.0, f64::max)
            .max(1e-9);
        let mut c = Canvas::new(w, h, &self.label);
        for (i, b) in self.bars.iter().enumerate() {
            let top = 5.0 + row * i as f64;
            let class = match b.tone {
                Tone::Bad => "rc-bar-bad",
                Tone::Warn => "rc-bar-warn",
                Tone::Good => "rc-bar-good",
                Tone::Severity(s) if s >= Severity::High => "rc-bar-bad",
                Tone::Severity(Severity::Medium) => "rc-bar-warn",
                _ => "rc-bar",
            };
            let len = (w - left - right) * b.value / max;
            let title = format!("{}: {}", b.label, b.value);
            super::bar_row(
                &mut c,
                top,
                left,
                &b.label,
                (left, left + len),
                class,
                &title,
                12.0,
            );
            let value = b.value.to_string();
            c.text(
                left + len.max(3.0) + 6.0,
                top + 14.0,
                &value,
                Anchor::Start,
                Font::plain(11.0),
            );
        }
        c.finish()
    }
}
