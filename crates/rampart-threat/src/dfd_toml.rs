//! The text DFD format (TOML): reading with validation that names every unknown element, dangling
//! flow and unknown attribute value with its line and column, and writing (for importers).
//!
//! ```toml
//! [meta]
//! name = "MISP"
//!
//! [[element]]
//! id = "apache"                 # stable slug: triage hangs on it, not on the name
//! name = "1.0 MISP Apache Process"
//! kind = "process"              # TMT stencil: process, web-application, sql-database, browser...
//! attributes = { codeType = "Managed" }
//!
//! [[flow]]
//! id = "rest-request"
//! name = "HTTP REST request"
//! source = "users"
//! target = "apache"
//! kind = "data-flow"            # or https, http, ipsec...
//! attributes = { authenticatesSource = "Yes" }
//!
//! [[boundary]]
//! id = "server"
//! name = "Trust Boundary"
//! kind = "border-boundary"
//! contains = ["apache"]         # a flow crosses when exactly one end is inside
//! ```

use crate::dfd::{Boundary, Dfd, Element, Flow, Meta, ModelThreat, Rect};
use crate::error::{Located, ThreatError};
use crate::kb::{AttrLookup, Family, KnowledgeBase};
use crate::toml_pos::{line_col, quote};
use serde::Deserialize;
use serde_spanned::Spanned;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

type S = Spanned<String>;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct DfdShape {
    #[serde(default)]
    meta: Option<Meta>,
    #[serde(default)]
    element: Vec<ElementShape>,
    #[serde(default)]
    flow: Vec<FlowShape>,
    #[serde(default)]
    boundary: Vec<BoundaryShape>,
    #[serde(default)]
    model_threat: Vec<ModelThreatShape>,
    // Keys of the project file's [threats] section, when the DFD is written inline there.
    #[serde(default, rename = "model")]
    _model: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "triage")]
    _triage: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "template")]
    _template: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ElementShape {
    id: S,
    #[serde(default)]
    name: Option<String>,
    kind: S,
    #[serde(default)]
    attributes: BTreeMap<String, S>,
    #[serde(default)]
    out_of_scope: bool,
    #[serde(default)]
    reason_out_of_scope: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    tmt_guid: Option<String>,
    #[serde(default)]
    layout: Option<Rect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowShape {
    id: S,
    #[serde(default)]
    name: Option<String>,
    source: S,
    target: S,
    #[serde(default)]
    kind: Option<S>,
    #[serde(default)]
    attributes: BTreeMap<String, S>,
    #[serde(default)]
    out_of_scope: bool,
    #[serde(default)]
    reason_out_of_scope: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    bidirectional: bool,
    #[serde(default)]
    protocol: String,
    #[serde(default)]
    tmt_guid: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundaryShape {
    id: S,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    kind: Option<S>,
    #[serde(default)]
    contains: Vec<S>,
    #[serde(default)]
    crossed_by: Vec<S>,
    #[serde(default)]
    tmt_guid: Option<String>,
    #[serde(default)]
    layout: Option<Rect>,
    #[serde(default)]
    line: Option<[(f64, f64); 2]>,
}

/// `[[model_threat]]`: a threat written by hand (named so as not to clash with the triage
/// file's `[[threat]]`, which holds decisions about threats, not threats).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelThreatShape {
    id: S,
    title: String,
    #[serde(default)]
    category: String,
    on: S,
    #[serde(default)]
    description: String,
    #[serde(default)]
    mitigation: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    model_type: String,
}

#[derive(Deserialize)]
struct ProjectShape {
    #[serde(default)]
    threats: Option<DfdShape>,
}

/// Reads a DFD file and validates it against `kb`.
pub fn load_dfd(path: &Path, kb: &KnowledgeBase) -> Result<Dfd, ThreatError> {
    let text = crate::error::read(path)?;
    parse_dfd(&text, path, kb)
}

/// Parses DFD text; `origin` names the file in errors.
pub fn parse_dfd(text: &str, origin: &Path, kb: &KnowledgeBase) -> Result<Dfd, ThreatError> {
    let shape: DfdShape = toml_edit::de::from_str(text).map_err(|e| de_error(text, origin, &e))?;
    build(shape, text, origin, kb)
}

/// Reads a DFD written inline in a project file's `[threats]` section (`[[threats.element]]`,
/// `[[threats.flow]]`, `[[threats.boundary]]`); `None` when the section holds none.
pub fn parse_inline_dfd(
    project_text: &str,
    origin: &Path,
    kb: &KnowledgeBase,
) -> Result<Option<Dfd>, ThreatError> {
    let shape: ProjectShape =
        toml_edit::de::from_str(project_text).map_err(|e| de_error(project_text, origin, &e))?;
    match shape.threats {
        Some(s) if !s.element.is_empty() || !s.flow.is_empty() => {
            build(s, project_text, origin, kb).map(Some)
        }
        _ => Ok(None),
    }
}

fn de_error(text: &str, origin: &Path, e: &toml_edit::de::Error) -> ThreatError {
    let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
    ThreatError::Invalid(vec![Located {
        file: origin.to_path_buf(),
        line,
        column,
        message: e.message().trim().to_string(),
    }])
}

struct Check<'a> {
    text: &'a str,
    origin: &'a Path,
    problems: Vec<Located>,
}

