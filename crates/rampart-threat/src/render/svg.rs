//! The diagram as a standalone SVG: processes as circles, external entities as boxes, data stores
//! between two lines, flows as labelled arrows, border boundaries as dashed red clusters. An
//! imported drawing keeps its layout; otherwise elements are laid out in columns, one column per
//! innermost boundary, so each boundary's members sit together.

use super::diagram::{shape, tree, Shape};
use crate::dfd::{Boundary, Dfd, Rect};
use rampart_report::chart::{Anchor, Canvas, Font, PathData, Svg};
use std::collections::HashMap;

const W: f64 = 140.0;
const H: f64 = 70.0;
const GAP_X: f64 = 110.0;
const GAP_Y: f64 = 50.0;
const PAD: f64 = 24.0;

fn auto_layout(dfd: &Dfd) -> HashMap<String, Rect> {
    let t = tree(dfd);
    // Column key: the chain of boundaries from the outside in, so nested clusters are adjacent.
    let parent_of = |b: &str| -> Option<&str> {
        dfd.boundaries
            .iter()
            .find(|x| x.contains.iter().any(|m| m == b))
            .map(|x| x.id.as_str())
    };
    let mut columns: Vec<(Vec<String>, Vec<&str>)> = Vec::new();
    for e in &dfd.elements {
        let mut chain = Vec::new();
        let mut cur = t.home.get(e.id.as_str()).copied();
        let mut guard = 0;
        while let Some(b) = cur {
            chain.insert(0, b.to_string());
            cur = parent_of(b);
            guard += 1;
            if guard > dfd.boundaries.len() {
                break;
            }
        }
        match columns.iter_mut().find(|(k, _)| *k == chain) {
            Some((_, v)) => v.push(e.id.as_str()),
            None => columns.push((chain, vec![e.id.as_str()])),
        }
    }
    columns.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = HashMap::new();
    for (ci, (_, ids)) in columns.iter().enumerate() {
        for (ri, id) in ids.iter().enumerate() {
            out.insert(
                id.to_string(),
                Rect {
                    left: 60.0 + ci as f64 * (W + GAP_X),
                    top: 80.0 + ri as f64 * (H + GAP_Y),
                    width: W,
                    height: H,
                },
            );
        }
    }
    out
}

/// Element rectangles and boundary rectangles (with the boundary's name), as drawn.
pub(crate) fn positions(dfd: &Dfd) -> (HashMap<String, Rect>, Vec<(Rect, &Boundary)>) {
    let imported = !dfd.elements.is_empty() && dfd.elements.iter().all(|e| e.layout.is_some());
    let pos: HashMap<String, Rect> = if imported {
        dfd.elements
            .iter()
            .filter_map(|e| e.layout.map(|r| (e.id.clone(), r)))
            .collect()
    } else {
        auto_layout(dfd)
    };
    // Boundary rectangles: the drawing's own when imported, else around the members.
    let mut brects: Vec<(Rect, &Boundary)> = Vec::new();
    for b in &dfd.boundaries {
        let members = dfd.members(b);
        let rect = match (imported, b.layout) {
            (true, Some(r)) => Some(r),
            _ if members.is_empty() => None,
            _ => {
                let rs: Vec<&Rect> = members.iter().filter_map(|m| pos.get(*m)).collect();
                if rs.is_empty() {
                    None
                } else {
                    // Nested boundaries get a little more room than the ones inside them.
                    let depth_pad = PAD
                        * (1.0
                            + dfd
                                .boundaries
                                .iter()
                                .filter(|x| b.contains.contains(&x.id))
                                .count() as f64);
                    let l = rs.iter().map(|r| r.left).fold(f64::MAX, f64::min) - depth_pad;
                    let t = rs.iter().map(|r| r.top).fold(f64::MAX, f64::min) - depth_pad - 14.0;
                    let r_ =
                        rs.iter().map(|r| r.left + r.width).fold(f64::MIN, f64::max) + depth_pad;
                    let btm =
                        rs.iter().map(|r| r.top + r.height).fold(f64::MIN, f64::max) + depth_pad;
                    Some(Rect {
                        left: l,
                        top: t,
                        width: r_ - l,
                        height: btm - t,
                    })
                }
            }
        };
        if let Some(r) = rect {
            brects.push((r, b));
        }
    }
    (pos, brects)
}

