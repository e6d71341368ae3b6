//! Import of Microsoft Threat Modeling Tool models (`.tm7`): elements, flows, boundaries (with
//! crossings decided from the drawing, as TMT does), attribute values, and every threat instance
//! with its state, priority and justification.

use crate::dfd::{Boundary, Dfd, Element, Flow, Meta, ModelThreat, Rect};
use crate::error::{Located, ThreatError};
use crate::kb::{AttrLookup, KnowledgeBase};
use crate::project::ImportOptions;
use crate::threat::{threat_id, Priority, State, Threat};
use crate::triage::{Triage, TriageEntry};
use crate::xml::{self, Node};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The GUID TMT writes at the end of a connector attached to nothing.
const NIL_GUID: &str = "00000000-0000-0000-0000-000000000000";

const OUT_OF_SCOPE: &str = "71f3d9aa-b8ef-4e54-8126-607a1d903103";

/// A threat instance as the `.tm7` stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tm7Threat {
    /// rampart's stable id for it.
    pub id: String,
    /// TMT's per-model counter.
    pub tmt_id: u64,
    pub rule: String,
    pub source_id: String,
    pub flow_id: String,
    pub target_id: String,
    /// The title frozen when TMT generated the threat.
    pub title: String,
    pub category: String,
    pub interaction: String,
    /// TMT's description of the threat (`UserThreatDescription`).
    pub description: String,
    pub state: State,
    pub priority: Priority,
    pub justification: String,
}

/// A connector or line boundary as TMT draws it: source, handle (mid-curve point), target.
type Curve = [(f64, f64); 3];

/// What a `.tm7` holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tm7Model {
    pub dfd: Dfd,
    pub threats: Vec<Tm7Threat>,
    /// Things read but mapped with a rule or left out: unattached connectors, unknown states
    /// and priorities, and (with `skip_dangling`) dropped flows and threats. Each names the
    /// file and what it concerns.
    pub warnings: Vec<String>,
}

impl Tm7Model {
    /// The triage equivalent to the stored threats. A stored title is kept when it differs from
    /// the title the rules generate today (`generated`: threats generated from `self.dfd`).
    pub fn triage(&self, generated: &[Threat]) -> Triage {
        let titles: HashMap<&str, &str> = generated
            .iter()
            .map(|t| (t.id.as_str(), t.generated_title.as_str()))
            .collect();
        let entries = self
            .threats
            .iter()
            .map(|t| {
                let now = titles.get(t.id.as_str()).copied();
                TriageEntry {
                    id: t.id.clone(),
                    rule: t.rule.clone(),
                    interaction: t.interaction.clone(),
                    title: now.unwrap_or(&t.title).to_string(),
                    // A threat the rules do not generate becomes a threat of the model with
                    // this title: there is no generated title for it to differ from.
                    stored_title: now.is_some_and(|n| n != t.title).then(|| t.title.clone()),
                    state: t.state,
                    priority: t.priority,
                    justification: t.justification.clone(),
                    owner: String::new(),
                    groups: Vec::new(),
                    checks: Vec::new(),
                    line: 0,
                }
            })
            .collect();
        Triage { entries }
    }

    /// The stored threats the rules do not generate (`generated`: threats generated from
    /// `self.dfd`): threats added by hand in TMT, or by a template other than the one in use.
    /// They become threats of the model on their flow, so they are reported rather than stale.
    pub fn model_threats(&self, generated: &[Threat]) -> Vec<ModelThreat> {
        let ids: HashSet<&str> = generated.iter().map(|t| t.id.as_str()).collect();
        self.threats
            .iter()
            .filter(|t| !ids.contains(t.id.as_str()))
            .map(|t| ModelThreat {
                id: t.id.clone(),
                title: t.title.clone(),
                category: t.category.clone(),
                on: t.flow_id.clone(),
                description: t.description.clone(),
                model_type: "TMT".into(),
                ..ModelThreat::default()
            })
            .collect()
    }
}

