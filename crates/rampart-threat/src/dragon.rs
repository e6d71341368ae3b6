//! OWASP Threat Dragon v2 JSON: export of the diagram with its threats (each on its flow), and
//! import back. rampart keeps what Threat Dragon has no field for (stable ids, TMT kinds and
//! attributes, boundary membership) in an extra `rampart` object inside each cell's `data`, so a
//! round trip is lossless; files made by Threat Dragon itself are mapped from its own flags.

use crate::dfd::{Boundary, Dfd, Element, Flow, Meta, Rect};
use crate::error::{Located, ThreatError};
use crate::kb::{slug, KnowledgeBase};
use crate::threat::{Priority, State, Threat};
use crate::triage::{Triage, TriageEntry};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

const VERSION: &str = "2.2.0";

fn td_type(letter: &str) -> &'static str {
    match letter {
        "S" => "Spoofing",
        "T" => "Tampering",
        "R" => "Repudiation",
        "I" => "Information disclosure",
        "D" => "Denial of service",
        "E" => "Elevation of privilege",
        _ => "Abuse",
    }
}

fn td_status(s: State) -> &'static str {
    match s {
        State::Mitigated => "Mitigated",
        State::NotApplicable => "NA",
        State::NotStarted | State::NeedsInvestigation => "Open",
    }
}

