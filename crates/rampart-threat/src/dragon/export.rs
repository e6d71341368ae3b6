//! The model with its threats as a Threat Dragon v2 document.

use super::{td_status, VERSION};
use crate::dfd::{Dfd, ModelThreat};
use crate::kb::KnowledgeBase;
use crate::threat::{priority_of_severity, Origin, Threat, STRIDE};
use serde_json::{json, Value};

fn td_type(letter: &str) -> &'static str {
    STRIDE
        .iter()
        .find(|(l, _)| *l == letter)
        .map_or("Abuse", |(_, n)| *n)
}

/// One threat as Threat Dragon writes it. Threat Dragon finds threats by `id`; `rampart` keeps
/// the triage details it has no field for.
fn td_threat(t: &Threat, model: Option<&ModelThreat>, number: usize) -> Value {
    let rp = json!({"state": t.state, "owner": t.owner, "groups": t.groups, "checks": t.checks});
    let mut v = match model {
        Some(m) => {
            // The severity as written, unless the triage changed the priority it maps to.
            let severity = if priority_of_severity(&m.severity).0 == t.priority {
                m.severity.clone()
            } else {
                t.priority.as_str().to_string()
            };
            let mut rp = rp;
            rp["origin"] = json!("model");
            rp["justification"] = json!(t.justification);
            json!({
                "id": t.id, "title": m.title, "status": td_status(t.state), "severity": severity,
                "type": m.category, "description": m.description, "mitigation": m.mitigation,
                "modelType": if m.model_type.is_empty() { "STRIDE" } else { &m.model_type },
                "rampart": rp,
            })
        }
        None => {
            let mut rp = rp;
            rp["rule"] = json!(t.rule);
            rp["stored_title"] = json!(t.stored_title);
            json!({
                "id": t.id, "title": t.title, "status": td_status(t.state), "severity": t.priority.as_str(),
                "type": td_type(&t.category_id), "description": t.description, "mitigation": t.justification,
                "modelType": "STRIDE", "rampart": rp,
            })
        }
    };
    v["number"] = json!(number);
    v["score"] = json!("");
    v
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
    let mut number = 0;
    // The threats Threat Dragon shows on the cell of `id`: generated ones on a flow, and the
    // ones written in the model on whatever they sit on.
    let mut threats_on = |id: &str, flow: bool| -> Vec<Value> {
        threats
            .iter()
            .filter(|t| match t.origin {
                Origin::Rule => flow && t.flow_id == id,
                Origin::Model => t.flow_id == id,
            })
            .map(|t| {
                number += 1;
                let m = dfd.threats.iter().find(|m| m.id == t.id);
                td_threat(t, m.filter(|_| t.origin == Origin::Model), number)
            })
            .collect()
    };
    let open = |ts: &[Value]| ts.iter().any(|t| t["status"] == "Open");
    let mut cells = Vec::new();
    let mut z = 1;
    for (r, b) in &brects {
        let ts = threats_on(&b.id, false);
        cells.push(json!({
            "position": {"x": r.left, "y": r.top},
            "size": {"width": r.width, "height": r.height},
            "attrs": {"label": {"text": b.name}},
            "shape": "trust-boundary-box",
            "zIndex": -1,
            "id": cell_id(&b.id),
            "data": {"type": "tm.BoundaryBox", "name": b.name, "description": "", "isTrustBoundary": true, "hasOpenThreats": open(&ts), "threats": ts,
                     "rampart": {"id": b.id, "kind": b.kind, "contains": b.contains, "crossed_by": b.crossed_by}},
        }));
    }
    // Line boundaries: the curve as imported, or (a text model has no geometry) a zero-length
    // one; the rampart extension carries which flows cross it.
    for b in dfd
        .boundaries
        .iter()
        .filter(|b| !brects.iter().any(|(_, x)| x.id == b.id))
    {
        let [(sx, sy), (tx, ty)] = b.line.unwrap_or_default();
        let ts = threats_on(&b.id, false);
        cells.push(json!({
            "shape": "trust-boundary-curve",
            "id": cell_id(&b.id),
            "zIndex": z,
            "source": {"x": sx, "y": sy},
            "target": {"x": tx, "y": ty},
            "data": {"type": "tm.Boundary", "name": b.name, "description": "", "isTrustBoundary": true, "hasOpenThreats": open(&ts), "threats": ts,
                     "rampart": {"id": b.id, "kind": b.kind, "contains": b.contains, "crossed_by": b.crossed_by}},
        }));
        z += 1;
    }
    for e in &dfd.elements {
        let r = pos.get(&e.id).copied().unwrap_or_default();
        let fam = kb.type_index(&e.kind).and_then(|t| kb.family(t));
        let (shape, ty) = match fam {
            Some(crate::kb::Family::Process) => ("process", "tm.Process"),
            Some(crate::kb::Family::DataStore) => ("store", "tm.Store"),
            _ => ("actor", "tm.Actor"),
        };
        let yes = |k: &str| e.attributes.get(k).map(|v| v == "Yes").unwrap_or(false);
        let ts = threats_on(&e.id, false);
        let open_here = open(&ts)
            || threats
                .iter()
                .any(|t| t.target_id == e.id && t.state.is_open());
        let mut data = json!({
            "type": ty, "name": e.name, "description": e.description, "outOfScope": e.out_of_scope,
            "reasonOutOfScope": e.reason_out_of_scope, "hasOpenThreats": open_here, "threats": ts,
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
    for f in &dfd.flows {
        let ft = threats_on(&f.id, true);
        let k = kb.type_index(&f.kind);
        let is = |id: &str| k.zip(kb.type_index(id)).is_some_and(|(a, b)| kb.is_a(a, b));
        let enc = f
            .attributes
            .get("providesConfidentiality")
            .map(|v| v == "Yes")
            .unwrap_or(false)
            || is("SE.DF.TMCore.HTTPS")
            || is("SE.DF.TMCore.IPsec");
        let protocol = if !f.protocol.is_empty() {
            f.protocol.as_str()
        } else if is("SE.DF.TMCore.HTTPS") {
            "HTTPS"
        } else if is("SE.DF.TMCore.HTTP") {
            "HTTP"
        } else {
            ""
        };
        let source_marker = if f.bidirectional { "block" } else { "" };
        cells.push(json!({
            "shape": "flow",
            "attrs": {"line": {"stroke": "#333333", "strokeWidth": 1.5, "targetMarker": {"name": "block"}, "sourceMarker": {"name": source_marker}, "strokeDasharray": null}},
            "width": 200, "height": 100, "zIndex": z, "connector": "smooth",
            "labels": [{"attrs": {"labelText": {"text": f.name}}, "position": 0.5}],
            "id": cell_id(&f.id),
            "source": {"cell": cell_id(&f.source)},
            "target": {"cell": cell_id(&f.target)},
            "data": {"type": "tm.Flow", "name": f.name, "description": f.description, "outOfScope": f.out_of_scope,
                     "reasonOutOfScope": f.reason_out_of_scope, "protocol": protocol, "isEncrypted": enc,
                     "isPublicNetwork": false, "isBidirectional": f.bidirectional,
                     "hasOpenThreats": open(&ft), "threats": ft,
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
