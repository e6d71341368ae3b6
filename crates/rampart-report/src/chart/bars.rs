//! A horizontal bar chart: one labelled bar per value, coloured by tone.

use super::{Anchor, Canvas, Font, Svg};
use crate::doc::Tone;

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
            let y = 5.0 + row * i as f64;
            c.text(
                left - 8.0,
                y + 13.0,
                &b.label,
                Anchor::End,
                Font::plain(12.0),
            );
            let class = match b.tone {
                crate::doc::Tone::Bad => "rc-bar-bad",
                crate::doc::Tone::Warn => "rc-bar-warn",
                crate::doc::Tone::Good => "rc-bar-good",
                crate::doc::Tone::Severity(s) if s >= rampart_model::Severity::High => "rc-bar-bad",
                crate::doc::Tone::Severity(rampart_model::Severity::Medium) => "rc-bar-warn",
                _ => "rc-bar",
            };
            let len = (w - left - right) * b.value / max;
            c.rect(
                left,
                y + 3.0,
                len.max(1.0),
                14.0,
                class,
                Some(&format!("{}: {}", b.label, b.value)),
            );
            c.text(
                left + len + 6.0,
                y + 14.0,
                &b.value.to_string(),
                Anchor::Start,
                Font::plain(11.0),
            );
        }
        c.finish()
    }
}