/// The model and its threats as a Threat Dragon v2 document.
pub fn export(dfd: &Dfd, threats: &[Threat], kb: &KnowledgeBase) -> Value {
    let (pos, brects) = crate::render::svg::positions(dfd);
    let cell_id = |id: &str| {
        if id.len() >= 2 {
            id.to_string()
        } else {
            format!("{id}-cell")
        }
    };
    let mut cells = Vec::new();
    let mut z = 1;
    for (r, b) in &brects {
        cells.push(json!({
            "position": {"x": r.left, "y": r.top},
            "size": {"width": r.width, "height": r.height},
            "attrs": {"label": {"text": b.name}},
            "shape": "trust-boundary-box",
            "zIndex": -1,
            "id": cell_id(&b.id),
            "data": {"type": "tm.BoundaryBox", "name": b.name, "description": "", "isTrustBoundary": true, "hasOpenThreats": false,
                     "rampart": {"id": b.id, "kind": b.kind, "contains": b.contains, "crossed_by": b.crossed_by}},
        }));
    }
    // Line boundaries have no geometry in a text model; they travel in the rampart extension of
    // a zero-length curve so an import gets them back.
    for b in dfd
        .boundaries
        .iter()
        .filter(|b| !brects.iter().any(|(_, x)| x.id == b.id))
    {
        cells.push(json!({
            "shape": "trust-boundary-curve",
            "id": cell_id(&b.id),
            "zIndex": z,
            "source": {"x": 0, "y": 0},
            "target": {"x": 0, "y": 0},
            "data": {"type": "tm.Boundary", "name": b.name, "description": "", "isTrustBoundary": true, "hasOpenThreats": false,
                     "rampart": {"id": b.id, "kind": b.kind, "contains": b.contains, "crossed_by": b.crossed_by}},
        }));
        z += 1;
    }
    let open_on =
        |pred: &dyn Fn(&Threat) -> bool| threats.iter().any(|t| pred(t) && t.state.is_open());
    for e in &dfd.elements {
        let r = pos.get(&e.id).copied().unwrap_or_default();
        let fam = kb.type_index(&e.kind).and_then(|t| kb.family(t));
        let (shape, ty) = match fam {
            Some(crate::kb::Family::Process) => ("process", "tm.Process"),
            Some(crate::kb::Family::DataStore) => ("store", "tm.Store"),
            _ => ("actor", "tm.Actor"),
        };
        let yes = |k: &str| e.attributes.get(k).map(|v| v == "Yes").unwrap_or(false);
        let mut data = json!({
            "type": ty, "name": e.name, "description": "", "outOfScope": e.out_of_scope, "reasonOutOfScope": "",
            "hasOpenThreats": open_on(&|t: &Threat| t.target_id == e.id), "threats": [],
            "rampart": {"id": e.id, "kind": e.kind, "attributes": e.attributes},
        });
        match shape {
            "process" => {
                data["isWebApplication"] = json!(kb
                    .type_index(&e.kind)
                    .zip(kb.type_index("SE.P.TMCore.WebApp"))
                    .is_some_and(|(a, b)| kb.is_a(a, b)));
                data["privilegeLevel"] =
                    json!(e.attributes.get("runningAs").cloned().unwrap_or_default());
                data["handlesCardPayment"] = json!(false);
                data["handlesGoodsOrServices"] = json!(false);
            }
            "store" => {
                data["isALog"] = json!(yes("storesLogData"));
                data["storesCredentials"] = json!(yes("storesCredentials"));
                data["isEncrypted"] = json!(yes("Encrypted"));
                data["isSigned"] = json!(yes("Signed"));
                data["storesInventory"] = json!(false);
            }
            _ => {
                data["providesAuthentication"] = json!(yes("authenticatesItself"));
            }
        }
        cells.push(json!({
            "position": {"x": r.left, "y": r.top},
            "size": {"width": r.width.max(10.0), "height": r.height.max(10.0)},
            "attrs": {"text": {"text": e.name}, "body": {"stroke": "#333333", "strokeWidth": 1.5, "strokeDasharray": null}},
            "visible": true,
            "shape": shape,
            "zIndex": z,
            "id": cell_id(&e.id),
            "data": data,
        }));
        z += 1;
    }
    let mut number = 0;
    for f in &dfd.flows {
        let ft: Vec<Value> = threats
            .iter()
            .filter(|t| t.flow_id == f.id)
            .map(|t| {
                number += 1;
                json!({
                    "threatId": t.id, "title": t.title, "status": td_status(t.state), "severity": t.priority.as_str(),
                    "type": td_type(&t.category_id), "description": t.description, "mitigation": t.justification,
                    "modelType": "STRIDE", "number": number, "score": "",
                    "rampart": {"rule": t.rule, "state": t.state, "owner": t.owner, "groups": t.groups, "checks": t.checks, "stored_title": t.stored_title},
                })
            })
            .collect();
        let k = kb.type_index(&f.kind);
        let is = |id: &str| k.zip(kb.type_index(id)).is_some_and(|(a, b)| kb.is_a(a, b));
        let enc = f
            .attributes
            .get("providesConfidentiality")
            .map(|v| v == "Yes")
            .unwrap_or(false)
            || is("SE.DF.TMCore.HTTPS")
            || is("SE.DF.TMCore.IPsec");
        let protocol = if is("SE.DF.TMCore.HTTPS") {
            "HTTPS"
        } else if is("SE.DF.TMCore.HTTP") {
            "HTTP"
        } else {
            ""
        };
        cells.push(json!({
            "shape": "flow",
            "attrs": {"line": {"stroke": "#333333", "strokeWidth": 1.5, "targetMarker": {"name": "block"}, "sourceMarker": {"name": ""}, "strokeDasharray": null}},
            "width": 200, "height": 100, "zIndex": z, "connector": "smooth",
            "labels": [f.name],
            "id": cell_id(&f.id),
            "source": {"cell": cell_id(&f.source)},
            "target": {"cell": cell_id(&f.target)},
            "data": {"type": "tm.Flow", "name": f.name, "description": "", "outOfScope": f.out_of_scope, "reasonOutOfScope": "",
                     "protocol": protocol, "isEncrypted": enc, "isPublicNetwork": false, "isBidirectional": false,
                     "hasOpenThreats": ft.iter().any(|t| t["status"] == "Open"), "threats": ft,
                     "rampart": {"id": f.id, "kind": f.kind, "attributes": f.attributes}},
        }));
        z += 1;
    }
    let m = &dfd.meta;
    let contributors: Vec<Value> = m
        .contributors
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|n| json!({"name": n}))
        .collect();
    json!({
        "version": VERSION,
        "summary": {"title": if m.name.is_empty() { "Threat model" } else { &m.name }, "owner": m.owner, "description": m.description, "id": 0},
        "detail": {
            "contributors": contributors,
            "diagrams": [{"id": 0, "title": "Main diagram", "diagramType": "STRIDE", "placeholder": "", "thumbnail": "./public/content/images/thumbnail.stride.jpg", "version": VERSION, "cells": cells}],
            "diagramTop": 1, "reviewer": m.reviewer, "threatTop": number,
        }
    })
}