/// The diagram on the shared canvas: the layout is the diagram's, the look is rampart's.
pub fn render(dfd: &Dfd) -> Svg {
    let (pos, brects) = positions(dfd);
    let mut maxx: f64 = 200.0;
    let mut maxy: f64 = 120.0;
    let mut minx: f64 = 0.0;
    let mut miny: f64 = 0.0;
    for r in pos.values().chain(brects.iter().map(|(r, _)| r)) {
        maxx = maxx.max(r.left + r.width + 40.0);
        maxy = maxy.max(r.top + r.height + 40.0);
        minx = minx.min(r.left - 20.0);
        miny = miny.min(r.top - 20.0);
    }
    let lines: Vec<String> = dfd
        .boundaries
        .iter()
        .filter(|b| !b.crossed_by.is_empty())
        .map(|b| format!("{} (crossed by {})", b.name, b.crossed_by.join(", ")))
        .collect();
    let extra = if lines.is_empty() {
        0.0
    } else {
        20.0 * (lines.len() as f64 + 1.0)
    };
    let mut c = Canvas::with_view(
        minx,
        miny,
        maxx - minx,
        maxy - miny + extra,
        "data-flow diagram",
    );
    let label = Font::plain(12.0);
    for (r, b) in &brects {
        c.group("boundary", None);
        c.rect(r.left, r.top, r.width, r.height, "rc-boundary", None);
        c.text(
            r.left + 6.0,
            r.top + 14.0,
            &b.name,
            Anchor::Start,
            label.class("rc-boundary-text"),
        );
        c.end_group();
    }
    let centre = |r: &Rect| (r.left + r.width / 2.0, r.top + r.height / 2.0);
    // Flows: a pair of opposite flows bends apart so both stay readable.
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for f in &dfd.flows {
        let (Some(a), Some(b)) = (pos.get(&f.source), pos.get(&f.target)) else {
            continue;
        };
        let key = if f.source < f.target {
            (f.source.clone(), f.target.clone())
        } else {
            (f.target.clone(), f.source.clone())
        };
        let n = seen.entry(key).or_insert(0);
        let bend = 24.0 * (*n as f64 + 1.0) * if f.source < f.target { 1.0 } else { -1.0 };
        *n += 1;
        let (x1, y1) = centre(a);
        let (x2, y2) = centre(b);
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        // Start and end at the edge of the shapes, not their centres.
        let (sx, sy) = (
            x1 + dx / len * a.width.min(a.height) / 2.0,
            y1 + dy / len * a.width.min(a.height) / 2.0,
        );
        let (ex, ey) = (
            x2 - dx / len * b.width.min(b.height) / 2.0,
            y2 - dy / len * b.width.min(b.height) / 2.0,
        );
        let (mx, my) = (
            (sx + ex) / 2.0 - dy / len * bend,
            (sy + ey) / 2.0 + dx / len * bend,
        );
        c.group("flow", None);
        let mut d = PathData::new();
        d.move_to(sx, sy).quad_to(mx, my, ex, ey);
        c.arrow(&d, "rc-flow", "rc-arrow");
        c.text(
            (sx + 2.0 * mx + ex) / 4.0,
            (sy + 2.0 * my + ey) / 4.0 - 4.0,
            &f.name,
            Anchor::Middle,
            label.class("rc-flow-text"),
        );
        c.end_group();
    }
    for e in &dfd.elements {
        let Some(r) = pos.get(&e.id) else { continue };
        let (cx, cy) = centre(r);
        c.group("element", Some(&e.id));
        match shape(&e.kind) {
            Shape::Process => c.ellipse(cx, cy, r.width / 2.0, r.height / 2.0, "rc-node"),
            Shape::External => c.rect(r.left, r.top, r.width, r.height, "rc-node", None),
            Shape::Store => {
                let (top, bottom) = (r.top + r.height * 0.25, r.top + r.height * 0.75);
                c.rect(r.left, top, r.width, r.height * 0.5, "rc-store", None);
                c.line(r.left, top, r.left + r.width, top, "rc-store-line");
                c.line(r.left, bottom, r.left + r.width, bottom, "rc-store-line");
            }
        }
        c.text(cx, cy + 4.0, &e.name, Anchor::Middle, label);
        c.end_group();
    }
    for (i, l) in lines.iter().enumerate() {
        c.text(
            minx + 10.0,
            maxy - miny + 20.0 * (i as f64 + 1.0) + miny,
            &format!("Line boundary: {l}"),
            Anchor::Start,
            label.class("rc-boundary-text"),
        );
    }
    c.finish()
}
