//! Reading a Threat Dragon document (v2, or v1 converted to v2 cells): the diagrams, the
//! threats rampart exported (back into the triage), and Threat Dragon's own threats (into the
//! model, with their state in the triage).

use super::threats::{threat_titles, Threats};
use super::{list, s, v1};
use crate::dfd::{Boundary, Dfd, Element, Flow, Meta, Rect};
use crate::error::{Located, ThreatError};
use crate::kb::{slug, KnowledgeBase};
pub use crate::project::ImportOptions;
use crate::triage::Triage;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

type Polyline = Vec<(f64, f64)>;

/// What an import read, and what it had to say about it.
#[derive(Debug, Clone, Default)]
pub struct DragonImport {
    pub dfd: Dfd,
    pub triage: Triage,
    /// Things read but mapped with a rule or left out: unknown statuses and severities,
    /// flows dropped. Each names the file and what it concerns.
    pub warnings: Vec<String>,
}

pub fn load_dragon(path: &Path, kb: &KnowledgeBase) -> Result<(Dfd, Triage), ThreatError> {
    let text = crate::error::read(path)?;
    parse_dragon(&text, path, kb)
}

/// Reads a Threat Dragon document with the default options (warnings dropped; see
/// [`parse_dragon_with`] to get them).
pub fn parse_dragon(
    text: &str,
    origin: &Path,
    kb: &KnowledgeBase,
) -> Result<(Dfd, Triage), ThreatError> {
    parse_dragon_with(text, origin, kb, ImportOptions::default()).map(|i| (i.dfd, i.triage))
}

/// A flow's label: Threat Dragon v2 writes label objects (`attrs.labelText.text`), older
/// exports plain strings.
fn label(c: &Value) -> String {
    let l = &c["labels"][0];
    [
        &l["attrs"]["labelText"]["text"],
        &l["attrs"]["text"]["text"],
        &l["attrs"]["label"]["text"],
        l,
    ]
    .into_iter()
    .find_map(|v| v.as_str().filter(|t| !t.is_empty()))
    .unwrap_or("")
    .to_string()
}