pub fn load_dragon(path: &Path, kb: &KnowledgeBase) -> Result<(Dfd, Triage), ThreatError> {
    let text = crate::error::read(path)?;
    parse_dragon(&text, path, kb)
}

/// Reads a Threat Dragon v2 document: the diagram, and the threats it carries as a triage (matched
/// to generated threats by `threatId`).
pub fn parse_dragon(
    text: &str,
    origin: &Path,
    kb: &KnowledgeBase,
) -> Result<(Dfd, Triage), ThreatError> {
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
    let mut problems: Vec<Located> = Vec::new();
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
    let diagrams = v["detail"]["diagrams"]
        .as_array()
        .ok_or_else(|| err("no detail.diagrams array; expected a Threat Dragon v2 model".into()))?;
    let s = |x: &Value| x.as_str().unwrap_or("").to_string();
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
    let mut cell_to_id: HashMap<String, String> = HashMap::new();
    let mut boxes: Vec<(usize, Rect)> = Vec::new();
    let mut curves: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
    let mut entries = Vec::new();
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
            let name = s(&data["name"]);
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
                    cell_to_id.insert(cid, id.clone());
                    dfd.elements.push(Element {
                        id,
                        name,
                        kind,
                        attributes,
                        out_of_scope: yes("outOfScope"),
                        tmt_guid: None,
                        layout: Some(rect),
                    });
                    collect_threats(data, &mut entries);
                }
                ("flow", _) | (_, "tm.Flow") => {
                    flow_cells.push((c.clone(), id));
                }
                ("trust-boundary-box", _) | (_, "tm.BoundaryBox") => {
                    let b = boundary(rp, id, name, rp["kind"].as_str().unwrap_or("GE.TB.B"));
                    if rp.is_null() {
                        boxes.push((dfd.boundaries.len(), rect));
                    }
                    dfd.boundaries.push(Boundary {
                        layout: Some(rect),
                        ..b
                    });
                }
                ("trust-boundary-curve", _) | (_, "tm.Boundary") => {
                    let b = boundary(rp, id, name, rp["kind"].as_str().unwrap_or("GE.TB.L"));
                    if rp.is_null() {
                        let mut pts = vec![(
                            c["source"]["x"].as_f64().unwrap_or(0.0),
                            c["source"]["y"].as_f64().unwrap_or(0.0),
                        )];
                        for vx in c["vertices"].as_array().into_iter().flatten() {
                            pts.push((
                                vx["x"].as_f64().unwrap_or(0.0),
                                vx["y"].as_f64().unwrap_or(0.0),
                            ));
                        }
                        pts.push((
                            c["target"]["x"].as_f64().unwrap_or(0.0),
                            c["target"]["y"].as_f64().unwrap_or(0.0),
                        ));
                        curves.push((dfd.boundaries.len(), pts));
                    }
                    dfd.boundaries.push(b);
                }
                _ => {}
            }
        }
    }
    for (c, id) in flow_cells {
        let data = &c["data"];
        let rp = &data["rampart"];
        // An end drawn loose (a point, no `cell`) is a flow Threat Dragon itself leaves unattached:
        // it generates nothing and is left out, unless it carries threats, which would be lost.
        // An end naming a cell that is not an element is a broken file.
        let mut dangling = false;
        let mut loose = false;
        for end in ["source", "target"] {
            match c[end]["cell"].as_str() {
                None => loose = true,
                Some(cell) if !cell_to_id.contains_key(cell) => {
                    dangling = true;
                    problems.push(at(
                        "cell",
                        cell,
                        0,
                        format!(
                            "flow {:?}: its {end} cell {cell:?} is not an actor, process or store of the diagram",
                            s(&c["id"])
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        if dangling {
            continue;
        }
        if loose {
            if data["threats"].as_array().is_some_and(|t| !t.is_empty()) {
                problems.push(at(
                    "id",
                    &s(&c["id"]),
                    0,
                    format!(
                        "flow {:?} is not attached at both ends but carries threats, which would be lost",
                        s(&c["id"])
                    ),
                ));
            }
            continue;
        }
        let src = &cell_to_id[s(&c["source"]["cell"]).as_str()];
        let dst = &cell_to_id[s(&c["target"]["cell"]).as_str()];
        let mut attributes = attrs_of(&rp["attributes"]);
        let protocol = s(&data["protocol"]).to_ascii_uppercase();
        let kind = match rp["kind"].as_str() {
            Some(k) => k.to_string(),
            None if protocol.contains("HTTPS") => "SE.DF.TMCore.HTTPS".into(),
            None if protocol == "HTTP" => "SE.DF.TMCore.HTTP".into(),
            None => {
                if data["isEncrypted"].as_bool().unwrap_or(false) {
                    attributes.insert("providesConfidentiality".into(), "Yes".into());
                    attributes.insert("providesIntegrity".into(), "Yes".into());
                }
                "GE.DF".into()
            }
        };
        let name = match s(&data["name"]) {
            n if !n.is_empty() => n,
            _ => c["labels"][0]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| id.clone()),
        };
        dfd.flows.push(Flow {
            id,
            name,
            source: src.clone(),
            target: dst.clone(),
            kind,
            attributes,
            out_of_scope: data["outOfScope"].as_bool().unwrap_or(false),
            tmt_guid: None,
        });
        collect_threats(data, &mut entries);
    }
    // Threat Dragon's own boxes: membership from the drawing (element centre inside).
    for (bi, r) in boxes {
        for e in &dfd.elements {
            let Some(er) = e.layout else { continue };
            let (cx, cy) = (er.left + er.width / 2.0, er.top + er.height / 2.0);
            if cx >= r.left && cx <= r.left + r.width && cy >= r.top && cy <= r.top + r.height {
                dfd.boundaries[bi].contains.push(e.id.clone());
            }
        }
    }
    // Its curves: crossed by the flows whose straight line between centres meets them.
    for (bi, pts) in curves {
        for f in &dfd.flows {
            let c = |id: &str| {
                dfd.element(id)
                    .and_then(|e| e.layout)
                    .map(|r| (r.left + r.width / 2.0, r.top + r.height / 2.0))
            };
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
    let _ = kb;
    if !problems.is_empty() {
        return Err(ThreatError::Invalid(problems));
    }
    Ok((dfd, Triage { entries }))
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
    let list = |x: &Value| -> Vec<String> {
        x.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    Boundary {
        id,
        name,
        kind: kind.to_string(),
        contains: list(&rp["contains"]),
        crossed_by: list(&rp["crossed_by"]),
        tmt_guid: None,
        layout: None,
    }
}

fn collect_threats(data: &Value, out: &mut Vec<TriageEntry>) {
    for t in data["threats"].as_array().into_iter().flatten() {
        let s = |x: &Value| x.as_str().unwrap_or("").to_string();
        let rp = &t["rampart"];
        let id = match t["threatId"].as_str().or(t["id"].as_str()) {
            Some(i) => i.to_string(),
            None => continue,
        };
        let state = match rp["state"].as_str() {
            Some(st) => st.parse().unwrap_or_default(),
            None => match t["status"].as_str().unwrap_or("") {
                "Mitigated" => State::Mitigated,
                "NA" => State::NotApplicable,
                _ => State::NotStarted,
            },
        };
        out.push(TriageEntry {
            id,
            rule: s(&rp["rule"]),
            interaction: String::new(),
            title: s(&t["title"]),
            stored_title: rp["stored_title"].as_str().map(str::to_string),
            state,
            priority: t["severity"]
                .as_str()
                .and_then(|p| p.parse().ok())
                .unwrap_or(Priority::High),
            justification: s(&t["mitigation"]),
            owner: s(&rp["owner"]),
            checks: rp["checks"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            groups: rp["groups"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|g| g.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            line: 0,
        });
    }
}
