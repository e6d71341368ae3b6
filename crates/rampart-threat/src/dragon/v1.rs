//! Legacy Threat Dragon v1 files: JointJS cells under `detail.diagrams[].diagramJson.cells`,
//! typed `tm.Process`, `tm.Actor`, `tm.Store`, `tm.Flow`, `tm.Boundary`, with their properties
//! on the cell itself. They are rewritten as v2 cells (shape, `data`, `source.cell`) so one
//! importer reads both.

use crate::threat::{stride_letter, threat_id};
use serde_json::{json, Map, Value};

/// Whether the document is a v1 model: some diagram has `diagramJson` and none has `cells`.
pub(super) fn is_v1(doc: &Value) -> bool {
    let diagrams = doc["detail"]["diagrams"].as_array();
    diagrams.is_some_and(|ds| {
        ds.iter().any(|d| !d["diagramJson"].is_null()) && ds.iter().all(|d| d["cells"].is_null())
    })
}

/// The document with every v1 diagram's cells moved to `cells` in v2 form.
pub(super) fn to_v2(mut doc: Value) -> Value {
    let Some(diagrams) = doc["detail"]["diagrams"].as_array_mut() else {
        return doc;
    };
    for d in diagrams {
        let cells: Vec<Value> = d["diagramJson"]["cells"]
            .as_array()
            .into_iter()
            .flatten()
            .map(cell)
            .collect();
        d["cells"] = Value::Array(cells);
    }
    doc
}

fn cell(c: &Value) -> Value {
    let ty = c["type"].as_str().unwrap_or("");
    let shape = match ty {
        "tm.Process" => "process",
        "tm.Actor" => "actor",
        "tm.Store" => "store",
        "tm.Flow" => "flow",
        "tm.Boundary" => "trust-boundary-curve",
        _ => "",
    };
    // v1 keeps the model's properties on the cell; v2 keeps them in `data`.
    let mut data: Map<String, Value> = c.as_object().cloned().unwrap_or_default();
    for geometry in [
        "size", "position", "source", "target", "vertices", "labels", "attrs",
    ] {
        data.remove(geometry);
    }
    let label = &c["labels"][0]["attrs"]["text"]["text"];
    let name = c["name"]
        .as_str()
        .or(c["attrs"]["text"]["text"].as_str())
        .or(label.as_str())
        .unwrap_or("");
    data.insert("name".into(), json!(name));
    let cid = c["id"].as_str().unwrap_or("");
    // v1 threats have no id of their own (only the `ruleId` of the rule that suggested them):
    // derive a stable one from the cell and the threat's place on it.
    if let Some(Value::Array(threats)) = data.get_mut("threats") {
        for (i, t) in threats.iter_mut().enumerate() {
            if !t.is_object() {
                continue;
            }
            if t["id"].is_null() {
                t["id"] = json!(threat_id("td-v1", cid, &i.to_string(), ""));
            }
            // Nor a `modelType`: a STRIDE category says which.
            if t["modelType"].is_null() && stride_letter(t["type"].as_str().unwrap_or("")).is_some()
            {
                t["modelType"] = json!("STRIDE");
            }
        }
    }
    // An end attached to an element names it by `id`; a loose end is a point.
    let end = |e: &Value| match e["id"].as_str() {
        Some(id) => json!({"cell": id}),
        None => e.clone(),
    };
    json!({
        "shape": shape,
        "id": cid,
        "position": c["position"],
        "size": c["size"],
        "source": end(&c["source"]),
        "target": end(&c["target"]),
        "vertices": c["vertices"],
        "data": Value::Object(data),
    })
}