pub fn load_tm7(path: &Path) -> Result<Tm7Model, ThreatError> {
    let text = crate::error::read(path)?;
    parse_tm7(&text, path)
}

/// Reads a `.tm7` with the default options (a threat on a flow that is missing or unattached
/// refuses the file).
pub fn parse_tm7(text: &str, origin: &Path) -> Result<Tm7Model, ThreatError> {
    parse_tm7_with(text, origin, ImportOptions::default())
}

/// TMT's "Reason For Out Of Scope" property.
const REASON_OUT_OF_SCOPE: &str = "752473b6-52d4-4776-9a24-202153f7d579";

const SKIP_HINT: &str =
    "`rampart threats import --skip-dangling` drops such threats with a warning";

/// Reads a `.tm7`. Membership of border boundaries and crossings of line boundaries are decided
/// from the drawing, each diagram (`DrawingSurfaceModel`) on its own. What is read but mapped
/// with a rule or left out is in [`Tm7Model::warnings`].
pub fn parse_tm7_with(
    text: &str,
    origin: &Path,
    opts: ImportOptions,
) -> Result<Tm7Model, ThreatError> {
    let root = xml::parse(text).map_err(|e| ThreatError::Invalid(vec![e.located(text, origin)]))?;
    let file = origin.display().to_string();
    let err = |message: String| ThreatError::Tm7 {
        file: origin.to_path_buf(),
        message,
    };
    if root.name != "ThreatModel" {
        return Err(err(format!(
            "found root element <{}>; expected <ThreatModel>",
            root.name
        )));
    }
    let surfaces = root
        .child("DrawingSurfaceList")
        .ok_or_else(|| err("no <DrawingSurfaceList>".into()))?;

    let mut dfd = Dfd {
        meta: meta(root.child("MetaInformation")),
        ..Dfd::default()
    };
    let mut warnings: Vec<String> = Vec::new();
    let mut ids = Ids::default();
    // GUID → our id, for elements and flows.
    let mut by_guid: HashMap<String, String> = HashMap::new();
    // GUID → name of the connectors left out because an end is attached to nothing.
    let mut unattached: HashMap<String, String> = HashMap::new();
    // Every fault found, each at its place in the file; reported together at the end.
    let mut problems: Vec<Located> = Vec::new();
    let at = |pos: usize, message: String| {
        let (line, column) = crate::toml_pos::line_col(text, pos);
        Located {
            file: origin.to_path_buf(),
            line,
            column,
            message,
        }
    };
    // GUID → where it was first declared: a second declaration would silently rewire flows.
    let mut declared: HashMap<String, usize> = HashMap::new();
    let mut declare = |v: &Node, problems: &mut Vec<Located>| {
        let guid = v.text_of("Guid").trim().to_string();
        let pos = v.child("Guid").map_or(v.pos, |g| g.pos);
        if guid.is_empty() {
            problems.push(at(pos, "a stencil or line without a <Guid>".into()));
        } else if let Some(first) = declared.get(&guid) {
            let (l, c) = crate::toml_pos::line_col(text, *first);
            problems.push(at(
                pos,
                format!("duplicate Guid {guid} (first declared at {l}:{c}); expected every stencil and line to have its own"),
            ));
        } else {
            declared.insert(guid, pos);
        }
    };
    // (flow index, position of its SourceGuid, of its TargetGuid)
    let mut flow_refs: Vec<(usize, usize, usize)> = Vec::new();
    // Element and flow id → index of its diagram; boxes and lines with their diagram.
    let mut diagram_of: HashMap<String, usize> = HashMap::new();
    let mut boxes: Vec<(usize, Rect, usize)> = Vec::new();
    let mut line_boundaries: Vec<(usize, Curve, usize)> = Vec::new();
    // Flow id → its curve as drawn.
    let mut flow_curves: HashMap<String, Curve> = HashMap::new();

    for (n, surface) in surfaces.children_named("DrawingSurfaceModel").enumerate() {
        if let Some(borders) = surface.child("Borders") {
            for kv in &borders.children {
                let Some(v) = kv.child("Value") else { continue };
                declare(v, &mut problems);
                let props = Props::of(v);
                let kind = v.text_of("TypeId").to_string();
                let guid = v.text_of("Guid").trim().to_string();
                let rect = Rect {
                    left: num(v, "Left"),
                    top: num(v, "Top"),
                    width: num(v, "Width"),
                    height: num(v, "Height"),
                };
                let generic = v.text_of("GenericTypeId");
                if generic == "GE.A" || Some(v.xsi_type()) == Some("StencilAnnotation") {
                    continue;
                }
                if generic.starts_with("GE.TB") || Some(v.xsi_type()) == Some("BorderBoundary") {
                    let id = ids.make(&props.name, "boundary");
                    boxes.push((dfd.boundaries.len(), rect, n));
                    dfd.boundaries.push(Boundary {
                        id,
                        name: props.name.clone(),
                        kind,
                        contains: Vec::new(),
                        crossed_by: Vec::new(),
                        tmt_guid: Some(guid),
                        layout: Some(rect),
                        ..Default::default()
                    });
                    continue;
                }
                let id = ids.make(&props.name, "element");
                by_guid.insert(guid.clone(), id.clone());
                diagram_of.insert(id.clone(), n);
                dfd.elements.push(Element {
                    id,
                    name: props.name.clone(),
                    kind,
                    attributes: props.attributes,
                    out_of_scope: props.out_of_scope,
                    reason_out_of_scope: props.reason_out_of_scope,
                    tmt_guid: Some(guid),
                    layout: Some(rect),
                    ..Default::default()
                });
            }
        }
        if let Some(lines) = surface.child("Lines") {
            for kv in &lines.children {
                let Some(v) = kv.child("Value") else { continue };
                declare(v, &mut problems);
                let props = Props::of(v);
                let kind = v.text_of("TypeId").to_string();
                let guid = v.text_of("Guid").trim().to_string();
                if Some(v.xsi_type()) == Some("LineBoundary")
                    || v.text_of("GenericTypeId") == "GE.TB.L"
                {
                    let id = ids.make(&props.name, "boundary");
                    line_boundaries.push((dfd.boundaries.len(), curve_of(v), n));
                    dfd.boundaries.push(Boundary {
                        id,
                        name: props.name.clone(),
                        kind,
                        contains: Vec::new(),
                        crossed_by: Vec::new(),
                        tmt_guid: Some(guid),
                        layout: None,
                        ..Default::default()
                    });
                    continue;
                }
                // A connector TMT saved unattached (nil or empty GUID at an end) generates
                // nothing in TMT: it is left out, with a word, and takes no id.
                let loose: Vec<&str> = ["SourceGuid", "TargetGuid"]
                    .into_iter()
                    .filter(|end| {
                        let g = v.text_of(end).trim();
                        g.is_empty() || g == NIL_GUID
                    })
                    .collect();
                if !loose.is_empty() {
                    let ends = if loose.len() == 2 {
                        "no source and no target".to_string()
                    } else if loose[0] == "SourceGuid" {
                        "no source".to_string()
                    } else {
                        "no target".to_string()
                    };
                    warnings.push(format!(
                        "{file}: connector \"{}\" (Guid {guid}) has {ends}; left out (TMT generates nothing for it)",
                        props.name
                    ));
                    unattached.insert(guid, props.name.clone());
                    continue;
                }
                let id = ids.make(&props.name, "flow");
                by_guid.insert(guid.clone(), id.clone());
                diagram_of.insert(id.clone(), n);
                flow_curves.insert(id.clone(), curve_of(v));
                let ref_pos = |n: &str| v.child(n).map_or(v.pos, |c| c.pos);
                flow_refs.push((
                    dfd.flows.len(),
                    ref_pos("SourceGuid"),
                    ref_pos("TargetGuid"),
                ));
                dfd.flows.push(Flow {
                    id,
                    name: props.name.clone(),
                    // Resolved below, once every element is known.
                    source: v.text_of("SourceGuid").trim().to_string(),
                    target: v.text_of("TargetGuid").trim().to_string(),
                    kind,
                    attributes: props.attributes,
                    out_of_scope: props.out_of_scope,
                    reason_out_of_scope: props.reason_out_of_scope,
                    tmt_guid: Some(guid),
                    ..Default::default()
                });
            }
        }
    }
    // An end naming a GUID that no element has is a broken file: reported, or with
    // --skip-dangling the flow is dropped with a warning (its threats with it, below).
    let elements: HashSet<&str> = dfd
        .elements
        .iter()
        .filter_map(|e| e.tmt_guid.as_deref())
        .collect();
    let mut broken: HashSet<usize> = HashSet::new();
    for &(i, spos, tpos) in &flow_refs {
        let f = &dfd.flows[i];
        for (end, g, pos) in [
            ("SourceGuid", &f.source, spos),
            ("TargetGuid", &f.target, tpos),
        ] {
            if elements.contains(g.as_str()) {
                continue;
            }
            if opts.skip_dangling {
                if broken.insert(i) {
                    warnings.push(format!(
                        "{file}: flow \"{}\": {end} {g} names no stencil in the model; dropped",
                        f.name
                    ));
                }
            } else {
                problems.push(at(
                    pos,
                    format!(
                        "flow \"{}\": {end} {g} names no stencil in the model; expected the Guid of an element (`rampart threats import --skip-dangling` drops such flows with a warning)",
                        f.name
                    ),
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(ThreatError::Invalid(problems));
    }
    let mut i = 0;
    dfd.flows.retain(|f| {
        i += 1;
        if broken.contains(&(i - 1)) {
            if let Some(g) = &f.tmt_guid {
                unattached.insert(g.clone(), f.name.clone());
                by_guid.remove(g);
            }
            return false;
        }
        true
    });
    for f in &mut dfd.flows {
        f.source = by_guid[f.source.as_str()].clone();
        f.target = by_guid[f.target.as_str()].clone();
    }

    // Border boundaries: membership by the element's centre lying inside the rectangle, each
    // box over the elements of its own diagram only.
    crate::dfd::members_by_centre(&mut dfd, &boxes, &diagram_of);
    // Line boundaries: crossed when the curve of a flow of the same diagram meets theirs.
    for (bi, bcurve, n) in &line_boundaries {
        let bpoly = polyline(bcurve);
        for f in &dfd.flows {
            if diagram_of.get(&f.id) != Some(n) {
                continue;
            }
            let Some(fc) = flow_curves.get(&f.id) else {
                continue;
            };
            if polylines_cross(&polyline(fc), &bpoly) {
                dfd.boundaries[*bi].crossed_by.push(f.id.clone());
            }
        }
    }

    let mut threats = Vec::new();
    if let Some(ti) = root.child("ThreatInstances") {
        for kv in &ti.children {
            let Some(v) = kv.child("Value") else { continue };
            let rule = v.text_of("TypeId").to_string();
            let tmt_id = v.text_of("Id").trim().to_string();
            let mut props: HashMap<String, String> = HashMap::new();
            if let Some(p) = v.child("Properties") {
                for kv in &p.children {
                    props.insert(
                        kv.text_of("Key").to_string(),
                        kv.text_of("Value").to_string(),
                    );
                }
            }
            let prop = |k: &str| props.get(k).cloned().unwrap_or_default();
            let what = format!("threat instance {tmt_id} (\"{}\")", prop("Title"));
            // Why each end is missing: (place, message).
            let mut missing: Vec<(usize, String)> = Vec::new();
            let mut look = |g: &str| {
                let guid = v.text_of(g).trim();
                let found = by_guid.get(guid).cloned();
                if found.is_none() {
                    let pos = v.child(g).map_or(v.pos, |c| c.pos);
                    let why = match unattached.get(guid) {
                        Some(name) => format!("its flow \"{name}\" is not attached at both ends, so the threat would be lost"),
                        None => format!("{g} {guid:?} names no element or flow of the model"),
                    };
                    missing.push((pos, why));
                }
                found
            };
            let (Some(source_id), Some(flow_id), Some(target_id)) =
                (look("SourceGuid"), look("FlowGuid"), look("TargetGuid"))
            else {
                if opts.skip_dangling {
                    warnings.push(format!(
                        "{file}: {what} dropped: {}",
                        missing
                            .iter()
                            .map(|(_, m)| m.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                } else {
                    for (pos, m) in missing {
                        problems.push(at(pos, format!("{what}: {m} ({SKIP_HINT})")));
                    }
                }
                continue;
            };
            let state = {
                let s = v.text_of("State").trim();
                match s.parse() {
                    Ok(s) => s,
                    Err(_) if s.is_empty() => State::default(),
                    Err(_) => {
                        warnings.push(format!(
                            "{file}: {what}: unknown state \"{s}\"; read as Not Started"
                        ));
                        State::NotStarted
                    }
                }
            };
            let priority = {
                let p = v.text_of("Priority");
                let p = if p.trim().is_empty() {
                    prop("Priority")
                } else {
                    p.to_string()
                };
                let (priority, known) = priority_of(&p);
                if !known {
                    warnings.push(format!(
                        "{file}: {what}: unknown priority \"{}\"; read as {priority}",
                        p.trim()
                    ));
                }
                priority
            };
            let justification = {
                let s = prop("StateInformation");
                if s.is_empty() {
                    v.text_of("StateInformation").to_string()
                } else {
                    s
                }
            };
            threats.push(Tm7Threat {
                id: threat_id(&rule, &source_id, &flow_id, &target_id),
                tmt_id: tmt_id.parse().unwrap_or(0),
                rule,
                source_id,
                flow_id,
                target_id,
                title: prop("Title"),
                category: prop("UserThreatCategory"),
                interaction: prop("InteractionString"),
                description: prop("UserThreatDescription"),
                state,
                priority,
                justification,
            });
        }
    }
    if !problems.is_empty() {
        return Err(ThreatError::Invalid(problems));
    }
    threats.sort_by_key(|t| t.tmt_id);
    Ok(Tm7Model {
        dfd,
        threats,
        warnings,
    })
}

/// Fits an imported model to the template it will be generated with. Kinds the template does
/// not have refuse the model, all of them named at once (a model made with another template);
/// attributes the template does not know for a kind (or values it does not offer) are dropped,
/// one warning per attribute name, so the written model is one the TOML loader accepts.
pub(crate) fn fit_to_template(
    dfd: &mut Dfd,
    kb: &KnowledgeBase,
    origin: &Path,
) -> Result<Vec<String>, ThreatError> {
    // Unknown kind → the names of what uses it, in order of appearance.
    let mut unknown: Vec<(String, Vec<String>)> = Vec::new();
    let mut note = |kind: &str, what: String| {
        if kb.type_index(kind).is_some() {
            return;
        }
        match unknown.iter_mut().find(|(k, _)| k == kind) {
            Some((_, v)) => v.push(what),
            None => unknown.push((kind.to_string(), vec![what])),
        }
    };
    for e in &dfd.elements {
        note(&e.kind, format!("element \"{}\"", e.name));
    }
    for f in &dfd.flows {
        note(&f.kind, format!("flow \"{}\"", f.name));
    }
    for b in &dfd.boundaries {
        note(&b.kind, format!("boundary \"{}\"", b.name));
    }
    if !unknown.is_empty() {
        let list = unknown
            .iter()
            .map(|(k, users)| {
                let more = users.len().saturating_sub(3);
                let mut shown = users.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
                if more > 0 {
                    shown.push_str(&format!(" and {more} more"));
                }
                format!("{k} ({shown})")
            })
            .collect::<Vec<_>>()
            .join("; ");
        return Err(ThreatError::Tm7 {
            file: origin.to_path_buf(),
            message: format!(
                "{} kind{} not in the template \"{}\": {list}. The model was made with another \
                 TMT template: pass that template with `--template FILE.tb7`",
                unknown.len(),
                if unknown.len() == 1 { " is" } else { "s are" },
                kb.name
            ),
        });
    }
    // Attribute name → (why it was dropped, from what).
    let mut dropped: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    let mut fit = |kind: &str, attrs: &mut BTreeMap<String, String>, what: String| {
        let Some(t) = kb.type_index(kind) else { return };
        attrs.retain(|name, value| {
            let why = match kb.attribute(t, name) {
                None => "is not an attribute the template knows for its kind".to_string(),
                Some(AttrLookup::Pinned(p)) if p != value => {
                    format!("is fixed by the kind; the model's value \"{value}\" is not \"{p}\"")
                }
                Some(AttrLookup::Choice(def)) if !def.values.iter().any(|x| x == value) => {
                    format!("has no value \"{value}\" in the template")
                }
                Some(_) => return true,
            };
            let entry = dropped
                .entry(name.clone())
                .or_insert_with(|| (why, Vec::new()));
            entry.1.push(what.clone());
            false
        });
    };
    for e in &mut dfd.elements {
        fit(
            &e.kind,
            &mut e.attributes,
            format!("element \"{}\"", e.name),
        );
    }
    for f in &mut dfd.flows {
        fit(&f.kind, &mut f.attributes, format!("flow \"{}\"", f.name));
    }
    let file = origin.display();
    Ok(dropped
        .into_iter()
        .map(|(name, (why, users))| {
            let more = users.len().saturating_sub(3);
            let mut shown = users.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
            if more > 0 {
                shown.push_str(&format!(" and {more} more"));
            }
            format!(
                "{file}: attribute `{name}` {why} (template \"{}\"); dropped from {shown} (threat generation never reads it)",
                kb.name
            )
        })
        .collect())
}

/// The priority of a TMT priority text, and whether the text is one of TMT's three (or empty,
/// TMT's default High). Custom templates add their own: a text naming "medium" (or "med") is
/// Medium, else one naming "low" is Low, anything else High — so "Low-Medium" rounds up to
/// Medium and "Critical" is High.
pub fn priority_of(p: &str) -> (Priority, bool) {
    let p = p.trim();
    if p.is_empty() {
        return (Priority::High, true);
    }
    if let Ok(known) = p.parse() {
        return (known, true);
    }
    let lower = p.to_ascii_lowercase();
    let guess = if lower.contains("med") {
        Priority::Medium
    } else if lower.contains("low") {
        Priority::Low
    } else {
        Priority::High
    };
    (guess, false)
}

fn curve_of(v: &Node) -> [(f64, f64); 3] {
    [
        (num(v, "SourceX"), num(v, "SourceY")),
        (num(v, "HandleX"), num(v, "HandleY")),
        (num(v, "TargetX"), num(v, "TargetY")),
    ]
}

fn meta(m: Option<&Node>) -> Meta {
    let Some(m) = m else { return Meta::default() };
    Meta {
        name: m.text_of("ThreatModelName").to_string(),
        owner: m.text_of("Owner").to_string(),
        reviewer: m.text_of("Reviewer").to_string(),
        contributors: m.text_of("Contributors").to_string(),
        description: m.text_of("HighLevelSystemDescription").to_string(),
        assumptions: m.text_of("Assumptions").to_string(),
        external_dependencies: m.text_of("ExternalDependencies").to_string(),
    }
}

fn num(v: &Node, name: &str) -> f64 {
    v.text_of(name).trim().parse().unwrap_or(0.0)
}

/// The display properties of a stencil or line.
struct Props {
    name: String,
    out_of_scope: bool,
    reason_out_of_scope: String,
    /// Non-default choices only (index 0 is the default, so it is left out).
    attributes: BTreeMap<String, String>,
}

impl Props {
    fn of(v: &Node) -> Props {
        let mut p = Props {
            name: String::new(),
            out_of_scope: false,
            reason_out_of_scope: String::new(),
            attributes: BTreeMap::new(),
        };
        let Some(list) = v.child("Properties") else {
            return p;
        };
        for a in &list.children {
            let kind = a.xsi_type();
            let display = a.text_of("DisplayName");
            let name = a.text_of("Name");
            match kind {
                "StringDisplayAttribute" if display == "Name" && name.is_empty() => {
                    p.name = a.text_of("Value").to_string();
                }
                "StringDisplayAttribute"
                    if name == REASON_OUT_OF_SCOPE || display == "Reason For Out Of Scope" =>
                {
                    p.reason_out_of_scope = a.text_of("Value").to_string();
                }
                "BooleanDisplayAttribute" if name == OUT_OF_SCOPE => {
                    p.out_of_scope = a.text_of("Value").trim() == "true";
                }
                "ListDisplayAttribute" => {
                    let idx: usize = a.text_of("SelectedIndex").trim().parse().unwrap_or(0);
                    let values: Vec<&str> = a
                        .child("Value")
                        .map(|v| v.children.iter().map(|c| c.text.as_str()).collect())
                        .unwrap_or_default();
                    if idx > 0 {
                        if let Some(val) = values.get(idx) {
                            p.attributes.insert(name.to_string(), val.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
        p
    }
}

/// Unique slugs for names.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
}

impl Ids {
    fn make(&mut self, name: &str, fallback: &str) -> String {
        let mut base = crate::kb::slug(name);
        if base.is_empty() {
            base = fallback.to_string();
        }
        let mut id = base.clone();
        let mut n = 2;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// TMT's handle is the point the curve passes through at its middle; the quadratic Bézier's
/// control point follows from it.
fn polyline(c: &[(f64, f64); 3]) -> Vec<(f64, f64)> {
    let (p0, h, p2) = (c[0], c[1], c[2]);
    let p1 = (
        2.0 * h.0 - (p0.0 + p2.0) / 2.0,
        2.0 * h.1 - (p0.1 + p2.1) / 2.0,
    );
    (0..=32)
        .map(|i| {
            let t = i as f64 / 32.0;
            let u = 1.0 - t;
            (
                u * u * p0.0 + 2.0 * u * t * p1.0 + t * t * p2.0,
                u * u * p0.1 + 2.0 * u * t * p1.1 + t * t * p2.1,
            )
        })
        .collect()
}

fn polylines_cross(a: &[(f64, f64)], b: &[(f64, f64)]) -> bool {
    a.windows(2)
        .any(|s| b.windows(2).any(|t| segments_cross(s[0], s[1], t[0], t[1])))
}

pub(crate) fn segments_cross(
    p1: (f64, f64),
    p2: (f64, f64),
    p3: (f64, f64),
    p4: (f64, f64),
) -> bool {
    let d = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    };
    let d1 = d(p3, p4, p1);
    let d2 = d(p3, p4, p2);
    let d3 = d(p1, p2, p3);
    let d4 = d(p1, p2, p4);
    // Touching counts as crossing; collinear overlap does not.
    let opposite =
        |a: f64, b: f64| (a >= 0.0 && b <= 0.0 || a <= 0.0 && b >= 0.0) && !(a == 0.0 && b == 0.0);
    opposite(d1, d2) && opposite(d3, d4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_cross_when_they_meet() {
        let flow = polyline(&[(0.0, 0.0), (50.0, 10.0), (100.0, 0.0)]);
        let wall = polyline(&[(50.0, -50.0), (50.0, 0.0), (50.0, 50.0)]);
        let far = polyline(&[(150.0, -50.0), (150.0, 0.0), (150.0, 50.0)]);
        assert!(polylines_cross(&flow, &wall));
        assert!(!polylines_cross(&flow, &far));
    }
}
