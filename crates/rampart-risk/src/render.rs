//! The register as a document (text, Markdown, HTML with a heat map) for the shared renderers;
//! JSON is serde's.

use crate::{AssessedRisk, Register};
use rampart_report::chart::heatmap::{HeatCell, HeatMap};
use rampart_report::chart::palette::HEAT;
use rampart_report::{Block, Chart, Document, Inline, Table};

fn pct(p: f64) -> String {
    if p < 10.0 {
        format!("{p:.2} %")
    } else {
        format!("{p:.1} %")
    }
}

fn residual(r: &AssessedRisk) -> String {
    r.residual
        .as_ref()
        .map(|(l, s, lvl)| format!("{lvl} ({} × {s})", pct(l.percent)))
        .unwrap_or_else(|| "—".into())
}

fn evidence(r: &AssessedRisk) -> String {
    let mut v: Vec<String> = Vec::new();
    v.extend(r.evidence_findings.iter().map(|f| format!("finding {f}")));
    v.extend(r.evidence_threats.iter().map(|t| format!("threat {t}")));
    v.extend(r.evidence_monitors.iter().map(|m| format!("monitor {m}")));
    if v.is_empty() {
        "—".into()
    } else {
        v.join(", ")
    }
}

fn rows(reg: &Register) -> Vec<Vec<String>> {
    reg.risks
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.asset_name.clone(),
                r.title.clone(),
                format!(
                    "{} over {} ({})",
                    pct(r.likelihood.percent),
                    r.likelihood.horizon,
                    r.likelihood.band
                ),
                r.severity.clone(),
                r.level.clone(),
                residual(r),
                r.owner.clone().unwrap_or_else(|| "—".into()),
                r.treatment.clone().unwrap_or_else(|| "—".into()),
                evidence(r),
            ]
        })
        .collect()
}

const HEADER: [&str; 10] = [
    "id",
    "asset",
    "risk",
    "likelihood",
    "severity",
    "level",
    "residual",
    "owner",
    "treatment",
    "evidence",
];

fn notes(r: &AssessedRisk) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(why) = &r.likelihood.rationale {
        if !why.is_empty() {
            out.push(format!("likelihood: {why}"));
        }
    }
    if let Some(d) = &r.likelihood.derivation {
        out.extend(d.steps.iter().map(|s| format!("  {s}")));
    }
    if let Some((alt, lvl)) = &r.alternative {
        out.push(format!(
            "the horizon matters: {} — {} over {} ({}) → {lvl}",
            alt.derivation
                .as_ref()
                .map(|d| d.event.describe())
                .unwrap_or(""),
            pct(alt.percent),
            alt.horizon,
            alt.band
        ));
        if let Some(d) = &alt.derivation {
            out.extend(d.steps.iter().map(|s| format!("  {s}")));
        }
    }
    if let Some(s) = &r.severity_rationale {
        out.push(format!("severity: {s}"));
    }
    out
}

/// The register as blocks: one section `risks` (used alone and in the combined report).
pub fn section(reg: &Register) -> Block {
    let mut why = Vec::new();
    for r in &reg.risks {
        let mut inner = vec![Block::para(format!(
            "likelihood {} over {} (band {}), severity {} → {}",
            pct(r.likelihood.percent),
            r.likelihood.horizon,
            r.likelihood.band,
            r.severity,
            r.level
        ))];
        let n = notes(r);
        if !n.is_empty() {
            inner.push(Block::Evidence(n.join("\n")));
        }
        inner.push(Block::KeyValues(vec![
            ("residual".into(), residual(r).into()),
            ("owner".into(), r.owner.as_deref().unwrap_or("—").into()),
            (
                "treatment".into(),
                r.treatment.as_deref().unwrap_or("—").into(),
            ),
            ("evidence".into(), evidence(r).into()),
        ]));
        why.push(Block::section(
            format!("{} [{}] {} — {}", r.id, r.asset_name, r.title, r.level),
            inner,
        ));
    }
    Block::section_id(
        "risks",
        format!("Risk register ({} matrix)", reg.matrix.name),
        vec![
            Block::para(
                Inline::new()
                    .text("Matrix: ")
                    .code(&reg.matrix.name)
                    .text(". Levels are derived from the matrix, never typed."),
            ),
            Block::Chart(Chart {
                svg: heat_map(reg).draw(),
                caption: "risk heat map".into(),
                id: None,
                class: "heat-map",
            }),
            Block::Table(Table::plain(&HEADER, &rows(reg))),
            Block::section("Matrix", vec![Block::Table(matrix_table(reg))]),
            Block::section("Why", why),
        ],
    )
}

/// The register alone, as a document.
pub fn document(reg: &Register, project: &str) -> Document {
    let Block::Section {
        heading, blocks, ..
    } = section(reg)
    else {
        unreachable!("section() returns a section")
    };
    Document {
        title: heading.plain(),
        subtitle: project.to_string(),
        blocks,
    }
}

fn matrix_table(reg: &Register) -> Table {
    let mut header = vec!["likelihood \\ severity"];
    header.extend(reg.matrix.severities.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = reg
        .matrix
        .bands
        .iter()
        .rev()
        .map(|b| {
            std::iter::once(b.label.clone())
                .chain(b.cells.iter().cloned())
                .collect()
        })
        .collect();
    Table::plain(&header, &rows)
}

/// The matrix as a heat map, highest band on top, with each risk's id in its cell.
fn heat_map(reg: &Register) -> HeatMap {
    let m = &reg.matrix;
    let top = HEAT.len() - 1;
    let rows = m
        .bands
        .iter()
        .enumerate()
        .rev()
        .map(|(bi, b)| {
            let cells = b
                .cells
                .iter()
                .enumerate()
                .map(|(j, cell)| HeatCell {
                    label: cell.clone(),
                    level: (m.level_rank(cell).unwrap_or(0) * top) / (m.levels.len().max(2) - 1),
                    marks: reg
                        .risks
                        .iter()
                        .filter(|r| {
                            m.band_index(r.likelihood.percent).ok() == Some(bi)
                                && m.severity_index(&r.severity).ok() == Some(j)
                        })
                        .map(|r| r.id.clone())
                        .collect(),
                })
                .collect();
            (b.label.clone(), cells)
        })
        .collect();
    HeatMap {
        label: "risk heat map".into(),
        columns: m.severities.clone(),
        rows,
    }
}
