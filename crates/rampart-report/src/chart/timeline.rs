//! A timeline: one labelled bar per event over a span of time (exactly one `<rect>` per event).

use super::{Anchor, Canvas, Font, Svg};

#[derive(Debug, Clone)]
pub struct Event {
    pub label: String,
    pub from: f64,
    pub to: f64,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct Timeline {
    pub label: String,
    pub range: (f64, f64),
    pub start_label: String,
    pub end_label: String,
    pub events: Vec<Event>,
}

impl Timeline {
    pub fn draw(&self) -> Svg {
        let (w, row, left) = (900.0, 22.0, 190.0);
        let h = 30.0 + row * self.events.len() as f64;
        let (x0, x1) = self.range;
        let span = (x1 - x0).max(1e-9);
        let x = |v: f64| left + (w - left - 10.0) * ((v - x0) / span).clamp(0.0, 1.0);
        let mut c = Canvas::new(w, h, &self.label);
        c.text(
            left,
            12.0,
            &self.start_label,
            Anchor::Start,
            Font::plain(11.0),
        );
        c.text(w, 12.0, &self.end_label, Anchor::End, Font::plain(11.0));
        for (i, e) in self.events.iter().enumerate() {
            let top = 20.0 + row * i as f64;
            let span = (x(e.from), x(e.to));
            super::bar_row(
                &mut c,
                top,
                left,
                &e.label,
                span,
                "rc-bar-bad",
                &e.title,
                11.0,
            );
        }
        c.finish()
    }
}