impl Check<'_> {
    fn at(&mut self, s: &S, message: String) {
        let (line, column) = line_col(self.text, s.span().start);
        self.problems.push(Located {
            file: self.origin.to_path_buf(),
            line,
            column,
            message,
        });
    }

    /// Resolves a kind and checks its family.
    fn kind(&mut self, kb: &KnowledgeBase, s: &S, want: &[Family], what: &str) -> Option<usize> {
        let Some(t) = kb.resolve_kind(s.get_ref()) else {
            self.at(
                s,
                format!(
                    "unknown kind \"{}\" for {what}; expected a stencil of the template such as {}",
                    s.get_ref(),
                    examples(kb, want)
                ),
            );
            return None;
        };
        match kb.family(t) {
            Some(f) if want.contains(&f) => Some(t),
            other => {
                self.at(
                    s,
                    format!(
                        "kind \"{}\" is a {}; expected {} for {what}",
                        s.get_ref(),
                        other
                            .map(|f| f.label())
                            .unwrap_or("type outside the generic families"),
                        want.iter()
                            .map(|f| f.label())
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                );
                None
            }
        }
    }

    fn attributes(
        &mut self,
        kb: &KnowledgeBase,
        t: Option<usize>,
        attrs: &BTreeMap<String, S>,
        owner: &str,
    ) {
        let Some(t) = t else { return };
        for (name, v) in attrs {
            match kb.attribute(t, name) {
                None => {
                    let known: Vec<String> = kb
                        .attributes_of(t)
                        .iter()
                        .map(|(d, _)| d.name.clone())
                        .collect();
                    self.at(
                        v,
                        format!(
                            "{owner}: unknown attribute `{name}` for kind {}; expected one of {}",
                            kb.types[t].id,
                            known.join(", ")
                        ),
                    );
                }
                Some(AttrLookup::Pinned(p)) if p != v.get_ref() => self.at(
                    v,
                    format!(
                        "{owner}: attribute `{name}` is fixed to \"{p}\" by kind {}; found \"{}\"",
                        kb.types[t].id,
                        v.get_ref()
                    ),
                ),
                Some(AttrLookup::Pinned(_)) => {}
                Some(AttrLookup::Choice(def)) => {
                    if !def.values.iter().any(|x| x == v.get_ref()) {
                        self.at(
                            v,
                            format!(
                                "{owner}: unknown value \"{}\" for attribute `{name}`; expected one of {}",
                                v.get_ref(),
                                def.values
                                    .iter()
                                    .map(|x| format!("\"{x}\""))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    }
                }
            }
        }
    }
}

fn examples(kb: &KnowledgeBase, want: &[Family]) -> String {
    let mut v: Vec<String> = (0..kb.types.len())
        .filter(|&t| kb.family(t).is_some_and(|f| want.contains(&f)))
        .map(|t| kb.kind_name(t))
        .take(6)
        .collect();
    v.push("...".into());
    v.join(", ")
}

/// Attributes may be written with TMT's display names (`"Source Authenticated"`); they are stored
/// under TMT's attribute names (`authenticatesSource`).
fn canonical(
    kb: &KnowledgeBase,
    t: Option<usize>,
    attrs: BTreeMap<String, S>,
) -> BTreeMap<String, S> {
    let Some(t) = t else { return attrs };
    attrs
        .into_iter()
        .map(|(k, v)| {
            if kb.attribute(t, &k).is_some() {
                return (k, v);
            }
            let by_display = kb
                .attributes_of(t)
                .into_iter()
                .find(|(d, _)| d.display.eq_ignore_ascii_case(&k))
                .map(|(d, _)| d.name.clone());
            (by_display.unwrap_or(k), v)
        })
        .collect()
}

fn plain(attrs: BTreeMap<String, S>) -> BTreeMap<String, String> {
    attrs
        .into_iter()
        .map(|(k, v)| (k, v.into_inner()))
        .collect()
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn build(
    shape: DfdShape,
    text: &str,
    origin: &Path,
    kb: &KnowledgeBase,
) -> Result<Dfd, ThreatError> {
    let mut c = Check {
        text,
        origin,
        problems: Vec::new(),
    };
    let mut ids: HashMap<String, &'static str> = HashMap::new();
    let mut claim = |c: &mut Check<'_>, id: &S, what: &'static str| {
        if !valid_id(id.get_ref()) {
            c.at(
                id,
                format!(
                    "id \"{}\" is not a slug; expected letters, digits, '-', '_' or '.'",
                    id.get_ref()
                ),
            );
        }
        if let Some(prev) = ids.insert(id.get_ref().clone(), what) {
            c.at(
                id,
                format!(
                    "id \"{}\" is already used by a {prev}; ids must be unique",
                    id.get_ref()
                ),
            );
        }
    };
    for e in &shape.element {
        claim(&mut c, &e.id, "element");
    }
    for b in &shape.boundary {
        claim(&mut c, &b.id, "boundary");
    }
    for f in &shape.flow {
        claim(&mut c, &f.id, "flow");
    }
    let kind_of = |id: &str| ids.get(id).copied();

    let mut dfd = Dfd {
        meta: shape.meta.unwrap_or_default(),
        ..Dfd::default()
    };
    for e in shape.element {
        let t = c.kind(
            kb,
            &e.kind,
            &[
                Family::Process,
                Family::ExternalInteractor,
                Family::DataStore,
            ],
            "an element",
        );
        let attributes = canonical(kb, t, e.attributes);
        c.attributes(
            kb,
            t,
            &attributes,
            &format!("element \"{}\"", e.id.get_ref()),
        );
        let id = e.id.into_inner();
        dfd.elements.push(Element {
            name: e.name.unwrap_or_else(|| id.clone()),
            id,
            kind: t.map(|t| kb.types[t].id.clone()).unwrap_or_default(),
            attributes: plain(attributes),
            out_of_scope: e.out_of_scope,
            reason_out_of_scope: e.reason_out_of_scope,
            description: e.description,
            tmt_guid: e.tmt_guid,
            layout: e.layout,
        });
    }
    for f in shape.flow {
        for (end, role) in [(&f.source, "source"), (&f.target, "target")] {
            match kind_of(end.get_ref()) {
                Some("element") => {}
                Some(other) => c.at(
                    end,
                    format!(
                        "flow \"{}\": {role} \"{}\" is a {other}; expected an element id",
                        f.id.get_ref(),
                        end.get_ref()
                    ),
                ),
                None => c.at(
                    end,
                    format!(
                        "flow \"{}\": {role} \"{}\" names no element (dangling flow)",
                        f.id.get_ref(),
                        end.get_ref()
                    ),
                ),
            }
        }
        let t = match &f.kind {
            Some(k) => c.kind(kb, k, &[Family::DataFlow], "a flow"),
            None => kb.type_index("GE.DF"),
        };
        let attributes = canonical(kb, t, f.attributes);
        c.attributes(kb, t, &attributes, &format!("flow \"{}\"", f.id.get_ref()));
        let id = f.id.into_inner();
        dfd.flows.push(Flow {
            name: f.name.unwrap_or_else(|| id.clone()),
            id,
            source: f.source.into_inner(),
            target: f.target.into_inner(),
            kind: t.map(|t| kb.types[t].id.clone()).unwrap_or_default(),
            attributes: plain(attributes),
            out_of_scope: f.out_of_scope,
            reason_out_of_scope: f.reason_out_of_scope,
            description: f.description,
            bidirectional: f.bidirectional,
            protocol: f.protocol,
            tmt_guid: f.tmt_guid,
        });
    }
    for b in shape.boundary {
        let t = match &b.kind {
            Some(k) => c.kind(
                kb,
                k,
                &[Family::BorderBoundary, Family::LineBoundary],
                "a boundary",
            ),
            None => kb.type_index("GE.TB.B"),
        };
        for m in &b.contains {
            match kind_of(m.get_ref()) {
                Some("element") | Some("boundary") if m.get_ref() != b.id.get_ref() => {}
                Some("boundary") => c.at(
                    m,
                    format!("boundary \"{}\" contains itself", b.id.get_ref()),
                ),
                _ => c.at(
                    m,
                    format!(
                        "boundary \"{}\": \"{}\" names no element or boundary",
                        b.id.get_ref(),
                        m.get_ref()
                    ),
                ),
            }
        }
        for m in &b.crossed_by {
            if kind_of(m.get_ref()) != Some("flow") {
                c.at(
                    m,
                    format!(
                        "boundary \"{}\": crossed_by \"{}\" names no flow",
                        b.id.get_ref(),
                        m.get_ref()
                    ),
                );
            }
        }
        let id = b.id.into_inner();
        dfd.boundaries.push(Boundary {
            name: b.name.unwrap_or_else(|| id.clone()),
            id,
            kind: t.map(|t| kb.types[t].id.clone()).unwrap_or_default(),
            contains: b.contains.into_iter().map(Spanned::into_inner).collect(),
            crossed_by: b.crossed_by.into_iter().map(Spanned::into_inner).collect(),
            tmt_guid: b.tmt_guid,
            layout: b.layout,
            line: b.line,
        });
    }
    let mut threat_ids: HashMap<String, ()> = HashMap::new();
    for t in shape.model_threat {
        if t.id.get_ref().trim().is_empty() {
            c.at(&t.id, "model_threat: empty id; expected a stable id".into());
        } else if threat_ids.insert(t.id.get_ref().clone(), ()).is_some() {
            c.at(
                &t.id,
                format!(
                    "model_threat id \"{}\" appears twice; ids must be unique",
                    t.id.get_ref()
                ),
            );
        }
        if !matches!(
            kind_of(t.on.get_ref()),
            Some("element" | "flow" | "boundary")
        ) {
            c.at(
                &t.on,
                format!(
                    "model_threat \"{}\": on \"{}\" names no element, flow or boundary",
                    t.id.get_ref(),
                    t.on.get_ref()
                ),
            );
        }
        dfd.threats.push(ModelThreat {
            id: t.id.into_inner(),
            title: t.title,
            category: t.category,
            on: t.on.into_inner(),
            description: t.description,
            mitigation: t.mitigation,
            severity: t.severity,
            model_type: t.model_type,
        });
    }
    if c.problems.is_empty() {
        Ok(dfd)
    } else {
        c.problems.sort_by_key(|p| (p.line, p.column));
        Err(ThreatError::Invalid(c.problems))
    }
}

/// Writes a DFD in the text format (kinds by their slug names when `kb` knows them).
pub fn to_toml(dfd: &Dfd, kb: &KnowledgeBase) -> String {
    let kind = |k: &str| match kb.type_index(k) {
        Some(t) => kb.kind_name(t),
        None => k.to_string(),
    };
    let attrs = |a: &BTreeMap<String, String>| {
        let items: Vec<String> = a
            .iter()
            .map(|(k, v)| {
                let key = if k
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    k.clone()
                } else {
                    quote(k)
                };
                format!("{key} = {}", quote(v))
            })
            .collect();
        format!("{{ {} }}", items.join(", "))
    };
    let layout = |r: &Rect| {
        format!(
            "{{ left = {}, top = {}, width = {}, height = {} }}",
            fmt_num(r.left),
            fmt_num(r.top),
            fmt_num(r.width),
            fmt_num(r.height)
        )
    };
    let list = |v: &[String]| {
        let items: Vec<String> = v.iter().map(|s| quote(s)).collect();
        format!("[{}]", items.join(", "))
    };
    let mut s = String::from("# rampart data-flow diagram (see docs/threats.md)\n");
    let m = &dfd.meta;
    let meta: Vec<(&str, &String)> = [
        ("name", &m.name),
        ("owner", &m.owner),
        ("reviewer", &m.reviewer),
        ("contributors", &m.contributors),
        ("description", &m.description),
        ("assumptions", &m.assumptions),
        ("external_dependencies", &m.external_dependencies),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    if !meta.is_empty() {
        s.push_str("\n[meta]\n");
        for (k, v) in meta {
            s.push_str(&format!("{k} = {}\n", quote(v)));
        }
    }
    for e in &dfd.elements {
        s.push_str(&format!(
            "\n[[element]]\nid = {}\nname = {}\nkind = {}\n",
            quote(&e.id),
            quote(&e.name),
            quote(&kind(&e.kind))
        ));
        if !e.attributes.is_empty() {
            s.push_str(&format!("attributes = {}\n", attrs(&e.attributes)));
        }
        text_keys(&mut s, &[("description", &e.description)]);
        if e.out_of_scope {
            s.push_str("out_of_scope = true\n");
        }
        text_keys(&mut s, &[("reason_out_of_scope", &e.reason_out_of_scope)]);
        if let Some(g) = &e.tmt_guid {
            s.push_str(&format!("tmt_guid = {}\n", quote(g)));
        }
        if let Some(r) = &e.layout {
            s.push_str(&format!("layout = {}\n", layout(r)));
        }
    }
    for f in &dfd.flows {
        s.push_str(&format!(
            "\n[[flow]]\nid = {}\nname = {}\nsource = {}\ntarget = {}\nkind = {}\n",
            quote(&f.id),
            quote(&f.name),
            quote(&f.source),
            quote(&f.target),
            quote(&kind(&f.kind))
        ));
        if !f.attributes.is_empty() {
            s.push_str(&format!("attributes = {}\n", attrs(&f.attributes)));
        }
        if f.bidirectional {
            s.push_str("bidirectional = true\n");
        }
        text_keys(
            &mut s,
            &[("protocol", &f.protocol), ("description", &f.description)],
        );
        if f.out_of_scope {
            s.push_str("out_of_scope = true\n");
        }
        text_keys(&mut s, &[("reason_out_of_scope", &f.reason_out_of_scope)]);
        if let Some(g) = &f.tmt_guid {
            s.push_str(&format!("tmt_guid = {}\n", quote(g)));
        }
    }
    for b in &dfd.boundaries {
        s.push_str(&format!(
            "\n[[boundary]]\nid = {}\nname = {}\nkind = {}\ncontains = {}\n",
            quote(&b.id),
            quote(&b.name),
            quote(&kind(&b.kind)),
            list(&b.contains)
        ));
        if !b.crossed_by.is_empty() {
            s.push_str(&format!("crossed_by = {}\n", list(&b.crossed_by)));
        }
        if let Some(g) = &b.tmt_guid {
            s.push_str(&format!("tmt_guid = {}\n", quote(g)));
        }
        if let Some(r) = &b.layout {
            s.push_str(&format!("layout = {}\n", layout(r)));
        }
        if let Some([(x1, y1), (x2, y2)]) = b.line {
            s.push_str(&format!(
                "line = [[{}, {}], [{}, {}]]\n",
                fmt_num(x1),
                fmt_num(y1),
                fmt_num(x2),
                fmt_num(y2)
            ));
        }
    }
    for t in &dfd.threats {
        s.push_str(&format!(
            "\n[[model_threat]]\nid = {}\ntitle = {}\non = {}\n",
            quote(&t.id),
            quote(&t.title),
            quote(&t.on)
        ));
        text_keys(
            &mut s,
            &[
                ("category", &t.category),
                ("severity", &t.severity),
                ("model_type", &t.model_type),
                ("description", &t.description),
                ("mitigation", &t.mitigation),
            ],
        );
    }
    s
}

/// `key = "value"` lines for the keys whose value is not empty.
fn text_keys(s: &mut String, keys: &[(&str, &String)]) {
    for (k, v) in keys {
        if !v.is_empty() {
            s.push_str(&format!("{k} = {}\n", quote(v)));
        }
    }
}

fn fmt_num(v: f64) -> String {
    // TOML floats need a decimal point; whole numbers stay readable.
    if v.fract() == 0.0 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}
