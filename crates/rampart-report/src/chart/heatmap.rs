//! A heat map: a grid of cells coloured by level (0 = lowest), each with a small label and the
//! marks placed in it (risk ids in a risk matrix).

use super::{Anchor, Canvas, Font, Svg};

#[derive(Debug, Clone)]
pub struct HeatCell {
    pub label: String,
    /// 0 ..= 4, see [`super::palette::HEAT`].
    pub level: usize,
    pub marks: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct HeatMap {
    pub label: String,
    pub columns: Vec<String>,
    /// Rows top to bottom: a label and one cell per column.
    pub rows: Vec<(String, Vec<HeatCell>)>,
}

const LEVEL_CLASSES: [&str; 5] = ["rc-heat0", "rc-heat1", "rc-heat2", "rc-heat3", "rc-heat4"];

impl HeatMap {
    pub fn draw(&self) -> Svg {
        let (cw, ch, left, top) = (150.0, 54.0, 150.0, 30.0);
        let w = left + cw * self.columns.len() as f64 + 10.0;
        let h = top + ch * self.rows.len() as f64 + 10.0;
        let mut c = Canvas::new(w, h, &self.label);
        for (j, col) in self.columns.iter().enumerate() {
            c.text(
                left + cw * (j as f64 + 0.5),
                20.0,
                col,
                Anchor::Middle,
                Font::bold(12.0),
            );
        }
        for (i, (label, cells)) in self.rows.iter().enumerate() {
            let y = top + ch * i as f64;
            c.text(
                left - 8.0,
                y + ch / 2.0 + 4.0,
                label,
                Anchor::End,
                Font::plain(12.0),
            );
            for (j, cell) in cells.iter().enumerate() {
                let x = left + cw * j as f64;
                c.rect(x, y, cw, ch, LEVEL_CLASSES[cell.level.min(4)], None);
                let on = Font::plain(10.0).class("rc-on-heat");
                c.text(x + cw / 2.0, y + 13.0, &cell.label, Anchor::Middle, on);
                for (k, m) in cell.marks.iter().enumerate() {
                    let y = y + 28.0 + 12.0 * k as f64;
                    c.text(
                        x + cw / 2.0,
                        y,
                        m,
                        Anchor::Middle,
                        Font::bold(12.0).class("rc-on-heat"),
                    );
                }
            }
        }
        c.finish()
    }
}