/// Reads a Threat Dragon v2 or v1 document.
pub fn parse_dragon_with(
    text: &str,
    origin: &Path,
    kb: &KnowledgeBase,
    opts: ImportOptions,
) -> Result<DragonImport, ThreatError> {
    let file = origin.display().to_string();
    let err = |m: String| ThreatError::Dragon {
        file: origin.to_path_buf(),
        message: m,
    };
    let v: Value = serde_json::from_str(text).map_err(|e| {
        // serde_json bounds nesting (128 levels) itself, so a deep document is an error here too.
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        ThreatError::Invalid(vec![Located {
            file: origin.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: format!("not valid JSON: {message}"),
        }])
    })?;
    // In v1 an attached flow end names its cell by `id`, in v2 by `cell`: errors are located by
    // the key the file uses.
    let legacy = v1::is_v1(&v);
    let end_key = if legacy { "id" } else { "cell" };
    let v = if legacy { v1::to_v2(v) } else { v };
    let mut problems: Vec<Located> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let at = |key: &str, value: &str, nth: usize, message: String| {
        let (line, column) = json_place(text, key, value, nth)
            .map(|o| crate::toml_pos::line_col(text, o))
            .unwrap_or((0, 0));
        Located {
            file: origin.to_path_buf(),
            line,
            column,
            message,
        }
    };
    // Cell id → how many times it was seen so far (to locate the second of a duplicate).
    let mut seen_cells: HashMap<String, usize> = HashMap::new();
    let diagrams = v["detail"]["diagrams"].as_array().ok_or_else(|| {
        err("no detail.diagrams array; expected a Threat Dragon v2 model (detail.diagrams[].cells) \
             or a v1 model (detail.diagrams[].diagramJson.cells)"
            .into())
    })?;
    let mut dfd = Dfd {
        meta: Meta {
            name: s(&v["summary"]["title"]),
            owner: s(&v["summary"]["owner"]),
            description: s(&v["summary"]["description"]),
            reviewer: s(&v["detail"]["reviewer"]),
            contributors: v["detail"]["contributors"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|c| s(&c["name"]))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            ..Meta::default()
        },
        ..Dfd::default()
    };
    let mut used = HashSet::new();
    let mut unique = |base: String| {
        let base = if base.is_empty() {
            "item".to_string()
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 2;
        while !used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    };
    let attrs_of = |x: &Value| -> BTreeMap<String, String> {
        x.as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), s(v))).collect())
            .unwrap_or_default()
    };
    // Cell id → rampart id of the elements; rampart id → diagram index of elements and flows.
    let mut cell_to_id: HashMap<String, String> = HashMap::new();
    let mut diagram_of: HashMap<String, usize> = HashMap::new();
    let mut boxes: Vec<(usize, Rect, usize)> = Vec::new();
    // (boundary index, points of the curve, diagram index)
    let mut curves: Vec<(usize, Polyline, usize)> = Vec::new();
    let mut threats = Threats::new(&file);
    let mut flow_cells = Vec::new();
    for (n, d) in diagrams.iter().enumerate() {
        // A diagram without cells is empty; cells of another type would silently drop a model.
        let cells = match &d["cells"] {
            Value::Null => None,
            Value::Array(a) => Some(a),
            other => {
                let found = match other {
                    Value::Object(_) => "an object",
                    Value::String(_) => "a string",
                    Value::Number(_) => "a number",
                    _ => "a boolean",
                };
                let (line, column) = text
                    .find("\"cells\"")
                    .map(|o| crate::toml_pos::line_col(text, o))
                    .unwrap_or((0, 0));
                return Err(err(format!(
                    "{line}:{column}: detail.diagrams[{n}].cells is {found}; expected an array of cells"
                )));
            }
        };
        for c in cells.into_iter().flatten() {
            let data = &c["data"];
            let shape = c["shape"].as_str().unwrap_or("");
            let ty = data["type"].as_str().unwrap_or("");
            let rp = &data["rampart"];
            // Boxes may be named only in their label, flows and curves in their label object.
            let name = [s(&data["name"]), s(&c["attrs"]["label"]["text"]), label(c)]
                .into_iter()
                .find(|n| !n.is_empty())
                .unwrap_or_default();
            let id = match rp["id"].as_str() {
                Some(i) => unique(i.to_string()),
                None => unique(slug(&name)),
            };
            let rect = Rect {
                left: c["position"]["x"].as_f64().unwrap_or(0.0),
                top: c["position"]["y"].as_f64().unwrap_or(0.0),
                width: c["size"]["width"].as_f64().unwrap_or(0.0),
                height: c["size"]["height"].as_f64().unwrap_or(0.0),
            };
            let cid = s(&c["id"]);
            if !cid.is_empty() {
                let n = seen_cells.entry(cid.clone()).or_insert(0);
                *n += 1;
                if *n == 2 {
                    problems.push(at(
                        "id",
                        &cid,
                        1,
                        format!("duplicate cell id {cid:?}; expected every cell to have its own (flows would be rewired)"),
                    ));
                }
            }
            let yes = |k: &str| data[k].as_bool().unwrap_or(false);
            match (shape, ty) {
                ("actor" | "process" | "store", _)
                | (_, "tm.Actor" | "tm.Process" | "tm.Store") => {
                    let is = |a: &str, b: &str| shape == a || ty == b;
                    let mut attributes = attrs_of(&rp["attributes"]);
                    let kind = match rp["kind"].as_str() {
                        Some(k) => k.to_string(),
                        None if is("process", "tm.Process") && yes("isWebApplication") => {
                            "SE.P.TMCore.WebApp".into()
                        }
                        None if is("process", "tm.Process") => "GE.P".into(),
                        None if is("store", "tm.Store") => {
                            for (flag, attr) in [
                                ("isALog", "storesLogData"),
                                ("storesCredentials", "storesCredentials"),
                                ("isEncrypted", "Encrypted"),
                                ("isSigned", "Signed"),
                            ] {
                                if yes(flag) {
                                    attributes.insert(attr.into(), "Yes".into());
                                }
                            }
                            "GE.DS".into()
                        }
                        None => "GE.EI".into(),
                    };
                    threats.collect(data, &cid, &id, &name);
                    cell_to_id.insert(cid, id.clone());
                    diagram_of.insert(id.clone(), n);
                    dfd.elements.push(Element {
                        id,
                        name,
                        kind,
                        attributes,
                        out_of_scope: yes("outOfScope"),
                        reason_out_of_scope: s(&data["reasonOutOfScope"]),
                        description: s(&data["description"]),
                        tmt_guid: None,
                        layout: Some(rect),
                    });
                }
                ("flow", _) | (_, "tm.Flow") => {
                    flow_cells.push((c, id, name, n));
                }
                ("trust-boundary-box", _) | (_, "tm.BoundaryBox") => {
                    threats.collect(data, &cid, &id, &name);
                    let b = boundary(rp, id, name, rp["kind"].as_str().unwrap_or("GE.TB.B"));
                    if rp.is_null() {
                        boxes.push((dfd.boundaries.len(), rect, n));
                    }
                    dfd.boundaries.push(Boundary {
                        layout: Some(rect),
                        ..b
                    });
                }
                ("trust-boundary-curve", _) | (_, "tm.Boundary") => {
                    threats.collect(data, &cid, &id, &name);
                    let mut b = boundary(rp, id, name, rp["kind"].as_str().unwrap_or("GE.TB.L"));
                    let point = |p: &Value| {
                        (
                            p["x"].as_f64().unwrap_or(0.0),
                            p["y"].as_f64().unwrap_or(0.0),
                        )
                    };
                    let (a, z) = (point(&c["source"]), point(&c["target"]));
                    b.line = Some([a, z]);
                    if rp.is_null() {
                        let mut pts = vec![a];
                        pts.extend(c["vertices"].as_array().into_iter().flatten().map(point));
                        pts.push(z);
                        curves.push((dfd.boundaries.len(), pts, n));
                    }
                    dfd.boundaries.push(b);
                }
                _ => {}
            }
        }
    }
    for (c, id, fname, n) in flow_cells {
        let data = &c["data"];
        let rp = &data["rampart"];
        let what = format!("flow {:?} ({fname:?})", s(&c["id"]));
        // An end drawn loose (a point, no `cell`) is a flow Threat Dragon itself leaves
        // unattached; an end naming a cell that is not an element is a broken file. Either is
        // refused when the flow carries threats (they would be lost), unless the user asked to
        // skip such flows.
        let mut broken = Vec::new();
        let mut loose = false;
        for end in ["source", "target"] {
            match c[end]["cell"].as_str() {
                None => loose = true,
                Some(cell) if !cell_to_id.contains_key(cell) => broken.push((end, cell)),
                Some(_) => {}
            }
        }
        let carried = data["threats"].as_array().map_or(0, Vec::len);
        if !broken.is_empty() || loose {
            let lost = threat_titles(data);
            if opts.skip_dangling {
                warnings.push(format!(
                    "{file}: {what} is not attached to an element at both ends; dropped{}",
                    if lost.is_empty() {
                        String::new()
                    } else {
                        format!(" with its threats: {}", lost.join("; "))
                    }
                ));
                continue;
            }
            const HINT: &str =
                "`rampart threats import --skip-dangling` drops such flows with a warning";
            for (end, cell) in broken {
                problems.push(at(
                    end_key,
                    cell,
                    0,
                    format!("{what}: its {end} cell {cell:?} is not an actor, process or store of the diagram ({HINT})"),
                ));
            }
            if loose && carried > 0 {
                problems.push(at(
                    "id",
                    &s(&c["id"]),
                    0,
                    format!("{what} is not attached at both ends but carries {carried} threat(s), which would be lost ({HINT})"),
                ));
            } else if loose {
                warnings.push(format!(
                    "{file}: {what} is not attached at both ends; left out (it generates nothing)"
                ));
            }
            continue;
        }
        let src = &cell_to_id[s(&c["source"]["cell"]).as_str()];
        let dst = &cell_to_id[s(&c["target"]["cell"]).as_str()];
        let mut attributes = attrs_of(&rp["attributes"]);
        let protocol = s(&data["protocol"]);
        let upper = protocol.trim().to_ascii_uppercase();
        let kind = match rp["kind"].as_str() {
            Some(k) => k.to_string(),
            None if upper.contains("HTTPS") => "SE.DF.TMCore.HTTPS".into(),
            None if upper == "HTTP" => "SE.DF.TMCore.HTTP".into(),
            None => {
                if data["isEncrypted"].as_bool().unwrap_or(false) {
                    attributes.insert("providesConfidentiality".into(), "Yes".into());
                    attributes.insert("providesIntegrity".into(), "Yes".into());
                }
                "GE.DF".into()
            }
        };
        // The protocol text is kept only when the kind does not say it (export writes `HTTPS`
        // and `HTTP` from the kind).
        let is = |id: &str| {
            kb.type_index(&kind)
                .zip(kb.type_index(id))
                .is_some_and(|(a, b)| kb.is_a(a, b))
        };
        let expressed = (upper == "HTTPS" && is("SE.DF.TMCore.HTTPS"))
            || (upper == "HTTP" && is("SE.DF.TMCore.HTTP"));
        threats.collect(data, &s(&c["id"]), &id, &fname);
        diagram_of.insert(id.clone(), n);
        dfd.flows.push(Flow {
            id,
            name: fname,
            source: src.clone(),
            target: dst.clone(),
            kind,
            attributes,
            out_of_scope: data["outOfScope"].as_bool().unwrap_or(false),
            reason_out_of_scope: s(&data["reasonOutOfScope"]),
            description: s(&data["description"]),
            bidirectional: data["isBidirectional"].as_bool().unwrap_or(false),
            protocol: if expressed { String::new() } else { protocol },
            tmt_guid: None,
        });
    }
    // Threat Dragon's own boxes: membership from the drawing (element centre inside), each
    // box over the elements of its own diagram only.
    crate::dfd::members_by_centre(&mut dfd, &boxes, &diagram_of);
    // Its curves: crossed by the flows of their diagram whose straight line between centres
    // meets them.
    for (bi, pts, n) in curves {
        for f in &dfd.flows {
            if diagram_of.get(&f.id) != Some(&n) {
                continue;
            }
            let c = |id: &str| dfd.element(id).and_then(|e| e.layout).map(|r| r.centre());
            if let (Some(a), Some(b)) = (c(&f.source), c(&f.target)) {
                if pts
                    .windows(2)
                    .any(|w| crate::tm7::segments_cross(a, b, w[0], w[1]))
                {
                    dfd.boundaries[bi].crossed_by.push(f.id.clone());
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(ThreatError::Invalid(problems));
    }
    dfd.threats = threats.model;
    warnings.extend(threats.warnings);
    Ok(DragonImport {
        dfd,
        triage: Triage {
            entries: threats.triage,
        },
        warnings,
    })
}

/// Byte offset of the `nth` (0-based) `"key": "value"` pair in JSON text. serde_json's `Value`
/// keeps no positions, so problems found in it are located by searching for the pair they name.
fn json_place(text: &str, key: &str, value: &str, nth: usize) -> Option<usize> {
    let quoted_key = serde_json::to_string(key).ok()?;
    let quoted_value = serde_json::to_string(value).ok()?;
    text.match_indices(&quoted_key)
        .filter_map(|(i, _)| {
            let rest = text[i + quoted_key.len()..].trim_start();
            let rest = rest.strip_prefix(':')?.trim_start();
            rest.starts_with(&quoted_value).then_some(i)
        })
        .nth(nth)
}

fn boundary(rp: &Value, id: String, name: String, kind: &str) -> Boundary {
    Boundary {
        id,
        name,
        kind: kind.to_string(),
        contains: list(&rp["contains"]),
        crossed_by: list(&rp["crossed_by"]),
        ..Boundary::default()
    }
}
