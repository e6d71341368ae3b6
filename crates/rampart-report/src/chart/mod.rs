//! Charts as inline SVG, the one place rampart draws: a [`Canvas`] that escapes every label, and
//! the chart kinds built on it ([`line`], [`timeline`], [`heatmap`], [`bars`]). Colours and fonts
//! come from [`palette`], as classes, so every drawing follows light, dark and print modes.
//! A new chart kind is a new file here that draws on a [`Canvas`].

pub mod bars;
pub mod heatmap;
pub mod line;
pub mod palette;
pub mod sparkline;
pub mod timeline;

use crate::escape;
use std::fmt::Write;

/// A finished drawing. Only a [`Canvas`] makes one, so its text is always escaped.
#[derive(Debug, Clone, PartialEq)]
pub struct Svg(String);

impl Svg {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Where a label sits relative to its point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Text options: size in px, bold, class (from the palette style sheet).
#[derive(Debug, Clone, Copy)]
pub struct Font {
    pub size: f64,
    pub bold: bool,
    pub class: &'static str,
}

impl Font {
    pub const fn plain(size: f64) -> Font {
        Font {
            size,
            bold: false,
            class: "rc-text",
        }
    }
    pub const fn bold(size: f64) -> Font {
        Font {
            size,
            bold: true,
            class: "rc-text",
        }
    }
    pub const fn class(mut self, class: &'static str) -> Font {
        self.class = class;
        self
    }
}

/// Path data from numbers only.
#[derive(Debug, Default, Clone)]
pub struct PathData(String);

impl PathData {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn move_to(&mut self, x: f64, y: f64) -> &mut Self {
        let _ = write!(self.0, "M{x:.1} {y:.1}");
        self
    }
    pub fn line_to(&mut self, x: f64, y: f64) -> &mut Self {
        let _ = write!(self.0, "L{x:.1} {y:.1}");
        self
    }
    pub fn vertical_to(&mut self, y: f64) -> &mut Self {
        let _ = write!(self.0, "V{y:.1}");
        self
    }
    pub fn quad_to(&mut self, cx: f64, cy: f64, x: f64, y: f64) -> &mut Self {
        let _ = write!(self.0, "Q{cx:.1} {cy:.1} {x:.1} {y:.1}");
        self
    }
    pub fn close(&mut self) -> &mut Self {
        self.0.push('Z');
        self
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An SVG being drawn. Classes are `&'static str` (the palette's); all text is escaped.
pub struct Canvas {
    view: (f64, f64, f64, f64),
    label: String,
    body: String,
    defs: String,
}

impl Canvas {
    pub fn new(width: f64, height: f64, label: &str) -> Canvas {
        Canvas::with_view(0.0, 0.0, width, height, label)
    }

    /// A canvas whose coordinates start at (`x`, `y`) (drawings with their own layout).
    pub fn with_view(x: f64, y: f64, width: f64, height: f64, label: &str) -> Canvas {
        Canvas {
            view: (x, y, width, height),
            label: label.to_string(),
            body: String::new(),
            defs: String::new(),
        }
    }

    fn title(title: Option<&str>) -> String {
        title
            .map(|t| format!("<title>{}</title>", escape::html(t)))
            .unwrap_or_default()
    }

    fn close(&mut self, tag: &str, title: Option<&str>) {
        match title {
            Some(_) => {
                let _ = write!(self.body, ">{}</{tag}>", Canvas::title(title));
            }
            None => self.body.push_str("/>"),
        }
    }

    pub fn rect(
        &mut self,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        class: &'static str,
        title: Option<&str>,
    ) {
        let _ = write!(
            self.body,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"{class}\"",
            w.max(0.0),
            h.max(0.0)
        );
        self.close("rect", title);
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &'static str) {
        let _ = write!(
            self.body,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" class=\"{class}\"/>"
        );
    }

    pub fn path(&mut self, d: &PathData, class: &'static str, title: Option<&str>) {
        if d.is_empty() {
            return;
        }
        let _ = write!(self.body, "<path d=\"{}\" class=\"{class}\"", d.0);
        self.close("path", title);
    }

    /// A path ending in an arrow head.
    pub fn arrow(&mut self, d: &PathData, class: &'static str, head_class: &'static str) {
        if self.defs.is_empty() {
            let _ = write!(
                self.defs,
                "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"{head_class}\"/></marker></defs>"
            );
        }
        let _ = write!(
            self.body,
            "<path d=\"{}\" class=\"{class}\" marker-end=\"url(#arrow)\"/>",
            d.0
        );
    }

    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, class: &'static str) {
        let _ = write!(
            self.body,
            "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"{r:.1}\" class=\"{class}\"/>"
        );
    }

    pub fn ellipse(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, class: &'static str) {
        let _ = write!(
            self.body,
            "<ellipse cx=\"{cx:.1}\" cy=\"{cy:.1}\" rx=\"{rx:.1}\" ry=\"{ry:.1}\" class=\"{class}\"/>"
        );
    }

    pub fn text(&mut self, x: f64, y: f64, s: &str, anchor: Anchor, font: Font) {
        let weight = if font.bold {
            " font-weight=\"bold\""
        } else {
            ""
        };
        let _ = write!(
            self.body,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{}\" font-size=\"{}\"{weight} class=\"{}\">{}</text>",
            anchor.as_str(),
            font.size,
            font.class,
            escape::html(s)
        );
    }

    /// Coloured words on one line (a legend): each `(class, text)` in turn, then `rest`.
    pub fn legend(
        &mut self,
        x: f64,
        y: f64,
        parts: &[(&'static str, &str)],
        rest: &str,
        anchor: Anchor,
        size: f64,
    ) {
        let _ = write!(
            self.body,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{}\" font-size=\"{size}\" class=\"rc-text\">",
            anchor.as_str()
        );
        for (class, t) in parts {
            let _ = write!(
                self.body,
                "<tspan class=\"{class}\">{}</tspan> ",
                escape::html(t)
            );
        }
        let _ = write!(self.body, "{}</text>", escape::html(rest));
    }

    /// Starts a group (`</g>` with [`Canvas::end_group`]); `id` is escaped.
    pub fn group(&mut self, class: &'static str, id: Option<&str>) {
        let id = id
            .map(|i| format!(" id=\"{}\"", escape::html(i)))
            .unwrap_or_default();
        let _ = write!(self.body, "<g class=\"{class}\"{id}>");
    }

    pub fn end_group(&mut self) {
        self.body.push_str("</g>");
    }

    pub fn finish(self) -> Svg {
        self.finish_with(&palette::svg_style())
    }

    /// The drawing without its style sheet, for a page that serves [`palette::svg_css`] itself
    /// (a Content-Security-Policy without inline style blocks a `<style>` inside the SVG).
    pub fn finish_unstyled(self) -> Svg {
        self.finish_with("")
    }

    fn finish_with(self, style: &str) -> Svg {
        let (x, y, w, h) = self.view;
        Svg(format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{x} {y} {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\" font-family=\"{}\" font-size=\"12\">{}{}{}</svg>",
            escape::html(&self.label),
            escape::html(palette::FONT),
            style,
            self.defs,
            self.body
        ))
    }
}

/// One row of a row-per-item chart (bars, timelines): the label right-aligned before `left`,
/// a 14 px bar from `from` to `to` (at least 3 px wide) with its tooltip. Returns the row's top.
#[allow(clippy::too_many_arguments)]
pub(crate) fn bar_row(
    c: &mut Canvas,
    top: f64,
    left: f64,
    label: &str,
    (from, to): (f64, f64),
    class: &'static str,
    title: &str,
    size: f64,
) {
    c.text(
        left - 7.0,
        top + 12.5,
        label,
        Anchor::End,
        Font::plain(size),
    );
    c.rect(
        from,
        top + 2.5,
        (to - from).max(3.0),
        14.0,
        class,
        Some(title),
    );
}

/// A "nice" step (1, 2 or 5 times a power of ten) for about `n` ticks over `range`.
pub fn nice_step(range: f64, n: f64) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_colours_are_classes() {
        let mut c = Canvas::new(100.0, 50.0, "a \"label\"");
        c.text(
            1.0,
            2.0,
            "<script>x</script>\x1b[2J",
            Anchor::Start,
            Font::plain(11.0),
        );
        c.rect(0.0, 0.0, 10.0, 10.0, "rc-band", Some("<img onerror=x>"));
        let s = c.finish().into_string();
        assert!(!s.contains("<script") && !s.contains("<img") && !s.contains('\x1b'));
        assert!(s.contains("aria-label=\"a &quot;label&quot;\""));
        assert!(s.contains("prefers-color-scheme: dark"));
    }
}
