//! The diagram as Graphviz DOT and as Mermaid, boundaries as clusters (subgraphs).

use crate::dfd::{Boundary, Dfd};
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

/// What each element looks like, from its kind's generic family.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Process,
    External,
    Store,
}

pub(crate) fn shape(kind: &str) -> Shape {
    let kb = crate::kb::KnowledgeBase::builtin();
    shape_in(&kb, kind)
}

pub(crate) fn shape_in(kb: &crate::kb::KnowledgeBase, kind: &str) -> Shape {
    use crate::kb::Family;
    let fam = kb.type_index(kind).and_then(|t| kb.family(t));
    match fam {
        Some(Family::Process) => Shape::Process,
        Some(Family::DataStore) => Shape::Store,
        Some(_) => Shape::External,
        // Kinds from another template: guess from the id's generic prefix.
        None if kind.contains(".P.") || kind == "GE.P" => Shape::Process,
        None if kind.contains(".DS.") || kind == "GE.DS" => Shape::Store,
        None => Shape::External,
    }
}

/// Boundary nesting: for each boundary, the boundaries it directly contains, and the top-level
/// ones. Each element is placed in the first boundary that lists it directly.
pub(crate) struct Tree<'a> {
    pub top: Vec<&'a Boundary>,
    pub children: HashMap<&'a str, Vec<&'a Boundary>>,
    pub home: HashMap<&'a str, &'a str>,
}

pub(crate) fn tree(dfd: &Dfd) -> Tree<'_> {
    let ids: HashSet<&str> = dfd.boundaries.iter().map(|b| b.id.as_str()).collect();
    let mut parent: HashMap<&str, &str> = HashMap::new();
    let mut home: HashMap<&str, &str> = HashMap::new();
    for b in &dfd.boundaries {
        for m in &b.contains {
            if ids.contains(m.as_str()) {
                parent.entry(m.as_str()).or_insert(b.id.as_str());
            } else {
                home.entry(m.as_str()).or_insert(b.id.as_str());
            }
        }
    }
    let mut children: HashMap<&str, Vec<&Boundary>> = HashMap::new();
    let mut top = Vec::new();
    for b in &dfd.boundaries {
        match parent.get(b.id.as_str()) {
            Some(p) => children.entry(p).or_default().push(b),
            None => top.push(b),
        }
    }
    Tree {
        top,
        children,
        home,
    }
}

fn dot_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Short node names (`n0`, `n1`, …) for the elements, for formats with restricted identifiers.
fn node_ids(dfd: &Dfd) -> HashMap<&str, String> {
    dfd.elements
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), format!("n{i}")))
        .collect()
}

pub fn dot(dfd: &Dfd) -> String {
    let t = tree(dfd);
    let node = node_ids(dfd);
    let mut s = String::from("digraph dfd {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
    let mut bcount = 0usize;
    fn emit(
        s: &mut String,
        b: &Boundary,
        t: &Tree<'_>,
        dfd: &Dfd,
        node: &HashMap<&str, String>,
        depth: usize,
        bcount: &mut usize,
    ) {
        let pad = "  ".repeat(depth);
        let _ = writeln!(s, "{pad}subgraph cluster_{} {{", *bcount);
        *bcount += 1;
        let _ = writeln!(
            s,
            "{pad}  label={}; style=dashed; color=red; fontcolor=red;",
            dot_str(&b.name)
        );
        for e in &dfd.elements {
            if t.home.get(e.id.as_str()) == Some(&b.id.as_str()) {
                let _ = writeln!(s, "{pad}  {};", node[e.id.as_str()]);
            }
        }
        if let Some(kids) = t.children.get(b.id.as_str()) {
            for k in kids {
                emit(s, k, t, dfd, node, depth + 1, bcount);
            }
        }
        let _ = writeln!(s, "{pad}}}");
    }
    for e in &dfd.elements {
        let shp = match shape(&e.kind) {
            Shape::Process => "ellipse",
            Shape::External => "box",
            Shape::Store => "cylinder",
        };
        let _ = writeln!(
            s,
            "  {} [label={}, shape={shp}];",
            node[e.id.as_str()],
            dot_str(&e.name)
        );
    }
    for b in &t.top {
        emit(&mut s, b, &t, dfd, &node, 1, &mut bcount);
    }
    for f in &dfd.flows {
        if let (Some(a), Some(b)) = (node.get(f.source.as_str()), node.get(f.target.as_str())) {
            let _ = writeln!(s, "  {a} -> {b} [label={}];", dot_str(&f.name));
        }
    }
    let lines: Vec<&Boundary> = dfd
        .boundaries
        .iter()
        .filter(|b| !b.crossed_by.is_empty())
        .collect();
    for b in lines {
        let _ = writeln!(
            s,
            "  // line boundary {} is crossed by: {}",
            b.name.replace('\n', " "),
            b.crossed_by.join(", ")
        );
    }
    s.push_str("}\n");
    s
}

fn mm_label(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "#quot;"))
}

pub fn mermaid(dfd: &Dfd) -> String {
    let t = tree(dfd);
    let node = node_ids(dfd);
    let mut s = String::from("flowchart LR\n");
    let decl = |e: &crate::dfd::Element| {
        let id = &node[e.id.as_str()];
        match shape(&e.kind) {
            Shape::Process => format!("{id}(({}))", mm_label(&e.name)),
            Shape::External => format!("{id}[{}]", mm_label(&e.name)),
            Shape::Store => format!("{id}[({})]", mm_label(&e.name)),
        }
    };
    fn emit(
        s: &mut String,
        b: &Boundary,
        t: &Tree<'_>,
        dfd: &Dfd,
        decl: &dyn Fn(&crate::dfd::Element) -> String,
        depth: usize,
        n: &mut usize,
    ) {
        let pad = "  ".repeat(depth);
        let _ = writeln!(s, "{pad}subgraph b{} [{}]", *n, mm_label(&b.name));
        *n += 1;
        for e in &dfd.elements {
            if t.home.get(e.id.as_str()) == Some(&b.id.as_str()) {
                let _ = writeln!(s, "{pad}  {}", decl(e));
            }
        }
        if let Some(kids) = t.children.get(b.id.as_str()) {
            for k in kids {
                emit(s, k, t, dfd, decl, depth + 1, n);
            }
        }
        let _ = writeln!(s, "{pad}end");
    }
    for e in &dfd.elements {
        if !t.home.contains_key(e.id.as_str()) {
            let _ = writeln!(s, "  {}", decl(e));
        }
    }
    let mut n = 0;
    for b in &t.top {
        emit(&mut s, b, &t, dfd, &decl, 1, &mut n);
    }
    for f in &dfd.flows {
        if let (Some(a), Some(b)) = (node.get(f.source.as_str()), node.get(f.target.as_str())) {
            let _ = writeln!(s, "  {a} -->|{}| {b}", mm_label(&f.name));
        }
    }
    for i in 0..n {
        let _ = writeln!(s, "  style b{i} stroke:#c00,stroke-dasharray: 5 5");
    }
    s
}
